"""Pieces shared by KMeans and MiniBatchKMeans: seeding, input checks, and
the prediction-time kernels. Everything here assumes validated input."""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, optional
from zoo._set_output import class_prefixed_names
from zoo._threads import resolve_n_jobs
from zoo._validation import check_array, check_is_fitted, check_sample_weight, is_dask_collection, validate_data
from zoo.base import Interval, Options
from zoo.dask._blocks import lazy_rows

# Declared once and shared: the parameters both estimators take.
COMMON_CONSTRAINTS = {
    "n_clusters": [Interval(Integral, 1, None, closed="left")],
    "init": [Options({"k-means++", "random"}), callable, "array-like"],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "random_state": ["random_state"],
    "n_jobs": [None, Integral],
}


def warn_if_fewer_distinct_centers(centers, n_clusters: int, stacklevel: int) -> None:
    """Warn when duplicate points left fewer distinct centres than asked for."""
    # Rows as bytes in a set: a tenth of np.unique(axis=0)'s time on a few
    # centres (a small fit pays it every call); + 0.0 makes -0.0 equal 0.0.
    rows = np.ascontiguousarray(centers + 0.0)
    n_found = len({row.tobytes() for row in rows})
    if n_found < n_clusters:
        warnings.warn(
            f"Number of distinct clusters ({n_found}) found smaller than "
            f"n_clusters ({n_clusters}). Possibly due to duplicate points in X.",
            UserWarning,
            stacklevel=stacklevel + 1,
        )


def n_local_trials(n_clusters: int) -> int:
    """Candidates per greedy k-means++ step: 2 + log(k), as Arthur and
    Vassilvitskii suggest and scikit-learn uses."""
    return 2 + int(math.log(n_clusters))


def check_enough_samples(n_samples: int, n_clusters: int) -> None:
    if n_samples < n_clusters:
        raise ValueError(f"n_samples={n_samples} should be >= n_clusters={n_clusters}.")


def given_centers(init) -> bool:
    """Whether `init` is the starting centres themselves (an array), which
    leaves nothing random to repeat."""
    return not isinstance(init, str) and not callable(init)


def check_init_array(init, n_clusters: int, n_features: int, dtype) -> np.ndarray:
    """Explicit centres must be finite and shaped (n_clusters, n_features)."""
    centers = check_array(init, name="init", dtype=dtype)
    # scikit-learn's wording, which its users' tests match on.
    if centers.shape[0] != n_clusters:
        raise ValueError(
            f"The shape of the initial centers {centers.shape} does not match the number of "
            f"clusters {n_clusters}: init must be shaped (n_clusters, n_features)."
        )
    if centers.shape[1] != n_features:
        raise ValueError(
            f"The shape of the initial centers {centers.shape} does not match the number of "
            f"features of the data {n_features}: init must be shaped (n_clusters, n_features)."
        )
    return np.array(centers, dtype=dtype, order="C", copy=True)


def centers_from_callable(init, X, n_clusters: int, seed: int) -> np.ndarray:
    """Call a user's ``init(X, n_clusters, random_state=...)`` as scikit-learn
    does (with a RandomState drawn from this run's seed) and check its answer."""
    random_state = np.random.RandomState(seed % 2**32)
    centers = init(X, n_clusters, random_state=random_state)
    return check_init_array(centers, n_clusters, X.shape[1], X.dtype)


def initial_centers(X, sample_weight, init, n_clusters, seed, n_threads) -> np.ndarray:
    """Starting centres for one run, as a fresh (n_clusters, n_features) array
    that the fitting kernel may overwrite."""
    if isinstance(init, str) and init == "k-means++":
        centers, _ = _core.kmeans_plusplus(
            X, sample_weight, n_clusters, n_local_trials(n_clusters), seed, n_threads
        )
        return centers
    if isinstance(init, str) and init == "random":
        # Distinct points, drawn in proportion to their weight.
        rng = np.random.default_rng(seed)
        p = sample_weight.astype(np.float64) / float(sample_weight.sum())
        rows = rng.choice(X.shape[0], size=n_clusters, replace=False, p=p)
        return X[np.sort(rows)].copy()
    if callable(init):
        return centers_from_callable(init, X, n_clusters, seed)
    return check_init_array(init, n_clusters, X.shape[1], X.dtype)


def run_seeds(random_state_seed: int, n_runs: int) -> list[int]:
    """Independent 64-bit seeds for each run, derived from one seed so that
    `random_state` alone fixes every run."""
    seeds = np.random.SeedSequence(random_state_seed).generate_state(n_runs, dtype=np.uint64)
    return [int(s) for s in seeds]


def scaled_tol(X, tol: float) -> float:
    """`tol` is relative to the data: scale it by the mean feature variance
    (the convention of scikit-learn, so the same `tol` stops at the same point)."""
    if tol == 0:
        return 0.0
    return float(np.mean(np.var(X, axis=0, dtype=np.float64)) * tol)


class FittedCentersMixin:
    """predict / transform / score for estimators holding `cluster_centers_`."""

    # What save stores; MiniBatchKMeans.partial_fit alone sets no n_iter_
    # (and, in files saved before it kept its batch's, no labels_ or inertia_).
    _fitted_state = {
        "cluster_centers_": Array(("n_clusters", "n_features_in_"), "f"),
        "labels_": optional(Array(("n_samples",), "i")),
        "inertia_": optional([Interval(Real, 0, None)]),
        "n_iter_": optional([Interval(Integral, 0, None)]),
    }

    def get_feature_names_out(self, input_features=None):
        """Names of transform's columns, the distances to each centre:
        "kmeans0", "kmeans1", ... (the class name in lower case).

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        ndarray of str objects, shape (n_clusters,)
        """
        check_is_fitted(self, "cluster_centers_")
        return class_prefixed_names(self, self.cluster_centers_.shape[0])

    def _save_state(self):
        state = super()._save_state()
        # After a Dask fit labels_ is a lazy Dask array: saving it would gather every label, so it is not saved.
        if is_dask_collection(state.get("labels_")):
            del state["labels_"]
        return state

    def _check_predict_input(self, X):
        self._check_fitted()
        return validate_data(self, X, reset=False, dtype=self.cluster_centers_.dtype)

    def _centered(self, X):
        # Distances are translation invariant; centring on the centres' mean
        # keeps the ||x||^2 - 2 x.c + ||c||^2 expansion accurate in float32.
        shift = self.cluster_centers_.mean(axis=0)
        return np.ascontiguousarray(X - shift), np.ascontiguousarray(self.cluster_centers_ - shift)

    def _assign(self, X, sample_weight=None):
        weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=self)
        Xc, centers = self._centered(X)
        labels = np.empty(X.shape[0], dtype=np.int32)
        inertia = _core.kmeans_assign(Xc, weight, centers, labels, resolve_n_jobs(self.n_jobs))
        return labels, inertia

    @lazy_rows
    def predict(self, X):
        """Index of the nearest centre for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int32
        """
        X = self._check_predict_input(X)
        labels, inertia = self._assign(X)
        if not np.isfinite(inertia):
            # Every distance of some row overflowed: its "nearest" centre is a tie between infinities.
            raise ValueError(
                f"{type(self).__name__}.predict: the squared distance of some row of X to its nearest centre "
                "overflows float64, so the nearest centre cannot be told (X holds values up to "
                f"{max(float(X.max()), -float(X.min())):.3g} in magnitude); scale X as the training data were."
            )
        return labels

    @lazy_rows
    def transform(self, X):
        """Euclidean distance of each sample to each centre.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
        """
        X = self._check_predict_input(X)
        Xc, centers = self._centered(X)
        return _core.kmeans_transform(Xc, centers, resolve_n_jobs(self.n_jobs))

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the (weighted) inertia of X under the fitted centres:
        higher is better, as scikit-learn's model selection expects."""
        X = self._check_predict_input(X)
        return -self._assign(X, sample_weight)[1]

    def _check_fitted(self):
        check_is_fitted(self, "cluster_centers_")
