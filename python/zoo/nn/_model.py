"""What every estimator that holds one zoo.nn.Network shares (MLP*,
Autoencoder, SGDRegressor and SGDClassifier): building the network
from the estimator's parameters, the epoch loop on the training driver
(schedule, validation, metrics), inference, transfer learning and
persistence.

State (saved by `save`):
    network_           the zoo.nn.Network: layers, params, buffers,
                       optimizer moments, step count
    n_epochs_          epochs trained
    _seed_             base seed; epoch e shuffles and drops out with a seed
                       derived from (_seed_, e), so a resumed run repeats the
                       uninterrupted one exactly
`params_`, `buffers_`, `optimizer_state_` and `n_steps_` read the network's.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, optional
from zoo._threads import resolve_n_jobs
from zoo._validation import check_is_fitted
from zoo.base import Interval
from zoo.cuda import check_device
from zoo.nn._driver import callback_list, run_rounds
from zoo.nn._gpu import gpu_layers
from zoo.nn.callbacks import EarlyStopping
from zoo.nn.history import History, HistoryStateMixin
from zoo.nn.lr_finder import find_learning_rate
from zoo.nn.network import Layout, Network
from zoo.nn.optimizers import get_optimizer
from zoo.nn.schedules import get_schedule


@dataclass
class TrainingSet:
    """Validated training data in the engine's form: X (n, d), 2-D targets,
    sample weights with class weights folded in."""

    X: np.ndarray
    targets: np.ndarray
    weight: np.ndarray
    # Values derived from the set once and reused every epoch (R^2's total sum of squares).
    derived: dict = field(default_factory=dict, repr=False)
    # X is rewritten before every epoch (augmented or corrupted inputs): an
    # engine that keeps a copy of the data (the GPU's) takes X again each epoch.
    fresh_inputs: bool = False


# Separates the validation split's draws from the training seed.
VALIDATION_STREAM = 0x5EED


def epoch_seed(base_seed: int, epoch: int) -> int:
    return int(np.random.SeedSequence([base_seed, epoch]).generate_state(1, dtype=np.uint64)[0])


def epoch_stream_seed(base_seed: int, epoch: int, stream: int) -> int:
    """A seed in [0, 2**32) for a per-epoch random process other than the
    engine's shuffling and dropout (data augmentation, ...), independent of
    those. 32 bits so that any seeding API accepts it (RandomState too)."""
    sequence = np.random.SeedSequence([base_seed, epoch, stream])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def network_attribute(holder: str, attribute: str, doc: str):
    """A read-only property for `<holder>.<attribute>` of a Network the
    estimator holds, under the name the estimators have always given it
    (`params_`, ...), so that user code keeps working. None when the
    estimator holds None there (a learner without a critic)."""

    def read(self):
        if holder not in vars(self):
            raise AttributeError(f"{type(self).__name__} has no {holder} before it is fitted")
        network = vars(self)[holder]
        return None if network is None else getattr(network, attribute)

    return property(read, doc=doc)


def check_saved_network(estimator, name: str, layers) -> None:
    """After loading: the Network in `estimator.<name>` (or None) must hold
    the arrays that `layers` (the LayerSpecs the estimator's parameters and
    fitted shapes call for, or None) give it, so that a file cannot pair an
    estimator with another model's network.

    Raises
    ------
    ValueError
        Naming the attribute, the network found and the layer sizes expected.
    """
    network = vars(estimator).get(name)
    if layers is None and network is None:
        return
    expected = None if layers is None else Layout(layers)
    if network is None or expected is None or not network.layout.same_arrays_as(expected):
        wanted = "None" if layers is None else " -> ".join([str(layers[0].n_in), *(str(s.n_out) for s in layers)])
        raise ValueError(f"{type(estimator).__name__}: the saved {name} is {network!r}; its parameters and fitted "
                         f"shapes need layers of sizes {wanted}")


class NetworkModelMixin(HistoryStateMixin):
    """Mixed into estimators that hold one network. The estimator provides
    `_layout_specs()` (its LayerSpecs), `_loss_code()` and `_epoch_metrics`."""

    # network_ is checked against _layout_specs() by _load_state. Files
    # written before the Network component hold its arrays (params_, ...)
    # instead, which _load_state builds it from.
    _fitted_state = {
        "network_": optional([Network]),
        "n_epochs_": [Interval(Integral, 0, None)],
        "_seed_": [Interval(Integral, 0, None)],
        "interrupted_": optional(["boolean"]),
        "_last_lr_": optional([Real]),
        "_schedule_state_": optional([dict]),
        "params_": optional(Array((None,), "f")),
        "buffers_": optional(Array((None,), "params_")),
        "optimizer_state_": optional(Array((None, "params_"), "params_")),
        "n_steps_": optional([Interval(Integral, 0, None)]),
    }

    params_ = network_attribute("network_", "params", "The network's flat trainable values (network_.params).")
    buffers_ = network_attribute("network_", "buffers", "Batch-norm running statistics (network_.buffers).")
    optimizer_state_ = network_attribute("network_", "optimizer_state",
                                         "The optimizer's moments (network_.optimizer_state).")
    n_steps_ = network_attribute("network_", "n_steps", "Optimizer steps taken (network_.n_steps).")

    # -- the network ----------------------------------------------------------

    def _network(self):
        """The C++ engine's view of the network."""
        return self.network_.core

    def _initialise_state(self, rng: np.random.Generator, dtype) -> None:
        network = Network(self._layout_specs(), dtype=dtype)
        if getattr(self, "init", None) is not None:
            network.initialize(self.init, rng)  # else zeros: the linear models' convex problems
        network.attach_optimizer(self._optimizer())
        self.network_ = network
        self.n_epochs_ = 0
        self.history_ = History()
        self._seed_ = int(rng.integers(0, 2**63))

    def _optimizer(self):
        return get_optimizer(self.optimizer)

    def _train_config(self, learning_rate: float, seed: int, n_threads: int):
        config = _core.TrainConfig()
        config.loss = self._loss_code()
        config.huber_delta = float(self.huber_delta)
        config.optimizer = self._optimizer().config(learning_rate)
        config.l1, config.l2 = float(self.l1), float(self.l2)
        config.clip_norm = float(self.clip_norm or 0.0)
        config.clip_value = float(self.clip_value or 0.0)
        config.batch_size = int(self.batch_size)
        config.shuffle = bool(self.shuffle)
        config.seed = seed
        config.n_threads = n_threads
        return config

    # -- the epoch loop -----------------------------------------------------

    def _run_epochs(self, train: TrainingSet, validation: TrainingSet | None, until_epoch: int,
                    epoch_data=None, extra_callbacks=()) -> None:
        """Train from epoch `n_epochs_` up to `until_epoch` on the training
        driver, with schedule, validation and metrics. `epoch_data(epoch)`,
        when given, returns the TrainingSet the engine trains on in that
        epoch (augmented inputs, say); by default `train`."""
        # Parameters that leave the arrays' shapes alone (frozen layers,
        # dropout) may change between fits.
        self.network_.set_layers(self._layout_specs())
        self.network_.attach_optimizer(self._optimizer())
        self.network_.device = self._training_device()  # until the loop ends (below)
        n_threads = resolve_n_jobs(self.n_jobs)
        schedule = get_schedule(self.lr_schedule, total_epochs=until_epoch)
        if self.n_epochs_ > 0 and getattr(self, "_schedule_state_", None):
            schedule.load_state_dict(self._schedule_state_)  # a resumed or warm-started run
        learning_rate = [float(getattr(self, "_last_lr_", self.learning_rate))]
        early = self._early_stopping(has_validation=validation is not None)
        callbacks = callback_list(self, self.callbacks, until_epoch, *extra_callbacks, *early)
        # Callbacks that measure the network on its training rows (GradientMonitor)
        # declare measure_epoch; what they return joins the epoch's logs before
        # the History and the other callbacks see them.
        measuring = [callback for callback in callbacks if callable(getattr(callback, "measure_epoch", None))]

        def run_epoch(epoch: int, previous_logs: dict) -> dict:
            learning_rate[0] = float(schedule(epoch, base_lr=float(self.learning_rate), current_lr=learning_rate[0],
                                              logs=previous_logs))
            data = train if epoch_data is None else epoch_data(epoch)
            config = self._train_config(learning_rate[0], epoch_seed(self._seed_, epoch), n_threads)
            loss, correct, weight, squared_error = self.network_.train_epoch(data, config, self._anchor_arrays())
            if not np.isfinite(loss):
                # The weights are NaN or about to be: stop now, and fit
                # (a transaction) gives back the model it started from.
                raise ValueError(self._divergence_message(epoch, float(loss), previous_logs))
            self.n_epochs_ = epoch + 1
            logs = {"loss": float(loss), **self._epoch_metrics(data, correct, weight, squared_error)}
            if validation is not None:
                logs.update(self._validation_logs(validation, config))
            logs["lr"] = learning_rate[0]
            for callback in measuring:
                logs.update(callback.measure_epoch(self, epoch, train, config))
            # Everything a checkpoint written by a callback needs to resume.
            self._last_lr_ = learning_rate[0]
            self._schedule_state_ = schedule.state_dict()
            return logs

        # A continued run starts from the last epoch's logs (ReduceOnPlateau reads them).
        logs = self.history_.epoch_logs(-1) if len(self.history_) else {}
        try:
            run_rounds(self, range(self.n_epochs_, until_epoch), run_epoch, callbacks, logs=logs,
                       resume_hint="fit(..., resume=True) continues it")
        finally:
            self.network_.device = "cpu"  # the device is this loop's: other users of the network train on the CPU

    def _training_device(self) -> str:
        """The estimator's `device` (models without one train on the CPU),
        refused before any epoch where the GPU engine cannot run it."""
        device = check_device(getattr(self, "device", "cpu"), self)
        if device == "cuda":
            if self._anchor_arrays():
                raise ValueError(f"{type(self).__name__}: device='cuda' does not train with continual learning's "
                                 "EWC yet; use device='cpu'")
            try:
                gpu_layers(self.network_.layout)
            except ValueError as error:  # batch_norm or dropout
                raise ValueError(f"{type(self).__name__}: {error}") from None
        return device

    def _divergence_message(self, epoch: int, loss: float, previous_logs: dict) -> str:
        owner = getattr(self, "_owner_name", type(self).__name__)
        before = f" (it was {previous_logs['loss']:.3g} at epoch {epoch})" if "loss" in previous_logs else ""
        return (f"{owner} diverged: the training loss became {loss} at epoch {epoch + 1}{before}, so the weights "
                f"would be NaN or infinite; lower the learning rate (it was {self.learning_rate}), clip the "
                "gradients (clip_norm) or scale the inputs")

    def _early_stopping(self, has_validation: bool) -> list:
        if self.early_stopping is True:
            return [EarlyStopping(monitor="val_loss" if has_validation else "loss")]
        return [self.early_stopping] if isinstance(self.early_stopping, EarlyStopping) else []

    def _anchor_arrays(self) -> dict:
        """Keyword arrays for the engine's anchored penalty (elastic weight
        consolidation): {"anchor_weight": ..., "anchor": ...} or nothing."""
        return {}

    def _validation_logs(self, validation: TrainingSet, config) -> dict:
        loss, correct, weight, squared_error = self.network_.evaluate(validation, config, self._anchor_arrays())
        metrics = self._epoch_metrics(validation, correct, weight, squared_error)
        return {"val_loss": float(loss), **{f"val_{k}": v for k, v in metrics.items()}}

    def _hold_out(self, data: TrainingSet, reader) -> tuple[TrainingSet, TrainingSet | None]:
        """Split `validation_split` of the rows off `data` (`reader.split`
        decides which: stratified for classes), drawn from the model's own
        seed so that a resumed run holds out the same rows."""
        if self.validation_split == 0:
            return data, None
        rng = np.random.default_rng((self._seed_, VALIDATION_STREAM))
        train_rows, val_rows = reader.split(data.targets, self.validation_split, rng)
        if len(train_rows) == 0 or len(val_rows) == 0:
            raise ValueError(f"validation_split={self.validation_split} leaves no samples to train or validate on")

        def pick(rows):
            X = np.ascontiguousarray(data.X[rows])
            # An autoencoder's targets are its inputs: one copy serves both.
            targets = X if data.targets is data.X else np.ascontiguousarray(data.targets[rows])
            return TrainingSet(X, targets, np.ascontiguousarray(data.weight[rows]))

        return pick(train_rows), pick(val_rows)

    # -- the learning-rate range test -------------------------------------------

    def lr_find(self, X, y=None, sample_weight=None, *, start_lr=1e-7, end_lr=10.0, num_steps=100,
                smoothing=0.9, diverge_threshold=4.0):
        """Find a learning rate: the range test of Smith (2017), as fastai's lr_find.

        Trains for `num_steps` mini-batch steps (passing over the shuffled
        training rows as often as needed) with the rate growing geometrically
        from `start_lr` to `end_lr`, stops once the loss diverges, and leaves
        the model exactly as it was. The data go through `fit`'s own
        preparation (and raise its errors); the network starts where `fit`
        would start it (fresh weights, or the current ones with warm_start).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like, as for fit (ignored by an Autoencoder)
        sample_weight : array-like of shape (n_samples,), default=None
        start_lr, end_lr : float, default=1e-7 and 10
        num_steps : int, default=100 (at least 10)
        smoothing : float in [0, 1), default=0.9
            Weight of the past in the moving average of the loss (0.9: about
            the last 10 batches).
        diverge_threshold : float > 1, default=4
            Stop once the smoothed loss exceeds this multiple of its best.

        Returns
        -------
        zoo.nn.LRFinderResult
            `learning_rates`, `losses`, `smoothed_losses`, `suggestion` (the
            rate of the smoothed loss's minimum over 10) and `plot()`.
        """
        return find_learning_rate(self, X, y, sample_weight, start_lr=start_lr, end_lr=end_lr, num_steps=num_steps,
                                  smoothing=smoothing, diverge_threshold=diverge_threshold)

    # -- inference ------------------------------------------------------------

    def _forward(self, X: np.ndarray) -> np.ndarray:
        return self.network_.predict(X, resolve_n_jobs(self.n_jobs))

    # -- layers: sizes, dropout, frozen layers, transfer ------------------------

    def _dropouts(self, n_hidden: int, which: str = "hidden layer") -> list[float]:
        if np.ndim(self.dropout) == 0:
            return [float(self.dropout)] * n_hidden
        rates = [float(r) for r in self.dropout]
        if len(rates) != n_hidden or any(not 0 <= r < 1 for r in rates):
            raise ValueError(f"dropout must be a rate in [0, 1) or one per {which} ({n_hidden}), got {self.dropout!r}")
        return rates

    def _frozen_set(self, n_layers: int) -> set[int]:
        frozen = set()
        for index in self.frozen_layers or ():
            if not isinstance(index, Integral) or not -n_layers <= index < n_layers:
                raise ValueError(f"frozen_layers: {index!r} is not a layer index of a {n_layers}-layer network")
            frozen.add(int(index) % n_layers)
        return frozen

    def _transfer_layers(self):
        """Copy the first `init_layers` layers (all matching ones by default)
        of `init_from`, a fitted network model or a path to a saved one."""
        source = self.init_from
        if source is None:
            return
        if isinstance(source, (str, os.PathLike)):
            # A saved model: unlike a fitted object, a path survives clone(),
            # so cross-validation and grid search can transfer from it too.
            from zoo.persistence import load  # noqa: PLC0415

            source = load(source)
        if not isinstance(source, NetworkModelMixin) or "network_" not in vars(source):
            raise ValueError("init_from must be a fitted zoo network model")
        # The first copied layer expects the inputs as the source saw them.
        source_normalized = getattr(source, "input_mean_", None) is not None
        normalize = getattr(self, "normalize", False)
        if source_normalized != bool(normalize):
            raise ValueError(
                f"init_from was fitted with normalize={source_normalized} but this model has "
                f"normalize={normalize!r}; its first layer expects "
                f"{'standardised' if source_normalized else 'raw'} inputs, so set normalize={source_normalized}"
            )
        self.network_.copy_layers_from(source.network_, self.init_layers)

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrix of each layer, (n_in, n_out), as views of `params_`."""
        check_is_fitted(self, "network_")
        return self.network_.weights()

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias of each layer, as views of `params_`."""
        check_is_fitted(self, "network_")
        return self.network_.biases()

    # -- weights for callbacks, persistence -------------------------------------

    def _get_weights(self) -> dict:
        return {"params_": self.network_.params.copy(), "buffers_": self.network_.buffers.copy()}

    def _set_weights(self, weights: dict) -> None:
        self.network_.params[...] = weights["params_"]
        self.network_.buffers[...] = weights["buffers_"]

    def _persisted_params(self):
        # Callbacks are run-time hooks (they may hold files, or this model);
        # like Keras, a saved model does not carry them. init_from only
        # mattered at the first fit; its weights are already in the network.
        params = super()._persisted_params()
        params["callbacks"] = None
        params["init_from"] = None
        params["validation_data"] = None
        params["early_stopping"] = bool(params["early_stopping"])
        return params

    def _load_state(self, state):
        state = dict(state)
        # Files written before the Network component kept its arrays as
        # the estimator's own attributes.
        legacy = {name: state.pop(name) for name in ("params_", "buffers_", "optimizer_state_", "n_steps_")
                  if name in state}
        super()._load_state(state)
        if legacy:
            self.network_ = Network.from_config({
                "layers": [asdict(spec) for spec in self._layout_specs()], "dtype": str(legacy["params_"].dtype),
                "params": legacy["params_"], "buffers": legacy["buffers_"],
                "optimizer_state": legacy["optimizer_state_"], "n_steps": int(legacy.get("n_steps_", 0))})
        if "network_" in vars(self):
            check_saved_network(self, "network_", self._layout_specs())
