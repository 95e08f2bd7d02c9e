"""What every linear classifier (LogisticRegression, LinearSVC) shares:
scores X coef_^T + intercept_ and the class they point to."""

from __future__ import annotations

import numpy as np

from zoo._validation import check_is_fitted, validate_data


class LinearClassifierMixin:
    """`decision_function` and `predict` from `coef_`, `intercept_` and
    `classes_`; a single row of coefficients scores `classes_[1]`."""

    def decision_function(self, X):
        """Scores X coef_^T + intercept_.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (positive means
        ``classes_[1]``), else (n_samples, n_classes); in the coefficients'
        float type.
        """
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=self.coef_.dtype)
        scores = X @ self.coef_.T + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """Class labels: the best-scoring class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.intp)]
        return self.classes_[np.argmax(scores, axis=1)]
