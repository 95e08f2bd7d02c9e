"""Support vector machines: zoo.SVC (kernel SVM) and zoo.LinearSVC."""

from __future__ import annotations

import functools
import warnings
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, Derived, Either, ListOf
from zoo._sparse import csr_arrays, is_sparse
from zoo._threads import resolve_n_jobs
from zoo._validation import (
    check_consistent_length,
    check_finite_result,
    check_is_fitted,
    check_sample_weight,
    seed_from_random_state,
    validate_data,
)
from zoo.base import BaseEstimator, ClassifierMixin, Interval, Options
from zoo.exceptions import convergence_warning
from zoo.supervised._linear_classifier import SCORE_ROWS, LinearClassifierMixin
from zoo.supervised._targets import ClassTargets

__all__ = ["SVC", "LinearSVC"]

KERNELS = ("linear", "poly", "rbf", "sigmoid")
# Pairwise probabilities are kept inside [MIN_PROB, 1 - MIN_PROB] so that the
# coupling never sees a certainty it cannot reconcile with the other pairs.
MIN_PROB = 1e-7
PLATT_FOLDS = 5
# Rows of the kernel matrix between new samples and the support vectors are
# computed this many entries at a time (64 MB of float64).
KERNEL_BLOCK_ENTRIES = 8_000_000


def _class_targets(estimator, X, y, sample_weight):
    """Classes, class index of each sample, and per-sample weights with
    class_weight folded in."""
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target y is None.")
    targets = ClassTargets.from_fit(y)
    if targets.multilabel:
        raise ValueError(
            f"{type(estimator).__name__} does not support multilabel targets; y must be 1-D class labels."
        )
    encoded = targets.encode(y, dtype=np.int32)
    check_consistent_length(X=X, y=encoded)
    weight = check_sample_weight(sample_weight, X.shape[0], np.float64, estimator=estimator)
    weight = targets.fold_class_weight(weight, encoded, estimator.class_weight)
    return targets.classes, np.ascontiguousarray(encoded[:, 0]), np.ascontiguousarray(weight, dtype=np.float64)


def _ovr_from_ovo(decision, n_classes):
    """One-vs-rest scores from one-vs-one decision values.

    Each class scores its pairwise wins, plus its summed pairwise margins
    squashed into (-1/3, 1/3): the margins only break ties between equal
    vote counts and never overturn a vote.
    """
    votes = np.zeros((decision.shape[0], n_classes))
    margins = np.zeros_like(votes)
    pair = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            d = decision[:, pair]
            votes[:, i] += d >= 0
            votes[:, j] += d < 0
            margins[:, i] += d
            margins[:, j] -= d
            pair += 1
    return votes + margins / (3 * (np.abs(margins) + 1))


def _pairs(n_classes):
    return [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]


class _OnlyWithProbability:
    """A method that exists only when the estimator's probability=True, so
    that hasattr(svc, "predict_proba") answers truthfully."""

    def __init__(self, method):
        self.method = method
        functools.update_wrapper(self, method)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self.method
        if not instance.probability:
            raise AttributeError(f"{self.method.__name__} is not available when probability=False")
        return self.method.__get__(instance, owner)


# One-vs-one: the dual coefficients of each support vector against the other
# classes, and one intercept (one solver run) per pair of classes.
_OTHER_CLASSES = Derived("n_classes - 1", lambda n_classes: n_classes - 1, "classes_")
_CLASS_PAIRS = Derived("n_classes * (n_classes - 1) / 2", lambda n_classes: n_classes * (n_classes - 1) // 2,
                       "classes_")


class SVC(ClassifierMixin, BaseEstimator):
    """C-support vector classification with a C++ core.

    The dual problem of each pair of classes (one-vs-one) is solved by SMO
    (Platt 1998) with the second-order working-set selection of Fan, Chen &
    Lin (2005), shrinking (Joachims 1999) and the stopping rule of Keerthi
    et al. (2001). Kernel rows are computed through BLAS, in parallel (a
    missing row together with those of the strongest other violators, by one
    GEMM), and kept in float32 in a least-recently-used cache, as libsvm
    keeps them, so the iterates follow libsvm's. Once the cache must evict
    a row, the solver goes on from where SMO stands with working sets of up
    to 512 variables (the decomposition of ThunderSVM, Wen et al. 2018):
    their rows are computed together by GEMM and the sub-problem over them
    is solved by the same pair steps before the full gradient moves, so
    rows are no longer recomputed one at a time. Pairs of classes run in
    parallel when there are at least twice as many as threads. Probabilities come from Platt's
    sigmoid (Platt 1999, in the form of Lin, Lin & Weng 2007) fitted to
    cross-validated decision values, coupled across pairs as in Wu, Lin &
    Weng (2004).

    Parameters
    ----------
    C : float, default=1.0
        Penalty on margin violations; the bound of each dual variable is C
        times the sample's weight and its class weight. Must be > 0.
    kernel : {"linear", "poly", "rbf", "sigmoid"}, default="rbf"
        K(x, z): x.z, (gamma x.z + coef0)^degree, exp(-gamma |x - z|^2) or
        tanh(gamma x.z + coef0).
    degree : int, default=3
        Degree of the polynomial kernel.
    gamma : {"scale", "auto"} or float, default="scale"
        Kernel coefficient of "rbf", "poly" and "sigmoid": "scale" is
        1 / (n_features * X.var()), "auto" 1 / n_features; a float must be > 0.
    coef0 : float, default=0.0
        Constant term of the "poly" and "sigmoid" kernels.
    shrinking : bool, default=True
        Set aside variables stuck at a bound during SMO.
    probability : bool, default=False
        Fit Platt's sigmoids (five more fits per pair) and enable
        `predict_proba` and `predict_log_proba`.
    tol : float, default=1e-3
        Stop when the largest KKT violation gap is below tol.
    cache_size : float, default=200
        Megabytes of kernel rows kept per solver.
    class_weight : dict, "balanced" or None, default=None
        Multiplies C for the samples of each class; "balanced" uses
        n_samples / (n_classes * count).
    max_iter : int, default=-1
        SMO steps per pair; -1 means no limit.
    decision_function_shape : {"ovr", "ovo"}, default="ovr"
        Shape of `decision_function` for more than two classes.
    break_ties : bool, default=False
        With "ovr" and more than two classes, predict by the one-vs-rest
        scores rather than by the plain one-vs-one vote.
    random_state : int, RandomState, Generator or None, default=None
        Seeds the cross-validation folds of Platt scaling.
    n_jobs : int or None, default=None
        Threads; None uses `zoo.get_num_threads()`, -1 all cores.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    support_ : ndarray of shape (n_SV,), dtype int32
        Row indices in X of the support vectors, grouped by class (rows of
        weight 0 count, so support_vectors_ == X[support_]; scikit-learn
        numbers only the rows of positive weight).
    support_vectors_ : ndarray of shape (n_SV, n_features)
    n_support_ : ndarray of shape (n_classes,), dtype int32
    dual_coef_ : ndarray of shape (n_classes - 1, n_SV)
        y_i alpha_i of each support vector in each of its class's pairs, in
        scikit-learn's layout (for two classes, signed so that positive
        decisions mean classes_[1]).
    intercept_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
    coef_ : ndarray of shape (n_classes * (n_classes - 1) / 2, n_features)
        Only for the linear kernel.
    probA_, probB_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        Platt's sigmoid per pair (empty unless probability=True).
    n_iter_ : ndarray of shape (n_classes * (n_classes - 1) / 2,), dtype int32
        SMO steps per pair.
    fit_status_ : int
        0, or 1 when max_iter stopped a solver.
    class_weight_ : ndarray of shape (n_classes,)
    shape_fit_ : tuple
    n_features_in_ : int
    """

    _parameter_constraints = {
        "C": [Interval(Real, 0, None, closed="neither")],
        "kernel": [Options(set(KERNELS))],
        "degree": [Interval(Integral, 0, None, closed="left")],
        "gamma": [Options({"scale", "auto"}), Interval(Real, 0, None, closed="neither")],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "shrinking": ["boolean"],
        "probability": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "cache_size": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [None, dict, Options({"balanced"})],
        "max_iter": [Interval(Integral, -1, None, closed="left")],
        "decision_function_shape": [Options({"ovr", "ovo"})],
        "break_ties": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [None, Integral],
    }
    _fitted_state = {
        "_gamma_": [Interval(Real, 0, None, closed="neither")],
        "classes_": Array(("n_classes",), "biufUO"),
        "support_": Array(("n_support_vectors",), "i"),
        "support_vectors_": Array(("n_support_vectors", "n_features_in_"), "f"),
        "n_support_": Array(("n_classes",), "i"),
        "_dual_coef_": Array((_OTHER_CLASSES, "n_support_vectors"), "f"),
        "dual_coef_": Array((_OTHER_CLASSES, "n_support_vectors"), "f"),
        "_intercept_": Array((_CLASS_PAIRS,), "f"),
        "intercept_": Array((_CLASS_PAIRS,), "f"),
        "n_iter_": Array((_CLASS_PAIRS,), "i"),
        "fit_status_": [Interval(Integral, 0, 1)],
        "shape_fit_": ListOf([Interval(Integral, 0, None)], 2),
        "class_weight_": Array(("n_classes",), "f"),
        # Empty unless fitted with probability=True.
        "probA_": Either(Array((0,), "f"), Array((_CLASS_PAIRS,), "f")),
        "probB_": Either(Array((0,), "f"), Array((_CLASS_PAIRS,), "f")),
    }

    def __init__(
        self,
        *,
        C=1.0,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        shrinking=True,
        probability=False,
        tol=1e-3,
        cache_size=200,
        class_weight=None,
        max_iter=-1,
        decision_function_shape="ovr",
        break_ties=False,
        random_state=None,
        n_jobs=None,
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------- fit

    def fit(self, X, y, sample_weight=None):
        """Fit the SVM.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32 (the kernels' dot products are then
            computed in float32); other numeric types become float64.
        y : array-like of shape (n_samples,)
            Class labels; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplies C per sample; samples of weight 0 are left out.

        Returns
        -------
        self : SVC
        """
        self._validate_params()
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")
        X = validate_data(self, X, reset=True)
        classes, labels, weight = _class_targets(self, X, y, sample_weight)
        n_classes = classes.shape[0]
        kept = np.flatnonzero(weight > 0)
        present = np.unique(labels[kept])
        if present.shape[0] < 2:
            raise ValueError(
                "Invalid input: all samples with positive weight belong to one class; "
                "an SVM needs samples of at least 2 classes."
            )
        if present.shape[0] < n_classes:
            missing = np.setdiff1d(np.arange(n_classes), present)
            raise ValueError(f"classes {classes[missing].tolist()} have no sample with positive weight")
        self._gamma_ = self._resolved_gamma(X)
        n_threads = resolve_n_jobs(self.n_jobs)
        Xk, labels_k, upper = X[kept], labels[kept], self.C * weight[kept]
        coefs, rho, n_iter, reached = self._solve(Xk, labels_k, upper, n_classes, n_threads)
        if reached:
            warnings.warn(
                f"Solver terminated early (max_iter={self.max_iter}). Consider pre-processing your data "
                "with StandardScaler or MinMaxScaler.",
                convergence_warning(),
                stacklevel=2,
            )

        support, dual = self._support_layout(labels_k, coefs, n_classes)
        self.classes_ = classes
        self.support_ = kept[support].astype(np.int32)
        self.support_vectors_ = np.ascontiguousarray(X[self.support_])
        self.n_support_ = np.bincount(labels_k[support], minlength=n_classes).astype(np.int32)
        self._dual_coef_ = dual
        self._intercept_ = -rho
        sign = -1.0 if n_classes == 2 else 1.0  # classes_[1] positive, as scikit-learn
        self.dual_coef_ = sign * dual
        self.intercept_ = sign * self._intercept_
        self.n_iter_ = n_iter.astype(np.int32)
        self.fit_status_ = int(bool(reached))
        self.shape_fit_ = X.shape
        self.class_weight_ = self._class_weight_vector(classes, labels)
        if self.probability:
            self.probA_, self.probB_ = self._platt(Xk, labels_k, upper, n_classes, n_threads)
        else:
            self.probA_ = np.empty(0)
            self.probB_ = np.empty(0)
        return self

    def _resolved_gamma(self, X):
        if self.gamma == "scale":
            with np.errstate(over="ignore", invalid="ignore"):
                variance = float(X.var(dtype=np.float64))
            if not np.isfinite(variance):
                # gamma would be 0 (or NaN) and every kernel value the same.
                raise ValueError(
                    f"SVC: gamma='scale' is 1 / (n_features * X.var()), and X's variance overflows float64 "
                    f"(X holds values up to {max(float(X.max()), -float(X.min())):.3g} in magnitude); scale X "
                    "(e.g. with zoo.preprocessing.StandardScaler) or give gamma as a number."
                )
            return 1.0 / (X.shape[1] * variance) if variance != 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _kernel_args(self):
        return self.kernel, float(self._gamma_), float(self.coef0), int(self.degree)

    def _solve(self, X, labels, upper, n_classes, n_threads):
        kernel, gamma, coef0, degree = self._kernel_args()
        return _core.svc_fit_ovo(
            X,
            labels.astype(np.int32),
            upper,
            n_classes,
            kernel,
            gamma,
            coef0,
            degree,
            float(self.tol),
            bool(self.shrinking),
            float(self.cache_size),
            int(self.max_iter),
            n_threads,
        )

    @staticmethod
    def _support_layout(labels, coefs, n_classes):
        """Support indices grouped by class and dual coefficients in the
        one-vs-one layout: the coefficient of a sample of class c in the
        pair (c, o) sits in row o - 1 if o > c, row o otherwise."""
        members = [np.flatnonzero(labels == c) for c in range(n_classes)]
        per_class = [np.zeros((n_classes - 1, m.shape[0])) for m in members]
        for (a, b), coef in zip(_pairs(n_classes), coefs):
            n_a = members[a].shape[0]
            per_class[a][b - 1] = coef[:n_a]
            per_class[b][a] = coef[n_a:]
        support, blocks = [], []
        for c in range(n_classes):
            is_sv = np.any(per_class[c] != 0, axis=0)
            support.append(members[c][is_sv])
            blocks.append(per_class[c][:, is_sv])
        return np.concatenate(support), np.ascontiguousarray(np.hstack(blocks))

    def _class_weight_vector(self, classes, labels):
        ones = np.ones(labels.shape[0])
        targets = ClassTargets(classes)
        folded = targets.fold_class_weight(ones, labels.reshape(-1, 1), self.class_weight)
        vector = np.ones(classes.shape[0])
        for c in range(classes.shape[0]):
            rows = np.flatnonzero(labels == c)
            if rows.size:
                vector[c] = folded[rows[0]]
        return vector

    def _pair_coefficients(self):
        """(n_pairs, n_SV): each pair's coefficient of every support vector,
        in libsvm's orientation (positive decisions mean the pair's first
        class)."""
        n_classes = self.classes_.shape[0]
        starts = np.concatenate([[0], np.cumsum(self.n_support_)])
        pairs = _pairs(n_classes)
        weights = np.zeros((len(pairs), self._dual_coef_.shape[1]))
        for p, (a, b) in enumerate(pairs):
            sa, sb = slice(starts[a], starts[a + 1]), slice(starts[b], starts[b + 1])
            weights[p, sa] = self._dual_coef_[b - 1, sa]
            weights[p, sb] = self._dual_coef_[a, sb]
        return weights

    def _pair_decision(self, X, n_threads):
        """libsvm-oriented decision values, (n_samples, n_pairs)."""
        kernel, gamma, coef0, degree = self._kernel_args()
        weights = self._pair_coefficients()
        n_sv = self.support_vectors_.shape[0]
        out = np.empty((X.shape[0], weights.shape[0]))
        step = max(1, KERNEL_BLOCK_ENTRIES // max(n_sv, 1))
        for start in range(0, X.shape[0], step):
            block = X[start : start + step]
            K = _core.svm_kernel_matrix(block, self.support_vectors_, kernel, gamma, coef0, degree, n_threads)
            out[start : start + step] = K @ weights.T
        out += self._intercept_
        # predict and predict_proba read these too: a NaN decision (a row
        # whose dot products overflow) must not become a label silently.
        return check_finite_result(out, estimator=self, method="decision_function", allow_inf="both")

    # ------------------------------------------------------------- predict

    def _validated(self, X):
        check_is_fitted(self, "support_vectors_")
        return validate_data(self, X, reset=False, dtype=np.float64)

    def decision_function(self, X):
        """Signed distances to the separating hyperplanes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (positive means
        classes_[1]), else (n_samples, n_classes) for "ovr" or
        (n_samples, n_classes * (n_classes - 1) / 2) for "ovo".
        """
        X = self._validated(X)
        decision = self._pair_decision(X, resolve_n_jobs(self.n_jobs))
        n_classes = self.classes_.shape[0]
        if n_classes == 2:
            return -decision[:, 0]
        if self.decision_function_shape == "ovr":
            return _ovr_from_ovo(decision, n_classes)
        return decision

    def predict(self, X):
        """Class labels: the one-vs-one vote (ties to the first class).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._validated(X)
        decision = self._pair_decision(X, resolve_n_jobs(self.n_jobs))
        n_classes = self.classes_.shape[0]
        if n_classes > 2 and self.break_ties and self.decision_function_shape == "ovr":
            return self.classes_[np.argmax(_ovr_from_ovo(decision, n_classes), axis=1)]
        votes = np.zeros((X.shape[0], n_classes), dtype=np.int64)
        for p, (a, b) in enumerate(_pairs(n_classes)):
            first = decision[:, p] > 0
            votes[:, a] += first
            votes[:, b] += ~first
        return self.classes_[np.argmax(votes, axis=1)]

    @_OnlyWithProbability
    def predict_proba(self, X):
        """Class probabilities from Platt's sigmoids, coupled across pairs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        X = self._validated(X)
        if self.probA_.size == 0:
            raise AttributeError("predict_proba is not available: the model was fitted with probability=False")
        n_threads = resolve_n_jobs(self.n_jobs)
        decision = self._pair_decision(X, n_threads)
        pairwise = _sigmoid(decision * self.probA_ + self.probB_)
        np.clip(pairwise, MIN_PROB, 1 - MIN_PROB, out=pairwise)
        if self.classes_.shape[0] == 2:
            return np.column_stack([pairwise[:, 0], 1 - pairwise[:, 0]])
        return _core.svm_pairwise_coupling(np.ascontiguousarray(pairwise), self.classes_.shape[0], n_threads)

    @_OnlyWithProbability
    def predict_log_proba(self, X):
        """Logarithm of `predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    @property
    def coef_(self):
        """Primal weights of each pair, ndarray of shape (n_pairs, n_features);
        only for the linear kernel."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        check_is_fitted(self, "support_vectors_")
        coef = self._pair_coefficients() @ self.support_vectors_
        return -coef if self.classes_.shape[0] == 2 else coef

    # --------------------------------------------------------- probability

    def _platt(self, X, labels, upper, n_classes, n_threads):
        """Platt's sigmoid of each pair, fitted to decision values from
        5-fold cross-validation on the pair's samples (as libsvm does)."""
        rng = np.random.default_rng(seed_from_random_state(self.random_state))
        kernel, gamma, coef0, degree = self._kernel_args()
        prob_a, prob_b = [], []
        for a, b in _pairs(n_classes):
            rows = np.concatenate([np.flatnonzero(labels == a), np.flatnonzero(labels == b)])
            sign = np.where(labels[rows] == a, 1.0, -1.0)
            decision = np.empty(rows.shape[0])
            for held in np.array_split(rng.permutation(rows.shape[0]), PLATT_FOLDS):
                if held.size == 0:
                    continue
                train = np.setdiff1d(np.arange(rows.shape[0]), held)
                train_sign = sign[train]
                if np.all(train_sign > 0) or np.all(train_sign < 0):
                    decision[held] = train_sign[0] if train.size else 0.0
                    continue
                fold_labels = (train_sign < 0).astype(np.int32)
                coefs, rho, _, _ = self._solve(X[rows[train]], fold_labels, upper[rows[train]], 2, n_threads)
                K = _core.svm_kernel_matrix(
                    np.ascontiguousarray(X[rows[held]]),
                    np.ascontiguousarray(X[rows[train]][np.argsort(fold_labels, kind="stable")]),
                    kernel,
                    gamma,
                    coef0,
                    degree,
                    n_threads,
                )
                decision[held] = K @ coefs[0] - rho[0]
            A, B = _core.platt_fit(decision, sign)
            prob_a.append(A)
            prob_b.append(B)
        return np.array(prob_a), np.array(prob_b)


def _sigmoid(z):
    """1 / (1 + exp(z)) without overflow."""
    out = np.empty_like(z)
    positive = z >= 0
    e = np.exp(-z[positive])
    out[positive] = e / (1 + e)
    out[~positive] = 1 / (1 + np.exp(z[~positive]))
    return out


class LinearSVC(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Linear support vector classification.

    Minimises 1/2 |w|^2 + sum_i C_i loss(y_i (w . x_i + b)) with the hinge or
    squared hinge loss, one problem per class against the rest (classes in
    parallel). The dual solver is the coordinate descent of Hsieh, Chang,
    Lin, Keerthi & Sundararajan (2008): coordinates in a random order each
    sweep, with shrinking. The primal solver (squared hinge only) is Newton's
    method on the generalised Hessian (Mangasarian 2002; Keerthi & DeCoste
    2005), formed with BLAS and factorised by Cholesky, with an exact line
    search: few iterations, each a handful of passes over X, but a Hessian
    of n_features^2 entries. A solver that stops short of `tol` (at
    `max_iter`, or when its steps no longer lower the objective) warns with
    a ConvergenceWarning. The
    intercept is the weight of an extra feature of value
    `intercept_scaling`, so it is regularised as well.

    Parameters
    ----------
    penalty : {"l2"}, default="l2"
        Regularisation (only the squared l2 norm).
    loss : {"hinge", "squared_hinge"}, default="squared_hinge"
    dual : "auto" or bool, default="auto"
        True: dual coordinate descent; False: primal Newton (squared hinge
        only); "auto": the primal for the squared hinge when n_samples >
        n_features, the dual otherwise (scikit-learn's rule). Unscaled
        features (raw pixels of 0..255) slow both down, the primal to
        hundreds of Newton steps, but it still reaches tol, where coordinate
        descent stops at max_iter far from the optimum (thousands of times
        its objective on 784 pixels of 0..255): "auto" keeps the rule.
    tol : float, default=1e-4
        Dual: stop when the spread of the projected gradient is below tol.
        Primal: stop when |gradient|^2 / 2 <= tol * f(w), f the objective;
        f is 1-strongly convex, so this bounds f's relative distance from
        its minimum by tol whatever the scale of X (scikit-learn's test,
        relative to the gradient at w = 0, loosens with the square of the
        features' scale).
    C : float, default=1.0
        Penalty on the loss; must be > 0.
    multi_class : {"ovr"}, default="ovr"
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1.0
        Value of the synthetic feature that carries the intercept.
    class_weight : dict, "balanced" or None, default=None
        Multiplies C for the samples of each class.
    random_state : int, RandomState, Generator or None, default=None
        Seeds the coordinate order.
    max_iter : int, default=1000
        Sweeps over the data (dual) or Newton steps (primal) per problem.
    n_jobs : int or None, default=None
        Threads (classes in parallel); None uses `zoo.get_num_threads()`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Largest number of sweeps or Newton steps over the problems.
    n_features_in_ : int
    """

    _zoo_tags = {"sparse": True}  # SciPy sparse X: dual coordinate descent over the stored entries
    _parameter_constraints = {
        "penalty": [Options({"l2"})],
        "loss": [Options({"hinge", "squared_hinge"})],
        "dual": ["boolean", Options({"auto"})],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "C": [Interval(Real, 0, None, closed="neither")],
        "multi_class": [Options({"ovr"})],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [None, dict, Options({"balanced"})],
        "random_state": ["random_state"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [None, Integral],
    }
    _fitted_state = {
        "n_iter_": [Interval(Integral, 0, None)],
        "_dual_objective_": Array((SCORE_ROWS,), "f"),
    }

    def __init__(
        self,
        penalty="l2",
        loss="squared_hinge",
        *,
        dual="auto",
        tol=1e-4,
        C=1.0,
        multi_class="ovr",
        fit_intercept=True,
        intercept_scaling=1.0,
        class_weight=None,
        random_state=None,
        max_iter=1000,
        n_jobs=None,
    ):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.max_iter = max_iter
        self.n_jobs = n_jobs

    def fit(self, X, y, sample_weight=None):
        """Fit the linear SVM.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Computed in float64. A SciPy sparse matrix (text, one-hot data)
            is solved by dual coordinate descent over its stored entries,
            never densified.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplies C per sample.

        Returns
        -------
        self : LinearSVC
        """
        self._validate_params()
        if self.loss == "hinge" and self.dual is False:
            raise ValueError(
                "loss='hinge' is only supported with dual=True (or 'auto'): the primal solver "
                "needs the squared hinge loss"
            )
        X = validate_data(self, X, reset=True, dtype=np.float64, accept_sparse=True)
        sparse = is_sparse(X)
        if sparse and self.dual is False:
            raise ValueError(
                "LinearSVC: dual=False (Newton's method on the primal) forms an n_features x n_features Hessian, "
                "which sparse X (text, one-hot data) makes too large; use dual=True or 'auto'."
            )
        classes, labels, weight = _class_targets(self, X, y, sample_weight)
        if np.unique(labels[weight > 0]).shape[0] < 2:
            raise ValueError(
                "Invalid input: all samples with positive weight belong to one class; "
                "a classifier needs samples of at least 2 classes."
            )
        n_classes = classes.shape[0]
        positive = [1] if n_classes == 2 else list(range(n_classes))
        targets = np.where(labels[None, :] == np.array(positive)[:, None], 1.0, -1.0)
        bias_scale = float(self.intercept_scaling) if self.fit_intercept else 0.0
        primal = not sparse and self._uses_primal(X.shape)
        problem = (np.ascontiguousarray(targets), self.C * weight, self.loss == "squared_hinge", float(self.tol),
                   int(self.max_iter), bias_scale, seed_from_random_state(self.random_state),
                   resolve_n_jobs(self.n_jobs))
        if sparse:  # dual coordinate descent over each row's stored entries
            W, dual_objective, n_iter, reached, stalled = _core.linear_svm_fit_sparse(*csr_arrays(X), *problem)
        else:
            W, dual_objective, n_iter, reached, stalled = _core.linear_svm_fit(X, *problem, primal)
        if reached or stalled:
            warnings.warn(self._not_converged_message(primal, reached), convergence_warning(), stacklevel=2)
        d = X.shape[1]
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(W[:, :d])
        self.intercept_ = W[:, d] * bias_scale if self.fit_intercept else np.zeros(W.shape[0])
        self.n_iter_ = int(n_iter)
        self._dual_objective_ = dual_objective
        return self

    def _not_converged_message(self, primal, reached):
        if not primal:
            solver, where = "dual coordinate descent", f"in max_iter={self.max_iter} sweeps"
            remedies = "raise max_iter, or use dual=False (squared hinge only)"
        elif reached:
            solver, where = "Newton's method", f"in max_iter={self.max_iter} steps"
            remedies = "raise max_iter, or use dual=True"
        else:
            solver = "Newton's method"
            where = "when a Newton step no longer lowered the objective at floating-point precision"
            remedies = "raise tol, or use dual=True"
        return (
            f"LinearSVC: {solver} stopped short of tol={self.tol} {where}, so the model may be far from the "
            "optimum. Scale the features (zoo.preprocessing.StandardScaler; unscaled features such as raw "
            f"pixels make the problem ill-conditioned), {remedies}."
        )

    def _uses_primal(self, shape):
        if self.dual == "auto":
            # As scikit-learn: the primal when samples outnumber features.
            return self.loss == "squared_hinge" and shape[0] > shape[1]
        return not self.dual

