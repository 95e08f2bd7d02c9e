"""Every registered estimator saves and loads, fitted in each variant that
changes what it stores, and comes back making the same predictions."""

import json

import numpy as np
import pytest
from _persistence_cases import ABSTRACT, CASES, class_name

import zoo
from zoo import _registry
from zoo._fitted_state import declared_fitted_state
from zoo.persistence import load, save


def _meta(path):
    with np.load(path, allow_pickle=False) as archive:
        return json.loads(str(archive["__meta__"][()]))


def _assert_same(loaded, expected):
    if isinstance(expected, dict):
        assert loaded.keys() == expected.keys()
        for key in expected:
            _assert_same(loaded[key], expected[key])
    elif isinstance(expected, (np.ndarray, list, tuple)):
        np.testing.assert_array_equal(np.asarray(loaded, dtype=object), np.asarray(expected, dtype=object))
    else:
        assert loaded == expected


# zoo's own (test modules register estimators of their own).
ZOO_ESTIMATORS = sorted(name for name, cls in _registry._REGISTRY.items()
                        if cls.__module__.startswith("zoo.") and name not in ABSTRACT)


def test_every_registered_estimator_has_a_case():
    assert set(ZOO_ESTIMATORS) <= {class_name(case) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_round_trip_predicts_the_same(tmp_path, case):
    model = case.fitted()
    save(model, tmp_path / "model.npz")
    loaded = load(tmp_path / "model.npz")
    assert type(loaded) is type(model) and loaded.get_params().keys() == model.get_params().keys()
    for got, expected in zip(case.outputs(loaded), case.outputs(model)):
        _assert_same(got, expected)
    # What it stores survives a second round trip unchanged.
    save(loaded, tmp_path / "again.npz")
    first, second = _meta(tmp_path / "model.npz"), _meta(tmp_path / "again.npz")
    assert first["state"].keys() == second["state"].keys()
    assert first["state"].keys() <= declared_fitted_state(type(model)).keys()


@pytest.mark.parametrize("name", ZOO_ESTIMATORS)
def test_unfitted_round_trip(tmp_path, name):
    cls = _registry._REGISTRY[name]
    required = {"GridSearchCV": {"estimator": zoo.Ridge(), "param_grid": {"alpha": [1.0]}}}
    save(cls(**required.get(name, {})), tmp_path / "bare.npz")
    loaded = load(tmp_path / "bare.npz")
    assert type(loaded) is cls and not loaded.__sklearn_is_fitted__()
