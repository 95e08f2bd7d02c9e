"""Helpers for estimators that take SciPy sparse X (validated by
``check_array(..., accept_sparse=True)`` into a CSR matrix with float64 values
and int64 indices): the arguments the C++ CSR kernels take, and products
that run there. SciPy itself is imported only by the validation, when a
sparse matrix arrives."""

from __future__ import annotations

import numpy as np

from zoo import _core
from zoo._validation import _is_sparse as is_sparse  # whether X is a SciPy sparse matrix or array

__all__ = ["csr_arrays", "csr_times", "is_sparse"]


def csr_arrays(X) -> tuple:
    """(data, indices, indptr, n_features) of a validated CSR X, as the kernels take them."""
    return X.data, X.indices, X.indptr, X.shape[1]


def csr_times(X, B, n_threads: int) -> np.ndarray:
    """X @ B as a dense float64 array, for a validated CSR X and a 2-D dense B."""
    return _core.csr_times_dense(*csr_arrays(X), np.ascontiguousarray(B, dtype=np.float64), n_threads)
