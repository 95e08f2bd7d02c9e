"""The unclear errors issue 14 (item 11) named, one by one: each now raises
a clear exception of the right type, or works."""

import math

import numpy as np
import pytest
import zoo
from zoo._param_validation import Interval, Predicate

X = np.random.default_rng(0).normal(size=(20, 3))
Y_CLASSES = np.tile([0, 1], 10)
Y_VALUES = X.sum(axis=1)


# --------------------------------------------------------- the interval rules


def test_parameter_int_intervals_stop_at_the_cpp_int_range():
    declared = Interval(int, 1, None, closed="left")
    checked = declared.for_parameters()
    assert checked.is_satisfied_by(2**31 - 1) and not checked.is_satisfied_by(2**31)
    assert str(checked) == "an int in the range [1, 2147483647]"
    assert declared.is_satisfied_by(2**40)  # fitted-state checks keep the literal interval
    lower = Interval(int, None, -1, closed="right").for_parameters()
    assert lower.is_satisfied_by(-(2**31)) and not lower.is_satisfied_by(-(2**31) - 1)


def test_parameter_real_intervals_exclude_infinity_unless_a_bound_says_so():
    open_ended = Interval(float, 0, None, closed="neither").for_parameters()
    assert open_ended.is_satisfied_by(1e300) and open_ended.is_satisfied_by(2**63)
    for value in (math.inf, math.nan, 10**400):
        assert not open_ended.is_satisfied_by(value)
    with_inf = Interval(float, 0, math.inf, closed="right").for_parameters()
    assert with_inf.is_satisfied_by(math.inf) and not with_inf.is_satisfied_by(-math.inf)
    assert str(with_inf) == "a float in the range (0, inf]"


def test_predicate_treats_a_raising_test_as_refusal():
    pair = Predicate(lambda value: len(value) == 2, "a pair")
    assert pair.is_satisfied_by((1, 2)) and not pair.is_satisfied_by(5)
    assert str(pair) == "a pair"


# ------------------------------------------------- integers past 2**31 and 2**63


@pytest.mark.parametrize(
    "estimator, name",
    [
        (lambda v: zoo.KMeans(max_iter=v), "max_iter"),
        (lambda v: zoo.KMeans(n_init=v), "n_init"),  # ran 2**31 initialisations
        (lambda v: zoo.DecisionTreeClassifier(max_depth=v), "max_depth"),
        (lambda v: zoo.SVC(kernel="poly", degree=v), "degree"),
        (lambda v: zoo.Ridge(n_jobs=v), "n_jobs"),
        (lambda v: zoo.MLPRegressor(epochs=v), "epochs"),
    ],
)
@pytest.mark.parametrize("value", [2**31, 2**63])
def test_integers_the_core_cannot_take_name_the_parameter(estimator, name, value):
    y = Y_CLASSES if name in ("max_depth", "degree") else Y_VALUES
    with pytest.raises(ValueError, match=rf"parameter '{name}' must be .*an int in the range \[.*, 2147483647\]"):
        estimator(value).fit(X, y)


def test_a_layer_of_two_to_the_63_units_is_refused():
    with pytest.raises(ValueError, match=r"hidden_layer_sizes must be integers in \[1, 2147483647\]"):
        zoo.MLPRegressor(hidden_layer_sizes=(2**63,)).fit(X, Y_VALUES)


# ----------------------------------------------------------- non-finite reals


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize(
    "make, name",
    [
        (lambda v: zoo.Ridge(alpha=v), "alpha"),  # was "potrf: bad argument 4"
        (lambda v: zoo.Lasso(tol=v), "tol"),
        (lambda v: zoo.SVC(C=v), "C"),
        (lambda v: zoo.MLPRegressor(learning_rate=v), "learning_rate"),
        (lambda v: zoo.DQN(learning_rate=v), "learning_rate"),
    ],
)
def test_non_finite_reals_name_the_parameter(make, name, value):
    target = Y_CLASSES if name == "C" else Y_VALUES
    with pytest.raises(ValueError, match=rf"parameter '{name}' must be a float"):
        if name == "learning_rate" and isinstance(make(1.0), zoo.DQN):
            make(value).fit("CartPole-v1", total_timesteps=10)
        else:
            make(value).fit(X, target)


def test_logistic_regression_keeps_infinite_c_for_no_penalty():
    unpenalised = zoo.LogisticRegression(penalty=None).fit(X, Y_CLASSES)
    infinite_c = zoo.LogisticRegression(C=math.inf).fit(X, Y_CLASSES)
    np.testing.assert_allclose(infinite_c.coef_, unpenalised.coef_, atol=1e-8)


# ------------------------------------------------------------ other parameters


@pytest.mark.parametrize("value", [5, "", [], (X,), {"a": 1}])
def test_validation_data_must_be_a_pair_or_triple(value):
    # 5 gave "'int' object is not subscriptable".
    with pytest.raises(ValueError, match=r"parameter 'validation_data' must be None or a tuple \(X_val, y_val\)"):
        zoo.MLPRegressor(epochs=1, validation_data=value).fit(X, Y_VALUES)


def test_validation_data_contents_are_named():
    with pytest.raises(ValueError, match=r"validation_data\[0\] has 2 features"):
        zoo.MLPRegressor(epochs=1, validation_data=(X[:, :2], Y_VALUES)).fit(X, Y_VALUES)
    with pytest.raises(ValueError, match=r"validation_data\[0\] has 20, validation_data\[1\] has 3"):
        zoo.MLPRegressor(epochs=1, validation_data=(X, Y_VALUES[:3])).fit(X, Y_VALUES)
    with pytest.raises(ValueError, match="Expected 2D array for validation_data"):
        zoo.Autoencoder(epochs=1, validation_data=X[0]).fit(X)


@pytest.mark.parametrize("value", [5, "bogus", {"a": 1}, math.nan])
def test_lr_schedule_errors_name_the_parameter(value):
    with pytest.raises(ValueError, match=r"parameter 'lr_schedule' must be None, a schedule name"):
        zoo.SGDRegressor(epochs=1, lr_schedule=value).fit(X, Y_VALUES)


@pytest.mark.parametrize("value", [1, math.nan, "yes"])
def test_early_stopping_is_a_bool_or_a_callback(value):
    # nan and 1 were taken as "no early stopping" without a word.
    with pytest.raises(ValueError, match=r"parameter 'early_stopping' must be a bool or an EarlyStopping"):
        zoo.MLPRegressor(epochs=1, early_stopping=value).fit(X, Y_VALUES)


@pytest.mark.parametrize("init", [[1.0, 2.0], [], [[1.0, 2.0]] * 2])
def test_kmeans_init_of_the_wrong_shape(init):
    # gave NumPy's "operands could not be broadcast together".
    with pytest.raises(ValueError, match="init"):
        zoo.KMeans(n_clusters=2, init=init, n_init=1).fit(X)


@pytest.mark.parametrize(
    "params, name",
    [({"cv": 0}, "cv"), ({"cv": 2**31}, "cv"), ({"cv": [1, 2]}, "cv"), ({"refit": None}, "refit"),
     ({"return_train_score": "yes"}, "return_train_score"), ({"error_score": "ignore"}, "error_score"),
     ({"param_grid": []}, "param_grid")],
)
def test_grid_search_parameters(params, name):
    search = zoo.model_selection.GridSearchCV(zoo.Ridge(), **{"param_grid": {"alpha": [1.0]}, **params})
    with pytest.raises((ValueError, TypeError), match=name):
        search.fit(X, Y_VALUES)


# --------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    "cls", [zoo.DecisionTreeClassifier, zoo.LogisticRegression, zoo.SVC, zoo.MLPClassifier, zoo.SGDClassifier]
)
@pytest.mark.parametrize(
    "labels, message",
    [
        (np.array([0, "a"] * 10, dtype=object), "Labels in y must be of one type"),
        (np.array([None, 1] * 10, dtype=object), "Unknown label type: y holds None"),
        (np.tile([0, 1j], 10), "Complex data not supported"),
        (np.array([0, 1j] * 10, dtype=object), "Complex data not supported"),
    ],
)
def test_classifiers_refuse_labels_they_cannot_sort(cls, labels, message):
    with pytest.raises(ValueError, match=message):
        cls().fit(X, labels)


@pytest.mark.parametrize("cls", [zoo.imbalance.SMOTE, zoo.imbalance.RandomOverSampler])
def test_samplers_refuse_mixed_labels(cls):
    with pytest.raises(ValueError, match="Labels in y must be of one type"):
        cls().fit_resample(X, np.array([0] * 14 + ["a"] * 6, dtype=object))


def test_labels_of_one_kind_still_work():
    for labels in (np.array(["a", "b"] * 10, dtype=object), np.array([1.0, 2.0] * 10, dtype=object)):
        assert set(zoo.DecisionTreeClassifier().fit(X, labels).predict(X)) <= set(labels)


# ------------------------------------------------------------------ unfitted


def test_mlp_score_before_fit():
    with pytest.raises(zoo.NotFittedError):
        zoo.MLP().score(X, Y_VALUES)  # was AttributeError: no '_targets_'


def test_check_array_names_none():
    with pytest.raises(ValueError, match="got None for X"):
        zoo.KMeans().fit(None)


# ---------------------------------------------------------- MiniBatchKMeans


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.bool_, np.float16])
def test_minibatch_kmeans_partial_fit_converts_like_fit(dtype):
    data = (X * 3).astype(dtype)
    partial = zoo.MiniBatchKMeans(n_clusters=2, random_state=0).partial_fit(data)
    assert partial.cluster_centers_.dtype == np.float64
    whole = zoo.MiniBatchKMeans(n_clusters=2, random_state=0).fit(data)
    assert whole.cluster_centers_.dtype == np.float64
    assert partial.predict(data).shape == (20,)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_minibatch_kmeans_refuses_when_every_initial_inertia_overflows(method):
    model = zoo.MiniBatchKMeans(n_clusters=2, random_state=0)
    with pytest.raises(ValueError, match="inertia of every initial set of centres overflowed"):
        getattr(model, method)(X * 1e300)
    assert getattr(model, "cluster_centers_", None) is None and not hasattr(model, "n_features_in_")
