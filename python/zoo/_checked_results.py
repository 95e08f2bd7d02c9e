"""What estimators return is finite, or an error says why not.

:class:`zoo.base.BaseEstimator` wraps the methods below of every subclass
so that a result holding NaN or infinity (an input row of 1e308 whose
distances, scores or decision values overflow) raises ValueError naming
the estimator, the method and the rows, instead of being returned as if it
were an answer. Fitting methods get the same check from zoo._transaction.
"""

from __future__ import annotations

import functools
import inspect

from ._validation import check_finite_result

# The infinities each result may legitimately hold (see check_finite_result):
# logarithms may be -inf (probability 0), a decision function +-inf (certainty).
RESULT_METHODS = {
    "predict": "none",
    "predict_proba": "none",
    "transform": "none",
    "inverse_transform": "none",
    "reconstruct": "none",
    "reconstruction_error": "none",
    "predict_log_proba": "negative",
    "score_samples": "negative",
    "decision_function": "both",
}


def make_results_checked(cls) -> None:
    """Wrap each result method ``cls`` has, its own or inherited, that is a
    plain function not wrapped yet (descriptors such as properties are left
    alone)."""
    for name, allow_inf in RESULT_METHODS.items():
        method = inspect.getattr_static(cls, name, None)
        if inspect.isfunction(method) and not getattr(method, "_zoo_checked_result", False):
            setattr(cls, name, _checked(method, allow_inf))


def _checked(method, allow_inf):
    @functools.wraps(method)
    def checked_result(self, *args, **kwargs):
        return check_finite_result(method(self, *args, **kwargs), estimator=self, method=method.__name__,
                                   allow_inf=allow_inf)

    checked_result._zoo_checked_result = True
    return checked_result
