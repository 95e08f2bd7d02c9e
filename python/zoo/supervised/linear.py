"""Linear regression: zoo.LinearRegression, Ridge, Lasso and ElasticNet.

Exact solvers run in the C++ core over LAPACK:

- least squares: Cholesky on the (diagonally scaled) normal equations when
  LAPACK's condition estimate says they are safe, else an LQ factorisation
  of the data with back substitution, or the SVD of its triangle for the
  minimum-norm solution when the data are rank deficient;
- ridge: the same Cholesky with alpha on the diagonal, or the SVD filter
  s / (s^2 + alpha);
- lasso and elastic net: cyclic (or random) coordinate descent (Friedman,
  Hastie & Tibshirani 2010) stopped by the duality gap, on the Gram matrix
  when there are many more samples than features.

zoo.SGDRegressor (:mod:`zoo.supervised.sgd`) trains the same models by
gradient descent on the neural-network engine, to watch the training process.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, Either, ListOf
from zoo._threads import resolve_n_jobs
from zoo._validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    check_sample_weight,
    exact_scale,
    finite_magnitude,
    is_dask_collection,
    largest_sum_of_squares,
    seed_from_random_state,
    validate_data,
)
from zoo.base import BaseEstimator, Interval, Options, RegressorMixin
from zoo.exceptions import convergence_warning
from zoo.dask._blocks import dask_fit, lazy_rows
from zoo.supervised._linear_gradient import FormerGradientSolversMixin

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet"]

# The normal equations square the condition number. Below this reciprocal
# condition estimate of the scaled Gram matrix (condition above 1e8, so the
# data's above 1e4) Cholesky could lose more than about 1e-8 of relative
# accuracy, and the factorisation of the data itself is used instead.
CHOLESKY_MIN_RCOND = 1e-8
# Back substitution on R is safe unless R is singular to working precision.
QR_MIN_RCOND_FACTOR = 10.0

_COMMON_CONSTRAINTS = {
    "fit_intercept": ["boolean"],
    "n_jobs": [None, Integral],
}



def _check_targets(y, X, estimator):
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None."
        )
    y = check_array(y, name="y", dtype=X.dtype, ensure_2d=False, estimator=estimator)
    if y.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D; got {y.ndim} dimensions.")
    check_consistent_length(X=X, y=y)
    return y


class _LinearModel(RegressorMixin, BaseEstimator):
    """What the linear regressors (these four and SGDRegressor) share: input
    checks, fitted attributes, predict. Each provides `_solve`."""

    _parameter_aliases = {"copy_X": "zoo never writes into X, so there is nothing to copy"}

    _zoo_tags = {"multi_output": True}
    # One target (y 1-D): 1-D coefficients and a scalar intercept.
    _fitted_state = {
        "coef_": Array(("n_targets?", "n_features_in_"), "f"),
        "intercept_": Array(("n_targets?",), "coef_"),
    }

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32 (the exact solvers compute in float64 and
            return float32 coefficients, SGDRegressor trains in float32);
            other numeric types become float64.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self
        """
        self._validate_params()
        if is_dask_collection(X):
            return dask_fit(self, X, y, sample_weight)
        # The exact solvers check X's values in _solve_in_range, in the pass
        # that reads their magnitude.
        X = validate_data(self, X, reset=True, ensure_all_finite=not self._checks_magnitude)
        y = _check_targets(y, X, self)
        weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=self)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        coef, intercept = self._solve_in_range(X, Y, weight, resolve_n_jobs(self.n_jobs), y.ndim == 1)
        return self._set_coefficients(coef, intercept, X.dtype, y.ndim == 1)

    def _set_coefficients(self, coef, intercept, dtype, one_target):
        coef = np.asarray(coef, dtype=dtype)
        intercept = np.asarray(intercept, dtype=dtype)
        if one_target:
            self.coef_ = coef[0].copy()
            self.intercept_ = dtype.type(intercept[0])
        else:
            self.coef_ = coef
            self.intercept_ = intercept
        return self

    _checks_magnitude = False

    def _solve(self, X, Y, weight, n_threads, one_target):
        """(coef (n_targets, n_features), intercept (n_targets,)) fitted to
        validated X, 2-D Y and weights; sets the solver's own attributes."""
        raise NotImplementedError

    def _solve_in_range(self, X, Y, weight, n_threads, one_target):
        """`_solve`, on data the solver can compute with as they are."""
        return self._solve(X, Y, weight, n_threads, one_target)

    @lazy_rows
    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A Dask array gives a lazy Dask array, predicted chunk by chunk.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            Shaped like the y given to fit, in the coefficients' float type.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=self.coef_.dtype)
        return X @ self.coef_.T + self.intercept_


class _ExactLinearModel(FormerGradientSolversMixin, _LinearModel):
    """LinearRegression, Ridge, Lasso and ElasticNet: solved exactly, by
    factorisation or coordinate descent."""

    _refit_with = "SGDRegressor"
    _checks_magnitude = True
    # Only zoo 0.1.0's gradient solvers read these.
    _former_gradient_parameters = ("loss", "huber_delta")

    def _moments(self, X, Y, weight, n_threads):
        x_mean, y_mean, gram, xty, yty = _core.linear_moments(X, Y, weight, bool(self.fit_intercept), n_threads)
        return Moments(float(np.sum(weight, dtype=np.float64)), x_mean, y_mean, gram, xty, yty)

    def _fit_dask(self, X, y, sample_weight):
        # The rows stay where Dask holds them: moments per chunk, merged.
        from zoo.dask._linear import fit_linear

        return fit_linear(self, X, y, sample_weight)

    def _solve_in_range(self, X, Y, weight, n_threads, one_target):
        """`_solve` on X, Y and the weights divided by powers of four.

        The normal equations and the duality gap hold squares and weighted
        sums of the data, which overflow for values near the float64 limit
        (a target of 1e308, a weight of 1e308, features of 1e200). Scaled
        by powers of four, every rounding is the one the original values
        would have had, so ordinary data give bit-identical results, and the
        solution of the scaled problem (with the penalties scaled to match,
        see `_Scales`) maps back exactly. X is copied only when its squares
        could overflow.
        """
        magnitude = finite_magnitude(X, estimator=self)
        scales = _Scales(
            x=_feature_scale(X, weight, magnitude),
            y=exact_scale(Y),
            weight=exact_scale(weight, centre_range=True),
        )
        if scales.x != 1.0:
            X = X / X.dtype.type(scales.x)
        Y = Y / Y.dtype.type(scales.y)
        weight = weight / weight.dtype.type(scales.weight)
        coef, intercept = self._solve(X, Y, weight, n_threads, one_target, scales)
        return scales.unscale(coef, intercept)

    def _intercept(self, coef, x_mean, y_mean):
        if not self.fit_intercept:
            return np.zeros(coef.shape[0])
        return y_mean - coef @ x_mean


class LinearRegression(_ExactLinearModel):
    """Ordinary least squares.

    Minimises sum_i w_i ||y_i - x_i B - b||^2.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Fit an intercept (the data are centred by their weighted means);
        otherwise the model goes through the origin.
    solver : {"auto", "cholesky", "qr", "svd"}, default="auto"
        "cholesky": the normal equations, scaled to unit diagonal, by
        Cholesky (LAPACK potrf/potrs). "qr": an LQ factorisation of the
        centred data (gelqf) and back substitution; it falls back to "svd"
        when the triangle is singular to working precision. "svd": the
        minimum-norm solution from the SVD of that triangle (gelsd), as
        NumPy's and SciPy's lstsq give. "auto": "cholesky" when LAPACK's
        reciprocal condition estimate (pocon) of the scaled normal
        equations is at least 1e-8, else "qr" (so "svd" for rank-deficient
        data); "svd" when there are fewer samples than features.
        Singular values at most eps * max(n_samples, n_features) times the
        largest (eps of X's float type) count as zero, as in NumPy's lstsq.
    positive : bool, default=False
        Keep every coefficient >= 0 (the intercept is free): non-negative
        least squares by the active-set method of Lawson & Hanson on the
        normal equations, exact (as scipy.optimize.nnls, which
        scikit-learn uses). Only with solver="auto".
    n_jobs : int or None, default=None
        Threads; None uses `zoo.get_num_threads()`, -1 all cores.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : None or int
        None: the solution is computed in one step; with positive=True, the
        least-squares solves the active-set method took.
    solver_ : str
        The solver that produced the coefficients ("auto" resolved).
        "eigh" only for a Dask fit of rank-deficient data (see Notes).
    rank_ : int or None
        Numerical rank of the centred data ("svd" and "eigh" routes; the
        number of features otherwise).
    n_features_in_ : int

    Notes
    -----
    The normal equations and the factorisations are computed in float64
    for float32 data too. The Gram matrix is accumulated block by block of
    rows, each block centred on the fly, so X is never copied.

    On a Dask array, the normal equations are merged from the chunks
    (zoo.dask._linear) and solved by Cholesky whatever ``solver`` says:
    "qr" and "svd" factorise X itself, which never comes together. Where
    Cholesky is refused, the minimum-norm solution comes from the
    eigendecomposition of the merged Gram matrix (``solver_ = "eigh"``)
    when its spectrum separates cleanly into a well-conditioned part and
    round-off (directions whose singular value is below about 1e-7 of the
    largest count as exact dependences there); otherwise the fit raises
    ValueError rather than return coefficients the normal equations cannot
    resolve.

    See Also
    --------
    zoo.SGDRegressor : the same model (``penalty=None``) by gradient
        descent, epoch by epoch.
    """

    _parameter_aliases = {
        "tol": "LinearRegression solves exactly (solver=\"cholesky\", \"qr\" or \"svd\"), so it has "
               "no tolerance",
        "normalize": "scale the features with zoo.preprocessing.StandardScaler() before the model (scikit-learn dropped "
                     "normalize too)",
    }
    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "solver": [Options({"auto", "cholesky", "qr", "svd"})],
        "positive": ["boolean"],
    }
    _fitted_state = {
        "solver_": [Options({"cholesky", "qr", "svd", "eigh", "nnls"})],
        "rank_": [Interval(Integral, 0, None)],
        "n_iter_": [None, Integral],
    }
    # zoo 0.1.0's random_state seeded only the gradient solvers' shuffling.
    _former_gradient_parameters = (*_ExactLinearModel._former_gradient_parameters, "random_state")

    def __init__(self, *, fit_intercept=True, solver="auto", positive=False, n_jobs=None):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.positive = positive
        self.n_jobs = n_jobs

    def _solve(self, X, Y, weight, n_threads, one_target, scales=None):
        # The least-squares solution does not depend on the scales.
        n, d = X.shape
        if self.positive:
            return self._solve_positive(self._moments(X, Y, weight, n_threads), scales)
        solver = self.solver
        if solver == "auto" and n < d:
            solver = "svd"  # the normal equations are singular
        self.n_iter_ = None
        if solver in ("auto", "cholesky"):
            moments = self._moments(X, Y, weight, n_threads)
            solved = self._solve_cholesky(moments, solver)
            if solved is not None:
                return solved
            x_mean, y_mean = moments.x_mean, moments.y_mean
            solver = "qr"
        else:
            x_mean, y_mean = _weighted_means(X, Y, weight, self.fit_intercept)
        eps = np.finfo(np.float64).eps
        coef, _, _, rank, used_svd = _core.linear_factor_solve(
            X, Y, weight, x_mean, y_mean, solver, 0.0,
            QR_MIN_RCOND_FACTOR * eps * max(n, d), np.finfo(X.dtype).eps * max(n, d), n_threads,
        )
        self.solver_ = "svd" if used_svd else solver
        self.rank_ = int(rank)
        return coef, self._intercept(coef, x_mean, y_mean)

    def _solve_positive(self, moments, scales):
        """(coef >= 0, intercept) from the moments (the in-memory and Dask fits)."""
        check_positive_solver(self, ("auto",))
        self.rank_ = moments.gram.shape[0]
        return solve_non_negative(self, moments, np.zeros(moments.xty.shape[1]))

    def _solve_cholesky(self, moments, solver):
        """(coef, intercept) from the normal equations; None when solver is
        "auto" and they are too ill-conditioned to trust (X's own
        factorisation is needed then)."""
        self.n_iter_ = None
        min_rcond = CHOLESKY_MIN_RCOND if solver == "auto" else np.finfo(np.float64).eps
        coef, rcond = _core.linear_cholesky_solve(moments.gram, moments.xty, 0.0, min_rcond)
        if rcond >= min_rcond:
            self.solver_, self.rank_ = "cholesky", moments.gram.shape[0]
            return coef, self._intercept(coef, moments.x_mean, moments.y_mean)
        if solver == "cholesky":
            raise ValueError(
                "LinearRegression: solver='cholesky' cannot solve these normal equations: "
                f"they are singular to working precision (reciprocal condition {rcond:.3g}). "
                "Use solver='auto', 'qr' or 'svd' for rank-deficient data."
            )
        return None


class Ridge(_ExactLinearModel):
    """Least squares with an L2 penalty (Hoerl & Kennard 1970).

    Minimises sum_i w_i ||y_i - x_i B - b||^2 + alpha ||B||^2 (the
    intercept b is not penalised).

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Penalty strength, >= 0; an array gives each target its own.
    fit_intercept : bool, default=True
    solver : {"auto", "cholesky", "svd"}, default="auto"
        "cholesky": the closed form (X^T W X + alpha I)^-1 X^T W y by
        Cholesky on the scaled system. "svd": the SVD filter
        s / (s^2 + alpha) after an LQ factorisation of the data (better for
        an ill-conditioned X with a tiny alpha). "auto": "cholesky" unless
        its reciprocal condition estimate is below 1e-8, then "svd".
    positive : bool, default=False
        Keep every coefficient >= 0 (the intercept is free): the exact
        minimiser under that constraint, by Lawson & Hanson's active-set
        method on the penalised normal equations (scikit-learn reaches it
        approximately with L-BFGS-B). Only with solver="auto".
    random_state : int, RandomState, Generator or None, default=None
        Unused: both solvers are deterministic. Accepted, as scikit-learn's
        Ridge accepts it, so that code written for it runs.
    n_jobs : int or None, default=None
        Threads; None uses `zoo.get_num_threads()`, -1 all cores.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : None or int
        None: the solution is computed in one step; with positive=True, the
        least-squares solves the active-set method took.
    solver_ : str
    n_features_in_ : int

    See Also
    --------
    zoo.SGDRegressor : the same objective by gradient descent, epoch by
        epoch: ``penalty="l2"`` with ``alpha`` divided by the sum of the
        sample weights (SGDRegressor averages the loss, Ridge sums it).
    """

    _parameter_aliases = {
        **dict.fromkeys(("max_iter", "tol"), "Ridge solves exactly (solver=\"cholesky\" or \"svd\"), "
                                           "so it has no iteration limit or tolerance"),
    }
    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "alpha": [Interval(Real, 0, None, closed="left"), np.ndarray, list, tuple],
        "solver": [Options({"auto", "cholesky", "svd"})],
        "positive": ["boolean"],
        "random_state": ["random_state"],
    }
    _fitted_state = {"solver_": [Options({"cholesky", "svd", "nnls"})], "n_iter_": [None, Integral]}

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver="auto", positive=False, random_state=None,
                 n_jobs=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.positive = positive
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _alphas(self, k):
        alpha = np.asarray(self.alpha, dtype=np.float64)
        if alpha.ndim == 0:
            return np.full(k, float(alpha))
        if alpha.ndim != 1 or alpha.shape[0] not in (1, k):
            raise ValueError(
                f"Ridge: alpha must be a float or an array of shape (n_targets,) = ({k},); "
                f"got shape {alpha.shape}."
            )
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError(f"Ridge: alpha must be finite and >= 0; got {self.alpha!r}.")
        return np.broadcast_to(alpha, (k,)).copy()

    def _solve(self, X, Y, weight, n_threads, one_target, scales=None):
        n, d = X.shape
        if self.positive:
            return self._solve_positive(self._moments(X, Y, weight, n_threads), scales)
        if self.solver == "svd":
            moments = None
            x_mean, y_mean = _weighted_means(X, Y, weight, self.fit_intercept)
        else:
            moments = self._moments(X, Y, weight, n_threads)
            x_mean, y_mean = moments.x_mean, moments.y_mean

        def by_svd(alpha, targets):
            part, *_ = _core.linear_factor_solve(
                X, np.ascontiguousarray(Y[:, targets]), weight, x_mean, np.ascontiguousarray(y_mean[targets]),
                "svd", float(alpha), 0.0, np.finfo(np.float64).eps * max(n, d), n_threads,
            )
            return part

        coef = self._solve_alphas(moments, Y.shape[1], d, scales, self.solver, by_svd)
        return coef, self._intercept(coef, x_mean, y_mean)

    def _solve_positive(self, moments, scales):
        """(coef >= 0, intercept) from the moments (the in-memory and Dask fits)."""
        check_positive_solver(self, ("auto",))
        alphas = self._alphas(moments.xty.shape[1]) / (scales or _Scales()).ridge_penalty()
        return solve_non_negative(self, moments, alphas)

    def _solve_alphas(self, moments, k, d, scales, solver, by_svd):
        """Coefficients (k, d) by Cholesky on the moments (None with
        solver="svd"), or ``by_svd(alpha, targets)`` where it is refused."""
        alphas = self._alphas(k) / (scales or _Scales()).ridge_penalty()
        coef = np.empty((k, d))
        used = set()
        # Targets sharing an alpha share one solve.
        for alpha in np.unique(alphas):
            targets = np.flatnonzero(alphas == alpha)
            part = None
            if solver in ("auto", "cholesky"):
                min_rcond = CHOLESKY_MIN_RCOND if solver == "auto" else np.finfo(np.float64).eps
                part, rcond = _core.linear_cholesky_solve(
                    moments.gram, np.ascontiguousarray(moments.xty[:, targets]), float(alpha), min_rcond
                )
                if rcond < min_rcond:
                    if solver == "cholesky":
                        raise ValueError(
                            "Ridge: solver='cholesky' cannot solve this system: it is singular to "
                            f"working precision (alpha={alpha}, reciprocal condition {rcond:.3g}). "
                            "Use solver='auto' or 'svd', or a larger alpha."
                        )
                    part = None
            if part is None:
                used.add("svd")
                part = by_svd(alpha, targets)
            else:
                used.add("cholesky")
            coef[targets] = part
        # With several alphas the routes may differ; "svd" is named if any took it.
        self.solver_ = "svd" if "svd" in used else "cholesky"
        self.n_iter_ = None
        return coef


class ElasticNet(_ExactLinearModel):
    """Least squares with combined L1 and L2 penalties (Zou & Hastie 2005).

    Minimises, for each target,

        1 / (2 sum w) * sum_i w_i (y_i - x_i b - b0)^2
            + alpha * l1_ratio * ||b||_1 + alpha * (1 - l1_ratio) / 2 * ||b||^2

    (scikit-learn's objective), by coordinate descent in C++ (Friedman,
    Hastie & Tibshirani 2010) until the duality gap is at most
    tol * sum_i w_i (y_i - mean y)^2.

    Parameters
    ----------
    alpha : float, default=1.0
        Overall penalty strength, >= 0.
    l1_ratio : float, default=0.5
        Share of the L1 penalty, in [0, 1]; 1 is the lasso.
    fit_intercept : bool, default=True
    precompute : bool or "auto", default="auto"
        Run coordinate descent on the Gram matrix X^T W X, where one sweep
        costs n_features^2 whatever the number of samples; otherwise on the
        centred columns of X (n_samples * n_features per sweep). "auto":
        the Gram matrix when n_samples > 2 * n_features and n_features <= 4096.
    max_iter : int, default=1000
        Maximum sweeps over the coordinates.
    tol : float, default=1e-4
        Duality-gap tolerance, relative to the weighted sum of squares of y.
    warm_start : bool, default=False
        Start from the previous fit's coefficients.
    positive : bool, default=False
        Constrain the coefficients to be >= 0.
    selection : {"cyclic", "random"}, default="cyclic"
        Visit coordinates in order, or draw one at random (with replacement)
        per step, seeded by `random_state`.
    random_state : int, RandomState, Generator or None, default=None
        Seeds the random coordinate selection.
    n_jobs : int or None, default=None
        Threads; None uses `zoo.get_num_threads()`, -1 all cores.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
        Sweeps run; one per target when y is 2-D.
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap at the end, in the scale of the objective.
    solver_ : str
        "cd" (coordinate descent).
    n_features_in_ : int

    See Also
    --------
    zoo.SGDRegressor : the same objective (``penalty="elasticnet"``, the
        same ``alpha`` and ``l1_ratio``) by gradient descent, epoch by epoch.
    """

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "precompute": ["boolean", Options({"auto"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "selection": [Options({"cyclic", "random"})],
        "random_state": ["random_state"],
    }
    # Per target when y is 2-D.
    _fitted_state = {
        "solver_": [Options({"cd"})],
        "n_iter_": Either([Interval(Integral, 0, None)], ListOf([Interval(Integral, 0, None)], "n_targets")),
        "dual_gap_": Either([Real], Array(("n_targets",), "f")),
    }
    # zoo 0.1.0's solver chose between "cd" and the gradient solvers.
    _former_gradient_parameters = (*_ExactLinearModel._former_gradient_parameters, "solver")

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        selection="cyclic",
        random_state=None,
        n_jobs=None,
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.selection = selection
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _penalties(self):
        """(l1, l2) of the objective, per unit of 1/(2 sum w) ||r||^2."""
        return self.alpha * self.l1_ratio, self.alpha * (1.0 - self.l1_ratio)

    def _use_gram(self, n, d):
        if self.precompute == "auto":
            return n > 2 * d and d <= 4096
        return bool(self.precompute)

    def _start(self, k, d, scales):
        previous = getattr(self, "coef_", None)
        if self.warm_start and previous is not None:
            start = np.asarray(previous, dtype=np.float64).reshape(-1, d)
            if start.shape == (k, d):
                return start * (scales.x / scales.y)  # in the units of the scaled data
        return np.zeros((k, d))

    def _solve(self, X, Y, weight, n_threads, one_target, scales=None):
        n, d = X.shape
        if self._use_gram(n, d):
            return self._solve_gram(self._moments(X, Y, weight, n_threads), scales, one_target)
        x_mean, y_mean = _weighted_means(X, Y, weight, self.fit_intercept)
        xt = _core.linear_centered_columns(X, weight, x_mean, n_threads)
        root = np.sqrt(weight.astype(np.float64))

        def descend(t, b, A, B, random, seed):
            yc = np.ascontiguousarray(root * (Y[:, t] - y_mean[t]), dtype=X.dtype)
            return _core.enet_cd_columns(xt, yc, b, A, B, self.max_iter, self.tol, self.positive, random, seed)

        weight_sum = float(np.sum(weight, dtype=np.float64))
        coef = self._descend(weight_sum, Y.shape[1], d, scales, one_target, descend)
        return coef, self._intercept(coef, x_mean, y_mean)

    def _solve_gram(self, moments, scales, one_target):
        """(coef, intercept) by coordinate descent on the Gram matrix."""

        def descend(t, b, A, B, random, seed):
            return _core.enet_cd_gram(
                moments.gram, np.ascontiguousarray(moments.xty[:, t]), float(moments.yty[t]), b, A, B,
                self.max_iter, self.tol, self.positive, random, seed,
            )

        k, d = moments.xty.shape[1], moments.gram.shape[0]
        coef = self._descend(moments.weight_sum, k, d, scales, one_target, descend)
        return coef, self._intercept(coef, moments.x_mean, moments.y_mean)

    def _descend(self, weight_sum, k, d, scales, one_target, descend):
        """Coefficients (k, d): ``descend(t, b, A, B, random, seed)`` runs
        coordinate descent for target t from b (in place); sets n_iter_,
        dual_gap_ and solver_, and warns for targets that did not converge."""
        scales = scales or _Scales()
        l1, l2 = self._penalties()
        # The kernels minimise 1/2 ||r||^2 + A |b|_1 + B/2 |b|^2: the
        # objective times sum w.
        l1_scale, l2_scale = scales.elastic_net_penalties()
        A, B = weight_sum * l1 / l1_scale, weight_sum * l2 / l2_scale
        coef = self._start(k, d, scales)
        random = self.selection == "random"
        seed = seed_from_random_state(self.random_state) if random else 0
        n_iter, gaps = [], []
        for t in range(k):
            b = coef[t].copy()
            result = descend(t, b, A, B, random, seed)
            coef[t] = b
            n_iter.append(result[0])
            gaps.append(result[1:])
        for iterations, (gap, gap_tol) in zip(n_iter, gaps):
            if iterations >= self.max_iter and gap > gap_tol and l1 > 0:
                warnings.warn(
                    f"{type(self).__name__}: coordinate descent did not converge in "
                    f"max_iter={self.max_iter} sweeps (duality gap {scales.objective(gap / weight_sum):.3g}, "
                    f"tolerance {scales.objective(gap_tol / weight_sum):.3g}). Increase max_iter or tol, "
                    "or scale the features.",
                    convergence_warning(),
                    stacklevel=3,
                )
        self.solver_ = "cd"
        dual_gap = scales.objective(np.array([gap for gap, _ in gaps]) / weight_sum)
        self.n_iter_ = n_iter[0] if one_target else n_iter
        self.dual_gap_ = float(dual_gap[0]) if one_target else dual_gap
        return coef


class Lasso(ElasticNet):
    """Least squares with an L1 penalty (Tibshirani 1996).

    Minimises, for each target,

        1 / (2 sum w) * sum_i w_i (y_i - x_i b - b0)^2 + alpha * ||b||_1

    by coordinate descent with a duality-gap stop; an ElasticNet with
    ``l1_ratio=1``.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, >= 0.
    fit_intercept, precompute, max_iter, tol, warm_start, positive, selection, random_state, n_jobs
        As for ElasticNet.

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, solver_, n_features_in_
        As for ElasticNet.

    See Also
    --------
    zoo.SGDRegressor : the same objective (``penalty="l1"``, the same
        ``alpha``) by gradient descent, epoch by epoch.
    """

    _parameter_constraints = {
        name: constraint
        for name, constraint in ElasticNet._parameter_constraints.items()
        if name != "l1_ratio"
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        selection="cyclic",
        random_state=None,
        n_jobs=None,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.selection = selection
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _penalties(self):
        return self.alpha, 0.0


class Moments(NamedTuple):
    """What the Gram-matrix solvers need of the data, all float64: the sum
    of the weights, the weighted means (zeros without an intercept), and
    the centred weighted moments gram = Xc^T W Xc, xty = Xc^T W Yc and
    yty[t] = Yc[:, t]^T W Yc[:, t]. In memory `_core.linear_moments`
    computes them at once; on Dask (zoo.dask._linear) per chunk, merged."""

    weight_sum: float
    x_mean: np.ndarray
    y_mean: np.ndarray
    gram: np.ndarray
    xty: np.ndarray
    yty: np.ndarray


class _Scales(NamedTuple):
    """Powers of four that X, y and the sample weights were divided by
    (ExactLinearModel._solve_in_range), and what they do to the penalties.
    With X = x X', y = y Y', w = weight W' and coefficients b = (y / x) b',
    each objective is a constant times the same objective in X', Y', W', b'
    with its penalties divided by the factors below."""

    x: float = 1.0
    y: float = 1.0
    weight: float = 1.0

    # Products of two scales can pass float64's range; a penalty divided
    # by infinity is then 0, negligible next to data that large.

    def ridge_penalty(self) -> float:
        # sum w r^2 + alpha |b|^2: alpha is in units of the weights.
        with np.errstate(over="ignore"):
            return np.float64(self.weight) * self.x * self.x

    def elastic_net_penalties(self) -> tuple[float, float]:
        # 1/(2 sum w) sum w r^2 + l1 |b|_1 + l2/2 |b|^2: weights cancel.
        with np.errstate(over="ignore"):
            return np.float64(self.x) * self.y, np.float64(self.x) * self.x

    def unscale(self, coef, intercept):
        """Coefficients and intercept solved on the scaled data, in the
        original units (coefficients are in units of y per unit of X)."""
        return coef * (self.y / self.x), intercept * self.y

    def objective(self, value):
        """`value`, in units of the scaled objective, in those of the
        original one (y squared): infinity past float64's range."""
        with np.errstate(over="ignore"):
            return value * np.float64(self.y) * self.y


def check_positive_solver(model, solvers):
    """positive=True has one solver, the exact non-negative one."""
    if model.solver not in solvers:
        raise ValueError(
            f"{type(model).__name__}: positive=True is solved by non-negative least squares (Lawson-Hanson) "
            f"on the normal equations; solver={model.solver!r} cannot keep the coefficients non-negative. "
            "Use solver='auto'."
        )


def solve_non_negative(model, moments, alphas):
    """(coef, intercept) >= 0 from the moments, one target at a time, each
    with its ridge penalty (0 for least squares); sets solver_ and n_iter_."""
    k, d = moments.xty.shape[1], moments.gram.shape[0]
    coef = np.empty((k, d))
    n_iter = 0
    for t in range(k):
        # Lawson and Hanson's bound: each variable enters at most a few times.
        coef[t], iterations, converged = _core.linear_nnls_gram(
            moments.gram, np.ascontiguousarray(moments.xty[:, t]), float(alphas[t]), 3 * d + 10
        )
        n_iter = max(n_iter, int(iterations))
        if not converged:
            warnings.warn(
                f"{type(model).__name__}: non-negative least squares stopped after {iterations} steps short of "
                "its optimality conditions; the data may be nearly collinear.",
                convergence_warning(),
                stacklevel=4,
            )
    model.solver_, model.n_iter_ = "nnls", n_iter
    return coef, model._intercept(coef, moments.x_mean, moments.y_mean)


def _feature_scale(X, weight, magnitude):
    """The power of four to divide X by, 1.0 unless the weighted sums of
    squares the solvers form could overflow (features beyond about 1e150).
    magnitude: max |X|."""
    n_terms = float(np.sum(weight, dtype=np.float64)) * X.shape[1]
    # Headroom for the centring and the solvers' own sums.
    in_range = largest_sum_of_squares(X, n_terms, magnitude) <= np.finfo(np.float64).max / 16
    return 1.0 if in_range else exact_scale(X)


def _weighted_means(X, Y, weight, fit_intercept):
    if not fit_intercept:
        return np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    w = weight.astype(np.float64)
    total = w.sum()
    return w @ X / total, w @ Y / total
