"""``train_test_split``: random, stratified train/validation/test splits of several arrays."""

from __future__ import annotations

import math
import numbers

import numpy as np

from zoo._validation import _short_repr, check_random_state

from ._indexing import _check_lengths, _class_codes, _take

__all__ = ["train_test_split"]


def _check_size(value, name, n_samples):
    """Validate one of ``test_size``/``train_size``/``val_size``; None stays None."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a float in (0, 1), a positive int or None; got {_short_repr(value)}."
        )
    if isinstance(value, numbers.Integral):
        if not 0 < value < n_samples:
            raise ValueError(
                f"{name}={value} should be a positive int smaller than the number of "
                f"samples ({n_samples}), or a float in (0, 1)."
            )
        return int(value)
    if not 0.0 < value < 1.0:
        raise ValueError(
            f"{name}={value} should be a float in (0, 1) (a fraction of the samples) "
            "or a positive int (a count)."
        )
    return float(value)


def _split_sizes(n_samples, test_size, train_size, val_size):
    """Counts (n_train, n_val, n_test) for ``n_samples`` rows.

    Fractions of held-out parts round up and the training fraction rounds
    down, as scikit-learn does, so a held-out part is never empty by
    rounding. A part left as None takes what the others leave.
    """
    test = _check_size(test_size, "test_size", n_samples)
    train = _check_size(train_size, "train_size", n_samples)
    val = _check_size(val_size, "val_size", n_samples)
    if test is None and train is None:
        test = 0.25
    fractions = [v for v in (test, train, val) if isinstance(v, float)]
    if sum(fractions) > 1.0 + 1e-12:
        raise ValueError(
            f"The fractions test_size={test_size}, train_size={train_size}, "
            f"val_size={val_size} add up to {sum(fractions):g}, more than 1."
        )
    n_test = math.ceil(test * n_samples) if isinstance(test, float) else test
    n_val = 0 if val is None else (math.ceil(val * n_samples) if isinstance(val, float) else val)
    n_train = math.floor(train * n_samples) if isinstance(train, float) else train
    if n_test is None:
        n_test = n_samples - n_train - n_val
    if n_train is None:
        n_train = n_samples - n_test - n_val
    if n_train + n_val + n_test > n_samples:
        raise ValueError(
            f"The requested sizes (train {n_train}, validation {n_val}, test {n_test}) "
            f"add up to {n_train + n_val + n_test}, more than the {n_samples} samples."
        )
    for part, count in (("train", n_train), ("test", n_test)) + (
        (("validation", n_val),) if val is not None else ()
    ):
        if count <= 0:
            raise ValueError(
                f"With n_samples={n_samples}, test_size={test_size}, train_size={train_size}"
                f" and val_size={val_size} the {part} set would be empty; change the sizes."
            )
    return n_train, n_val, n_test


def _allocate(counts, total, rng):
    """Split ``total`` draws over classes in proportion to ``counts``.

    Each class gets the floor of its exact share; the units left over go to
    the classes with the largest remainders (ties in random order), so the
    result never exceeds ``counts`` and sums to ``total`` exactly.
    """
    counts = np.asarray(counts, dtype=np.int64)
    available = counts.sum()
    if total >= available:
        return counts.copy()
    exact = counts * (total / available)
    share = np.floor(exact).astype(np.int64)
    left = int(total - share.sum())
    if left:
        order = rng.permutation(counts.size)
        order = order[np.argsort(-(exact - share)[order], kind="stable")]
        share[order[:left]] += 1
    return share


def _stratified_parts(codes, sizes, rng):
    """Index arrays, one per entry of ``sizes``, each keeping the class mix."""
    n_classes = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=n_classes)
    per_class = [rng.permutation(np.flatnonzero(codes == c)) for c in range(n_classes)]
    remaining = counts.copy()
    # Held-out parts first (given in ``sizes`` order), so training takes
    # what is left; each part is allocated from the rows still unassigned.
    taken = np.zeros(n_classes, dtype=np.int64)
    parts = []
    for size in sizes:
        share = _allocate(remaining, size, rng)
        indices = np.concatenate(
            [per_class[c][taken[c]:taken[c] + share[c]] for c in range(n_classes)]
        )
        parts.append(rng.permutation(indices))
        taken += share
        remaining -= share
    return parts


def train_test_split(
    *arrays,
    test_size=None,
    train_size=None,
    val_size=None,
    random_state=None,
    shuffle=True,
    stratify=None,
):
    """Split arrays into random train and test (and validation) subsets.

    Parameters
    ----------
    *arrays : sequence of array-like, each with the same number of rows
        NumPy arrays, lists, pandas DataFrames/Series (split by position,
        returned as pandas) or scipy sparse matrices.
    test_size : float or int, default=None
        A float in (0, 1) is the fraction of samples in the test set
        (rounded up); an int is a count. If both ``test_size`` and
        ``train_size`` are None it is 0.25; if only ``train_size`` is given,
        the test set takes the rest.
    train_size : float or int, default=None
        The same for the training set (a fraction rounds down); None: the
        samples the other sets leave.
    val_size : float or int, default=None
        If given, a validation set of this size is split off as well and
        each array yields three parts.
    random_state : None, int, numpy.random.Generator or RandomState, default=None
        Seed of the shuffling; an int gives the same split every time.
    shuffle : bool, default=True
        If False, the parts are consecutive blocks in the original order:
        train first, then validation, then test.
    stratify : array-like of shape (n_samples,) or (n_samples, n_labels), default=None
        Class labels; each part then keeps the class proportions (to within
        one sample per class). Needs ``shuffle=True``.

    Returns
    -------
    list
        ``[a_train, a_test, b_train, b_test, ...]``, or with ``val_size``
        ``[a_train, a_val, a_test, b_train, b_val, b_test, ...]``; each part
        has the type of its input (a list for a list).

    Raises
    ------
    ValueError
        If no arrays are given, their lengths differ, the sizes do not fit in
        the data, a stratification class has fewer than 2 members or fewer
        samples than classes land in a part, or ``shuffle=False`` is combined
        with ``stratify``.
    TypeError
        If a size is not a number, or an unknown keyword is given.

    Examples
    --------
    >>> X_train, X_val, X_test, y_train, y_val, y_test = train_test_split(
    ...     X, y, val_size=0.15, test_size=0.15, stratify=y, random_state=0)  # doctest: +SKIP
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array to split.")
    names = [f"array {i}" for i in range(len(arrays))]
    n_samples = _check_lengths(arrays, names)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {_short_repr(shuffle)}.")
    if n_samples < 2:
        raise ValueError(f"train_test_split needs at least 2 samples, got {n_samples}.")
    n_train, n_val, n_test = _split_sizes(n_samples, test_size, train_size, val_size)
    three_way = val_size is not None

    if not shuffle:
        if stratify is not None:
            raise ValueError(
                "stratify needs shuffle=True: an unshuffled split takes consecutive "
                "blocks and cannot keep class proportions."
            )
        train = np.arange(n_train)
        val = np.arange(n_train, n_train + n_val)
        test = np.arange(n_train + n_val, n_train + n_val + n_test)
    else:
        rng = check_random_state(random_state)
        if stratify is None:
            order = rng.permutation(n_samples)
            test = order[:n_test]
            val = order[n_test:n_test + n_val]
            train = order[n_test + n_val:n_test + n_val + n_train]
        else:
            _check_lengths([arrays[0], stratify], ["the arrays", "stratify"])
            codes = _class_codes(stratify, "stratify")
            _check_stratifiable(codes, {"train": n_train, "test": n_test,
                                        **({"validation": n_val} if three_way else {})})
            test, val, train = _stratified_parts(codes, [n_test, n_val, n_train], rng)

    parts = (train, val, test) if three_way else (train, test)
    return [_take(a, idx) for a in arrays for idx in parts]


def _check_stratifiable(codes, part_sizes):
    counts = np.bincount(codes)
    if counts.min() < 2:
        raise ValueError(
            "The least populated class in stratify has only 1 member, which is too few "
            "to put it on both sides of a split; every class needs at least 2."
        )
    for part, size in part_sizes.items():
        if size < counts.size:
            raise ValueError(
                f"The {part} set would hold {size} samples, fewer than the {counts.size} "
                "classes in stratify; make it larger or do not stratify."
            )
