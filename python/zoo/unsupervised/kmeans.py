"""k-means clustering: zoo.KMeans."""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np

from zoo import _core
from zoo._threads import resolve_n_jobs
from zoo.cuda import check_device
from zoo.cuda import kernels as cuda_kernels
from zoo._validation import check_sample_weight, is_dask_collection, seed_from_random_state, validate_data
from zoo.base import BaseEstimator, ClusterMixin, Options, Interval, TransformerMixin
from zoo.unsupervised._kmeans_common import (
    warn_if_fewer_distinct_centers,
    COMMON_CONSTRAINTS,
    FittedCentersMixin,
    check_enough_samples,
    check_init_array,
    given_centers,
    initial_centers,
    run_seeds,
)

class KMeans(FittedCentersMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """k-means clustering with a C++ core.

    Lloyd's algorithm (Lloyd 1982) with distances from BLAS, or the same
    iterates computed with distance bounds (Elkan 2003, Hamerly 2010); seeds
    from greedy k-means++ (Arthur & Vassilvitskii 2007).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {"k-means++", "random"}, callable or array-like of shape (n_clusters, n_features), \
default="k-means++"
        Seeding: greedy k-means++ with 2 + log(n_clusters) local trials, distinct
        random points drawn in proportion to their weight, given centres, or a
        callable ``init(X, n_clusters, random_state=RandomState)`` returning
        them (X is then centred on its column means, as in scikit-learn).
    n_init : "auto" or int, default="auto"
        Independent runs; the one with the lowest inertia is kept. "auto" is 1
        for "k-means++" or an array and 10 for "random" or a callable.
    max_iter : int, default=300
        Maximum Lloyd iterations per run.
    tol : float, default=1e-4
        Stop when the summed squared centre shift is at most `tol` times the
        mean feature variance of X.
    algorithm : {"auto", "lloyd", "elkan", "hamerly"}, default="auto"
        "lloyd" computes every distance with BLAS; "elkan" and "hamerly" give
        the same result while skipping most distances through the triangle
        inequality. "auto" is "hamerly", the fastest here on every shape
        measured (2 to 1000 features, 8 to 256 clusters, separated or
        uniform data): its few full rescans also go through BLAS.
    random_state : int, RandomState, Generator or None, default=None
        Seeds the initialisation; an int makes fits repeatable bit for bit
        (for a given `n_jobs`).
    n_jobs : int or None, default=None
        Threads; None uses `zoo.get_num_threads()` (all cores unless set),
        -1 all cores.
    device : {"cpu", "cuda"}, default="cpu"
        Where the Lloyd iterations run. "cuda" runs them on an NVIDIA GPU
        (the seeding stays on the CPU; `algorithm` is then Lloyd's); it
        needs zoo built with its CUDA kernels and a GPU (`zoo.cuda`), and
        says which is missing otherwise.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,), dtype int32
    inertia_ : float
        Sum of weighted squared distances of the samples to their centre.
    n_iter_ : int
        Lloyd iterations of the kept run.
    n_features_in_ : int
    """

    _parameter_aliases = {"copy_x": "zoo never writes into X, so there is nothing to copy"}
    _parameter_constraints = {
        **COMMON_CONSTRAINTS,
        "n_init": [Options({"auto"}), Interval(Integral, 1, None, closed="left")],
        "algorithm": [Options({"auto", "lloyd", "elkan", "hamerly"})],
        "device": [Options({"cpu", "cuda"})],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        algorithm="auto",
        random_state=None,
        n_jobs=None,
        device="cpu",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device

    def fit(self, X, y=None, sample_weight=None):
        """Compute the clusters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32; other numeric types become float64.
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : KMeans
        """
        self._validate_params()
        if is_dask_collection(X):
            if self.device != "cpu":
                raise ValueError("KMeans: device='cuda' fits arrays in memory; a Dask fit runs on the workers' CPUs")
            from zoo.dask._blocks import dask_fit

            return dask_fit(self, X, sample_weight)
        lloyd = self._lloyd_kernel()
        X = validate_data(self, X, reset=True)
        check_enough_samples(X.shape[0], self.n_clusters)
        weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=self)
        n_threads = resolve_n_jobs(self.n_jobs)
        n_init = self._resolved_n_init()
        algorithm = "hamerly" if self.algorithm == "auto" else self.algorithm
        # Centring keeps float32 distance expansions accurate for data far
        # from the origin; centres are shifted back at the end. `tol` is
        # relative to the mean feature variance, as in scikit-learn.
        Xc, mean, variance = _core.center_columns(X, n_threads)
        mean = mean.astype(X.dtype)
        tol = float(variance.mean()) * self.tol
        init = self.init
        if given_centers(init):
            init = check_init_array(init, self.n_clusters, X.shape[1], X.dtype) - mean

        best = None
        for seed in run_seeds(seed_from_random_state(self.random_state), n_init):
            centers = initial_centers(Xc, weight, init, self.n_clusters, seed, n_threads)
            labels = np.empty(X.shape[0], dtype=np.int32)
            n_iter, inertia = lloyd(Xc, weight, centers, labels, self.max_iter, tol, algorithm, n_threads)
            if best is None or inertia < best[3]:
                best = (centers, labels, n_iter, inertia)

        centers, labels, n_iter, inertia = best
        self.cluster_centers_ = centers + mean
        self.labels_ = labels
        self.n_iter_ = int(n_iter)
        self.inertia_ = float(inertia)
        warn_if_fewer_distinct_centers(self.cluster_centers_, self.n_clusters, stacklevel=2)
        return self

    def _lloyd_kernel(self):
        """kmeans_fit's signature, on the CPU or the GPU (checked here, so
        that a missing GPU is reported before any work)."""
        if check_device(self.device, self) == "cpu":
            return _core.kmeans_fit
        gpu = cuda_kernels()

        def on_gpu(X, weight, centers, labels, max_iter, tol, algorithm, n_threads):
            return gpu.kmeans_lloyd(X, weight, centers, labels, max_iter, tol)

        return on_gpu

    def _fit_dask(self, X, sample_weight=None):
        # k-means|| seeding and Lloyd iterations over the chunks (labels_ is then a lazy Dask array).
        from zoo.dask._kmeans import fit_kmeans

        return fit_kmeans(self, X, sample_weight=sample_weight)

    def _resolved_n_init(self) -> int:
        explicit_init = given_centers(self.init)
        if self.n_init == "auto":
            return 10 if callable(self.init) or (isinstance(self.init, str) and self.init == "random") else 1
        if explicit_init and self.n_init != 1:
            warnings.warn(
                f"Explicit initial center position passed: performing only one init in "
                f"KMeans instead of n_init={self.n_init}.",
                RuntimeWarning,
                stacklevel=3,
            )
            return 1
        return int(self.n_init)
