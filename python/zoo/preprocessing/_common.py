"""What the preprocessing transformers share: output feature names and
column checks."""

from __future__ import annotations

import numpy as np

from zoo._validation import check_array, check_is_fitted



def _one_to_one_names(estimator, input_features):
    """Output names of a transformer that keeps its columns: the input names."""
    check_is_fitted(estimator)
    return _input_feature_names(estimator, input_features)


class OneToOneFeatureNamesMixin:
    """``get_feature_names_out`` of a transformer whose output columns are its
    input columns (the scalers)."""

    def get_feature_names_out(self, input_features=None):
        """The input feature names, unchanged.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Defaults to ``feature_names_in_``, else ``x0, x1, ...``.

        Returns
        -------
        ndarray of str objects, shape (n_features_in_,)
        """
        return _one_to_one_names(self, input_features)


def _input_feature_names(estimator, input_features):
    n_features = estimator.n_features_in_
    fitted = getattr(estimator, "feature_names_in_", None)
    if input_features is None:
        if fitted is not None:
            return np.asarray(fitted, dtype=object)
        return np.asarray([f"x{i}" for i in range(n_features)], dtype=object)
    names = np.asarray(input_features, dtype=object)
    if names.ndim != 1 or names.shape[0] != n_features:
        raise ValueError(
            f"input_features should have length equal to number of features "
            f"({n_features}), got {names.shape[0] if names.ndim else 'a scalar'}."
        )
    if fitted is not None and not np.array_equal(names, fitted):
        raise ValueError("input_features is not equal to feature_names_in_.")
    return names


def _check_columns_of(estimator, X, n_expected, method, accept_sparse=False):
    """A numeric 2-D array (or, with ``accept_sparse``, the kernels' CSR
    matrix) whose width is ``n_expected`` (for inverse_transform)."""
    array = check_array(X, name="X", estimator=estimator, accept_sparse=accept_sparse)
    if array.shape[1] != n_expected:
        raise ValueError(
            f"X has {array.shape[1]} features, but {type(estimator).__name__}.{method} "
            f"is expecting {n_expected} features as input."
        )
    return array
