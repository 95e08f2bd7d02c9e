"""The per-chunk k-means kernels of the Dask path, against NumPy: one Lloyd
E-step with its per-cluster sums, and the k-means|| sampling weights."""

import numpy as np
import pytest

from zoo import _core


# More rows than the kernels' 16,384-row slabs, so that slabs are stitched.
N_ROWS = 40_000


def _problem(dtype, n=N_ROWS, d=5, k=6, seed=0):
    """Uncentred points (offset 10), their shift (the rounded mean) and
    centres in centred coordinates."""
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(n, d)) + 10.0).astype(dtype)
    w = rng.uniform(0.0, 2.0, n).astype(dtype)
    shift = X.mean(axis=0).astype(dtype)
    centers = rng.normal(size=(k, d)).astype(dtype)
    return X, w, shift, centers


def _sq_distances(X, shift, centers):
    centred = (X - shift).astype(np.float64)  # x - shift rounded in X's type, as the kernels centre
    return ((centred[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_assign_sums_is_the_numpy_e_step(dtype):
    X, w, shift, centers = _problem(dtype)
    labels = np.full(len(X), -1, dtype=np.int32)
    sums, weights, changed, inertia = _core.kmeans_assign_sums(X, w, shift, centers, labels, 2)
    sq = _sq_distances(X, shift, centers)
    # The kernel's GEMM distances may order a near tie differently: compare
    # where the two nearest centres are told apart beyond round-off.
    two_nearest = np.sort(sq, axis=1)[:, :2]
    clear = two_nearest[:, 1] - two_nearest[:, 0] > (1e-8 if dtype == np.float64 else 1e-3)
    assert clear.mean() > 0.99
    np.testing.assert_array_equal(labels[clear], sq.argmin(axis=1)[clear])
    assert changed == len(X)  # -1 counts as a change
    # The sums, weights and inertia of the points under the labels given.
    centred = (X - shift).astype(np.float64)
    expected_sums = np.zeros(centers.shape)
    np.add.at(expected_sums, labels, centred * w[:, None])
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    assert sums.dtype == np.float64 and weights.dtype == np.float64
    np.testing.assert_allclose(sums, expected_sums, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(weights, np.bincount(labels, weights=w.astype(np.float64), minlength=len(centers)),
                               rtol=rtol)
    np.testing.assert_allclose(inertia, float(np.sum(w * sq[np.arange(len(X)), labels])), rtol=rtol)


def test_assign_sums_counts_only_the_labels_that_changed():
    X, w, shift, centers = _problem(np.float64)
    labels = np.full(len(X), -1, dtype=np.int32)
    _core.kmeans_assign_sums(X, w, shift, centers, labels, 1)
    previous = labels.copy()
    previous[:7] = (previous[:7] + 1) % len(centers)  # seven rows "were" elsewhere
    again = previous.copy()
    _, _, changed, _ = _core.kmeans_assign_sums(X, w, shift, centers, again, 1)
    assert changed == 7
    np.testing.assert_array_equal(again, labels)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nearest_weighted_sq_lowers_to_the_weighted_nearest_distance(dtype):
    X, w, shift, centers = _problem(dtype)
    out = np.full(len(X), np.inf)
    _core.kmeans_nearest_weighted_sq(X, w, shift, centers[:2], out, 2)
    sq = _sq_distances(X, shift, centers)
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(out, w * sq[:, :2].min(axis=1), rtol=rtol, atol=rtol)
    # A later round with new centres keeps the smaller of the two.
    _core.kmeans_nearest_weighted_sq(X, w, shift, centers[2:], out, 2)
    np.testing.assert_allclose(out, w * sq.min(axis=1), rtol=rtol, atol=rtol)


def test_chunk_kernels_refuse_mismatched_shapes():
    X, w, shift, centers = _problem(np.float64)
    labels = np.zeros(len(X), dtype=np.int32)
    with pytest.raises(ValueError, match="labels"):
        _core.kmeans_assign_sums(X, w, shift, centers, np.zeros(3, dtype=np.int32), 1)
    with pytest.raises(ValueError, match="centers"):
        _core.kmeans_assign_sums(X, w, shift, centers[:, :2].copy(), labels, 1)
    with pytest.raises(ValueError, match="shift"):
        _core.kmeans_assign_sums(X, w, shift[:2].copy(), centers, labels, 1)
    with pytest.raises(ValueError, match="weighted_sq"):
        _core.kmeans_nearest_weighted_sq(X, w, shift, centers, np.zeros(3), 1)
