"""zoo.model_selection: splits, folds, cross-validation, learning curves, grid search,
and zoo.base.clone. References are hand-written loops or scikit-learn."""

import collections
import signal

import numpy as np
import pytest

import zoo
import zoo.datasets
import zoo.metrics
from zoo.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from zoo.model_selection import (
    FitFailedWarning,
    GridSearchCV,
    KFold,
    ParameterGrid,
    StratifiedKFold,
    check_cv,
    check_scoring,
    cross_val_score,
    cross_validate,
    get_scorer,
    get_scorer_names,
    grid_search,
    learning_curve,
    make_scorer,
    train_test_split,
)


def _classification(n=90, n_features=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y = (X[:, 0] + 0.5 * X[:, 1] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, y


def _regression(n=80, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y = X @ rng.normal(size=n_features) + 0.1 * rng.normal(size=n)
    return X, y


class FailsOnSmallData(RegressorMixin, BaseEstimator):
    """Predicts the training mean; its fit raises on fewer than ``min_rows`` rows."""

    def __init__(self, min_rows=0):
        self.min_rows = min_rows

    def fit(self, X, y):
        if len(X) < self.min_rows:
            raise RuntimeError("too few rows")
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


class MajorityClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        values, counts = np.unique(y, return_counts=True)
        self.classes_ = values
        self.majority_ = values[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


# --------------------------------------------------------------------- clone


def test_clone_copies_parameters_not_fitted_state():
    X, y = _classification()
    model = zoo.LogisticRegression(C=0.5).fit(X, y)
    copy = clone(model)
    assert type(copy) is zoo.LogisticRegression and copy.get_params() == model.get_params()
    assert not hasattr(copy, "coef_")
    assert copy is not model


def test_clone_deep_copies_array_parameters_and_nested_estimators():
    weights = np.array([1.0, 2.0])
    search = GridSearchCV(zoo.Ridge(alpha=weights), {"fit_intercept": [True]})
    copy = clone(search)
    assert copy.estimator is not search.estimator
    assert copy.estimator.alpha is not weights and np.array_equal(copy.estimator.alpha, weights)
    assert clone([zoo.Ridge(), zoo.Lasso(alpha=2.0)])[1].alpha == 2.0


def test_clone_keeps_tuple_subclass_parameters():
    # A namedtuple cannot be rebuilt from one iterable: it is deep-copied.
    Range = collections.namedtuple("Range", "low high")
    model = zoo.preprocessing.MinMaxScaler(feature_range=Range(0.0, 2.0))
    copy = clone(model)
    assert type(copy.feature_range) is Range and copy.feature_range == (0.0, 2.0)
    assert clone((zoo.Ridge(alpha=3.0),))[0].alpha == 3.0


def test_clone_rejects_non_estimators():
    with pytest.raises(TypeError, match="estimator instance"):
        clone(zoo.Ridge)
    with pytest.raises(TypeError, match="estimator instance"):
        clone("Ridge")
    assert clone({"a": [1]}, safe=False) == {"a": [1]}


# --------------------------------------------------------- train_test_split


@pytest.mark.parametrize(
    "n, test_size, train_size",
    [(100, None, None), (10, 0.33, None), (11, None, 0.7), (10, 3, None), (10, 0.2, 0.5), (7, 2, 4)],
)
def test_split_sizes_match_scikit_learn(n, test_size, train_size):
    sk = pytest.importorskip("sklearn.model_selection")
    X = np.arange(n)
    ours = train_test_split(X, test_size=test_size, train_size=train_size, random_state=0)
    theirs = sk.train_test_split(X, test_size=test_size, train_size=train_size, random_state=0)
    assert [len(part) for part in ours] == [len(part) for part in theirs]


def test_split_partitions_rows_and_keeps_arrays_aligned():
    X = np.arange(40).reshape(20, 2)
    y = np.arange(20) * 10
    names = [f"row{i}" for i in range(20)]
    X_train, X_test, y_train, y_test, n_train, n_test = train_test_split(
        X, y, names, test_size=0.3, random_state=1
    )
    assert sorted(np.concatenate([X_train[:, 0], X_test[:, 0]]) // 2) == list(range(20))
    assert np.array_equal(X_train[:, 0] // 2 * 10, y_train)
    assert np.array_equal(X_test[:, 0] // 2 * 10, y_test)
    assert isinstance(n_test, list) and n_test == [f"row{v // 10}" for v in y_test]


def test_split_is_seeded():
    X = np.arange(50)
    first = train_test_split(X, random_state=3)
    assert all(np.array_equal(a, b) for a, b in zip(first, train_test_split(X, random_state=3)))
    assert not np.array_equal(first[1], train_test_split(X, random_state=4)[1])


def test_split_without_shuffle_takes_blocks_in_order():
    X = np.arange(10)
    train, val, test = train_test_split(X, val_size=2, test_size=3, shuffle=False)
    assert train.tolist() == [0, 1, 2, 3, 4] and val.tolist() == [5, 6] and test.tolist() == [7, 8, 9]
    train, test = train_test_split(X, test_size=0.3, shuffle=False)
    assert train.tolist() == list(range(7)) and test.tolist() == [7, 8, 9]


def test_split_keeps_pandas_objects_and_splits_by_position():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": np.arange(12.0), "b": -np.arange(12.0)}, index=np.arange(12)[::-1] * 7)
    series = pd.Series(np.arange(12), index=frame.index)
    f_train, f_test, s_train, s_test = train_test_split(frame, series, test_size=4, random_state=0)
    assert isinstance(f_train, pd.DataFrame) and isinstance(s_test, pd.Series)
    assert len(f_test) == 4 and len(f_train) == 8
    # Rows stay whole and aligned with the series, index labels included.
    assert np.array_equal(f_test["a"].to_numpy(), s_test.to_numpy())
    assert np.array_equal(f_test.index, s_test.index)
    assert np.array_equal(frame.loc[f_test.index, "a"], f_test["a"])


def _class_counts(labels, classes):
    return np.array([(labels == c).sum() for c in classes])


def test_stratified_split_keeps_class_proportions():
    y = np.repeat(["a", "b", "c"], [50, 30, 20])
    X = np.arange(100)
    X_train, X_val, X_test, y_train, y_val, y_test = train_test_split(
        X, y, val_size=0.2, test_size=0.1, stratify=y, random_state=0
    )
    assert (len(y_train), len(y_val), len(y_test)) == (70, 20, 10)
    for part, size in ((y_train, 70), (y_val, 20), (y_test, 10)):
        exact = np.array([50, 30, 20]) * size / 100
        assert np.all(np.abs(_class_counts(part, "abc") - exact) < 1)
    assert np.array_equal(np.sort(np.concatenate([X_train, X_val, X_test])), X)
    assert np.array_equal(y[X_test], y_test)


def test_stratified_split_class_counts_match_scikit_learn():
    sk = pytest.importorskip("sklearn.model_selection")
    y = np.repeat([0, 1, 2], [13, 7, 5])
    ours = train_test_split(y, test_size=0.4, stratify=y, random_state=0)
    theirs = sk.train_test_split(y, test_size=0.4, stratify=y, random_state=0)
    for a, b in zip(ours, theirs):
        assert np.array_equal(np.bincount(a, minlength=3), np.bincount(b, minlength=3))


def test_three_way_split_sizes():
    parts = train_test_split(np.arange(100), val_size=0.15, test_size=0.15, random_state=0)
    assert [len(p) for p in parts] == [70, 15, 15]
    parts = train_test_split(np.arange(100), val_size=10, train_size=50, random_state=0)
    assert [len(p) for p in parts] == [50, 10, 40]
    parts = train_test_split(np.arange(100), val_size=0.1, random_state=0)
    assert [len(p) for p in parts] == [65, 10, 25]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(test_size=0.6, train_size=0.6), ValueError, "add up to"),
        (dict(test_size=8, train_size=5), ValueError, "more than the 10 samples"),
        (dict(test_size=10), ValueError, "test_size=10"),
        (dict(test_size=0.0), ValueError, "test_size=0.0"),
        (dict(test_size=1.5), ValueError, "test_size=1.5"),
        (dict(test_size="half"), TypeError, "test_size"),
        (dict(val_size=0.5, test_size=0.5), ValueError, "add up to|empty"),
        (dict(shuffle=False, stratify=np.arange(10) % 2), ValueError, "shuffle=True"),
        (dict(stratify=np.r_[np.zeros(9), 1]), ValueError, "only 1 member"),
        (dict(stratify=np.arange(10) % 5, test_size=3), ValueError, "fewer than the 5 classes"),
    ],
)
def test_split_rejects_bad_sizes(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_test_split(np.arange(10), **kwargs)


def test_split_rejects_bad_arrays():
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        train_test_split(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one array"):
        train_test_split()
    with pytest.raises(TypeError, match="unexpected keyword"):
        train_test_split(np.arange(5), test_sise=0.2)
    # Labels numpy cannot sort: a clear error naming the argument, not numpy's '<' TypeError.
    for labels in (np.array([None, 1] * 5, dtype=object), np.array(["a", 1] * 5, dtype=object)):
        with pytest.raises(TypeError, match="stratify must hold class labels of one kind"):
            train_test_split(np.zeros((10, 2)), stratify=labels, random_state=0)
        with pytest.raises(TypeError, match="y must hold class labels of one kind"):
            list(StratifiedKFold(2).split(np.zeros((10, 2)), labels))


# -------------------------------------------------------------------- K-fold


@pytest.mark.parametrize("n, k", [(10, 3), (7, 7), (23, 5), (5, 2)])
def test_kfold_indices_equal_scikit_learn(n, k):
    sk = pytest.importorskip("sklearn.model_selection")
    X = np.zeros((n, 1))
    ours = list(KFold(k).split(X))
    theirs = list(sk.KFold(k).split(X))
    assert len(ours) == k == KFold(k).get_n_splits()
    for (a_train, a_test), (b_train, b_test) in zip(ours, theirs):
        assert np.array_equal(a_train, b_train) and np.array_equal(a_test, b_test)


def test_shuffled_kfold_partitions_with_scikit_learn_sizes_and_is_seeded():
    X = np.zeros((23, 1))
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    tests = [test for _, test in folds]
    assert sorted(np.concatenate(tests)) == list(range(23))
    assert [len(t) for t in tests] == [6, 6, 6, 5]
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0 and len(train) + len(test) == 23
    again = [test for _, test in KFold(4, shuffle=True, random_state=0).split(X)]
    assert all(np.array_equal(a, b) for a, b in zip(tests, again))
    assert not np.array_equal(tests[0], np.arange(6))


@pytest.mark.parametrize(
    "labels",
    [
        np.repeat([0, 1, 2], [10, 7, 4]),
        np.array(list("bbaacacbbbbaccab") * 2),
        np.tile([1, 0, 0, 2, 2, 2], 5),
        np.repeat([3.0, 1.0], [9, 6]),
    ],
)
@pytest.mark.parametrize("shuffle", [False, True])
def test_stratified_kfold_class_counts_match_scikit_learn(labels, shuffle):
    sk = pytest.importorskip("sklearn.model_selection")
    X = np.zeros((len(labels), 1))
    seed = 0 if shuffle else None
    ours = list(StratifiedKFold(3, shuffle=shuffle, random_state=seed).split(X, labels))
    theirs = list(sk.StratifiedKFold(3, shuffle=shuffle, random_state=seed).split(X, labels))
    classes = np.unique(labels)
    for (a_train, a_test), (b_train, b_test) in zip(ours, theirs):
        assert np.array_equal(_class_counts(labels[a_test], classes), _class_counts(labels[b_test], classes))
        if not shuffle:  # within a class, samples fill the folds in data order, as in scikit-learn
            assert np.array_equal(a_test, b_test)
        assert np.intersect1d(a_train, a_test).size == 0 and len(a_train) + len(a_test) == len(labels)
    assert sorted(np.concatenate([test for _, test in ours])) == list(range(len(labels)))


def test_stratified_kfold_input_checks():
    X = np.zeros((10, 1))
    with pytest.raises(ValueError, match="continuous"):
        list(StratifiedKFold(2).split(X, np.linspace(0, 1, 10)))
    with pytest.raises(ValueError, match="needs the class labels"):
        list(StratifiedKFold(2).split(X))
    with pytest.raises(ValueError, match="cannot be greater than the number of members"):
        list(StratifiedKFold(6).split(X, np.arange(10) % 2))
    with pytest.warns(UserWarning, match="least populated class"):
        list(StratifiedKFold(3).split(X, np.r_[np.zeros(8), 1, 1]))


@pytest.mark.parametrize("splitter", [KFold, StratifiedKFold])
def test_kfold_parameter_checks(splitter):
    with pytest.raises(ValueError, match="at least 2"):
        splitter(1)
    with pytest.raises(TypeError, match="n_splits"):
        splitter(2.5)
    with pytest.raises(ValueError, match="shuffle=False"):
        splitter(3, random_state=0)
    with pytest.raises(ValueError, match="greater than the number of samples"):
        list(splitter(5).split(np.zeros((4, 1)), np.arange(4) % 2))


def test_check_cv_picks_stratified_for_classifiers_and_accepts_other_splitters():
    sk = pytest.importorskip("sklearn.model_selection")
    y = np.arange(20) % 2
    assert isinstance(check_cv(4, y, classifier=True), StratifiedKFold)
    assert isinstance(check_cv(4, y.astype(float) + 0.5, classifier=True), KFold)
    assert isinstance(check_cv(4, y, classifier=False), KFold)
    assert check_cv(None).get_n_splits() == 5
    shuffle_split = sk.ShuffleSplit(3, random_state=0)
    assert check_cv(shuffle_split) is shuffle_split
    pairs = [(np.arange(5), np.arange(5, 10)), (np.arange(5, 10), np.arange(5))]
    assert check_cv(pairs).get_n_splits() == 2
    with pytest.raises(TypeError, match="cv must be"):
        check_cv("five")


# ---------------------------------------------------------- cross_validate


def _hand_cross_validation(estimator, X, y, splitter, scorer):
    scores = []
    for train, test in splitter.split(X, y):
        fitted = clone(estimator).fit(X[train], y[train])
        scores.append(scorer(fitted, X[test], y[test]))
    return np.array(scores)


@pytest.mark.parametrize(
    "estimator, data, splitter",
    [
        (zoo.LogisticRegression(C=0.3), _classification, StratifiedKFold(4)),
        (zoo.Ridge(alpha=2.0), _regression, KFold(3)),
        (zoo.DecisionTreeClassifier(max_depth=3, random_state=0), _classification, StratifiedKFold(3)),
    ],
    ids=["logistic", "ridge", "tree"],
)
def test_cross_validate_equals_hand_loop(estimator, data, splitter):
    X, y = data()
    cv = splitter.get_n_splits()
    result = cross_validate(estimator, X, y, cv=cv, return_train_score=True)
    expected = _hand_cross_validation(estimator, X, y, splitter, lambda e, A, b: e.score(A, b))
    np.testing.assert_array_equal(result["test_score"], expected)
    np.testing.assert_array_equal(cross_val_score(estimator, X, y, cv=cv), expected)
    train = []
    for tr, _ in splitter.split(X, y):
        train.append(clone(estimator).fit(X[tr], y[tr]).score(X[tr], y[tr]))
    np.testing.assert_array_equal(result["train_score"], train)
    for key in ("fit_time", "score_time"):
        assert result[key].shape == (cv,) and np.all(result[key] >= 0)


def test_cross_validate_several_scorers_and_estimators():
    X, y = _classification()
    model = zoo.LogisticRegression()
    result = cross_validate(
        model, X, y, cv=3, return_estimator=True, return_train_score=True,
        scoring={"own": lambda e, A, b: e.score(A, b), "ari": "adjusted_rand_score"},
    )
    assert set(result) == {"fit_time", "score_time", "estimator", "test_own", "test_ari",
                           "train_own", "train_ari"}
    assert not hasattr(model, "coef_")
    for (train, test), fitted, ari in zip(StratifiedKFold(3).split(X, y), result["estimator"], result["test_ari"]):
        direct = zoo.LogisticRegression().fit(X[train], y[train])
        np.testing.assert_array_equal(fitted.coef_, direct.coef_)
        assert ari == zoo.metrics.adjusted_rand_score(y[test], direct.predict(X[test]))


def test_cross_validate_unsupervised_uses_score_and_label_scorers():
    X, labels = zoo.datasets.make_blobs(60, 2, centers=3, random_state=0)
    kmeans = zoo.KMeans(n_clusters=3, n_init=2, random_state=0)
    result = cross_validate(kmeans, X, cv=3)
    expected = [clone(kmeans).fit(X[tr]).score(X[te]) for tr, te in KFold(3).split(X)]
    np.testing.assert_array_equal(result["test_score"], expected)
    ari = cross_val_score(kmeans, X, labels, cv=3, scoring="adjusted_rand_score")
    expected = [
        zoo.metrics.adjusted_rand_score(labels[te], clone(kmeans).fit(X[tr], labels[tr]).predict(X[te]))
        for tr, te in KFold(3).split(X)
    ]
    np.testing.assert_array_equal(ari, expected)


@pytest.mark.parametrize(
    "estimator, scoring",
    [
        (zoo.LogisticRegression(), None),
        (zoo.DecisionTreeClassifier(random_state=0, max_features=2), None),
        (zoo.KMeans(n_clusters=2, n_init=2, random_state=0), "adjusted_rand_score"),
        (zoo.MLPClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=0), None),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, (str, type(None))) else str(v),
)
def test_scores_do_not_depend_on_n_jobs(estimator, scoring):
    X, y = _classification(120)
    sequential = cross_validate(estimator, X, y, cv=4, scoring=scoring, n_jobs=1)
    parallel = cross_validate(estimator, X, y, cv=4, scoring=scoring, n_jobs=2)
    np.testing.assert_array_equal(sequential["test_score"], parallel["test_score"])


def test_cross_validate_takes_pandas_rows_by_position():
    pd = pytest.importorskip("pandas")
    X, y = _classification(60)
    shuffled_index = np.random.default_rng(0).permutation(60) + 100
    frame = pd.DataFrame(X, columns=list("abcd"), index=shuffled_index)
    series = pd.Series(y, index=shuffled_index)
    from_pandas = cross_validate(zoo.LogisticRegression(), frame, series, cv=3, return_estimator=True)
    from_numpy = cross_validate(zoo.LogisticRegression(), X, y, cv=3)
    np.testing.assert_array_equal(from_pandas["test_score"], from_numpy["test_score"])
    assert list(from_pandas["estimator"][0].feature_names_in_) == list("abcd")


def test_cross_validate_cuts_sample_weight_to_each_fold():
    X, y = _regression()
    weights = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    result = cross_validate(zoo.Ridge(), X, y, cv=3, fit_params={"sample_weight": weights})
    expected = [
        zoo.Ridge().fit(X[tr], y[tr], sample_weight=weights[tr]).score(X[te], y[te])
        for tr, te in KFold(3).split(X)
    ]
    np.testing.assert_allclose(result["test_score"], expected, rtol=1e-12)


def test_ctrl_c_in_a_network_fold_stops_the_cross_validation():
    # A zoo network takes Ctrl-C as "stop after this epoch" and returns; the
    # cross-validation must not score that half-trained fold and go on.
    X, y = _classification()
    folds = []
    interrupt = zoo.nn.callbacks.LambdaCallback(
        on_epoch_begin=lambda model, epoch, logs: (folds.append(epoch) if epoch == 0 else None,
                                                   epoch == 1 and signal.raise_signal(signal.SIGINT)))
    model = zoo.MLPClassifier(hidden_layer_sizes=(4,), epochs=5, random_state=0, callbacks=[interrupt])
    with pytest.warns(RuntimeWarning, match="interrupted"), pytest.raises(KeyboardInterrupt):
        cross_validate(model, X, y, cv=3)
    assert len(folds) == 1  # the first fold only


def test_failed_fit_scores_error_score_with_a_warning():
    X, y = _regression(30)
    # KFold(4) over 30 rows trains on 22, 22, 23 and 23 rows: the first two fail.
    model = FailsOnSmallData(min_rows=23)
    with pytest.warns(FitFailedWarning, match="2 of 4 fits failed"):
        scores = cross_val_score(model, X, y, cv=4)
    assert np.isnan(scores[:2]).all() and np.isfinite(scores[2:]).all()
    with pytest.warns(FitFailedWarning):
        scores = cross_val_score(model, X, y, cv=4, error_score=-1.0)
    assert scores[:2].tolist() == [-1.0, -1.0]
    with pytest.raises(RuntimeError, match="too few rows"):
        cross_val_score(model, X, y, cv=4, error_score="raise")
    with pytest.raises(RuntimeError, match="too few rows"):
        cross_val_score(model, X, y, cv=4, error_score="raise", n_jobs=2)
    with pytest.raises(ValueError, match="All 4 fits failed"):
        cross_val_score(FailsOnSmallData(min_rows=100), X, y, cv=4)
    with pytest.raises(ValueError, match="error_score"):
        cross_val_score(model, X, y, cv=4, error_score="ignore")


def test_scorers_by_name_and_by_callable():
    X, y = _classification()
    assert "accuracy" in get_scorer_names() and "neg_mean_squared_error" in get_scorer_names()
    model = zoo.LogisticRegression().fit(X, y)
    ari = get_scorer("adjusted_rand_score")(model, X, y)
    assert ari == zoo.metrics.adjusted_rand_score(y, model.predict(X))
    neg_ari = make_scorer(zoo.metrics.adjusted_rand_score, greater_is_better=False)
    assert neg_ari(model, X, y) == -ari
    assert check_scoring(model, None)(model, X, y) == model.score(X, y)
    assert set(check_scoring(model, ["adjusted_rand_score", "accuracy"])) == {"adjusted_rand_score", "accuracy"}


_REGRESSION_SCORERS = {"r2", "neg_mean_squared_error", "neg_root_mean_squared_error", "neg_mean_absolute_error"}
_BINARY_SCORERS = {"f1", "precision", "recall", "roc_auc"}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", get_scorer_names())
def test_named_scorers_equal_scikit_learn(name):
    sk_metrics = pytest.importorskip("sklearn.metrics")
    X, y = _classification(120, seed=3)
    if name in _REGRESSION_SCORERS:
        X, y = _regression(60)
        model = zoo.Ridge(alpha=5.0).fit(X[:40], y[:40])
    elif name == "adjusted_rand_score":
        model = zoo.KMeans(n_clusters=3, n_init=2, random_state=0).fit(X[:80])
    else:
        if name not in _BINARY_SCORERS:
            y = np.digitize(X[:, 0] + X[:, 2], [-0.5, 0.5])  # three classes
        model = zoo.LogisticRegression().fit(X[:80], y[:80])
    X_test, y_test = X[-40:], y[-40:]
    np.testing.assert_allclose(
        get_scorer(name)(model, X_test, y_test), sk_metrics.get_scorer(name)(model, X_test, y_test),
        rtol=1e-10, atol=1e-12,
    )


def test_bad_scoring_and_inputs_are_rejected():
    X, y = _classification(30)
    with pytest.raises(ValueError, match="not a known scoring name"):
        cross_validate(zoo.LogisticRegression(), X, y, scoring="acuracy")
    with pytest.raises(TypeError, match="no score method"):
        cross_validate(zoo.DBSCAN(), X)
    with pytest.raises(TypeError, match="one scorer"):
        cross_val_score(zoo.Ridge(), X, y, scoring=["r2", "neg_mean_squared_error"])
    with pytest.raises(ValueError, match="twice"):
        cross_validate(zoo.Ridge(), X, y, scoring=["r2", "r2"])
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        cross_validate(zoo.Ridge(), X, y[:-1])
    with pytest.raises(TypeError, match="fit method"):
        cross_validate("Ridge", X, y)
    with pytest.raises(ValueError, match="n_jobs"):
        cross_validate(zoo.Ridge(), X, y, n_jobs=0)


# ------------------------------------------------------------ learning curve


def test_learning_curve_equals_hand_loop():
    X, y = _classification(60)
    model = zoo.DecisionTreeClassifier(max_depth=2, random_state=0)
    sizes, train_scores, test_scores = learning_curve(model, X, y, cv=3, train_sizes=[0.25, 0.5, 1.0])
    assert sizes.tolist() == [10, 20, 40]
    assert train_scores.shape == test_scores.shape == (3, 3)
    for j, (train, test) in enumerate(StratifiedKFold(3).split(X, y)):
        for i, n in enumerate(sizes):
            fitted = clone(model).fit(X[train[:n]], y[train[:n]])
            assert train_scores[i, j] == fitted.score(X[train[:n]], y[train[:n]])
            assert test_scores[i, j] == fitted.score(X[test], y[test])


def test_learning_curve_sizes_match_scikit_learn_and_shuffle_is_seeded():
    sk = pytest.importorskip("sklearn.model_selection")
    X, y = _regression(47)
    ours = learning_curve(zoo.Ridge(), X, y, cv=4)[0]
    theirs = sk.learning_curve(zoo.Ridge(), X, y, cv=4)[0]
    assert np.array_equal(ours, theirs)
    first = learning_curve(zoo.Ridge(), X, y, cv=4, train_sizes=[5, 20], shuffle=True, random_state=0)
    again = learning_curve(zoo.Ridge(), X, y, cv=4, train_sizes=[5, 20], shuffle=True, random_state=0)
    unshuffled = learning_curve(zoo.Ridge(), X, y, cv=4, train_sizes=[5, 20])
    np.testing.assert_array_equal(first[2], again[2])
    assert not np.array_equal(first[2][0], unshuffled[2][0])


@pytest.mark.parametrize("sizes, match", [([0.0, 0.5], r"\(0, 1\]"), ([1, 200], r"\[1, "), ([], "non-empty")])
def test_learning_curve_rejects_bad_sizes(sizes, match):
    X, y = _regression(40)
    with pytest.raises(ValueError, match=match):
        learning_curve(zoo.Ridge(), X, y, cv=4, train_sizes=sizes)


def test_learning_curve_warns_about_duplicate_sizes():
    X, y = _regression(20)
    with pytest.warns(RuntimeWarning, match="coincide"):
        sizes, _, _ = learning_curve(zoo.Ridge(), X, y, cv=2, train_sizes=[0.01, 0.02, 1.0])
    assert sizes.tolist() == [1, 10]


# --------------------------------------------------------------- grid search


def test_parameter_grid_order_matches_scikit_learn():
    sk = pytest.importorskip("sklearn.model_selection")
    grid = [{"b": [1, 2], "a": ["x", "y", "z"]}, {"c": [True]}, {}]
    assert list(ParameterGrid(grid)) == list(sk.ParameterGrid(grid))
    assert len(ParameterGrid(grid)) == 8 and ParameterGrid(grid)[6] == {"c": True}


def test_grid_search_finds_the_known_best_and_refits_on_all_data():
    X, y = _regression(60)
    search = grid_search(zoo.Ridge(), {"alpha": [1e4, 1e-3, 10.0]}, X, y, cv=3)
    assert search.best_params_ == {"alpha": 1e-3} and search.best_index_ == 1
    assert search.cv_results_["rank_test_score"].tolist() == [3, 1, 2]
    direct = zoo.Ridge(alpha=1e-3).fit(X, y)
    np.testing.assert_array_equal(search.best_estimator_.coef_, direct.coef_)
    np.testing.assert_array_equal(search.predict(X), direct.predict(X))
    assert search.score(X, y) == direct.score(X, y)
    for row, alpha in enumerate([1e4, 1e-3, 10.0]):
        scores = cross_val_score(zoo.Ridge(alpha=alpha), X, y, cv=3)
        assert search.cv_results_["mean_test_score"][row] == scores.mean()
        assert search.cv_results_["std_test_score"][row] == scores.std()
        assert search.cv_results_["split2_test_score"][row] == scores[2]
    assert search.best_score_ == search.cv_results_["mean_test_score"][1]


def test_grid_search_classifier_depth_and_results_table():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(120, 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)  # XOR: depth 1 cannot fit it
    search = GridSearchCV(
        zoo.DecisionTreeClassifier(random_state=0), [{"max_depth": [1, 4]}, {"min_samples_leaf": [60]}],
        cv=3, return_train_score=True, n_jobs=2,
    ).fit(X, y)
    assert search.best_params_ == {"max_depth": 4}
    results = search.cv_results_
    assert results["params"] == [{"max_depth": 1}, {"max_depth": 4}, {"min_samples_leaf": 60}]
    assert results["param_max_depth"].mask.tolist() == [False, False, True]
    for key in ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time",
                "mean_train_score", "split0_train_score", "split2_test_score"):
        assert results[key].shape == (3,)
    assert np.array_equal(search.classes_, [0, 1])
    assert np.array_equal(search.predict(X), search.best_estimator_.predict(X))


def test_grid_search_several_scorers_refits_by_the_named_one():
    X, y = _classification()
    search = grid_search(
        zoo.LogisticRegression(), {"C": [1e-4, 1.0]}, X, y, cv=3,
        scoring={"acc": lambda e, A, b: e.score(A, b), "ari": "adjusted_rand_score"}, refit="ari",
    )
    assert {"mean_test_acc", "rank_test_ari", "split1_test_ari"} <= set(search.cv_results_)
    assert search.best_score_ == search.cv_results_["mean_test_ari"].max()
    with pytest.raises(ValueError, match="refit must name"):
        grid_search(zoo.LogisticRegression(), {"C": [1.0]}, X, y, scoring=["accuracy", "f1"], refit=True)


def test_grid_search_save_and_load(tmp_path):
    X, y = _classification()
    search = grid_search(zoo.LogisticRegression(), [{"C": [0.01, 1.0]}, {"fit_intercept": [False]}], X, y,
                         cv=3, scoring=["accuracy", "adjusted_rand_score"], refit="accuracy")
    loaded = zoo.load(search.save(tmp_path / "search.npz"))
    np.testing.assert_array_equal(loaded.predict_proba(X), search.predict_proba(X))
    assert loaded.best_params_ == search.best_params_ and loaded.score(X, y) == search.score(X, y)
    for key, value in search.cv_results_.items():
        if key == "params":
            assert loaded.cv_results_[key] == value
        else:
            np.testing.assert_array_equal(np.ma.getmaskarray(loaded.cv_results_[key]), np.ma.getmaskarray(value))
            assert np.ma.allequal(loaded.cv_results_[key], value), key


def test_grid_search_without_refit_has_no_best_estimator():
    X, y = _regression(30)
    search = grid_search(zoo.Ridge(), {"alpha": [0.1, 1.0]}, X, y, cv=3, refit=False)
    assert not hasattr(search, "best_estimator_") and "alpha" in search.best_params_
    with pytest.raises(AttributeError, match="refit=True"):
        search.predict(X)


def test_grid_search_refit_without_refit_drops_the_previous_best():
    X, y = _regression(30)
    search = GridSearchCV(zoo.Ridge(), {"alpha": [0.1, 1.0]}, cv=3).fit(X, y)
    assert search.best_estimator_.n_features_in_ == X.shape[1]
    search.set_params(refit=False).fit(X[:, :2], y)
    for name in ("best_estimator_", "refit_time_", "n_features_in_"):
        assert not hasattr(search, name), name
    several = GridSearchCV(zoo.Ridge(), {"alpha": [0.1, 1.0]}, cv=3, scoring=["r2", "neg_mean_squared_error"],
                           refit="r2").fit(X, y)
    several.set_params(refit=np.False_).fit(X, y)
    for name in ("best_index_", "best_params_", "best_score_", "best_estimator_"):
        assert not hasattr(several, name), name
    search.set_params(refit=np.False_).fit(X, y)
    assert not hasattr(search, "best_estimator_")


@pytest.mark.parametrize(
    "grid, error, match",
    [
        ({"alpha": 1.0}, TypeError, "list of values"),
        ({"alpha": []}, ValueError, "empty"),
        ({"alpah": [1.0]}, ValueError, "Invalid parameter 'alpah'"),
        ("alpha", TypeError, "dict or a list of dicts"),
    ],
)
def test_grid_search_rejects_bad_grids(grid, error, match):
    X, y = _regression(30)
    with pytest.raises(error, match=match):
        grid_search(zoo.Ridge(), grid, X, y, cv=3)


def test_grid_search_failures_warn_and_rank_last():
    X, y = _regression(30)
    with pytest.warns(FitFailedWarning):
        search = grid_search(FailsOnSmallData(), {"min_rows": [0, 100]}, X, y, cv=3)
    assert search.cv_results_["rank_test_score"].tolist() == [1, 2]
    assert np.isnan(search.cv_results_["mean_test_score"][1])
    assert search.best_params_ == {"min_rows": 0}


def test_classifier_folds_are_stratified_by_default():
    y = np.repeat([0, 1], [30, 6])
    X = np.zeros((36, 1))
    # Unstratified, the last fold would hold 6 of each class and score 0.5.
    result = cross_validate(MajorityClassifier(), X, y, cv=3)
    assert np.array_equal(result["test_score"], [10 / 12] * 3)
