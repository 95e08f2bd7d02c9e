"""Linear models trained by gradient descent: zoo.SGDRegressor and
zoo.SGDClassifier.

The exact estimators (LinearRegression, Ridge, Lasso, ElasticNet,
LogisticRegression) go straight to the optimum. These train the same linear
models by the neural-network engine's epoch loop, a network of one dense
layer with the engine's optimizers, learning-rate schedules, mini-batches,
early stopping, callbacks and ``history_``
(:mod:`zoo.supervised._linear_gradient`), so that training can be watched
epoch by epoch, and with the settings of zoo.MLP.

Both minimise scikit-learn's SGD objective, the loss averaged over the
sample weights plus a penalty,

    sum_i w_i L(y_i, x_i W^T + b) / sum_i w_i  +  alpha R(W)

with R(W) = ||W||^2 / 2 ("l2"), ||W||_1 ("l1"),
(1 - l1_ratio) ||W||^2 / 2 + l1_ratio ||W||_1 ("elasticnet") or 0 (None);
the intercept b is never penalised. So ElasticNet(alpha, l1_ratio) and
SGDRegressor(penalty="elasticnet", alpha, l1_ratio) state one problem, as do
Lasso(alpha) and SGDRegressor(penalty="l1", alpha); Ridge(alpha) sums the
loss instead, so SGDRegressor(alpha=alpha / sum w) matches it; and
LogisticRegression(C) is SGDClassifier(alpha=1 / (C sum w)).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from zoo._validation import validate_data
from zoo.base import BaseEstimator, ClassifierMixin, Interval, Options
from zoo.nn._constraints import TRAINING_ALIASES, TRAINING_CONSTRAINTS
from zoo.nn.history import HistoryStateMixin
from zoo.supervised._linear_classifier import LogLossClassifierMixin, class_targets
from zoo.supervised._linear_gradient import gradient_fit
from zoo.supervised.linear import _LinearModel

__all__ = ["SGDClassifier", "SGDRegressor"]

_SGD_CONSTRAINTS = {
    "penalty": [Options({"l2", "l1", "elasticnet"}), None],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "l1_ratio": [Interval(Real, 0, 1, closed="both")],
    "fit_intercept": ["boolean"],
    **TRAINING_CONSTRAINTS,
    "batch_size": [Interval(Integral, 1, None, closed="left"), Options({"full"})],
    "random_state": ["random_state"],
    "n_jobs": [None, Integral],
}

_SGD_PARAMETERS_DOC = """
    penalty : {"l2", "l1", "elasticnet"} or None, default="l2"
        The penalty R(W) on the coefficients (never on the intercept). The
        l1 term enters by its subgradient, so coefficients end near zero
        rather than exactly at it, unlike the lasso's.
    alpha : float, default=0.0001
        Strength of the penalty, >= 0.
    l1_ratio : float, default=0.15
        The l1 share of the "elasticnet" penalty, in [0, 1].
    fit_intercept : bool, default=True
    optimizer : str or zoo.nn optimizer, default="sgd"
        "sgd", "adam", "adamw", "rmsprop", "adagrad" or an optimizer object
        (``zoo.nn.SGD(momentum=0.9)``, ...).
    learning_rate : float, default=0.01
        The step size (scikit-learn's ``eta0``), applied to the engine's
        loss as in zoo.MLP.
    lr_schedule : str, zoo.nn schedule or None, default=None
        How the learning rate changes from epoch to epoch (constant if None).
    batch_size : int or "full", default=32
        Samples per step: 1 is per-sample SGD, "full" full-batch gradient
        descent (deterministic for a fixed data set).
    epochs : int, default=100
        Passes over the data (scikit-learn's ``max_iter``).
    early_stopping : bool or zoo.nn.EarlyStopping, default=False
        Stop when the validation loss (the training loss without a
        validation split) stops improving.
    validation_split : float, default=0.0
        Share of the samples held out to score each epoch (stratified for
        classes).
    shuffle : bool, default=True
        Reshuffle the samples every epoch.
    callbacks : list of zoo.nn callbacks or None, default=None
        Run at the end of each epoch; not saved with the model.
    verbose : int, default=0
    random_state : int, RandomState, Generator or None, default=None
        Seeds the shuffling and the validation split.
    n_jobs : int or None, default=None
        Threads; None uses ``zoo.get_num_threads()``, -1 all cores.
"""


class _SGDMixin(HistoryStateMixin):
    """What both SGD estimators share: the penalty, the training run and
    the parameters a saved model keeps."""

    _parameter_aliases = {
        **TRAINING_ALIASES,
        "max_iter": "the passes over the data are epochs=... (zoo trains SGD on its network engine, "
                    "whose parameters follow Keras' names)",
        "warm_start": "every fit starts from zero: there is no warm start or partial_fit",
        "average": "zoo's SGD does not average the weights (no ASGD)",
    }
    _fitted_state = {"n_iter_": [Interval(Integral, 0, None)]}

    def _penalty_strengths(self):
        """(l2, l1) of gradient_fit's objective for alpha * R(W)."""
        if self.penalty is None:
            return 0.0, 0.0
        ratio = {"l2": 0.0, "l1": 1.0}.get(self.penalty, float(self.l1_ratio))
        return float(self.alpha) * (1.0 - ratio), float(self.alpha) * ratio

    def _train(self, X, targets, weight, loss, **options):
        l2, l1 = self._penalty_strengths()
        fit = gradient_fit(self, X, targets, weight, loss=loss, l2=l2, l1=l1, **options)
        self.n_iter_ = int(fit.n_iter)
        self.history_ = fit.history
        return fit

    def _persisted_params(self):
        # Callbacks are run-time hooks and an EarlyStopping object holds
        # run-time state: neither is stored (as for zoo.MLP).
        params = super()._persisted_params()
        params["callbacks"] = None
        params["early_stopping"] = bool(params["early_stopping"])
        return params


class SGDRegressor(_SGDMixin, _LinearModel):
    """Linear regression by gradient descent on the network engine.

    Minimises (see :mod:`zoo.supervised.sgd`)

        sum_i w_i L(y_i - x_i W^T - b) / sum_i w_i  +  alpha R(W)

    with L(r) = r^2 / 2 ("squared_error") or Huber's loss (Huber 1964):
    r^2 / 2 for |r| <= epsilon, epsilon (|r| - epsilon / 2) beyond, which
    grows only linearly with outliers. Several targets (2-D y) add their
    losses. LinearRegression, Ridge, Lasso and ElasticNet solve the
    squared-error problems exactly; this estimator shows the training loop
    (forward, loss, backward, update, epoch after epoch) and takes every
    setting of the training toolbox.

    Parameters
    ----------
    loss : {"squared_error", "huber"}, default="squared_error"
        The per-sample loss L.
    epsilon : float, default=0.1
        Residual size where the Huber loss turns from quadratic to linear
        ("huber" only).
    """

    __doc__ += _SGD_PARAMETERS_DOC + """
    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        In X's float type (float32 stays float32).
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int
        Epochs run.
    history_ : zoo.nn.History
        Per-epoch loss, R^2 (squared error) and learning rate, and the
        validation scores; ``history_.diagnose()`` reads them.
    n_features_in_ : int

    Examples
    --------
    >>> from zoo import SGDRegressor
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> model = SGDRegressor(penalty=None, batch_size="full", learning_rate=0.1, epochs=500).fit(X, [1, 3, 5, 7])
    >>> [round(float(v), 3) for v in model.predict([[4.0]])]
    [9.0]
    """

    _parameter_constraints = {
        **_SGD_CONSTRAINTS,
        "loss": [Options({"squared_error", "huber"})],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        loss="squared_error",
        *,
        penalty="l2",
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        epsilon=0.1,
        optimizer="sgd",
        learning_rate=0.01,
        lr_schedule=None,
        batch_size=32,
        epochs=100,
        early_stopping=False,
        validation_split=0.0,
        shuffle=True,
        callbacks=None,
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.epsilon = epsilon
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.epochs = epochs
        self.early_stopping = early_stopping
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _solve(self, X, Y, weight, n_threads, one_target):
        loss = "squared" if self.loss == "squared_error" else "huber"
        fit = self._train(X, Y[:, 0] if one_target else Y, weight, loss, huber_delta=float(self.epsilon))
        return fit.coef, fit.intercept


class SGDClassifier(_SGDMixin, LogLossClassifierMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression by gradient descent on the network engine.

    Minimises (see :mod:`zoo.supervised.sgd`)

        sum_i w_i L_i / sum_i w_i  +  alpha R(W)

    with L_i the log-loss: of a sigmoid over one row of weights for two
    classes, of a softmax over one row per class (multinomial, as
    LogisticRegression; scikit-learn's SGDClassifier fits one-vs-rest) for
    more. LogisticRegression solves the same problem exactly; this
    estimator shows the training loop and takes every setting of the
    training toolbox.

    Parameters
    ----------
    loss : {"log_loss"}, default="log_loss"
        The per-sample loss. The log-loss is the one the engine trains a
        classifier on (scikit-learn's default is "hinge", which zoo's
        LinearSVC minimises).
    class_weight : dict, "balanced" or None, default=None
        Multiplies each sample's weight by its class's weight; "balanced"
        uses n_samples / (n_classes * class count).
    """

    __doc__ += _SGD_PARAMETERS_DOC + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        In X's float type (float32 stays float32).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Zeros without `fit_intercept`; centred over the classes (the softmax
        is unchanged by a common shift) in the multinomial case.
    n_iter_ : int
        Epochs run.
    history_ : zoo.nn.History
        Per-epoch loss, accuracy and learning rate, and the validation
        scores; ``history_.diagnose()`` reads them.
    n_features_in_ : int

    Examples
    --------
    >>> from zoo import SGDClassifier
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> SGDClassifier(learning_rate=0.5, epochs=200).fit(X, [0, 0, 1, 1]).predict([[0.2], [2.8]]).tolist()
    [0, 1]
    """

    _parameter_constraints = {
        **_SGD_CONSTRAINTS,
        "loss": [Options({"log_loss"})],
        "class_weight": [dict, Options({"balanced"}), None],
    }

    def __init__(
        self,
        loss="log_loss",
        *,
        penalty="l2",
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        class_weight=None,
        optimizer="sgd",
        learning_rate=0.01,
        lr_schedule=None,
        batch_size=32,
        epochs=100,
        early_stopping=False,
        validation_split=0.0,
        shuffle=True,
        callbacks=None,
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.epochs = epochs
        self.early_stopping = early_stopping
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

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
        self : SGDClassifier
        """
        self._validate_params()
        X = validate_data(self, X, reset=True)
        classes, labels, weight = class_targets(self, X, y, sample_weight)
        n_classes = classes.shape[0]
        loss = "log" if n_classes == 2 else "multinomial"
        fit = self._train(X, labels, weight, loss, n_classes=n_classes)
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(fit.coef, dtype=X.dtype)
        self.intercept_ = np.ascontiguousarray(fit.intercept, dtype=X.dtype)
        return self
