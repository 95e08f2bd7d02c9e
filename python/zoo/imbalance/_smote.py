"""SMOTE: synthetic minority samples on the segments between neighbours."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from zoo import _core
from zoo._param_validation import Interval
from zoo._threads import resolve_n_jobs
from zoo._validation import check_random_state

from ._base import _STRATEGY_CONSTRAINTS, _BaseSampler
from ._neighbors import nearest_neighbors
from ._strategy import OVER


class SMOTE(_BaseSampler):
    """Synthetic Minority Over-sampling TEchnique (Chawla et al., 2002).

    For each new sample of a class: pick one of its samples ``x`` uniformly,
    one of the ``k_neighbors`` nearest other samples ``n`` of the same class
    uniformly, and a number ``u`` uniform in [0, 1); the new sample is
    ``x + u * (n - x)``, a point on the segment between them. Unlike
    repeating rows, this fills in the region the class occupies, so a model
    sees a larger minority region rather than heavier copies of a few
    points.

    The neighbours are exact (Euclidean; equal distances go to the lower
    row index) and found with BLAS matrix products over blocks of samples,
    in memory bounded whatever the class size. Output: the original rows,
    then the synthetic rows of each targeted class in sorted class order.

    Resample the training split only, never the test split (see
    :class:`RandomOverSampler`); synthetic points in a test set would be
    scored as if they were real.

    Parameters
    ----------
    sampling_strategy : str, float, dict or callable, default="auto"
        As for :class:`RandomOverSampler`: ``"auto"`` (``"not majority"``),
        ``"minority"``, ``"not minority"``, ``"all"``, a float ratio
        minority / majority (two classes), a dict ``{class: n_samples}``
        of wanted sizes, or a callable returning such a dict.
    k_neighbors : int, default=5
        Neighbours to interpolate towards. Every over-sampled class needs at
        least ``k_neighbors + 1`` samples.
    random_state : None, int, numpy Generator or RandomState, default=None
        Seed of the choices of samples, neighbours and positions.
    n_jobs : int or None, default=None
        Threads for the neighbour search (blocks of samples searched at
        once) and for computing the new samples; None uses
        ``zoo.get_num_threads()``, -1 all cores. The result does not depend
        on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of synthetic samples}``, sorted by class.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, shape (n_features_in_,)

    References
    ----------
    Chawla, N. V., Bowyer, K. W., Hall, L. O. & Kegelmeyer, W. P. (2002).
    SMOTE: synthetic minority over-sampling technique. JAIR 16, 321-357.

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.imbalance import SMOTE
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 2)); y = np.array([0] * 50 + [1] * 10)
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [50, 50]
    """

    _sampling_type = OVER
    _parameter_constraints = {
        "sampling_strategy": _STRATEGY_CONSTRAINTS,
        "k_neighbors": [Interval(Integral, 1, None)],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", k_neighbors=5, random_state=None, n_jobs=None):
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _resample(self, X, y):
        n_threads = resolve_n_jobs(self.n_jobs)
        k = self.k_neighbors
        # Check every class before drawing anything, so an error names all
        # the classes that are too small.
        too_small = {
            c: self._class_counts_[c]
            for c, n_new in self.sampling_strategy_.items()
            if n_new > 0 and self._class_counts_[c] < k + 1
        }
        if too_small:
            listing = ", ".join(f"class {c!r} has {n}" for c, n in too_small.items())
            raise ValueError(
                f"SMOTE: k_neighbors={k} needs at least {k + 1} samples in each over-sampled "
                f"class (a sample and {k} neighbours of the same class), but {listing}. Lower "
                "k_neighbors, or use RandomOverSampler for so small a class."
            )
        rng = check_random_state(self.random_state)
        targeted = [(label, n_new) for label, n_new in self.sampling_strategy_.items() if n_new > 0]
        if not targeted:
            return X.copy(), y.copy()
        n = X.shape[0]
        # The output is allocated once and the synthetic rows are computed in
        # place, instead of stacked copies of per-class pieces.
        X_res = np.empty((n + sum(n_new for _, n_new in targeted), X.shape[1]), dtype=X.dtype)
        X_res[:n] = X
        new_y = []
        offset = n
        for label, n_new in targeted:
            members = X[y == label]
            # Draw all choices first: sample, which of its neighbours, where.
            base = rng.integers(0, members.shape[0], size=n_new)
            slot = rng.integers(0, k, size=n_new)
            step = rng.random(n_new)
            # Neighbours are needed only for the samples actually drawn.
            drawn = np.zeros(members.shape[0], dtype=bool)
            drawn[base] = True
            queries = np.flatnonzero(drawn)
            row_of = np.empty(members.shape[0], dtype=np.int64)
            row_of[queries] = np.arange(queries.shape[0])
            neighbors = nearest_neighbors(members, queries, k, n_threads)
            partner = neighbors[row_of[base], slot]
            # x + u * (n - x) in X's float type, written into the output rows
            # in one pass (NumPy's roundings, no fused multiply-add).
            _core.smote_interpolate(members, base, partner, step, X_res[offset : offset + n_new], n_threads)
            offset += n_new
            new_y.append(np.full(n_new, label, dtype=y.dtype) if y.dtype != object else _object_full(n_new, label))
        return X_res, np.concatenate([y, *new_y])


def _object_full(n, label):
    out = np.empty(n, dtype=object)
    out[:] = [label] * n
    return out
