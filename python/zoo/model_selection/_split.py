"""K-fold splitters (``KFold``, ``StratifiedKFold``) and ``check_cv``.

Splitters hand out index arrays; :func:`._indexing._take` turns them into
rows of NumPy arrays, lists, pandas objects or scipy sparse matrices alike,
so one code path serves every container a user may bring.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from zoo._validation import _short_repr, check_random_state

from ._indexing import _check_lengths, _class_codes, _n_samples

__all__ = ["KFold", "StratifiedKFold", "check_cv"]


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
    if not splits or not all(hasattr(pair, "__len__") and len(pair) == 2 for pair in splits):
        raise ValueError("cv given as an iterable must yield (train, test) index pairs.")
    return _PredefinedSplits(splits)
