"""What every resampler shares: input checks, class counts, the strategy,
and handing pandas inputs back as pandas."""

from __future__ import annotations

import sys
import warnings
from numbers import Real

import numpy as np

from zoo._fitted_state import Array, optional
from zoo._param_validation import Interval, Options
from zoo._validation import check_class_labels, check_consistent_length, validate_data
from zoo.base import BaseEstimator
from zoo.exceptions import data_conversion_warning

from ._strategy import STRATEGY_NAMES, resolve_sampling_strategy

_STRATEGY_CONSTRAINTS = [
    Options(STRATEGY_NAMES),
    Interval(Real, 0, 1, closed="right"),
    dict,
    callable,
]


class _BaseSampler(BaseEstimator):
    """A resampler: ``fit_resample(X, y)`` returns a new ``(X, y)``.

    Subclasses set ``_sampling_type`` and implement ``_resample(X, y)``,
    which reads ``self.sampling_strategy_``.
    """

    _estimator_type = "sampler"
    _sampling_type = None
    _zoo_tags = {"requires_y": True}
    _x_dtype = "numeric-float"  # what validate_data converts X to
    # {class label: count}; sample_indices_ is set by fit_resample, of the
    # samplers that draw rows of X.
    _fitted_state = {
        "_class_counts_": [dict],
        "sampling_strategy_": [dict],
        "sample_indices_": optional(Array(("n_resampled",), "i")),
    }

    def fit(self, X, y):
        """Check the data and compute ``sampling_strategy_`` (no resampling).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self
        """
        self._prepare(X, y)
        return self

    def fit_resample(self, X, y):
        """Resample the data set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A DataFrame comes back as a DataFrame with the same columns.
        y : array-like of shape (n_samples,)
            Class labels; a Series comes back as a Series.

        Returns
        -------
        X_resampled : ndarray of shape (n_samples_new, n_features)
        y_resampled : ndarray of shape (n_samples_new,)
        """
        X_array, y_array = self._prepare(X, y)
        X_res, y_res = self._resample(X_array, y_array)
        return _like_input(X, X_res, y, y_res)

    def _prepare(self, X, y):
        self._validate_params()
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y (the class labels); got None.")
        check_consistent_length(X=X, y=y)
        X_array = validate_data(self, X, reset=True, dtype=self._x_dtype)
        y_array = _check_labels(y, type(self).__name__)
        classes, counts = np.unique(y_array, return_counts=True)
        if classes.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__}: y must hold at least 2 classes to rebalance; got "
                f"{classes.tolist()}."
            )
        self._class_counts_ = {c: int(n) for c, n in zip(classes.tolist(), counts)}
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y_array, self._class_counts_, self._sampling_type, type(self).__name__
        )
        return X_array, y_array


def _check_labels(y, owner):
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    array = np.asarray(y)
    if array.ndim == 2 and array.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected; it is flattened.",
            data_conversion_warning(),
            stacklevel=4,
        )
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"{owner}: y must be 1-D class labels; got shape {array.shape}.")
    if array.dtype.kind == "f":
        if not np.isfinite(array).all():
            raise ValueError(f"{owner}: Input y contains NaN or infinity.")
        if not np.all(array == np.round(array)):
            raise ValueError(
                f"{owner}: Unknown label type: y holds continuous values; resamplers need "
                "class labels."
            )
    elif array.dtype.kind == "O":
        if any(v is None or (isinstance(v, float) and not np.isfinite(v)) for v in array.tolist()):
            raise ValueError(f"{owner}: Input y contains NaN or None.")
        check_class_labels(array, estimator=owner)
    elif array.dtype.kind not in "biuUS":
        raise ValueError(f"{owner}: y must hold class labels; got dtype {array.dtype}.")
    return array


def _like_input(X, X_res, y, y_res):
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(X, pandas.DataFrame):
        X_res = pandas.DataFrame(X_res, columns=X.columns)
    if pandas is not None and isinstance(y, pandas.Series):
        y_res = pandas.Series(y_res, name=y.name)
    return X_res, y_res
