"""Multi-layer perceptrons: zoo.MLP, zoo.MLPClassifier, zoo.MLPRegressor.

A stack of dense layers (optionally with batch norm and dropout) trained by
the C++ engine a whole epoch per call. The three estimators share one
implementation (zoo.supervised._mlp_base); they differ only in how targets
are read and predictions returned (Rumelhart, Hinton & Williams 1986 for
backpropagation; the optimizers, schedules and callbacks are those of zoo.nn).
"""

from __future__ import annotations

import numpy as np

from zoo._validation import check_is_fitted
from zoo.base import ClassifierMixin, RegressorMixin
from zoo.dask._blocks import lazy_rows
from zoo.nn.progressive import ProgressiveColumnsMixin
from zoo.supervised._mlp_base import CLASSIFICATION_LOSSES, LOSSES, _BaseMLP
from zoo.supervised._targets import ClassTargets, RegressionTargets

__all__ = ["MLP", "MLPClassifier", "MLPRegressor", "LOSSES"]


class MLPRegressor(RegressorMixin, ProgressiveColumnsMixin, _BaseMLP):
    """Multi-layer perceptron for regression (loss "mse", "mae" or "huber").

    See MLP for the parameters. `predict` returns (n_samples,) when y was 1-D.
    `task` in predict and score: see MLP.
    """

    def _target_reader(self, y, classes=None):
        return RegressionTargets.from_fit(y)

    def _target_reader_from_config(self, config):
        return RegressionTargets.from_config(config)

    _zoo_tags = {"multi_output": True}

    @lazy_rows
    def predict(self, X, *, task=None):
        """Predicted values, shaped like the y given to fit."""
        outputs = self._outputs(X, task)
        return self._targets_.decode(outputs, X)

    def score(self, X, y, sample_weight=None, *, task=None):
        """R^2 of ``self.predict(X, task=task)`` (see RegressorMixin.score).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
        task : int or None, default=None
            A progressive model's task whose column and head predict (see MLP).

        Returns
        -------
        float
        """
        return self._task_score(RegressorMixin.score, X, y, sample_weight, task)


class MLPClassifier(ClassifierMixin, ProgressiveColumnsMixin, _BaseMLP):
    """Multi-layer perceptron classifier: softmax cross-entropy over the
    classes (one-hot multiclass), or sigmoid cross-entropy per column for a
    2-D indicator y (multilabel).

    See MLP for the parameters, and for `task` in the prediction methods.
    """

    def _target_reader(self, y, classes=None):
        return ClassTargets.from_fit(y, classes)

    def _target_reader_from_config(self, config):
        return ClassTargets.from_config(config)

    @lazy_rows
    def predict(self, X, *, task=None):
        """Predicted class labels."""
        outputs = self._outputs(X, task)
        return self._targets_.decode(outputs, X)

    @lazy_rows
    def predict_proba(self, X, *, task=None):
        """Class probabilities, (n_samples, n_classes)."""
        outputs = self._outputs(X, task)
        return self._targets_.probabilities(outputs)

    @lazy_rows
    def predict_log_proba(self, X, *, task=None):
        return np.log(np.clip(self.predict_proba(X, task=task), np.finfo(np.float64).tiny, None))

    def score(self, X, y, sample_weight=None, *, task=None):
        """Accuracy of ``self.predict(X, task=task)`` (see ClassifierMixin.score).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
        task : int or None, default=None
            A progressive model's task whose column and head predict (see MLP).

        Returns
        -------
        float
        """
        return self._task_score(ClassifierMixin.score, X, y, sample_weight, task)


class MLP(ProgressiveColumnsMixin, _BaseMLP):
    """A multi-layer perceptron for any task: classification when `loss` is a
    cross-entropy or y holds labels (integers, strings, booleans), regression
    when `loss` is "mse", "mae" or "huber" or y holds floats.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
    activation : {"relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "identity"}, default="relu"
    loss : {"mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy"} or None
        None: categorical cross-entropy for labels, binary cross-entropy for a
        2-D 0/1 indicator matrix, mse for numbers.
    optimizer : str or zoo.nn.Optimizer, default="adam"
        "sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad", or an object
        with its own hyperparameters (e.g. zoo.nn.SGD(momentum=0.9, nesterov=True)).
    learning_rate : float, default=1e-3
    lr_schedule : str or zoo.nn schedule, default=None (constant)
    batch_size : int, default=32
        1 is per-sample SGD, n_samples full-batch gradient descent.
    epochs : int, default=100
    l1, l2 : float, default=0
        Penalties l1 * sum|W| + l2 * sum W^2 on weights (not biases); both
        together are the elastic net.
    dropout : float or sequence, default=0
        Drop rate after each hidden layer (inverted dropout).
    batch_norm : bool, default=False
        Batch normalisation before each hidden activation.
    clip_norm, clip_value : float or None
        Gradient clipping by global norm / by value.
    validation_split : float, default=0
        Fraction held out (shuffled; stratified for classification).
    validation_data : (X_val, y_val[, sample_weight]), default=None
    early_stopping : bool or zoo.nn.EarlyStopping, default=False
    class_weight : dict, "balanced" or None
        Classification only (a regressor refuses anything but None).
    callbacks : list of zoo.nn.Callback
    verbose : int, default=0
        1 shows a progress bar (tqdm when installed).
    random_state, n_jobs : as everywhere in zoo
    warm_start : bool, default=False
        Keep the weights between fits and train `epochs` more epochs.
    init : {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal"}
    init_from : fitted network model or path, default=None
        Transfer learning: start from its first `init_layers` layers. A path
        names a model written by `save`; give a path rather than the model
        where the estimator is cloned (cross-validation, grid search), since
        a clone of a fitted model is unfitted.
    init_layers : int or None
    frozen_layers : sequence of int
        Layers (0 = first hidden) whose parameters do not change.
    huber_delta : float, default=1.0
    shuffle : bool, default=True
    dtype : {"float32", "float64"}, default="float32"
    normalize : bool, default=False
        Standardise each input feature with the mean and standard deviation
        of the first fit's training rows (float64 statistics, unweighted:
        sample_weight changes the loss, not the inputs' scale; a constant
        feature gets scale 1). The network then sees standardised inputs
        everywhere: fit, validation data, augmented epochs (augmentation
        works on raw inputs, before standardising), predict, predict_proba
        and score take raw X. The statistics are kept by warm_start,
        partial_fit and resume, and saved by save().
    continual : zoo.nn.ContinualLearning or None, default=None
        Continual learning: with its ewc_lambda > 0 (elastic weight
        consolidation) or replay > 0 (experience replay), every fit after
        the first continues from the current model and is a new task, and
        the earlier tasks are protected from being forgotten; with its
        progressive=True each task gets a column of its own (progressive
        networks) and the prediction methods take the task; see
        zoo.nn.ContinualLearning. None, or one with everything off: each fit
        is an ordinary one.
    device : {"cpu", "cuda"}, default="cpu"
        Where the epochs train. "cuda" runs them on an NVIDIA GPU, the rows,
        weights and optimizer moments on the device (the weights come back
        to `params_` after each epoch, for callbacks and checkpoints); it
        needs zoo built with its CUDA kernels, a GPU and cuBLAS (zoo.cuda
        says which is missing), and does not yet train with batch_norm,
        dropout or continual learning's EWC. Prediction runs on the CPU.

    Attributes
    ----------
    params_, buffers_, optimizer_state_ : ndarray
        All of the network's state (see zoo.nn.network).
    coefs_, intercepts_ : list of ndarray (views of params_)
    input_mean_, input_scale_ : ndarray of shape (n_features,), float64
        Only with normalize=True: the network sees (X - input_mean_) / input_scale_.
    n_tasks_ : int
        Continual learning only: tasks finished.
    ewc_fisher_, ewc_anchor_ : ndarray of shape (n_params,), float64
        With continual.ewc_lambda > 0: the consolidated Fisher diagonal and theta*.
    replay_X_, replay_targets_, replay_weight_ : ndarray
        With continual.replay > 0: the stored rows of earlier tasks.
    n_columns_ : int
        With continual.progressive: columns in the network (tasks begun).
    progressive_head_weights_, progressive_head_biases_ : list of ndarray
        With continual.progressive: the output heads of tasks 0 to
        n_columns_ - 2 (the newest task's is the network's output layer).
    n_params_per_task_ : list of int
        With continual.progressive: the parameters held once each task's
        column was added (the growth of the model).

    Notes
    -----
    `task` (predict, predict_proba, predict_log_proba, score): for a model
    fitted with ContinualLearning(progressive=True), the task (0 = first
    fit) whose column and head answer, exactly as they did right after that
    task; None, the default, is the newest task. Other models take only None.
    history_ : zoo.nn.History
    n_epochs_, n_steps_ : int
    classes_ : ndarray (classification)
    n_features_in_, n_outputs_ : int
    """

    def _target_reader(self, y, classes=None):
        if self.loss in CLASSIFICATION_LOSSES or (self.loss is None and ClassTargets.looks_like_labels(y)):
            return ClassTargets.from_fit(y, classes)
        return RegressionTargets.from_fit(y)

    def _target_reader_from_config(self, config):
        if config.get("kind") == "classes":
            return ClassTargets.from_config(config)
        return RegressionTargets.from_config(config)

    _zoo_tags = {"multi_output": True}

    @lazy_rows
    def predict(self, X, *, task=None):
        """Class labels or values, depending on the task."""
        outputs = self._outputs(X, task)
        return self._targets_.decode(outputs, X)

    @lazy_rows
    def predict_proba(self, X, *, task=None):
        """Class probabilities (classification only)."""
        outputs = self._outputs(X, task)
        if not isinstance(self._targets_, ClassTargets):
            raise AttributeError("predict_proba is only available for classification")
        return self._targets_.probabilities(outputs)

    def score(self, X, y, sample_weight=None, *, task=None):
        """Accuracy for classification, R^2 for regression."""
        check_is_fitted(self, "params_")  # the kind of score comes from the fitted targets
        mixin = ClassifierMixin if isinstance(self._targets_, ClassTargets) else RegressorMixin
        return self._task_score(mixin.score, X, y, sample_weight, task)
