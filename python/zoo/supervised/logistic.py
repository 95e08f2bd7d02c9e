"""Logistic regression: zoo.LogisticRegression.

Binary (a sigmoid over one row of weights) or multinomial (a softmax over
one row per class) log-loss with an l2, l1, elastic-net or no penalty,
minimised exactly in C++ (L-BFGS, Newton-CG, FISTA, proximal Newton).
zoo.SGDClassifier (:mod:`zoo.supervised.sgd`) trains the same model by
gradient descent on the neural-network engine, to watch training happen.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array
from zoo._threads import resolve_n_jobs
from zoo._validation import check_sample_weight, is_dask_collection, validate_data
from zoo.base import BaseEstimator, ClassifierMixin, Interval, Options
from zoo.dask._blocks import dask_fit, lazy_rows
from zoo.exceptions import convergence_warning
from zoo.supervised._linear_classifier import LogLossClassifierMixin, class_targets
from zoo.supervised._linear_gradient import FormerGradientSolversMixin

__all__ = ["LogisticRegression", "penalised_objective"]

EXACT_SOLVERS = ("lbfgs", "newton-cg", "newton-cd", "fista")
# Which penalties each solver handles.
_SOLVER_PENALTIES = {
    "lbfgs": ("l2", None),
    "newton-cg": ("l2", None),
    "newton-cd": ("l1", "l2", "elasticnet", None),
    "fista": ("l1", "l2", "elasticnet", None),
}


class LogisticRegression(FormerGradientSolversMixin, LogLossClassifierMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression with a C++ core.

    Minimises scikit-learn's objective, with the loss averaged over the
    sample weights,

        sum_i w_i loss_i / sum_i w_i  +  penalty(W) / (C sum_i w_i)

    where penalty is ||W||^2 / 2 ("l2"), ||W||_1 ("l1"), their mix
    l1_ratio ||W||_1 + (1 - l1_ratio) ||W||^2 / 2 ("elasticnet") or 0
    (None); the intercept is never penalised. Two classes give a sigmoid
    model (``coef_`` of shape (1, n_features)); more give the full softmax
    over one row per class.

    The log-loss, its gradient (scores X W^T, the softmax residual, then
    residual^T X by GEMM, chunk by chunk) and Hessian-vector products run in
    C++ over OpenMP threads. The exact solvers stop when the max-norm of the
    gradient (for l1: of the minimum-norm subgradient, approximated by
    FISTA's gradient mapping) is at most `tol`, as scikit-learn's lbfgs does:

    - "lbfgs": limited-memory BFGS (Nocedal 1980) with a strong Wolfe line
      search (Nocedal & Wright 2006, Algorithms 3.5, 3.6 and 7.5);
    - "newton-cg": truncated Newton, conjugate gradients on Hessian-vector
      products (Nocedal & Wright 2006, Algorithm 7.1);
    - "fista": accelerated proximal gradient (Beck & Teboulle 2009) with
      backtracking and adaptive restart (O'Donoghue & Candes 2015), for
      "l1" and "elasticnet" (and the others); it stops on the gradient
      mapping, a slightly looser test than the others' at equal `tol`;
    - "newton-cd": proximal Newton (newGLMNET, Yuan, Ho & Lin 2012) on the
      full multinomial Hessian, cyclic coordinate descent on each quadratic
      model and an Armijo line search (Tseng & Yun 2009): few, costly
      iterations that reach high accuracy, fastest on small or weakly
      correlated data; slow where features are strongly correlated.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None, default="l2"
        The penalty on the coefficients.
    C : float, default=1.0
        Inverse of the penalty strength, > 0; ``np.inf`` means no penalty.
    l1_ratio : float in [0, 1] or None, default=None
        The l1 share of the "elasticnet" penalty (required there; ignored
        with a warning otherwise).
    tol : float, default=1e-4
        Gradient max-norm at which the exact solvers stop.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept per row of weights.
    class_weight : dict, "balanced" or None, default=None
        Multiplies each sample's weight by its class's weight; "balanced"
        uses n_samples / (n_classes * class count).
    random_state : int, RandomState, Generator or None, default=None
        Unused: every solver is deterministic. Accepted, as scikit-learn's
        LogisticRegression accepts it, so that code written for it runs.
    solver : {"auto", "lbfgs", "newton-cg", "newton-cd", "fista"}, default="auto"
        "auto" is "lbfgs" for "l2" or no penalty, "fista" otherwise.
    max_iter : int, default=100
        Iteration limit of the solver.
    warm_start : bool, default=False
        Start the solver from the previous fit's coefficients when the
        classes and features are the same.
    n_jobs : int or None, default=None
        Threads; None uses ``zoo.get_num_threads()``, -1 all cores.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        In X's float type.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Zeros without `fit_intercept`; centred over the classes (the softmax
        is unchanged by a common shift) in the multinomial case.
    n_iter_ : ndarray of shape (1,), dtype int32
        Iterations of the solver.
    n_features_in_ : int

    See Also
    --------
    zoo.SGDClassifier : the same objective by gradient descent, epoch by
        epoch: the same ``penalty`` and ``l1_ratio`` with
        ``alpha = 1 / (C * sum of the sample weights)``.

    Examples
    --------
    >>> from zoo.supervised.logistic import LogisticRegression
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> LogisticRegression().fit(X, [0, 0, 1, 1]).predict([[0.2], [2.8]]).tolist()
    [0, 1]
    """

    _parameter_aliases = {
        "dual": "zoo's solvers (solver=\"lbfgs\", \"newton-cg\", \"newton-cd\" or \"fista\") solve the "
                "primal problem",
        "intercept_scaling": "the intercept is never penalised, so it needs no scaling",
    }
    _parameter_constraints = {
        "penalty": [Options({"l1", "l2", "elasticnet"}), None],
        "C": [Interval(Real, 0, math.inf, closed="right")],  # inf: no penalty, as in scikit-learn
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, Options({"balanced"}), None],
        "random_state": ["random_state"],
        "solver": [Options({"auto", *EXACT_SOLVERS})],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "n_jobs": [Integral, None],
    }
    _fitted_state = {"n_iter_": Array((1,), "i")}
    _refit_with = "SGDClassifier"

    def __init__(
        self,
        penalty="l2",
        *,
        C=1.0,
        l1_ratio=None,
        tol=1e-4,
        fit_intercept=True,
        class_weight=None,
        random_state=None,
        solver="auto",
        max_iter=100,
        warm_start=False,
        n_jobs=None,
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    # -- fitting ------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32; other numeric types become float64.
        y : array-like of shape (n_samples,)
            Class labels, at least two distinct.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample (multiplied by `class_weight`).

        Returns
        -------
        self : LogisticRegression
        """
        self._validate_params()
        if is_dask_collection(X):
            return dask_fit(self, X, y, sample_weight)
        solver = self._resolved_solver()
        X = validate_data(self, X, reset=True)
        classes, labels, weight = class_targets(self, X, y, sample_weight)
        total = float(weight.sum(dtype=np.float64))
        l2, l1 = self._penalty_strengths(total)
        n_classes = classes.shape[0]
        previous = self._previous_theta(classes, X.shape[1])
        self.classes_ = classes

        rows = 1 if n_classes == 2 else n_classes
        columns = X.shape[1] + (1 if self.fit_intercept else 0)
        theta = previous if previous is not None else np.zeros((rows, columns))
        n_iter, _, status = _core.logistic_fit(
            X, labels, weight, theta, n_classes, bool(self.fit_intercept), 1.0 / total, l2, l1, solver,
            int(self.max_iter), float(self.tol), resolve_n_jobs(self.n_jobs),
        )
        warn_unless_converged(self, solver, status, n_iter, stacklevel=2)
        self._set_theta(theta, X.shape[1], X.dtype)
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def _fit_dask(self, X, y, sample_weight):
        from zoo.dask._logistic import fit_logistic  # noqa: PLC0415

        return fit_logistic(self, X, y, sample_weight)

    # On a Dask array: lazy, chunk by chunk.
    decision_function = lazy_rows(LogLossClassifierMixin.decision_function)
    predict = lazy_rows(LogLossClassifierMixin.predict)
    predict_proba = lazy_rows(LogLossClassifierMixin.predict_proba)
    predict_log_proba = lazy_rows(LogLossClassifierMixin.predict_log_proba)

    def _resolved_solver(self) -> str:
        solver = self.solver
        if solver == "auto":
            return "lbfgs" if self.penalty in ("l2", None) else "fista"
        if solver in _SOLVER_PENALTIES and self.penalty not in _SOLVER_PENALTIES[solver]:
            raise ValueError(
                f"LogisticRegression: solver={solver!r} supports penalty 'l2' or None only, got "
                f"penalty={self.penalty!r}; use solver='fista', 'newton-cd' or 'auto' for 'l1' and 'elasticnet'."
            )
        return solver

    def _penalty_strengths(self, total: float) -> tuple[float, float]:
        """(l2, l1) of the weight-normalised objective."""
        if self.penalty == "elasticnet" and self.l1_ratio is None:
            raise ValueError("LogisticRegression: penalty='elasticnet' needs l1_ratio, a float in [0, 1]; got None.")
        if self.penalty != "elasticnet" and self.l1_ratio is not None:
            warnings.warn(
                f"l1_ratio={self.l1_ratio!r} has no effect unless penalty='elasticnet' (penalty={self.penalty!r}).",
                UserWarning,
                stacklevel=3,
            )
        if self.penalty is None or math.isinf(self.C):
            return 0.0, 0.0
        strength = 1.0 / (float(self.C) * total)
        if self.penalty == "l2":
            return strength, 0.0
        if self.penalty == "l1":
            return 0.0, strength
        ratio = float(self.l1_ratio)
        return (1.0 - ratio) * strength, ratio * strength

    def _previous_theta(self, classes, n_features):
        if not (self.warm_start and hasattr(self, "coef_")):
            return None
        same = self.classes_.shape == classes.shape and np.array_equal(self.classes_, classes)
        if not same or self.coef_.shape[1] != n_features:
            return None
        parts = [self.coef_.astype(np.float64)]
        if self.fit_intercept:
            parts.append(np.asarray(self.intercept_, dtype=np.float64).reshape(-1, 1))
        return np.ascontiguousarray(np.hstack(parts))

    def _set_theta(self, theta, n_features, dtype):
        coef = theta[:, :n_features]
        if self.fit_intercept:
            intercept = theta[:, n_features].copy()
            if intercept.shape[0] > 1:
                intercept -= intercept.mean()
        else:
            intercept = np.zeros(theta.shape[0])
        self.coef_ = np.ascontiguousarray(coef, dtype=dtype)
        self.intercept_ = np.ascontiguousarray(intercept, dtype=dtype)


def penalised_objective(estimator, X, y, sample_weight=None, *, C=1.0, penalty="l2", l1_ratio=None, n_jobs=None):
    """The objective LogisticRegression minimises, at a fitted model's
    coefficients (zoo's or scikit-learn's: anything with ``classes_``,
    ``coef_`` and ``intercept_``), evaluated in float64.

    Parameters
    ----------
    estimator : fitted logistic model
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    sample_weight : array-like of shape (n_samples,), default=None
        Already multiplied by any class weights.
    C, penalty, l1_ratio : as for LogisticRegression
    n_jobs : int or None

    Returns
    -------
    float
        sum_i w_i loss_i / sum_i w_i + penalty(W) / (C sum_i w_i).
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    classes = np.asarray(estimator.classes_)
    labels = np.searchsorted(classes, np.asarray(y)).astype(np.int32)
    weight = check_sample_weight(sample_weight, X.shape[0], np.float64)
    total = float(weight.sum())
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    theta = np.ascontiguousarray(np.hstack([coef, np.asarray(estimator.intercept_, dtype=np.float64).reshape(-1, 1)]))
    smooth, _ = _core.logistic_loss_gradient(
        X, labels, weight, theta, classes.shape[0], True, 1.0 / total, 0.0, resolve_n_jobs(n_jobs)
    )
    if penalty is None or math.isinf(C):
        return float(smooth)
    ratio = {"l2": 0.0, "l1": 1.0}.get(penalty, l1_ratio)
    penalty_value = ratio * np.abs(coef).sum() + (1.0 - ratio) * 0.5 * (coef**2).sum()
    return float(smooth + penalty_value / (C * total))


def warn_unless_converged(estimator, solver, status, n_iter, stacklevel):
    """The convergence warning of a LogisticRegression solve (in memory or on Dask); stacklevel as the
    caller would pass it to warnings.warn."""
    if status == "converged" or estimator.max_iter <= 0:
        return
    reason = "reached max_iter" if status == "max_iter" else "its line search could not make progress"
    warnings.warn(
        f"LogisticRegression: solver {solver!r} {reason} before the gradient max-norm fell to "
        f"tol={estimator.tol} ({n_iter} iterations). Increase max_iter, or scale the data.",
        convergence_warning(),
        stacklevel=stacklevel + 1,
    )
