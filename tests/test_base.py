"""The estimator contract: parameters, constraints, repr, tags, pickling, registry."""

import numbers
import pickle
import warnings

import numpy as np
import pytest

from zoo import _registry, base, metrics
from zoo._validation import check_is_fitted, check_sample_weight, validate_data
from zoo.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    Interval,
    Options,
    RegressorMixin,
    TransformerMixin,
    get_tags,
    make_constraint,
    register_estimator,
    registered_estimator,
)
from zoo.exceptions import InconsistentVersionWarning, InvalidParameterError


class MeanShiftToy(TransformerMixin, BaseEstimator):
    """Subtracts the (weighted) column mean, then scales."""

    _parameter_constraints = {
        "scale": [Interval(float, 0, None, closed="neither")],
        "center": ["boolean"],
        "n_jobs": [Interval(int, 1, None), Interval(int, None, -1), None],
    }

    def __init__(self, scale=1.0, *, center=True, n_jobs=None):
        self.scale = scale
        self.center = center
        self.n_jobs = n_jobs

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = validate_data(self, X, reset=True)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if self.center:
            self.mean_ = np.average(X, axis=0, weights=weights).astype(X.dtype)
        else:
            self.mean_ = np.zeros(X.shape[1], dtype=X.dtype)
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return (X - self.mean_.astype(X.dtype)) * X.dtype.type(self.scale)


class Wrapper(BaseEstimator):
    def __init__(self, inner=None, factor=2):
        self.inner = inner
        self.factor = factor


class ArrayParam(BaseEstimator):
    def __init__(self, weights=None, fill=float("nan"), label="a"):
        self.weights = weights
        self.fill = fill
        self.label = label


class FixedClassifier(ClassifierMixin, BaseEstimator):
    def __init__(self, predictions=None):
        self.predictions = predictions

    def predict(self, X):
        return np.asarray(self.predictions)


class FixedRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, predictions=None):
        self.predictions = predictions

    def predict(self, X):
        return np.asarray(self.predictions, dtype=float)


class NearestAnchor(ClusterMixin, BaseEstimator):
    """Labels each sample by its nearest anchor; records the weights seen."""

    def __init__(self, anchors=((0.0,), (10.0,))):
        self.anchors = anchors

    def fit(self, X, y=None, sample_weight=None):
        X = validate_data(self, X, reset=True)
        self.seen_weight_ = sample_weight
        distances = np.abs(X[:, :1] - np.asarray(self.anchors).T)
        self.labels_ = distances.argmin(axis=1)
        return self


class NearestMeanClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        X = validate_data(self, X, reset=True)
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.means_ = np.array([X[y == label].mean(axis=0) for label in self.classes_])
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        distances = ((X[:, None, :] - self.means_[None]) ** 2).sum(axis=-1)
        return self.classes_[distances.argmin(axis=1)]


class LeastSquares(RegressorMixin, BaseEstimator):
    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        X = validate_data(self, X, reset=True)
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        design = np.c_[X, np.ones(len(X))] if self.fit_intercept else X
        self.coef_ = np.linalg.lstsq(design, np.asarray(y, dtype=float), rcond=None)[0]
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        design = np.c_[X, np.ones(len(X))] if self.fit_intercept else X
        return design @ self.coef_


@pytest.fixture
def isolated_registry(monkeypatch):
    """A registry copy, so classes made in a test do not leak out."""
    monkeypatch.setattr(_registry, "_REGISTRY", dict(_registry._REGISTRY))
    return _registry._REGISTRY


# --------------------------------------------------------------- parameters


def test_get_params_follows_signature_including_keyword_only():
    params = MeanShiftToy(2.0, n_jobs=3).get_params()
    assert list(params) == ["scale", "center", "n_jobs"]
    assert params == {"scale": 2.0, "center": True, "n_jobs": 3}


def test_get_params_deep_reaches_nested_estimators():
    inner = MeanShiftToy(scale=3.0)
    outer = Wrapper(inner=inner)
    deep = outer.get_params(deep=True)
    assert deep["inner"] is inner
    assert deep["inner__scale"] == 3.0 and deep["inner__center"] is True
    shallow = outer.get_params(deep=False)
    assert set(shallow) == {"inner", "factor"}
    assert all(deep[key] is value for key, value in shallow.items())


def test_get_params_does_not_recurse_into_classes():
    assert set(Wrapper(inner=MeanShiftToy).get_params()) == {"inner", "factor"}


def test_set_params_simple_and_nested():
    outer = Wrapper(inner=MeanShiftToy())
    assert outer.set_params(factor=5, inner__scale=0.5) is outer
    assert outer.factor == 5 and outer.inner.scale == 0.5
    assert outer.set_params() is outer


def test_set_params_nested_uses_the_newly_set_estimator():
    old, new = MeanShiftToy(), MeanShiftToy()
    outer = Wrapper(inner=old).set_params(inner=new, inner__scale=4.0)
    assert outer.inner is new and new.scale == 4.0 and old.scale == 1.0


def test_set_params_unknown_name():
    toy = MeanShiftToy()
    with pytest.raises(ValueError) as error:
        toy.set_params(foo=1)
    assert str(error.value) == (
        "Invalid parameter 'foo' for estimator MeanShiftToy(). "
        "Valid parameters are: ['center', 'n_jobs', 'scale']."
    )


def test_set_params_failure_changes_nothing():
    toy = MeanShiftToy()
    with pytest.raises(ValueError):
        toy.set_params(scale=7.0, foo=1)
    assert toy.scale == 1.0


def test_set_params_nested_into_non_estimator():
    with pytest.raises(ValueError, match="'factor' is not an estimator, so it has no parameter 'x'"):
        Wrapper(inner=MeanShiftToy()).set_params(factor__x=1)


def test_varargs_constructor_is_refused():
    class Variadic(BaseEstimator):
        def __init__(self, *layers):
            self.layers = layers

    with pytest.raises(RuntimeError, match="must list every parameter explicitly"):
        Variadic().get_params()


def test_missing_parameter_attribute_is_explained():
    class Forgetful(BaseEstimator):
        def __init__(self, alpha=1.0):
            pass

    with pytest.raises(AttributeError, match="__init__ must store every parameter unchanged"):
        Forgetful().get_params()


# --------------------------------------------------------------------- repr


def test_repr_shows_only_non_default_parameters_in_signature_order():
    assert repr(MeanShiftToy()) == "MeanShiftToy()"
    assert repr(MeanShiftToy(n_jobs=2, scale=3.0)) == "MeanShiftToy(scale=3.0, n_jobs=2)"
    # Same value, different type: shown, because it is not what the default is.
    assert repr(MeanShiftToy(scale=1)) == "MeanShiftToy(scale=1)"


def test_repr_with_arrays_nan_and_nested_estimators():
    assert repr(ArrayParam(fill=np.nan)) == "ArrayParam()"
    text = repr(ArrayParam(weights=np.arange(100.0)))
    assert text.startswith("ArrayParam(weights=array([") and "..." in text
    assert repr(Wrapper(inner=MeanShiftToy(scale=2.0))) == "Wrapper(inner=MeanShiftToy(scale=2.0))"
    # Containers of arrays compare ambiguously; repr must not fail on them.
    assert "label=[array" in repr(ArrayParam(label=[np.ones(2)]))


# -------------------------------------------------------------- constraints


@pytest.mark.parametrize(
    "interval, text",
    [
        (Interval(int, 1, None), "an int in the range [1, inf)"),
        (Interval(numbers.Integral, 0, 10, closed="left"), "an int in the range [0, 10)"),
        (Interval(float, 0, 1, closed="right"), "a float in the range (0, 1]"),
        (Interval(numbers.Real, None, 0, closed="neither"), "a float in the range (-inf, 0)"),
    ],
)
def test_interval_description(interval, text):
    assert str(interval) == text


@pytest.mark.parametrize(
    "interval, accepted, rejected",
    [
        (Interval(int, 1, None), [1, np.int64(5), 10**20], [0, -1, 1.0, True, "1", None]),
        (Interval(float, 0, 1, closed="neither"), [0.5, np.float32(0.1)], [0, 1, 0.0, np.nan, False, 2]),
        (Interval(float, 0, None), [0, 0.0, 3, np.inf], [-1e-9, -np.inf, np.nan]),
    ],
)
def test_interval_membership(interval, accepted, rejected):
    assert all(interval.is_satisfied_by(value) for value in accepted)
    assert not any(interval.is_satisfied_by(value) for value in rejected)


def test_interval_definition_errors():
    with pytest.raises(TypeError, match="Interval kind must be int or float"):
        Interval(str, 0, 1)
    with pytest.raises(ValueError, match="greater than high"):
        Interval(int, 2, 1)
    with pytest.raises(ValueError, match="closed must be"):
        Interval(int, 0, 1, closed="open")


def test_options():
    options = Options({"lloyd", "elkan"})
    assert str(options) == "a str among {'elkan', 'lloyd'}"
    assert options.is_satisfied_by("lloyd") and options.is_satisfied_by(np.str_("elkan"))
    assert not options.is_satisfied_by("full")
    assert not options.is_satisfied_by(["lloyd"])  # unhashable
    mixed = Options({"auto", 1})
    assert str(mixed) == "one of {'auto', 1}"
    assert mixed.is_satisfied_by(1) and not mixed.is_satisfied_by(True)
    assert not Options({True}).is_satisfied_by(1)


def test_markers_and_types():
    assert make_constraint("boolean").is_satisfied_by(np.bool_(True))
    assert not make_constraint("boolean").is_satisfied_by(1)
    array_like = make_constraint("array-like")
    assert array_like.is_satisfied_by([1]) and array_like.is_satisfied_by(np.ones(2))
    assert not array_like.is_satisfied_by("abc")
    random_state = make_constraint("random_state")
    assert all(
        random_state.is_satisfied_by(value)
        for value in [None, 0, np.random.default_rng(), np.random.RandomState(0)]
    )
    assert not any(random_state.is_satisfied_by(value) for value in [-1, True, 1.5, "0"])
    assert make_constraint(callable).is_satisfied_by(len)
    assert str(make_constraint(dict)) == "a dict" and str(make_constraint(int)) == "an int"
    assert not make_constraint(int).is_satisfied_by(True)
    assert make_constraint(None).is_satisfied_by(None)
    assert make_constraint("no_validation").is_satisfied_by(object())


def test_unknown_marker_is_refused():
    with pytest.raises(TypeError, match="Unknown constraint marker 'arraylike'"):
        make_constraint("arraylike")
    with pytest.raises(TypeError, match="Cannot interpret 3"):
        make_constraint(3)


def test_constraint_error_names_estimator_parameter_range_and_value():
    toy = MeanShiftToy(n_jobs=0)  # no error at construction
    with pytest.raises(InvalidParameterError) as error:
        toy.fit(np.ones((3, 2)))
    assert str(error.value) == (
        "MeanShiftToy: parameter 'n_jobs' must be an int in the range [1, 2147483647], "
        "an int in the range [-2147483648, -1] or None; got 0."
    )
    assert isinstance(error.value, ValueError) and isinstance(error.value, TypeError)


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"scale": 0.0}, "parameter 'scale' must be a float in the range (0, inf); got 0.0."),
        ({"scale": "big"}, "parameter 'scale' must be a float in the range (0, inf); got 'big'."),
        ({"center": 1}, "parameter 'center' must be a bool; got 1."),
        ({"n_jobs": np.int64(0)}, "parameter 'n_jobs' must be an int in the range [1, 2147483647], an int in the range [-2147483648, -1] or None; got 0."),
    ],
)
def test_constraint_errors(params, fragment):
    with pytest.raises(ValueError) as error:
        MeanShiftToy(**params).fit(np.ones((3, 2)))
    assert str(error.value) == f"MeanShiftToy: {fragment}"


def test_valid_parameters_pass_and_init_stores_values_unmodified():
    values = {"scale": np.float32(2.0), "center": np.bool_(False), "n_jobs": -1}
    toy = MeanShiftToy(**values)
    assert all(getattr(toy, name) is value for name, value in values.items())
    toy.fit(np.ones((3, 2)))
    assert all(getattr(toy, name) is value for name, value in values.items())


def test_constraint_on_unknown_parameter_fails_at_class_definition():
    with pytest.raises(TypeError, match=r"_parameter_constraints names \['n_cluster'\]"):

        class Typo(BaseEstimator):
            _parameter_constraints = {"n_cluster": [Interval(int, 1, None)]}

            def __init__(self, n_clusters=8):
                self.n_clusters = n_clusters


def test_subclass_inherits_constraints():
    class Child(MeanShiftToy):
        pass

    with pytest.raises(ValueError, match="Child: parameter 'scale'"):
        Child(scale=-1.0).fit(np.ones((2, 2)))


# ------------------------------------------------------------------ fitting


def test_sklearn_is_fitted_reflects_fitted_attributes():
    toy = MeanShiftToy()
    assert not toy.__sklearn_is_fitted__()
    toy.fit(np.ones((3, 2)))
    assert toy.__sklearn_is_fitted__()


def test_transformer_fit_transform():
    X = np.array([[1.0, 2.0], [3.0, 6.0]])
    toy = MeanShiftToy(scale=2.0)
    np.testing.assert_allclose(toy.fit_transform(X), [[-2.0, -4.0], [2.0, 4.0]])
    np.testing.assert_array_equal(toy.mean_, [2.0, 4.0])


def test_cluster_fit_predict_forwards_sample_weight():
    X = np.array([[1.0], [9.0], [2.0]])
    clusterer = NearestAnchor()
    np.testing.assert_array_equal(clusterer.fit_predict(X), [0, 1, 0])
    assert clusterer.seen_weight_ is None
    weights = np.array([1.0, 2.0, 3.0])
    labels = clusterer.fit_predict(X, sample_weight=weights)
    assert labels is clusterer.labels_ and clusterer.seen_weight_ is weights


def test_classifier_score_is_weighted_accuracy():
    classifier = FixedClassifier(predictions=["a", "b", "b", "a"])
    assert classifier.score(None, ["a", "b", "a", "a"]) == 0.75
    assert classifier.score(None, ["a", "b", "a", "a"], sample_weight=[1, 1, 2, 0]) == 0.5
    assert classifier.score(None, np.array([["a"], ["b"], ["b"], ["a"]])) == 1.0


def test_classifier_score_multi_output_needs_every_output_right():
    classifier = FixedClassifier(predictions=[[1, 2], [3, 4]])
    assert classifier.score(None, [[1, 2], [3, 5]]) == 0.5


def test_score_shape_mismatch():
    with pytest.raises(ValueError, match=r"y has shape \(3,\) but the predictions have shape \(2,\)"):
        FixedClassifier(predictions=[1, 2]).score(None, [1, 2, 3])


def test_regressor_score_is_r2():
    y = np.array([1.0, 2.0, 4.0, 7.0])
    predictions = np.array([1.5, 2.0, 3.0, 7.5])
    expected = 1 - ((y - predictions) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    regressor = FixedRegressor(predictions=predictions)
    assert regressor.score(None, y) == pytest.approx(expected)
    weights = np.array([1.0, 0.0, 2.0, 1.0])
    mean = np.average(y, weights=weights)
    weighted = 1 - (weights * (y - predictions) ** 2).sum() / (weights * (y - mean) ** 2).sum()
    assert regressor.score(None, y, sample_weight=weights) == pytest.approx(weighted)


def test_regressor_score_constant_target_and_multi_output():
    assert FixedRegressor(predictions=[3.0, 3.0]).score(None, [3.0, 3.0]) == 1.0
    assert FixedRegressor(predictions=[3.0, 4.0]).score(None, [3.0, 3.0]) == 0.0
    y = np.array([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]])
    both = FixedRegressor(predictions=[[1.0, 3.0], [2.0, 3.0], [3.0, 4.0]]).score(None, y)
    assert both == pytest.approx((1.0 + 0.0) / 2)


@pytest.mark.parametrize("weights", [None, [0.3]])
def test_regressor_score_on_one_sample_is_nan(weights):
    # R² is undefined on one sample: NaN with a warning, as r2_score and
    # scikit-learn give, never 0.0 or a huge negative number that a small-fold
    # grid search would rank.
    with pytest.warns(metrics.UndefinedMetricWarning, match="fewer than two samples"):
        score = FixedRegressor(predictions=[2.5]).score(None, [3.0], sample_weight=weights)
    assert np.isnan(score)


def test_regressor_score_matches_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y, predictions, weights = rng.normal(size=(3, 50))
    regressor = FixedRegressor(predictions=predictions)
    assert regressor.score(None, y, np.abs(weights)) == pytest.approx(
        metrics.r2_score(y, predictions, sample_weight=np.abs(weights))
    )


# --------------------------------------------------------------------- tags


def test_zoo_tags_merge_along_the_class_hierarchy():
    assert get_tags(MeanShiftToy())["transformer"] is True
    assert get_tags(FixedClassifier)["requires_y"] is True
    assert get_tags(Wrapper())["requires_y"] is False
    assert get_tags(Wrapper())["preserves_dtype"] == ["float64", "float32"]

    class NanFriendly(MeanShiftToy):
        _zoo_tags = {"allow_nan": True}

    merged = get_tags(NanFriendly)
    assert merged["allow_nan"] is True and merged["transformer"] is True


def test_unknown_tag_fails_at_class_definition():
    with pytest.raises(TypeError, match=r"_zoo_tags has unknown tag\(s\) \['allows_nan'\]"):

        class Typo(BaseEstimator):
            _zoo_tags = {"allows_nan": True}


@pytest.mark.parametrize(
    "estimator, kind, has_transformer, has_classifier, has_regressor, requires_y",
    [
        (MeanShiftToy(), None, True, False, False, False),
        (NearestAnchor(), "clusterer", False, False, False, False),
        (FixedClassifier(), "classifier", False, True, False, True),
        (FixedRegressor(), "regressor", False, False, True, True),
        (Wrapper(), None, False, False, False, False),
    ],
)
def test_sklearn_tags(estimator, kind, has_transformer, has_classifier, has_regressor, requires_y):
    sklearn_utils = pytest.importorskip("sklearn.utils")
    tags = sklearn_utils.get_tags(estimator)
    assert tags.estimator_type == kind
    assert (tags.transformer_tags is not None) == has_transformer
    assert (tags.classifier_tags is not None) == has_classifier
    assert (tags.regressor_tags is not None) == has_regressor
    assert tags.target_tags.required is requires_y
    assert tags.input_tags.allow_nan is False and tags.input_tags.sparse is False
    if has_transformer:
        assert tags.transformer_tags.preserves_dtype == ["float64", "float32"]


def test_sklearn_tags_follow_zoo_tag_overrides():
    sklearn_utils = pytest.importorskip("sklearn.utils")

    class Custom(ClusterMixin, TransformerMixin, BaseEstimator):
        _zoo_tags = {"allow_nan": True, "non_deterministic": True, "preserves_dtype": ["float32"]}

    tags = sklearn_utils.get_tags(Custom())
    assert tags.estimator_type == "clusterer"
    assert tags.input_tags.allow_nan and tags.non_deterministic
    assert tags.transformer_tags.preserves_dtype == ["float32"]


def test_sklearn_is_not_imported_by_zoo_base():
    import subprocess
    import sys

    code = "import sys, zoo.base, zoo._validation, zoo.persistence; print('sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ------------------------------------------------------- scikit-learn checks


def _failed_checks(estimator, **options):
    estimator_checks = pytest.importorskip("sklearn.utils.estimator_checks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = estimator_checks.check_estimator(estimator, on_fail=None, **options)
    assert results, "no checks ran"
    return {result["check_name"]: str(result["exception"])[:300] for result in results if result["status"] == "failed"}


def test_transformer_toy_passes_check_estimator():
    assert _failed_checks(MeanShiftToy()) == {}


@pytest.mark.parametrize("estimator", [NearestMeanClassifier(), LeastSquares()])
def test_supervised_toys_pass_the_api_checks(estimator):
    # legacy=False runs the API checks; the others also test y validation,
    # which the toys do not do.
    assert _failed_checks(estimator, legacy=False) == {}


def test_works_inside_scikit_learn_model_selection():
    model_selection = pytest.importorskip("sklearn.model_selection")
    pipeline = pytest.importorskip("sklearn.pipeline")
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(5, 1, (30, 2))]
    y = np.repeat([0, 1], 30)
    search = model_selection.GridSearchCV(
        pipeline.make_pipeline(MeanShiftToy(), NearestMeanClassifier()),
        {"meanshifttoy__scale": [0.5, 2.0]},
        cv=3,
    ).fit(X, y)
    assert search.best_score_ > 0.9
    assert search.best_estimator_[0].scale in (0.5, 2.0)


# ----------------------------------------------------------------- pickling


def test_pickle_round_trip_records_the_version(monkeypatch):
    monkeypatch.setattr(base, "zoo_version", lambda: "1.2.3")
    toy = MeanShiftToy(scale=2.0).fit(np.arange(6.0).reshape(3, 2))
    assert toy.__getstate__()["_zoo_version"] == "1.2.3"
    restored = pickle.loads(pickle.dumps(toy))
    assert repr(restored) == "MeanShiftToy(scale=2.0)"
    np.testing.assert_array_equal(restored.mean_, toy.mean_)
    assert "_zoo_version" not in vars(restored)
    np.testing.assert_array_equal(restored.transform([[0.0, 0.0]]), toy.transform([[0.0, 0.0]]))


def test_unpickling_from_another_version_warns(monkeypatch):
    monkeypatch.setattr(base, "zoo_version", lambda: "2.0.0")
    toy = MeanShiftToy()
    state = {**vars(toy), "_zoo_version": "1.0.0"}
    with pytest.warns(InconsistentVersionWarning, match="from zoo version 1.0.0 with zoo version 2.0.0"):
        MeanShiftToy.__new__(MeanShiftToy).__setstate__(state)
    warning = InconsistentVersionWarning(estimator_name="A", original_version="1", current_version="2")
    assert pickle.loads(pickle.dumps(warning)).original_version == "1"


def test_zoo_version_is_a_string():
    assert isinstance(base.zoo_version(), str) and base.zoo_version()


# ----------------------------------------------------------------- registry


def test_classes_in_zoo_modules_register_themselves(isolated_registry):
    made = type("RegistryProbe", (BaseEstimator,), {"__module__": "zoo.fake_module"})
    assert registered_estimator("RegistryProbe") is made
    private = type("_PrivateBase", (BaseEstimator,), {"__module__": "zoo.fake_module"})
    assert registered_estimator("_PrivateBase") is None and private


def test_classes_elsewhere_register_only_on_request(isolated_registry):
    assert registered_estimator("MeanShiftToy") is None
    assert register_estimator(MeanShiftToy) is MeanShiftToy
    assert registered_estimator("MeanShiftToy") is MeanShiftToy


def test_registering_a_second_class_under_one_name_fails(isolated_registry):
    register_estimator(Wrapper)
    impostor = type("Wrapper", (BaseEstimator,), {"__module__": "elsewhere"})
    with pytest.raises(TypeError, match="that name already belongs to"):
        register_estimator(impostor)
    with pytest.raises(TypeError, match="Only BaseEstimator subclasses can be registered"):
        register_estimator(dict)
