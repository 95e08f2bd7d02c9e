"""Density-based clustering: zoo.DBSCAN."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array
from zoo._threads import resolve_n_jobs
from zoo._sparse import is_sparse
from zoo._validation import check_sample_weight, validate_data
from zoo.base import BaseEstimator, ClusterMixin, Interval, Options

# cosine is handled by the euclidean searches on normalised rows; minkowski
# by the one of its powers 1, 2 or infinity; precomputed reads X's rows.
_METRICS = ("euclidean", "manhattan", "chebyshev", "cosine", "minkowski", "precomputed")
_MINKOWSKI = {1: "manhattan", 2: "euclidean", math.inf: "chebyshev"}
_ALGORITHMS = ("auto", "grid", "kd_tree", "brute")


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-Based Spatial Clustering of Applications with Noise, exact.

    A point is core when the total weight of the points within `eps` of it
    (itself included; a distance of exactly `eps` counts) is at least
    `min_samples`. Core points within `eps` of each other share a cluster;
    every other point joins a cluster of a core point within `eps` of it
    (border point) or is noise (label -1). Ester, Kriegel, Sander & Xu, "A
    density-based algorithm for discovering clusters in large spatial
    databases with noise", KDD 1996. The grid search follows Gan & Tao,
    "DBSCAN revisited", SIGMOD 2015, and Wang, Gu & Shun, "Theoretically-
    efficient and practical parallel DBSCAN", SIGMOD 2020.

    The core points and clusters are exactly those of the textbook
    algorithm, and so are the labels: clusters are numbered in the order of
    their lowest-index core point and a border point near several clusters
    joins the lowest-numbered one, as the breadth-first expansion from each
    unvisited core point in index order (scikit-learn's) does. Neighbourhoods
    are never all held in memory: memory grows linearly with the number of
    samples.

    Parameters
    ----------
    eps : float, default=0.5
        Neighbourhood radius, > 0.
    min_samples : int, default=5
        Weighted neighbour count (the point itself included) that makes a
        point core, >= 1.
    metric : {"euclidean", "manhattan", "chebyshev", "cosine", "minkowski", "precomputed"}, \
default="euclidean"
        Distance between samples. "cosine" is 1 - cos(angle); it runs as the
        euclidean distance between rows scaled to unit length, with radius
        sqrt(2 eps). A row of zeros is at cosine distance 1 from every other
        row, as in scikit-learn. "minkowski" is the p-norm of the difference
        (see `p`). "precomputed": X is the distances themselves, a square
        array or a SciPy sparse matrix whose stored entries are each row's
        candidate neighbours (a radius or k-neighbours graph); a point is
        always its own neighbour in a sparse graph (its diagonal entry counts
        as distance 0 where absent), and in a dense one when its diagonal is
        at most eps. Distances must not be negative or NaN; infinity means
        "not a neighbour".
    algorithm : {"auto", "grid", "kd_tree", "brute"}, default="auto"
        Neighbour search; all give the same result. "grid": cells of side
        eps/sqrt(d), euclidean or cosine only, at most 3 features. "kd_tree":
        a KD-tree with parallel range queries. "brute": distance tiles
        through BLAS between blocks of nearby points, never the whole
        distance matrix. "auto" takes the grid
        where it applies, else the KD-tree up to 16 features, else brute
        force.
    leaf_size : int, default=30
        Points per KD-tree leaf.
    p : float or None, default=None
        The power of the "minkowski" metric: 1, 2 (None) or infinity, which
        are "manhattan", "euclidean" and "chebyshev". Other powers are not
        implemented: compute the distances and pass metric="precomputed".
    n_jobs : int or None, default=None
        Threads; None uses `zoo.get_num_threads()` (all cores unless set),
        -1 all cores. The result does not depend on it.

    Attributes
    ----------
    core_sample_indices_ : ndarray of shape (n_core_samples,), dtype int64
        Indices of the core samples, ascending.
    components_ : ndarray of shape (n_core_samples, n_features)
        The core samples (a copy, in the dtype of X); with
        metric="precomputed", their rows of the distances (a sparse
        matrix for sparse X).
    labels_ : ndarray of shape (n_samples,), dtype int64
        Cluster of each sample; -1 for noise.
    n_features_in_ : int
    """

    # Precomputed distances may be infinite ("not a neighbour"), and so may
    # the core samples' rows kept in components_.
    _attributes_allowing_infinity = ("components_",)
    _parameter_aliases = {
        "metric_params": "zoo's metrics take no parameters (the Minkowski power is `p`)",
    }
    _parameter_constraints = {
        "eps": [Interval(Real, 0.0, None, closed="neither")],
        "min_samples": [Interval(Integral, 1, None, closed="left")],
        "metric": [Options(set(_METRICS))],
        "algorithm": [Options(set(_ALGORITHMS))],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "p": [Interval(Real, 1, math.inf, closed="both"), None],
        "n_jobs": [Integral, None],
    }
    _fitted_state = {
        "core_sample_indices_": Array(("n_core_samples",), "i"),
        "components_": Array(("n_core_samples", "n_features_in_"), "f"),
        "labels_": Array(("n_samples",), "i"),
    }

    def __init__(
        self,
        eps=0.5,
        *,
        min_samples=5,
        metric="euclidean",
        algorithm="auto",
        leaf_size=30,
        p=None,
        n_jobs=None,
    ):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.n_jobs = n_jobs

    def fit(self, X, y=None, sample_weight=None):
        """Find the core samples and the clusters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples; distances are computed in float64 whatever the dtype.
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in its neighbours' counts, not
            all zero. A weight of 2 counts like the row repeated; a row of
            weight 0 adds nothing to any count but can still be core (if its
            neighbours weigh enough) and link clusters.

        Returns
        -------
        self : DBSCAN
        """
        self._validate_params()
        if self.metric == "precomputed":
            return self._fit_precomputed(X, sample_weight)
        metric = self._search_metric()
        X = validate_data(self, X, reset=True)
        weight = check_sample_weight(sample_weight, X.shape[0], np.float64, estimator=self)
        n_threads = resolve_n_jobs(self.n_jobs)
        if self.algorithm == "grid" and (metric not in ("euclidean", "cosine") or X.shape[1] > 3):
            raise ValueError(
                "algorithm='grid' needs metric='euclidean' or 'cosine' and at most 3 features; "
                f"got metric={metric!r} with {X.shape[1]} features. Use 'kd_tree', 'brute' or 'auto'."
            )
        points = np.ascontiguousarray(X, dtype=np.float64)
        run = dict(
            min_samples=float(self.min_samples), algorithm=self.algorithm, leaf_size=int(self.leaf_size),
            n_threads=n_threads,
        )
        if metric == "cosine":
            is_core, labels, used = _fit_cosine(points, weight, float(self.eps), run)
        else:
            is_core, labels, used = _core.dbscan_fit(
                points, weight, float(self.eps), run["min_samples"], metric, self.algorithm,
                run["leaf_size"], n_threads,
            )
        self._set_clusters(X, is_core, labels, used)
        return self

    def _search_metric(self):
        """The metric the searches run: minkowski as the power it names."""
        if self.metric != "minkowski":
            return self.metric
        power = 2 if self.p is None else self.p
        if power not in _MINKOWSKI:
            raise ValueError(
                f"DBSCAN: metric='minkowski' takes p = 1, 2 or infinity (manhattan, euclidean, chebyshev); got "
                f"p={self.p!r}. For another power, compute the distances and pass metric='precomputed'."
            )
        return _MINKOWSKI[power]

    def _fit_precomputed(self, X, sample_weight):
        # Infinity is allowed ("not a neighbour"); NaN and negatives are refused below.
        graph = validate_data(self, X, reset=True, dtype=np.float64, ensure_all_finite=False, accept_sparse=True)
        n = graph.shape[0]
        if graph.shape[1] != n:
            raise ValueError(f"DBSCAN: metric='precomputed' needs a square matrix of distances, got shape {graph.shape}.")
        if is_sparse(graph):
            graph = _with_stored_diagonal(graph)
            distances, indptr, indices = graph.data, graph.indptr, graph.indices
        else:
            distances, indptr, indices = graph, None, None
        if np.isnan(distances).any() or (distances < 0).any():
            raise ValueError("DBSCAN: precomputed distances must not be negative or NaN.")
        weight = check_sample_weight(sample_weight, n, np.float64, estimator=self)
        is_core, labels = _core.dbscan_precomputed(
            distances, indptr, indices, weight, n, float(self.eps), float(self.min_samples),
            resolve_n_jobs(self.n_jobs),
        )
        self._set_clusters(graph, is_core, labels, "precomputed")
        return self

    def _set_clusters(self, X, is_core, labels, used):
        self.core_sample_indices_ = np.flatnonzero(is_core).astype(np.int64)
        self.components_ = X[self.core_sample_indices_].copy()
        self.labels_ = labels
        self._algorithm = used


def _with_stored_diagonal(graph):
    """A validated CSR distance graph with every diagonal entry stored: a
    point is its own neighbour, at distance 0 where its entry is absent, as
    in scikit-learn. Stored zeros elsewhere stay neighbours at distance 0.
    A new matrix: the caller's is not touched."""
    import scipy.sparse  # noqa: PLC0415  (present: graph is one of its matrices)

    n = graph.shape[0]
    entries = graph.tocoo()
    on_diagonal = np.zeros(n, dtype=bool)
    on_diagonal[entries.row[entries.row == entries.col]] = True
    missing = np.flatnonzero(~on_diagonal)
    # Built from coordinates: CSR conversion keeps the zeros (an addition would drop them).
    rows = np.concatenate([entries.row, missing]).astype(np.int64)
    columns = np.concatenate([entries.col, missing]).astype(np.int64)
    stored = scipy.sparse.csr_matrix((np.concatenate([entries.data, np.zeros(missing.size)]), (rows, columns)),
                                     shape=(n, n))
    stored.sort_indices()
    stored.indices = stored.indices.astype(np.int64, copy=False)
    stored.indptr = stored.indptr.astype(np.int64, copy=False)
    return stored


def _fit_cosine(points, weight, eps, run):
    """Cosine DBSCAN as euclidean DBSCAN on rows scaled to unit length, with
    radius sqrt(2 eps): |u - v|^2 = 2 (1 - cos) for unit rows.

    A row of zeros has no direction; its cosine distance is 1 to every other
    row (scikit-learn's convention). With eps >= 1 it is then everyone's
    neighbour, which the origin is in the euclidean picture too. With
    eps < 1 it is nobody's neighbour: it is left out of the search and is
    core (a cluster of its own) exactly when its own weight reaches
    min_samples.
    """
    norms = np.sqrt(np.einsum("ij,ij->i", points, points))
    zero = norms == 0
    unit = points / np.where(zero, 1.0, norms)[:, None]
    # Past 2 every pair is within eps; keep the radius above the largest
    # possible distance so rounding cannot exclude antipodal pairs.
    radius = math.sqrt(2.0 * eps) if eps < 2.0 else 2.0 + 1e-9

    def search(rows):
        return _core.dbscan_fit(
            np.ascontiguousarray(unit[rows]), np.ascontiguousarray(weight[rows]), radius, run["min_samples"],
            "euclidean", run["algorithm"], run["leaf_size"], run["n_threads"],
        )

    if eps >= 1.0 or not zero.any():
        return search(slice(None))
    n = len(points)
    is_core = np.zeros(n, dtype=np.uint8)
    labels = np.full(n, -1, dtype=np.int64)
    used = run["algorithm"]
    rows = np.flatnonzero(~zero)
    if len(rows):
        is_core[rows], labels[rows], used = search(rows)
    lone = np.flatnonzero(zero & (weight >= run["min_samples"]))
    is_core[lone] = 1
    labels[lone] = labels.max() + 1 + np.arange(len(lone))
    # Number clusters again by their lowest-index core point.
    core_rows = np.flatnonzero(is_core)
    _, first = np.unique(labels[core_rows], return_index=True)
    order = np.argsort(core_rows[first])
    renumber = np.empty(len(order), dtype=np.int64)
    renumber[order] = np.arange(len(order))
    clustered = labels >= 0
    labels[clustered] = renumber[np.searchsorted(np.unique(labels[core_rows]), labels[clustered])]
    return is_core, labels, used
