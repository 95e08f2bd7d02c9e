"""Principal component analysis: zoo.PCA and zoo.IncrementalPCA."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, optional
from zoo._set_output import class_prefixed_names
from zoo._threads import resolve_n_jobs
from zoo._validation import (
    check_array,
    check_is_fitted,
    check_squares_in_range,
    is_dask_collection,
    seed_from_random_state,
    validate_data,
)
from zoo.base import BaseEstimator, Interval, Options, TransformerMixin
from zoo.dask._blocks import dask_fit, lazy_rows

__all__ = ["PCA", "IncrementalPCA"]


class _BasePCA(TransformerMixin, BaseEstimator):
    """What a fitted linear-Gaussian model offers, however it was fitted.

    Subclasses set ``components_`` (orthonormal rows), ``explained_variance_``,
    ``mean_``, ``noise_variance_`` and ``n_components_``.
    """

    _parameter_aliases = {"copy": "zoo never writes into X, so there is nothing to copy"}

    _fitted_state = {
        "n_components_": [Interval(Integral, 0, None)],
        "components_": Array(("n_components_", "n_features_in_"), "f"),
        "explained_variance_": Array(("n_components_",), "components_"),
        "explained_variance_ratio_": Array(("n_components_",), "components_"),
        "singular_values_": Array(("n_components_",), "components_"),
        "noise_variance_": [Interval(Real, 0, None)],
        "mean_": Array(("n_features_in_",), "f"),
    }

    @lazy_rows
    def transform(self, X):
        """Project X onto the principal components.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32; other numeric types become float64.

        Returns
        -------
        ndarray of shape (n_samples, n_components_)
            ``(X - mean_) @ components_.T``, each column divided by the square
            root of its explained variance when ``whiten`` is set.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        dtype = X.dtype
        scale = None
        if self.whiten:
            # A component without variance would divide by zero; floor the
            # scale at the float type's epsilon instead.
            root = np.sqrt(self.explained_variance_.astype(np.float64))
            scale = (1.0 / np.maximum(root, np.finfo(dtype).eps)).astype(dtype)
        return _core.pca_project(
            X,
            np.asarray(self.mean_, dtype=dtype),
            np.asarray(self.components_, dtype=dtype),
            scale,
            resolve_n_jobs(getattr(self, "n_jobs", None)),
        )

    @lazy_rows
    def inverse_transform(self, X):
        """Map projected data back to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components_)
            Output of :meth:`transform`.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
            ``X @ components_ + mean_`` (undoing the whitening first). Exact
            when all components were kept; otherwise the projection of the
            original data onto the principal subspace.
        """
        check_is_fitted(self)
        Z = check_array(X, name="X", estimator=self)
        if Z.shape[1] != self.n_components_:
            raise ValueError(
                f"X has {Z.shape[1]} columns, but {type(self).__name__}.inverse_transform "
                f"expects n_components_={self.n_components_}."
            )
        components = np.asarray(self.components_, dtype=Z.dtype)
        if self.whiten:
            components = components * np.sqrt(self.explained_variance_).astype(Z.dtype)[:, None]
        return Z @ components + np.asarray(self.mean_, dtype=Z.dtype)

    # ------------------------------------------------ probabilistic PCA

    def _latent_variances(self):
        """Variance of the model along each component, and the noise variance.

        Probabilistic PCA (Tipping & Bishop 1999) models x = W z + mean +
        noise with covariance C = W W^T + s2 I. At the maximum-likelihood
        fit, C has the eigenvalue max(ev_j, s2) along component j and s2
        everywhere else.
        """
        s2 = float(self.noise_variance_)
        ev = np.asarray(self.explained_variance_, dtype=np.float64)
        return np.maximum(ev, s2), s2

    def get_covariance(self):
        """The model covariance ``components_.T diag(ev - s2) components_ + s2 I``.

        Returns
        -------
        ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        along, s2 = self._latent_variances()
        V = np.asarray(self.components_, dtype=np.float64)
        cov = (V.T * (along - s2)) @ V
        cov[np.diag_indices_from(cov)] += s2
        return cov

    def get_precision(self):
        """The inverse of :meth:`get_covariance`, through the Woodbury identity.

        Returns
        -------
        ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        along, s2 = self._check_proper_density()
        V = np.asarray(self.components_, dtype=np.float64)
        d = V.shape[1]
        # Orthonormal components make the Woodbury inverse a rank-k update
        # of the isotropic one: C^-1 = I / s2 + V^T diag(1/along - 1/s2) V.
        if s2 > 0:
            precision = (V.T * (1.0 / along - 1.0 / s2)) @ V
            precision[np.diag_indices_from(precision)] += 1.0 / s2
        else:  # all d directions are components (checked above)
            precision = (V.T * (1.0 / along)) @ V
        return precision.reshape(d, d)

    def _check_proper_density(self):
        along, s2 = self._latent_variances()
        d = self.components_.shape[1]
        if (s2 <= 0 and self.n_components_ < d) or np.any(along <= 0):
            raise ValueError(
                f"{type(self).__name__}: the probabilistic PCA model is degenerate "
                f"(noise_variance_={s2!r} with n_components_={self.n_components_} of "
                f"{d} features, or a component without variance), so it has no density. "
                "Keep fewer components or fit on more samples than features."
            )
        return along, s2

    def score_samples(self, X):
        """Log-likelihood of each sample under the probabilistic PCA model.

        The Gaussian of Tipping & Bishop (1999), section 3: mean ``mean_``,
        covariance :meth:`get_covariance`. The quadratic form and the log
        determinant come from the k components alone (Woodbury), in
        O(n_samples n_features n_components).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            In the float type of X.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        along, s2 = self._check_proper_density()
        d = X.shape[1]
        V = np.asarray(self.components_, dtype=np.float64)
        centered = X.astype(np.float64) - np.asarray(self.mean_, dtype=np.float64)
        latent = centered @ V.T
        if s2 > 0:
            quadratic = np.einsum("ij,ij->i", centered, centered) / s2
            quadratic += (latent**2) @ (1.0 / along - 1.0 / s2)
            log_det = np.log(along).sum() + (d - len(along)) * math.log(s2)
        else:
            quadratic = (latent**2) @ (1.0 / along)
            log_det = np.log(along).sum()
        log_likelihood = -0.5 * (quadratic + d * math.log(2.0 * math.pi) + log_det)
        return log_likelihood.astype(X.dtype, copy=False)

    def score(self, X, y=None):
        """Average log-likelihood of the samples (see :meth:`score_samples`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        float
        """
        return float(np.mean(self.score_samples(X), dtype=np.float64))

    def get_feature_names_out(self, input_features=None):
        """Output feature names: the class name in lower case and an index.

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        ndarray of str objects, shape (n_components_,)
        """
        check_is_fitted(self)
        return class_prefixed_names(self, self.n_components_)

    def _set_spectrum(self, components, variances, n_samples, total_variance, rank, dtype):
        """Fitted attributes from the kept components and their variances.

        ``total_variance`` is the trace of the sample covariance and ``rank``
        the number of directions a full decomposition has (min(n, d)); the
        noise variance is the mean variance of the discarded ones.
        """
        k = len(variances)
        variances = np.maximum(np.asarray(variances, dtype=np.float64), 0.0)
        self.components_ = np.ascontiguousarray(components[:k], dtype=dtype)
        self.n_components_ = int(k)
        self.explained_variance_ = variances.astype(dtype)
        ratio = variances / total_variance if total_variance > 0 else np.zeros(k)
        self.explained_variance_ratio_ = ratio.astype(dtype)
        self.singular_values_ = np.sqrt(variances * (n_samples - 1)).astype(dtype)
        if k < rank:
            self.noise_variance_ = max((total_variance - variances.sum()) / (rank - k), 0.0)
        else:
            self.noise_variance_ = 0.0


def _components_for_fraction(variances, total_variance, fraction):
    """Fewest leading components whose explained variance exceeds `fraction`."""
    cumulative = np.cumsum(variances, dtype=np.float64) / total_variance if total_variance > 0 else None
    if cumulative is None:
        return 1
    return min(int(np.searchsorted(cumulative, fraction, side="right")) + 1, len(variances))


def check_n_components(n_components, n_samples, n_features, solver):
    """How many leading directions the fit must compute: n_components
    itself, or every one when the count is read from the spectrum (None, a
    fraction of the variance, "mle"); raises for a count the data or the
    solver cannot give."""
    k = n_components
    rank = min(n_samples, n_features)
    if isinstance(k, Integral):
        if k > rank:
            raise ValueError(
                f"PCA: n_components={k} must be between 1 and min(n_samples, n_features)={rank} "
                f"with svd_solver={solver!r}."
            )
        return int(k)
    if k is not None and solver == "randomized":
        raise ValueError(
            f"PCA: n_components={k!r} is read from the whole spectrum; svd_solver='randomized' "
            "needs an int n_components. Use svd_solver='full' or 'covariance_eigh'."
        )
    if k == "mle" and n_samples < n_features:
        # Minka's evidence models the d - k smallest eigenvalues of the
        # covariance as noise; with n < d most of them are zero.
        raise ValueError(
            f"PCA: n_components='mle' needs at least as many samples as features; X has "
            f"{n_samples} samples and {n_features} features."
        )
    return rank


def kept_components(n_components, variances, total_variance, n_samples):
    """How many of the computed leading directions (variances, descending)
    the model keeps."""
    k = n_components
    if k is None or isinstance(k, Integral):
        return len(variances)
    if isinstance(k, str):  # "mle"
        return _minka_dimension(np.asarray(variances, dtype=np.float64), n_samples)
    return _components_for_fraction(variances, total_variance, k)


def _minka_dimension(spectrum, n_samples):
    """The number of components k (1 <= k < d) of largest approximate
    evidence, Minka's (2000) Laplace approximation for probabilistic PCA:
    the eigenvalues past k are modelled as one noise variance."""
    d = len(spectrum)
    if d < 2:
        return d
    scores = [_minka_log_evidence(spectrum, k, n_samples) for k in range(1, d)]
    return int(np.argmax(scores)) + 1


def _minka_log_evidence(spectrum, k, n):
    """log p(X | k) up to a constant, from the eigenvalues of the sample
    covariance in descending order (Minka 2000, section 3)."""
    d = len(spectrum)
    # Eigenvalues below this count as zero: a count that keeps one is never
    # the best, and the noise variance is at least this (scikit-learn's
    # value, so that both libraries pick the same count).
    tiny = 1e-15
    if spectrum[k - 1] < tiny:
        return -np.inf
    # Prior volume of the Stiefel manifold: prod over the k columns of
    # Gamma((d - i + 1) / 2) pi^(-(d - i + 1) / 2), and 2^-k.
    halves = (d - np.arange(1, k + 1) + 1) / 2.0
    log_prior = -k * math.log(2.0) + sum(math.lgamma(h) for h in halves) - math.log(math.pi) * halves.sum()
    noise = max(tiny, float(spectrum[k:].sum()) / (d - k))
    log_signal = -n / 2.0 * float(np.log(spectrum[:k]).sum())
    log_noise = -n * (d - k) / 2.0 * math.log(noise)
    m = d * k - k * (k + 1) / 2.0  # free parameters of the k directions
    log_volume = (m + k) / 2.0 * math.log(2.0 * math.pi)
    # log |A_Z|: the Hessian's determinant, over pairs i < k, j > i, with the
    # eigenvalues past k replaced by the noise variance on the inverse side.
    modelled = spectrum.copy()
    modelled[k:] = noise
    top = spectrum[:k, None]
    pairs = np.arange(d)[None, :] > np.arange(k)[:, None]  # j > i
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.log((top - spectrum[None, :]) * (1.0 / modelled[None, :] - 1.0 / modelled[:k, None]))
    log_hessian = float(terms[pairs].sum()) + int(pairs.sum()) * math.log(n)
    return log_prior + log_signal + log_noise + log_volume - log_hessian / 2.0 - k * math.log(n) / 2.0


class PCA(_BasePCA):
    """Principal component analysis with a C++/LAPACK core.

    Projects data onto the directions of largest variance. Three exact or
    approximate routes, all through BLAS/LAPACK:

    - ``"covariance_eigh"``: the Gram matrix of the centred data by SYRK
      (float32 input is multiplied in float32 blocks and accumulated in
      float64), then a symmetric eigensolver (syevr) on the d x d covariance,
      asked only for the kept components. Exact and the fastest route when
      samples far outnumber features; it squares the condition number, so
      components whose variance is below about 1e-8 (float64) of the largest
      lose relative accuracy.
    - ``"full"``: the SVD of the centred data (gesdd).
    - ``"randomized"``: the randomized SVD of Halko, Martinsson & Tropp (2011)
      with a seeded Gaussian test matrix and normalised power iterations.

    Every solver returns components with the same, deterministic signs: the
    largest-magnitude loading of each component (the first one on ties) is
    positive.

    Parameters
    ----------
    n_components : int, float or None, default=None
        An int k: keep k components (1 <= k <= min(n_samples, n_features)).
        A float in (0, 1): keep the fewest components whose explained
        variance ratios add up to more than it (not with "randomized").
        "mle": the count of largest approximate evidence under
        probabilistic PCA (Minka 2000); needs n_samples >= n_features, not
        with "randomized". None: keep min(n_samples, n_features).
    whiten : bool, default=False
        Scale the projections to unit variance in :meth:`transform` (the
        components themselves stay orthonormal).
    svd_solver : {"auto", "covariance_eigh", "full", "randomized"}, default="auto"
        "auto": "covariance_eigh" when n_features <= 1000 and n_samples >=
        10 n_features; else "full" for small data (max dimension <= 500) or
        when at least 80% of min(n_samples, n_features) components are kept;
        else "randomized" for an int ``n_components``.
    tol : float, default=0.0
        Accepted for compatibility with scikit-learn, whose ARPACK solver
        uses it; zoo has no ARPACK solver and ignores it. Must be >= 0.
    iterated_power : int or "auto", default="auto"
        Power iterations of the randomized solver; "auto" is 7 when fewer
        than 10% of min(n_samples, n_features) components are kept, else 4.
    n_oversamples : int, default=10
        Extra random directions of the randomized solver (Halko et al.'s p).
    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
        How the randomized solver re-normalises each power iteration: QR
        (most stable), LU (cheaper, P L of the pivoted factorisation), or
        not at all. "auto" is "none" for at most 2 iterations, else "LU".
    random_state : int, RandomState, Generator or None, default=None
        Seeds the randomized solver's test matrix; an int makes fits
        repeatable bit for bit (for a given ``n_jobs``).
    n_jobs : int or None, default=None
        Threads; None uses ``zoo.get_num_threads()``, -1 all cores.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
        Orthonormal principal axes, by decreasing explained variance.
    explained_variance_ : ndarray of shape (n_components_,)
        Variance along each component (sample variance, ddof=1).
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Fraction of the total variance along each component.
    singular_values_ : ndarray of shape (n_components_,)
        Singular values of the centred data for the kept components.
    mean_ : ndarray of shape (n_features,)
    noise_variance_ : float
        Mean variance of the discarded directions: the noise of the
        probabilistic PCA model (Tipping & Bishop 1999); 0 when none are
        discarded.
    n_components_ : int
    n_samples_ : int
    n_features_in_ : int

    Notes
    -----
    Arrays keep the input's float type (float32 or float64).

    References
    ----------
    Tipping, M. E. & Bishop, C. M. (1999). Probabilistic principal component
    analysis. J. R. Statist. Soc. B 61(3), 611-622.
    Halko, N., Martinsson, P.-G. & Tropp, J. A. (2011). Finding structure with
    randomness. SIAM Review 53(2), 217-288.
    """

    _parameter_constraints = {
        "n_components": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
            Options({"mle"}),
            None,
        ],
        "whiten": ["boolean"],
        "svd_solver": [Options({"auto", "covariance_eigh", "full", "randomized"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "iterated_power": [Interval(Integral, 0, None, closed="left"), Options({"auto"})],
        "n_oversamples": [Interval(Integral, 0, None, closed="left")],
        "power_iteration_normalizer": [Options({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }
    _fitted_state = {
        "_fit_solver_": [Options({"covariance_eigh", "full", "randomized"})],
        "n_samples_": [Interval(Integral, 0, None)],
    }

    def __init__(
        self,
        n_components=None,
        *,
        whiten=False,
        svd_solver="auto",
        tol=0.0,
        iterated_power="auto",
        n_oversamples=10,
        power_iteration_normalizer="auto",
        random_state=None,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Fit the model to X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            At least 2 samples. float32 stays float32; other numeric types
            become float64.
        y : ignored

        Returns
        -------
        self : PCA
        """
        self._validate_params()
        if is_dask_collection(X):
            return dask_fit(self, X)
        # check_squares_in_range checks X's values in the pass that reads
        # their magnitude.
        X = validate_data(self, X, reset=True, ensure_min_samples=2, ensure_all_finite=False)
        n, d = X.shape
        check_squares_in_range(X, n_terms=n, what="the covariance", estimator=self)
        n_threads = resolve_n_jobs(self.n_jobs)
        solver = self._resolved_solver(n, d)
        self._fit_solver_ = solver
        self.n_samples_ = n
        rank = min(n, d)
        wanted = check_n_components(self.n_components, n, d, solver)
        if solver == "covariance_eigh":
            mean, variances, components, total = _core.pca_covariance_eigh(X, wanted, n_threads)
        else:
            Xc, mean, column_variance = _core.center_columns(X, n_threads)
            total = float(column_variance.sum()) * n / (n - 1)
            if solver == "full":
                singular_values, components = _core.pca_svd(Xc, n_threads)
                variances = singular_values.astype(np.float64) ** 2 / (n - 1)
                # The exact spectrum: its sum is the total variance.
                total = float(variances.sum())
            else:
                n_iter, normalizer = self._power_iterations(wanted, rank)
                singular_values, components = _core.pca_randomized(
                    Xc,
                    wanted,
                    self.n_oversamples,
                    n_iter,
                    normalizer,
                    seed_from_random_state(self.random_state),
                    n_threads,
                )
                variances = singular_values.astype(np.float64) ** 2 / (n - 1)
        wanted = kept_components(self.n_components, variances[:wanted], total, n)
        self.mean_ = np.asarray(mean, dtype=X.dtype)
        self._set_spectrum(components, variances[:wanted], n, total, rank, X.dtype)
        return self

    def fit_transform(self, X, y=None):
        """Fit the model to X and return its projection.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        ndarray of shape (n_samples, n_components_)
        """
        return self.fit(X).transform(X)

    def _fit_dask(self, X):
        # Chunk Gram matrices merged by Chan's update, then the covariance route's eigen step.
        from zoo.dask._pca import fit_pca

        return fit_pca(self, X)

    def _resolved_solver(self, n, d):
        if self.svd_solver != "auto":
            return self.svd_solver
        if d <= 1000 and n >= 10 * d:
            return "covariance_eigh"
        k = self.n_components
        if max(n, d) <= 500 or not isinstance(k, Integral) or k >= 0.8 * min(n, d):
            return "full"
        return "randomized"

    def _power_iterations(self, k, rank):
        n_iter = self.iterated_power
        if n_iter == "auto":
            n_iter = 7 if k < 0.1 * rank else 4
        normalizer = self.power_iteration_normalizer
        if normalizer == "auto":
            normalizer = "none" if n_iter <= 2 else "LU"
        return int(n_iter), normalizer


class IncrementalPCA(_BasePCA):
    """Principal component analysis fitted batch by batch.

    Each :meth:`partial_fit` folds a batch into the current components with
    the incremental SVD of Ross, Lim, Lin & Yang (2008): the SVD (gesdd) of
    the kept components scaled by their singular values, the batch centred on
    its own mean, and one correction row for the shift of the mean. When
    every component is kept (k = n_features), nothing is discarded and the
    result equals a full PCA of all the data seen; with fewer, each update
    drops the residual outside the kept subspace.

    Parameters
    ----------
    n_components : int or None, default=None
        Components to keep; None: min(first batch's samples, n_features).
        The first batch must have at least this many samples.
    whiten : bool, default=False
        As for :class:`PCA`.
    batch_size : int or None, default=None
        Rows per batch in :meth:`fit`; None: 5 n_features. Batches after
        the first may be smaller than n_components.
    n_jobs : int or None, default=None
        Threads; None uses ``zoo.get_num_threads()``, -1 all cores.

    Attributes
    ----------
    components_, explained_variance_, explained_variance_ratio_,
    singular_values_, n_components_ :
        As for :class:`PCA`, for all the data seen so far.
    mean_ : ndarray of shape (n_features,), float64
        Running mean (float64 whatever the input, because it accumulates).
    var_ : ndarray of shape (n_features,), float64
        Running per-feature variance (ddof=0), by Chan et al.'s update.
    noise_variance_ : float
        Mean variance of the discarded directions, from the running total
        variance: exact for the data seen, not only for the last batch.
    n_samples_seen_ : int
    batch_size_ : int
        The batch size :meth:`fit` used.
    n_features_in_ : int

    References
    ----------
    Ross, D. A., Lim, J., Lin, R.-S. & Yang, M.-H. (2008). Incremental
    learning for robust visual tracking. IJCV 77, 125-141.
    Chan, T. F., Golub, G. H. & LeVeque, R. J. (1982). Updating formulae and a
    pairwise algorithm for computing sample variances.
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "whiten": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }
    _fitted_state = {
        "n_samples_seen_": [Interval(Integral, 0, None)],
        "var_": Array(("n_features_in_",), "f"),
        "batch_size_": optional([Interval(Integral, 1, None)]),  # set by fit, not partial_fit
    }

    def __init__(self, n_components=None, *, whiten=False, batch_size=None, n_jobs=None):
        self.n_components = n_components
        self.whiten = whiten
        self.batch_size = batch_size
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Fit the model to X in batches of ``batch_size`` rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : IncrementalPCA
        """
        self._validate_params()
        if is_dask_collection(X):
            return dask_fit(self, X)
        X = validate_data(self, X, reset=True, ensure_min_samples=2)
        n, d = X.shape
        self._reset()
        batch = self.batch_size if self.batch_size is not None else 5 * d
        # The first batch must hold at least n_components rows.
        batch = max(batch, self.n_components or 0, 2)
        self.batch_size_ = int(batch)
        for start in range(0, n, batch):
            stop = min(n, start + batch)
            if n - stop < 2 and stop < n:  # no lone trailing row
                stop = n
            self._partial_fit(X[start:stop])
            if stop == n:
                break
        return self

    def partial_fit(self, X, y=None):
        """Fold one batch into the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The first batch needs at least max(2, n_components) rows; later
            ones at least 1, and they are converted to the first batch's
            float type.
        y : ignored

        Returns
        -------
        self : IncrementalPCA
        """
        first = getattr(self, "n_samples_seen_", 0) == 0
        if first:
            self._validate_params()
        if is_dask_collection(X):
            return dask_fit(self, X, reset=False)
        if first:
            X = validate_data(self, X, reset=True, ensure_min_samples=2)
        else:
            X = validate_data(self, X, reset=False, dtype=self.components_.dtype)
        self._partial_fit(X)
        return self

    def _fit_dask(self, X, reset=True):
        # partial_fit over the chunks in order, the model carried from task to task.
        from zoo.dask._pca import fit_incremental_pca

        return fit_incremental_pca(self, X, reset=reset)

    def _reset(self):
        for name in ("components_", "n_samples_seen_", "mean_", "var_"):
            self.__dict__.pop(name, None)

    def _partial_fit(self, X):
        n_batch, d = X.shape
        n_threads = resolve_n_jobs(self.n_jobs)
        n_seen = getattr(self, "n_samples_seen_", 0)
        k = self.n_components
        if n_seen == 0:
            k = min(n_batch, d) if k is None else k
            if k > d:
                raise ValueError(
                    f"IncrementalPCA: n_components={k} must be at most n_features={d}."
                )
            if n_batch < k:
                raise ValueError(
                    f"IncrementalPCA: the first batch has {n_batch} samples, fewer than "
                    f"n_components={k}; pass at least {k} rows first."
                )
        else:
            k = self.n_components_
        check_squares_in_range(X, n_terms=n_seen + n_batch, what="the covariance", estimator=self)
        centered, batch_mean, batch_var = _core.center_columns(X, n_threads)
        n_total = n_seen + n_batch
        if n_seen == 0:
            stacked = centered
            mean, var = batch_mean, batch_var
        else:
            # Chan et al.'s pairwise update of the mean and the (ddof=0)
            # variance, and Ross et al.'s stacked matrix: its scatter matrix
            # equals that of all the rows seen, about the new mean, up to
            # what the truncation to k components already dropped.
            shift = self.mean_ - batch_mean
            mean = self.mean_ - shift * (n_batch / n_total)
            var = (
                n_seen * self.var_ + n_batch * batch_var + shift**2 * (n_seen * n_batch / n_total)
            ) / n_total
            correction = np.sqrt(n_seen * n_batch / n_total) * shift
            stacked = np.vstack(
                (
                    self.singular_values_[:, None] * self.components_,
                    centered,
                    correction.astype(X.dtype)[None, :],
                )
            )
        singular_values, components = _core.pca_svd(np.ascontiguousarray(stacked, dtype=X.dtype), n_threads)
        self.n_samples_seen_ = int(n_total)
        self.mean_ = np.asarray(mean, dtype=np.float64)
        self.var_ = np.asarray(var, dtype=np.float64)
        total = float(self.var_.sum()) * n_total / max(n_total - 1, 1)
        variances = singular_values[:k].astype(np.float64) ** 2 / max(n_total - 1, 1)
        self._set_spectrum(components, variances, n_total, total, min(n_total, d), X.dtype)
