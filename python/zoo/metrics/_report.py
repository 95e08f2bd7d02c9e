"""A per-label table of precision, recall, F1 and support, with averages."""

from __future__ import annotations

import numbers

import numpy as np

from ._precision_recall import precision_recall_fscore_support
from ._targets import check_classification_targets, check_labels, multilabel_indicators

__all__ = ["classification_report"]

_COLUMNS = ("precision", "recall", "f1-score", "support")


def classification_report(
    y_true,
    y_pred,
    *,
    labels=None,
    target_names=None,
    sample_weight=None,
    digits=2,
    output_dict=False,
    zero_division="warn",
):
    """Precision, recall, F1 and support of each label, then their averages.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_labels,), default=None
        Labels to report, in this order. ``None``: every label in
        ``y_true`` and ``y_pred``, sorted.
    target_names : list of str, default=None
        Display names of the labels, in the same order.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    digits : int, default=2
        Decimals shown in the text (not applied to ``output_dict``).
    output_dict : bool, default=False
        Return a dict instead of text.
    zero_division : {"warn", 0, 1, np.nan}, default="warn"
        Value of undefined ratios, as in :func:`precision_score`.

    Returns
    -------
    str or dict
        The table; or ``{name: {"precision", "recall", "f1-score",
        "support"}}`` for each label and for ``"macro avg"`` and
        ``"weighted avg"``, plus ``"accuracy"`` (a float) when every label
        present is reported, otherwise a ``"micro avg"`` entry.

    Examples
    --------
    >>> print(classification_report(["a", "b", "b"], ["a", "b", "a"]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               a       0.50      1.00      0.67         1
               b       1.00      0.50      0.67         2
    <BLANKLINE>
        accuracy                           0.67         3
       macro avg       0.75      0.75      0.67         3
    weighted avg       0.83      0.67      0.67         3
    <BLANKLINE>
    """
    metric = "classification_report"
    if not isinstance(digits, numbers.Integral) or isinstance(digits, bool) or digits < 0:
        raise ValueError(f"{metric}: digits must be a non-negative int; got {digits!r}.")
    indicators = multilabel_indicators(y_true, y_pred, metric)
    if indicators is not None:
        # Multilabel: labels are columns; micro averages are not accuracy, and
        # the per-sample average joins them.
        labels = np.arange(indicators[0].shape[1]) if labels is None else np.asarray(labels)
        averages = ["micro avg", "macro avg", "weighted avg", "samples avg"]
    else:
        _, present, y_true_checked, _ = check_classification_targets(y_true, y_pred, metric)
        if labels is None:
            labels, covers_all = present, True
        else:
            labels = check_labels(labels, y_true_checked, metric)
            covers_all = np.isin(present, labels).all()
        # Over all present labels micro-averaging gives accuracy for all three
        # scores, so one number is shown; over a subset it is a real average.
        averages = (["accuracy"] if covers_all else ["micro avg"]) + ["macro avg", "weighted avg"]
    if target_names is None:
        target_names = [str(label) for label in labels.tolist()]
    elif len(target_names) != labels.size:
        raise ValueError(
            f"{metric}: target_names has {len(target_names)} names for {labels.size} labels "
            f"{labels.tolist()}; pass labels= to choose which labels they name."
        )
    options = dict(labels=labels, sample_weight=sample_weight, zero_division=zero_division)
    per_label = precision_recall_fscore_support(y_true, y_pred, **options)
    report = {
        name: dict(zip(_COLUMNS, map(float, row)))
        for name, row in zip(target_names, zip(*per_label))
    }
    total = float(np.sum(per_label[3]))
    for name in averages:
        average = {"accuracy": "micro", "micro avg": "micro"}.get(name, name.split()[0])
        scores = precision_recall_fscore_support(y_true, y_pred, average=average, **options)[:3]
        report[name] = scores[2] if name == "accuracy" else dict(zip(_COLUMNS, (*scores, total)))
    if output_dict:
        return report
    return _as_text(report, target_names, averages, digits)


def _as_text(report, target_names, averages, digits):
    width = max(len(name) for name in [*target_names, "weighted avg"])
    supports = [row["support"] for row in report.values() if isinstance(row, dict)]
    support_digits = 0 if all(float(s).is_integer() for s in supports) else digits

    def line(name, values, support):
        cells = ["" if value is None else f"{value:.{digits}f}" for value in values]
        cells.append(f"{support:.{support_digits}f}")
        return f"{name:>{width}} " + "".join(f" {cell:>9}" for cell in cells) + "\n"

    text = f"{'':>{width}} " + "".join(f" {column:>9}" for column in _COLUMNS) + "\n\n"
    for name in target_names:
        row = report[name]
        text += line(name, [row["precision"], row["recall"], row["f1-score"]], row["support"])
    text += "\n"
    total = report["macro avg"]["support"]
    for name in averages:
        row = report[name]
        if name == "accuracy":
            text += line(name, [None, None, row], total)
        else:
            text += line(name, [row["precision"], row["recall"], row["f1-score"]], total)
    return text
