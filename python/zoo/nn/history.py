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

Any other numeric key is recorded as well. The module also holds the small
helpers that read a monitored metric from those logs (:class:`_Monitor`),
shared by :mod:`zoo.nn.schedules` and :mod:`zoo.nn.callbacks`, so that
"which key, and is higher better" is decided in one place.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

from zoo._validation import _short_repr, check_in_range

__all__ = ["History", "Diagnosis"]

# Metric names (after any "val_" prefix) for which higher is better.
_HIGHER_IS_BETTER = ("acc", "r2", "score", "auc", "f1", "precision", "recall")


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

    def __init__(self, baseline=None):
        self.baseline = _check_metric_dict(baseline or {}, "baseline")
        self._columns = {}  # key -> list of floats, each n_epochs long
        self._n_epochs = 0

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
        behind it. Epochs are numbered from 1 in the messages.

        1. **too short**: fewer than 3 epochs recorded.
        2. **diverging**: the training loss became NaN or infinite, or its
           last value is more than 1.5 times its first.
        3. **overfitting** (needs ``val_loss``): the validation loss reached
           its minimum at least ``max(2, 10% of the epochs)`` epochs before
           the end, has since risen more than 5% above that minimum, and
           the training loss fell over the same epochs; or, at the last
           epoch, the training loss is less than half the validation loss
           and the gap exceeds 10% of the first training loss (so tiny
           losses on an easy problem are not flagged).
        4. **not converged**: over the last ``max(3, 20% of the epochs)``
           epochs the training loss fell in at least 75% of the steps, by at
           least 1% of its final value and by at least 5% of its total
           decrease since the first epoch: it is still going down steadily.
        5. **underfitting**: the final training loss is still at least 90%
           of ``baseline["loss"]``; or, without a loss baseline, it ended
           less than 10% below the first epoch's, unless a recorded score
           shows a good fit (accuracy >= 0.95 or R² >= 0.9); or the final
           accuracy is within 10% of the way from ``baseline["accuracy"]``
           (chance) to 1; or the final R² is below 0.1. Training metrics
           are used, validation ones only when no training ones were
           recorded.
        6. **good**: none of the above.

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


@dataclass
class Diagnosis:
    """The outcome of :meth:`History.diagnose`.

    Attributes
    ----------
    verdict : str
        One of ``"good"``, ``"overfitting"``, ``"underfitting"``,
        ``"not converged"``, ``"diverging"``, ``"too short"``.
    reasons : list of str
        Each finding, quoting the numbers behind it; the verdict's first.
    suggestions : list of str
        What to try next.
    notes : list of str
        Checks that could not be made, and why.
    """

    verdict: str
    reasons: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def __str__(self):
        parts = [f"verdict: {self.verdict}"]
        for title, items in (
            ("why", self.reasons),
            ("suggestions", self.suggestions),
            ("not checked", self.notes),
        ):
            if items:
                parts.append(f"{title}:")
                parts.extend(f"  - {item}" for item in items)
        return "\n".join(parts)


# ----------------------------------------------------------------- diagnosis

# Thresholds of History.diagnose; its docstring states the rules.
_MIN_EPOCHS = 3
_DIVERGE_RATIO = 1.5
_OVERFIT_LEAD, _OVERFIT_LEAD_MIN = 0.1, 2
_OVERFIT_RISE = 0.05
_GAP_RATIO, _GAP_SCALE = 0.5, 0.1
_TAIL, _TAIL_MIN = 0.2, 3
_STEADY, _TAIL_REL, _TAIL_SHARE = 0.75, 0.01, 0.05
_BASELINE_FRACTION = 0.9
_FLAT_DROP = 0.1
_GOOD_ACCURACY, _GOOD_R2 = 0.95, 0.9
_CHANCE_MARGIN = 0.1
_R2_FLOOR = 0.1

_SUGGESTIONS = {
    "too short": ["train for more epochs (at least 3, usually many more) before judging"],
    "diverging": [
        "lower the learning rate (try 10 times smaller)",
        "start with a warm-up (zoo.nn.schedules.LinearWarmup) or clip the gradients",
        "standardise the inputs and check them for extreme values",
    ],
    "overfitting": [
        "regularise more: a larger L2 penalty (weight decay) or dropout",
        "use more training data, or a smaller network",
    ],
    "not converged": [
        "train for more epochs",
        "or raise the learning rate, or use a schedule that starts higher and decays",
    ],
    "underfitting": [
        "use a larger network (more or wider hidden layers)",
        "train longer or with a higher learning rate",
        "weaken the regularisation (L2 penalty, dropout)",
        "standardise the inputs",
    ],
    "good": [],
}


def _diagnose(history):
    if "loss" not in history:
        raise ValueError(f"diagnose needs a 'loss' curve; recorded keys: {history.keys()}.")
    n = len(history)
    if n < _MIN_EPOCHS:
        return Diagnosis(
            "too short",
            [f"only {n} epoch{'s' if n != 1 else ''} recorded; judging the curves needs "
             f"at least {_MIN_EPOCHS}"],
            list(_SUGGESTIONS["too short"]),
        )
    loss = np.asarray(history["loss"])
    diverging = _divergence(loss)
    if diverging:
        # The other checks assume finite, falling losses.
        return Diagnosis("diverging", diverging, list(_SUGGESTIONS["diverging"]))

    findings, notes, suggestions = [], [], []
    val = np.asarray(history.get("val_loss", []))
    if np.count_nonzero(np.isfinite(val)) < _MIN_EPOCHS:
        notes.append(
            "no validation loss was recorded (for at least 3 epochs), so overfitting "
            "(validation loss rising, train/validation gap) could not be checked; fit "
            "with validation data to check it"
        )
    else:
        reasons, best_epoch = _overfitting(loss, val)
        findings += [("overfitting", reason) for reason in reasons]
        if best_epoch is not None:
            suggestions.append(
                f"stop earlier: EarlyStopping(monitor='val_loss', restore_best_weights=True) "
                f"would keep epoch {best_epoch + 1} (val_loss {_num(val[best_epoch])})"
            )
    findings += [("not converged", reason) for reason in _not_converged(loss)]
    findings += [("underfitting", reason) for reason in _underfitting(history, loss, notes)]

    verdict = findings[0][0] if findings else "good"
    reasons = [reason for _, reason in findings] or [_good_summary(loss, val)]
    if verdict != "overfitting":
        suggestions = []
    return Diagnosis(verdict, reasons, suggestions + _SUGGESTIONS[verdict], notes)


def _divergence(loss):
    bad = np.flatnonzero(~np.isfinite(loss))
    if bad.size:
        first = bad[0]
        before = f" (it was {_num(loss[first - 1])} at epoch {first})" if first else ""
        return [f"training loss became {loss[first]} at epoch {first + 1}{before}"]
    if loss[0] > 0 and loss[-1] > _DIVERGE_RATIO * loss[0]:
        return [
            f"training loss rose from {_num(loss[0])} at epoch 1 to {_num(loss[-1])} at "
            f"epoch {len(loss)} ({loss[-1] / loss[0]:.1f} times the first)"
        ]
    return []


def _overfitting(loss, val):
    """Reasons, and the epoch of the validation minimum when it came early."""
    n = len(loss)
    measured = np.flatnonzero(np.isfinite(val))
    best = measured[np.argmin(val[measured])]
    last = measured[-1]
    reasons, best_epoch = [], None
    lead = max(_OVERFIT_LEAD_MIN, math.ceil(_OVERFIT_LEAD * n))
    rise = val[last] - val[best]
    if last - best >= lead and rise > _OVERFIT_RISE * abs(val[best]) and loss[last] < loss[best]:
        best_epoch = best
        reasons.append(
            f"validation loss rose from {_num(val[best])} at epoch {best + 1} to "
            f"{_num(val[last])} at epoch {last + 1} while training loss kept falling "
            f"({_num(loss[best])} -> {_num(loss[last])})"
        )
    gap = val[last] - loss[last]
    if gap > _GAP_RATIO * val[last] and gap > _GAP_SCALE * abs(loss[0]):
        times = f"{val[last] / loss[last]:.1f} times" if loss[last] > 0 else "far above"
        reasons.append(
            f"at epoch {last + 1} the validation loss {_num(val[last])} is {times} the "
            f"training loss {_num(loss[last])}"
        )
    return reasons, best_epoch


def _not_converged(loss):
    n = len(loss)
    k = min(n, max(_TAIL_MIN, math.ceil(_TAIL * n)))
    tail = loss[-k:]
    falling = np.mean(np.diff(tail) < 0)
    drop = tail[0] - tail[-1]
    total = loss[0] - loss[-1]
    if falling < _STEADY or drop < _TAIL_REL * abs(tail[-1]) or drop < _TAIL_SHARE * total:
        return []
    per_epoch = 100 * drop / (k - 1) / abs(tail[0])
    return [
        f"training loss was still falling steadily at the end: {_num(tail[0])} at epoch "
        f"{n - k + 1} -> {_num(tail[-1])} at epoch {n} (about {per_epoch:.2g}% per epoch, "
        f"{drop / total:.0%} of its whole decrease)"
    ]


def _underfitting(history, loss, notes):
    reasons = []
    accuracy = _last_score(history, ("accuracy", "acc"))
    r2 = _last_score(history, ("r2",))
    good_score = (accuracy and accuracy[1] >= _GOOD_ACCURACY) or (r2 and r2[1] >= _GOOD_R2)
    constant_loss = history.baseline.get("loss")
    if constant_loss is not None:
        if loss[-1] >= _BASELINE_FRACTION * constant_loss:
            reasons.append(
                f"training loss {_num(loss[-1])} at epoch {len(loss)} is still "
                f"{loss[-1] / constant_loss:.0%} of {_num(constant_loss)}, the loss of a "
                "constant prediction"
            )
    elif loss[0] > 0 and loss[0] - loss.min() < _FLAT_DROP * loss[0] and not good_score:
        reasons.append(
            f"training loss barely improved: {_num(loss[0])} at epoch 1, "
            f"{_num(loss.min())} at best ({(loss[0] - loss.min()) / loss[0]:.1%} lower)"
        )
    if accuracy:
        key, value = accuracy
        chance = history.baseline.get("accuracy")
        if chance is None:
            notes.append(
                f"{key} was not compared with chance: History.baseline has no 'accuracy'"
            )
        elif value <= chance + _CHANCE_MARGIN * (1 - chance):
            reasons.append(
                f"{_describe(key)} {_num(value)} at the end stays near the chance level "
                f"{_num(chance)}"
            )
    if r2 and r2[1] < _R2_FLOOR:
        key, value = r2
        reasons.append(
            f"{_describe(key)} is only {_num(value)} at the end (0 is no better than "
            "predicting the mean)"
        )
    return reasons


def _last_score(history, names):
    """``(key, last finite value)`` of a training score, else a validation one."""
    for key in [*names, *(f"val_{name}" for name in names)]:
        if key in history:
            values = np.asarray(history[key])
            values = values[np.isfinite(values)]
            if values.size:
                return key, float(values[-1])
    return None


def _describe(key):
    where = "validation" if key.startswith("val_") else "training"
    name = {"acc": "accuracy", "r2": "R²"}.get(_base_name(key), _base_name(key))
    return f"{where} {name}"


def _good_summary(loss, val):
    text = f"training loss fell from {_num(loss[0])} to {_num(loss[-1])} and levelled off"
    measured = np.flatnonzero(np.isfinite(val))
    if measured.size:
        best = measured[np.argmin(val[measured])]
        text += (
            f"; validation loss ended at {_num(val[measured[-1]])}, close to its minimum "
            f"{_num(val[best])} (epoch {best + 1})"
        )
    return text


# -------------------------------------------------------- shared by callbacks


class _Monitor:
    """Reads one metric from epoch logs and says whether it improved.

    ``"val_X"`` falls back to ``"X"`` (with one warning per training run)
    when the logs have no validation metrics; :meth:`reset` starts a new run.
    """

    def __init__(self, owner, key, mode="auto", min_delta=0.0):
        if not isinstance(key, str) or not key:
            raise ValueError(f"{owner}: monitor must be a non-empty str; got {_short_repr(key)}.")
        if mode not in ("auto", "min", "max"):
            raise ValueError(
                f"{owner}: mode must be one of 'auto', 'min', 'max'; got {_short_repr(mode)}."
            )
        check_in_range(min_delta, name="min_delta", low=0, high=math.inf, closed="left",
                       estimator=owner)
        self.owner = owner
        self.key = key
        self.mode = mode
        self.min_delta = float(min_delta)
        self.reset()

    def reset(self):
        self.read_key = None

    @property
    def direction(self):
        """``"min"`` or ``"max"``: which way is better."""
        if self.mode != "auto":
            return self.mode
        return "max" if _higher_is_better(self.read_key or self.key) else "min"

    def read(self, logs):
        """The monitored value in ``logs``; None when ``logs`` is empty."""
        if not logs:
            return None
        if self.read_key is None:
            self.read_key = self._resolve(logs)
        value = logs.get(self.read_key)
        if value is None:
            raise ValueError(
                f"{self.owner}: the epoch logs have no {self.read_key!r} "
                f"(they hold {sorted(logs)})."
            )
        return float(value)

    def improved(self, value, best):
        """Whether ``value`` beats ``best`` (None: nothing yet) by min_delta."""
        if not math.isfinite(value):
            return False
        if best is None:
            return True
        if self.direction == "min":
            return value < best - self.min_delta
        return value > best + self.min_delta

    def _resolve(self, logs):
        if self.key in logs:
            return self.key
        fallback = self.key[len("val_"):] if self.key.startswith("val_") else None
        if fallback in logs:
            warnings.warn(
                f"{self.owner}: {self.key!r} is not in the epoch logs (no validation "
                f"data?); monitoring {fallback!r} instead.",
                UserWarning,
                stacklevel=4,
            )
            return fallback
        raise ValueError(
            f"{self.owner}: monitor={self.key!r} is not in the epoch logs, which "
            f"hold {sorted(logs)}."
        )


def _check_bool(owner, name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{owner}: {name} must be a bool; got {_short_repr(value)}.")
    return bool(value)


# ------------------------------------------------------------------- helpers


def _base_name(key):
    return key[len("val_"):] if key.startswith("val_") else key


def _higher_is_better(key):
    return any(word in _base_name(key) for word in _HIGHER_IS_BETTER)


def _num(value):
    return f"{value:.3g}"


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
