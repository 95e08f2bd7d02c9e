"""Per-epoch training records, their diagnosis, and the logs vocabulary.

A training loop hands one ``logs`` dict per epoch to :meth:`History.append`
and to the callbacks. The keys zoo's estimators write are:

=================  =========================================================
``loss``           mean training loss of the epoch
``accuracy``       training accuracy (classifiers)
``r2``             training R² (regressors)
``val_loss``       loss on the validation data, when there is some
``val_accuracy``   validation accuracy (classifiers)
``val_r2``         validation R² (regressors)
``lr``             learning rate used during the epoch
``epoch_time``     wall-clock seconds the epoch took
=================  =========================================================

With :class:`zoo.nn.callbacks.GradientMonitor`, per layer ``i`` (0 = the
first hidden layer): ``grad_norm/layer_i``, ``weight_norm/layer_i``,
``update_ratio/layer_i`` and, for relu layers, ``dead_fraction/layer_i``.

Any other numeric key is recorded as well. The rules behind
:meth:`History.diagnose` live in :mod:`zoo.nn._diagnosis`; the small helpers
that read a monitored metric from those logs (:class:`_Monitor`), shared by
:mod:`zoo.nn.schedules` and :mod:`zoo.nn.callbacks`, live in
:mod:`zoo.nn._monitor`, so that "which key, and is higher better" is decided
in one place.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from zoo._validation import _short_repr
from zoo.nn._diagnosis import Diagnosis, _diagnose, _num
from zoo.nn._monitor import _base_name

__all__ = ["History", "Diagnosis"]


# --------------------------------------------------------------- the records


class History:
    """Metrics recorded once per epoch; a read-only mapping of key -> list.

    ``history["loss"]`` is the list of training losses, one float per epoch;
    ``len(history)`` is the number of epochs (not of keys); iterating, ``in``,
    ``keys()``, ``values()`` and ``items()`` work as on a dict. A key that
    first appears after some epochs, or is missing from one epoch, reads as
    NaN there, so every list has one entry per epoch.

    Parameters
    ----------
    baseline : dict of str -> float, optional
        What a trivial model scores on the training data, e.g.
        ``{"loss": 0.69, "accuracy": 0.5}`` for a balanced binary problem
        (loss of always predicting the class frequencies, accuracy of always
        predicting the majority class). :meth:`diagnose` uses it to tell
        "still no better than a constant" from "learned quickly, then
        levelled off". An R² baseline of 0 is implied.

    Attributes
    ----------
    baseline : dict of str -> float
        The baseline given, copied.

    Examples
    --------
    >>> h = History()
    >>> h.append({"loss": 0.9, "val_loss": 1.0})
    >>> h.append({"loss": 0.5, "val_loss": 0.7})
    >>> h["loss"], len(h)
    ([0.9, 0.5], 2)
    """

    # to_dict() records the kind; from_dict() rebuilds the subclass that wrote it.
    kind = "epochs"
    _kinds: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        History._kinds[cls.kind] = cls

    def __init__(self, baseline=None):
        self.baseline = _check_metric_dict(baseline or {}, "baseline")
        self._columns = {}  # key -> list of floats, each n_epochs long
        self._n_epochs = 0

    def _rollback_point(self):
        """A function that cuts the record back to what it holds now, for a
        fit that fails (zoo._transaction). A record only grows, so its
        lengths are enough: a partial_fit loop does not copy the whole
        record on every call."""
        lengths = {key: len(column) for key, column in self._columns.items()}
        columns = self._columns

        def put_back():
            for key in list(columns):
                if key in lengths:
                    del columns[key][lengths[key]:]
                else:
                    del columns[key]

        return put_back

    # ----------------------------------------------------------- recording

    def append(self, logs):
        """Record one epoch.

        Parameters
        ----------
        logs : dict of str -> float
            The epoch's metrics. ``None`` values are recorded as NaN.

        Raises
        ------
        TypeError
            If ``logs`` is not a dict of string keys and real numbers.
        """
        values = _check_metric_dict(logs, "logs", allow_none=True)
        for key in values:
            if key not in self._columns:
                self._columns[key] = [math.nan] * self._n_epochs
        for key, column in self._columns.items():
            column.append(values.get(key, math.nan))
        self._n_epochs += 1

    # ----------------------------------------------------------- mapping

    def __getitem__(self, key):
        try:
            return list(self._columns[key])  # a copy keeps the record read-only
        except KeyError:
            raise KeyError(
                f"{key!r} was not recorded; recorded keys: {list(self._columns)}."
            ) from None

    def __contains__(self, key):
        return key in self._columns

    def __iter__(self):
        return iter(list(self._columns))

    def __len__(self):
        return self._n_epochs

    def keys(self):
        """Recorded metric names, in the order they first appeared."""
        return list(self._columns)

    def values(self):
        """One list per metric, in :meth:`keys` order."""
        return [self[key] for key in self._columns]

    def items(self):
        """``(key, list)`` pairs, in :meth:`keys` order."""
        return [(key, self[key]) for key in self._columns]

    def get(self, key, default=None):
        """``history[key]`` if recorded, else ``default``."""
        return self[key] if key in self._columns else default

    def epoch_logs(self, index=-1):
        """The logs of one epoch, as appended (metrics missing there are left out).

        Parameters
        ----------
        index : int, default=-1
            Epoch index, from 0; negative counts from the end.

        Returns
        -------
        dict of str -> float
            For instance the ``logs`` to hand a schedule when training
            resumes after this epoch.
        """
        if not -self._n_epochs <= index < self._n_epochs:
            raise IndexError(f"epoch index {index} out of range for {self._n_epochs} epochs.")
        return {
            key: column[index]
            for key, column in self._columns.items()
            if not math.isnan(column[index])
        }

    # ----------------------------------------------------------- persistence

    def to_dict(self):
        """The record as strict JSON data.

        Returns
        -------
        dict
            ``{"n_epochs": int, "metrics": {key: [float, ...]},
            "baseline": {key: float}}``. NaN and infinities, which strict
            JSON cannot hold, are written as the strings ``"nan"``, ``"inf"``
            and ``"-inf"``.
        """
        return {
            "n_epochs": self._n_epochs,
            "metrics": {
                key: [_json_float(value) for value in column]
                for key, column in self._columns.items()
            },
            "baseline": dict(self.baseline),
        }

    @classmethod
    def from_dict(cls, data):
        """Rebuild a History from :meth:`to_dict` output.

        Parameters
        ----------
        data : dict
            As returned by :meth:`to_dict`.

        Returns
        -------
        History

        Raises
        ------
        ValueError
            If the data is malformed (missing entries, lists of unequal
            length, values that are not numbers).
        """
        written_by = History._kinds.get(data.get("kind")) if isinstance(data, dict) else None
        if written_by is not None and written_by is not cls and issubclass(written_by, cls):
            return written_by.from_dict(data)
        if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
            raise ValueError("History.from_dict expects a dict with a 'metrics' dict.")
        n_epochs = data.get("n_epochs")
        if not isinstance(n_epochs, int) or isinstance(n_epochs, bool) or n_epochs < 0:
            raise ValueError(f"History.from_dict: invalid n_epochs {n_epochs!r}.")
        history = cls(baseline=data.get("baseline") or {})
        for key, column in data["metrics"].items():
            if not isinstance(key, str) or not isinstance(column, list) or len(column) != n_epochs:
                raise ValueError(
                    f"History.from_dict: metric {key!r} must be a list of {n_epochs} numbers."
                )
            history._columns[key] = [_from_json_float(value, key) for value in column]
        history._n_epochs = n_epochs
        return history

    def __repr__(self):
        if self._n_epochs == 0:
            return "History(0 epochs)"
        shown = []
        for key, column in self._columns.items():
            if key == "epoch_time":
                continue
            shown.append(f"{key} {_num(column[0])} -> {_num(column[-1])}")
        more = f", ... ({len(shown) - 5} more)" if len(shown) > 5 else ""
        plural = "s" if self._n_epochs != 1 else ""
        return f"History({self._n_epochs} epoch{plural}: {', '.join(shown[:5])}{more})"

    # ----------------------------------------------------------- analysis

    def diagnose(self):
        """Judge the training curves: good, over- or underfitting, ...

        The checks run in the order below; the first that fires gives the
        verdict, and every finding is listed in ``reasons`` with the numbers
        behind it; ``suggestions`` holds the verdict's remedies and those of
        every gradient finding (zoo's parameters: activation, init,
        batch_norm, clip_norm, learning_rate). Epochs are numbered from 1 in
        the messages.

        1. **too short**: fewer than 3 epochs recorded.
        2. **exploding gradients** (needs the keys of
           :class:`~zoo.nn.callbacks.GradientMonitor`): a gradient or weight
           norm overflowed (infinite or NaN); or the gradient norm of all
           layers together grew at least 10 times from the first monitored
           epoch to the last while the training loss diverged (rule 3), or
           at least 1000 times whatever the loss did.
        3. **diverging**: the training loss became NaN or infinite, or its
           last value is more than 1.5 times its first. Findings of
           rules 4 and 5 are still listed; the curve rules (6 on) are not
           checked.
        4. **dead units** (GradientMonitor): at the last monitored epoch,
           at least half of a relu layer's units output 0 on every
           monitored row.
        5. **vanishing gradients** (GradientMonitor): the first layer's
           gradient norm is at least 100 times below the last layer's at
           the first monitored epoch or in at least half of the monitored
           epochs; or every layer's gradient norm is below 1e-6 at the last
           monitored epoch while the training loss never got 10% below its
           first value.
        6. **overfitting** (needs ``val_loss``): the validation loss reached
           its minimum at least ``max(2, 10% of the epochs)`` epochs before
           the end, has since risen more than 5% above that minimum, and
           the training loss fell over the same epochs; or, at the last
           epoch, the training loss is less than half the validation loss
           and the gap exceeds 10% of the first training loss (so tiny
           losses on an easy problem are not flagged).
        7. **not converged**: over the last ``max(3, 20% of the epochs)``
           epochs the training loss fell in at least 75% of the steps, by at
           least 1% of its final value and by at least 5% of its total
           decrease since the first epoch: it is still going down steadily.
        8. **underfitting**: the final training loss is still at least 90%
           of ``baseline["loss"]``; or, without a loss baseline, it ended
           less than 10% below the first epoch's, unless a recorded score
           shows a good fit (accuracy >= 0.95 or R² >= 0.9); or the final
           accuracy is within 10% of the way from ``baseline["accuracy"]``
           (chance) to 1; or the final R² is below 0.1. Training metrics
           are used, validation ones only when no training ones were
           recorded.
        9. **good**: none of the above.

        Returns
        -------
        Diagnosis

        Raises
        ------
        ValueError
            If no ``"loss"`` was recorded.
        """
        return _diagnose(self)

    def plot(self, ax=None, metrics=None):
        """Plot the curves against the epoch number with matplotlib.

        Loss-like metrics (names ending in ``loss``) go on ``ax``; the others
        (accuracy, R², learning rate, ...) on a second y axis sharing x.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure is made when omitted.
        metrics : list of str, optional
            Keys to plot; default: the losses and the accuracy or R² curves
            (training and validation) that were recorded.

        Returns
        -------
        matplotlib Axes
            The axes holding the first group of curves; the figure is
            ``ax.figure`` and the second y axis, when used, is in
            ``ax.figure.axes``.

        Raises
        ------
        ImportError
            If matplotlib is not installed.
        KeyError
            If a requested metric was not recorded.
        """
        try:
            import matplotlib.pyplot as plt  # noqa: PLC0415  (optional dependency)
        except ImportError as exc:
            raise ImportError(
                "History.plot needs matplotlib, which is not installed; "
                "install it with `pip install matplotlib`."
            ) from exc
        if metrics is None:
            metrics = [
                key for key in self._columns
                if key.endswith("loss") or _base_name(key) in ("accuracy", "acc", "r2")
            ]
        else:
            metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        missing = [key for key in metrics if key not in self._columns]
        if missing:
            raise KeyError(f"{missing} not recorded; recorded keys: {list(self._columns)}.")
        left = [key for key in metrics if key.endswith("loss")]
        right = [key for key in metrics if not key.endswith("loss")]
        if not left:
            left, right = right, []
        if ax is None:
            _, ax = plt.subplots()
        epochs = np.arange(1, self._n_epochs + 1)
        lines = [ax.plot(epochs, self[key], label=key)[0] for key in left]
        ax.set_xlabel("epoch")
        ax.set_ylabel(", ".join(left) if len(left) < 3 else "loss")
        if right:
            twin = ax.twinx()
            # Continue the colour cycle so the right-hand curves stand apart.
            colours = plt.rcParams["axes.prop_cycle"].by_key().get("color", [None])
            for index, key in enumerate(right):
                colour = colours[(len(left) + index) % len(colours)]
                lines.append(twin.plot(epochs, self[key], "--", color=colour, label=key)[0])
            twin.set_ylabel(", ".join(right))
            # Keep ax (and so its legend) above the twin's curves.
            ax.set_zorder(twin.get_zorder() + 1)
            ax.patch.set_visible(False)
        if lines:
            ax.legend(lines, [line.get_label() for line in lines], loc="best")
        return ax


# ----------------------------------------------------- estimator persistence


class HistoryStateMixin:
    """Saves an estimator's ``history_`` (a :class:`History`) with ``save``.

    ``zoo.persistence`` stores plain data, so the record is written as
    :meth:`History.to_dict` and rebuilt by :meth:`History.from_dict` on load.
    Put it before :class:`~zoo.base.BaseEstimator` in the bases of every
    estimator whose ``history_`` is a History.
    """

    # As History.to_dict wrote it; History.from_dict checks what it holds.
    _fitted_state = {"history_": [dict]}

    def _save_state(self):
        state = super()._save_state()
        if isinstance(state.get("history_"), History):
            state["history_"] = state["history_"].to_dict()
        return state

    def _load_state(self, state):
        state = dict(state)
        if isinstance(state.get("history_"), dict):
            state["history_"] = History.from_dict(state["history_"])
        super()._load_state(state)


# ------------------------------------------------------------------- helpers


def _check_metric_dict(values, what, allow_none=False):
    if not isinstance(values, dict):
        raise TypeError(
            f"History: {what} must be a dict of metric values; got {_short_repr(values)}."
        )
    checked = {}
    for key, value in values.items():
        if not isinstance(key, str):
            raise TypeError(f"History: {what} keys must be str; got {_short_repr(key)}.")
        if value is None and allow_none:
            checked[key] = math.nan
        elif isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            checked[key] = float(value)
        else:
            raise TypeError(
                f"History: {what}[{key!r}] must be a real number; got {_short_repr(value)}."
            )
    return checked


def _json_float(value):
    if math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def _from_json_float(value, key):
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    if value is None:
        return math.nan
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"History.from_dict: metric {key!r} holds {_short_repr(value)}, not a number.")
