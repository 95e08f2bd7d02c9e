"""StandardScaler and MinMaxScaler on Dask arrays.

Each chunk of rows computes what the in-memory fit computes on all rows,
with the same C++ kernels: (weight, mean, M2) per column
(`_core.column_moments`) or the column minima and maxima
(`_core.column_range`). The chunks' results are merged pairwise (Chan,
Golub & LeVeque's update for the moments, as column_moments merges its own
blocks; min and max for the range), and the estimator folds the merged
batch into its statistics exactly as ``partial_fit`` folds an in-memory
batch. So ``fit`` and ``partial_fit`` take Dask arrays, and the fitted
attributes equal the in-memory fit's to round-off. ``transform`` and
``inverse_transform`` on Dask input are lazy, chunk by chunk.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from zoo._validation import check_array, is_dask_collection
from zoo.dask._blocks import aligned_rows, compute, lazy_rows, map_blocks_delayed, row_chunked, tree_reduce

__all__ = ["fold_min_max", "fold_standard", "lazy_copying_rows"]


def lazy_copying_rows(method):
    """`lazy_rows` for ``transform(X, copy=None)``-like methods: on Dask
    input the blocks are Dask's (shared, possibly views of the caller's
    array), so they are never written into, whatever ``copy`` says."""
    lazy = lazy_rows(method)

    @functools.wraps(method)
    def wrapper(self, X, copy=None):
        if is_dask_collection(X):
            return lazy(self, X, copy=True)
        return method(self, X, copy=copy)

    return wrapper


def _start(estimator, X):
    """X row-chunked, its features checked (or recorded on a first batch)."""
    first = estimator._start_batch()
    X = row_chunked(X)
    name = type(estimator).__name__
    if first:
        estimator.n_features_in_ = X.shape[1]
        estimator.__dict__.pop("feature_names_in_", None)
    elif X.shape[1] != estimator.n_features_in_:
        raise ValueError(f"X has {X.shape[1]} features, but {name} is expecting {estimator.n_features_in_} features as input.")
    return first, X, name


def _float_dtype(X):
    return np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)


# ------------------------------------------------------------ StandardScaler


def fold_standard(estimator, X, sample_weight=None):
    """StandardScaler.partial_fit on Dask X (fit: after forgetting)."""
    first, X, name = _start(estimator, X)
    scalar_weight = None
    if sample_weight is not None and np.ndim(sample_weight) == 0 and not is_dask_collection(sample_weight):
        if not isinstance(sample_weight, numbers.Real) or not np.isfinite(sample_weight) or sample_weight < 0:
            raise ValueError(f"{name}: sample_weight must be a finite non-negative number; got {sample_weight!r}.")
        scalar_weight = float(sample_weight)
        sample_weight = None
    weight = aligned_rows(sample_weight, X, "sample_weight")
    if weight is not None and weight.ndim != 1:
        raise ValueError(f"{name}: sample_weight must be 1-D (n_samples,); got shape {weight.shape}")
    weighted = weight is not None or scalar_weight is not None
    partials = map_blocks_delayed(
        _chunk_moments, X, weight, dtype=_float_dtype(X), scalar_weight=scalar_weight,
        moments=bool(estimator.with_mean or estimator.with_std), owner=name,
    )
    batch_weight, moments = compute(tree_reduce(partials, _merge_moments))[0]
    if weighted:
        if not batch_weight > 0:
            raise ValueError(f"{name}: sample_weight must contain at least one positive weight; all weights are zero.")
        if not np.isfinite(batch_weight):
            raise ValueError(f"{name}: sample_weight sums to more than the largest float64; divide the weights by a constant.")
    else:
        batch_weight = X.shape[0]  # an int, as in memory
    estimator._fold_statistics(first, batch_weight, moments)
    return estimator


def _chunk_moments(X, weight, *, dtype, scalar_weight, moments, owner):
    """(weight sum, (weight, mean, M2) per column or None) of one chunk."""
    from zoo import _core

    X = check_array(X, name="X", dtype=dtype, estimator=owner)
    if weight is not None:
        weight = check_array(weight, name="sample_weight", dtype=np.float64, ensure_2d=False, estimator=owner)
        if weight.min() < 0:
            raise ValueError(f"{owner}: sample_weight must be non-negative; got a minimum of {weight.min()!r}.")
    elif scalar_weight is not None:
        weight = np.full(X.shape[0], scalar_weight)
    with np.errstate(over="ignore"):
        total = float(np.sum(weight)) if weight is not None else float(X.shape[0])
    if not moments:
        return total, None
    return total, _core.column_moments(X, weight, 1)


def _merge_moments(a, b):
    """Chan, Golub & LeVeque's update, as column_moments merges its blocks."""
    total = a[0] + b[0]
    if a[1] is None:
        return total, None
    (wa, mean_a, m2_a), (wb, mean_b, m2_b) = a[1], b[1]
    if wb == 0.0:
        return total, a[1]
    if wa == 0.0:
        return total, b[1]
    weight = wa + wb
    share_b = wb / weight
    delta = mean_b - mean_a
    return total, (weight, mean_a + delta * share_b, m2_a + m2_b + delta * delta * (wa * share_b))


# -------------------------------------------------------------- MinMaxScaler


def fold_min_max(estimator, X):
    """MinMaxScaler.partial_fit on Dask X (fit: after forgetting)."""
    first, X, name = _start(estimator, X)
    partials = map_blocks_delayed(_chunk_range, X, dtype=_float_dtype(X), owner=name)
    low, high = compute(tree_reduce(partials, _merge_range))[0]
    estimator._fold_range(first, low, high, X.shape[0])
    return estimator


def _chunk_range(X, *, dtype, owner):
    from zoo import _core

    return _core.column_range(check_array(X, name="X", dtype=dtype, estimator=owner), 1)


def _merge_range(a, b):
    return np.minimum(a[0], b[0]), np.maximum(a[1], b[1])
