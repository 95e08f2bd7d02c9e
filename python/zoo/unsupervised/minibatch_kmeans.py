"""Mini-batch k-means: zoo.MiniBatchKMeans."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, optional
from zoo._threads import resolve_n_jobs
from zoo._validation import (
    FLOAT_POLICY,
    check_sample_weight,
    is_dask_collection,
    seed_from_random_state,
    validate_data,
)
from zoo.base import BaseEstimator, ClusterMixin, Interval, Options, TransformerMixin
from zoo.unsupervised._kmeans_common import (
    COMMON_CONSTRAINTS,
    FittedCentersMixin,
    check_enough_samples,
    given_centers,
    initial_centers,
    run_seeds,
    scaled_tol,
)


class MiniBatchKMeans(FittedCentersMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """k-means on random mini-batches (Sculley, "Web-scale k-means
    clustering", WWW 2010), for data too large for full Lloyd iterations.

    Each step assigns one batch to the nearest centres and moves every centre
    towards the mean of its batch points with a per-centre learning rate
    (batch weight / all weight the centre has received). Centres that receive
    almost nothing are re-seeded on random batch points.

    Parameters
    ----------
    n_clusters : int, default=8
    init : {"k-means++", "random"}, callable or array-like of shape (n_clusters, n_features), \
default="k-means++"
        As in KMeans; a callable ``init(X, n_clusters, random_state=RandomState)``
        receives the init sample.
    max_iter : int, default=100
        Maximum passes over the data (epochs); steps = max_iter * n_samples / batch_size.
    batch_size : int, default=1024
    tol : float, default=0.0
        Stop when the summed squared centre change of a step is at most `tol`
        times the mean feature variance; 0 disables this rule.
    max_no_improvement : int or None, default=10
        Stop after this many steps without improvement of the smoothed batch
        inertia; None disables this rule.
    init_size : int or None, default=None
        Samples drawn to compute the initial centres (3 * batch_size by default,
        at least 3 * n_clusters).
    n_init : "auto" or int, default="auto"
        Initialisations tried on the init sample (1 for "k-means++" or an array,
        3 for "random" or a callable); the one with the lowest inertia there is kept.
    reassignment_ratio : float, default=0.01
        Centres whose accumulated weight falls below this fraction of the
        largest are moved to random batch points.
    random_state : int, RandomState, Generator or None, default=None
    n_jobs : int or None, default=None

    Attributes
    ----------
    cluster_centers_, labels_, inertia_, n_iter_ (passes over the data),
    n_steps_ (mini-batch steps), n_features_in_
    """

    _parameter_aliases = {"compute_labels": "fit always computes labels_ over the whole data"}
    _parameter_constraints = {
        **COMMON_CONSTRAINTS,
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_no_improvement": [Interval(Integral, 0, None, closed="left"), None],
        "init_size": [Interval(Integral, 1, None, closed="left"), None],
        "n_init": [Options({"auto"}), Interval(Integral, 1, None, closed="left")],
        "reassignment_ratio": [Interval(Real, 0, None, closed="left")],
    }
    _fitted_state = {
        "_weight_sums_": Array(("n_clusters",), "cluster_centers_"),
        "_since_reassign_": [Interval(Integral, 0, None)],
        "n_steps_": [Interval(Integral, 0, None)],
        "_rng_": optional([np.random.Generator, None]),
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        n_init="auto",
        reassignment_ratio=0.01,
        random_state=None,
        n_jobs=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fitting -----------------------------------------------------------

    def fit(self, X, y=None, sample_weight=None):
        """Cluster X by mini-batch steps until a stopping rule fires.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MiniBatchKMeans
        """
        self._validate_params()
        if is_dask_collection(X):
            from zoo.dask._blocks import dask_fit

            return dask_fit(self, X, sample_weight)
        X = validate_data(self, X, reset=True)
        n_samples = X.shape[0]
        check_enough_samples(n_samples, self.n_clusters)
        weight = check_sample_weight(sample_weight, n_samples, X.dtype, estimator=self)
        n_threads = resolve_n_jobs(self.n_jobs)
        batch_size = min(self.batch_size, n_samples)
        self._start(X, weight, n_threads)
        rng = self._rng_
        tol = scaled_tol(X, self.tol)
        monitor = _ConvergenceMonitor(n_samples, batch_size, self.max_no_improvement)
        labels = np.empty(batch_size, dtype=np.int32)

        n_steps = max(1, (self.max_iter * n_samples) // batch_size)
        step = 0
        for step in range(n_steps):
            rows = rng.integers(0, n_samples, batch_size)
            previous = self.cluster_centers_.copy() if tol > 0 else None
            batch_inertia = self._step(X[rows], weight[rows], labels, rng, n_threads)
            shift = float(((self.cluster_centers_ - previous) ** 2).sum()) if tol > 0 else None
            if step > 0 and tol > 0 and shift <= tol:
                break
            if monitor.should_stop(batch_inertia / batch_size):
                break

        self.n_steps_ = step + 1
        self.n_iter_ = int(np.ceil(self.n_steps_ * batch_size / n_samples))
        labels, inertia = self._assign(X, weight)
        self.labels_, self.inertia_ = labels, float(inertia)
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch step on X (initialising the centres on the first call).

        Afterwards ``labels_`` and ``inertia_`` are those of this batch
        against the updated centres, as in scikit-learn.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MiniBatchKMeans
        """
        first_call = not hasattr(self, "cluster_centers_")
        if first_call:
            self._validate_params()
        # The first call converts as fit does (ints, bools, float16 to float64); later ones to the centres' type.
        X = validate_data(self, X, reset=first_call, dtype=FLOAT_POLICY if first_call else self.cluster_centers_.dtype)
        weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=self)
        n_threads = resolve_n_jobs(self.n_jobs)
        if first_call:
            check_enough_samples(X.shape[0], self.n_clusters)
            self._start(X, weight, n_threads)
            self.n_steps_ = 0
        if getattr(self, "_rng_", None) is None:
            # Restored from a file: the generator is not part of the saved state.
            self._rng_ = np.random.default_rng(seed_from_random_state(self.random_state))
        labels = np.empty(X.shape[0], dtype=np.int32)
        self._step(X, weight, labels, self._rng_, n_threads)
        self.n_steps_ += 1
        labels, inertia = self._assign(X, weight)
        self.labels_, self.inertia_ = labels, float(inertia)
        return self

    def _fit_dask(self, X, sample_weight=None):
        # The partial_fit step over batch_size rows, chunk after chunk (labels_ is then a lazy Dask array).
        from zoo.dask._kmeans import fit_minibatch_kmeans

        return fit_minibatch_kmeans(self, X, sample_weight=sample_weight)

    # -- one step ------------------------------------------------------------

    def _start(self, X, weight, n_threads) -> None:
        """Fresh centres and step state, for fit and the first partial_fit."""
        self._rng_ = np.random.default_rng(seed_from_random_state(self.random_state))
        self.cluster_centers_ = self._best_initial_centers(X, weight, self._rng_, n_threads)
        self._weight_sums_ = np.zeros(self.n_clusters, dtype=X.dtype)
        self._since_reassign_ = 0

    def _step(self, X, weight, labels, rng, n_threads) -> float:
        X = np.ascontiguousarray(X)
        weight = np.ascontiguousarray(weight)
        inertia = _core.minibatch_step(X, weight, self.cluster_centers_, self._weight_sums_, labels, n_threads)
        if self._reassignment_due(X.shape[0]):
            self._reassign_starved_centers(X, weight, rng)
        return inertia

    def _reassignment_due(self, batch_size: int) -> bool:
        # Checked every 10 * n_clusters samples, or at once if a centre has
        # never received a point, so rare reassignments cost nothing.
        self._since_reassign_ += batch_size
        if self.reassignment_ratio > 0 and (
            (self._weight_sums_ == 0).any() or self._since_reassign_ >= 10 * self.n_clusters
        ):
            self._since_reassign_ = 0
            return True
        return False

    def _reassign_starved_centers(self, X, weight, rng) -> None:
        sums = self._weight_sums_
        starved = sums < self.reassignment_ratio * sums.max()
        # Never move more than half of the centres in one go.
        if starved.sum() > 0.5 * self.n_clusters:
            keep_lightest = np.argsort(sums, kind="stable")[: self.n_clusters // 2]
            starved = np.zeros_like(starved)
            starved[keep_lightest] = True
        n_moved = int(starved.sum())
        if n_moved == 0 or n_moved > X.shape[0]:
            return
        p = weight.astype(np.float64) / float(weight.sum())
        rows = rng.choice(X.shape[0], size=n_moved, replace=False, p=p)
        self.cluster_centers_[starved] = X[rows]
        # A re-seeded centre starts as light as the lightest kept one, so it
        # moves quickly towards the points it attracts.
        self._weight_sums_[starved] = sums[~starved].min() if (~starved).any() else 0

    def _best_initial_centers(self, X, weight, rng, n_threads) -> np.ndarray:
        n_samples = X.shape[0]
        init_size = self.init_size if self.init_size is not None else 3 * self.batch_size
        init_size = min(max(init_size, 3 * self.n_clusters), n_samples)
        rows = rng.choice(n_samples, size=init_size, replace=False) if init_size < n_samples else np.arange(n_samples)
        X_init = np.ascontiguousarray(X[rows])
        w_init = np.ascontiguousarray(weight[rows])
        if given_centers(self.init):
            n_init = 1
        elif self.n_init == "auto":
            n_init = 3 if callable(self.init) or self.init == "random" else 1
        else:
            n_init = self.n_init
        best, best_inertia = None, np.inf
        for seed in run_seeds(int(rng.integers(0, 2**63)), n_init):
            centers = initial_centers(X_init, w_init, self.init, self.n_clusters, seed, n_threads)
            labels = np.empty(init_size, dtype=np.int32)
            inertia = _core.kmeans_assign(X_init, w_init, centers, labels, n_threads)
            if inertia < best_inertia:
                best, best_inertia = centers, inertia
        if best is None:  # every inertia was inf or NaN: no centres to start from
            raise ValueError(
                f"{type(self).__name__}: the inertia of every initial set of centres overflowed; X holds values up to "
                f"{float(np.abs(X_init).max()):.3g}, too large to square in {X.dtype}. Scale X first (e.g. with "
                "zoo.preprocessing.StandardScaler)."
            )
        return best


class _ConvergenceMonitor:
    """Early stopping on the exponentially weighted batch inertia: stop after
    `patience` steps without a new minimum."""

    def __init__(self, n_samples: int, batch_size: int, patience):
        self._alpha = min(1.0, batch_size * 2.0 / (n_samples + 1))
        self._patience = patience
        self._smoothed = None
        self._best = np.inf
        self._stale = 0

    def should_stop(self, batch_inertia: float) -> bool:
        if self._smoothed is None:
            self._smoothed = batch_inertia
            return False
        self._smoothed = self._smoothed * (1 - self._alpha) + batch_inertia * self._alpha
        if self._smoothed < self._best:
            self._best = self._smoothed
            self._stale = 0
        else:
            self._stale += 1
        return self._patience is not None and self._stale >= self._patience
