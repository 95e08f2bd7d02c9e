"""zoo estimators inside scikit-learn's Pipeline, GridSearchCV and
cross_validate, and scikit-learn estimators inside zoo.model_selection: both
sides give the same scores on the same folds."""

import numpy as np
import pytest

import zoo
import zoo.model_selection as zms
from zoo.base import get_tags

pytest.importorskip("sklearn")
from sklearn import model_selection as skms  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLogisticRegression  # noqa: E402
from sklearn.linear_model import Ridge as SkRidge  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from test_estimator_checks import ESTIMATORS  # noqa: E402

# One real parameter and two values for it, per estimator class.
GRIDS = {
    "KMeans": ("n_clusters", [2, 3]),
    "MiniBatchKMeans": ("n_clusters", [2, 3]),
    "MLPClassifier": ("learning_rate", [0.01, 0.05]),
    "MLPRegressor": ("learning_rate", [0.01, 0.05]),
    "MLP": ("learning_rate", [0.01, 0.05]),
    "LinearRegression": ("fit_intercept", [True, False]),
    "Ridge": ("alpha", [0.1, 10.0]),
    "Lasso": ("alpha", [0.01, 0.5]),
    "ElasticNet": ("alpha", [0.01, 0.5]),
    "LogisticRegression": ("C", [0.1, 1.0]),
    "SGDRegressor": ("alpha", [1e-4, 0.1]),
    "SGDClassifier": ("alpha", [1e-4, 0.1]),
    "DecisionTreeClassifier": ("max_depth", [1, 3]),
    "DecisionTreeRegressor": ("max_depth", [1, 3]),
    "SVC": ("C", [0.1, 1.0]),
    "LinearSVC": ("C", [0.1, 1.0]),
    "PCA": ("n_components", [1, 2]),
    "IncrementalPCA": ("n_components", [1, 2]),
    "DBSCAN": ("eps", [0.5, 2.0]),
    "Autoencoder": ("learning_rate", [0.01, 0.05]),
    "GAN": ("discriminator_learning_rate", [2e-4, 1e-3]),
    "StandardScaler": ("with_std", [True, False]),
    "MinMaxScaler": ("feature_range", [(0, 1), (-1, 1)]),
    "OneHotEncoder": ("dtype", [np.float64, np.float32]),
}


def _grid(estimator, prefix=""):
    name = type(estimator).__name__
    if name not in GRIDS:
        # An estimator added to ESTIMATORS without a grid here still runs,
        # over its current value of its first parameter (twice).
        first, value = next(iter(estimator.get_params(deep=False).items()))
        return {prefix + first: [value, value]}
    parameter, values = GRIDS[name]
    return {prefix + parameter: values}


def _data(estimator):
    """X and y (None for unsupervised estimators) suited to ``estimator``."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(45, 4))
    X[:15] += 3.0  # a clump, so clusterers have something to find
    if estimator._estimator_type == "classifier":
        return X, (X[:, 0] + X[:, 1] > 1.0).astype(int)
    # The generic MLP learns any target (it predicts; it is not a clusterer).
    supervised = get_tags(estimator)["requires_y"] or (
        hasattr(estimator, "predict") and estimator._estimator_type != "clusterer"
    )
    if supervised:
        return X, X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.normal(size=45)
    return X, None


def _last(estimator):
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def _discriminated(estimator, X):
    """A generative model's discriminator logits for X (after a pipeline's
    earlier steps)."""
    rows = estimator[:-1].transform(X) if isinstance(estimator, Pipeline) else X
    return _last(estimator).discriminate(rows)


def _fallback_score(estimator, X, y=None):
    """For estimators without ``score``: the mean of the transform, a GAN's
    mean discriminator logit, or the number of clusters found in training."""
    if hasattr(estimator, "transform"):
        return float(np.mean(estimator.transform(X)))
    if hasattr(_last(estimator), "discriminate"):
        return float(np.mean(_discriminated(estimator, X)))
    return float(np.unique(_last(estimator).labels_).size)


def _scoring(estimator):
    return None if hasattr(estimator, "score") else _fallback_score


def _output(fitted, X):
    for method in ("predict", "transform"):
        if hasattr(fitted, method):
            return getattr(fitted, method)(X)
    if hasattr(_last(fitted), "discriminate"):
        return _discriminated(fitted, X)
    return _last(fitted).labels_


def _pipeline(estimator):
    return Pipeline([("scale", StandardScaler()), ("model", estimator)])


_IDS = [type(est).__name__ for est in ESTIMATORS]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_IDS)
def test_cross_validate_same_scores_in_both_libraries(estimator):
    X, y = _data(estimator)
    for model in (estimator, _pipeline(estimator)):
        scoring = _scoring(model)
        theirs = skms.cross_validate(model, X, y, cv=3, scoring=scoring, return_train_score=True)
        ours = zms.cross_validate(model, X, y, cv=3, scoring=scoring, return_train_score=True)
        np.testing.assert_array_equal(ours["test_score"], theirs["test_score"])
        np.testing.assert_array_equal(ours["train_score"], theirs["train_score"])
        assert np.all(np.isfinite(ours["test_score"]))


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_IDS)
def test_grid_search_over_a_pipeline_same_in_both_libraries(estimator):
    X, y = _data(estimator)
    pipeline = _pipeline(estimator)
    grid = _grid(estimator, prefix="model__")
    scoring = _scoring(pipeline)
    theirs = skms.GridSearchCV(pipeline, grid, cv=3, scoring=scoring).fit(X, y)
    ours = zms.GridSearchCV(pipeline, grid, cv=3, scoring=scoring).fit(X, y)
    for key in ("mean_test_score", "std_test_score", "split0_test_score", "split2_test_score",
                "rank_test_score"):
        np.testing.assert_array_equal(ours.cv_results_[key], theirs.cv_results_[key], err_msg=key)
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    assert ours.best_params_ == theirs.best_params_ and ours.best_score_ == theirs.best_score_
    np.testing.assert_array_equal(_output(ours.best_estimator_, X), _output(theirs.best_estimator_, X))
    if hasattr(pipeline, "score"):
        assert ours.score(X, y) == theirs.score(X, y)


def test_zoo_model_selection_accepts_scikit_learn_estimators_and_splitters():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    splitter = skms.ShuffleSplit(4, test_size=0.25, random_state=0)
    for model in (SkLogisticRegression(), _pipeline(SkLogisticRegression(C=0.5))):
        ours = zms.cross_val_score(model, X, y, cv=3)  # stratified: sklearn's estimator is a classifier
        np.testing.assert_array_equal(ours, skms.cross_val_score(model, X, y, cv=3))
        ours = zms.cross_val_score(model, X, y, cv=splitter, n_jobs=2)
        np.testing.assert_array_equal(ours, skms.cross_val_score(model, X, y, cv=splitter))

    y_reg = X @ np.array([1.0, 2.0, -1.0])
    pipeline = _pipeline(SkRidge())
    grid = {"model__alpha": [0.01, 100.0], "scale__with_mean": [True, False]}
    ours = zms.grid_search(pipeline, grid, X, y_reg, cv=3)
    theirs = skms.GridSearchCV(pipeline, grid, cv=3).fit(X, y_reg)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"],
                               rtol=1e-12)
    assert ours.best_params_ == theirs.best_params_ and ours.best_params_["model__alpha"] == 0.01
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_zoo_grid_search_is_usable_as_a_scikit_learn_estimator():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 3))
    y = X @ np.array([1.0, 0.0, -1.0]) + 0.1 * rng.normal(size=60)
    inner = zms.GridSearchCV(zoo.Ridge(), {"alpha": [0.1, 10.0]}, cv=3)
    nested = skms.cross_val_score(inner, X, y, cv=3)
    expected = [
        zms.GridSearchCV(zoo.Ridge(), {"alpha": [0.1, 10.0]}, cv=3).fit(X[tr], y[tr]).score(X[te], y[te])
        for tr, te in skms.KFold(3).split(X)
    ]
    np.testing.assert_array_equal(nested, expected)


def test_precomputed_kernels_are_cut_to_the_training_columns():
    from sklearn.svm import SVC as SkSVC

    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    gram = X @ X.T
    ours = zms.cross_val_score(SkSVC(kernel="precomputed"), gram, y, cv=4)
    np.testing.assert_array_equal(ours, skms.cross_val_score(SkSVC(kernel="precomputed"), gram, y, cv=4))
    np.testing.assert_array_equal(ours, zms.cross_val_score(SkSVC(kernel="linear"), X, y, cv=4))


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_named_scorers_through_cross_validate_same_in_both_libraries():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)
    scoring = ["accuracy", "balanced_accuracy", "f1", "f1_macro", "f1_weighted", "precision", "recall",
               "roc_auc", "neg_log_loss"]
    ours = zms.cross_validate(zoo.LogisticRegression(), X, y, cv=3, scoring=scoring)
    theirs = skms.cross_validate(zoo.LogisticRegression(), X, y, cv=3, scoring=scoring)
    for name in scoring:
        np.testing.assert_allclose(ours[f"test_{name}"], theirs[f"test_{name}"], rtol=1e-10, err_msg=name)

    y_reg = X @ np.array([1.0, -1.0, 2.0]) + 0.3 * rng.normal(size=60)
    scoring = ["r2", "neg_mean_squared_error", "neg_mean_absolute_error", "neg_root_mean_squared_error"]
    ours = zms.cross_validate(zoo.Ridge(), X, y_reg, cv=3, scoring=scoring)
    theirs = skms.cross_validate(zoo.Ridge(), X, y_reg, cv=3, scoring=scoring)
    for name in scoring:
        np.testing.assert_allclose(ours[f"test_{name}"], theirs[f"test_{name}"], rtol=1e-10, err_msg=name)
