"""Rows of any container by position, and the checks every splitter shares."""

from __future__ import annotations

import sys

import numpy as np

from zoo._validation import _num_samples as _n_samples, check_consistent_length


def _take(data, indices):
    """Rows ``indices`` of ``data``, keeping its container type.

    pandas objects are indexed by position (``iloc``), never by label, so a
    DataFrame with a shuffled or non-integer index splits like an array.
    """
    if data is None:
        return None
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(data, (pandas.DataFrame, pandas.Series)):
        return data.iloc[indices]
    if hasattr(data, "shape") and hasattr(data, "__getitem__"):
        if hasattr(data, "tocsr"):  # scipy sparse: row indexing needs CSR
            data = data.tocsr()
        return data[indices]
    if isinstance(data, (list, tuple)):
        return [data[i] for i in indices]
    raise TypeError(
        f"Cannot split an object of type {type(data).__name__}; expected a NumPy "
        "array, a list, a pandas DataFrame or Series, or a scipy sparse matrix."
    )


def _check_lengths(arrays, names):
    """The common number of samples of the arrays that are not None (0 if none)."""
    check_consistent_length(**dict(zip(names, arrays)))
    return next((_n_samples(a, n) for a, n in zip(arrays, names) if a is not None), 0)


def _class_codes(y, name):
    """Labels as integer codes 0..n_classes-1, classes in order of first appearance."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {y.shape}.")
    try:
        # Several label columns: each distinct row is one stratum.
        _, first, inverse = np.unique(
            y, axis=0 if y.ndim == 2 else None, return_index=True, return_inverse=True
        )
    except TypeError:  # None among the labels, or strings mixed with numbers
        kinds = sorted({type(value).__name__ for value in y.ravel().tolist()})
        raise TypeError(
            f"{name} must hold class labels of one kind (all numbers or all strings) "
            f"and no None; got values of types {kinds}."
        ) from None
    # np.unique sorts the classes; renumber them by first appearance so the
    # fold layout does not depend on how the label values happen to sort.
    appearance_rank = np.empty_like(first)
    appearance_rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return appearance_rank[inverse.ravel()]
