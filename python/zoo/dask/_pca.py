"""The Dask paths of PCA and IncrementalPCA (issue 17).

PCA on a row-chunked Dask array is the in-memory ``"covariance_eigh"``
route split at the Gram matrix: each task computes its chunk's row count,
column means and centred Gram matrix in float64 (``_core.linear_moments``,
C++ and BLAS SYRK), the partials are merged pairwise by Chan, Golub &
LeVeque's update (``M = M_a + M_b + n_a n_b / n * delta delta^T``), and the
client takes the symmetric eigendecomposition of the d x d covariance with
the in-memory sign convention (each component's largest-magnitude loading
positive). ``components_``, ``explained_variance_``, ``singular_values_``,
``mean_`` and ``noise_variance_`` match the in-memory covariance route to
round-off.

Whatever ``svd_solver`` says, a Dask fit takes this exact covariance route
(``_fit_solver_`` is ``"covariance_eigh"``): it reads the data once and
moves only d x d matrices, which suits tall data, the case Dask is for. Its
cost is a d x d float64 matrix per task and on the client, so it is refused
past ``MAX_FEATURES`` features; a tall-skinny QR or randomized route for
wide data is not implemented. "randomized" therefore gives the exact
components it approximates in memory; "full" the same components to
round-off (the covariance squares the condition number: components whose
variance is below about 1e-8 of the largest lose relative accuracy).

IncrementalPCA runs its in-memory ``partial_fit`` over the chunks in order,
each task carrying the model to the next (only the k x d state travels).
Each chunk is one batch, or batches of ``batch_size`` rows when it is set;
rows are carried over chunk boundaries until the first batch holds
max(2, n_components) rows, as ``partial_fit``'s first call needs.
"""

from __future__ import annotations

import copy
from numbers import Integral

import numpy as np

from zoo import _core
from zoo._validation import check_array, check_squares_in_range
from zoo.dask._blocks import compute, delayed, map_blocks_delayed, tree_reduce

__all__ = ["MAX_FEATURES", "fit_incremental_pca", "fit_pca"]

# A d x d float64 covariance of 8192 features is 512 MiB.
MAX_FEATURES = 8192


def _float_type(dtype) -> type:
    return np.float32 if np.dtype(dtype) == np.float32 else np.float64


# ---------------------------------------------------------------------- PCA


def _chunk_moments(block, dtype, n_total):
    """(rows, column means, centred Gram matrix) of one chunk, in float64."""
    X = check_array(block, name="X", dtype=dtype)
    check_squares_in_range(X, n_terms=n_total, what="the covariance", estimator="PCA")
    n = X.shape[0]
    mean, _, gram, _, _ = _core.linear_moments(X, np.zeros((n, 1), dtype=dtype), np.ones(n, dtype=dtype), True, 1)
    return float(n), mean, gram


def _merge_moments(a, b):
    """Chan, Golub & LeVeque's pairwise update of the mean and the scatter matrix."""
    na, ma, ga = a
    nb, mb, gb = b
    n = na + nb
    delta = mb - ma
    return n, ma + delta * (nb / n), ga + gb + np.outer(delta, delta) * (na * nb / n)


def _flip_signs(components):
    # As detail::flip_signs in C++: the largest-magnitude loading (the first
    # on ties) of each row is made positive.
    rows = np.arange(components.shape[0])
    signs = np.where(components[rows, np.argmax(np.abs(components), axis=1)] < 0, -1, 1)
    return components * signs.astype(components.dtype)[:, None]


def fit_pca(estimator, X, y=None):
    """PCA.fit on a row-chunked Dask array (see the module docstring)."""
    from zoo.unsupervised.pca import check_n_components, kept_components

    est = estimator
    n, d = X.shape
    if n < 2:
        raise ValueError(f"PCA needs at least 2 samples; got a Dask array of shape {X.shape}")
    if d > MAX_FEATURES:
        raise ValueError(
            f"PCA on a Dask array goes through the d x d covariance, and X has {d} features (more than "
            f"{MAX_FEATURES}, {8 * d * d / 2**30:.1f} GiB per matrix); select or project features first"
        )
    dtype = _float_type(X.dtype)
    rank = min(n, d)
    # svd_solver='covariance_eigh' is the route of every Dask fit.
    wanted = check_n_components(est.n_components, n, d, "covariance_eigh")

    partials = map_blocks_delayed(_chunk_moments, X, dtype=dtype, n_total=n)
    _, mean, scatter = compute(tree_reduce(partials, _merge_moments))[0]
    covariance = scatter / (n - 1)
    total = float(np.trace(covariance))
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # ascending
    variances = np.maximum(eigenvalues[::-1][:wanted], 0.0)
    components = _flip_signs(np.ascontiguousarray(eigenvectors[:, ::-1][:, :wanted].T, dtype=dtype))
    wanted = kept_components(est.n_components, variances, total, n)
    est.n_features_in_ = d
    est.__dict__.pop("feature_names_in_", None)
    est._fit_solver_ = "covariance_eigh"
    est.n_samples_ = int(n)
    est.mean_ = np.asarray(mean, dtype=dtype)
    est._set_spectrum(components, variances[:wanted], n, total, rank, dtype)
    return est


# ---------------------------------------------------------- IncrementalPCA


class _IncrementalState:
    """What travels from task to task: the model and, before its first
    batch, the rows gathered towards it."""

    def __init__(self, model, batch_size):
        self.model = model
        self.batch_size = batch_size
        self.pending = None

    def first_batch_rows(self) -> int:
        return max(2, self.model.n_components or 0)

    def started(self) -> bool:
        return getattr(self.model, "n_samples_seen_", 0) > 0

    def feed(self, X, flush=False):
        if self.pending is not None:
            X = np.concatenate((self.pending, X))
            self.pending = None
        start = 0
        if not self.started():
            if X.shape[0] < self.first_batch_rows() and not flush:
                self.pending = X
                return
            size = self.batch_size or X.shape[0]
            stop = max(self.first_batch_rows(), min(size, X.shape[0]))
            self.model.partial_fit(X[:stop])  # raises the in-memory error if too few rows
            start = stop
        size = self.batch_size or X.shape[0]
        while start < X.shape[0]:
            self.model.partial_fit(X[start : start + size])
            start += size


def _incremental_chunk(state, block, dtype):
    state = copy.deepcopy(state)  # a task must not change its input
    state.feed(check_array(block, name="X", dtype=dtype))
    return state


def _incremental_flush(state):
    state = copy.deepcopy(state)
    if state.pending is not None:
        state.feed(np.empty((0, state.pending.shape[1]), dtype=state.pending.dtype), flush=True)
    return state


def fit_incremental_pca(estimator, X, y=None, *, reset=True):
    """IncrementalPCA.fit (``reset``) or partial_fit on a row-chunked Dask
    array: partial_fit over the chunks in order (see the module docstring)."""
    est = estimator
    n, d = X.shape
    dtype = _float_type(X.dtype)
    if reset:
        model = type(est)(**est.get_params())
    else:
        model = copy.deepcopy(est)
        if getattr(model, "n_samples_seen_", 0) > 0:
            dtype = model.components_.dtype
    state = _IncrementalState(model, est.batch_size)
    for block in X.to_delayed().ravel():
        state = delayed(_incremental_chunk)(state, block, dtype)
    state = compute(delayed(_incremental_flush)(state))[0]
    if reset:
        est._reset()
    for name, value in vars(state.model).items():
        if name.endswith("_") and not name.startswith("__"):
            setattr(est, name, value)
    est.n_features_in_ = d
    est.__dict__.pop("feature_names_in_", None)
    if reset:
        est.batch_size_ = int(est.batch_size if est.batch_size is not None else max(X.chunks[0]))
    return est
