"""What zoo.MLP, zoo.MLPClassifier and zoo.MLPRegressor share (the public
classes and their parameters are in zoo.supervised.mlp): reading targets
and weights, the validation split, the inputs the network sees each epoch
(augmentation, then standardisation), and the fit / partial_fit flow with
continual learning. The network itself, its epoch loop and persistence come
from zoo.nn (NetworkModelMixin holds a zoo.nn.Network).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from zoo._validation import (
    check_consistent_length,
    check_is_fitted,
    check_sample_weight,
    is_dask_collection,
    seed_from_random_state,
    validate_data,
)
from zoo._fitted_state import Array, Either, Record, Size, optional
from zoo._param_validation import Predicate
from zoo.base import BaseEstimator, Interval, Options
from zoo.dask._blocks import dask_fit
from zoo.nn._constraints import (
    DEVICE_CONSTRAINTS,
    ENGINE_ALIASES,
    ENGINE_CONSTRAINTS,
    HIDDEN_LAYER_CONSTRAINTS,
    RUN_CONSTRAINTS,
    TRAINING_ALIASES,
    TRAINING_CONSTRAINTS,
)
from zoo.nn._epoch_inputs import AUGMENT_STREAM, augmented, check_augment, standardisation, standardised
from zoo.nn._model import NetworkModelMixin, TrainingSet, epoch_stream_seed
from zoo.nn.continual import ContinualLearning, forget_tasks
from zoo.nn.history import History
from zoo.nn.network import LOSSES, LayerSpec, dense_layers, layer_sizes
from zoo.supervised._targets import ClassTargets

CLASSIFICATION_LOSSES = {"binary_crossentropy", "categorical_crossentropy"}


class _BaseMLP(NetworkModelMixin, BaseEstimator):
    """The shared implementation; see MLP for the parameters."""

    _parameter_aliases = {
        **TRAINING_ALIASES,
        **ENGINE_ALIASES,
        **dict.fromkeys(("ewc_lambda", "ewc_decay", "ewc_samples", "replay"),
                        "continual learning is continual=zoo.nn.ContinualLearning(ewc_lambda=..., ewc_decay=..., "
                        "ewc_samples=..., replay=...)"),
    }
    _parameter_constraints = {
        **HIDDEN_LAYER_CONSTRAINTS,
        **ENGINE_CONSTRAINTS,
        **TRAINING_CONSTRAINTS,
        **RUN_CONSTRAINTS,
        **DEVICE_CONSTRAINTS,
        "loss": [None, Options(set(LOSSES))],
        "validation_data": [None, Predicate(lambda data: isinstance(data, (tuple, list)) and len(data) in (2, 3),
                                            "a tuple (X_val, y_val) or (X_val, y_val, sample_weight)")],
        "class_weight": [None, dict, Options({"balanced"})],
        "normalize": ["boolean"],
        "continual": [None, ContinualLearning],
    }
    _fitted_state = {
        "n_outputs_": [Interval(Integral, 1, None)],
        "classes_": optional(Array(("n_classes",), "biufUO")),  # classifiers
        # The target reader as _save_state writes it (None before fit).
        "_targets_config_": optional(Either(
            [None],
            Record({"kind": [Options({"classes"})], "multilabel": [Options({False})],
                    "classes": Array(("n_classes",), "biufUO")}),
            Record({"kind": [Options({"classes"})], "multilabel": [Options({True})], "n_outputs": Size("n_outputs_")}),
            Record({"kind": [Options({"values"})], "n_outputs": Size("n_outputs_"), "one_dimensional": ["boolean"]}),
        )),
        # With normalize=True.
        "input_mean_": optional(Array(("n_features_in_",), "f")),
        "input_scale_": optional(Array(("n_features_in_",), "input_mean_")),
        # Continual learning's task state (see zoo.nn.continual).
        "n_tasks_": optional([Interval(Integral, 0, None)]),
        "ewc_fisher_": optional(Array(("n_params",), "f")),
        "ewc_anchor_": optional(Array(("n_params",), "f")),
        "replay_X_": optional(Array(("n_replayed", "n_features_in_"), "f")),
        "replay_targets_": optional(Array(("n_replayed", None), "f")),
        "replay_weight_": optional(Array(("n_replayed",), "f")),
        "_task_start_epoch_": optional([Interval(Integral, 0, None)]),
        "_task_open_": optional(["boolean"]),
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        loss=None,
        optimizer="adam",
        learning_rate=1e-3,
        lr_schedule=None,
        batch_size=32,
        epochs=100,
        l1=0.0,
        l2=0.0,
        dropout=0.0,
        batch_norm=False,
        clip_norm=None,
        clip_value=None,
        validation_split=0.0,
        validation_data=None,
        early_stopping=False,
        class_weight=None,
        callbacks=None,
        verbose=0,
        random_state=None,
        n_jobs=None,
        warm_start=False,
        init="glorot_uniform",
        init_from=None,
        init_layers=None,
        frozen_layers=None,
        huber_delta=1.0,
        shuffle=True,
        dtype="float32",
        normalize=False,
        continual=None,
        device="cpu",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.epochs = epochs
        self.l1 = l1
        self.l2 = l2
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.clip_norm = clip_norm
        self.clip_value = clip_value
        self.validation_split = validation_split
        self.validation_data = validation_data
        self.early_stopping = early_stopping
        self.class_weight = class_weight
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.warm_start = warm_start
        self.init = init
        self.init_from = init_from
        self.init_layers = init_layers
        self.frozen_layers = frozen_layers
        self.huber_delta = huber_delta
        self.shuffle = shuffle
        self.dtype = dtype
        self.normalize = normalize
        self.continual = continual
        self.device = device

    # -- fitting ---------------------------------------------------------------

    def fit(self, X, y, sample_weight=None, *, resume=False, augment=None):
        """Train for `epochs` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels for classification, values for regression.
        sample_weight : array-like of shape (n_samples,), default=None
        resume : bool, default=False
            Continue a saved or interrupted run up to `epochs` epochs in all,
            exactly as if it had never stopped (same shuffles, dropout masks,
            augmentations and schedule).
        augment : callable or None, default=None
            Data augmentation, called as ``augment(X_train, random_state=seed)``
            once per epoch on the training rows only (with continual replay,
            the stored rows of earlier tasks too; never `validation_split`'s
            held-out rows or `validation_data`); it must
            return a new array of X's shape (cast to the model's dtype,
            finite). The epoch then trains on the result. `seed` is an int
            in [0, 2**32) derived from the model's seed and the epoch, so a
            resumed run repeats the uninterrupted one exactly. Each sample
            gets a fresh random transform every epoch, which over many epochs
            is what augmenting each mini-batch gives. X arrives raw (before
            `normalize`) and read-only. Prediction never augments. Any
            zoo.augment pipeline fits, as does a plain function.

        Returns
        -------
        self
        """
        self._validate_params()
        if is_dask_collection(X):
            return dask_fit(self, X, y, sample_weight, resume=resume, augment=augment)
        augment = check_augment(augment)
        continual = self._continual_learning()
        # Continual learning implies warm starts: every fit after the first is a new task.
        continuing = (resume or self.warm_start or continual is not None) and hasattr(self, "params_")
        if continuing:
            self._check_input_scaling_kept()
        X = validate_data(self, X, reset=not continuing, dtype=np.dtype(self.dtype))
        targets = self._read_targets(y, X, fit=not continuing)
        weight = self._sample_weights(targets, sample_weight, X)
        if not continuing:
            rng = np.random.default_rng(seed_from_random_state(self.random_state))
            self._initialise_state(rng, X.dtype)
            self._transfer_layers()
            forget_tasks(self)
            # Provisional statistics (all rows), replaced below by the training
            # rows' own: should the split or a check below fail, the model
            # left behind still agrees with `normalize` for a later warm start.
            self._learn_input_scaling(X)
        raw_train, raw_validation = self._split(X, targets, weight)
        if not continuing:
            self._learn_input_scaling(raw_train.X)
            self.history_ = History(baseline=self._targets_.baseline(raw_train, self._loss_name()))
        if continual is not None:
            continual.fit_task(self, raw_train, raw_validation, resume=resume, augment=augment)
        else:
            until = self.epochs if resume else self.n_epochs_ + self.epochs
            self._train(raw_train, raw_validation, until, augment)
        return self

    def _fit_dask(self, X, y, sample_weight, *, resume=False, augment=None):
        from zoo.dask._networks import fit_network  # noqa: PLC0415

        return fit_network(self, X, y, sample_weight, resume=resume, augment=augment)

    def _continual_learning(self) -> ContinualLearning | None:
        """`continual` once checked against this model, when it makes each
        fit a task; None otherwise (one with ewc_lambda and replay both 0
        included: it changes nothing)."""
        if self.continual is None:
            return None
        self.continual.check(self)
        return self.continual if self.continual.active else None

    def _train(self, raw_train: TrainingSet, raw_validation: TrainingSet | None, until: int, augment) -> TrainingSet:
        """Train up to epoch `until` on raw (unstandardised) rows; returns
        the training rows as the network saw them."""
        train, validation = self._network_view(raw_train), self._network_view(raw_validation)
        self.interrupted_ = False
        self._run_epochs(train, validation, until, self._augmented_epochs(raw_train, train, augment))
        return train

    def partial_fit(self, X, y, sample_weight=None, classes=None, *, augment=None):
        """One epoch over (X, y), starting a model on the first call.

        For classification the first call needs every class, either in `y`
        or listed in `classes`. `augment` is as in :meth:`fit` (this epoch's
        seed comes from the epoch count). With `normalize=True` the first
        call's X sets the input statistics for good.
        """
        first_call = not hasattr(self, "params_")
        if first_call:
            self._validate_params()
        else:
            self._check_input_scaling_kept()
        augment = check_augment(augment)
        X = validate_data(self, X, reset=first_call, dtype=np.dtype(self.dtype))
        targets = self._read_targets(y, X, fit=first_call, classes=classes)
        weight = self._sample_weights(targets, sample_weight, X)
        if first_call:
            rng = np.random.default_rng(seed_from_random_state(self.random_state))
            self._initialise_state(rng, X.dtype)
            self._transfer_layers()
            self._learn_input_scaling(X)
        raw = TrainingSet(X, targets, weight)
        train = self._network_view(raw)
        self._run_epochs(train, None, self.n_epochs_ + 1, self._augmented_epochs(raw, train, augment))
        return self

    # -- what the network sees: augmentation, then standardisation ----------------

    def _learn_input_scaling(self, X):
        """At a model's first fit: the inputs' per-feature statistics when
        `normalize` (unweighted, over the training rows only, so that the
        held-out rows do not leak into training), or none."""
        if self.normalize:
            self.input_mean_, self.input_scale_ = standardisation(X)
        else:
            vars(self).pop("input_mean_", None)
            vars(self).pop("input_scale_", None)

    def _check_input_scaling_kept(self):
        # A continued fit keeps the first fit's statistics (or their absence):
        # a changed `normalize` would otherwise be ignored without a word.
        fitted_with = getattr(self, "input_mean_", None) is not None
        if bool(self.normalize) != fitted_with:
            raise ValueError(
                f"normalize={self.normalize!r} but the model was fitted with normalize={fitted_with}; a "
                "continued fit (warm_start, resume, partial_fit, continual learning) keeps the first fit's input "
                "statistics, so normalize cannot change. Fit a fresh model (a clone) to change it."
            )

    def _scaled(self, X):
        return standardised(X, getattr(self, "input_mean_", None), getattr(self, "input_scale_", None))

    def _network_view(self, data: TrainingSet | None) -> TrainingSet | None:
        if data is None or getattr(self, "input_mean_", None) is None:
            return data
        return TrainingSet(self._scaled(data.X), data.targets, data.weight, data.derived)

    def _augmented_epochs(self, raw: TrainingSet, train: TrainingSet, augment):
        """The engine's data for each epoch: the raw training inputs
        augmented with this epoch's seed, then standardised (None: `train`
        every epoch)."""
        if augment is None:
            return None

        def epoch_data(epoch: int) -> TrainingSet:
            seed = epoch_stream_seed(self._seed_, epoch, AUGMENT_STREAM)
            X = self._scaled(augmented(augment, raw.X, seed))
            return TrainingSet(X, train.targets, train.weight, train.derived, fresh_inputs=True)

        return epoch_data

    # -- what the engine needs from the estimator -------------------------------

    def _layout_specs(self) -> list[LayerSpec]:
        sizes = layer_sizes(self.hidden_layer_sizes)
        return dense_layers([self.n_features_in_, *sizes, self.n_outputs_], self.activation,
                            dropout=self._dropouts(len(sizes)), batch_norm=self.batch_norm,
                            frozen=self._frozen_set(len(sizes) + 1))

    def _train_config(self, learning_rate, seed, n_threads):
        config = super()._train_config(learning_rate, seed, n_threads)
        config.anchor_strength = self.continual.anchor_strength() if self.continual is not None else 0.0
        return config

    def _anchor_arrays(self) -> dict:
        return self.continual.anchor_arrays(self) if self.continual is not None else {}

    def _loss_name(self) -> str:
        return self.loss or self._targets_.default_loss

    def _loss_code(self):
        return LOSSES[self._loss_name()]

    def _epoch_metrics(self, data: TrainingSet, correct: float, weight: float, squared_error: float) -> dict:
        return self._targets_.metrics(data, correct, weight, squared_error)

    # -- targets, weights, validation split ---------------------------------------

    def _read_targets(self, y, X, *, fit, classes=None):
        if fit:
            self._targets_ = self._target_reader(y, classes)
            self.n_outputs_ = self._targets_.n_outputs
            self._check_loss_fits_targets()
            if getattr(self._targets_, "classes", None) is not None:
                self.classes_ = self._targets_.classes
        check_is_fitted(self, "_targets_")
        targets = self._targets_.encode(y, dtype=np.dtype(self.dtype))
        if targets.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} samples but y has {targets.shape[0]}")
        return targets

    def _check_loss_fits_targets(self):
        loss = self._loss_name()
        classification = isinstance(self._targets_, ClassTargets)
        if classification and loss != self._targets_.default_loss:
            raise ValueError(
                f"loss={loss!r} does not fit class labels; use {self._targets_.default_loss!r} "
                "(or a regressor for numeric targets)"
            )
        if not classification and loss in CLASSIFICATION_LOSSES:
            raise ValueError(f"loss={loss!r} needs class labels, but y holds numeric targets")

    def _sample_weights(self, targets, sample_weight, X):
        weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=self)
        return self._targets_.fold_class_weight(weight, targets, self.class_weight)

    def _split(self, X, targets, weight):
        if self.validation_data is not None:
            X_val, y_val = self.validation_data[:2]
            X_val = validate_data(self, X_val, reset=False, dtype=X.dtype, name="validation_data[0]")
            check_consistent_length(**{"validation_data[0]": X_val, "validation_data[1]": y_val})
            val_targets = self._targets_.encode(y_val, dtype=X.dtype)
            val_weight = np.ones(X_val.shape[0], dtype=X.dtype)
            if len(self.validation_data) > 2:
                val_weight = check_sample_weight(self.validation_data[2], X_val.shape[0], X.dtype,
                                                 name="validation_data[2]")
            return TrainingSet(X, targets, weight), TrainingSet(X_val, val_targets, val_weight)
        return self._hold_out(TrainingSet(X, targets, weight), self._targets_)

    # -- inspection ---------------------------------------------------------------

    def _outputs(self, X):
        check_is_fitted(self, "params_")
        X = validate_data(self, X, reset=False, dtype=self.params_.dtype)
        return self._forward(self._scaled(X))

    # -- persistence ----------------------------------------------------------------

    # Files written before `continual` existed carry its four settings as parameters of their own.
    _LEGACY_CONTINUAL_PARAMS = {"ewc_lambda": 0.0, "ewc_decay": 1.0, "ewc_samples": 500, "replay": 0}

    @classmethod
    def _upgrade_saved_params(cls, params):
        params = dict(super()._upgrade_saved_params(params))
        legacy = {name: params.pop(name) for name in cls._LEGACY_CONTINUAL_PARAMS if name in params}
        if legacy:
            settings = {**cls._LEGACY_CONTINUAL_PARAMS, **legacy}
            # All four at their defaults meant "not continual".
            params["continual"] = None if settings == cls._LEGACY_CONTINUAL_PARAMS else ContinualLearning(**settings)
        return params

    def _save_state(self):
        state = super()._save_state()
        state.pop("_targets_", None)
        state["_targets_config_"] = self._targets_.to_config() if hasattr(self, "_targets_") else None
        return state

    def _load_state(self, state):
        state = dict(state)
        config = state.pop("_targets_config_", None)
        super()._load_state(state)
        if config is not None:
            self._targets_ = self._target_reader_from_config(config)
