"""The diagnosis of training curves: :class:`Diagnosis` and its rules.

:meth:`zoo.nn.history.History.diagnose` delegates here; its docstring states
the rules, and :class:`Diagnosis` is re-exported by :mod:`zoo.nn.history`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from zoo.nn._gradient_diagnosis import EXPLODING, gradient_findings, remedies
from zoo.nn._monitor import _base_name

__all__ = ["Diagnosis"]


@dataclass
class Diagnosis:
    """The outcome of :meth:`History.diagnose`.

    Attributes
    ----------
    verdict : str
        One of ``"good"``, ``"overfitting"``, ``"underfitting"``,
        ``"not converged"``, ``"diverging"``, ``"too short"``, and, for a
        run recorded with :class:`zoo.nn.callbacks.GradientMonitor`,
        ``"exploding gradients"``, ``"dead units"``,
        ``"vanishing gradients"``.
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
    # Per-layer gradient statistics (GradientMonitor's), when recorded, name
    # the cause of what the curves show; without them this list is empty.
    diverging = _divergence(loss)
    gradient = gradient_findings(history, loss, loss_diverged=bool(diverging))
    if diverging:
        # The curve checks below assume finite, falling losses.
        exploding = [finding for finding in gradient if finding[0] == EXPLODING]
        others = [finding for finding in gradient if finding[0] != EXPLODING]
        findings = [*exploding, *(("diverging", reason) for reason in diverging), *others]
        verdict = findings[0][0]
        own = _SUGGESTIONS["diverging"] if verdict == "diverging" else []
        return Diagnosis(verdict, [reason for _, reason in findings], [*own, *remedies(findings)])

    findings, notes, suggestions = list(gradient), [], []
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
    return Diagnosis(verdict, reasons, suggestions + _SUGGESTIONS.get(verdict, []) + remedies(findings), notes)


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


# ------------------------------------------------------------------- helpers


def _num(value):
    return f"{value:.3g}"
