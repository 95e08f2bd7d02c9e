"""StandardScaler and MinMaxScaler: statistics in float64, output in the
caller's float type."""

from __future__ import annotations

import numbers

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, Either
from zoo._sparse import csr_arrays, is_sparse
from zoo._threads import resolve_n_jobs
from zoo._validation import (
    _may_alias_input,
    check_is_fitted,
    check_sample_weight,
    is_dask_collection,
    validate_data,
)
from zoo.dask._scalers import lazy_copying_rows
from zoo.base import BaseEstimator, Interval, TransformerMixin
from zoo.preprocessing._common import OneToOneFeatureNamesMixin, _check_columns_of


# ------------------------------------------------------------- StandardScaler


class StandardScaler(OneToOneFeatureNamesMixin, TransformerMixin, BaseEstimator):
    """Standardize features: subtract the mean, divide by the standard deviation.

    ``transform`` computes ``(X - mean_) / scale_`` column by column. Means
    and variances are accumulated in float64 whatever the input type and
    combined across :meth:`partial_fit` batches with the pairwise update of
    Chan, Golub & LeVeque, which stays accurate when a batch's mean is far
    from the running one; ``fit`` on all rows and ``partial_fit`` over any
    split of them give the same statistics up to rounding. Statistics and
    transform run in the C++ core on ``n_jobs`` threads; the statistics do
    not depend on the thread count, bit for bit.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean. When False, ``mean_`` is still computed (when
        ``with_std`` is set) but not used. Must be False for SciPy sparse
        X, which is then scaled over its stored entries (zeros stay zeros,
        the result stays sparse) and never densified.
    with_std : bool, default=True
        Divide by the standard deviation (ddof=0).
    copy : bool, default=True
        When False, ``transform`` and ``inverse_transform`` write into a
        float input array instead of copying it (inputs of other types are
        converted, hence copied, anyway).
    n_jobs : int, default=None
        Threads for the statistics and the transform. None: the process
        default (:func:`zoo.set_num_threads`, all cores unless changed);
        -1: all cores; -k: all but k - 1.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,), float64, or None
        Per-feature mean; None when both ``with_mean`` and ``with_std`` are
        False.
    var_ : ndarray of shape (n_features,), float64, or None
        Per-feature variance; None when ``with_std`` is False.
    scale_ : ndarray of shape (n_features,), float64, or None
        ``sqrt(var_)``, with 1.0 for features whose variance is zero (or
        indistinguishable from rounding error), so that constant features
        are centred but not blown up. None when ``with_std`` is False.
    n_samples_seen_ : int or float
        Number of samples seen; the sum of their weights when
        ``sample_weight`` was given.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, shape (n_features_in_,)
        Only when fitted on a DataFrame with string column names.

    References
    ----------
    Chan, T. F., Golub, G. H. & LeVeque, R. J. (1982). Updating formulae and a
    pairwise algorithm for computing sample variances.

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.preprocessing import StandardScaler
    >>> StandardScaler().fit_transform(np.array([[0.0], [2.0]])).ravel().tolist()
    [-1.0, 1.0]
    """

    # No "sparse" tag: the tag describes the default instance, which centres
    # and so refuses sparse X (saying so); with_mean=False takes it.
    _parameter_constraints = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "copy": ["boolean"],
        "n_jobs": [None, numbers.Integral],
    }
    # None where with_mean and with_std leave a statistic uncomputed.
    _fitted_state = {
        "mean_": Either(Array(("n_features_in_",), "f"), [None]),
        "var_": Either(Array(("n_features_in_",), "f"), [None]),
        "scale_": Either(Array(("n_features_in_",), "f"), [None]),
        "n_samples_seen_": [Interval(numbers.Real, 0, None)],
    }

    def __init__(self, *, with_mean=True, with_std=True, copy=True, n_jobs=None):
        self.with_mean = with_mean
        self.with_std = with_std
        self.copy = copy
        self.n_jobs = n_jobs

    def fit(self, X, y=None, sample_weight=None):
        """Compute the mean and standard deviation of every feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; weighted statistics equal
            those of the data with each row repeated ``weight`` times.

        Returns
        -------
        self : StandardScaler
        """
        self._forget_statistics()
        return self.partial_fit(X, y, sample_weight)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit to X, then standardize it, validating X only once.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Same as ``fit(X, sample_weight=sample_weight).transform(X)``.
        """
        self._forget_statistics()
        if is_dask_collection(X):
            return self.partial_fit(X, sample_weight=sample_weight).transform(X)
        checked = self._fold_batch(X, sample_weight)
        return self._standardize(X, checked, self.copy)

    def _forget_statistics(self):
        for name in ("mean_", "var_", "scale_", "n_samples_seen_"):
            self.__dict__.pop(name, None)

    def partial_fit(self, X, y=None, sample_weight=None):
        """Fold one batch of samples into the running mean and variance.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : StandardScaler
        """
        if is_dask_collection(X):
            from zoo.dask._scalers import fold_standard

            return fold_standard(self, X, sample_weight)
        self._fold_batch(X, sample_weight)
        return self

    def _fold_batch(self, X, sample_weight):
        """partial_fit's work; returns the validated X."""
        first = self._start_batch()
        X = validate_data(self, X, reset=first, accept_sparse=True)
        sparse = is_sparse(X)
        if sparse and self.with_mean:
            raise ValueError(
                "StandardScaler: cannot center sparse data (every stored zero would become a value); pass "
                "with_mean=False to scale it, or X.toarray() if it fits in memory dense."
            )
        n_threads = resolve_n_jobs(self.n_jobs)
        weights = None
        if sample_weight is not None:
            weights = check_sample_weight(sample_weight, X.shape[0], np.float64, estimator=self)
        batch_weight = float(weights.sum()) if weights is not None else X.shape[0]
        moments = None
        if sparse and self.with_std:
            # Two passes over the stored entries in C++; the zeros are counted, never stored.
            moments = _core.csr_column_moments(*csr_arrays(X), weights, n_threads)
        elif self.with_mean or self.with_std:
            # One parallel pass in C++: weight, mean and M2 per column.
            moments = _core.column_moments(X, weights, n_threads)
        self._fold_statistics(first, batch_weight, moments)
        return X

    def _start_batch(self):
        """Whether this batch is the first; checks the settings."""
        first = not hasattr(self, "n_samples_seen_")
        if first:
            self._validate_params()
        elif (self.with_std and self.var_ is None) or (self.with_mean and self.mean_ is None):
            # The running statistics were not kept under the first settings.
            raise ValueError(
                "StandardScaler: with_mean/with_std were turned on after the first "
                "partial_fit, so the statistics they need were not accumulated; call fit "
                "to start over."
            )
        return first

    def _fold_statistics(self, first, batch_weight, moments):
        """Fold a batch's weight and (weight, mean, M2) per column (None
        when neither statistic is kept) into the running ones."""
        seen = 0 if first else self.n_samples_seen_
        total = seen + batch_weight
        if moments is not None:
            moment_weight, batch_mean, batch_m2 = moments
            batch_var = batch_m2 / moment_weight
            if first:
                mean, var = batch_mean, batch_var
            else:
                # Chan et al.: combine (weight, mean, sum of squared deviations)
                # of the two parts; the delta**2 term accounts for the distance
                # between their means.
                delta = batch_mean - self.mean_
                mean = self.mean_ + delta * (batch_weight / total)
                var = None
                if self.with_std:
                    m2 = self.var_ * seen + batch_var * batch_weight + delta**2 * (seen * batch_weight / total)
                    var = m2 / total
            self.mean_ = mean
            self.var_ = var if self.with_std else None
        else:
            self.mean_ = None
            self.var_ = None
        self.scale_ = _safe_scale(self.var_, self.mean_, total) if self.with_std else None
        self.n_samples_seen_ = total

    @lazy_copying_rows
    def transform(self, X, copy=None):
        """Standardize X with the fitted statistics.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32; other numeric types become float64.
        copy : bool, default=None
            Overrides ``self.copy`` when given.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        # No copy here: the kernel reads X and writes the result in one pass.
        checked = validate_data(self, X, reset=False, accept_sparse=True)
        return self._standardize(X, checked, copy)

    def _standardize(self, X, checked, copy):
        """(checked - mean_) / scale_, into ``checked`` itself when allowed."""
        if is_sparse(checked):
            if self.with_mean:
                raise ValueError("StandardScaler: cannot center sparse data; it was fitted with with_mean=True.")
            return _scaled_entries(checked, self.scale_ if self.with_std else None, copy, divide=True)
        out = _kernel_output(X, checked, copy)
        if out is checked and not (self.with_mean or self.with_std):
            return checked
        return _core.standardize_columns(
            checked,
            self.mean_ if self.with_mean else None,
            self.scale_ if self.with_std else None,
            out,
            resolve_n_jobs(self.n_jobs),
        )

    @lazy_copying_rows
    def inverse_transform(self, X, copy=None):
        """Undo :meth:`transform`: ``X * scale_ + mean_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        copy : bool, default=None
            Overrides ``self.copy`` when given.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        out = _check_columns_of(self, X, self.n_features_in_, "inverse_transform", accept_sparse=True)
        if is_sparse(out):
            return _scaled_entries(out, self.scale_ if self.with_std else None, copy, divide=False)
        if (copy and np.may_share_memory(out, np.asarray(X))) or not out.flags.writeable:
            out = out.copy()
        if self.with_std:
            out *= self.scale_.astype(out.dtype)
        if self.with_mean:
            out += self.mean_.astype(out.dtype)
        return out



def _scaled_entries(X, scale, copy, divide):
    """A CSR X with each stored value divided (or multiplied) by its
    column's scale (None: unchanged), into X's own values unless ``copy``;
    zeros stay zeros, so X stays sparse."""
    out = X.copy() if copy else X
    if scale is not None:
        per_entry = scale[out.indices].astype(out.dtype, copy=False)
        if divide:
            out.data /= per_entry
        else:
            out.data *= per_entry
    return out


def _kernel_output(X, checked, copy):
    """Where a transform kernel writes: ``checked`` (the validated X) itself
    with ``copy`` False, or when validation already made a private copy;
    otherwise a new array. np.empty leaves its pages untouched, so the
    kernel's threads take the first-touch page faults in parallel."""
    if checked.flags.writeable and (not copy or not _may_alias_input(X, checked)):
        return checked
    return np.empty(checked.shape, dtype=checked.dtype)


def _safe_scale(var, mean, n_samples):
    """sqrt(var), with 1.0 where the variance is zero or only rounding error.

    The mean of n equal values c carries an error up to about n·eps·|c|, so
    their computed variance can be as large as (n·eps·c)²; such a feature is
    constant and must not be divided by a tiny noise-made scale.
    """
    scale = np.sqrt(var)
    noise_floor = (max(float(n_samples), 1.0) * np.finfo(np.float64).eps) * np.abs(mean)
    constant = (var == 0) | (scale <= noise_floor)
    scale[constant] = 1.0
    return scale


# --------------------------------------------------------------- MinMaxScaler


class MinMaxScaler(OneToOneFeatureNamesMixin, TransformerMixin, BaseEstimator):
    """Scale each feature linearly to ``feature_range``.

    ``transform`` computes ``X * scale_ + min_``, which maps each feature's
    training minimum to ``feature_range[0]`` and its maximum to
    ``feature_range[1]``. A constant feature maps to ``feature_range[0]``.

    Parameters
    ----------
    feature_range : tuple (min, max), default=(0, 1)
        Target range; ``min`` must be smaller than ``max``.
    copy : bool, default=True
        When False, ``transform`` writes into a float input array.
    clip : bool, default=False
        Clip transformed values of unseen data to ``feature_range``.
    n_jobs : int, default=None
        Threads for the minima, maxima and the transform. None: the process
        default (:func:`zoo.set_num_threads`, all cores unless changed);
        -1: all cores; -k: all but k - 1. Results do not depend on it.

    Attributes
    ----------
    data_min_, data_max_ : ndarray of shape (n_features,), float64
        Per-feature minimum and maximum over all the data seen.
    data_range_ : ndarray of shape (n_features,), float64
        ``data_max_ - data_min_``.
    scale_ : ndarray of shape (n_features,), float64
        ``(max - min) / data_range_`` (a zero range counts as 1).
    min_ : ndarray of shape (n_features,), float64
        ``feature_range[0] - data_min_ * scale_``.
    n_samples_seen_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str, shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.preprocessing import MinMaxScaler
    >>> MinMaxScaler().fit_transform(np.array([[1.0], [3.0], [5.0]])).ravel().tolist()
    [0.0, 0.5, 1.0]
    """

    _parameter_constraints = {
        "feature_range": [tuple],
        "copy": ["boolean"],
        "clip": ["boolean"],
        "n_jobs": [None, numbers.Integral],
    }
    _fitted_state = {
        "n_samples_seen_": [Interval(numbers.Integral, 0, None)],
        "data_min_": Array(("n_features_in_",), "f"),
        "data_max_": Array(("n_features_in_",), "data_min_"),
        "data_range_": Array(("n_features_in_",), "data_min_"),
        "scale_": Array(("n_features_in_",), "f"),
        "min_": Array(("n_features_in_",), "f"),
    }

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False, n_jobs=None):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Compute each feature's minimum and maximum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : MinMaxScaler
        """
        self.__dict__.pop("n_samples_seen_", None)
        return self.partial_fit(X, y)

    def fit_transform(self, X, y=None):
        """Fit to X, then scale it, validating X only once.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Same as ``fit(X).transform(X)``.
        """
        self.__dict__.pop("n_samples_seen_", None)
        if is_dask_collection(X):
            return self.partial_fit(X).transform(X)
        checked = self._fold_batch(X)
        return self._scale(X, checked, self.copy)

    def partial_fit(self, X, y=None):
        """Fold one batch into the running minimum and maximum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : MinMaxScaler
        """
        if is_dask_collection(X):
            from zoo.dask._scalers import fold_min_max

            return fold_min_max(self, X)
        self._fold_batch(X)
        return self

    def _fold_batch(self, X):
        """partial_fit's work; returns the validated X."""
        first = self._start_batch()
        X = validate_data(self, X, reset=first)
        batch_min, batch_max = _core.column_range(X, resolve_n_jobs(self.n_jobs))
        self._fold_range(first, batch_min, batch_max, X.shape[0])
        return X

    def _start_batch(self):
        """Whether this batch is the first; checks the settings."""
        first = not hasattr(self, "n_samples_seen_")
        if first:
            self._validate_params()
            self._range()
        return first

    def _fold_range(self, first, batch_min, batch_max, n_rows):
        """Fold a batch's column minima and maxima into the running ones."""
        low, high = self._range()
        if not first:
            batch_min = np.minimum(self.data_min_, batch_min)
            batch_max = np.maximum(self.data_max_, batch_max)
            self.n_samples_seen_ += n_rows
        else:
            self.n_samples_seen_ = n_rows
        self.data_min_ = batch_min
        self.data_max_ = batch_max
        self.data_range_ = batch_max - batch_min
        range_ = np.where(self.data_range_ == 0, 1.0, self.data_range_)
        self.scale_ = (high - low) / range_
        self.min_ = low - batch_min * self.scale_

    def _range(self):
        rng = self.feature_range
        if len(rng) != 2 or not all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v) for v in rng
        ):
            raise ValueError(
                f"MinMaxScaler: feature_range must be a tuple of two finite numbers (min, max); "
                f"got {rng!r}."
            )
        if not rng[0] < rng[1]:
            raise ValueError(
                "MinMaxScaler: minimum of desired feature range must be smaller than maximum; "
                f"got feature_range={rng!r}."
            )
        return float(rng[0]), float(rng[1])

    @lazy_copying_rows
    def transform(self, X, copy=None):
        """Scale X to ``feature_range`` with the fitted minimum and maximum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32; other numeric types become float64.
        copy : bool, default=None
            Overrides ``self.copy`` when given.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        return self._scale(X, validate_data(self, X, reset=False), copy)

    def _scale(self, X, checked, copy):
        # One pass in C++: X * scale_ + min_ (rounded after each step, as
        # NumPy would), clipped in the same pass.
        clip = (float(self.feature_range[0]), float(self.feature_range[1])) if self.clip else None
        return _core.scale_shift_columns(
            checked, self.scale_, self.min_, clip, _kernel_output(X, checked, copy), resolve_n_jobs(self.n_jobs)
        )

    @lazy_copying_rows
    def inverse_transform(self, X, copy=None):
        """Undo :meth:`transform`: ``(X - min_) / scale_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        copy : bool, default=None

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        out = _check_columns_of(self, X, self.n_features_in_, "inverse_transform")
        if (copy and np.may_share_memory(out, np.asarray(X))) or not out.flags.writeable:
            out = out.copy()
        out -= self.min_.astype(out.dtype)
        out /= self.scale_.astype(out.dtype)
        return out



