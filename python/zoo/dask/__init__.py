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

__all__ = ["is_dask_collection"]
