"""What every zoo model built on the network engine shares: its state
arrays, the epoch loop with schedules, callbacks and history, inference,
and checkpoints. MLP uses it now; the autoencoder and the RL learners reuse it.

State (all NumPy, all saved by `save`):
    params_            flat trainable values (see zoo.nn._network.Layout)
    buffers_           batch-norm running statistics
    optimizer_state_   optimizer moments, (n_slots, n_params)
    n_steps_           optimizer steps taken (Adam's bias correction)
    n_epochs_          epochs trained
    _seed_             base seed; epoch e shuffles and drops out with a seed
                       derived from (_seed_, e), so a resumed run repeats the
                       uninterrupted one exactly
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from zoo import _core
from zoo._threads import resolve_n_jobs
from zoo.nn.callbacks import CallbackList, EarlyStopping, ProgressBar
from zoo.nn._network import Layout
from zoo.nn.history import History, HistoryStateMixin
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


@contextlib.contextmanager
def ctrl_c_deferred():
    """While training, Ctrl-C only asks to stop: the loop finishes its
    bookkeeping for the current epoch and then stops, so the model, its
    history and its checkpoints always describe whole epochs. A second Ctrl-C
    raises KeyboardInterrupt as soon as Python regains control. (Only the main
    thread can own signal handlers; elsewhere Ctrl-C behaves as usual.)"""
    request = {"stop": False}
    if threading.current_thread() is not threading.main_thread():
        yield request
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if request["stop"]:
            raise KeyboardInterrupt
        request["stop"] = True

    signal.signal(signal.SIGINT, handler)
    try:
        yield request
    finally:
        # None: the previous handler was not set from Python; Python's own is the safe default.
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


def epoch_seed(base_seed: int, epoch: int) -> int:
    return int(np.random.SeedSequence([base_seed, epoch]).generate_state(1, dtype=np.uint64)[0])


def epoch_stream_seed(base_seed: int, epoch: int, stream: int) -> int:
    """A seed in [0, 2**32) for a per-epoch random process other than the
    engine's shuffling and dropout (data augmentation, ...), independent of
    those. 32 bits so that any seeding API accepts it (RandomState too)."""
    sequence = np.random.SeedSequence([base_seed, epoch, stream])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


class NetworkModelMixin(HistoryStateMixin):
    """Mixed into estimators that own a network. The estimator provides
    `_layout_specs()` (its LayerSpecs), `_loss_code()`, and `_epoch_metrics`."""

    # -- construction ------------------------------------------------------

    def _layout(self):
        layout = getattr(self, "_cached_layout", None)
        specs = self._layout_specs()
        if layout is None or layout.specs != specs:
            layout = Layout(specs)
            self._cached_layout = layout
            self._cached_network = layout.network()
        return layout

    def _network(self):
        self._layout()
        return self._cached_network

    def _initialise_state(self, rng: np.random.Generator, dtype) -> None:
        layout = self._layout()
        self.params_ = layout.initial_params(self.init, rng, dtype)
        self.buffers_ = layout.initial_buffers(dtype)
        self.optimizer_state_ = np.zeros((self._optimizer().n_slots(), layout.n_params), dtype=dtype)
        self.n_steps_ = 0
        self.n_epochs_ = 0
        self.history_ = History()
        self._seed_ = int(rng.integers(0, 2**63))

    def _optimizer(self):
        return get_optimizer(self.optimizer)

    def _train_config(self, learning_rate: float, seed: int, n_threads: int) -> "_core.TrainConfig":
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

    def _run_epochs(
        self, train: TrainingSet, validation: TrainingSet | None, until_epoch: int, epoch_data=None
    ) -> None:
        """Train from epoch `n_epochs_` up to `until_epoch`, with schedule,
        callbacks and history. Ctrl-C stops after the current epoch.

        `epoch_data(epoch)`, when given, returns the TrainingSet the engine
        trains on in that epoch (augmented inputs, say); by default `train`.
        """
        n_threads = resolve_n_jobs(self.n_jobs)
        network = self._network()
        schedule = get_schedule(self.lr_schedule, total_epochs=until_epoch)
        if self.n_epochs_ > 0 and getattr(self, "_schedule_state_", None):
            schedule.load_state_dict(self._schedule_state_)  # a resumed or warm-started run
        callbacks = self._callback_list(until_epoch, has_validation=validation is not None)
        # A continued run starts from the last epoch's logs (ReduceOnPlateau reads them).
        logs: dict = self.history_.epoch_logs(-1) if len(self.history_) else {}
        callbacks.on_train_begin(self, {"total_epochs": until_epoch, "initial_epoch": self.n_epochs_})
        learning_rate = self._current_lr()
        with contextlib.ExitStack() as cleanup:
            # Callbacks close their files and bars even when training fails.
            cleanup.callback(lambda: callbacks.on_train_end(self, logs))
            ctrl_c = cleanup.enter_context(ctrl_c_deferred())
            for epoch in range(self.n_epochs_, until_epoch):
                learning_rate = float(
                    schedule(epoch, base_lr=float(self.learning_rate), current_lr=learning_rate, logs=logs)
                )
                callbacks.on_epoch_begin(self, epoch, logs)
                started = time.perf_counter()
                data = train if epoch_data is None else epoch_data(epoch)
                config = self._train_config(learning_rate, epoch_seed(self._seed_, epoch), n_threads)
                loss, correct, weight, squared_error, steps = _core.nn_train_epoch(
                    network, data.X, data.targets, data.weight, self.params_, self._grads(),
                    self.optimizer_state_, self.n_steps_, self.buffers_, config, **self._anchor_arrays(),
                )
                self.n_steps_ += int(steps)
                self.n_epochs_ = epoch + 1
                logs = {"loss": float(loss), **self._epoch_metrics(data, correct, weight, squared_error)}
                if validation is not None:
                    logs.update(self._validation_logs(validation, config))
                logs["lr"] = learning_rate
                logs["epoch_time"] = time.perf_counter() - started
                self.history_.append(logs)
                # Everything a checkpoint written by a callback needs to resume.
                self._last_lr_ = learning_rate
                self._schedule_state_ = schedule.state_dict()
                if callbacks.on_epoch_end(self, epoch, logs):
                    break
                if ctrl_c["stop"]:
                    self.interrupted_ = True
                    warnings.warn(
                        f"training interrupted (Ctrl-C) after epoch {self.n_epochs_}; the model keeps "
                        "the weights of that epoch and fit(..., resume=True) continues it",
                        RuntimeWarning,
                        stacklevel=3,
                    )
                    break

    def _anchor_arrays(self) -> dict:
        """Keyword arrays for the engine's anchored penalty (elastic weight
        consolidation): {"anchor_weight": ..., "anchor": ...} or nothing."""
        return {}

    def _current_lr(self) -> float:
        return float(getattr(self, "_last_lr_", self.learning_rate))

    def _validation_logs(self, validation: TrainingSet, config) -> dict:
        loss, correct, weight, squared_error = _core.nn_evaluate(
            self._network(), validation.X, validation.targets, validation.weight, self.params_, self.buffers_, config,
            **self._anchor_arrays(),
        )
        metrics = self._epoch_metrics(validation, correct, weight, squared_error)
        return {"val_loss": float(loss), **{f"val_{k}": v for k, v in metrics.items()}}

    def _callback_list(self, until_epoch: int, has_validation: bool) -> CallbackList:
        callbacks = []
        if self.verbose:
            callbacks.append(ProgressBar(total_epochs=until_epoch))
        if self.early_stopping is True:
            callbacks.append(EarlyStopping(monitor="val_loss" if has_validation else "loss"))
        elif isinstance(self.early_stopping, EarlyStopping):
            callbacks.append(self.early_stopping)
        callbacks.extend(self.callbacks or [])
        return CallbackList(callbacks)

    def _grads(self) -> np.ndarray:
        # Scratch for the engine; not state, so it is not saved.
        grads = getattr(self, "_grad_buffer", None)
        if grads is None or grads.shape != self.params_.shape or grads.dtype != self.params_.dtype:
            grads = self._grad_buffer = np.empty_like(self.params_)
        return grads

    # -- inference ------------------------------------------------------------

    def _forward(self, X: np.ndarray) -> np.ndarray:
        return _core.nn_predict(self._network(), X, self.params_, self.buffers_, resolve_n_jobs(self.n_jobs))

    # -- weights for callbacks, transfer learning, persistence -----------------

    def __getstate__(self):
        # The C++ network view and scratch arrays are rebuilt on demand.
        state = super().__getstate__()
        for cache in ("_cached_layout", "_cached_network", "_grad_buffer"):
            state.pop(cache, None)
        return state

    def _get_weights(self) -> dict:
        return {"params_": self.params_.copy(), "buffers_": self.buffers_.copy()}

    def _set_weights(self, weights: dict) -> None:
        self.params_[...] = weights["params_"]
        self.buffers_[...] = weights["buffers_"]
