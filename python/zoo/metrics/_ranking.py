"""ROC curves and the area under them, from scores rather than labels.

The binary AUC is the probability that a random positive scores above a
random negative, ties counting one half (the Mann-Whitney statistic). It
is computed from one sort: within each group of tied scores, positives
beat every negative in lower groups and half the negatives of their own,
which is exactly the area under the trapezoidal ROC curve. Multiclass AUC
averages binary ones: one class against the rest (``"ovr"``) or each pair
of classes (``"ovo"``, Hand & Till, "A simple generalisation of the area
under the ROC curve for multiple class classification problems", Machine
Learning 45, 2001).
"""

from __future__ import annotations

import numbers
from itertools import combinations

import numpy as np

from .._validation import check_array, check_consistent_length
from ._targets import check_labels, check_weights, encode, label_array, reject_continuous
from ._warnings import warn_undefined

__all__ = ["auc", "roc_auc_score", "roc_curve"]


def auc(x, y):
    """Area under a curve given by points, with the trapezoidal rule.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Monotonic (increasing or decreasing) abscissae, e.g. the false
        positive rates of :func:`roc_curve`.
    y : array-like of shape (n_points,)
        Ordinates.

    Returns
    -------
    float
        Positive for a curve traced left to right or right to left.

    Examples
    --------
    >>> auc([0.0, 0.5, 1.0], [0.0, 1.0, 1.0])
    0.75
    """
    options = dict(ensure_2d=False, dtype=np.float64, ensure_min_samples=2, estimator="auc")
    x = check_array(x, name="x", **options)
    y = check_array(y, name="y", **options)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"auc: x and y must be 1-D; got shapes {x.shape} and {y.shape}.")
    check_consistent_length(x=x, y=y)
    steps = np.diff(x)
    if (steps < 0).any() and (steps > 0).any():
        raise ValueError("auc: x is neither increasing nor decreasing; sort the points first.")
    area = np.trapezoid(y, x)
    return float(-area if (steps < 0).any() else area)


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """Receiver operating characteristic: true against false positive rate
    at each distinct score used as a threshold.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    y_score : array-like of shape (n_samples,)
        Scores, higher meaning more likely positive (probabilities or
        decision values).
    pos_label : int, float, bool or str, default=None
        The positive class; ``None`` requires labels in {0, 1} or {-1, 1}
        and takes 1.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; samples of weight 0 are left out.
    drop_intermediate : bool, default=True
        Leave out thresholds whose point lies on a straight segment between
        its neighbours (the curve and its area are unchanged).

    Returns
    -------
    fpr : ndarray of shape (n_thresholds,)
        False positive rates, increasing from 0 to 1.
    tpr : ndarray of shape (n_thresholds,)
        True positive rates, increasing from 0 to 1.
    thresholds : ndarray of shape (n_thresholds,)
        Decreasing; a sample is predicted positive when its score is
        ``>= thresholds[i]``. The first is ``inf`` (nothing positive).

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` has no negative (or no positive) samples; the
        corresponding rates are NaN.

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr, tpr
    (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
    """
    metric = "roc_curve"
    y_true, scores, weights = _check_scores(y_true, y_score, sample_weight, metric)
    if scores.ndim != 1:
        raise ValueError(f"{metric}: y_score must be 1-D, got shape {scores.shape}.")
    positive = y_true == _infer_pos_label(y_true, pos_label, metric)
    if weights is not None:
        kept = weights != 0
        positive, scores, weights = positive[kept], scores[kept], weights[kept]
    fps, tps, thresholds = _counts_at_thresholds(positive, scores, weights)
    if drop_intermediate and fps.size > 2:
        # A point whose two neighbours are collinear with it has zero
        # second difference in both counts.
        corner = np.r_[True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True]
        fps, tps, thresholds = fps[corner], tps[corner], thresholds[corner]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    return (
        _rate(fps, "negative", metric),
        _rate(tps, "positive", metric),
        thresholds,
    )


def _rate(counts, kind, metric):
    if counts[-1] <= 0:
        warn_undefined(f"{metric}: no {kind} samples in y_true; the {kind} rate is undefined (NaN).")
        return np.full(counts.shape, np.nan)
    return counts / counts[-1]


def _counts_at_thresholds(positive, scores, weights):
    """Weighted false and true positives above each distinct score, descending."""
    order = np.argsort(-scores, kind="stable")
    scores, positive = scores[order], positive[order]
    weights = np.ones(scores.size) if weights is None else weights[order]
    # The last index of each run of equal scores, where the counts are read.
    ends = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]
    tps = np.cumsum(weights * positive)[ends]
    fps = np.cumsum(weights * ~positive)[ends]
    return fps, tps, scores[ends]


def _infer_pos_label(y_true, pos_label, metric):
    if pos_label is not None:
        return pos_label
    classes = np.unique(y_true)
    found = set(classes.tolist()) if classes.dtype.kind in "biuf" else None
    if found is None or not (found <= {0, 1} or found <= {-1, 1}):
        raise ValueError(
            f"{metric}: y_true takes values {classes.tolist()} and pos_label is not given; "
            f"pass pos_label, or use labels in {{0, 1}} or {{-1, 1}}."
        )
    return 1


def _check_scores(y_true, y_score, sample_weight, metric):
    y_true = label_array(y_true, "y_true", metric)
    reject_continuous(y_true, "y_true", metric)
    scores = check_array(y_score, name="y_score", ensure_2d=False, dtype=np.float64, estimator=metric)
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores.ravel()
    if scores.ndim > 2:
        raise ValueError(f"{metric}: y_score must be 1-D or 2-D, got shape {scores.shape}.")
    check_consistent_length(y_true=y_true, y_score=scores)
    return y_true, scores, check_weights(sample_weight, y_true.size)


def _binary_auc(positive, scores, weights, max_fpr=None):
    """AUC of one class against the rest, or NaN with a warning when y_true
    holds a single class."""
    if positive.all() or not positive.any():
        warn_undefined(
            "roc_auc_score: only one class is present in y_true; ROC AUC is undefined (NaN)."
        )
        return np.nan
    weights = np.ones(scores.size) if weights is None else weights
    if not (weights @ positive > 0 and weights @ ~positive > 0):
        warn_undefined(
            "roc_auc_score: all samples of one class have zero weight; ROC AUC is undefined (NaN)."
        )
        return np.nan
    if max_fpr is not None and max_fpr != 1:
        return _partial_auc(positive, scores, weights, max_fpr)
    order = np.argsort(scores, kind="stable")
    scores, positive, weights = scores[order], positive[order], weights[order]
    starts = np.r_[0, np.flatnonzero(np.diff(scores)) + 1]
    positives = np.add.reduceat(weights * positive, starts)
    negatives = np.add.reduceat(weights * ~positive, starts)
    negatives_below = np.cumsum(negatives) - negatives
    correctly_ordered = positives @ (negatives_below + 0.5 * negatives)
    return float(correctly_ordered / (positives.sum() * negatives.sum()))


def _partial_auc(positive, scores, weights, max_fpr):
    """Area up to fpr = max_fpr, standardised by McClish's correction so that
    chance scores 0.5 and a perfect ranking 1 (McClish, "Analyzing a portion
    of the ROC curve", Medical Decision Making 9, 1989)."""
    kept = weights != 0  # a weightless sample must not add a threshold
    fps, tps, _ = _counts_at_thresholds(positive[kept], scores[kept], weights[kept])
    fpr, tpr = np.r_[0.0, fps / fps[-1]], np.r_[0.0, tps / tps[-1]]
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr_at_max = np.interp(max_fpr, fpr[stop - 1 : stop + 1], tpr[stop - 1 : stop + 1])
    area = np.trapezoid(np.r_[tpr[:stop], tpr_at_max], np.r_[fpr[:stop], max_fpr])
    least, most = 0.5 * max_fpr**2, max_fpr
    return float(0.5 * (1 + (area - least) / (most - least)))


def roc_auc_score(
    y_true,
    y_score,
    *,
    average="macro",
    sample_weight=None,
    max_fpr=None,
    multi_class="raise",
    labels=None,
):
    """Area under the ROC curve, for binary or multiclass targets.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels. With two classes the greater (in sorted order) is the
        positive one.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Binary: scores of the positive class (probabilities or decision
        values). Multiclass: probabilities, one column per class in sorted
        order (or the order of ``labels``), rows summing to 1.
    average : {"macro", "weighted", "micro"} or None, default="macro"
        Multiclass only. ``"macro"``: mean of the per-class (ovr) or
        per-pair (ovo) AUCs. ``"weighted"``: weighted by class prevalence
        (ovr) or pair prevalence (ovo). ``"micro"`` (ovr only): one AUC over
        all (sample, class) cells. ``None`` (ovr only): the per-class AUCs.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights (binary and ovr).
    max_fpr : float in (0, 1], default=None
        Binary only: standardised partial AUC over false positive rates up
        to ``max_fpr`` (McClish correction).
    multi_class : {"raise", "ovr", "ovo"}, default="raise"
        Multiclass only: one class against the rest, or each pair of
        classes; ``"raise"`` asks the caller to choose.
    labels : array-like of shape (n_classes,), default=None
        Multiclass only: the sorted classes naming the columns of
        ``y_score``, when ``y_true`` does not show them all.

    Returns
    -------
    float or ndarray of shape (n_classes,)
        In [0, 1]; 0.5 for uninformative scores. NaN, with an
        :class:`UndefinedMetricWarning`, when ``y_true`` holds one class.

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    metric = "roc_auc_score"
    if average == "samples":
        raise ValueError(
            f"{metric}: average='samples' is for multilabel targets, which zoo.metrics "
            f"does not support."
        )
    if average not in ("macro", "weighted", "micro", None):
        raise ValueError(
            f"{metric}: average must be 'macro', 'weighted', 'micro' or None; got {average!r}."
        )
    if max_fpr is not None and not (isinstance(max_fpr, numbers.Real) and 0 < max_fpr <= 1):
        raise ValueError(f"{metric}: max_fpr must be in (0, 1]; got {max_fpr!r}.")
    if multi_class not in ("raise", "ovr", "ovo"):
        raise ValueError(f"{metric}: multi_class must be 'raise', 'ovr' or 'ovo'; got {multi_class!r}.")
    y_true, scores, weights = _check_scores(y_true, y_score, sample_weight, metric)
    classes = np.unique(y_true)
    multiclass = classes.size > 2 or (scores.ndim == 2 and scores.shape[1] > 2)
    if not multiclass:
        if scores.ndim != 1:
            raise ValueError(
                f"{metric}: y_true is binary, so y_score must be 1-D (the scores of the "
                f"positive class {classes[-1].item()!r}); got shape {scores.shape}. For "
                f"predict_proba output pass y_score[:, 1]."
            )
        return _binary_auc(y_true == classes[-1], scores, weights, max_fpr)
    if max_fpr is not None and max_fpr != 1:
        raise ValueError(f"{metric}: max_fpr (partial AUC) is only available for binary targets.")
    return _multiclass_auc(y_true, scores, weights, labels, multi_class, average, metric)


def _multiclass_auc(y_true, scores, weights, labels, multi_class, average, metric):
    if multi_class not in ("ovr", "ovo"):
        raise ValueError(
            f"{metric}: y_true is multiclass, so multi_class must be 'ovr' or 'ovo'; "
            f"got {multi_class!r}."
        )
    if scores.ndim != 2:
        raise ValueError(
            f"{metric}: y_true is multiclass, so y_score must have shape (n_samples, n_classes); "
            f"got {scores.shape}."
        )
    if not np.allclose(scores.sum(axis=1), 1):
        raise ValueError(
            f"{metric}: multiclass ROC AUC needs probabilities: the rows of y_score must sum to 1."
        )
    if multi_class == "ovo" and average not in ("macro", "weighted"):
        raise ValueError(
            f"{metric}: multi_class='ovo' supports average 'macro' or 'weighted'; "
            f"got {average!r}."
        )
    classes = _multiclass_classes(y_true, labels, scores.shape[1], metric)
    codes = encode(y_true, classes)
    if multi_class == "ovo":
        if weights is not None:
            raise ValueError(f"{metric}: sample_weight is not supported with multi_class='ovo'.")
        return _ovo_auc(codes, scores, average)
    return _ovr_auc(codes, scores, weights, average)


def _multiclass_classes(y_true, labels, n_columns, metric):
    if labels is None:
        classes = np.unique(y_true)
        if classes.size != n_columns:
            raise ValueError(
                f"{metric}: y_true holds {classes.size} classes but y_score has {n_columns} "
                f"columns; pass labels= with every class."
            )
        return classes
    classes = check_labels(labels, y_true, metric)
    if not np.array_equal(classes, np.sort(classes)):
        raise ValueError(f"{metric}: labels must be sorted, like the columns of predict_proba.")
    if classes.size != n_columns:
        raise ValueError(
            f"{metric}: labels has {classes.size} classes but y_score has {n_columns} columns."
        )
    unknown = np.setdiff1d(y_true, classes)
    if unknown.size:
        raise ValueError(f"{metric}: y_true contains labels {unknown.tolist()} not in labels.")
    return classes


def _ovr_auc(codes, scores, weights, average):
    n_classes = scores.shape[1]
    one_hot = codes[:, None] == np.arange(n_classes)
    if average == "micro":
        repeated = None if weights is None else np.repeat(weights, n_classes)
        return _binary_auc(one_hot.ravel(), scores.ravel(), repeated)
    per_class = np.array(
        [_binary_auc(one_hot[:, j], scores[:, j], weights) for j in range(n_classes)]
    )
    if average is None:
        return per_class
    if average == "macro":
        return float(per_class.mean())
    prevalence = one_hot.sum(axis=0) if weights is None else weights @ one_hot
    # Absent classes (NaN AUC) weigh nothing.
    return float(np.average(np.where(prevalence > 0, per_class, 0.0), weights=prevalence))


def _ovo_auc(codes, scores, average):
    pair_scores, prevalence = [], []
    for first, second in combinations(np.unique(codes), 2):
        in_pair = (codes == first) | (codes == second)
        pair_codes = codes[in_pair]
        both_ways = (
            _binary_auc(pair_codes == first, scores[in_pair, first], None)
            + _binary_auc(pair_codes == second, scores[in_pair, second], None)
        ) / 2
        pair_scores.append(both_ways)
        prevalence.append(in_pair.mean())
    if average == "weighted":
        return float(np.average(pair_scores, weights=prevalence))
    return float(np.mean(pair_scores))
