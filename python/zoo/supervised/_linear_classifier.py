"""What the linear classifiers (LogisticRegression, SGDClassifier,
LinearSVC) share: scores X coef_^T + intercept_ and the class they point
to; for the log-loss models, the probabilities; the checked class targets."""

from __future__ import annotations

import numpy as np

from zoo._fitted_state import Array, Derived
from zoo._sparse import csr_times, is_sparse
from zoo._tags import get_tags
from zoo._threads import resolve_n_jobs
from zoo._validation import check_is_fitted, check_sample_weight, validate_data
from zoo.supervised._targets import ClassTargets


def _score_rows(n_classes):
    if n_classes < 2:
        raise ValueError(f"a classifier needs at least 2 classes; classes_ holds {n_classes}")
    return 1 if n_classes == 2 else n_classes


# Two classes are scored by one row of coefficients (for classes_[1]).
SCORE_ROWS = Derived("1 for two classes, else n_classes", _score_rows, "classes_")


def class_targets(estimator, X, y, sample_weight):
    """The classes, each sample's class index (int32) and its weight (X's
    float type) times its class's weight under ``estimator.class_weight``.

    Parameters
    ----------
    estimator : a classifier with `class_weight`, named in the errors.
    X : ndarray of shape (n_samples, n_features), validated.
    y : array-like of shape (n_samples,)
    sample_weight : array-like of shape (n_samples,) or None

    Returns
    -------
    classes : ndarray of shape (n_classes,)
    labels : ndarray of shape (n_samples,)
    weight : ndarray of shape (n_samples,)
    """
    name = type(estimator).__name__
    targets = ClassTargets.from_fit(y)
    if targets.multilabel:
        raise ValueError(f"{name} needs 1-D class labels y; got a 2-D indicator matrix")
    labels = targets.encode(y, dtype=np.int32)[:, 0]
    if labels.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {labels.shape[0]}")
    weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=estimator)
    weight = targets.fold_class_weight(weight, labels.reshape(-1, 1), estimator.class_weight)
    if not float(weight.sum(dtype=np.float64)) > 0:
        raise ValueError("the sample weights (times class_weight) sum to zero; nothing to fit")
    return targets.classes, labels, weight


class LinearClassifierMixin:
    """`decision_function` and `predict` from `coef_`, `intercept_` and
    `classes_`; a single row of coefficients scores `classes_[1]`."""

    _fitted_state = {
        "classes_": Array(("n_classes",), "biufUO"),
        "coef_": Array((SCORE_ROWS, "n_features_in_"), "f"),
        "intercept_": Array((SCORE_ROWS,), "f"),
    }

    def decision_function(self, X):
        """Scores X coef_^T + intercept_.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Sparse where the estimator's fit takes sparse X (its "sparse" tag).

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (positive means
        ``classes_[1]``), else (n_samples, n_classes); in the coefficients'
        float type.
        """
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=self.coef_.dtype, accept_sparse=get_tags(self)["sparse"])
        if is_sparse(X):
            products = csr_times(X, self.coef_.T, resolve_n_jobs(getattr(self, "n_jobs", None)))
            scores = products.astype(self.coef_.dtype, copy=False) + self.intercept_
        else:
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


class LogLossClassifierMixin(LinearClassifierMixin):
    """A linear classifier trained on the log-loss: its scores are
    log-odds (one row of coefficients) or softmax logits (one per class),
    so it also gives class probabilities."""

    def predict_proba(self, X):
        """Class probabilities (sigmoid for two classes, softmax otherwise).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X):
        """Logarithms of :meth:`predict_proba`, computed without overflow.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X).astype(np.float64)
        if scores.ndim == 1:
            scores = np.column_stack([np.zeros_like(scores), scores])
        top = scores.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore"):
            shifted = scores - top
            log_proba = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        # A score of +inf (a row of 1e308 meets a coefficient) is the limit
        # of the softmax: certainty, shared by the classes scoring +inf.
        certain = np.isposinf(top[:, 0])
        if certain.any():
            winners = np.isposinf(scores[certain])
            log_proba[certain] = np.where(winners, -np.log(winners.sum(axis=1, keepdims=True)), -np.inf)
        return log_proba
