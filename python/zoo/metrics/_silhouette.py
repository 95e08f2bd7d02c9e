"""Silhouette coefficients: how much closer each point is to its own cluster
than to the nearest other one (Rousseeuw, "Silhouettes: a graphical aid to
the interpretation and validation of cluster analysis", J. Comput. Appl.
Math. 20, 1987).

For point i in cluster A, ``a(i)`` is its mean distance to the other members
of A, ``b(i)`` the smallest mean distance to the members of another cluster,
and ``s(i) = (b - a) / max(a, b)``; a point alone in its cluster scores 0.

Distances are never held as one n x n matrix: rows are processed in blocks
whose distances to all points come from one GEMM (the squared-norm trick
``|x - y|² = |x|² + |y|² - 2 x·y``), and a second GEMM with the one-hot
cluster matrix turns each block into per-cluster distance sums. 20,000
points thus need about 8 MB of distances at a time, not 3.2 GB.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_array, check_random_state
from ._targets import label_array

__all__ = ["silhouette_samples", "silhouette_score"]

_METRICS = ("euclidean", "sqeuclidean", "cosine", "precomputed")
# Distances held per block, in float64 elements (8 MB).
_BLOCK_ELEMENTS = 1 << 20


def silhouette_samples(X, labels, *, metric="euclidean"):
    """Silhouette coefficient of each sample.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
        The data, or pairwise distances when ``metric="precomputed"`` (zero
        diagonal).
    labels : array-like of shape (n_samples,)
        Cluster of each sample (ints or strings; DBSCAN's noise label -1 is
        one more cluster).
    metric : {"euclidean", "sqeuclidean", "cosine", "precomputed"}, default="euclidean"
        Distance between samples; ``"cosine"`` is ``1 - cos(angle)``.

    Returns
    -------
    ndarray of shape (n_samples,)
        In [-1, 1], float64. 0 for samples alone in their cluster.

    Raises
    ------
    ValueError
        Unless ``2 <= n_clusters <= n_samples - 1``, for an unknown metric,
        NaN in ``X``, mismatched lengths, or a precomputed matrix that is
        not square with a zero diagonal.

    Examples
    --------
    >>> X = [[0.0], [1.0], [9.0], [10.0]]
    >>> silhouette_samples(X, [0, 0, 1, 1]).round(3)
    array([0.895, 0.882, 0.882, 0.895])
    """
    X, codes, counts = _check_inputs(X, labels, metric, "silhouette_samples")
    sums = _cluster_distance_sums(X, codes, counts.size, metric)
    return _coefficients(sums, codes, counts)


def silhouette_score(X, labels, *, metric="euclidean", sample_size=None, random_state=None):
    """Mean silhouette coefficient over all samples (or a random subset).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
        The data, or pairwise distances when ``metric="precomputed"``.
    labels : array-like of shape (n_samples,)
        Cluster of each sample.
    metric : {"euclidean", "sqeuclidean", "cosine", "precomputed"}, default="euclidean"
        Distance between samples.
    sample_size : int, default=None
        Score a random subset of this many samples (distances within the
        subset only), for large data. ``None`` scores every sample.
    random_state : None, int, numpy.random.Generator or RandomState, default=None
        Draws the subset when ``sample_size`` is given. The subset for a
        given int differs from scikit-learn's (zoo draws with
        ``numpy.random.Generator``).

    Returns
    -------
    float
        In [-1, 1]; higher means denser, better separated clusters.

    Examples
    --------
    >>> round(silhouette_score([[0.0], [1.0], [9.0], [10.0]], [0, 0, 1, 1]), 4)
    0.8885
    """
    if sample_size is not None:
        if (
            not isinstance(sample_size, numbers.Integral)
            or isinstance(sample_size, (bool, np.bool_))
            or sample_size < 1
        ):
            raise ValueError(
                f"silhouette_score: sample_size must be None or a positive int; got {sample_size!r}."
            )
        X = check_array(X, name="X", estimator="silhouette_score")
        labels = label_array(labels, "labels", "silhouette_score")
        if labels.size != X.shape[0]:
            raise ValueError(
                f"silhouette_score: labels has {labels.size} entries but X has {X.shape[0]} samples."
            )
        chosen = check_random_state(random_state).permutation(X.shape[0])[:sample_size]
        X = X[np.ix_(chosen, chosen)] if metric == "precomputed" else X[chosen]
        labels = labels[chosen]
    return float(np.mean(silhouette_samples(X, labels, metric=metric)))


def _check_inputs(X, labels, metric, caller):
    if metric not in _METRICS:
        raise ValueError(f"{caller}: metric must be one of {list(_METRICS)}; got {metric!r}.")
    X = check_array(X, name="X", dtype=np.float64, estimator=caller)
    labels = label_array(labels, "labels", caller)
    n_samples = X.shape[0]
    if labels.size != n_samples:
        raise ValueError(f"{caller}: labels has {labels.size} entries but X has {n_samples} samples.")
    if metric == "precomputed":
        if X.shape[1] != n_samples:
            raise ValueError(
                f"{caller}: a precomputed distance matrix must be square; got shape {X.shape}."
            )
        if np.any(np.diagonal(X) != 0):
            raise ValueError(
                f"{caller}: the precomputed distance matrix has non-zero entries on its diagonal."
            )
        if (X < 0).any():
            raise ValueError(f"{caller}: the precomputed distance matrix has negative entries.")
    _, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if not 2 <= counts.size <= n_samples - 1:
        raise ValueError(
            f"{caller}: the number of clusters is {counts.size}; it must be between 2 and "
            f"n_samples - 1 = {n_samples - 1} for the silhouette to be defined."
        )
    return X, codes.ravel(), counts


def _cluster_distance_sums(X, codes, n_clusters, metric):
    """(n_samples, n_clusters) sums of distances from each sample to each cluster."""
    n_samples = X.shape[0]
    one_hot = np.zeros((n_samples, n_clusters))
    one_hot[np.arange(n_samples), codes] = 1.0
    if metric == "precomputed":
        return X @ one_hot
    # Squares of huge coordinates overflow and those of tiny ones underflow
    # (every coefficient came out 0); the coefficients do not change when
    # all distances are scaled, and a power of two scales exactly.
    extent = float(np.max(np.abs(X))) if X.size else 0.0
    if extent > 1e100 or 0.0 < extent < 1e-100:
        X = np.ldexp(X, -np.frexp(extent)[1])
    if metric == "cosine":
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        # A zero vector stays zero: distance 1 to everything, as its angle is undefined.
        points = X / np.where(norms == 0, 1.0, norms)
        # 1 - x.y as one product: [-x, 1] . [y, 1].
        left = np.column_stack([-points, np.ones(n_samples)])
        right = np.column_stack([points, np.ones(n_samples)])
    else:
        # Distances do not change when the data move, but the squared-norm
        # trick cancels less when the points sit near the origin.
        points = X - X.mean(axis=0)
        squared_norms = np.einsum("ij,ij->i", points, points)
        # |x|² + |y|² - 2 x.y as one product: [-2x, |x|², 1] . [y, 1, |y|²];
        # the GEMM then writes finished squared distances, sparing two
        # passes over each block.
        ones = np.ones(n_samples)
        left = np.column_stack([-2.0 * points, squared_norms, ones])
        right = np.column_stack([points, ones, squared_norms])
    sums = np.empty((n_samples, n_clusters))
    block_rows = max(1, _BLOCK_ELEMENTS // n_samples)
    for start in range(0, n_samples, block_rows):
        stop = min(start + block_rows, n_samples)
        distances = left[start:stop] @ right.T
        # Rounding can leave tiny negatives for near-duplicates, and a
        # non-zero distance of a point to itself.
        np.maximum(distances, 0.0, out=distances)
        distances[np.arange(stop - start), np.arange(start, stop)] = 0.0
        if metric == "euclidean":
            np.sqrt(distances, out=distances)
        sums[start:stop] = distances @ one_hot
    return sums


def _coefficients(sums, codes, counts):
    n_samples = codes.size
    rows = np.arange(n_samples)
    own_size = counts[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        # Mean distance to the other members of the own cluster.
        within = sums[rows, codes] / (own_size - 1)
        means = sums / counts
    means[rows, codes] = np.inf
    nearest_other = means.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        coefficients = (nearest_other - within) / np.maximum(within, nearest_other)
    # Singletons (0/0 within) and points whose a and b are both 0 score 0.
    coefficients[(own_size == 1) | np.isnan(coefficients)] = 0.0
    return coefficients
