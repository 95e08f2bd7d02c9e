"""The C++ k-means kernels against a plain NumPy reference."""

import numpy as np
import pytest

from zoo import _core

ALGORITHMS = ["lloyd", "hamerly", "elkan"]


def reference_lloyd(X, w, centers, max_iter, tol):
    """Textbook weighted Lloyd in float64 with the kernels' stopping rules:
    stop when labels repeat or the summed squared centre shift <= tol."""
    centers = centers.astype(np.float64).copy()
    X = X.astype(np.float64)
    labels = np.full(len(X), -1)
    for iteration in range(1, max_iter + 1):
        distances = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
        new_labels = distances.argmin(1)
        stable = np.array_equal(new_labels, labels)
        labels = new_labels
        new_centers = centers.copy()
        for j in range(len(centers)):
            mask = labels == j
            if w[mask].sum() > 0:
                new_centers[j] = (w[mask, None] * X[mask]).sum(0) / w[mask].sum()
        shift = ((new_centers - centers) ** 2).sum()
        centers = new_centers
        if stable or shift <= tol:
            break
    labels = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1).argmin(1)
    inertia = (w * ((X - centers[labels]) ** 2).sum(1)).sum()
    return centers, labels, iteration, inertia


def blobs(n=600, d=5, k=6, dtype=np.float64, seed=0, spread=1.5):
    rng = np.random.default_rng(seed)
    means = rng.uniform(-8, 8, size=(k, d))
    X = means[rng.integers(0, k, n)] + rng.normal(scale=spread, size=(n, d))
    return np.ascontiguousarray(X, dtype=dtype)


def fit(X, w, init, algorithm, n_threads=2, max_iter=100, tol=0.0):
    centers = init.astype(X.dtype).copy()
    labels = np.empty(len(X), dtype=np.int32)
    n_iter, inertia = _core.kmeans_fit(X, w, centers, labels, max_iter, tol, algorithm, n_threads)
    return centers, labels, n_iter, inertia


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("n_threads", [1, 2])
def test_matches_numpy_reference_float64(algorithm, n_threads):
    X = blobs()
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(X))
    init = X[[0, 50, 100, 150, 200, 250]]
    ref_centers, ref_labels, ref_iter, ref_inertia = reference_lloyd(X, w, init, 100, 0.0)
    centers, labels, n_iter, inertia = fit(X, w, init, algorithm, n_threads)
    np.testing.assert_array_equal(labels, ref_labels)
    np.testing.assert_allclose(centers, ref_centers, rtol=1e-10, atol=1e-10)
    assert n_iter == ref_iter
    assert inertia == pytest.approx(ref_inertia, rel=1e-10)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_float32_agrees_with_float64(algorithm):
    X64 = blobs(n=2000, d=8, k=5, spread=0.8)
    X32 = X64.astype(np.float32)
    init = X64[:5] + 0.1
    w64, w32 = np.ones(len(X64)), np.ones(len(X64), dtype=np.float32)
    c64, l64, _, i64 = fit(X64, w64, init, algorithm)
    c32, l32, _, i32 = fit(X32, w32, init, algorithm)
    assert c32.dtype == np.float32
    assert (l32 == l64).mean() > 0.999
    np.testing.assert_allclose(c32, c64, rtol=1e-4, atol=1e-4)
    assert i32 == pytest.approx(i64, rel=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_variants_and_thread_counts_agree(dtype):
    X = blobs(n=5000, d=12, k=10, dtype=dtype, spread=2.0, seed=3)
    w = np.ones(len(X), dtype=dtype)
    init = X[:10].copy()
    tol = 1e-6 * X.var(0).mean()
    results = {(a, t): fit(X, w, init, a, t, tol=tol) for a in ALGORITHMS for t in (1, 2)}
    base_centers, base_labels, base_iter, base_inertia = results[("lloyd", 1)]
    for (algorithm, threads), (centers, labels, n_iter, inertia) in results.items():
        assert (labels == base_labels).mean() > 0.999, (algorithm, threads)
        np.testing.assert_allclose(centers, base_centers, rtol=1e-4, atol=1e-4)
        assert abs(n_iter - base_iter) <= 1
        assert inertia == pytest.approx(base_inertia, rel=1e-5)


def test_hand_worked_toy_case():
    X = np.array([[0, 0], [0, 1], [10, 0], [10, 1]], dtype=np.float64)
    init = np.array([[0, 0], [10, 0]], dtype=np.float64)
    centers, labels, n_iter, inertia = fit(X, np.ones(4), init, "lloyd")
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    np.testing.assert_allclose(centers, [[0, 0.5], [10, 0.5]])
    # Iteration 1 moves the centres; iteration 2 finds the same labels.
    assert n_iter == 2
    assert inertia == pytest.approx(4 * 0.25)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_empty_cluster_is_reseeded_with_farthest_point(algorithm):
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [9.0]])
    init = np.array([[0.1], [5.0], [100.0]])  # the third centre attracts nothing
    centers, labels, _, _ = fit(X, np.ones(len(X)), init, algorithm)
    assert set(labels) == {0, 1, 2}
    assert np.isin(100.0, centers).sum() == 0


def test_zero_weight_points_do_not_pull_centres():
    X = np.array([[0.0], [1.0], [1000.0]])
    w = np.array([1.0, 1.0, 0.0])
    centers, labels, _, inertia = fit(X, w, np.array([[0.5]]), "lloyd")
    assert centers[0, 0] == pytest.approx(0.5)
    assert inertia == pytest.approx(0.5)


def test_max_iter_bounds_iterations():
    X = blobs(n=3000, k=8, spread=3.0)
    _, _, n_iter, _ = fit(X, np.ones(len(X)), X[:8], "hamerly", max_iter=2)
    assert n_iter == 2


class TestKMeansPlusPlus:
    def test_seeds_are_distinct_rows_and_reproducible(self):
        X = blobs(n=1000, k=6)
        w = np.ones(len(X))
        centers, chosen = _core.kmeans_plusplus(X, w, 6, 3, 42, 2)
        np.testing.assert_array_equal(centers, X[chosen])
        assert len(set(chosen.tolist())) == 6
        again, chosen_again = _core.kmeans_plusplus(X, w, 6, 3, 42, 1)
        np.testing.assert_array_equal(chosen, chosen_again)
        _, other = _core.kmeans_plusplus(X, w, 6, 3, 43, 2)
        assert not np.array_equal(chosen, other)

    def test_one_seed_per_well_separated_group(self):
        rng = np.random.default_rng(0)
        groups = np.array([[0, 0], [100, 0], [0, 100], [100, 100]], dtype=float)
        X = np.repeat(groups, 50, axis=0) + rng.normal(size=(200, 2))
        for seed in range(20):
            _, chosen = _core.kmeans_plusplus(X, np.ones(200), 4, 4, seed, 2)
            assert sorted(chosen // 50) == [0, 1, 2, 3]

    def test_zero_weight_points_are_never_chosen(self):
        X = blobs(n=300, k=3)
        w = np.zeros(len(X))
        w[::3] = 1.0
        for seed in range(10):
            _, chosen = _core.kmeans_plusplus(X, w, 5, 3, seed, 2)
            assert np.all(chosen % 3 == 0)

    def test_duplicate_points_still_give_k_seeds(self):
        X = np.repeat([[1.0, 2.0], [3.0, 4.0]], 10, axis=0)
        centers, chosen = _core.kmeans_plusplus(X, np.ones(20), 5, 3, 0, 2)
        assert centers.shape == (5, 2)
        assert {tuple(c) for c in centers} == {(1.0, 2.0), (3.0, 4.0)}


def test_transform_and_assign_match_numpy():
    X = blobs(n=700, d=4, k=3, dtype=np.float32)
    centers = X[:3].copy()
    expected = np.sqrt(((X[:, None, :].astype(np.float64) - centers[None].astype(np.float64)) ** 2).sum(-1))
    distances = _core.kmeans_transform(X, centers, 2)
    # The kernel expands |x - c|^2 = |x|^2 - 2 x.c + |c|^2 in float32, whose
    # cancellation leaves an absolute error of a few float32 epsilons times
    # the squared norms: compared after the square root, a point at its own
    # centre came out 0.004 from 0 in the sanitizer build (-O1), and exactly
    # 0 at -O3 only by luck of the rounding.
    squared_norms = (X.astype(np.float64) ** 2).sum(1).max() + (centers.astype(np.float64) ** 2).sum(1).max()
    tolerance = 8 * np.finfo(np.float32).eps * squared_norms
    np.testing.assert_allclose(distances.astype(np.float64) ** 2, expected**2, rtol=1e-4, atol=tolerance)
    labels = np.empty(len(X), dtype=np.int32)
    inertia = _core.kmeans_assign(X, np.ones(len(X), np.float32), centers, labels, 2)
    assert (labels == expected.argmin(1)).mean() > 0.999
    assert inertia == pytest.approx((expected.min(1) ** 2).sum(), rel=1e-4)


def test_minibatch_step_matches_numpy():
    X = blobs(n=256, d=3, k=4)
    w = np.random.default_rng(2).uniform(0.5, 1.5, len(X))
    centers = X[:4].copy()
    counts = np.array([0.0, 3.0, 10.0, 1.0])
    expected_centers, expected_counts = centers.copy(), counts.copy()
    assigned = ((X[:, None] - centers[None]) ** 2).sum(-1).argmin(1)
    for j in range(4):
        mask = assigned == j
        if mask.any():
            total = counts[j] + w[mask].sum()
            expected_centers[j] = (centers[j] * counts[j] + (w[mask, None] * X[mask]).sum(0)) / total
            expected_counts[j] = total
    labels = np.empty(len(X), dtype=np.int32)
    inertia = _core.minibatch_step(X, w, centers, counts, labels, 2)
    np.testing.assert_array_equal(labels, assigned)
    np.testing.assert_allclose(centers, expected_centers, rtol=1e-12)
    np.testing.assert_allclose(counts, expected_counts)
    assert inertia == pytest.approx((w * ((X - X[:4][assigned]) ** 2).sum(1)).sum())


class TestKernelGuards:
    def test_shape_mismatch_is_value_error(self):
        X = blobs(n=50, d=3)
        with pytest.raises(ValueError, match="centers has shape"):
            fit(X, np.ones(50), np.zeros((2, 4)), "lloyd")
        with pytest.raises(ValueError, match="sample_weight"):
            fit(X, np.ones(49), X[:2], "lloyd")

    def test_unknown_algorithm_is_value_error(self):
        X = blobs(n=50, d=3)
        with pytest.raises(ValueError, match="algorithm must be"):
            fit(X, np.ones(50), X[:2], "bogus")

    def test_more_clusters_than_points_is_value_error(self):
        X = blobs(n=3, d=2)
        with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=4"):
            fit(X, np.ones(3), np.zeros((4, 2)), "elkan")

    def test_output_buffers_are_never_silently_copied(self):
        X = blobs(n=50, d=3)
        labels = np.empty(50, dtype=np.int64)  # wrong dtype: writing a copy would lose the result
        with pytest.raises(TypeError):
            _core.kmeans_fit(X, np.ones(50), X[:2].copy(), labels, 10, 0.0, "lloyd", 1)
        read_only = X[:2].copy()
        read_only.flags.writeable = False
        with pytest.raises(ValueError, match="writable"):
            _core.kmeans_fit(X, np.ones(50), read_only, np.empty(50, np.int32), 10, 0.0, "lloyd", 1)

    def test_bad_thread_count_is_value_error(self):
        X = blobs(n=50, d=3)
        with pytest.raises(ValueError, match="n_threads"):
            fit(X, np.ones(50), X[:2], "lloyd", n_threads=0)

    @pytest.mark.parametrize(
        "kind, error",
        [("invalid_argument", ValueError), ("out_of_range", IndexError), ("bad_alloc", MemoryError),
         ("other", RuntimeError)],
    )
    @pytest.mark.parametrize("n_threads", [1, 2])
    def test_exception_inside_parallel_region_reaches_python(self, kind, error, n_threads):
        with pytest.raises(error):
            _core._raise_inside_parallel_region(n_threads, kind)
