"""MaxAbsScaler: each feature divided by its largest magnitude, dense or
sparse X (zeros stay zeros, so sparse data stay sparse)."""

from __future__ import annotations

import numbers

import numpy as np

from zoo import _core
from zoo._fitted_state import Array
from zoo._sparse import csr_arrays, is_sparse
from zoo._threads import resolve_n_jobs
from zoo._validation import check_is_fitted, validate_data
from zoo.base import BaseEstimator, Interval, TransformerMixin
from zoo.preprocessing._common import OneToOneFeatureNamesMixin, _check_columns_of
from zoo.preprocessing._scalers import _kernel_output, _scaled_entries

__all__ = ["MaxAbsScaler"]


class MaxAbsScaler(OneToOneFeatureNamesMixin, TransformerMixin, BaseEstimator):
    """Scale each feature by its largest absolute value, into [-1, 1].

    ``transform`` computes ``X / scale_``. Nothing is shifted, so zeros stay
    zeros and SciPy sparse X is scaled over its stored values only and
    stays sparse (never densified): the scaler for text counts and one-hot
    data. A feature that is all zeros keeps a scale of 1.

    Parameters
    ----------
    copy : bool, default=True
        When False, ``transform`` and ``inverse_transform`` write into a
        float input (the values of a sparse one).
    n_jobs : int, default=None
        Threads for the maxima and the transform. None: the process default
        (:func:`zoo.set_num_threads`); -1: all cores. Results do not depend on it.

    Attributes
    ----------
    max_abs_ : ndarray of shape (n_features,), float64
        Largest absolute value of each feature over all the data seen.
    scale_ : ndarray of shape (n_features,), float64
        ``max_abs_``, with 1.0 for features that were all zeros.
    n_samples_seen_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str, shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.preprocessing import MaxAbsScaler
    >>> MaxAbsScaler().fit_transform(np.array([[-4.0], [2.0]])).ravel().tolist()
    [-1.0, 0.5]
    """

    _zoo_tags = {"sparse": True}
    _parameter_constraints = {"copy": ["boolean"], "n_jobs": [None, numbers.Integral]}
    _fitted_state = {
        "n_samples_seen_": [Interval(numbers.Integral, 0, None)],
        "max_abs_": Array(("n_features_in_",), "f"),
        "scale_": Array(("n_features_in_",), "f"),
    }

    def __init__(self, *, copy=True, n_jobs=None):
        self.copy = copy
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Find each feature's largest magnitude.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : MaxAbsScaler
        """
        for name in ("max_abs_", "scale_", "n_samples_seen_"):
            self.__dict__.pop(name, None)
        return self.partial_fit(X)

    def partial_fit(self, X, y=None):
        """Fold one batch into the running maxima.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : MaxAbsScaler
        """
        first = not hasattr(self, "n_samples_seen_")
        if first:
            self._validate_params()
        X = validate_data(self, X, reset=first, accept_sparse=True)
        n_threads = resolve_n_jobs(self.n_jobs)
        if is_sparse(X):
            batch = _core.csr_column_max_abs(*csr_arrays(X), n_threads)
        else:
            low, high = _core.column_range(X, n_threads)
            batch = np.maximum(np.abs(low), np.abs(high))
        self.max_abs_ = batch if first else np.maximum(self.max_abs_, batch)
        self.scale_ = np.where(self.max_abs_ == 0, 1.0, self.max_abs_)
        self.n_samples_seen_ = (0 if first else self.n_samples_seen_) + X.shape[0]
        return self

    def transform(self, X):
        """X divided by ``scale_``, column by column.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            float32 stays float32; a sparse X comes back as a CSR matrix.

        Returns
        -------
        ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        checked = validate_data(self, X, reset=False, accept_sparse=True)
        if is_sparse(checked):
            return _scaled_entries(checked, self.scale_, self.copy, divide=True)
        out = _kernel_output(X, checked, self.copy)
        return _core.standardize_columns(checked, None, self.scale_, out, resolve_n_jobs(self.n_jobs))

    def inverse_transform(self, X):
        """Undo :meth:`transform`: ``X * scale_``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        out = _check_columns_of(self, X, self.n_features_in_, "inverse_transform", accept_sparse=True)
        if is_sparse(out):
            return _scaled_entries(out, self.scale_, self.copy, divide=False)
        if (self.copy and np.may_share_memory(out, np.asarray(X))) or not out.flags.writeable:
            out = out.copy()
        out *= self.scale_.astype(out.dtype)
        return out

