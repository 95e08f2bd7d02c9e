"""Reading a monitored metric from epoch logs, for callbacks and schedules.

:class:`_Monitor` reads the metric a callback or schedule watches from the
epoch logs (keys described in :mod:`zoo.nn.history`) and says whether it
improved; it is shared by :mod:`zoo.nn.schedules` and :mod:`zoo.nn.callbacks`,
so that "which key, and is higher better" is decided in one place.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from zoo._validation import _short_repr, check_in_range

# Metric names (after any "val_" prefix) for which higher is better.
_HIGHER_IS_BETTER = ("acc", "r2", "score", "auc", "f1", "precision", "recall")


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
