"""Exact k nearest neighbours within one set of points, in bounded memory.

The search runs in C++ (``zoo._core.knn_brute``): a block of queries is
compared with a tile of points at a time by one BLAS matrix product (GEMM)
on centred coordinates, giving ``|p|^2 - 2 q.p`` per pair. That expansion loses accuracy
to cancellation, so it only shortlists: every point within its rounding
error bound of the k-th smallest value is kept, the shortlist is ranked by
squared distances computed directly from the coordinate differences, and
ties go to the lower index. The result is thus the exact neighbour list, in
an order that does not depend on the blocking or on the number of threads.
Huge or tiny coordinates, whose squared distances would overflow or
underflow, are first rescaled by an exact power of two.
"""

from __future__ import annotations

import numpy as np

from zoo import _core


def nearest_neighbors(points, queries, k, n_threads=1, block_rows=0, block_cols=0):
    """Indices of the k nearest other points of each query point.

    Parameters
    ----------
    points : ndarray of shape (n_points, n_features), float
        The search set, finite; converted to float64.
    queries : ndarray of shape (n_queries,), int
        Row indices into ``points``; a query never counts as its own
        neighbour (its duplicates do, at distance 0).
    k : int
        Neighbours per query, at most ``n_points - 1``.
    n_threads : int, default=1
        Blocks of queries searched at once.
    block_rows, block_cols : int, default=0
        Tile of the GEMMs: queries by points; 0 sizes it for the cache. The
        result does not depend on it (tests vary it).

    Returns
    -------
    ndarray of shape (n_queries, k), int64
        Sorted by increasing Euclidean distance, equal distances by index.
    """
    n_points = points.shape[0]
    if not 1 <= k <= n_points - 1:
        raise ValueError(f"k={k} nearest neighbours need at least {k + 1} points; got {n_points}.")
    points = np.ascontiguousarray(points, dtype=np.float64)
    queries = np.ascontiguousarray(queries, dtype=np.int64)
    return _core.knn_brute(points, queries, int(k), int(block_rows), int(block_cols), int(n_threads))
