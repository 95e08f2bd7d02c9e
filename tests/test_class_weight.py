"""class_weight="balanced" in every zoo classifier: the same fit as the
explicit weights n_samples / (n_classes * count) given as a dict and, for
these deterministic settings, as per-sample weights."""

import numpy as np
import pytest

import zoo

# Full-batch gradient descent in float64 with a fixed seed: a network's fit
# is a deterministic function of the weighted data.
_NETWORK = dict(hidden_layer_sizes=(8,), epochs=60, batch_size=4096, shuffle=False, learning_rate=0.05,
                dtype="float64", random_state=0, n_jobs=1)

CLASSIFIERS = {
    "LogisticRegression": lambda **kw: zoo.LogisticRegression(tol=1e-10, **kw),
    "SGDClassifier": lambda **kw: zoo.SGDClassifier(batch_size="full", learning_rate=0.1, epochs=100, **kw),
    "LinearSVC": lambda **kw: zoo.LinearSVC(tol=1e-10, max_iter=100_000, random_state=0, **kw),
    "SVC": lambda **kw: zoo.SVC(gamma=0.5, tol=1e-10, **kw),
    "DecisionTreeClassifier": lambda **kw: zoo.DecisionTreeClassifier(max_depth=4, random_state=0, **kw),
    "MLPClassifier": lambda **kw: zoo.MLPClassifier(**_NETWORK, **kw),
    "MLP": lambda **kw: zoo.MLP(**_NETWORK, **kw),  # classification mode: y holds labels
}


def draw(rng, counts):
    """Three overlapping Gaussian classes, "ant", "bee" and "cat", shuffled."""
    labels = np.array(["ant", "bee", "cat"])
    codes = rng.permutation(np.repeat([0, 1, 2], counts))
    return rng.normal(size=(codes.shape[0], 4)) + 0.8 * codes[:, None], labels[codes]


def imbalanced_three_classes():
    return draw(np.random.default_rng(0), [240, 60, 20])


def balanced_weights(y):
    classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    per_class = y.shape[0] / (classes.shape[0] * counts)
    return {c: float(w) for c, w in zip(classes.tolist(), per_class)}, per_class[codes]


def outputs(model, X):
    """What the fit decides: probabilities or decision values, and labels."""
    for method in ("predict_proba", "decision_function"):
        if hasattr(model, method):
            try:
                return np.asarray(getattr(model, method)(X), dtype=np.float64), model.predict(X)
            except (AttributeError, NotImplementedError):
                continue
    return None, model.predict(X)


def assert_same_fit(first, second, X):
    scores_a, labels_a = outputs(first, X)
    scores_b, labels_b = outputs(second, X)
    np.testing.assert_array_equal(labels_a, labels_b)
    if scores_a is not None:
        np.testing.assert_allclose(scores_a, scores_b, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_balanced_equals_the_explicit_dict(name):
    X, y = imbalanced_three_classes()
    per_class, _ = balanced_weights(y)
    balanced = CLASSIFIERS[name](class_weight="balanced").fit(X, y)
    explicit = CLASSIFIERS[name](class_weight=per_class).fit(X, y)
    assert_same_fit(balanced, explicit, X)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_balanced_equals_per_sample_weights(name):
    X, y = imbalanced_three_classes()
    _, per_sample = balanced_weights(y)
    balanced = CLASSIFIERS[name](class_weight="balanced").fit(X, y)
    weighted = CLASSIFIERS[name]().fit(X, y, sample_weight=per_sample)
    assert_same_fit(balanced, weighted, X)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_balanced_multiplies_sample_weight(name):
    X, y = imbalanced_three_classes()
    _, per_sample = balanced_weights(y)
    sample_weight = np.random.default_rng(1).uniform(0.5, 2.0, size=y.shape[0])
    both = CLASSIFIERS[name](class_weight="balanced").fit(X, y, sample_weight=sample_weight)
    product = CLASSIFIERS[name]().fit(X, y, sample_weight=sample_weight * per_sample)
    assert_same_fit(both, product, X)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_balanced_changes_the_fit_towards_small_classes(name):
    X, y = imbalanced_three_classes()
    X_new, _ = draw(np.random.default_rng(100), [1000, 1000, 1000])
    plain = CLASSIFIERS[name]().fit(X, y).predict(X_new)
    balanced = CLASSIFIERS[name](class_weight="balanced").fit(X, y).predict(X_new)
    # Once the smallest class ("cat") weighs as much as each other class,
    # the model claims clearly more of the space for it.
    assert (balanced == "cat").sum() > 1.1 * (plain == "cat").sum()


def test_svc_reports_the_balanced_vector():
    X, y = imbalanced_three_classes()
    per_class, _ = balanced_weights(y)
    model = CLASSIFIERS["SVC"](class_weight="balanced").fit(X, y)
    np.testing.assert_allclose(model.class_weight_, [per_class[c] for c in model.classes_], rtol=1e-12)


def registered_classifiers():
    """Every classifier class zoo registers (top-level or in a submodule)."""
    from zoo._registry import _REGISTRY

    found = {name for name, cls in _REGISTRY.items() if getattr(cls, "_estimator_type", None) == "classifier"}
    return sorted(found | {"MLP"})  # MLP is a classifier when y holds labels


@pytest.mark.parametrize("name", registered_classifiers())
def test_every_classifier_accepts_balanced(name):
    """A zoo classifier without class_weight fails here."""
    from zoo._registry import _REGISTRY

    estimator_class = _REGISTRY[name]
    assert "class_weight" in estimator_class._get_param_names(), f"{name} has no class_weight parameter"
    assert name in CLASSIFIERS, f"{name} is not covered by the equivalence tests in this file"
