"""The column-centring kernel against NumPy."""

import numpy as np
import pytest

from zoo import _core


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_matches_numpy(dtype, n_threads):
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(3001, 7)) * [1, 2, 3, 4, 5, 6, 7] + 1e3).astype(dtype)
    centered, mean, variance = _core.center_columns(X, n_threads)
    assert centered.dtype == dtype
    np.testing.assert_allclose(mean, X.astype(np.float64).mean(0), rtol=1e-12)
    np.testing.assert_allclose(variance, X.astype(np.float64).var(0), rtol=1e-6 if dtype == np.float32 else 1e-12)
    np.testing.assert_allclose(centered, X - mean.astype(dtype), rtol=0, atol=0)


def test_thread_count_does_not_change_the_result():
    X = np.random.default_rng(1).normal(size=(10_000, 5))
    one = _core.center_columns(X, 1)
    two = _core.center_columns(X, 2)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


def test_empty_input_is_rejected():
    with pytest.raises(ValueError, match="at least one sample"):
        _core.center_columns(np.empty((0, 3)), 1)
