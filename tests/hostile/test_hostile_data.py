"""Hostile data (X, y, sample weights) for every public estimator: fit, predict,
transform, score and the rest refuse it with a clear ValueError/TypeError (never a raw
NumPy, pybind11 or LAPACK message, never NaN), unfitted models raise
NotFittedError, and a failed fit leaves the model it had."""

import inspect
import warnings

import numpy as np
import pytest
from hostile_cases import (
    CLEAR_ERRORS,
    N_FEATURES,
    N_SAMPLES,
    assert_clear_error,
    call_use,
    fit,
    has_nan,
    make,
    public_estimators,
    setup_of,
    takes_data,
    use_methods,
    valid_input,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from zoo._tags import get_tags
from zoo.exceptions import NotFittedError

ESTIMATORS = public_estimators()
DATA_ESTIMATORS = [cls for cls in ESTIMATORS if setup_of(cls).kind in ("supervised", "unsupervised")]
SUPERVISED = [cls for cls in DATA_ESTIMATORS if setup_of(cls).kind == "supervised"]
_FAST = settings(max_examples=10, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _ids(cls):
    return cls.__name__


def _with(array, value):
    out = np.array(array, dtype=np.float64)
    out.flat[min(4, out.size - 1)] = value
    return out


def hostile_variants(valid):
    """Data no estimator can take, derived from a valid input of its shape."""
    valid = np.asarray(valid, dtype=np.float64)
    n, d = valid.shape
    return {
        "empty": valid[:0],
        "zero features": valid[:, :0],
        "NaN": _with(valid, np.nan),
        "infinity": _with(valid, np.inf),
        "complex": valid + 1j,
        "3-D": valid.reshape(n, d, 1),
        "1-D": valid[:, 0],
        "scalar": 5.0,
        "None": None,
        "dict": {"a": 1},
        "ragged rows": [list(row) for row in valid[:-1]] + [[1.0]],
        "objects": np.array([[1.0, {"a": 1}, None]] * n, dtype=object)[:, :d],
    }


def _refused_variants(cls, valid):
    variants = hostile_variants(valid)
    if not get_tags(make(cls))["string"]:
        variants["strings"] = np.asarray(valid).astype(str)
    return variants


def _attempt(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def offered_methods(estimator):
    """The fitted estimator's use methods that answer on valid input (a
    search over Ridge offers no decision_function: AttributeError)."""
    offered = []
    for method in use_methods(type(estimator)):
        try:
            _attempt(call_use, estimator, method)
        except AttributeError:
            continue
        offered.append(method)
    return offered


def _dense(result):
    if isinstance(result, tuple):
        return tuple(_dense(part) for part in result)
    return result.toarray() if hasattr(result, "toarray") else np.asarray(result)


def _assert_same(again, before, method):
    if isinstance(before, tuple):
        for part_again, part_before in zip(again, before, strict=True):
            _assert_same(part_again, part_before, method)
        return
    np.testing.assert_array_equal(again, before, err_msg=method)


# ------------------------------------------------------------------ unfitted


@pytest.mark.parametrize("cls", ESTIMATORS, ids=_ids)
def test_methods_before_fit_raise_not_fitted(cls):
    estimator = make(cls)
    setup = setup_of(cls)
    for method in offered_methods(fit(make(cls))):
        data = setup.X if method == "inverse_transform" and setup.kind != "labels" else None
        with pytest.raises(NotFittedError):
            call_use(estimator, method, *(() if data is None else (data,)))


# ----------------------------------------------------------------------- fit


@pytest.mark.parametrize("cls", DATA_ESTIMATORS, ids=_ids)
def test_fit_refuses_hostile_X(cls):
    setup = setup_of(cls)
    for case, X in _refused_variants(cls, setup.X).items():
        args = (X, setup.y) if setup.kind == "supervised" else (X,)
        with pytest.raises(CLEAR_ERRORS) as error:
            _attempt(make(cls).fit, *args)
        assert_clear_error(error.value, context=f"fit with X {case}")


def _bad_targets(cls):
    n = N_SAMPLES
    labels = np.tile([0, 1], n // 2)
    targets = {
        "complex": labels + 1j,
        "NaN": _with(labels, np.nan),
        "infinity": _with(labels, np.inf),
        "too short": labels[:-1],
        "2-D with no column": np.zeros((n, 0)),
        "3-D": labels.reshape(n, 1, 1),
        "scalar": 3,
        "dict": {"a": 1},
    }
    if cls._estimator_type in ("classifier", "sampler"):
        targets["mixed strings and ints"] = np.array([0, "a"] * (n // 2), dtype=object)
        targets["None among labels"] = np.array([None, 1] * (n // 2), dtype=object)
    if cls._estimator_type == "regressor":
        targets["strings"] = np.array(["a", "b"] * (n // 2))
    return targets


@pytest.mark.parametrize("cls", SUPERVISED, ids=_ids)
def test_fit_refuses_hostile_y(cls):
    setup = setup_of(cls)
    for case, y in _bad_targets(cls).items():
        with pytest.raises(CLEAR_ERRORS) as error:
            _attempt(make(cls).fit, setup.X, y)
        assert_clear_error(error.value, context=f"fit with y {case}")


INCREMENTAL = [cls for cls in DATA_ESTIMATORS if hasattr(cls, "partial_fit")]


@pytest.mark.parametrize("fitted", [False, True], ids=["first call", "after fit"])
@pytest.mark.parametrize("cls", INCREMENTAL, ids=_ids)
def test_partial_fit_refuses_hostile_X(cls, fitted):
    setup = setup_of(cls)
    variants = _refused_variants(cls, setup.X)
    if fitted:
        variants["one more feature"] = np.hstack([setup.X, setup.X[:, :1]])
    for case, X in variants.items():
        estimator = fit(make(cls)) if fitted else make(cls)
        args = (X, setup.y) if setup.kind == "supervised" else (X,)
        with pytest.raises(CLEAR_ERRORS) as error:
            _attempt(estimator.partial_fit, *args)
        assert_clear_error(error.value, context=f"partial_fit with X {case}")


WEIGHTED = [cls for cls in DATA_ESTIMATORS if "sample_weight" in inspect.signature(cls.fit).parameters]


def _bad_weights():
    n = N_SAMPLES
    ones = np.ones(n)
    return {
        "NaN": _with(ones, np.nan),
        "infinity": _with(ones, np.inf),
        "negative": -ones,
        "all zero": 0 * ones,
        "too short": ones[:-1],
        "2-D": np.ones((n, 2)),
        "strings": np.array(["a"] * n),
        "complex": ones + 1j,
        "None values": np.array([None] * n, dtype=object),
        "dict": {"a": 1},
    }


@pytest.mark.parametrize("cls", WEIGHTED, ids=_ids)
def test_fit_refuses_hostile_sample_weight(cls):
    setup = setup_of(cls)
    args = (setup.X, setup.y) if setup.kind == "supervised" else (setup.X,)
    for case, weight in _bad_weights().items():
        with pytest.raises(CLEAR_ERRORS) as error:
            _attempt(make(cls).fit, *args, sample_weight=weight)
        assert_clear_error(error.value, context=f"fit with sample_weight {case}")


@pytest.mark.parametrize("cls", DATA_ESTIMATORS, ids=_ids)
def test_failed_fit_leaves_the_model_it_had(cls):
    setup = setup_of(cls)
    estimator = fit(make(cls))
    n_features = estimator.n_features_in_
    methods = [m for m in offered_methods(estimator) if takes_data(cls, m) and m != "inverse_transform"]
    before = {m: _dense(_attempt(call_use, estimator, m)) for m in methods}
    wider = np.hstack([setup.X, setup.X[:, :1]])
    attempts = [(_with(wider, np.nan), setup.y)]
    if setup.kind == "supervised":
        attempts.append((wider, _with(np.asarray(setup.y, dtype=float), np.nan)))
    for X, y in attempts:
        args = (X, y) if setup.kind == "supervised" else (X,)
        with pytest.raises(CLEAR_ERRORS):
            _attempt(estimator.fit, *args)
        assert estimator.n_features_in_ == n_features
        for method, result in before.items():
            again = _dense(_attempt(call_use, estimator, method))
            _assert_same(again, result, method)


# --------------------------------------------------------------- fitted use


@pytest.mark.parametrize("cls", DATA_ESTIMATORS, ids=_ids)
def test_methods_refuse_hostile_X(cls):
    estimator = fit(make(cls))
    for method in offered_methods(estimator):
        if not takes_data(cls, method):
            continue
        valid = _attempt(valid_input, estimator, method)
        variants = _refused_variants(cls, valid)
        variants["one more feature"] = np.hstack([valid, valid[:, :1]])
        for case, X in variants.items():
            with pytest.raises(CLEAR_ERRORS) as error:
                _attempt(call_use, estimator, method, X)
            assert_clear_error(error.value, context=f"{method} with X {case}")


# ---------------------------------------------------------------- hypothesis

_NON_FINITE = st.sampled_from([np.nan, np.inf, -np.inf])


@pytest.mark.parametrize("cls", DATA_ESTIMATORS, ids=_ids)
@_FAST
@given(row=st.integers(0, N_SAMPLES - 1), column=st.integers(0, N_FEATURES - 1), value=_NON_FINITE)
def test_one_non_finite_value_anywhere_is_refused(cls, row, column, value):
    setup = setup_of(cls)
    X = np.array(setup.X, dtype=np.float64)
    X[row, column % X.shape[1]] = value
    args = (X, setup.y) if setup.kind == "supervised" else (X,)
    with pytest.raises(ValueError, match="NaN|infinity"):
        _attempt(make(cls).fit, *args)


@pytest.mark.parametrize("cls", DATA_ESTIMATORS, ids=_ids)
@_FAST
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6))
def test_any_shape_fits_or_is_refused_clearly(cls, shape):
    setup = setup_of(cls)
    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=shape).astype(np.float64)  # few distinct values: categories too
    n = shape[0] if shape else 0
    y = np.tile([0, 1], n // 2 + 1)[:n] if setup.kind == "supervised" else None
    estimator = make(cls)
    try:
        _attempt(estimator.fit, *((X, y) if y is not None else (X,)))
    except CLEAR_ERRORS as error:
        assert_clear_error(error, context=f"fit on shape {shape}")
        return
    assert X.ndim == 2 and X.shape[1] >= 1, f"fit accepted an array of shape {shape}"
    for method in use_methods(cls):
        if not takes_data(cls, method) or method in ("score", "inverse_transform"):
            continue
        try:
            result = _attempt(getattr(estimator, method), X)
        except AttributeError:
            continue
        except CLEAR_ERRORS as error:
            assert_clear_error(error.value, context=f"{method} on shape {shape}")
            continue
        assert not has_nan(result), f"{method} returned NaN on data of shape {shape}"
