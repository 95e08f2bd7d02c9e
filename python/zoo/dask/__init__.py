"""zoo on Dask: estimators fit Dask arrays chunk by chunk across a cluster.

Pass a ``dask.array.Array`` (or a Dask DataFrame) to ``fit`` of an estimator
that has a Dask path and it trains on it where the chunks live: the C++
kernels run inside Dask tasks, one per chunk of rows, and only small
partial results (sums, counts, Gram blocks, gradients, weights) travel to
be reduced. ``predict``, ``transform`` and friends on Dask input return
lazy Dask arrays, computed chunk by chunk by the fitted model.

Dask chooses where the work runs: a ``distributed.Client`` you created (a
local cluster or a scheduler on other machines), else Dask's default
scheduler. Rows may be chunked freely; features must be one chunk.

Dask is optional (``pip install "zoo[dask]"``); it is imported only when a
Dask collection arrives. :mod:`zoo.dask._blocks` holds the pieces every
estimator's Dask path is built from; each family's path lives beside it.
"""

from zoo.dask._blocks import is_dask_collection

__all__ = ["fit_data_parallel", "is_dask_collection"]


def fit_data_parallel(estimator, X, y=None, sample_weight=None, *, sync_every=None, n_workers=None, resume=False):
    """Fit an MLPClassifier, MLPRegressor, MLP or Autoencoder on a Dask array
    by local SGD: `sync_every` mini-batch steps per worker between weight
    averages (None: zoo.dask._networks.DEFAULT_SYNC_EVERY, what ``fit``
    uses), over `n_workers` shards (None: one per worker). See
    :mod:`zoo.dask._networks` for the algorithm and its trade-off."""
    from zoo.dask import _networks  # noqa: PLC0415 - zoo.nn loads only when used

    sync_every = _networks.DEFAULT_SYNC_EVERY if sync_every is None else sync_every
    return _networks.fit_data_parallel(estimator, X, y, sample_weight, sync_every=sync_every, n_workers=n_workers,
                                       resume=resume)
