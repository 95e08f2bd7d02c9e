"""Scorers: ``scorer(estimator, X, y) -> float``, greater is better.

A scorer names a metric of :mod:`zoo.metrics` and the estimator method whose
output it compares with ``y``. Losses are negated (``neg_log_loss``) so that
model selection can always maximise. Metrics are looked up in
:mod:`zoo.metrics` when a scorer is called, not when this module is
imported, so every name works as soon as its metric exists.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from zoo._validation import _short_repr

__all__ = ["get_scorer", "get_scorer_names", "make_scorer", "check_scoring"]

class _Scorer:
    """Calls ``metric(y, response, **kwargs)`` and signs the result.

    Parameters
    ----------
    metric : str or callable
        A function of :mod:`zoo.metrics` (by name, looked up on each call) or
        any ``metric(y_true, y_response, **kwargs)``.
    sign : {1, -1}
        -1 turns a loss into a score to maximise.
    response_method : {"predict", "predict_proba", "threshold"}
        What the metric compares with ``y``: labels or values from
        ``predict``, the probability matrix, or one continuous score per
        sample for binary ranking metrics (``decision_function`` if the
        estimator has it, else the positive-class column of
        ``predict_proba``).
    kwargs : dict
        Passed to the metric.
    """

    def __init__(self, metric, sign=1, response_method="predict", kwargs=None, name=None):
        self.metric = metric
        self.sign = sign
        self.response_method = response_method
        self.kwargs = dict(kwargs or {})
        self.name = name

    def _metric_function(self):
        if callable(self.metric):
            return self.metric
        from zoo import metrics  # noqa: PLC0415  (looked up late on purpose)

        function = getattr(metrics, self.metric, None)
        if function is None:
            raise ValueError(
                f"The scorer {self.name!r} needs zoo.metrics.{self.metric}, which this "
                "version of zoo does not have."
            )
        return function

    def _response(self, estimator, X):
        if self.response_method == "predict":
            return estimator.predict(X)
        if self.response_method == "predict_proba":
            return estimator.predict_proba(X)
        # "threshold": a continuous score for the positive class.
        if hasattr(estimator, "decision_function"):
            scores = np.asarray(estimator.decision_function(X))
        elif hasattr(estimator, "predict_proba"):
            scores = np.asarray(estimator.predict_proba(X))
            if scores.ndim == 2 and scores.shape[1] == 2:
                scores = scores[:, 1]
        else:
            raise TypeError(
                f"The scorer {self.name!r} needs decision_function or predict_proba; "
                f"{type(estimator).__name__} has neither."
            )
        return scores

    def __call__(self, estimator, X, y=None):
        response = self._response(estimator, X)
        kwargs = dict(self.kwargs)
        metric = self._metric_function()
        if (
            self.response_method == "predict_proba"
            and hasattr(estimator, "classes_")
            and _accepts(metric, "labels")
        ):
            # A test fold may lack a class the model knows: name the columns.
            kwargs.setdefault("labels", estimator.classes_)
        return self.sign * float(metric(y, response, **kwargs))

    def __repr__(self):
        if self.name is not None:
            return f"get_scorer({self.name!r})"
        metric = self.metric if isinstance(self.metric, str) else getattr(
            self.metric, "__name__", repr(self.metric))
        return (f"make_scorer({metric}, greater_is_better={self.sign > 0}, "
                f"response_method={self.response_method!r})")


def _accepts(function, name):
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _build_table():
    table = {
        "accuracy": _Scorer("accuracy_score"),
        "balanced_accuracy": _Scorer("balanced_accuracy_score"),
        "roc_auc": _Scorer("roc_auc_score", response_method="threshold"),
        "neg_log_loss": _Scorer("log_loss", sign=-1, response_method="predict_proba"),
        "r2": _Scorer("r2_score"),
        "neg_mean_squared_error": _Scorer("mean_squared_error", sign=-1),
        "neg_root_mean_squared_error": _Scorer("root_mean_squared_error", sign=-1),
        "neg_mean_absolute_error": _Scorer("mean_absolute_error", sign=-1),
        "adjusted_rand_score": _Scorer("adjusted_rand_score"),
    }
    for metric in ("precision", "recall", "f1"):
        table[metric] = _Scorer(f"{metric}_score")  # binary, positive label 1
        for average in ("macro", "micro", "weighted"):
            table[f"{metric}_{average}"] = _Scorer(f"{metric}_score", kwargs={"average": average})
    for name, scorer in table.items():
        scorer.name = name
    return table


_SCORERS = _build_table()


def get_scorer_names():
    """Names accepted by :func:`get_scorer` and by every ``scoring`` argument.

    Returns
    -------
    list of str
        Sorted.
    """
    return sorted(_SCORERS)


def get_scorer(scoring):
    """The scorer called ``scoring``.

    Parameters
    ----------
    scoring : str or callable
        A name from :func:`get_scorer_names` (scikit-learn's names), or a
        callable ``scorer(estimator, X, y)``, returned unchanged.

    Returns
    -------
    callable
        ``scorer(estimator, X, y) -> float``; greater is better (losses are
        negated, as ``neg_mean_squared_error``).

    Raises
    ------
    ValueError
        If the name is unknown.
    """
    if callable(scoring):
        return scoring
    if isinstance(scoring, str):
        if scoring not in _SCORERS:
            raise ValueError(
                f"{scoring!r} is not a known scoring name; use one of "
                f"{get_scorer_names()} or a callable scorer(estimator, X, y)."
            )
        return _SCORERS[scoring]
    raise TypeError(
        f"scoring must be a string or a callable scorer(estimator, X, y); got {_short_repr(scoring)}."
    )


def make_scorer(score_func, *, response_method="predict", greater_is_better=True, **kwargs):
    """Make a scorer from a metric ``score_func(y_true, y_response, **kwargs)``.

    Parameters
    ----------
    score_func : callable
        The metric.
    response_method : {"predict", "predict_proba", "threshold"}, default="predict"
        Which estimator output the metric receives (see :func:`get_scorer`).
    greater_is_better : bool, default=True
        False for a loss: the scorer returns its negation.
    **kwargs
        Passed to ``score_func`` on each call.

    Returns
    -------
    callable
        ``scorer(estimator, X, y) -> float``.
    """
    if not callable(score_func):
        raise TypeError(f"score_func must be callable, got {_short_repr(score_func)}.")
    if response_method not in ("predict", "predict_proba", "threshold"):
        raise ValueError(
            "response_method must be 'predict', 'predict_proba' or 'threshold'; "
            f"got {_short_repr(response_method)}."
        )
    return _Scorer(score_func, 1 if greater_is_better else -1, response_method, kwargs)


def _passthrough_score(estimator, X, y=None):
    """The estimator's own ``score`` (accuracy for classifiers, R² for regressors)."""
    if y is None:
        return float(estimator.score(X))
    return float(estimator.score(X, y))


def check_scoring(estimator, scoring=None):
    """The scorers one ``scoring`` argument asks for.

    Parameters
    ----------
    estimator : estimator
        Used when ``scoring`` is None: its ``score`` method.
    scoring : None, str, callable, list/tuple/set of str, or dict, default=None
        One scorer (None, a name, a callable) or several (a collection of
        names, or a dict mapping result names to names or callables).

    Returns
    -------
    scorers : callable or dict of str to callable
        A dict exactly when several scorers were asked for.

    Raises
    ------
    TypeError
        If ``scoring`` is None and the estimator has no ``score``, or the
        argument has the wrong type.
    ValueError
        If a name is unknown, or a collection is empty or repeats a name.
    """
    if scoring is None:
        if not hasattr(estimator, "score"):
            raise TypeError(
                f"{type(estimator).__name__} has no score method; pass scoring= "
                "(a metric name or a callable scorer)."
            )
        return _passthrough_score
    if isinstance(scoring, (str,)) or callable(scoring):
        return get_scorer(scoring)
    if isinstance(scoring, dict):
        if not scoring:
            raise ValueError("scoring given as a dict must not be empty.")
        for key in scoring:
            if not isinstance(key, str):
                raise TypeError(f"The keys of a scoring dict must be strings, got {key!r}.")
        return {key: get_scorer(value) for key, value in scoring.items()}
    if isinstance(scoring, (list, tuple, set, frozenset)):
        names = list(scoring)
        if not names:
            raise ValueError("scoring given as a list must not be empty.")
        if not all(isinstance(name, str) for name in names):
            raise TypeError(
                "scoring given as a list must hold metric names; use a dict to name callables."
            )
        if len(set(names)) != len(names):
            raise ValueError(f"scoring lists a name twice: {names}.")
        return {name: get_scorer(name) for name in names}
    if isinstance(scoring, numbers.Number):
        raise TypeError(f"scoring must be a name, a callable or a collection; got {scoring!r}.")
    raise TypeError(f"scoring has an unsupported type: {_short_repr(scoring)}.")
