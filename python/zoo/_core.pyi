"""Type stub for zoo's C++ extension (private: use the estimators in zoo).

Every kernel exists for float32 and float64; `Float` stands for either, and
one call uses one of them throughout. Arrays marked "in place" are written
by the kernel and must already have the exact dtype and C layout.
"""

from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

Float = TypeVar("Float", np.float32, np.float64)

__version__: str

def omp_max_threads() -> int: ...
def blas_num_threads() -> int: ...
def blas_config() -> str: ...
def _raise_inside_parallel_region(n_threads: int, kind: str) -> None: ...

# -- statistics -------------------------------------------------------------
def center_columns(
    X: NDArray[Float], n_threads: int
) -> tuple[NDArray[Float], NDArray[np.float64], NDArray[np.float64]]: ...

# -- k-means ------------------------------------------------------------------
def kmeans_plusplus(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    n_clusters: int,
    n_local_trials: int,
    seed: int,
    n_threads: int,
) -> tuple[NDArray[Float], NDArray[np.int64]]: ...
def kmeans_fit(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    centers: NDArray[Float],  # in place: initial centres in, final centres out
    labels: NDArray[np.int32],  # in place
    max_iter: int,
    tol: float,
    algorithm: str,  # "lloyd" | "elkan" | "hamerly"
    n_threads: int,
) -> tuple[int, float]: ...
def kmeans_assign(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    centers: NDArray[Float],
    labels: NDArray[np.int32],  # in place
    n_threads: int,
) -> float: ...
def kmeans_transform(X: NDArray[Float], centers: NDArray[Float], n_threads: int) -> NDArray[Float]: ...
def minibatch_step(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    centers: NDArray[Float],  # in place
    weight_sums: NDArray[Float],  # in place
    labels: NDArray[np.int32],  # in place
    n_threads: int,
) -> float: ...
