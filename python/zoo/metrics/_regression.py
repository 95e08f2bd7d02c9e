"""Regression metrics: mean squared and absolute error, their root, and R².

Targets may have several outputs (shape (n_samples, n_outputs)); each metric
scores the outputs separately and ``multioutput`` says how to combine them,
as in scikit-learn.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_consistent_length
from ._targets import check_weights
from ._warnings import warn_undefined

__all__ = ["mean_squared_error", "root_mean_squared_error", "mean_absolute_error", "r2_score"]

_MULTIOUTPUT_DOC = """multioutput : {"uniform_average", "raw_values"} or array-like of shape (n_outputs,), \
default="uniform_average"
        How to combine the outputs' scores: their mean, all of them
        (an array), or their mean with these weights."""


def _check_targets(y_true, y_pred, sample_weight, multioutput, metric, extra_options=()):
    """2-D float64 copies of the targets, the weights and the multioutput mode."""
    arrays = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        array = check_array(y, name=name, ensure_2d=False, dtype=np.float64, estimator=metric)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        elif array.ndim != 2:
            raise ValueError(f"{metric}: {name} must be 1-D or 2-D, got shape {array.shape}.")
        arrays.append(array)
    y_true, y_pred = arrays
    check_consistent_length(y_true=y_true, y_pred=y_pred)
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            f"{metric}: y_true has {y_true.shape[1]} output(s) and y_pred "
            f"{y_pred.shape[1]}; they must match."
        )
    weights = check_weights(sample_weight, y_true.shape[0])
    options = ("raw_values", "uniform_average", *extra_options)
    if isinstance(multioutput, str):
        if multioutput not in options:
            raise ValueError(
                f"{metric}: multioutput must be one of {list(options)} or an array of "
                f"weights, one per output; got {multioutput!r}."
            )
    else:
        multioutput = check_array(
            multioutput, name="multioutput", ensure_2d=False, dtype=np.float64, estimator=metric
        )
        if y_true.shape[1] == 1:
            raise ValueError(
                f"{metric}: multioutput weights need several outputs; y_true has one. "
                f"Use 'uniform_average' or 'raw_values'."
            )
        if multioutput.shape != (y_true.shape[1],):
            raise ValueError(
                f"{metric}: multioutput weights must have shape ({y_true.shape[1]},), one "
                f"per output; got shape {multioutput.shape}."
            )
    return y_true, y_pred, weights, multioutput


def _combine(per_output, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return per_output
        return float(np.mean(per_output))
    return float(np.average(per_output, weights=multioutput))


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean of the squared differences between targets and predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True targets.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    {multioutput}

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        Non-negative; an array for ``multioutput="raw_values"``.

    Examples
    --------
    >>> mean_squared_error([3.0, -0.5, 2.0], [2.5, 0.0, 2.0])
    0.16666666666666666
    """
    y_true, y_pred, weights, multioutput = _check_targets(
        y_true, y_pred, sample_weight, multioutput, "mean_squared_error"
    )
    per_output = np.average((y_true - y_pred) ** 2, axis=0, weights=weights)
    return _combine(per_output, multioutput)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Square root of the mean squared error, per output (then combined).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True targets.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    {multioutput}

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        In the targets' unit.

    Examples
    --------
    >>> root_mean_squared_error([0.0, 0.0], [3.0, 4.0])
    3.5355339059327378
    """
    y_true, y_pred, weights, multioutput = _check_targets(
        y_true, y_pred, sample_weight, multioutput, "root_mean_squared_error"
    )
    per_output = np.sqrt(np.average((y_true - y_pred) ** 2, axis=0, weights=weights))
    return _combine(per_output, multioutput)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean of the absolute differences between targets and predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True targets.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    {multioutput}

    Returns
    -------
    float or ndarray of shape (n_outputs,)

    Examples
    --------
    >>> mean_absolute_error([3.0, -0.5, 2.0], [2.5, 0.0, 2.0])
    0.3333333333333333
    """
    y_true, y_pred, weights, multioutput = _check_targets(
        y_true, y_pred, sample_weight, multioutput, "mean_absolute_error"
    )
    per_output = np.average(np.abs(y_true - y_pred), axis=0, weights=weights)
    return _combine(per_output, multioutput)


def r2_score(
    y_true, y_pred, *, sample_weight=None, multioutput="uniform_average", force_finite=True
):
    """Coefficient of determination: ``1 - SS_res / SS_tot`` per output.

    1 is a perfect prediction, 0 that of the (weighted) mean of ``y_true``,
    and there is no lower bound.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True targets.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, in both sums of squares and the mean.
    multioutput : {"uniform_average", "raw_values", "variance_weighted"} or \
array-like of shape (n_outputs,), default="uniform_average"
        How to combine the outputs' scores: their mean, all of them, their
        mean weighted by each output's variance ``SS_tot``, or their mean
        with the given weights.
    force_finite : bool, default=True
        For a constant ``y_true`` (``SS_tot == 0``) return 1.0 when the
        prediction is perfect and 0.0 otherwise, instead of NaN or -inf.

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        NaN, with an :class:`UndefinedMetricWarning`, for fewer than two
        samples.

    Examples
    --------
    >>> r2_score([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.9486081370449679
    """
    y_true, y_pred, weights, multioutput = _check_targets(
        y_true, y_pred, sample_weight, multioutput, "r2_score", extra_options=("variance_weighted",)
    )
    if y_true.shape[0] < 2:
        warn_undefined("r2_score: R² is not well-defined with fewer than two samples.")
        return float("nan")
    column_weights = 1.0 if weights is None else weights[:, None]
    residual = np.sum(column_weights * (y_true - y_pred) ** 2, axis=0)
    spread = np.sum(
        column_weights * (y_true - np.average(y_true, axis=0, weights=weights)) ** 2, axis=0
    )
    if force_finite:
        # A constant y_true leaves SS_tot = 0: a perfect prediction scores 1,
        # any other 0, where the formula would give NaN or -inf.
        scores = np.where(residual == 0, 1.0, 0.0)
        usual = (spread != 0) & (residual != 0)
        scores[usual] = 1 - residual[usual] / spread[usual]
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1 - residual / spread
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        # With every output constant the weights are all zero: fall back to
        # the plain mean, as they are equal anyway.
        multioutput = spread if spread.any() else "uniform_average"
    return _combine(scores, multioutput)


for _function in (mean_squared_error, root_mean_squared_error, mean_absolute_error):
    _function.__doc__ = _function.__doc__.replace("{multioutput}", _MULTIOUTPUT_DOC)
del _function
