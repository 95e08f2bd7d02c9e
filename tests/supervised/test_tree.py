"""DecisionTreeClassifier / DecisionTreeRegressor against a brute-force NumPy
tree, against scikit-learn, and against themselves (weights vs repetition,
histogram vs exact, threads, persistence)."""

import math

import numpy as np
import pytest

import zoo
from zoo.exceptions import NotFittedError
from zoo.supervised import tree as tree_module
from zoo.supervised.tree import DecisionTreeClassifier, DecisionTreeRegressor

# --------------------------------------------------------------------------
# Brute-force reference: at each node try every feature and every midpoint
# between neighbouring distinct values, score with the same criterion.
#
# Tie rule (the same as zoo's): within a feature, a threshold replaces the
# best one so far only if its score is larger by more than a relative 1e-10,
# so near-equal scores go to the lowest threshold; across features the same
# rule is applied in feature order, so they go to the lowest feature index.
# The tolerance absorbs last-bit differences between mathematically equal
# scores (two features inducing the same partition, mirrored class counts).

TIE = 1e-10


def improves(score, best):
    return best == -math.inf or score > best + TIE * abs(best)


def xlog2x(v):
    return v * math.log2(v) if v > 0 else 0.0


def proxy(criterion, s, w):
    """-(weight * impurity) up to the parent's constant: the score to maximise."""
    if criterion == "gini":
        return sum(float(c) * float(c) for c in s) / w if w > 0 else 0.0
    if criterion == "entropy":
        return sum(xlog2x(float(c)) for c in s) - xlog2x(w)
    return float(s[1]) * float(s[1]) / w if w > 0 else 0.0  # squared_error


def impurity(criterion, s, w):
    if criterion == "gini":
        return 1.0 - sum((float(c) / w) ** 2 for c in s)
    if criterion == "entropy":
        return -sum(xlog2x(float(c) / w) for c in s)
    mean = s[1] / w
    return max(s[2] / w - mean * mean, 0.0)


def weighted_median(y, w):
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    half = 0.5 * w.sum()
    below = 0.0
    for i in range(len(y)):
        below += w[i]
        if below >= half and w[i] > 0:
            if below == half:
                later = np.flatnonzero(w[i + 1 :] > 0)
                if later.size:
                    return 0.5 * (y[i] + y[i + 1 + later[0]])
            return y[i]
    return y[-1]


def absolute_loss(y, w):
    return float(np.sum(w * np.abs(y - weighted_median(y, w))))


def row_stats(criterion, y, w, n_classes):
    """Per-row contributions to a node's sums, as the C++ core adds them."""
    if criterion in ("gini", "entropy"):
        s = np.zeros((len(y), n_classes))
        s[np.arange(len(y)), y] = w
        return s
    wy = w * y
    return np.column_stack([w, wy, wy * y])


def midpoint(lo, hi):
    two = lo.dtype.type(2)
    mid = lo / two + hi / two
    return lo if not mid < hi else mid


def reference_tree(X, y, w, criterion, *, n_classes=0, max_depth=None, min_samples_leaf=1):
    """The tree as dict of arrays, nodes in preorder (left subtree first)."""
    n, d = X.shape
    nodes = []

    def grow(rows, depth):
        stats = row_stats(criterion, y[rows], w[rows], n_classes)
        total = np.cumsum(stats, axis=0)[-1]  # sequential, as the core sums
        total_w = np.cumsum(w[rows])[-1]
        node = {"n": len(rows), "weight": total_w, "feature": -2, "threshold": -2.0, "left": -1, "right": -1}
        if criterion == "absolute_error":
            node["impurity"] = absolute_loss(y[rows], w[rows]) / total_w
            node["value"] = [weighted_median(y[rows], w[rows])]
        else:
            node["impurity"] = impurity(criterion, total, total_w)
            node["value"] = list(total / total_w) if criterion in ("gini", "entropy") else [total[1] / total_w]
        nodes.append(node)
        if (
            (max_depth is not None and depth >= max_depth)
            or len(rows) < 2
            or len(rows) < 2 * min_samples_leaf
            or node["impurity"] <= np.finfo(float).eps
        ):
            return
        best = None
        for f in range(d):
            values = X[rows, f]
            order = np.argsort(values, kind="stable")
            xs = values[order]
            left = np.cumsum(row_stats(criterion, y[rows][order], w[rows][order], n_classes), axis=0)
            w_left = np.cumsum(w[rows][order])
            feature_best = None
            for i in range(len(rows) - 1):
                if not xs[i] < xs[i + 1]:
                    continue
                n_left = i + 1
                if len(rows) - n_left < min_samples_leaf:
                    break
                wl, wr = w_left[i], total_w - w_left[i]
                if n_left < min_samples_leaf or wl <= 0 or wr <= 0:
                    continue
                if criterion == "absolute_error":
                    ys, ws = y[rows][order], w[rows][order]
                    score = -(absolute_loss(ys[:n_left], ws[:n_left]) + absolute_loss(ys[n_left:], ws[n_left:]))
                else:
                    score = proxy(criterion, left[i], wl) + proxy(criterion, total - left[i], wr)
                if feature_best is None or improves(score, feature_best[0]):
                    feature_best = (score, f, midpoint(xs[i], xs[i + 1]))
            if feature_best is not None and (best is None or improves(feature_best[0], best[0])):
                best = feature_best
        if best is None:
            return
        _, f, threshold = best
        node["feature"], node["threshold"] = f, float(threshold)
        goes_left = X[rows, f] <= threshold
        node["left"] = len(nodes)
        grow(rows[goes_left], depth + 1)
        node["right"] = len(nodes)
        grow(rows[~goes_left], depth + 1)

    grow(np.arange(n), 0)
    return {key: np.array([node[key] for node in nodes]) for key in nodes[0]}


def assert_same_tree(model, reference):
    t = model.tree_
    np.testing.assert_array_equal(t.feature, reference["feature"])
    np.testing.assert_array_equal(t.children_left, reference["left"])
    np.testing.assert_array_equal(t.children_right, reference["right"])
    np.testing.assert_array_equal(t.threshold, reference["threshold"])
    np.testing.assert_array_equal(t.n_node_samples, reference["n"])
    np.testing.assert_allclose(t.weighted_n_node_samples, reference["weight"], rtol=1e-12)
    np.testing.assert_allclose(t.value[:, 0, :], reference["value"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t.impurity, reference["impurity"], rtol=1e-7, atol=1e-9)


def continuous_data(n, d, *, seed, classes=None, dtype=np.float64):
    """Continuous X (no repeated values), and y from a noisy rule."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(dtype)
    signal = X[:, 0] + np.sin(2 * X[:, 1]) + 0.5 * X[:, 2] * X[:, min(3, d - 1)] + 0.3 * rng.normal(size=n)
    if classes is None:
        return X, signal
    edges = np.quantile(signal, np.linspace(0, 1, classes + 1)[1:-1])
    return X, np.searchsorted(edges, signal)


# ------------------------------------------------------------------- reference


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "criterion, classes", [("gini", 2), ("gini", 3), ("entropy", 2), ("entropy", 3), ("squared_error", None)]
)
def test_exact_tree_matches_brute_force(criterion, classes, dtype):
    X, y = continuous_data(80, 4, seed=1, classes=classes, dtype=dtype)
    w = np.ones(len(y))
    Model = DecisionTreeRegressor if classes is None else DecisionTreeClassifier
    model = Model(criterion=criterion, splitter="exact").fit(X, y)
    reference = reference_tree(X, y, w, criterion, n_classes=classes or 0)
    assert_same_tree(model, reference)
    assert model.tree_.threshold.dtype == np.float64


@pytest.mark.parametrize("criterion, classes", [("gini", 3), ("entropy", 2), ("squared_error", None)])
def test_exact_tree_with_limits_and_integer_weights_matches_brute_force(criterion, classes):
    X, y = continuous_data(90, 3, seed=2, classes=classes)
    w = np.random.default_rng(3).integers(1, 4, size=len(y)).astype(float)
    Model = DecisionTreeRegressor if classes is None else DecisionTreeClassifier
    model = Model(criterion=criterion, splitter="exact", max_depth=4, min_samples_leaf=3).fit(X, y, sample_weight=w)
    reference = reference_tree(X, y, w, criterion, n_classes=classes or 0, max_depth=4, min_samples_leaf=3)
    assert_same_tree(model, reference)


def test_absolute_error_matches_brute_force():
    X, y = continuous_data(50, 3, seed=4)
    w = np.ones(len(y))
    model = DecisionTreeRegressor(criterion="absolute_error", max_depth=5).fit(X, y)
    assert_same_tree(model, reference_tree(X, y, w, "absolute_error", max_depth=5))


# ---------------------------------------------------------------- scikit-learn


def sklearn_tree():
    return pytest.importorskip("sklearn.tree")


@pytest.mark.parametrize(
    "criterion, classes", [("gini", 2), ("entropy", 3), ("squared_error", None), ("absolute_error", None)]
)
@pytest.mark.parametrize("max_leaf_nodes", [None, 12])
def test_matches_sklearn_on_continuous_data(criterion, classes, max_leaf_nodes):
    sk = sklearn_tree()
    # float32 data, so that both libraries see the same values (scikit-learn
    # computes in float32). Depth 4 and min_samples_leaf=5 keep nodes large,
    # so that no two splits tie: in small nodes two features often give the
    # same partition (or mirrored ones), or class counts tie, and
    # scikit-learn breaks such ties at random.
    n = 200 if criterion == "absolute_error" else 1000
    X, y = continuous_data(n, 5, seed=5, classes=classes, dtype=np.float32)
    params = dict(criterion=criterion, max_depth=4, min_samples_leaf=5, max_leaf_nodes=max_leaf_nodes)
    if classes is None:
        ours = DecisionTreeRegressor(splitter="exact", **params)
        theirs = sk.DecisionTreeRegressor(random_state=0, **params)
    else:
        ours = DecisionTreeClassifier(splitter="exact", **params)
        theirs = sk.DecisionTreeClassifier(random_state=0, **params)
    ours.fit(X, y)
    theirs.fit(X, y)
    a, b = ours.tree_, theirs.tree_
    np.testing.assert_array_equal(a.feature, b.feature)
    np.testing.assert_array_equal(a.children_left, b.children_left)
    np.testing.assert_array_equal(a.children_right, b.children_right)
    np.testing.assert_array_equal(a.n_node_samples, b.n_node_samples)
    np.testing.assert_allclose(a.threshold, b.threshold, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(a.impurity, b.impurity, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(a.value, b.value, rtol=1e-5, atol=1e-7)
    X_test, _ = continuous_data(500, 5, seed=6, dtype=np.float32)
    np.testing.assert_allclose(ours.predict(X_test), theirs.predict(X_test), rtol=1e-6)
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, rtol=1e-5, atol=1e-8)
    assert ours.get_depth() == theirs.get_depth()
    assert ours.get_n_leaves() == theirs.get_n_leaves()
    if classes is not None:
        np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test), rtol=1e-6)
    if max_leaf_nodes is not None:
        assert ours.get_n_leaves() == max_leaf_nodes


@pytest.mark.parametrize("classes", [2, None])
def test_full_depth_agrees_with_sklearn(classes):
    sk = sklearn_tree()
    X, y = continuous_data(2000, 6, seed=7, classes=classes, dtype=np.float32)
    X_test, y_test = continuous_data(2000, 6, seed=8, classes=classes, dtype=np.float32)
    Ours = DecisionTreeRegressor if classes is None else DecisionTreeClassifier
    Theirs = sk.DecisionTreeRegressor if classes is None else sk.DecisionTreeClassifier
    ours, theirs = Ours(splitter="exact").fit(X, y), Theirs(random_state=0).fit(X, y)
    # Both fit the training data exactly. Small nodes have tied splits, which
    # zoo gives to the lowest feature index and scikit-learn to a random one,
    # so the deep parts of the trees differ a little.
    np.testing.assert_allclose(ours.predict(X), y)
    assert abs(ours.tree_.node_count - theirs.tree_.node_count) <= 0.02 * theirs.tree_.node_count
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, atol=0.05)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) < 0.03


# ------------------------------------------------------------ self-consistency


def test_best_first_with_enough_leaves_is_the_full_tree():
    X, y = continuous_data(300, 4, seed=9, classes=3)
    full = DecisionTreeClassifier(splitter="exact").fit(X, y)
    best_first = DecisionTreeClassifier(splitter="exact", max_leaf_nodes=full.get_n_leaves() + 5).fit(X, y)
    assert best_first.get_n_leaves() == full.get_n_leaves()
    assert best_first.get_depth() == full.get_depth()
    X_test, _ = continuous_data(500, 4, seed=10)
    np.testing.assert_array_equal(best_first.apply(X_test) >= 0, True)
    np.testing.assert_array_equal(best_first.predict_proba(X_test), full.predict_proba(X_test))


@pytest.mark.parametrize("max_leaf_nodes", [2, 5, 17])
def test_best_first_grows_the_largest_decrease_first(max_leaf_nodes):
    X, y = continuous_data(400, 4, seed=11)
    model = DecisionTreeRegressor(max_leaf_nodes=max_leaf_nodes).fit(X, y)
    assert model.get_n_leaves() == max_leaf_nodes
    # Growing one more leaf keeps every split made so far (greedy best-first).
    bigger = DecisionTreeRegressor(max_leaf_nodes=max_leaf_nodes + 1).fit(X, y)
    split = model.tree_.children_left != -1
    np.testing.assert_array_equal(bigger.tree_.feature[: model.tree_.node_count][split], model.tree_.feature[split])


@pytest.mark.parametrize("splitter", ["exact", "histogram"])
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_class_weight_and_sample_weight_equal_repetition(criterion, splitter):
    X, y = continuous_data(120, 3, seed=12, classes=3)
    counts = np.random.default_rng(13).integers(1, 4, size=len(y))
    repeated = DecisionTreeClassifier(criterion=criterion, splitter=splitter).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    weighted = DecisionTreeClassifier(criterion=criterion, splitter=splitter).fit(X, y, sample_weight=counts)
    for name in ("feature", "threshold", "children_left", "weighted_n_node_samples"):
        np.testing.assert_array_equal(getattr(weighted.tree_, name), getattr(repeated.tree_, name))
    np.testing.assert_allclose(weighted.tree_.value, repeated.tree_.value, rtol=1e-12)
    # class_weight {c: k} is sample_weight k on class c, which is repetition again.
    class_counts = {0: 1, 1: 3, 2: 2}
    per_row = np.array([class_counts[c] for c in y])
    by_class = DecisionTreeClassifier(criterion=criterion, splitter=splitter, class_weight=class_counts).fit(X, y)
    by_repetition = DecisionTreeClassifier(criterion=criterion, splitter=splitter).fit(
        np.repeat(X, per_row, axis=0), np.repeat(y, per_row)
    )
    np.testing.assert_array_equal(by_class.tree_.feature, by_repetition.tree_.feature)
    np.testing.assert_array_equal(by_class.tree_.threshold, by_repetition.tree_.threshold)


def test_regressor_sample_weight_equals_repetition():
    X, y = continuous_data(100, 3, seed=14)
    counts = np.random.default_rng(15).integers(1, 4, size=len(y))
    for criterion in ("squared_error", "absolute_error"):
        repeated = DecisionTreeRegressor(criterion=criterion, max_depth=6).fit(
            np.repeat(X, counts, axis=0), np.repeat(y, counts)
        )
        weighted = DecisionTreeRegressor(criterion=criterion, max_depth=6).fit(X, y, sample_weight=counts)
        np.testing.assert_array_equal(weighted.tree_.feature, repeated.tree_.feature)
        np.testing.assert_array_equal(weighted.tree_.threshold, repeated.tree_.threshold)
        np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-9)


def test_balanced_class_weight():
    X, y = continuous_data(200, 3, seed=16, classes=2)
    y[:150] = 0
    model = DecisionTreeClassifier(class_weight="balanced", max_depth=1).fit(X, y)
    # Balanced weights give each class half of the root's weight.
    np.testing.assert_allclose(model.tree_.value[0, 0], [0.5, 0.5])
    np.testing.assert_allclose(model.tree_.weighted_n_node_samples[0], len(y))


@pytest.mark.parametrize("max_leaf_nodes", [None, 20])
@pytest.mark.parametrize("classes", [2, None])
def test_histogram_equals_exact_with_few_distinct_values(classes, max_leaf_nodes, monkeypatch):
    # With at most max_bins distinct values per feature, every bin is one
    # value: the histogram splitter sees the exact splitter's partitions.
    monkeypatch.setattr(tree_module, "HISTOGRAM_MIN_NODE", 1)
    X, y = continuous_data(500, 4, seed=17, classes=classes)
    X = np.round(X * 10) / 10
    Model = DecisionTreeRegressor if classes is None else DecisionTreeClassifier
    exact = Model(splitter="exact", max_depth=8, max_leaf_nodes=max_leaf_nodes).fit(X, y)
    histogram = Model(splitter="histogram", max_depth=8, max_leaf_nodes=max_leaf_nodes).fit(X, y)
    for name in ("feature", "children_left", "children_right", "n_node_samples"):
        np.testing.assert_array_equal(getattr(histogram.tree_, name), getattr(exact.tree_, name))
    np.testing.assert_array_equal(histogram.apply(X), exact.apply(X))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_histogram_thresholds_agree_with_binned_splits(dtype, monkeypatch):
    monkeypatch.setattr(tree_module, "HISTOGRAM_MIN_NODE", 1)
    X, y = continuous_data(3000, 5, seed=18, classes=2, dtype=dtype)
    model = DecisionTreeClassifier(splitter="histogram", max_bins=32).fit(X, y)
    t = model.tree_
    # Each training sample reaches a leaf whose sample count matches the
    # partition made during growth: raw-value predict agrees with the bins.
    leaves = model.apply(X)
    np.testing.assert_array_equal(np.bincount(leaves, minlength=t.node_count)[t.children_left == -1],
                                  t.n_node_samples[t.children_left == -1])
    # Thresholds are midpoints of neighbouring distinct training values.
    split = np.flatnonzero(t.children_left != -1)
    for node in split[:50]:
        column = np.unique(X[:, t.feature[node]])
        position = np.searchsorted(column, t.threshold[node], side="right")
        lo, hi = column[position - 1], column[position]
        assert lo <= t.threshold[node] < hi
        np.testing.assert_equal(dtype(t.threshold[node]), lo / dtype(2) + hi / dtype(2))
    np.testing.assert_array_equal(model.predict(X), y)


def test_histogram_accuracy_close_to_exact():
    X, y = continuous_data(20000, 8, seed=19, classes=2)
    X_test, y_test = continuous_data(5000, 8, seed=20, classes=2)
    exact = DecisionTreeClassifier(splitter="exact", min_samples_leaf=5).fit(X, y)
    histogram = DecisionTreeClassifier(splitter="histogram", min_samples_leaf=5).fit(X, y)
    assert abs(exact.score(X_test, y_test) - histogram.score(X_test, y_test)) < 0.01


@pytest.mark.parametrize("splitter", ["exact", "histogram"])
def test_same_random_state_same_tree_across_threads(splitter):
    X, y = continuous_data(20000, 10, seed=21, classes=3)
    trees = [
        DecisionTreeClassifier(splitter=splitter, max_features="sqrt", random_state=3, n_jobs=n_jobs).fit(X, y).tree_
        for n_jobs in (1, 2, 1)
    ]
    for other in trees[1:]:
        for name in tree_module.Tree._ARRAYS:
            np.testing.assert_array_equal(getattr(other, name), getattr(trees[0], name))
    different = DecisionTreeClassifier(splitter=splitter, max_features="sqrt", random_state=4).fit(X, y).tree_
    assert different.node_count != trees[0].node_count or not np.array_equal(different.feature, trees[0].feature)


def test_max_features_draws_a_subset():
    X, y = continuous_data(500, 8, seed=22)
    model = DecisionTreeRegressor(max_features=0.25, random_state=0).fit(X, y)
    assert model.max_features_ == 2
    assert DecisionTreeRegressor(max_features="log2").fit(X, y).max_features_ == 3
    # Feature 0 carries most signal; with 2 of 8 drawn per node, it cannot be the root's split every time.
    roots = {DecisionTreeRegressor(max_features=1, random_state=s).fit(X, y).tree_.feature[0] for s in range(20)}
    assert len(roots) > 1


def test_limits_are_respected():
    X, y = continuous_data(600, 4, seed=23)
    model = DecisionTreeRegressor(min_samples_leaf=7, min_samples_split=20, max_depth=6).fit(X, y)
    t = model.tree_
    leaves = t.children_left == -1
    assert t.n_node_samples[leaves].min() >= 7
    assert t.n_node_samples[~leaves].min() >= 20
    assert model.get_depth() <= 6
    decrease = DecisionTreeRegressor(min_impurity_decrease=0.01).fit(X, y).tree_
    assert decrease.node_count < DecisionTreeRegressor().fit(X, y).tree_.node_count
    weighted = DecisionTreeRegressor(min_weight_fraction_leaf=0.05).fit(X, y).tree_
    assert weighted.weighted_n_node_samples[weighted.children_left == -1].min() >= 0.05 * 600 - 1e-9


def test_apply_decision_path_and_proba():
    X, y = continuous_data(400, 4, seed=24, classes=3)
    model = DecisionTreeClassifier(max_depth=6).fit(X, y)
    leaves = model.apply(X)
    indptr, indices = model.decision_path_arrays(X)
    np.testing.assert_array_equal(indices[indptr[1:] - 1], leaves)
    np.testing.assert_array_equal(indices[indptr[:-1]], 0)
    path = model.decision_path(X)
    assert path.shape == (400, model.tree_.node_count)
    np.testing.assert_array_equal(path.toarray()[np.arange(400), leaves], 1)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    # The leaf's class fractions, by weight.
    leaf = leaves[0]
    members = y[leaves == leaf]
    np.testing.assert_allclose(proba[0], np.bincount(members, minlength=3) / len(members))


def test_string_labels_and_float32():
    X, y = continuous_data(300, 3, seed=25, classes=2, dtype=np.float32)
    labels = np.array(["no", "yes"])[y]
    model = DecisionTreeClassifier().fit(X, labels)
    assert model.predict(X).dtype == labels.dtype
    np.testing.assert_array_equal(model.predict(X), labels)
    np.testing.assert_array_equal(model.predict(X.astype(np.float64)), labels)


def test_save_and_load_round_trip(tmp_path):
    X, y = continuous_data(300, 4, seed=26, classes=3)
    model = DecisionTreeClassifier(max_depth=5, class_weight={0: 2.0}).fit(X, y)
    path = tmp_path / "tree.npz"
    zoo.persistence.save(model, path)
    loaded = zoo.load(path)
    assert isinstance(loaded, DecisionTreeClassifier)
    for name in tree_module.Tree._ARRAYS:
        np.testing.assert_array_equal(getattr(loaded.tree_, name), getattr(model.tree_, name))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.get_depth() == model.get_depth()
    regressor = DecisionTreeRegressor(criterion="absolute_error", max_depth=4).fit(X, y.astype(float))
    regressor.save(path)
    np.testing.assert_array_equal(zoo.load(path).predict(X), regressor.predict(X))


# ------------------------------------------------------------------ bad input


def test_unfitted_raises():
    with pytest.raises(NotFittedError):
        DecisionTreeClassifier().predict(np.zeros((2, 2)))
    with pytest.raises(NotFittedError):
        DecisionTreeRegressor().get_depth()


@pytest.mark.parametrize(
    "params, match",
    [
        ({"max_depth": 0}, "max_depth"),
        ({"min_samples_split": 1}, "min_samples_split"),
        ({"min_samples_leaf": 0}, "min_samples_leaf"),
        ({"max_features": "all"}, "max_features"),
        ({"max_features": 9}, "max_features"),
        ({"max_leaf_nodes": 1}, "max_leaf_nodes"),
        ({"splitter": "random"}, "splitter"),
        ({"criterion": "squared_error"}, "criterion"),
        ({"max_bins": 257}, "max_bins"),
        ({"min_impurity_decrease": -1.0}, "min_impurity_decrease"),
        ({"class_weight": "even"}, "class_weight"),
    ],
)
def test_bad_parameters(params, match):
    X, y = continuous_data(50, 3, seed=27, classes=2)
    with pytest.raises(ValueError, match=match):
        DecisionTreeClassifier(**params).fit(X, y)


def test_bad_data():
    X, y = continuous_data(50, 3, seed=28, classes=2)
    with pytest.raises(ValueError, match="2 classes"):
        DecisionTreeClassifier().fit(X, np.zeros(50))
    with pytest.raises(ValueError, match="Unknown label type"):
        DecisionTreeClassifier().fit(X, np.linspace(0, 1, 50))
    with pytest.raises(ValueError, match="samples"):
        DecisionTreeClassifier().fit(X, y[:40])
    with pytest.raises(ValueError, match="NaN|infinity"):
        DecisionTreeRegressor().fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="sample_weight"):
        DecisionTreeRegressor().fit(X, y, sample_weight=-np.ones(50))
    with pytest.raises(ValueError, match="class_weight"):
        DecisionTreeClassifier(class_weight={5: 1.0}).fit(X, y)
    with pytest.raises(ValueError, match="one target column"):
        DecisionTreeRegressor().fit(X, np.column_stack([y, y]))
    model = DecisionTreeRegressor().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])


def test_core_rejects_bad_arrays():
    from zoo import _core

    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="class labels"):
        _core.tree_fit(X, np.array([0, 1, 2, 5], np.int32), np.empty(0), np.ones(4), 2, "gini", False, 256, 0,
                       -1, 2, 1, 0.0, 0, 0.0, -1, 0, 1)
    with pytest.raises(ValueError, match="criterion"):
        _core.tree_fit(X, np.zeros(4, np.int32), np.empty(0), np.ones(4), 2, "mse", False, 256, 0,
                       -1, 2, 1, 0.0, 0, 0.0, -1, 0, 1)
    with pytest.raises(ValueError, match="NaN"):
        _core.tree_fit(np.array([[0.0], [np.nan]]), np.array([0, 1], np.int32), np.empty(0), np.ones(2), 2, "gini",
                       True, 256, 0, -1, 2, 1, 0.0, 0, 0.0, -1, 0, 1)
    with pytest.raises(ValueError, match="children"):
        _core.tree_apply(X, np.array([1, -1]), np.array([0, -1]), np.array([0, -2]), np.zeros(2), 1)


@pytest.mark.parametrize("classes", [3, None])
def test_zero_weight_is_removal(classes):
    X, y = continuous_data(150, 3, seed=29, classes=classes)
    weight = np.random.default_rng(30).integers(0, 3, size=len(y)).astype(float)
    Model = DecisionTreeRegressor if classes is None else DecisionTreeClassifier
    weighted = Model().fit(X, y, sample_weight=weight)
    kept = weight > 0
    removed = Model().fit(X[kept], y[kept], sample_weight=weight[kept])
    for name in tree_module.Tree._ARRAYS:
        np.testing.assert_array_equal(getattr(weighted.tree_, name), getattr(removed.tree_, name))


def test_histogram_edges_from_a_sample_are_exact_midpoints():
    # Past 65,536 rows the quantile cuts come from a strided sample; the
    # edges must still be midpoints of neighbouring distinct training values.
    rng = np.random.default_rng(31)
    X = rng.normal(size=(140_000, 2))
    y = X[:, 0] + X[:, 1] ** 2 + 0.1 * rng.normal(size=len(X))
    model = DecisionTreeRegressor(splitter="histogram", max_depth=4).fit(X, y)
    t = model.tree_
    for node in np.flatnonzero(t.children_left != -1):
        column = np.sort(X[:, t.feature[node]])
        position = np.searchsorted(column, t.threshold[node], side="right")
        lo, hi = column[position - 1], column[position]
        assert t.threshold[node] == lo / 2 + hi / 2
    leaves = model.apply(X)
    is_leaf = t.children_left == -1
    np.testing.assert_array_equal(np.bincount(leaves, minlength=t.node_count)[is_leaf], t.n_node_samples[is_leaf])
