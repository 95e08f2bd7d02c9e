"""MSE, RMSE, MAE and R²: against the formulas written out here, against
scikit-learn on random single- and multi-output targets, and on bad input."""

import warnings

import numpy as np
import pytest

from zoo.metrics import (
    UndefinedMetricWarning,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

ERROR_METRICS = [mean_squared_error, root_mean_squared_error, mean_absolute_error]


def test_errors_and_r2_match_the_formulas_per_output():
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(40, 3))
    y_pred = y_true + rng.normal(scale=[0.1, 1.0, 3.0], size=(40, 3))
    w = rng.random(40)
    squared = [np.sum(w * (y_true[:, j] - y_pred[:, j]) ** 2) / w.sum() for j in range(3)]
    absolute = [np.sum(w * np.abs(y_true[:, j] - y_pred[:, j])) / w.sum() for j in range(3)]
    r2 = []
    for j in range(3):
        mean = np.sum(w * y_true[:, j]) / w.sum()
        r2.append(1 - np.sum(w * (y_true[:, j] - y_pred[:, j]) ** 2) / np.sum(w * (y_true[:, j] - mean) ** 2))
    options = dict(sample_weight=w, multioutput="raw_values")
    np.testing.assert_allclose(mean_squared_error(y_true, y_pred, **options), squared)
    np.testing.assert_allclose(root_mean_squared_error(y_true, y_pred, **options), np.sqrt(squared))
    np.testing.assert_allclose(mean_absolute_error(y_true, y_pred, **options), absolute)
    np.testing.assert_allclose(r2_score(y_true, y_pred, **options), r2)
    assert mean_squared_error(y_true, y_pred, sample_weight=w) == pytest.approx(np.mean(squared))
    assert r2_score(y_true, y_pred, sample_weight=w, multioutput=[1, 2, 0]) == pytest.approx(
        (r2[0] + 2 * r2[1]) / 3
    )
    spreads = [np.var(y_true[:, j]) for j in range(3)]
    assert r2_score(y_true, y_pred, multioutput="variance_weighted") == pytest.approx(
        np.average(r2_score(y_true, y_pred, multioutput="raw_values"), weights=spreads)
    )


def test_r2_of_a_constant_target_is_forced_finite():
    assert r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    assert r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 3.0]) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(r2_score([2.0, 2.0], [2.0, 2.0], force_finite=False))
        assert r2_score([2.0, 2.0], [2.0, 3.0], force_finite=False) == -np.inf
    # Every output constant: variance weights are all zero, the plain mean is used.
    assert r2_score([[1.0, 5.0], [1.0, 5.0]], [[1.0, 4.0], [1.0, 5.0]], multioutput="variance_weighted") == 0.5


def test_r2_of_one_sample_is_nan_with_a_warning():
    with pytest.warns(UndefinedMetricWarning, match="fewer than two samples"):
        assert np.isnan(r2_score([1.0], [2.0]))


def test_match_scikit_learn_on_random_targets():
    skm = pytest.importorskip("sklearn.metrics")
    pairs = [
        (mean_squared_error, skm.mean_squared_error),
        (root_mean_squared_error, skm.root_mean_squared_error),
        (mean_absolute_error, skm.mean_absolute_error),
        (r2_score, skm.r2_score),
    ]
    rng = np.random.default_rng(1)
    for trial in range(12):
        n, n_outputs = int(rng.integers(2, 30)), int(rng.integers(1, 4))
        shape = (n,) if trial % 3 == 0 else (n, n_outputs)
        outputs = 1 if len(shape) == 1 else n_outputs
        y_true = rng.normal(size=shape)
        if trial % 4 == 1:
            y_true[..., 0] = 3.0  # a constant output: R² falls back to 0 or 1
        y_pred = y_true + rng.normal(size=shape) * rng.choice([0.0, 0.5])
        weights = None if trial % 2 else rng.random(n) + 0.01
        modes = ["raw_values", "uniform_average"] + ([rng.random(outputs)] if outputs > 1 else [])
        for ours, theirs in pairs:
            for multioutput in modes + (["variance_weighted"] if ours is r2_score else []):
                options = dict(sample_weight=weights, multioutput=multioutput)
                np.testing.assert_allclose(
                    ours(y_true, y_pred, **options), theirs(y_true, y_pred, **options), rtol=1e-12, atol=1e-15
                )
        for force_finite in (True, False):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                np.testing.assert_allclose(
                    r2_score(y_true, y_pred, multioutput="raw_values", force_finite=force_finite),
                    skm.r2_score(y_true, y_pred, multioutput="raw_values", force_finite=force_finite),
                )


@pytest.mark.parametrize("metric", ERROR_METRICS + [r2_score])
def test_bad_input_is_rejected(metric):
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        metric([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="y_pred contains NaN"):
        metric([1.0, 2.0], [1.0, np.nan])
    with pytest.raises(ValueError, match="0 sample"):
        metric([], [])
    with pytest.raises(ValueError, match="1 output.* and y_pred 2"):
        metric([1.0, 2.0], [[1.0, 1.0], [2.0, 2.0]])
    with pytest.raises(ValueError, match="multioutput"):
        metric([1.0, 2.0], [1.0, 2.0], multioutput="median")
    with pytest.raises(ValueError, match="multioutput weights"):
        metric([[1.0, 1.0], [2.0, 2.0]], [[1.0, 1.0], [2.0, 2.0]], multioutput=[1.0])
    with pytest.raises(ValueError, match="need several outputs"):
        metric([1.0, 2.0], [1.0, 2.0], multioutput=[1.0])
    with pytest.raises(ValueError, match="must be numeric"):
        metric(["a", "b"], [1.0, 2.0])
    with pytest.raises(ValueError, match="sample_weight"):
        metric([1.0, 2.0], [1.0, 2.0], sample_weight=[1.0])
