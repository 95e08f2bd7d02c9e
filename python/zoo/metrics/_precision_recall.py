"""Precision, recall and F-scores per label and averaged, as in scikit-learn.

For each label: ``tp`` samples predicted as it and truly it, ``pred_sum``
predicted as it, ``true_sum`` truly it. Precision is ``tp / pred_sum``, recall
``tp / true_sum`` and F-beta ``(1 + b²) tp / (b² true_sum + pred_sum)``. A 0/0
ratio takes the value of ``zero_division`` (0 with a warning by default).
"""

from __future__ import annotations

import numbers
import numpy as np

from ._targets import (
    check_classification_targets,
    check_labels,
    check_weights,
    check_zero_division,
    encode,
    multilabel_indicators,
)
from ._warnings import warn_undefined, warn_user

__all__ = [
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "f1_score",
    "fbeta_score",
]

_AVERAGES = ("binary", "micro", "macro", "weighted", "samples", None)

_SHARED_PARAMETERS = """labels : array-like, default=None
        Labels to score and, for ``average`` other than ``"binary"``, their
        order; listed labels absent from the data score by
        ``zero_division``. ``None``: every label in ``y_true`` and
        ``y_pred``, sorted. For multilabel indicator matrices, column indices.
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"`` (ignored otherwise).
    average : {"binary", "micro", "macro", "weighted", "samples"} or None, default="binary"
        ``"binary"``: the score of ``pos_label`` (two classes only).
        ``"micro"``: from counts summed over the labels. ``"macro"``: mean
        of the per-label scores. ``"weighted"``: their mean weighted by
        support (true samples per label). ``"samples"`` (multilabel
        targets only): each sample's score over its labels, averaged over
        the samples. ``None``: the per-label scores.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    zero_division : {"warn", 0, 1, np.nan}, default="warn"
        Value of a 0/0 ratio. ``"warn"`` means 0 with an
        :class:`UndefinedMetricWarning`; ``np.nan`` leaves such labels out of
        the average."""


def precision_recall_fscore_support(
    y_true,
    y_pred,
    *,
    beta=1.0,
    labels=None,
    pos_label=1,
    average=None,
    warn_for=("precision", "recall", "f-score"),
    sample_weight=None,
    zero_division="warn",
):
    """Precision, recall, F-beta and support, per label or averaged.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        True labels, or a multilabel indicator matrix of 0 and 1.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
        Predicted labels, of the same form.
    beta : float, default=1.0
        Weight of recall against precision in the F-score (``inf``: recall,
        0: precision).
    {shared}
    warn_for : tuple of str, default=("precision", "recall", "f-score")
        Which undefined scores warn when ``zero_division="warn"``.

    Returns
    -------
    precision, recall, fbeta_score : float or ndarray of shape (n_labels,)
        Floats when averaged, arrays for ``average=None``.
    support : ndarray of shape (n_labels,) or None
        True samples (or weight) per label; None when averaged.
    """
    metric = "precision_recall_fscore_support"
    fill, warn = check_zero_division(zero_division, metric)
    if not isinstance(beta, numbers.Real) or isinstance(beta, bool) or not beta >= 0:
        raise ValueError(f"{metric}: beta must be a non-negative number; got {beta!r}.")
    indicators = multilabel_indicators(y_true, y_pred, metric)
    if indicators is None:
        tp_sum, pred_sum, true_sum, labels, average, weights = _label_counts(
            y_true, y_pred, labels, pos_label, average, sample_weight, metric
        )
    else:
        tp_sum, pred_sum, true_sum, labels, weights = _indicator_counts(
            *indicators, labels, average, sample_weight, metric
        )
    if average == "micro":
        tp_sum, pred_sum, true_sum = (
            np.array([counts.sum()]) for counts in (tp_sum, pred_sum, true_sum)
        )

    def divide(numerator, denominator, name, missing):
        undefined = denominator == 0
        ratio = np.asarray(numerator, dtype=np.float64) / np.where(undefined, 1, denominator)
        ratio[undefined] = fill
        if warn and name in warn_for and undefined.any():
            _warn_undefined(name, missing, undefined, labels, average, fill)
        return ratio

    precision = divide(tp_sum, pred_sum, "precision", "predicted")
    recall = divide(tp_sum, true_sum, "recall", "true")
    if np.isposinf(beta):
        f_score = recall
    elif beta == 0:
        f_score = precision
    else:
        beta2 = float(beta) ** 2
        f_score = divide(
            (1 + beta2) * tp_sum, beta2 * true_sum + pred_sum, "f-score", "true nor predicted"
        )
    if average is None:
        return precision, recall, f_score, true_sum
    # "samples": per-sample scores, averaged with the sample weights.
    by_support = weights if average == "samples" else true_sum if average == "weighted" else None
    return (
        _nan_average(precision, by_support),
        _nan_average(recall, by_support),
        _nan_average(f_score, by_support),
        None,
    )


def _label_counts(y_true, y_pred, labels, pos_label, average, sample_weight, metric):
    """True positives, predictions and true samples per label, from label targets."""
    true_codes, pred_codes, labels, average = _label_codes(y_true, y_pred, labels, pos_label, average, metric)
    weights = check_weights(sample_weight, true_codes.size)

    def total(codes):
        kept = codes >= 0
        return np.bincount(codes[kept], weights=None if weights is None else weights[kept], minlength=labels.size)

    tp_sum = total(np.where(true_codes == pred_codes, true_codes, -1))
    return tp_sum, total(pred_codes), total(true_codes), labels, average, weights


def _indicator_counts(true, pred, labels, average, sample_weight, metric):
    """The same counts from multilabel indicator matrices: per label column,
    or per sample for average="samples"."""
    if average == "binary":
        raise ValueError(
            f"{metric}: the targets are multilabel indicator matrices but average='binary'; choose average "
            "from None, 'micro', 'macro', 'weighted', 'samples'."
        )
    if average not in _AVERAGES:
        raise ValueError(f"{metric}: average must be one of {list(_AVERAGES)}; got {average!r}.")
    n_labels = true.shape[1]
    if labels is None:
        labels = np.arange(n_labels)
    else:
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.dtype.kind not in "iu" or labels.size == 0 or (labels < 0).any() \
                or (labels >= n_labels).any():
            raise ValueError(
                f"{metric}: for multilabel targets, labels must be column indices in [0, {n_labels}); "
                f"got {labels.tolist()!r}."
            )
        true, pred = true[:, labels], pred[:, labels]
    weights = check_weights(sample_weight, true.shape[0])
    axis = 1 if average == "samples" else 0
    column = None if weights is None or axis == 1 else weights[:, None]

    def total(indicator):
        return (indicator if column is None else indicator * column).sum(axis=axis, dtype=np.float64)

    return total(true & pred), total(pred), total(true), labels, weights


def _label_codes(y_true, y_pred, labels, pos_label, average, metric):
    """Encode the targets against the labels that will be scored."""
    if average == "samples":
        raise ValueError(
            f"{metric}: average='samples' is for multilabel indicator targets; these are labels, so "
            "choose average from None, 'binary', 'micro', 'macro', 'weighted'."
        )
    if average not in _AVERAGES:
        raise ValueError(f"{metric}: average must be one of {list(_AVERAGES)}; got {average!r}.")
    target_type, present, y_true, y_pred = check_classification_targets(y_true, y_pred, metric)
    if average == "binary":
        if target_type != "binary":
            raise ValueError(
                f"{metric}: the targets are multiclass ({present.size} labels) but "
                f"average='binary'; choose average from None, 'micro', 'macro', 'weighted'."
            )
        if pos_label not in present.tolist() and present.size >= 2:
            raise ValueError(
                f"{metric}: pos_label={pos_label!r} is not a valid label; it should be "
                f"one of {present.tolist()}."
            )
        labels = check_labels([pos_label], y_true, metric, name="pos_label")
    else:
        if pos_label not in (None, 1):
            warn_user(
                f"{metric}: pos_label={pos_label!r} is ignored when average={average!r} "
                f"(not 'binary'); use labels=[pos_label] to score that class alone.",
            )
        labels = present if labels is None else check_labels(labels, y_true, metric)
    return encode(y_true, labels), encode(y_pred, labels), labels, average


def _warn_undefined(name, missing, undefined, labels, average, fill):
    if average in ("binary", "micro"):
        where = "the positive class" if average == "binary" else "the labels together"
    elif average == "samples":
        where = f"{int(undefined.sum())} sample(s)"
    else:
        where = f"label(s) {labels[undefined].tolist()}"
    warn_undefined(
        f"{name.capitalize()} is ill-defined and set to {fill} for {where}: no "
        f"{missing} samples. Pass zero_division to choose the value and silence "
        f"this warning."
    )


def _nan_average(scores, weights):
    """Weighted mean ignoring NaN scores; all NaN gives NaN and all-zero
    weights an unweighted mean (scikit-learn's conventions)."""
    defined = ~np.isnan(scores)
    if not defined.any():
        return float("nan")
    scores = scores[defined]
    if weights is None:
        return float(scores.mean())
    weights = np.asarray(weights, dtype=np.float64)[defined]
    if weights.sum() == 0:
        return float(scores.mean())
    return float(np.average(scores, weights=weights))


precision_recall_fscore_support.__doc__ = precision_recall_fscore_support.__doc__.replace(
    "{shared}", _SHARED_PARAMETERS
)


def _single_score(y_true, y_pred, *, beta, which, warn_for, **options):
    precision, recall, f_score, _ = precision_recall_fscore_support(
        y_true, y_pred, beta=beta, warn_for=warn_for, **options
    )
    return {"precision": precision, "recall": recall, "f-score": f_score}[which]


def precision_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """Precision: of the samples predicted as a label, the fraction truly of it.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    {shared}

    Returns
    -------
    float or ndarray of shape (n_labels,)
        An array for ``average=None``.

    Examples
    --------
    >>> precision_score([0, 1, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
    return _single_score(
        y_true, y_pred, beta=1.0, which="precision", warn_for=("precision",),
        labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )


def recall_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """Recall: of the samples truly of a label, the fraction predicted as it.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    {shared}

    Returns
    -------
    float or ndarray of shape (n_labels,)
        An array for ``average=None``.

    Examples
    --------
    >>> recall_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
    return _single_score(
        y_true, y_pred, beta=1.0, which="recall", warn_for=("recall",),
        labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )


def fbeta_score(
    y_true,
    y_pred,
    *,
    beta,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """F-beta score: the weighted harmonic mean of precision and recall,
    recall counting ``beta`` times as much as precision.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    beta : float
        Non-negative; ``inf`` gives recall and 0 precision.
    {shared}

    Returns
    -------
    float or ndarray of shape (n_labels,)
        An array for ``average=None``.

    Examples
    --------
    >>> round(fbeta_score([0, 1, 1, 0], [1, 1, 0, 0], beta=2), 4)
    0.5
    """
    return _single_score(
        y_true, y_pred, beta=beta, which="f-score", warn_for=("f-score",),
        labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )


def f1_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """F1 score: the harmonic mean of precision and recall,
    ``2 tp / (2 tp + fp + fn)``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    {shared}

    Returns
    -------
    float or ndarray of shape (n_labels,)
        An array for ``average=None``.

    Examples
    --------
    >>> f1_score(["a", "b", "b", "c"], ["a", "b", "c", "c"], average="macro")
    0.7777777777777777
    """
    return _single_score(
        y_true, y_pred, beta=1.0, which="f-score", warn_for=("f-score",),
        labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )


for _function in (precision_score, recall_score, fbeta_score, f1_score):
    _function.__doc__ = _function.__doc__.replace("{shared}", _SHARED_PARAMETERS)
del _function
