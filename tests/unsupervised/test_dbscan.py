"""zoo.DBSCAN: exact agreement with a brute-force NumPy reference and with
scikit-learn, every search and metric, sample weights, errors, persistence."""

import _thread
import threading
from collections import deque
from functools import lru_cache

import numpy as np
import pytest

import zoo
from zoo.datasets import make_blobs
from zoo.unsupervised.dbscan import DBSCAN

ALGORITHMS = ["grid", "kd_tree", "brute", "auto"]
METRICS = ["euclidean", "manhattan", "chebyshev", "cosine"]


def reference_dbscan(X, eps, min_samples, metric="euclidean", sample_weight=None):
    """The textbook algorithm over the full distance matrix of X."""
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    diff = X[:, None, :] - X[None, :, :]
    if metric == "euclidean":
        close = (diff**2).sum(-1) <= eps * eps
    elif metric == "manhattan":
        close = np.abs(diff).sum(-1) <= eps
    elif metric == "chebyshev":
        close = np.abs(diff).max(-1) <= eps
    else:
        unit = X / np.linalg.norm(X, axis=1, keepdims=True)
        close = 1.0 - unit @ unit.T <= eps
        np.fill_diagonal(close, True)
    return reference_from_neighbours(close, weight, min_samples)


def reference_from_neighbours(close, weight, min_samples):
    """The textbook algorithm from a neighbour matrix (row i: i's neighbours):
    weighted counts, then breadth-first expansion from each unvisited core
    point in index order."""
    n = len(close)
    core = close.astype(np.float64) @ weight >= min_samples
    labels = np.full(n, -1, dtype=np.int64)
    cluster = 0
    for seed in range(n):
        if labels[seed] != -1 or not core[seed]:
            continue
        labels[seed] = cluster
        queue = deque([seed])
        while queue:
            i = queue.popleft()
            if not core[i]:
                continue
            for j in np.flatnonzero(close[i]):
                if labels[j] == -1:
                    labels[j] = cluster
                    queue.append(j)
        cluster += 1
    return np.flatnonzero(core), labels


def noisy_blobs(n=1500, d=2, seed=0):
    X, _ = make_blobs(n, d, centers=4, cluster_std=0.6, random_state=seed)
    rng = np.random.default_rng(seed)
    noise = rng.uniform(X.min(0) - 1, X.max(0) + 1, size=(n // 10, d))
    return np.vstack([X, noise])


def moons(n=1000, noise=0.08, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    X = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    return X + rng.normal(scale=noise, size=X.shape)


def grid_points():
    """Integer lattice with gaps: many pairs exactly eps = 1 (or sqrt 2) apart."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 12, size=(600, 2)).astype(np.float64)
    return X


def assert_same(model, core, labels):
    np.testing.assert_array_equal(model.core_sample_indices_, core)
    np.testing.assert_array_equal(model.labels_, labels)


DATASETS = {
    "blobs-noise": (noisy_blobs, 0.3, 8),
    "moons": (moons, 0.1, 6),
    "lattice-exact-eps": (grid_points, 1.0, 6),
    "lattice-diagonal": (grid_points, float(np.sqrt(2.0)), 9),
    "duplicates": (lambda: np.repeat(noisy_blobs(300), 3, axis=0), 0.3, 10),
    "3d": (lambda: noisy_blobs(900, 3, seed=1), 0.5, 6),
}


@lru_cache(maxsize=None)
def dataset(name):
    """The data and its reference clustering, computed once per module."""
    make, eps, min_samples = DATASETS[name]
    X = make()
    return X, eps, min_samples, reference_dbscan(X, eps, min_samples)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_matches_reference_exactly(name, algorithm):
    X, eps, min_samples, (core, labels) = dataset(name)
    model = DBSCAN(eps, min_samples=min_samples, algorithm=algorithm).fit(X)
    assert_same(model, core, labels)
    assert model.labels_.max() >= 0
    assert model.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(model.components_, X[core])


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_matches_scikit_learn_exactly(name):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X, eps, min_samples, _ = dataset(name)
    theirs = sklearn_cluster.DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    ours = DBSCAN(eps, min_samples=min_samples).fit(X)
    assert_same(ours, theirs.core_sample_indices_, theirs.labels_)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_heavy_duplicates(algorithm):
    # Few distinct positions, each repeated many times: whole tree nodes and
    # blocks fit within eps, the shortcuts for them must agree with the reference.
    rng = np.random.default_rng(13)
    base = np.vstack([rng.normal(size=(12, 2)), rng.normal(size=(12, 2)) + 6])
    X = base[rng.integers(0, len(base), size=1200)]
    for eps, min_samples in [(0.05, 30), (0.8, 120), (0.8, 2000)]:
        core, labels = reference_dbscan(X, eps, min_samples)
        assert_same(DBSCAN(eps, min_samples=min_samples, algorithm=algorithm).fit(X), core, labels)


def test_point_exactly_eps_away_is_a_neighbour():
    X = np.array([[0.0], [0.5], [1.0], [3.0]])
    for algorithm in ALGORITHMS:
        model = DBSCAN(0.5, min_samples=3, algorithm=algorithm).fit(X)
        # The middle point sees both ends at exactly eps, and itself.
        np.testing.assert_array_equal(model.core_sample_indices_, [1])
        np.testing.assert_array_equal(model.labels_, [0, 0, 0, -1])


def test_min_samples_counts_the_point_itself():
    X = np.array([[0.0, 0.0], [10.0, 10.0]])
    np.testing.assert_array_equal(DBSCAN(1.0, min_samples=1).fit_predict(X), [0, 1])
    np.testing.assert_array_equal(DBSCAN(1.0, min_samples=2).fit_predict(X), [-1, -1])


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("algorithm", ["kd_tree", "brute", "auto"])
def test_every_metric_matches_reference(metric, algorithm):
    X = noisy_blobs(800, 3, seed=2) + (5.0 if metric == "cosine" else 0.0)
    eps = {"euclidean": 0.5, "manhattan": 0.8, "chebyshev": 0.35, "cosine": 0.002}[metric]
    core, labels = reference_dbscan(X, eps, 6, metric)
    model = DBSCAN(eps, min_samples=6, metric=metric, algorithm=algorithm).fit(X)
    assert_same(model, core, labels)
    assert len(core) > 50 and len(core) < len(X)


@pytest.mark.parametrize("metric", METRICS)
def test_every_metric_matches_scikit_learn(metric):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X = noisy_blobs(800, 4, seed=4) + (5.0 if metric == "cosine" else 0.0)
    eps = {"euclidean": 0.6, "manhattan": 1.0, "chebyshev": 0.4, "cosine": 0.003}[metric]
    theirs = sklearn_cluster.DBSCAN(eps=eps, min_samples=5, metric=metric).fit(X)
    ours = DBSCAN(eps, min_samples=5, metric=metric).fit(X)
    assert_same(ours, theirs.core_sample_indices_, theirs.labels_)


@pytest.mark.parametrize("eps", [0.2, 0.999, 1.0, 1.5])
@pytest.mark.parametrize("min_samples", [1, 4])
def test_cosine_rows_of_zeros_match_scikit_learn(eps, min_samples):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    rng = np.random.default_rng(12)
    X = rng.normal(size=(200, 3))
    X[rng.choice(200, 15, replace=False)] = 0.0
    theirs = sklearn_cluster.DBSCAN(eps=eps, min_samples=min_samples, metric="cosine").fit(X)
    ours = DBSCAN(eps, min_samples=min_samples, metric="cosine").fit(X)
    assert_same(ours, theirs.core_sample_indices_, theirs.labels_)


def test_cosine_on_the_grid():
    X = noisy_blobs(600, 3, seed=5) + 4.0
    core, labels = reference_dbscan(X, 0.003, 5, "cosine")
    assert_same(DBSCAN(0.003, min_samples=5, metric="cosine", algorithm="grid").fit(X), core, labels)


def test_high_dimensions_use_brute_force_and_agree():
    X = noisy_blobs(700, 24, seed=6)
    core, labels = reference_dbscan(X, 3.2, 5)
    model = DBSCAN(3.2, min_samples=5).fit(X)
    assert model._algorithm == "brute"
    assert_same(model, core, labels)
    assert_same(DBSCAN(3.2, min_samples=5, algorithm="kd_tree").fit(X), core, labels)


def test_brute_force_far_from_origin_rechecks_borderline_pairs():
    # Exact ties on a lattice shifted far away: the GEMM expansion alone
    # would misjudge pairs at exactly eps.
    X = grid_points() + 1e6
    core, labels = reference_dbscan(X, 1.0, 6)
    assert_same(DBSCAN(1.0, min_samples=6, algorithm="brute").fit(X), core, labels)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_sample_weight_zero_and_fractional(algorithm):
    X = noisy_blobs(900, 2, seed=8)
    rng = np.random.default_rng(0)
    weight = rng.choice([0.0, 0.25, 0.5, 1.0, 2.5], size=len(X))
    core, labels = reference_dbscan(X, 0.3, 4, sample_weight=weight)
    assert_same(DBSCAN(0.3, min_samples=4, algorithm=algorithm).fit(X, sample_weight=weight), core, labels)


def test_sample_weight_matches_scikit_learn():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X = noisy_blobs(900, 2, seed=9)
    weight = np.random.default_rng(1).choice([0.0, 0.5, 1.0, 3.0], size=len(X))
    theirs = sklearn_cluster.DBSCAN(eps=0.3, min_samples=5).fit(X, sample_weight=weight)
    ours = DBSCAN(0.3, min_samples=5).fit(X, sample_weight=weight)
    assert_same(ours, theirs.core_sample_indices_, theirs.labels_)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_integer_weights_equal_repeated_rows(algorithm):
    X = noisy_blobs(600, 2, seed=10)
    # Weights from 1: a row of weight 0 is still there (it can be core and
    # bridge clusters), unlike a row repeated zero times.
    repeats = np.random.default_rng(2).integers(1, 4, size=len(X))
    weighted = DBSCAN(0.3, min_samples=7, algorithm=algorithm).fit(X, sample_weight=repeats)
    kept = repeats > 0
    repeated = DBSCAN(0.3, min_samples=7, algorithm=algorithm).fit(np.repeat(X, repeats, axis=0))
    # The first copy of each kept row stands for it.
    first_copy = np.cumsum(repeats) - repeats
    np.testing.assert_array_equal(weighted.labels_[kept], repeated.labels_[first_copy[kept]])
    core_rows = np.zeros(len(X), bool)
    core_rows[weighted.core_sample_indices_] = True
    repeated_core = np.zeros(len(np.repeat(X, repeats, axis=0)), bool)
    repeated_core[repeated.core_sample_indices_] = True
    np.testing.assert_array_equal(core_rows[kept], repeated_core[first_copy[kept]])


def test_all_zero_weights_are_refused():
    with pytest.raises(ValueError, match="sample_weight"):
        DBSCAN(0.3).fit(noisy_blobs(200), sample_weight=np.zeros(220))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_same_result_for_every_thread_count(algorithm):
    X = noisy_blobs(3000, 2, seed=11)
    one = DBSCAN(0.25, min_samples=5, algorithm=algorithm, n_jobs=1).fit(X)
    two = DBSCAN(0.25, min_samples=5, algorithm=algorithm, n_jobs=2).fit(X)
    three = DBSCAN(0.25, min_samples=5, algorithm=algorithm, n_jobs=3).fit(X)
    for other in (two, three):
        assert_same(other, one.core_sample_indices_, one.labels_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes(dtype):
    X = noisy_blobs(500).astype(dtype)
    model = DBSCAN(0.3, min_samples=5).fit(X)
    assert model.components_.dtype == dtype
    assert model.labels_.dtype == np.int64
    assert model.core_sample_indices_.dtype == np.int64
    core, labels = reference_dbscan(X.astype(np.float64), 0.3, 5)
    assert_same(model, core, labels)


def test_fit_predict_and_single_sample():
    X = noisy_blobs(300)
    model = DBSCAN(0.3, min_samples=4)
    np.testing.assert_array_equal(model.fit_predict(X), model.labels_)
    lone = DBSCAN(min_samples=1).fit([[1.0, 2.0]])
    np.testing.assert_array_equal(lone.labels_, [0])


def test_outliers_far_away_fall_back_from_the_grid():
    X = np.vstack([noisy_blobs(300), [[1e300, -1e300]]])
    core, labels = reference_dbscan(X[:-1], 0.3, 4)
    model = DBSCAN(0.3, min_samples=4, algorithm="grid").fit(X)
    np.testing.assert_array_equal(model.labels_, np.append(labels, -1))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"eps": 0.0}, "eps"),
        ({"eps": -1.0}, "eps"),
        ({"min_samples": 0}, "min_samples"),
        ({"metric": "mahalanobis"}, "metric"),
        ({"metric": "minkowski", "p": 0.5}, "p"),
        ({"algorithm": "ball_tree"}, "algorithm"),
        ({"leaf_size": 0}, "leaf_size"),
        ({"algorithm": "grid", "metric": "manhattan"}, "grid"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        DBSCAN(**params).fit(noisy_blobs(50))


def test_grid_refuses_many_features():
    with pytest.raises(ValueError, match="grid"):
        DBSCAN(algorithm="grid").fit(np.zeros((10, 5)))


@pytest.mark.parametrize(
    "X, weight, message",
    [
        (np.array([[0.0, np.nan]]), None, "NaN"),
        (np.zeros((3, 2)), [1.0, -1.0, 1.0], "non-negative"),
        (np.zeros((3, 2)), [1.0, 1.0], "sample_weight"),
        (np.zeros((3, 2)), [1.0, np.inf, 1.0], "sample_weight"),
        (np.zeros((0, 2)), None, "0 sample"),
    ],
)
def test_bad_inputs(X, weight, message):
    with pytest.raises(ValueError, match=message):
        DBSCAN().fit(X, sample_weight=weight)


def test_kernel_rechecks_its_arguments():
    from zoo import _core

    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="eps"):
        _core.dbscan_fit(X, np.ones(3), -1.0, 1.0, "euclidean", "auto", 30, 1)
    with pytest.raises(ValueError, match="metric"):
        _core.dbscan_fit(X, np.ones(3), 1.0, 1.0, "cosine", "auto", 30, 1)
    with pytest.raises(ValueError, match="sample_weight"):
        _core.dbscan_fit(X, np.ones(2), 1.0, 1.0, "euclidean", "auto", 30, 1)


def test_ctrl_c_stops_a_long_fit():
    # Uniform data in 64 dimensions with an unreachable min_samples: the
    # brute-force search can prune nothing and runs for seconds.
    X = np.random.default_rng(14).random((40_000, 64))
    model = DBSCAN(0.5, min_samples=10**9, algorithm="brute")
    timer = threading.Timer(0.1, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            model.fit(X)
    finally:
        timer.cancel()
    assert not hasattr(model, "labels_")


def test_save_load_round_trip(tmp_path):
    X = noisy_blobs(300)
    model = DBSCAN(0.3, min_samples=4, metric="manhattan").fit(X)
    path = tmp_path / "dbscan.npz"
    model.save(path)
    loaded = zoo.load(path)
    assert loaded.get_params() == model.get_params()
    assert_same(loaded, model.core_sample_indices_, model.labels_)
    np.testing.assert_array_equal(loaded.components_, model.components_)


# ---------------------------------------------------------------- precomputed distances, minkowski


def reference_from_matrix(D, eps, min_samples, sample_weight=None):
    """The textbook algorithm on a distance matrix (rows: each point's neighbours)."""
    weight = np.ones(len(D)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    return reference_from_neighbours(D <= eps, weight, min_samples)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("eps, min_samples", [(0.3, 5), (0.6, 12), (0.15, 2)])
def test_precomputed_dense_matrix_equals_the_reference(eps, min_samples, weighted):
    X = noisy_blobs(600)
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    weight = np.random.default_rng(1).uniform(0, 2, len(X)) if weighted else None
    model = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit(D, sample_weight=weight)
    core, labels = reference_from_matrix(D, eps, min_samples, weight)
    np.testing.assert_array_equal(model.core_sample_indices_, core)
    np.testing.assert_array_equal(model.labels_, labels)
    np.testing.assert_array_equal(model.components_, D[core])
    # The same clusters as the search on the points themselves.
    np.testing.assert_array_equal(DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=weight).labels_, labels)


@pytest.mark.parametrize("eps, min_samples", [(0.3, 5), (0.6, 12)])
def test_precomputed_sparse_graph_as_scikit_learn(eps, min_samples):
    sparse = pytest.importorskip("scipy.sparse")
    neighbors = pytest.importorskip("sklearn.neighbors")
    cluster = pytest.importorskip("sklearn.cluster")
    X = noisy_blobs(800)
    for graph in (neighbors.radius_neighbors_graph(X, eps, mode="distance"),
                  neighbors.kneighbors_graph(X, 15, mode="distance")):
        before = graph.copy()
        ours = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit(graph)
        theirs = cluster.DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit(graph)
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        np.testing.assert_array_equal(ours.core_sample_indices_, theirs.core_sample_indices_)
        assert sparse.issparse(ours.components_) and ours.components_.shape == (len(theirs.core_sample_indices_), len(X))
        assert (graph != before).nnz == 0  # the caller's matrix is not touched


def test_precomputed_sparse_graph_stored_zeros_and_missing_diagonal():
    sparse = pytest.importorskip("scipy.sparse")
    # 0-1 at distance 0 (a stored zero), 1-2 at 0.5; no diagonal entries.
    rows, cols, dist = [0, 1, 1, 2], [1, 0, 2, 1], [0.0, 0.0, 0.5, 0.5]
    graph = sparse.csr_matrix((dist, (rows, cols)), shape=(4, 4))
    model = DBSCAN(eps=0.1, min_samples=2, metric="precomputed").fit(graph)
    np.testing.assert_array_equal(model.labels_, [0, 0, -1, -1])  # each point counts itself
    model = DBSCAN(eps=0.6, min_samples=3, metric="precomputed").fit(graph)
    np.testing.assert_array_equal(model.labels_, [0, 0, 0, -1])


@pytest.mark.parametrize("p, metric", [(1, "manhattan"), (2, "euclidean"), (None, "euclidean"), (np.inf, "chebyshev")])
def test_minkowski_powers(p, metric):
    X = noisy_blobs(900, d=3)
    ours = DBSCAN(eps=0.5, min_samples=6, metric="minkowski", p=p).fit(X)
    np.testing.assert_array_equal(ours.labels_, DBSCAN(eps=0.5, min_samples=6, metric=metric).fit(X).labels_)
    np.testing.assert_array_equal(ours.labels_, reference_dbscan(X, 0.5, 6, metric)[1])


def test_precomputed_and_minkowski_errors():
    X = noisy_blobs(50)
    with pytest.raises(ValueError, match="p = 1, 2 or infinity"):
        DBSCAN(metric="minkowski", p=3).fit(X)
    with pytest.raises(ValueError, match="square"):
        DBSCAN(metric="precomputed").fit(X)
    D = np.abs(X[:, None, 0] - X[None, :, 0])
    for bad, match in ((-1.0, "negative"), (np.nan, "NaN")):
        broken = D.copy()
        broken[3, 4] = bad
        with pytest.raises(ValueError, match=match):
            DBSCAN(metric="precomputed").fit(broken)
    far = D.copy()
    far[0, 1:] = far[1:, 0] = np.inf  # infinity: never a neighbour
    assert DBSCAN(eps=0.5, min_samples=2, metric="precomputed").fit(far).labels_[0] == -1
