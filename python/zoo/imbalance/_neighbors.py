"""Exact k nearest neighbours within one set of points, in bounded memory.

Candidates come from squared distances ``|q|^2 + |p|^2 - 2 q.p`` computed a
block of queries at a time with one BLAS matrix product (GEMM) per block, so
memory stays at about ``_PAIR_BUDGET`` distances whatever the number of
points. That formula loses accuracy to cancellation, so it only shortlists:
every point within its rounding error bound of the k-th smallest value is
kept, the shortlist is re-ranked by distances computed directly from the
coordinate differences, and ties go to the lower index. The result is thus
the exact neighbour list, in an order that does not depend on the blocking
or on the number of threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Query-by-point distances held at once per block (32 MiB of float64).
_PAIR_BUDGET = 1 << 22


def nearest_neighbors(points, queries, k, n_threads=1):
    """Indices of the k nearest other points of each query point.

    Parameters
    ----------
    points : ndarray of shape (n_points, n_features), float
        The search set; C-contiguous.
    queries : ndarray of shape (n_queries,), int
        Row indices into ``points``; a query never counts as its own
        neighbour (its duplicates do, at distance 0).
    k : int
        Neighbours per query, at most ``n_points - 1``.
    n_threads : int, default=1
        Blocks of queries searched at once.

    Returns
    -------
    ndarray of shape (n_queries, k), int64
        Sorted by increasing Euclidean distance, equal distances by index.
    """
    n_points, n_features = points.shape
    if not 1 <= k <= n_points - 1:
        raise ValueError(f"k={k} nearest neighbours need at least {k + 1} points; got {n_points}.")
    # Distances do not change under translation; centring makes the norms,
    # and with them the cancellation error, as small as they can be.
    original = points.astype(np.float64, copy=False)
    # Squared distances of huge coordinates overflow (inf - inf = NaN leaves
    # no candidate) and those of tiny ones underflow to 0 (every point a
    # tie); a power-of-two scale is exact, so it changes neither the order
    # nor the ties.
    extent = float(np.max(np.abs(original))) if original.size else 0.0
    if extent > 1e100 or 0.0 < extent < 1e-100:
        original = np.ldexp(original, -np.frexp(extent)[1])
    centred = original - original.mean(axis=0)
    squared_norms = np.einsum("ij,ij->i", centred, centred)
    # Rounding error bound of the expanded formula (dot products of length d
    # plus two additions), applied on both sides of the k-th value.
    unit_error = 2.0 * (n_features + 4) * np.finfo(np.float64).eps
    slack = 4.0 * unit_error * (squared_norms + squared_norms.max())
    queries = np.asarray(queries, dtype=np.int64)
    block = max(1, min(_PAIR_BUDGET // n_points, -(-queries.shape[0] // n_threads)))
    starts = range(0, queries.shape[0], block)
    result = np.empty((queries.shape[0], k), dtype=np.int64)

    def search(start):
        rows = queries[start : start + block]
        result[start : start + rows.shape[0]] = _block_neighbors(original, centred, squared_norms, slack, rows, k)

    if n_threads > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            list(pool.map(search, starts))
    else:
        for start in starts:
            search(start)
    return result


def _block_neighbors(original, centred, squared_norms, slack, rows, k):
    distances = centred[rows] @ centred.T  # the GEMM
    distances *= -2.0
    distances += squared_norms[rows, None]
    distances += squared_norms[None, :]
    distances[np.arange(rows.shape[0]), rows] = np.inf  # not its own neighbour
    kth = np.partition(distances, k - 1, axis=1)[:, k - 1]
    query_pos, candidates = np.nonzero(distances <= (kth + slack[rows])[:, None])
    # Re-rank from the caller's coordinates: centring rounds, and would turn
    # equal distances (ties) into slightly different ones.
    exact = _direct_squared_distances(original, rows[query_pos], candidates)
    order = np.lexsort((candidates, exact, query_pos))
    # Each query has at least k candidates; its first k after sorting win.
    first = np.searchsorted(query_pos[order], np.arange(rows.shape[0]))
    return candidates[order][first[:, None] + np.arange(k)]


def _direct_squared_distances(points, left, right):
    out = np.empty(left.shape[0], dtype=np.float64)
    step = max(1, _PAIR_BUDGET // max(points.shape[1], 1))
    for start in range(0, left.shape[0], step):
        stop = start + step
        difference = points[left[start:stop]] - points[right[start:stop]]
        out[start:stop] = np.einsum("ij,ij->i", difference, difference)
    return out
