"""The pieces every Dask path is built from.

A Dask fit in zoo is a map over the row blocks of X (with the matching
blocks of y and sample_weight) to small partial results, a tree of
pairwise merges of those results, and a finish on the client:

    partials = map_blocks_delayed(partial, X, y)      # one task per chunk
    merged = tree_reduce(partials, merge)              # a wide tree of merges
    result = compute(merged)                           # only merged travels

Nothing here gathers a chunk on the client. Dask is imported inside the
functions, so zoo imports without it.
"""

from __future__ import annotations

import functools

import numpy as np

from zoo._validation import check_is_fitted, is_dask_collection

__all__ = [
    "aligned_rows",
    "chunk_groups",
    "compute",
    "dask_fit",
    "delayed",
    "is_dask_collection",
    "lazy_rows",
    "map_blocks_delayed",
    "map_grouped",
    "row_chunked",
    "tree_reduce",
]


def _dask_array(obj, name):
    import dask.array as da

    if isinstance(obj, da.Array):
        return obj
    if hasattr(obj, "to_dask_array"):  # a Dask DataFrame or Series: its values, with known chunk sizes
        return obj.to_dask_array(lengths=True)
    raise TypeError(f"{name} is a {type(obj).__name__}; zoo takes Dask arrays and Dask DataFrames")


def row_chunked(X, name="X"):
    """X as a 2-D Dask array partitioned by rows only, or a clear error."""
    X = _dask_array(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features); got a Dask array of shape {X.shape}")
    if any(np.isnan(size) for size in X.chunks[0]):
        raise ValueError(f"{name} has chunks of unknown size; call {name}.compute_chunk_sizes() first")
    if len(X.chunks[1]) != 1:
        raise ValueError(
            f"{name} is chunked along its features ({len(X.chunks[1])} chunks of columns); zoo partitions rows "
            f"only, so each task sees whole rows: rechunk with {name}.rechunk({{1: -1}})"
        )
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} has shape {X.shape}; zoo needs at least one sample and one feature")
    return X


def aligned_rows(values, X, name):
    """y or sample_weight (NumPy or Dask, 1-D or 2-D) as a Dask array with
    X's row chunks, or None."""
    if values is None:
        return None
    import dask.array as da

    values = _dask_array(values, name) if is_dask_collection(values) else da.asarray(np.asarray(values))
    if values.ndim not in (1, 2) or values.shape[0] != X.shape[0]:
        raise ValueError(f"{name} must have one row per row of X ({X.shape[0]}); got shape {values.shape}")
    chunks = (X.chunks[0],) if values.ndim == 1 else (X.chunks[0], (values.shape[1],))
    return values.rechunk(chunks)


def delayed(function):
    """``function`` as a Dask task factory. Impure on purpose: each fit gets
    fresh task keys, so two identical fits in a row never share a key the
    scheduler is forgetting from the first (a race that logs "Couldn't
    gather keys"), and no argument is hashed to name a task."""
    import dask

    return dask.delayed(function, pure=False)


def map_blocks_delayed(function, *arrays, **kwargs) -> list:
    """One delayed ``function(block_of_each_array..., **kwargs)`` per row
    chunk; None arrays pass None."""
    present = [a for a in arrays if a is not None]
    n_blocks = len(present[0].chunks[0])
    blocks = [a.to_delayed().ravel() if a is not None else [None] * n_blocks for a in arrays]
    task = delayed(function)
    return [task(*parts, **kwargs) for parts in zip(*blocks)]


def chunk_groups(parts: list) -> list[list[int]]:
    """Persisted per-chunk objects (delayed, one per row chunk) grouped by
    the worker holding them, in chunk order within each group; one group
    per chunk when they are not held by a distributed cluster.

    An iterative fit passes over the same chunks many times; one task per
    worker instead of one per chunk saves Dask's per-task cost (a few ms
    each on a small cluster) on every pass."""
    singles = [[i] for i in range(len(parts))]
    try:
        from distributed import default_client, futures_of, wait
    except ImportError:
        return singles
    try:
        client = default_client()
    except ValueError:  # no client: Dask's local scheduler
        return singles
    futures = futures_of(parts)
    if len(futures) != len(parts):
        return singles
    wait(futures)  # a part is placed once computed
    holders = client.who_has(futures)
    groups: dict[str, list[int]] = {}
    for i, part in enumerate(parts):
        workers = holders.get(part.key)
        if not workers:
            return singles
        groups.setdefault(workers[0], []).append(i)
    return list(groups.values())


def _map_fold(function, merge, kwargs, parts):
    """``function(*part, **kwargs)`` on each part of a group, folded by ``merge``."""
    return functools.reduce(merge, (function(*part, **kwargs) for part in parts))


def map_grouped(function, merge, groups, parts, **kwargs) -> list:
    """One delayed task per group (see ``chunk_groups``) of ``parts``, one
    tuple of arguments per chunk: ``function(*part, **kwargs)`` on each,
    the results folded by ``merge`` in the worker."""
    task = delayed(_map_fold)
    return [task(function, merge, kwargs, [parts[i] for i in group]) for group in groups]


# Partials merged per task. Every level of the tree is a round of transfers
# between workers (several ms each on a LocalCluster), so a wide tree is
# cheaper than a binary one while the partials are small: up to 16 chunks
# reduce in one level, 256 in two.
SPLIT_EVERY = 16


def _fold(merge, *partials):
    return functools.reduce(merge, partials)


def tree_reduce(partials: list, merge, split_every: int = SPLIT_EVERY):
    """Merge ``partials`` with the binary ``merge`` in a tree of tasks, each
    folding up to ``split_every`` neighbours left to right where they are
    (the order of the partials is kept, so an order-sensitive merge stays
    correct)."""
    if not partials:
        raise ValueError("nothing to reduce")
    if split_every < 2:
        raise ValueError(f"split_every must be at least 2; got {split_every}")
    task = delayed(_fold)
    while len(partials) > 1:
        groups = [partials[i:i + split_every] for i in range(0, len(partials), split_every)]
        partials = [task(merge, *group) if len(group) > 1 else group[0] for group in groups]
    return partials[0]


def compute(*delayed):
    """Compute on the active scheduler (a distributed Client if one is set)."""
    import dask

    return dask.compute(*delayed)


def dask_fit(estimator, X, *args, **kwargs):
    """Route a Dask fit to the estimator's Dask path, or refuse clearly."""
    fit = getattr(estimator, "_fit_dask", None)
    if fit is None:
        raise TypeError(
            f"{type(estimator).__name__} has no Dask path yet; fit it on a NumPy array (X.compute() if it "
            "fits in memory). Estimators that fit Dask arrays: KMeans, MiniBatchKMeans, PCA, IncrementalPCA, "
            "LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression, StandardScaler, MinMaxScaler"
        )
    return fit(row_chunked(X), *args, **kwargs)


def lazy_rows(method):
    """Decorate predict/transform/...(X, ...): on Dask input, a lazy Dask
    array computed chunk by chunk by the same method; otherwise the method."""

    @functools.wraps(method)
    def wrapper(self, X, *args, **kwargs):
        if not is_dask_collection(X):
            return method(self, X, *args, **kwargs)
        check_is_fitted(self)
        X = row_chunked(X)
        # The output's shape and dtype, from one row of zeros.
        probe = np.asarray(method(self, np.zeros((1, X.shape[1]), dtype=X.dtype), *args, **kwargs))

        def on_block(block):
            return method(self, block, *args, **kwargs)

        if probe.ndim == 1:
            return X.map_blocks(on_block, dtype=probe.dtype, drop_axis=1, chunks=(X.chunks[0],))
        return X.map_blocks(on_block, dtype=probe.dtype, chunks=(X.chunks[0], (probe.shape[1],)))

    return wrapper
