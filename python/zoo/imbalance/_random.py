"""Random over- and under-sampling: repeat or drop whole rows."""

from __future__ import annotations

from numbers import Real

import numpy as np

from zoo._fitted_state import optional
from zoo._param_validation import Interval
from zoo._validation import check_random_state

from ._base import _STRATEGY_CONSTRAINTS, _BaseSampler
from ._strategy import OVER, UNDER, _same_class


class RandomOverSampler(_BaseSampler):
    """Over-sample classes by drawing their rows again, with replacement.

    The original rows come first, then for each targeted class (in sorted
    order) ``sampling_strategy_[class]`` rows drawn uniformly from that
    class. With ``shrinkage`` the drawn rows are jittered with Gaussian
    noise (a smoothed bootstrap), so they are not exact duplicates.

    Resample the training split only, after splitting: the test split must
    keep the real class balance, or the scores measure the resampling
    instead of the model::

        X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y)
        X_bal, y_bal = RandomOverSampler(random_state=0).fit_resample(X_train, y_train)
        model.fit(X_bal, y_bal)
        recall_score(y_test, model.predict(X_test))

    Parameters
    ----------
    sampling_strategy : str, float, dict or callable, default="auto"
        Which classes grow, and to what size:

        - ``"auto"`` / ``"not majority"``: every class but the majority, up
          to the majority's size; ``"minority"``: the smallest class only;
          ``"not minority"``: every class but the smallest; ``"all"``:
          every class;
        - float in (0, 1], two classes only: the wanted ratio
          minority / majority after resampling;
        - dict ``{class: n_samples}``: the wanted size of each listed class
          (at least its current size);
        - callable ``f(y) -> dict``: as a dict.
    random_state : None, int, numpy Generator or RandomState, default=None
        Seed of the draws.
    shrinkage : float >= 0, dict {class: float} or None, default=None
        None: exact copies. Otherwise the noise standard deviation of each
        feature is ``shrinkage * h * std``, with ``std`` the class's sample
        standard deviation of that feature and ``h = (4 / ((d + 2) n))^(1 /
        (d + 4))`` the normal-reference bandwidth for ``n`` samples in ``d``
        dimensions. A dict gives one value per over-sampled class. Smoothed
        rows are floats.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of rows added}``, sorted by class.
    sample_indices_ : ndarray of shape (n_samples_new,), int64
        Row of the input that each output row was drawn from.
    shrinkage_ : dict or None
        ``{class: shrinkage}`` used, for the over-sampled classes.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.imbalance import RandomOverSampler
    >>> X, y = np.arange(10.0).reshape(-1, 1), np.array([0] * 8 + [1] * 2)
    >>> X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [8, 8]
    """

    _sampling_type = OVER
    _x_dtype = None  # repeated rows keep their type (int stays int)
    _parameter_constraints = {
        "sampling_strategy": _STRATEGY_CONSTRAINTS,
        "random_state": ["random_state"],
        "shrinkage": [Interval(Real, 0, None), dict, None],
    }
    _fitted_state = {"shrinkage_": optional([dict, None])}

    def __init__(self, *, sampling_strategy="auto", random_state=None, shrinkage=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.shrinkage = shrinkage

    def _resample(self, X, y):
        rng = check_random_state(self.random_state)
        shrinkage = self._shrinkage_per_class()
        added, noisy = [], []
        for label, n_new in self.sampling_strategy_.items():
            rows = np.flatnonzero(y == label)
            drawn = rows[rng.integers(0, rows.shape[0], size=n_new)]
            added.append(drawn)
            if shrinkage is not None and n_new:
                noisy.append(_smoothing_noise(X[rows], n_new, shrinkage[label], rng))
        self.sample_indices_ = np.concatenate([np.arange(y.shape[0]), *added]).astype(np.int64)
        self.shrinkage_ = shrinkage
        X_res, y_res = X[self.sample_indices_], y[self.sample_indices_]
        if shrinkage is not None:
            X_res = X_res.astype(X.dtype if X.dtype.kind == "f" else np.float64)
            if noisy:
                X_res[y.shape[0] :] += np.concatenate(noisy).astype(X_res.dtype)
        return X_res, y_res

    def _shrinkage_per_class(self):
        if self.shrinkage is None:
            return None
        targeted = [c for c, n in self.sampling_strategy_.items() if n > 0]
        if not isinstance(self.shrinkage, dict):
            return {c: float(self.shrinkage) for c in self.sampling_strategy_}
        missing = [c for c in targeted if not any(_same_class(k, c) for k in self.shrinkage)]
        unknown = [k for k in self.shrinkage if not any(_same_class(k, c) for c in self.sampling_strategy_)]
        if missing or unknown:
            raise ValueError(
                "RandomOverSampler: a shrinkage dict must give a value for exactly the "
                f"over-sampled classes {list(self.sampling_strategy_)}; missing {missing}, "
                f"not over-sampled {unknown}."
            )
        result = {}
        for c in self.sampling_strategy_:
            value = next((v for k, v in self.shrinkage.items() if _same_class(k, c)), 0.0)
            if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
                raise ValueError(f"RandomOverSampler: shrinkage[{c!r}] must be a number >= 0; got {value!r}.")
            result[c] = float(value)
        return result


def _smoothing_noise(X_class, n_new, shrinkage, rng):
    n, d = X_class.shape
    # Silverman's normal-reference bandwidth for a d-dimensional kernel
    # density estimate, scaled per feature by the class's spread.
    bandwidth = (4.0 / ((d + 2) * n)) ** (1.0 / (d + 4))
    spread = X_class.astype(np.float64).std(axis=0, ddof=1) if n > 1 else np.zeros(d)
    return rng.standard_normal((n_new, d)) * (shrinkage * bandwidth * spread)


class RandomUnderSampler(_BaseSampler):
    """Under-sample classes by keeping a random subset of their rows.

    Kept rows stay in their original order. Resample the training split
    only, never the test split (see :class:`RandomOverSampler`).

    Parameters
    ----------
    sampling_strategy : str, float, dict or callable, default="auto"
        Which classes shrink, and to what size:

        - ``"auto"`` / ``"not minority"``: every class but the minority,
          down to the minority's size; ``"majority"``: the largest class
          only; ``"not majority"``: every class but the largest; ``"all"``:
          every class;
        - float in (0, 1], two classes only: the wanted ratio
          minority / majority after resampling;
        - dict ``{class: n_samples}``: rows to keep of each listed class (at
          most its current size);
        - callable ``f(y) -> dict``: as a dict.
    random_state : None, int, numpy Generator or RandomState, default=None
        Seed of the draws.
    replacement : bool, default=False
        Draw the kept rows with replacement (a row may appear twice).

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of rows kept}`` for the under-sampled classes,
        sorted by class; other classes keep all their rows.
    sample_indices_ : ndarray of shape (n_samples_new,), int64
        Input row of each output row.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.imbalance import RandomUnderSampler
    >>> X, y = np.arange(10.0).reshape(-1, 1), np.array([0] * 8 + [1] * 2)
    >>> X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [2, 2]
    """

    _sampling_type = UNDER
    _x_dtype = None
    _parameter_constraints = {
        "sampling_strategy": _STRATEGY_CONSTRAINTS,
        "random_state": ["random_state"],
        "replacement": ["boolean"],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, replacement=False):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.replacement = replacement

    def _resample(self, X, y):
        rng = check_random_state(self.random_state)
        kept = []
        for label in self._class_counts_:
            rows = np.flatnonzero(y == label)
            if label in self.sampling_strategy_:
                n_keep = self.sampling_strategy_[label]
                rows = rng.choice(rows, size=n_keep, replace=self.replacement)
            kept.append(rows)
        self.sample_indices_ = np.sort(np.concatenate(kept)).astype(np.int64)
        return X[self.sample_indices_], y[self.sample_indices_]
