"""Gradient training of a linear model on the neural-network engine, for
zoo.SGDRegressor and zoo.SGDClassifier (:mod:`zoo.supervised.sgd`).

The model is a network of one dense layer (no hidden layers) trained by the
engine's epoch loop: its optimizers, learning-rate schedules, mini-batches,
early stopping, callbacks and ``history_``. The exact estimators
(LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression) reach the
optimum directly; this shows how it is approached, epoch by epoch.

`gradient_fit` takes the objective in one convention,

    sum_i w_i loss_i / sum_i w_i  +  l2/2 ||W||_F^2  +  l1 ||W||_1

(the intercept is never penalised), with loss_i = 1/2 ||r_i||^2 for "squared",
sum_j huber(r_ij) for "huber", the logistic loss for "log" and the softmax
cross-entropy for "multinomial", and rescales it onto the engine's losses,
which average over outputs and take the squared error without the 1/2
(PyTorch's MSELoss), so the minimiser is the estimator's. The learning rate
applies to the engine's loss, as it would in PyTorch or Keras.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from zoo import _core
from zoo._validation import seed_from_random_state
from zoo.nn._model import NetworkModelMixin, TrainingSet
from zoo.nn.history import History
from zoo.nn.network import LayerSpec
from zoo.supervised._targets import ClassTargets, RegressionTargets

# The settings of the engine's epoch loop that the SGD estimators take (as
# zoo.MLP does), constrained by zoo.nn._constraints.TRAINING_CONSTRAINTS;
# batch_size may also be "full" (the whole training set per step).
TRAINING_PARAMETERS = (
    "optimizer", "learning_rate", "lr_schedule", "batch_size", "epochs",
    "early_stopping", "validation_split", "shuffle", "callbacks", "verbose",
)

GradientFit = namedtuple("GradientFit", ["coef", "intercept", "n_iter", "history"])

# The engine's loss for each, and how many times the estimator's data term
# it is per output: the engine averages regression losses over the k
# outputs and takes the squared error without the 1/2; its cross-entropies
# are the estimator's own.
_LOSSES = {
    "squared": (_core.Loss.mse, 2.0),
    "huber": (_core.Loss.huber, 1.0),
    "log": (_core.Loss.binary_crossentropy, None),
    "multinomial": (_core.Loss.categorical_crossentropy, None),
}
_VALIDATION_STREAM = 0x11AEA2  # the validation split's own random stream

# The `solver` values with which zoo 0.1.0 trained the exact estimators by
# gradient descent, before SGDRegressor and SGDClassifier took that over.
_FORMER_SOLVERS = ("gd", "sgd", "minibatch")


def gradient_fit(estimator, X, Y, sample_weight, *, loss, l2=0.0, l1=0.0, n_classes=None, huber_delta=1.0):
    """Train a linear model on (X, Y) by the engine; see the module docstring.

    Parameters
    ----------
    estimator : SGDRegressor or SGDClassifier: the TRAINING_PARAMETERS,
        `fit_intercept`, `random_state` and `n_jobs`.
    X : ndarray (n, d), float32 or float64, validated.
    Y : ndarray, (n,) or (n, k) values for "squared"/"huber"; (n,) 0/1 for
        "log"; (n,) class indices in [0, n_classes) for "multinomial".
    sample_weight : ndarray (n,) or None
    """
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {sorted(_LOSSES)}, got {loss!r}")
    code, per_output = _LOSSES[loss]
    n, _ = X.shape
    if per_output is not None:
        targets = RegressionTargets(1 if np.ndim(Y) == 1 else Y.shape[1], np.ndim(Y) == 1)
    elif loss == "log":
        targets = ClassTargets(n_labels=1)
    else:
        targets = ClassTargets(np.arange(int(n_classes)))
    encoded = np.ascontiguousarray(np.reshape(Y, (n, -1)), dtype=X.dtype)
    weight = np.ones(n, dtype=X.dtype) if sample_weight is None else np.ascontiguousarray(sample_weight, dtype=X.dtype)
    k = targets.n_outputs
    network = _LinearNetwork(estimator, X.shape[1], k, code, targets)
    # The engine minimises `factor` times the estimator's objective; its
    # penalty is l1 |W| + l2 W^2.
    factor = 1.0 if per_output is None else per_output / k
    network.l2 = factor * float(l2) / 2.0
    network.l1 = factor * float(l1)
    network.huber_delta = float(huber_delta)
    network.train(X, encoded, weight)
    coef = network.network_.weights()[0].T.copy()
    intercept = network.network_.biases()[0].copy() if estimator.fit_intercept else np.zeros(k, dtype=X.dtype)
    last_loss = network.history_.epoch_logs(-1).get("loss", np.nan) if len(network.history_) else np.nan
    # Finite weights can still be diverged ones: around 1e260 the loss has
    # already overflowed to inf while the weights have not.
    if not (np.isfinite(coef).all() and np.isfinite(intercept).all() and np.isfinite(last_loss)):
        # Raised before the estimator stores anything, so a fitted model keeps its old weights.
        raise ValueError(
            f"{type(estimator).__name__} diverged: the weights or the loss became NaN or infinite within "
            f"{network.n_epochs_} epochs at learning_rate={estimator.learning_rate}; lower the learning "
            "rate or scale X (e.g. to zero mean and unit variance)"
        )
    if loss == "multinomial":
        # Softmax is unchanged by a common shift of the intercepts; centring
        # picks the solution the penalty would pick were it penalised.
        intercept -= intercept.mean()
    return GradientFit(coef, intercept, network.n_epochs_, network.history_)


class _LinearNetwork(NetworkModelMixin):
    """One dense layer trained by the engine's epoch loop with a linear
    estimator's settings. Callbacks receive this object as their model."""

    init = None  # a convex problem: the weights start at zero
    clip_norm = None
    clip_value = None

    def __init__(self, estimator, n_features, n_outputs, loss_code, targets):
        for name in TRAINING_PARAMETERS:
            setattr(self, name, getattr(estimator, name))
        self.n_jobs = estimator.n_jobs
        self.fit_intercept = bool(estimator.fit_intercept)
        self.random_state = estimator.random_state
        self.n_features_in_ = n_features
        self.n_outputs_ = n_outputs
        self._loss = loss_code
        self._targets = targets
        self._owner_name = type(estimator).__name__  # named in the divergence error

    def _layout_specs(self):
        return [LayerSpec(self.n_features_in_, self.n_outputs_, "identity", bias=self.fit_intercept)]

    def _loss_code(self):
        return self._loss

    def _epoch_metrics(self, data, correct, weight, squared_error):
        return self._targets.metrics(data, correct, weight, squared_error)

    def train(self, X, targets, weight):
        seed = seed_from_random_state(self.random_state)
        self._initialise_state(np.random.default_rng(seed), X.dtype)
        self._seed_ = seed
        train, validation = TrainingSet(X, targets, weight), None
        if self.validation_split > 0:
            rng = np.random.default_rng((seed, _VALIDATION_STREAM))
            rows, held_out = self._targets.split(targets, self.validation_split, rng)
            train, validation = self._subset(train, rows), self._subset(train, held_out)
        if isinstance(self.batch_size, str):  # "full": full-batch gradient descent
            self.batch_size = train.X.shape[0]
        # What predicting the mean or the class shares scores (regression: for "mse" only).
        baseline_loss = "mse" if self._loss == _core.Loss.mse else None
        self.history_ = History(baseline=self._targets.baseline(train, baseline_loss))
        self._run_epochs(train, validation, self.epochs)

    @staticmethod
    def _subset(data, rows):
        return TrainingSet(*(np.ascontiguousarray(a[rows]) for a in (data.X, data.targets, data.weight)))


class FormerGradientSolversMixin:
    """Loads the files zoo 0.1.0 wrote for an exact linear estimator, which
    then also took ``solver="gd"``, ``"sgd"`` or ``"minibatch"`` and the
    TRAINING_PARAMETERS. Files of an exact fit load with those parameters
    (which it ignored) dropped; files of a gradient fit cannot load, since
    that model is now another estimator's, and the error says which.

    A class sets ``_refit_with`` (the estimator that trains it by gradient
    descent now) and ``_former_gradient_parameters`` (its parameters beyond
    TRAINING_PARAMETERS that lost their role with the gradient solvers).
    """

    _refit_with = ""
    _former_gradient_parameters = ()

    @classmethod
    def _upgrade_saved_params(cls, params):
        solver = params.get("solver")
        if solver in _FORMER_SOLVERS:
            raise ValueError(
                f"this {cls.__name__} was saved by zoo 0.1.0 with solver={solver!r}, one of the gradient "
                f"solvers that have since become an estimator of their own, zoo.{cls._refit_with}. Refit the "
                f"model with zoo.{cls._refit_with} (its docstring gives the penalty that matches "
                f"{cls.__name__}'s) and save it again."
            )
        dropped = set(TRAINING_PARAMETERS) | set(cls._former_gradient_parameters)
        kept = {name: value for name, value in params.items() if name not in dropped}
        return super()._upgrade_saved_params(kept)
