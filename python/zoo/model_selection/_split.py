"""Splitting data: ``train_test_split``, ``KFold``, ``StratifiedKFold``, ``check_cv``.

Splitters hand out index arrays; :func:`_take` turns them into rows of NumPy
arrays, lists, pandas objects or scipy sparse matrices alike, so one code
path serves every container a user may bring.
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings

import numpy as np

from zoo._validation import _num_samples, _short_repr, check_random_state

__all__ = ["train_test_split", "KFold", "StratifiedKFold", "check_cv"]


# ------------------------------------------------------------------ indexing


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


def _n_samples(data, name):
    return _num_samples(data, name)


def _check_lengths(arrays, names):
    lengths = [_n_samples(a, n) for a, n in zip(arrays, names) if a is not None]
    if len(set(lengths)) > 1:
        listing = ", ".join(
            f"{n} has {_n_samples(a, n)}" for a, n in zip(arrays, names) if a is not None
        )
        raise ValueError(f"Inconsistent numbers of samples: {listing}.")
    return lengths[0] if lengths else 0


# ---------------------------------------------------------- train/test split


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


def _class_codes(y, name):
    """Labels as integer codes 0..n_classes-1, classes in order of first appearance."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 2:
        # Several label columns: each distinct row is one stratum.
        _, first, inverse = np.unique(y, axis=0, return_index=True, return_inverse=True)
    elif y.ndim == 1:
        _, first, inverse = np.unique(y, return_index=True, return_inverse=True)
    else:
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {y.shape}.")
    # np.unique sorts the classes; renumber them by first appearance so the
    # fold layout does not depend on how the label values happen to sort.
    appearance_rank = np.empty_like(first)
    appearance_rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return appearance_rank[inverse.ravel()]


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


# ------------------------------------------------------------------- K-fold


class _BaseKFold:
    """Shared parameter checks and ``get_n_splits`` of the K-fold splitters."""

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        if isinstance(n_splits, (bool, np.bool_)) or not isinstance(n_splits, numbers.Integral):
            raise TypeError(f"n_splits must be an int of at least 2, got {_short_repr(n_splits)}.")
        if n_splits < 2:
            raise ValueError(
                f"n_splits must be at least 2 (one fold to test, one to train), got {n_splits}."
            )
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, got {_short_repr(shuffle)}.")
        if not shuffle and random_state is not None:
            raise ValueError(
                "random_state has no effect with shuffle=False; leave it None or set shuffle=True."
            )
        self.n_splits = int(n_splits)
        self.shuffle = bool(shuffle)
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of (train, test) pairs :meth:`split` yields.

        Parameters
        ----------
        X, y, groups : ignored
            Present for API compatibility.

        Returns
        -------
        int
        """
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Yield train and test row indices for each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its number of rows is used.
        y : array-like of shape (n_samples,), default=None
            Class labels (required by :class:`StratifiedKFold`).
        groups : ignored
            Present for API compatibility.

        Yields
        ------
        train : ndarray of shape (n_train,)
        test : ndarray of shape (n_test,)
            Sorted row indices; the test folds partition ``range(n_samples)``.
        """
        n_samples = _n_samples(X, "X")
        if y is not None:
            _check_lengths([X, y], ["X", "y"])
        if self.n_splits > n_samples:
            raise ValueError(
                f"Cannot have n_splits={self.n_splits} greater than the number of "
                f"samples ({n_samples})."
            )
        fold_of = self._fold_of_each_sample(n_samples, y)
        for fold in range(self.n_splits):
            in_test = fold_of == fold
            yield np.flatnonzero(~in_test), np.flatnonzero(in_test)

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, shuffle={self.shuffle}, "
                f"random_state={self.random_state!r})")


class KFold(_BaseKFold):
    """K-fold cross-validation: consecutive folds, optionally after shuffling.

    The first ``n_samples % n_splits`` folds have ``n_samples // n_splits + 1``
    samples, the others ``n_samples // n_splits`` (scikit-learn's sizes, and
    its indices when ``shuffle=False``).

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=False
        Shuffle the rows once before cutting them into folds.
    random_state : None, int, numpy.random.Generator or RandomState, default=None
        Seed of the shuffle; only allowed with ``shuffle=True``. With an int
        every call of :meth:`split` gives the same folds; with None each call
        shuffles anew.

    Examples
    --------
    >>> for train, test in KFold(3).split(np.zeros((7, 2))):
    ...     print(test)
    [0 1 2]
    [3 4]
    [5 6]
    """

    def _fold_of_each_sample(self, n_samples, y):
        fold_sizes = np.full(self.n_splits, n_samples // self.n_splits)
        fold_sizes[: n_samples % self.n_splits] += 1
        folds = np.repeat(np.arange(self.n_splits), fold_sizes)
        if self.shuffle:
            fold_of = np.empty(n_samples, dtype=np.int64)
            fold_of[check_random_state(self.random_state).permutation(n_samples)] = folds
            return fold_of
        return folds


class StratifiedKFold(_BaseKFold):
    """K-fold cross-validation keeping each class spread evenly over the folds.

    Think of the samples sorted by class (classes in order of first
    appearance) and dealt to the folds like cards, one at a time in turn:
    every class lands in each fold ``n_c // n_splits`` or one more times, and
    the fold sizes are those of :class:`KFold`. These are scikit-learn's
    per-fold class counts. Within a class, samples go to the folds in their
    original order, or shuffled with ``shuffle=True``.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=False
        Shuffle the samples of each class before dealing them out.
    random_state : None, int, numpy.random.Generator or RandomState, default=None
        Seed of the shuffle; only allowed with ``shuffle=True``.

    Warns
    -----
    UserWarning
        If the least populated class has fewer than ``n_splits`` members (some
        test folds will lack it).
    """

    def split(self, X, y=None, groups=None):  # noqa: D102  (documented on the base class)
        if y is None:
            raise ValueError("StratifiedKFold.split needs the class labels y.")
        return super().split(X, y, groups)

    split.__doc__ = _BaseKFold.split.__doc__

    def _fold_of_each_sample(self, n_samples, y):
        y = np.asarray(y)
        if y.dtype.kind == "f" and not np.all(np.isfinite(y) & (y == np.round(y))):
            raise ValueError(
                "StratifiedKFold needs class labels in y, got continuous values; "
                "use KFold for regression targets."
            )
        codes = _class_codes(y, "y")
        counts = np.bincount(codes)
        k = self.n_splits
        if np.all(counts < k):
            raise ValueError(
                f"n_splits={k} cannot be greater than the number of members in each "
                f"class (the largest class has {counts.max()})."
            )
        if counts.min() < k:
            warnings.warn(
                f"The least populated class in y has only {counts.min()} members, fewer "
                f"than n_splits={k}; some test folds will not contain it.",
                UserWarning,
                stacklevel=3,
            )
        rng = check_random_state(self.random_state) if self.shuffle else None
        fold_of = np.empty(n_samples, dtype=np.int64)
        dealt = 0  # cards dealt before this class: where its deal starts
        for c, count in enumerate(counts):
            folds = np.arange(k)
            # Fold f receives the positions p in [dealt, dealt + count) with
            # p % k == f: count // k each, plus one for the first
            # count % k folds counted from where the deal stands.
            per_fold = np.full(k, count // k)
            per_fold[(folds - dealt) % k < count % k] += 1
            members = np.flatnonzero(codes == c)
            if rng is not None:
                members = rng.permutation(members)
            fold_of[members] = np.repeat(folds, per_fold)
            dealt += count
        return fold_of


# --------------------------------------------------------------- check_cv


class _PredefinedSplits:
    """Wraps an iterable of (train, test) index pairs as a splitter."""

    def __init__(self, splits):
        self.splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splits]

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.splits)

    def split(self, X=None, y=None, groups=None):
        yield from self.splits


def _is_classification_target(y):
    if y is None:
        return False
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.size == 0:
        return False
    if y.dtype.kind == "f":
        return bool(np.all(np.isfinite(y) & (y == np.round(y))))
    return y.dtype.kind in "biuUSOb"


def check_cv(cv=5, y=None, *, classifier=False):
    """Turn a ``cv`` argument into a splitter object.

    Parameters
    ----------
    cv : int, splitter, iterable of (train, test) pairs or None, default=5
        An int ``k`` gives :class:`StratifiedKFold` (``k``) when
        ``classifier`` is True and ``y`` holds class labels, else
        :class:`KFold` (``k``); None means 5. Any object with ``split`` and
        ``get_n_splits`` (a zoo or scikit-learn splitter) is used as is.
    y : array-like, default=None
        Targets, to decide whether stratifying is possible.
    classifier : bool, default=False
        Whether the estimator is a classifier.

    Returns
    -------
    splitter
        An object with ``split(X, y, groups)`` and ``get_n_splits``.

    Raises
    ------
    ValueError or TypeError
        For any other value.
    """
    if cv is None:
        cv = 5
    if isinstance(cv, numbers.Integral) and not isinstance(cv, (bool, np.bool_)):
        if classifier and _is_classification_target(y):
            return StratifiedKFold(int(cv))
        return KFold(int(cv))
    if hasattr(cv, "split") and hasattr(cv, "get_n_splits"):
        return cv
    if isinstance(cv, str) or not hasattr(cv, "__iter__"):
        raise TypeError(
            "cv must be an int (number of folds), a splitter with split and "
            f"get_n_splits, or an iterable of (train, test) index pairs; got {_short_repr(cv)}."
        )
    splits = list(cv)
    if not splits or not all(len(pair) == 2 for pair in splits):
        raise ValueError("cv given as an iterable must yield (train, test) index pairs.")
    return _PredefinedSplits(splits)
