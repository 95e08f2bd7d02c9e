"""Callbacks: code the training loop runs at epoch boundaries.

The loop (C++ runs the epochs, Python the boundaries) calls, in order::

    callbacks.on_train_begin(model, {"total_epochs": ..., "initial_epoch": ...})
    for epoch in range(initial_epoch, total_epochs):      # 0-based
        callbacks.on_epoch_begin(model, epoch, {"lr": ...})
        ...one epoch...
        model.history_.append(logs)
        if callbacks.on_epoch_end(model, epoch, logs):    # True: stop
            break
    callbacks.on_train_end(model, {})                     # also after errors

``logs`` holds the epoch's metrics (keys in :mod:`zoo.nn.history`). The
model is the estimator being trained; callbacks use only ``model.save(path)``,
``model._get_weights()`` (a dict of name -> array copies) and
``model._set_weights(weights)``.

Epoch numbers passed to hooks and stored in attributes (``best_epoch``,
``stopped_epoch``) count from 0, like the hooks; numbers shown to people
(progress lines, CSV rows, ``{epoch}`` in file names) count from 1.
"""

from __future__ import annotations

import csv
import math
import numbers
import os
import string
import sys
import time
import warnings

import numpy as np

from zoo._validation import _short_repr, check_in_range
from zoo.nn import _layer_statistics as layer_statistics
from zoo.nn._monitor import _check_bool, _Monitor

__all__ = [
    "Callback",
    "CallbackList",
    "LambdaCallback",
    "ProgressBar",
    "CSVLogger",
    "ModelCheckpoint",
    "TerminateOnNaN",
    "EarlyStopping",
    "GradientMonitor",
]


class Callback:
    """Base class with no-op hooks; override the ones you need."""

    def on_train_begin(self, model, logs):
        """Before the first epoch. ``logs`` may hold ``total_epochs``, ``initial_epoch``."""

    def on_epoch_begin(self, model, epoch, logs):
        """Before epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, model, epoch, logs):
        """After epoch ``epoch`` with its metrics; return True to stop training."""
        return None

    def on_train_end(self, model, logs):
        """After the last epoch, also when training stopped early or failed."""


class CallbackList(Callback):
    """Calls several callbacks in order; any stop request stops training.

    Every callback's ``on_epoch_end`` runs even after an earlier one asked to
    stop, so loggers still record the last epoch.

    Parameters
    ----------
    callbacks : Callback, iterable of Callback, or None
        Nested CallbackLists are flattened.
    """

    def __init__(self, callbacks=None):
        self.callbacks = []
        if callbacks is None:
            return
        if isinstance(callbacks, Callback):
            callbacks = [callbacks]
        for index, callback in enumerate(callbacks):
            if isinstance(callback, CallbackList):
                self.callbacks.extend(callback.callbacks)
            elif isinstance(callback, Callback):
                self.callbacks.append(callback)
            else:
                hint = (
                    "; wrap a function as LambdaCallback(on_epoch_end=f)"
                    if callable(callback) else ""
                )
                raise TypeError(
                    f"callbacks[{index}] must be a zoo.nn.callbacks.Callback; got "
                    f"{_short_repr(callback)}{hint}."
                )

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)

    def on_train_begin(self, model, logs):
        for callback in self.callbacks:
            callback.on_train_begin(model, logs)

    def on_epoch_begin(self, model, epoch, logs):
        for callback in self.callbacks:
            callback.on_epoch_begin(model, epoch, logs)

    def on_epoch_end(self, model, epoch, logs):
        stop = False
        for callback in self.callbacks:
            stop = bool(callback.on_epoch_end(model, epoch, logs)) or stop
        return stop

    def on_train_end(self, model, logs):
        for callback in self.callbacks:
            callback.on_train_end(model, logs)


class LambdaCallback(Callback):
    """A callback made of plain functions with the hooks' signatures.

    Parameters
    ----------
    on_train_begin, on_train_end : callable(model, logs), optional
    on_epoch_begin : callable(model, epoch, logs), optional
    on_epoch_end : callable(model, epoch, logs), optional
        May return True to stop training.

    Examples
    --------
    >>> losses = []
    >>> record = LambdaCallback(on_epoch_end=lambda model, epoch, logs: losses.append(logs["loss"]))
    """

    def __init__(self, on_train_begin=None, on_epoch_begin=None, on_epoch_end=None,
                 on_train_end=None):
        hooks = {
            "on_train_begin": on_train_begin,
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_end": on_train_end,
        }
        for name, function in hooks.items():
            if function is not None and not callable(function):
                raise TypeError(
                    f"LambdaCallback: {name} must be callable or None; got {_short_repr(function)}."
                )
        self._hooks = hooks

    def on_train_begin(self, model, logs):
        if self._hooks["on_train_begin"]:
            self._hooks["on_train_begin"](model, logs)

    def on_epoch_begin(self, model, epoch, logs):
        if self._hooks["on_epoch_begin"]:
            self._hooks["on_epoch_begin"](model, epoch, logs)

    def on_epoch_end(self, model, epoch, logs):
        if self._hooks["on_epoch_end"]:
            return self._hooks["on_epoch_end"](model, epoch, logs)
        return None

    def on_train_end(self, model, logs):
        if self._hooks["on_train_end"]:
            self._hooks["on_train_end"](model, logs)


class ProgressBar(Callback):
    """Show training progress: a tqdm bar, or one plain line per epoch.

    With tqdm installed (``pip install tqdm``) the bar shows the metrics as
    its postfix; otherwise each epoch prints a line such as
    ``epoch 3/20 - loss 0.1234 - val_loss 0.2345 - 0.52s``.

    A reinforcement learner's training counts environment steps, not epochs:
    when ``on_train_begin``'s logs hold ``total_timesteps`` (and
    ``initial_timesteps``), the bar counts steps and each chunk of steps
    prints a line such as
    ``timesteps 3,000/50,000 - episodes 47 - mean return 21.3 - loss 0.2522 - 0.03s``.

    Parameters
    ----------
    total_epochs : int, optional
        Planned number of epochs; default: ``logs["total_epochs"]`` from
        ``on_train_begin``, if given.
    file : file-like, optional
        Where to write; default: ``sys.stderr`` at the time of writing.
    """

    # Keys shown separately (time) or not at all (the rate is in the logs).
    _NOT_SHOWN = ("epoch_time", "lr", "epoch")

    def __init__(self, total_epochs=None, file=None):
        if total_epochs is not None:
            check_in_range(total_epochs, name="total_epochs", low=1, integral=True,
                           estimator=self)
        self.total_epochs = total_epochs
        self.file = file
        self._bar = None
        self._started = None
        self._total_steps, self._steps = None, 0

    def on_train_begin(self, model, logs):
        logs = logs or {}
        self._total = self.total_epochs or logs.get("total_epochs")
        # None: training counts epochs; else the environment steps to reach.
        self._total_steps = logs.get("total_timesteps")
        self._steps = logs.get("initial_timesteps", 0)
        counting_steps = self._total_steps is not None
        tqdm = _load_tqdm()
        if tqdm is not None:
            self._bar = tqdm(
                total=self._total_steps if counting_steps else self._total,
                initial=self._steps if counting_steps else logs.get("initial_epoch", 0),
                file=self.file,
                unit="step" if counting_steps else "epoch",
                desc=type(model).__name__,
                leave=True,
            )

    def on_epoch_begin(self, model, epoch, logs):
        self._started = time.perf_counter()

    def on_epoch_end(self, model, epoch, logs):
        # Per-layer statistics (GradientMonitor's) are too many for one line; the History keeps them.
        metrics = {key: value for key, value in (logs or {}).items()
                   if key not in self._NOT_SHOWN and not layer_statistics.is_layer_key(key)}
        counting_steps = self._total_steps is not None and "timesteps" in metrics
        steps_before = self._steps
        if counting_steps:
            self._steps = metrics.pop("timesteps")
        if self._bar is not None:
            self._bar.set_postfix({_label(key, counting_steps): _shown(value, ".4g")
                                   for key, value in metrics.items()}, refresh=False)
            self._bar.update(self._steps - steps_before if counting_steps else 1)
            return None
        seconds = (logs or {}).get("epoch_time")
        if seconds is None and self._started is not None:
            seconds = time.perf_counter() - self._started
        if counting_steps:
            # Steps, episodes and returns as RL reports them; floats to 4 significant digits.
            parts = [f"timesteps {self._steps:,}/{self._total_steps:,}"]
            parts += [f"{_label(key, True)} {_shown(value, '.4g')}" for key, value in metrics.items()]
        else:
            parts = [f"epoch {epoch + 1}" + (f"/{self._total}" if self._total else "")]
            parts += [f"{key} {_shown(value, '.4f')}" for key, value in metrics.items()]
        if seconds is not None:
            parts.append(f"{seconds:.2f}s")
        print(" - ".join(parts), file=self.file or sys.stderr, flush=True)
        return None

    def on_train_end(self, model, logs):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    # scikit-learn's clone deep-copies parameters, and joblib pickles them:
    # a live bar is not carried over, and the standard streams travel by name.
    def __getstate__(self):
        state = {**self.__dict__, "_bar": None}
        for name in ("stdout", "stderr"):
            if self.file is getattr(sys, name):
                state["file"] = f"<{name}>"
        return state

    def __setstate__(self, state):
        if state["file"] in ("<stdout>", "<stderr>"):
            state["file"] = getattr(sys, state["file"][1:-1])
        self.__dict__.update(state)


def _shown(value, float_format):
    """A logged value for people: counts as integers with thousands
    separators, other numbers in `float_format` (large ones without an
    exponent)."""
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    if float_format.endswith("g") and math.isfinite(value) and abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:{float_format}}"


def _label(key, words):
    """A log key as shown: "mean_return" reads "mean return" in RL's lines."""
    return key.replace("_", " ") if words else key


def _load_tqdm():
    try:
        from tqdm.auto import tqdm  # noqa: PLC0415  (optional dependency)
    except ImportError:
        return None
    return tqdm


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` (from 1), then the logs.

    The columns are fixed by the first epoch's log keys, in their order;
    keys that appear later are not written, missing ones are left empty.
    The file is flushed after each row, so it can be watched during training.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    append : bool, default=False
        Add to an existing file (keeping its header) instead of replacing it.
    """

    def __init__(self, path, append=False):
        self.path = os.fspath(path)
        self.append = _check_bool("CSVLogger", "append", append)
        self._file = None
        self._writer = None

    def on_train_begin(self, model, logs):
        columns = self._existing_header() if self.append else None
        self._file = open(self.path, "a" if self.append else "w", newline="", encoding="utf-8")
        self._writer = None
        if columns:
            self._writer = self._make_writer(columns)

    def on_epoch_end(self, model, epoch, logs):
        if self._file is None:  # used without on_train_begin
            self.on_train_begin(model, {})
        row = {"epoch": epoch + 1, **{k: v for k, v in (logs or {}).items() if k != "epoch"}}
        if self._writer is None:
            self._writer = self._make_writer(list(row))
            self._writer.writeheader()
        self._writer.writerow(row)
        self._file.flush()

    def on_train_end(self, model, logs):
        if self._file is not None:
            self._file.close()
            self._file = None

    def __getstate__(self):
        # An open file cannot be copied or pickled; on_train_begin reopens it.
        return {**self.__dict__, "_file": None, "_writer": None}

    def _make_writer(self, columns):
        return csv.DictWriter(self._file, fieldnames=columns, restval="", extrasaction="ignore")

    def _existing_header(self):
        try:
            with open(self.path, newline="", encoding="utf-8") as existing:
                return next(csv.reader(existing), None)
        except FileNotFoundError:
            return None


class ModelCheckpoint(Callback):
    """Save the model every ``every`` epochs, or whenever it improves.

    Parameters
    ----------
    path : str or os.PathLike
        Where ``model.save`` writes. It may contain ``str.format`` fields:
        ``{epoch}`` (from 1) and any log key, e.g.
        ``"ckpt-{epoch:03d}-{val_loss:.3f}.npz"``.
    every : int >= 1, optional
        Save after every ``every``-th epoch. Default: every epoch, unless
        ``save_best_only``.
    save_best_only : bool, default=False
        Save only when ``monitor`` improves on its best value so far.
        Exclusive with ``every``.
    monitor : str, default="val_loss"
        Key watched by ``save_best_only``; a missing ``"val_X"`` falls back
        to ``"X"`` with one warning per training run.
    mode : {"min", "max", "auto"}, default="min"
        Whether lower or higher values of ``monitor`` are better.

    Attributes
    ----------
    saved_paths : list of str
        Paths written during the last training run, in order.
    best : float or None
        Best monitored value (``save_best_only`` only).
    best_epoch : int or None
        Epoch (0-based) of ``best``.
    """

    def __init__(self, path, every=None, save_best_only=False, monitor="val_loss", mode="min"):
        self.path = os.fspath(path)
        if every is not None:
            every = int(check_in_range(every, name="every", low=1, integral=True,
                                       estimator=self))
        self.every = every
        self.save_best_only = _check_bool("ModelCheckpoint", "save_best_only", save_best_only)
        if self.save_best_only and every is not None:
            raise ValueError(
                "ModelCheckpoint: every and save_best_only=True are exclusive; use two "
                "ModelCheckpoint callbacks to get both."
            )
        self.monitor = monitor
        self.mode = mode
        self._monitor = _Monitor("ModelCheckpoint", monitor, mode)
        self._fields = _format_fields(self.path)
        self.saved_paths = []
        self.best = None
        self.best_epoch = None

    def on_train_begin(self, model, logs):
        self._monitor.reset()
        self.saved_paths = []
        self.best = None
        self.best_epoch = None

    def on_epoch_end(self, model, epoch, logs):
        logs = logs or {}
        if self.save_best_only:
            value = self._monitor.read(logs)
            if value is None or not self._monitor.improved(value, self.best):
                return None
            self.best, self.best_epoch = value, epoch
        elif (epoch + 1) % (self.every or 1) != 0:
            return None
        path = self._format(epoch, logs)
        model.save(path)
        self.saved_paths.append(path)
        return None

    def _format(self, epoch, logs):
        values = {**logs, "epoch": epoch + 1}
        missing = [name for name in self._fields if name not in values]
        if missing:
            raise ValueError(
                f"ModelCheckpoint: path {self.path!r} uses {missing}, which the epoch "
                f"logs do not hold (they hold {sorted(values)})."
            )
        return self.path.format(**values)


def _format_fields(path):
    """Names of the ``{fields}`` in ``path``; positional fields are refused."""
    names = []
    for _, field, _, _ in string.Formatter().parse(path):
        if field is None:
            continue
        name = field.split(".")[0].split("[")[0]
        if not name or name.isdigit():
            raise ValueError(
                f"ModelCheckpoint: path {path!r} has a positional field {{{field}}}; "
                "use named fields such as {epoch}."
            )
        names.append(name)
    return names


class TerminateOnNaN(Callback):
    """Stop training as soon as the training loss is NaN or infinite.

    Attributes
    ----------
    stopped_epoch : int or None
        Epoch (0-based) at which training was stopped.
    """

    def __init__(self):
        self.stopped_epoch = None

    def on_train_begin(self, model, logs):
        self.stopped_epoch = None

    def on_epoch_end(self, model, epoch, logs):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return None
        self.stopped_epoch = epoch
        warnings.warn(
            f"TerminateOnNaN: training loss is {loss} at epoch {epoch + 1}; stopping. "
            "A lower learning rate usually helps.",
            RuntimeWarning,
            stacklevel=2,
        )
        return True


class EarlyStopping(Callback):
    """Stop when a monitored metric has stopped improving.

    An epoch improves when its ``monitor`` value beats the best so far by
    more than ``min_delta``. Training stops after ``patience`` epochs in a
    row without improvement.

    Parameters
    ----------
    monitor : str, default="val_loss"
        Key of the epoch logs to watch; a missing ``"val_X"`` falls back to
        ``"X"`` with one warning per training run.
    patience : int >= 1, default=5
        Epochs without improvement before stopping.
    min_delta : float >= 0, default=0.0
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}, default="auto"
        Whether lower or higher values are better; "auto" says higher for
        accuracy, R² and other scores, lower otherwise.
    restore_best_weights : bool, default=True
        At the end of training, put back the weights of the best epoch
        (``model._set_weights``), unless the last epoch was the best.

    Attributes
    ----------
    best : float or None
        Best monitored value.
    best_epoch : int or None
        Epoch (0-based) of ``best``.
    stopped_epoch : int or None
        Epoch (0-based) after which training was stopped; None if it was not.
    wait : int
        Epochs since the last improvement.
    restored : bool
        Whether the best weights were put back at the end of training.
    """

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, mode="auto",
                 restore_best_weights=True):
        self._monitor = _Monitor("EarlyStopping", monitor, mode, min_delta)
        self.monitor = monitor
        self.patience = int(check_in_range(patience, name="patience", low=1, integral=True,
                                           estimator=self))
        self.min_delta = self._monitor.min_delta
        self.mode = mode
        self.restore_best_weights = _check_bool("EarlyStopping", "restore_best_weights",
                                                restore_best_weights)
        self.on_train_begin(None, {})

    def on_train_begin(self, model, logs):
        self._monitor.reset()
        self.best = None
        self.best_epoch = None
        self.stopped_epoch = None
        self.wait = 0
        self.restored = False
        self._best_weights = None
        self._last_epoch = None

    def on_epoch_end(self, model, epoch, logs):
        self._last_epoch = epoch
        value = self._monitor.read(logs or {})
        if value is None:
            return None
        if self._monitor.improved(value, self.best):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self._best_weights = model._get_weights()
            return None
        self.wait += 1
        if self.wait < self.patience:
            return None
        self.stopped_epoch = epoch
        return True

    def on_train_end(self, model, logs):
        weights, self._best_weights = self._best_weights, None  # free the copy either way
        if weights is not None and self.best_epoch != self._last_epoch:
            model._set_weights(weights)
            self.restored = True


# Separates the monitored rows' draw from the model's other uses of its seed.
_MONITORED_ROWS_STREAM = 0x6AD


class GradientMonitor(Callback):
    """Record each layer's gradient and weight statistics at every epoch's end.

    For zoo's network estimators (MLP, MLPClassifier, MLPRegressor,
    Autoencoder, SGDRegressor, SGDClassifier): their epoch loop hands the
    monitor the training rows, and what it measures joins the epoch's logs,
    so that ``history_`` records it, ``history_.diagnose()`` reads it
    (vanishing and exploding gradients, dead ReLU units) and ``save`` keeps
    it. Without a GradientMonitor nothing is measured.

    Per layer ``i`` (0 = the first hidden layer, the last is the output
    layer) and epoch, under the keys ``"<quantity>/layer_<i>"``:

    ``grad_norm``
        ||dL/dW||, the norm of the loss gradient with respect to the layer's
        weight matrix, on the monitored rows, with the weights at the
        epoch's end. The data loss only, before clipping, without dropout
        and without penalties, whose gradients would hide the signal.
    ``weight_norm``
        ||W|| at the epoch's end.
    ``update_ratio``
        ||W_end - W_start|| / ||W_start||: how far the epoch moved the
        weights, relative to their size (NaN for weights that started at 0).
    ``dead_fraction``
        Only for ``relu`` layers: the share of units whose output is 0 on
        every monitored row (inference mode). A dead unit passes no
        gradient and stays dead.

    Measuring costs one forward-backward pass over the monitored rows per
    epoch. The progress bar does not show these keys.

    Parameters
    ----------
    max_rows : int >= 1, default=512
        How many training rows to measure on: all of them when there are
        no more, else a sample drawn once per fit from the model's
        ``random_state`` (so a resumed fit measures the same rows).

    Examples
    --------
    >>> import numpy as np, zoo
    >>> X = np.random.default_rng(0).normal(size=(64, 3))
    >>> model = zoo.MLPRegressor((8,), epochs=3, callbacks=[GradientMonitor()], random_state=0)
    >>> model = model.fit(X, X.sum(axis=1))
    >>> len(model.history_["grad_norm/layer_0"])
    3
    """

    def __init__(self, max_rows=512):
        self.max_rows = int(check_in_range(max_rows, name="max_rows", low=1, integral=True, estimator=self))
        self.on_train_begin(None, {})

    def on_train_begin(self, model, logs):
        self._rows = None  # (X, targets, weight) measured on, drawn at the first epoch of a fit
        self._start_weights = None
        self._measured_epoch = None

    def on_epoch_begin(self, model, epoch, logs):
        network = vars(model).get("network_")
        if network is not None:
            # The weights the epoch starts from, for the update ratio.
            self._start_weights = [network.params[where.weight].copy() for where in network.layout.slices]

    def measure_epoch(self, model, epoch, training_set, config):
        """The epoch's statistics as log keys.

        Called by the network estimators' epoch loop after each epoch,
        before the logs are recorded.

        Parameters
        ----------
        model : estimator holding ``network_``
        epoch : int
            The epoch just trained, from 0.
        training_set : zoo.nn._model.TrainingSet
            The training rows in the engine's form (inputs as the network
            sees them, 2-D targets, sample weights).
        config : zoo._core.TrainConfig
            The epoch's configuration: loss, threads.

        Returns
        -------
        dict of str -> float
        """
        network = model.network_
        X, targets, weight = self._monitored_rows(model, training_set)
        logs = {}
        statistics = (
            (layer_statistics.GRAD_NORM, layer_statistics.gradient_norms(network, X, targets, weight, config)),
            (layer_statistics.WEIGHT_NORM, layer_statistics.weight_norms(network)),
            (layer_statistics.UPDATE_RATIO, layer_statistics.update_ratios(network, self._start_weights)
             if self._start_weights is not None else [float("nan")] * len(network.layers)),
        )
        for quantity, values in statistics:
            logs.update({layer_statistics.layer_key(quantity, i): value for i, value in enumerate(values)})
        dead = layer_statistics.dead_fractions(network, X, config.n_threads)
        logs.update({layer_statistics.layer_key(layer_statistics.DEAD_FRACTION, i): value for i, value in dead.items()})
        self._measured_epoch = epoch
        return logs

    def on_epoch_end(self, model, epoch, logs):
        if self._measured_epoch != epoch:
            raise TypeError(
                f"GradientMonitor measures zoo's network estimators (MLP, MLPClassifier, MLPRegressor, "
                f"Autoencoder, SGDRegressor, SGDClassifier); {type(model).__name__} does not hand it its "
                "training rows."
            )
        return None

    def _monitored_rows(self, model, training_set):
        if self._rows is None:
            n = training_set.X.shape[0]
            if n <= self.max_rows:
                rows = np.arange(n)
            else:
                rng = np.random.default_rng((model._seed_, _MONITORED_ROWS_STREAM))
                rows = np.sort(rng.choice(n, size=self.max_rows, replace=False))
            # Copies: a denoising autoencoder refills its training inputs every epoch.
            self._rows = tuple(np.ascontiguousarray(array[rows])
                               for array in (training_set.X, training_set.targets, training_set.weight))
        return self._rows

    def __getstate__(self):
        # The sampled rows belong to one fit; clone and pickle need not carry them.
        return {**self.__dict__, "_rows": None, "_start_weights": None}
