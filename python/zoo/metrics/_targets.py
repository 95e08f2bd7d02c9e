"""Checking and encoding of class labels, shared by the classification and
ranking metrics.

Labels may be integers, floats holding integral values, bools or strings;
all of one kind within a call. Every helper names the metric and the argument
in its messages, so an error from ``f1_score(y, scores)`` says which of the
two held continuous values.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_consistent_length, check_sample_weight

__all__ = [
    "label_array",
    "reject_continuous",
    "check_classification_targets",
    "check_labels",
    "encode",
    "check_weights",
    "check_zero_division",
]

# What a label array holds, by dtype kind; two arrays must hold the same.
_KIND_NAMES = {
    "U": "strings",
    "S": "bytes",
    "b": "numbers",
    "i": "numbers",
    "u": "numbers",
    "f": "numbers",
}


def label_array(y, name, metric):
    """``y`` as a non-empty 1-D array of labels (numbers or strings).

    A column vector of shape (n, 1) is flattened. Raises ValueError for
    scalars, empty input, 2-D targets with several columns (multilabel or
    multioutput), NaN or infinity, and object arrays mixing strings and
    numbers.
    """
    array = np.asarray(y)
    if array.ndim == 0:
        raise ValueError(f"{metric}: {name} must be an array of labels, got a scalar {array.item()!r}.")
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(
            f"{metric}: {name} has shape {array.shape}; multilabel and multioutput "
            f"targets are not supported. Pass a 1-D array with one class label per sample."
        )
    if array.size == 0:
        raise ValueError(f"{metric}: {name} is empty; at least one sample is required.")
    if array.dtype.kind == "O":
        array = _from_objects(array, name, metric)
    kind = array.dtype.kind
    if kind == "c":
        raise ValueError(f"{metric}: {name} holds complex numbers; labels must be real or strings.")
    if kind not in _KIND_NAMES:
        raise ValueError(f"{metric}: {name} has unsupported dtype {array.dtype} for labels.")
    if kind == "f":
        if np.isnan(array).any():
            raise ValueError(f"{metric}: {name} contains NaN.")
        if np.isinf(array).any():
            raise ValueError(f"{metric}: {name} contains infinity.")
    return array


def _from_objects(array, name, metric):
    values = array.tolist()
    if any(value is None for value in values):
        raise ValueError(f"{metric}: {name} contains None; every sample needs a label.")
    is_string = [isinstance(value, str) for value in values]
    if all(is_string):
        return np.asarray(values, dtype=str)
    is_number = [isinstance(value, (numbers.Number, np.bool_)) for value in values]
    if all(is_number):
        return np.asarray(values)
    if all(s or n for s, n in zip(is_string, is_number)):
        first_string = values[is_string.index(True)]
        first_number = values[is_string.index(False)]
        raise ValueError(
            f"{metric}: {name} mixes strings and numbers (e.g. {first_string!r} and "
            f"{first_number!r}); labels must be all strings or all numbers."
        )
    odd = next(value for s, n, value in zip(is_string, is_number, values) if not (s or n))
    raise ValueError(
        f"{metric}: {name} holds a {type(odd).__name__} ({odd!r}); labels must be numbers or strings."
    )


def reject_continuous(array, name, metric):
    if array.dtype.kind != "f":
        return
    fractional = array != np.round(array)
    if fractional.any():
        example = array[np.argmax(fractional)].item()
        raise ValueError(
            f"{metric}: {name} holds continuous values (e.g. {example!r}), not class "
            f"labels. Classification metrics need predicted labels: threshold the "
            f"scores or take the argmax of the probabilities first (ROC AUC and log "
            f"loss take scores directly), or use a regression metric."
        )


def _check_same_kind(first, first_name, second, second_name, metric):
    first_kind = _KIND_NAMES[first.dtype.kind]
    second_kind = _KIND_NAMES[second.dtype.kind]
    if first_kind != second_kind:
        raise ValueError(
            f"{metric}: mix of label types: {first_name} holds {first_kind} and "
            f"{second_name} holds {second_kind}."
        )


def check_classification_targets(y_true, y_pred, metric):
    """Validate a pair of label arrays.

    Returns
    -------
    target_type : {"binary", "multiclass"}
        "binary" when the two arrays hold at most two distinct labels together.
    present : ndarray
        The sorted distinct labels of ``y_true`` and ``y_pred`` together.
    y_true, y_pred : ndarray of shape (n_samples,)
    """
    y_true = label_array(y_true, "y_true", metric)
    y_pred = label_array(y_pred, "y_pred", metric)
    check_consistent_length(y_true=y_true, y_pred=y_pred)
    reject_continuous(y_true, "y_true", metric)
    reject_continuous(y_pred, "y_pred", metric)
    _check_same_kind(y_true, "y_true", y_pred, "y_pred", metric)
    present = np.union1d(y_true, y_pred)
    target_type = "binary" if present.size <= 2 else "multiclass"
    return target_type, present, y_true, y_pred


def check_labels(labels, like, metric, name="labels"):
    """The ``labels`` argument as a non-empty 1-D array of distinct labels of
    the same kind (numbers or strings) as ``like``; order is kept."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"{metric}: {name} must be 1-D, got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{metric}: {name} must contain at least one label.")
    array = label_array(array, name, metric)
    _check_same_kind(like, "the targets", array, name, metric)
    if np.unique(array).size != array.size:
        raise ValueError(f"{metric}: {name} contains duplicates: {array.tolist()}.")
    return array


def encode(values, labels):
    """Position of each value in ``labels`` (any order), -1 where absent."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    position = np.minimum(np.searchsorted(sorted_labels, values), labels.size - 1)
    found = sorted_labels[position] == values
    return np.where(found, order[position], -1).astype(np.intp, copy=False)


def multilabel_indicators(y_true, y_pred, metric):
    """Both targets as boolean (n_samples, n_labels) indicator matrices when
    either is one (2-D, several columns, only 0 and 1), else None.

    Raises ValueError when only one of them is, or their shapes differ.
    """
    true, pred = _indicator(y_true), _indicator(y_pred)
    if true is None and pred is None:
        return None
    if true is None or pred is None:
        which = "y_true" if true is not None else "y_pred"
        raise ValueError(
            f"{metric}: {which} is a multilabel indicator matrix but the other target is not; "
            "pass both as (n_samples, n_labels) arrays of 0 and 1."
        )
    if true.shape != pred.shape:
        raise ValueError(f"{metric}: y_true has shape {true.shape} but y_pred has shape {pred.shape}.")
    return true, pred


def _indicator(y):
    """y as a boolean indicator matrix, or None if it is not one."""
    array = y.toarray() if hasattr(y, "toarray") else np.asarray(y)  # SciPy sparse indicators too
    if array.ndim != 2 or array.shape[1] < 2 or array.shape[0] == 0 or array.dtype.kind not in "biuf":
        return None
    if not np.isin(array, (0, 1)).all():
        return None
    return array.astype(bool)


def check_weights(sample_weight, n_samples):
    """``sample_weight`` as float64 of shape (n_samples,), or None if None."""
    if sample_weight is None:
        return None
    length = np.shape(sample_weight)[0] if np.ndim(sample_weight) == 1 else None
    if length is not None and length != n_samples:
        # Said here because the shared check speaks of X, which metrics do not take.
        raise ValueError(
            f"sample_weight has {length} entries but y_true has {n_samples} samples."
        )
    return check_sample_weight(sample_weight, n_samples, np.float64)


def check_zero_division(zero_division, metric):
    """The value to use where a ratio is 0/0, and whether to warn."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0, True
    elif isinstance(zero_division, numbers.Real) and not isinstance(zero_division, (bool, np.bool_)):
        if np.isnan(zero_division):
            return np.nan, False
        if zero_division in (0, 1):
            return float(zero_division), False
    raise ValueError(
        f"{metric}: zero_division must be 'warn', 0, 1 or np.nan; got {zero_division!r}."
    )
