"""Classification metrics from predicted labels or probabilities: accuracy,
balanced accuracy, the confusion matrix and log loss.

Precision, recall and F-scores live in :mod:`._precision_recall`; ranking
metrics (ROC) in :mod:`._ranking`. Names, signatures and results follow
scikit-learn's ``sklearn.metrics``.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_consistent_length
from ._warnings import warn_user
from ._targets import (
    check_classification_targets,
    check_labels,
    check_weights,
    encode,
    label_array,
    multilabel_indicators,
    reject_continuous,
)

__all__ = ["accuracy_score", "balanced_accuracy_score", "confusion_matrix", "log_loss"]

_NORMALIZE_OPTIONS = (None, "true", "pred", "all")


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or number) of samples whose predicted label is the true one.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        True labels (ints, bools, integral floats or strings), or a
        multilabel indicator matrix of 0 and 1.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
        Predicted labels, of the same kind as ``y_true``. With indicator
        matrices a sample is correct only if all its labels are (subset
        accuracy).
    normalize : bool, default=True
        Return the (weighted) fraction of correct predictions; with False,
        their (weighted) number.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; ``None`` weighs every sample 1.

    Returns
    -------
    float
        In [0, 1] when ``normalize``, else the correct count (or weight).

    Raises
    ------
    ValueError
        For continuous, multioutput, empty, NaN-holding or mismatched inputs.

    Examples
    --------
    >>> accuracy_score([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    """
    indicators = multilabel_indicators(y_true, y_pred, "accuracy_score")
    if indicators is not None:
        true, pred = indicators
        correct = (true == pred).all(axis=1)
    else:
        _, _, y_true, y_pred = check_classification_targets(y_true, y_pred, "accuracy_score")
        correct = y_true == y_pred
    weights = check_weights(sample_weight, correct.size)
    if normalize:
        return float(np.average(correct, weights=weights))
    return float(correct.sum() if weights is None else correct @ weights)


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """Counts of (true label, predicted label) pairs.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Labels indexing the rows and columns, in this order. Samples whose
        true or predicted label is not listed are left out. ``None`` uses
        the sorted labels found in ``y_true`` and ``y_pred``. At least one
        listed label must occur in ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights; a float matrix results unless they are integers.
    normalize : {"true", "pred", "all"} or None, default=None
        Divide each row (``"true"``), column (``"pred"``) or the whole
        matrix (``"all"``) by its total; an empty row or column stays 0.

    Returns
    -------
    ndarray of shape (n_classes, n_classes)
        Entry ``[i, j]``: samples of true label ``labels[i]`` predicted as
        ``labels[j]``. int64 counts, or float64 with float weights or
        ``normalize``.

    Examples
    --------
    >>> confusion_matrix(["cat", "dog", "dog"], ["cat", "cat", "dog"])
    array([[1, 0],
           [1, 1]])
    """
    metric = "confusion_matrix"
    _, present, y_true, y_pred = check_classification_targets(y_true, y_pred, metric)
    if normalize not in _NORMALIZE_OPTIONS:
        raise ValueError(
            f"{metric}: normalize must be one of 'true', 'pred', 'all' or None; got {normalize!r}."
        )
    if labels is None:
        labels = present
    else:
        labels = check_labels(labels, y_true, metric)
    true_codes = encode(y_true, labels)
    if not (true_codes >= 0).any():
        raise ValueError(
            f"{metric}: none of labels={labels.tolist()} occurs in y_true; at least one must."
        )
    if labels.size == 1:
        warn_user(
            f"{metric}: a single label ({labels[0].item()!r}) gives a 1x1 matrix; pass "
            f"labels= with every class for the full shape."
        )
    weights = check_weights(sample_weight, y_true.size)
    matrix = _confusion_counts(true_codes, encode(y_pred, labels), labels.size, weights)
    if weights is not None and np.asarray(sample_weight).dtype.kind in "iub":
        matrix = matrix.astype(np.int64)
    if normalize is None:
        return matrix
    totals = {
        "true": matrix.sum(axis=1, keepdims=True),
        "pred": matrix.sum(axis=0, keepdims=True),
        "all": matrix.sum(),
    }[normalize]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(matrix / totals)


def _confusion_counts(true_codes, pred_codes, n_labels, weights):
    """Dense (n_labels, n_labels) table; codes of -1 (unlisted labels) are dropped."""
    kept = (true_codes >= 0) & (pred_codes >= 0)
    cells = true_codes[kept] * n_labels + pred_codes[kept]
    counts = np.bincount(
        cells, weights=None if weights is None else weights[kept], minlength=n_labels * n_labels
    )
    return counts.reshape(n_labels, n_labels)


def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False):
    """Mean over the true classes of the recall of each class.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    adjusted : bool, default=False
        Rescale so that chance (a constant or random prediction) scores 0
        and a perfect one 1: ``(score - 1/k) / (1 - 1/k)`` for ``k`` classes.

    Returns
    -------
    float

    Warns
    -----
    UserWarning
        When ``y_pred`` holds classes absent from ``y_true`` (their recall
        is undefined and they are left out of the mean).

    Examples
    --------
    >>> balanced_accuracy_score([0, 0, 0, 1], [0, 0, 0, 0])
    0.5
    """
    metric = "balanced_accuracy_score"
    _, present, y_true, y_pred = check_classification_targets(y_true, y_pred, metric)
    weights = check_weights(sample_weight, y_true.size)
    matrix = _confusion_counts(encode(y_true, present), encode(y_pred, present), present.size, weights)
    true_totals = matrix.sum(axis=1)
    seen = true_totals > 0
    if not seen.all():
        warn_user(
            f"{metric}: y_pred contains classes not in y_true "
            f"({present[~seen].tolist()}); they are left out of the mean recall.",
        )
    recalls = np.diag(matrix)[seen] / true_totals[seen]
    score = float(recalls.mean())
    if adjusted:
        chance = 1.0 / recalls.size
        with np.errstate(divide="ignore", invalid="ignore"):
            score = float(np.float64(score - chance) / (1.0 - chance))
    return score


def log_loss(y_true, y_proba, *, normalize=True, sample_weight=None, labels=None):
    """Cross-entropy of predicted class probabilities: the mean (or sum) of
    ``-log p(true class)``.

    Probabilities are clipped to ``[eps, 1 - eps]`` with ``eps`` the machine
    epsilon of their dtype, so a confident mistake costs a large but finite
    loss.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, e.g. from ``predict_proba``; column ``j``
        belongs to the ``j``-th class in sorted order (the order of a
        classifier's ``classes_``). A 1-D array is the probability of the
        greater of two classes.
    normalize : bool, default=True
        Return the (weighted) mean loss per sample; with False, the sum.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    labels : array-like, default=None
        All the classes, when ``y_true`` does not show every one of them
        (e.g. a small validation set). Sorted before use, like ``classes_``.

    Returns
    -------
    float
        Non-negative; lower is better.

    Raises
    ------
    ValueError
        When the number of columns differs from the number of classes,
        fewer than two classes are known, ``y_true`` holds labels missing
        from ``labels``, or ``y_proba`` lies outside [0, 1] or holds NaN.

    Warns
    -----
    UserWarning
        When rows of ``y_proba`` do not sum to one.

    Examples
    --------
    >>> round(log_loss([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]]), 6)
    0.228393
    """
    metric = "log_loss"
    y_true = label_array(y_true, "y_true", metric)
    reject_continuous(y_true, "y_true", metric)
    proba = check_array(y_proba, name="y_proba", ensure_2d=False, estimator=metric)
    if proba.ndim > 2:
        raise ValueError(f"{metric}: y_proba must be 1-D or 2-D, got shape {proba.shape}.")
    check_consistent_length(y_true=y_true, y_proba=proba)
    weights = check_weights(sample_weight, y_true.size)
    if proba.max() > 1 or proba.min() < 0:
        raise ValueError(
            f"{metric}: y_proba must hold probabilities in [0, 1]; got values in "
            f"[{proba.min()}, {proba.max()}]."
        )
    classes = _log_loss_classes(y_true, labels, metric)
    if proba.ndim == 1 or proba.shape[1] == 1:
        positive = proba.reshape(-1)
        proba = np.column_stack([1 - positive, positive])
    if proba.shape[1] != classes.size:
        source = "labels" if labels is not None else "y_true"
        raise ValueError(
            f"{metric}: y_proba has {proba.shape[1]} columns but {source} gives "
            f"{classes.size} classes {classes.tolist()}. Columns must match the "
            f"sorted classes one to one; pass labels= with every class."
        )
    eps = np.finfo(proba.dtype).eps
    if not np.allclose(proba.sum(axis=1), 1, rtol=np.sqrt(eps), atol=0):
        warn_user(
            f"{metric}: rows of y_proba do not sum to one; pass probabilities.",
        )
    picked = proba[np.arange(y_true.size), encode(y_true, classes)]
    losses = -np.log(np.clip(picked, eps, 1 - eps).astype(np.float64))
    if normalize:
        return float(np.average(losses, weights=weights))
    return float(losses.sum() if weights is None else losses @ weights)


def _log_loss_classes(y_true, labels, metric):
    if labels is None:
        classes = np.unique(y_true)
        if classes.size < 2:
            raise ValueError(
                f"{metric}: y_true contains only one label ({classes[0].item()!r}); pass "
                f"labels= with every class so the columns of y_proba can be matched."
            )
        return classes
    given = check_labels(labels, y_true, metric)
    classes = np.sort(given)
    if not np.array_equal(classes, given):
        warn_user(
            f"{metric}: labels {given.tolist()} are not sorted; the columns of y_proba "
            f"are taken to follow the sorted order {classes.tolist()}.",
        )
    if classes.size < 2:
        raise ValueError(f"{metric}: labels must hold at least two classes; got {given.tolist()}.")
    unknown = np.setdiff1d(y_true, classes)
    if unknown.size:
        raise ValueError(
            f"{metric}: y_true contains labels {unknown.tolist()} that are not in "
            f"labels={given.tolist()}."
        )
    return classes
