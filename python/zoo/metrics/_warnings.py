"""The warning metrics emit when a score is undefined for the data given."""

from __future__ import annotations

import sys
import warnings

__all__ = ["UndefinedMetricWarning", "warn_undefined", "warn_user"]


class UndefinedMetricWarning(UserWarning):
    """A metric was undefined for the data (e.g. precision of a label that
    was never predicted) and a conventional value was returned instead.

    When scikit-learn is imported the warning raised is also an instance of
    ``sklearn.exceptions.UndefinedMetricWarning``, so filters written for
    either library catch it.
    """


def _category():
    # scikit-learn is only consulted when already imported, as in
    # zoo.exceptions: filters on its class then keep working after a switch.
    if "sklearn.exceptions" not in sys.modules:
        return UndefinedMetricWarning
    bridge = globals().get("_SklearnCompatibleUndefinedMetricWarning")
    if bridge is None:
        from sklearn.exceptions import UndefinedMetricWarning as SklearnWarning

        bridge = type(
            "_SklearnCompatibleUndefinedMetricWarning",
            (UndefinedMetricWarning, SklearnWarning),
            {"__module__": __name__, "__doc__": UndefinedMetricWarning.__doc__},
        )
        globals()["_SklearnCompatibleUndefinedMetricWarning"] = bridge
    return bridge


def warn_user(message, category=UserWarning):
    """Warn, attributing the warning to the user's line (the first frame
    outside zoo.metrics) however deep in the metric's helpers it arises."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith(__package__):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def warn_undefined(message):
    """Emit an :class:`UndefinedMetricWarning` (see :func:`warn_user`)."""
    warn_user(message, _category())
