"""Finite but extreme inputs: every estimator computes a finite answer or
raises a ValueError that names it; none returns NaN or infinity as a model
or as an answer. Where scikit-learn gives a finite answer, zoo gives the
same one."""

import inspect
import re
import warnings

import numpy as np
import pytest
import zoo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import cluster, decomposition, linear_model, tree
from zoo import _registry
from zoo._validation import exact_scale
from zoo.imbalance import SMOTE, RandomOverSampler, RandomUnderSampler
from zoo.nn.callbacks import LambdaCallback, TerminateOnNaN
from zoo.preprocessing import MaxAbsScaler, MinMaxScaler, OneHotEncoder, StandardScaler

# NumPy warns where scikit-learn's (or zoo's, before an error) arithmetic overflows.
pytestmark = pytest.mark.filterwarnings(
    "ignore:overflow encountered:RuntimeWarning", "ignore:invalid value encountered:RuntimeWarning"
)

BIG = 1e308
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
Y_REG = X @ np.array([1.0, 2.0, 3.0]) + RNG.normal(size=40)
Y_CLASS = (X[:, 0] > 0).astype(int)
ROW_OF_BIG = np.full((1, 3), BIG)


# ------------------------------------------------- every listed estimator

_NET = {"epochs": 3, "batch_size": 16, "random_state": 0, "n_jobs": 1}
ESTIMATORS = {
    "KMeans": lambda: zoo.KMeans(n_clusters=2, n_init=1, random_state=0),
    "MiniBatchKMeans": lambda: zoo.MiniBatchKMeans(n_clusters=2, batch_size=10, random_state=0),
    "PCA": lambda: zoo.PCA(n_components=2),
    "IncrementalPCA": lambda: zoo.IncrementalPCA(n_components=2),
    "DBSCAN": lambda: zoo.DBSCAN(),
    "Autoencoder": lambda: zoo.Autoencoder(encoder_layer_sizes=(2,), **_NET),
    "GAN": lambda: zoo.GAN((4,), (4,), latent_dim=2, **_NET),
    "MLP": lambda: zoo.MLP((4,), **_NET),
    "MLPClassifier": lambda: zoo.MLPClassifier((4,), **_NET),
    "MLPRegressor": lambda: zoo.MLPRegressor((4,), **_NET),
    "LinearRegression": zoo.LinearRegression,
    "Ridge": zoo.Ridge,
    "Lasso": lambda: zoo.Lasso(alpha=0.01),
    "ElasticNet": lambda: zoo.ElasticNet(alpha=0.01),
    "LogisticRegression": zoo.LogisticRegression,
    "SGDRegressor": lambda: zoo.SGDRegressor(epochs=3, random_state=0),
    "SGDClassifier": lambda: zoo.SGDClassifier(epochs=3, random_state=0),
    "SVC": lambda: zoo.SVC(probability=True, random_state=0),
    "LinearSVC": lambda: zoo.LinearSVC(random_state=0),
    "DecisionTreeClassifier": lambda: zoo.DecisionTreeClassifier(random_state=0),
    "DecisionTreeRegressor": lambda: zoo.DecisionTreeRegressor(random_state=0),
    "StandardScaler": StandardScaler,
    "MinMaxScaler": MinMaxScaler,
    "MaxAbsScaler": MaxAbsScaler,
    "OneHotEncoder": lambda: OneHotEncoder(handle_unknown="ignore"),
    "RandomOverSampler": lambda: RandomOverSampler(random_state=0),
    "RandomUnderSampler": lambda: RandomUnderSampler(random_state=0),
    "SMOTE": lambda: SMOTE(k_neighbors=3, random_state=0),
}
# Not fitted on an X: covered where their inputs are checked.
NOT_ON_ARRAYS = {
    "LabelEncoder": "fits labels, whose magnitude does not enter any computation",
    "GridSearchCV": "fits the estimator it is given, listed here on its own",
    "DQN": "learns from an environment; observations are checked in tests/rl",
    "QLearning": "learns from an environment of discrete states",
    "REINFORCE": "learns from an environment; observations are checked in tests/rl",
    "ActorCritic": "learns from an environment; observations are checked in tests/rl",
    "RLLearner": "a base class",
    "PolicyGradientLearner": "a base class",
}
RESULT_METHODS = ("predict", "predict_proba", "decision_function", "transform", "score_samples")


def test_every_registered_estimator_is_listed():
    registered = {name for name, cls in _registry._REGISTRY.items() if cls.__module__.startswith("zoo.")}
    assert registered == set(ESTIMATORS) | set(NOT_ON_ARRAYS)


def _targets(model, y=None):
    if getattr(model, "_estimator_type", None) == "regressor":
        return Y_REG if y is None else y
    y_parameter = inspect.signature(model.fit).parameters.get("y")
    if y_parameter is not None and y_parameter.default is inspect.Parameter.empty:
        return Y_CLASS  # classifiers, MLP, the samplers
    return None


def _fit(model, X, y=None, sample_weight=None):
    args = (X,) if _targets(model) is None else (X, _targets(model, y))
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    if hasattr(model, "fit_resample"):
        return model.fit_resample(*args)
    return model.fit(*args, **kwargs)


def _accepts_weights(model):
    return "sample_weight" in inspect.signature(model.fit).parameters


def _assert_finite_or_named_error(call, name):
    """`call()` returns floats free of NaN, or raises a ValueError naming
    the estimator or the input at fault (not a LAPACK routine's argument)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call()
    except ValueError as error:
        message = str(error)
        assert name in message or re.match(r"(Input )?(X|y|sample_weight)\b", message), f"unclear error: {message}"
        return None
    for array in result if isinstance(result, tuple) else (result,):
        if isinstance(array, np.ndarray) and array.dtype.kind == "f":
            assert not np.isnan(array).any(), f"{name} returned NaN"
    return result


def _public_floats(model):
    for name, value in vars(model).items():
        public = name.endswith("_") and not name.startswith("_")
        if public and isinstance(value, np.ndarray) and value.dtype.kind == "f":
            yield name, value


def _check_estimator_on(name, X_used, y=None, sample_weight=None):
    model = ESTIMATORS[name]()
    if sample_weight is not None and not _accepts_weights(model):
        return
    fitted = _assert_finite_or_named_error(lambda: _fit(model, X_used, y, sample_weight), name)
    if fitted is None:
        assert not any(key.endswith("_") and not key.startswith("_") for key in vars(model)), (
            "a failed fit left fitted state behind"
        )
        return
    for attribute, value in _public_floats(model):
        assert np.isfinite(value).all(), f"{name}.{attribute} is not finite"
    for method in RESULT_METHODS:
        if hasattr(model, method):
            for rows in (X_used[:5], ROW_OF_BIG):
                _assert_finite_or_named_error(lambda method=method, rows=rows: getattr(model, method)(rows), name)


def _variants():
    column = X.copy()
    column[:, 1] = np.where(np.arange(40) % 2, BIG, -BIG)
    one = X.copy()
    one[0, 0] = BIG
    yield "a column of +-1e308", column
    yield "one value of 1e308", one
    yield "X times 1e300", X * 1e300
    yield "X times 1e160", X * 1e160
    yield "X times 1e-300", X * 1e-300
    yield "uint64 maximum", np.full((40, 3), np.iinfo(np.uint64).max, dtype=np.uint64) - np.arange(120, dtype=np.uint64).reshape(40, 3) * np.uint64(2**40)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
@pytest.mark.parametrize("variant, X_used", list(_variants()), ids=[v for v, _ in _variants()])
def test_extreme_features(name, variant, X_used):
    _check_estimator_on(name, X_used)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
@pytest.mark.parametrize("weights", ["one", "half", "all"])
def test_extreme_sample_weights(name, weights):
    weight = np.ones(40)
    if weights == "one":
        weight[3] = BIG
    elif weights == "half":
        weight[::2] = BIG
    else:
        weight[:] = BIG
    _check_estimator_on(name, X, sample_weight=weight)


@pytest.mark.parametrize("name", [n for n in sorted(ESTIMATORS) if "Regressor" in n or n in
                                  ("LinearRegression", "Ridge", "Lasso", "ElasticNet")])
@pytest.mark.parametrize("scale", ["one", "all"])
def test_extreme_targets(name, scale):
    y = Y_REG.copy()
    if scale == "one":
        y[0] = BIG
    else:
        y *= 1e300
    _check_estimator_on(name, X, y=y)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(ESTIMATORS)),
    exponent=st.integers(-307, 308),
    where=st.tuples(st.integers(0, 39), st.integers(0, 2)),
    whole_column=st.booleans(),
)
def test_any_magnitude_anywhere(name, exponent, where, whole_column):
    X_used = X.copy()
    row, column = where
    if whole_column:
        X_used[:, column] *= 10.0**exponent
    else:
        X_used[row, column] = 10.0**exponent
    _check_estimator_on(name, X_used)


# ------------------------------------------ against scikit-learn and exactly


def test_exact_scale_is_a_power_of_four():
    for top in (1e308, 1.0, 3.0, 1e-300, 123.456):
        scale = exact_scale(np.array([top, -top / 3]))
        exponent = np.frexp(scale)[1] - 1
        assert scale == 2.0**exponent and exponent % 2 == 0
        assert 0.25 <= top / scale <= 4
    # Weights from 1 to 1e308 meet in the middle; ordinary ones stay as they are.
    assert exact_scale(np.array([1.0, 1e308]), centre_range=True) == 2.0**512
    assert exact_scale(np.array([0.0, 0.5, 3.0, 1000.0]), centre_range=True) == 1.0


@pytest.mark.parametrize("shape", [(30, 3), (1000, 20)])
def test_linear_regression_with_a_target_of_1e308_matches_sklearn(shape):
    rng = np.random.default_rng(0)
    X_used = rng.normal(size=shape)
    y = X_used @ rng.normal(size=shape[1])
    y[0] = BIG
    ours = zoo.LinearRegression().fit(X_used, y)
    theirs = linear_model.LinearRegression().fit(X_used, y)
    assert np.isfinite(ours.coef_).all() and np.isfinite(ours.intercept_)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-12 * BIG)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-9, atol=1e-12 * BIG)


# (model, its parameters at targets and weights 4**k times larger, k): the
# same problem, whose solution is 4**k times larger. k = 498 is about 1e300;
# the lasso's duality gap, in units of y squared, allows about 1e150.
_EQUIVARIANT = {
    "LinearRegression": (zoo.LinearRegression, lambda k: {}, 498),
    # sum w r^2 + alpha |b|^2: alpha scales with the weights.
    "Ridge": (zoo.Ridge, lambda k: {"alpha": 3.0 * 4.0**k}, 498),
    # (1 / 2 sum w) sum w r^2 + alpha |b|_1: alpha scales with y.
    "Lasso": (zoo.Lasso, lambda k: {"alpha": 0.05 * 4.0**k}, 250),
}


@pytest.mark.parametrize("name", sorted(_EQUIVARIANT))
def test_linear_models_scale_exactly_with_the_targets_and_weights(name):
    # Results at 1e300 are those at 1, times 4**k, bit for bit: the
    # solvers see the same numbers, whatever the magnitude.
    Model, params, k = _EQUIVARIANT[name]
    weight = np.linspace(0.5, 2.0, 40)
    small = Model(**params(0)).fit(X, Y_REG, sample_weight=weight)
    big = Model(**params(k)).fit(X, Y_REG * 4.0**k, sample_weight=weight * 4.0**k)
    np.testing.assert_array_equal(big.coef_, small.coef_ * 4.0**k)
    assert big.intercept_ == small.intercept_ * 4.0**k


@pytest.mark.parametrize("Model", [zoo.LinearRegression, zoo.Ridge])
@pytest.mark.parametrize("shape", [(30, 3), (1000, 20), (5, 10)])
def test_ridge_and_ols_with_a_target_of_1e308_are_finite_and_equivariant(Model, shape):
    rng = np.random.default_rng(2)
    X_used = rng.normal(size=shape)
    y = X_used @ rng.normal(size=shape[1])
    y[0] = BIG
    big = Model().fit(X_used, y)
    # The same problem, 4**500 times smaller, where nothing can overflow.
    small = Model().fit(X_used, y / 4.0**500)
    assert np.isfinite(big.coef_).all()
    np.testing.assert_array_equal(big.coef_, small.coef_ * 4.0**500)


def test_features_of_1e300_give_finite_least_squares_like_sklearn():
    ours = zoo.LinearRegression().fit(X * 1e300, Y_REG)
    theirs = linear_model.LinearRegression().fit(X * 1e300, Y_REG)
    np.testing.assert_allclose(ours.coef_ * 1e300, theirs.coef_ * 1e300, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-9)
    np.testing.assert_allclose(ours.predict(X * 1e300), Y_REG, atol=10)


@pytest.mark.parametrize("Model", [zoo.LinearRegression, zoo.Ridge])
def test_one_sample_weight_of_1e308_dominates_least_squares(Model):
    # scikit-learn fails here ("array must not contain infs or NaNs"). The
    # fit passes through the heavy sample and, as the weight grows, tends to
    # the least squares of the others under that constraint: with 1e300 it
    # is the same to working precision (the others' weights, scaled down
    # next to it, lose a few digits to subnormal numbers at 1e308).
    weight = np.ones(40)
    weight[3] = BIG
    ours = Model().fit(X, Y_REG, sample_weight=weight)
    weight[3] = 1e300
    lighter = Model().fit(X, Y_REG, sample_weight=weight)
    assert np.isfinite(ours.coef_).all()
    np.testing.assert_allclose(ours.predict(X[3:4]), Y_REG[3:4], rtol=1e-9)
    np.testing.assert_allclose(ours.coef_, lighter.coef_, rtol=1e-3)


def test_lasso_intercept_with_large_targets_matches_sklearn_on_the_scaled_problem():
    # Targets of 1e154: the sums of their squares pass the float64 limit;
    # before, the intercept came back NaN.
    y = Y_REG * 1e154
    ours = zoo.Lasso(alpha=0.1 * 1e154).fit(X, y)
    theirs = linear_model.Lasso(alpha=0.1).fit(X, Y_REG)
    assert np.isfinite(ours.intercept_) and np.isfinite(ours.dual_gap_)
    np.testing.assert_allclose(ours.coef_ / 1e154, theirs.coef_, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_ / 1e154, theirs.intercept_, rtol=1e-4, atol=1e-6)


def test_lasso_with_a_target_of_1e308_is_the_scaled_problem_exactly():
    y = Y_REG.copy()
    y[0] = BIG
    big = zoo.Lasso(alpha=1.0).fit(X, y)
    small = zoo.Lasso(alpha=1.0 / 4.0**511).fit(X, y / 4.0**511)
    assert np.isfinite(big.intercept_)
    np.testing.assert_array_equal(big.coef_, small.coef_ * 4.0**511)
    assert big.intercept_ == small.intercept_ * 4.0**511


def test_elastic_net_whose_duality_gap_overflows_is_a_clear_error():
    # The coefficients can be computed, but the duality gap, in units of
    # y squared (1e616 here), cannot be represented: a clear error naming
    # it, not a NaN, and the estimator stays unfitted.
    y = Y_REG.copy()
    y[0] = BIG
    model = zoo.ElasticNet()
    with pytest.raises(ValueError, match="ElasticNet: fit produced NaN or infinite values in dual_gap_"):
        model.fit(X, y)
    assert not hasattr(model, "coef_")


def test_sample_weights_summing_past_float64_are_refused():
    for model in (zoo.KMeans(n_clusters=2, n_init=1), zoo.DecisionTreeClassifier(), zoo.LinearRegression()):
        with pytest.raises(ValueError, match="sample_weight sums to more than the largest float64"):
            _fit(model, X, sample_weight=np.full(40, BIG))


def test_tree_probabilities_with_a_weight_of_1e308_match_sklearn():
    weight = np.ones(40)
    weight[3] = BIG
    ours = zoo.DecisionTreeClassifier(random_state=0).fit(X, Y_CLASS, sample_weight=weight)
    theirs = tree.DecisionTreeClassifier(random_state=0).fit(X, Y_CLASS, sample_weight=weight)
    np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))


def test_tree_regressor_with_a_weight_of_1e308_is_the_tree_of_the_scaled_weights():
    # scikit-learn predicts -inf here; the tree depends on the weights'
    # ratios only, so it is the tree of the weights divided by 4**511.
    weight = np.ones(40)
    weight[3] = BIG
    ours = zoo.DecisionTreeRegressor(random_state=0).fit(X, Y_REG, sample_weight=weight)
    scaled = zoo.DecisionTreeRegressor(random_state=0).fit(X, Y_REG, sample_weight=weight / 4.0**511)
    np.testing.assert_array_equal(ours.predict(X), scaled.predict(X))
    np.testing.assert_array_equal(ours.tree_.weighted_n_node_samples,
                                  scaled.tree_.weighted_n_node_samples * 4.0**511)


def test_kmeans_with_a_column_of_1e308_is_a_clear_error():
    X_used = X.copy()
    X_used[:, 1] = np.where(np.arange(40) % 2, BIG, -BIG)
    with pytest.raises(ValueError, match="KMeans: fit produced NaN or infinite values in"):
        zoo.KMeans(n_clusters=2, n_init=1, random_state=0).fit(X_used)


def test_svc_on_x_times_1e300_is_a_clear_error():
    # scikit-learn raises too; before, zoo's model predicted from NaN.
    with pytest.raises(ValueError, match="SVC: gamma='scale' .* overflows float64"):
        zoo.SVC().fit(X * 1e300, Y_CLASS)
    with pytest.raises(ValueError, match="SVC: fit produced NaN or infinite values"):
        zoo.SVC(gamma=0.5).fit(X * 1e300, Y_CLASS)


def test_svc_does_not_turn_a_nan_decision_into_a_label():
    model = zoo.SVC(probability=True, random_state=0).fit(X, Y_CLASS)
    for method in ("predict", "predict_proba", "decision_function"):
        with pytest.raises(ValueError, match="SVC.decision_function: the result is NaN or infinite for 1 of 1"):
            getattr(model, method)(ROW_OF_BIG)


def test_logistic_probabilities_of_a_row_of_1e308_match_sklearn():
    ours = zoo.LogisticRegression().fit(X, Y_CLASS)
    theirs = linear_model.LogisticRegression().fit(X, Y_CLASS)
    row = np.array([[BIG, 0.0, 0.0]])  # decision +-inf, one sign
    np.testing.assert_array_equal(ours.predict_proba(row), theirs.predict_proba(row))
    np.testing.assert_array_equal(ours.predict(row), theirs.predict(row))


def test_pca_transform_of_a_row_of_1e308_matches_sklearn():
    ours = zoo.PCA(n_components=2).fit(X)
    theirs = decomposition.PCA(n_components=2).fit(X)
    signs = np.sign(np.sum(ours.components_ * theirs.components_, axis=1))
    np.testing.assert_allclose(ours.transform(ROW_OF_BIG), theirs.transform(ROW_OF_BIG) * signs, rtol=1e-9)


def test_results_that_overflow_are_clear_errors():
    # scikit-learn returns NaN (KMeans.transform) or -inf (score_samples).
    kmeans = zoo.KMeans(n_clusters=2, n_init=1, random_state=0).fit(X)
    assert np.isnan(cluster.KMeans(n_clusters=2, n_init=1, random_state=0).fit(X).transform(
        np.array([[BIG, -BIG, BIG]]))).any()
    with pytest.raises(ValueError, match=r"KMeans.transform: the result is NaN or infinite for 1 of 1 samples"):
        kmeans.transform(np.array([[BIG, -BIG, BIG]]))
    # Every distance of the row is infinite: its label would be a tie broken at random.
    with pytest.raises(ValueError, match=r"KMeans.predict: the squared distance of some row of X .* overflows"):
        kmeans.predict(np.vstack([X[:3], ROW_OF_BIG]))
    np.testing.assert_array_equal(kmeans.predict(X[:3]), kmeans.labels_[:3])
    with pytest.raises(ValueError, match=r"PCA.score_samples: the result is NaN or infinite"):
        zoo.PCA(n_components=2).fit(X).score_samples(ROW_OF_BIG)


def test_pca_on_one_value_of_1e308_is_a_clear_error():
    X_used = X.copy()
    X_used[0, 0] = BIG
    for Model in (zoo.PCA, zoo.IncrementalPCA):
        with pytest.raises(ValueError, match=f"{Model.__name__}: X holds values up to 1e\\+308 .* the covariance"):
            Model(n_components=2).fit(X_used)


def test_mlp_on_features_at_the_uint64_maximum_is_a_clear_error():
    X_used = np.full((40, 3), np.iinfo(np.uint64).max, dtype=np.uint64) - np.arange(120, dtype=np.uint64).reshape(
        40, 3) * np.uint64(2**40)
    model = zoo.MLPRegressor((8,), epochs=10, random_state=0)
    with pytest.raises(ValueError, match="MLPRegressor: fit produced NaN or infinite values in network_"):
        model.fit(X_used, Y_REG)
    assert not hasattr(model, "network_")


def test_a_diverging_network_is_a_clear_error_and_keeps_the_previous_model():
    model = zoo.MLPRegressor((8,), epochs=5, random_state=0).fit(X, Y_REG)
    expected = model.predict(X)
    model.set_params(learning_rate=1e6, optimizer="sgd", epochs=20)
    with pytest.raises(ValueError, match=r"MLPRegressor diverged: the training loss became (nan|inf) at epoch 1, "
                                         "so the weights would be NaN or infinite; lower the learning rate"):
        model.fit(X, Y_REG * 1e30)
    np.testing.assert_array_equal(model.predict(X), expected)


def test_a_diverging_network_stops_at_the_first_non_finite_loss():
    # Not a model that predicts a constant after training on NaN for the
    # remaining epochs: fit stops there (before TerminateOnNaN would).
    epochs_seen = []
    model = zoo.MLPRegressor((8,), epochs=50, learning_rate=1e6, optimizer="sgd", random_state=0, callbacks=[
        LambdaCallback(on_epoch_end=lambda model, epoch, logs: epochs_seen.append(logs["loss"])), TerminateOnNaN()])
    with pytest.raises(ValueError, match="diverged: the training loss became"):
        model.fit(X, Y_REG * 1e30)
    assert len(epochs_seen) < 50 and np.isfinite(epochs_seen).all()
    assert not hasattr(model, "network_")
