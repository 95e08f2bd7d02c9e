"""The practitioner's workflow: zoo's metrics, preprocessing, resampling and
cross-validation against scikit-learn and imbalanced-learn.

Each case gives every library the same float64 arrays. Quality is computed
untimed from each library's result by the same code: the metric's value (it
must agree to rounding), the largest difference from a float64 NumPy
reference (the scaler), or the minority recall a logistic regression reaches
on a held-out split after resampling (SMOTE, whose synthetic points are
random, so the libraries' points differ).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.datasets import make_blobs, make_classification
from zoo.imbalance import SMOTE
from zoo.metrics import recall_score, roc_auc_score, silhouette_score
from zoo.model_selection import StratifiedKFold, cross_validate
from zoo.preprocessing import StandardScaler
from zoo.supervised.logistic import LogisticRegression

from .harness import Case, installed, optional_module

sklearn_metrics = optional_module("sklearn.metrics")
sklearn_preprocessing = optional_module("sklearn.preprocessing")
sklearn_linear = optional_module("sklearn.linear_model")
sklearn_model_selection = optional_module("sklearn.model_selection")
imblearn_over = optional_module("imblearn.over_sampling")

DATA_SEED = 0


# ------------------------------------------------------------- silhouette


@dataclass(frozen=True)
class Clustered:
    X: np.ndarray
    labels: np.ndarray


@lru_cache(maxsize=2)
def clustered(quick: bool) -> Clustered:
    X, labels = make_blobs(2_000 if quick else 20_000, 16, centers=10, random_state=DATA_SEED)
    return Clustered(np.ascontiguousarray(X, dtype=np.float64), labels)


def value_quality(data, value) -> dict:
    return {"value": float(value)}


# ---------------------------------------------------------------- ROC AUC


@dataclass(frozen=True)
class Scored:
    y: np.ndarray
    scores: np.ndarray


@lru_cache(maxsize=2)
def scored(quick: bool) -> Scored:
    # Scores rounded to 3 decimals: many ties, as real classifiers' outputs have.
    rng = np.random.default_rng(DATA_SEED)
    n = 10_000 if quick else 2_000_000
    y = rng.integers(0, 2, size=n)
    scores = np.round(rng.normal(size=n) + 0.8 * y, 3)
    return Scored(y, scores)


# --------------------------------------------------------- StandardScaler


@dataclass(frozen=True)
class Wide:
    X: np.ndarray
    reference: np.ndarray  # the standardised X in float64, by NumPy


# Every 1000th row of the output is kept for scoring. Keeping whole 400 MB
# outputs alive across runs would make each run write to memory the system
# has not touched recently, whose page faults then dominate both libraries'
# times (a user's pipeline consumes and frees the output).
KEPT_ROWS = slice(None, None, 1000)


@lru_cache(maxsize=2)
def wide(quick: bool) -> Wide:
    rng = np.random.default_rng(DATA_SEED)
    n = 10_000 if quick else 1_000_000
    X = rng.normal(loc=rng.uniform(-100, 100, size=50), scale=rng.uniform(0.1, 10, size=50), size=(n, 50))
    return Wide(X, ((X - X.mean(axis=0)) / X.std(axis=0))[KEPT_ROWS])


def scaled_quality(data: Wide, result) -> dict:
    return {"max_error": float(np.abs(result - data.reference).max())}


# ------------------------------------------------------------------ SMOTE


@dataclass(frozen=True)
class Imbalanced:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@lru_cache(maxsize=2)
def imbalanced(quick: bool) -> Imbalanced:
    """Two overlapping Gaussians in 20-D, 5% minority; a stratified quarter for testing."""
    rng = np.random.default_rng(DATA_SEED)
    n_major, n_minor = (1_900, 100) if quick else (95_000, 5_000)
    X = np.vstack([rng.normal(0.0, 1.0, size=(n_major, 20)), rng.normal(0.4, 1.0, size=(n_minor, 20))])
    y = np.repeat([0, 1], [n_major, n_minor])
    test = np.concatenate([rng.permutation(n_major)[: n_major // 4], n_major + rng.permutation(n_minor)[: n_minor // 4]])
    train = np.setdiff1d(np.arange(y.shape[0]), test)
    return Imbalanced(X[train], y[train], X[test], y[test])


def resampled_quality(data: Imbalanced, result) -> dict:
    X_res, y_res = result
    model = LogisticRegression().fit(X_res, y_res)
    return {"rows": int(len(y_res)), "minority_recall": float(recall_score(data.y_test, model.predict(data.X_test)))}


# -------------------------------------------------------- cross-validation


@dataclass(frozen=True)
class Labelled:
    X: np.ndarray
    y: np.ndarray


@lru_cache(maxsize=2)
def labelled(quick: bool) -> Labelled:
    X, y = make_classification(2_000 if quick else 50_000, 50, n_classes=5, random_state=DATA_SEED)
    return Labelled(np.ascontiguousarray(X, dtype=np.float64), y)


def mean_accuracy_quality(data, result) -> dict:
    return {"mean_accuracy": float(np.mean(result["test_score"]))}


# ------------------------------------------------------------- contenders


def zoo_silhouette(data: Clustered, threads: int, seed: int):
    return silhouette_score(data.X, data.labels)


def sklearn_silhouette(data: Clustered, threads: int, seed: int):
    return sklearn_metrics.silhouette_score(data.X, data.labels)


def zoo_roc_auc(data: Scored, threads: int, seed: int):
    return roc_auc_score(data.y, data.scores)


def sklearn_roc_auc(data: Scored, threads: int, seed: int):
    return sklearn_metrics.roc_auc_score(data.y, data.scores)


def zoo_scaler(data: Wide, threads: int, seed: int):
    return StandardScaler().fit_transform(data.X)[KEPT_ROWS].copy()


def sklearn_scaler(data: Wide, threads: int, seed: int):
    return sklearn_preprocessing.StandardScaler().fit_transform(data.X)[KEPT_ROWS].copy()


def zoo_smote(data: Imbalanced, threads: int, seed: int):
    return SMOTE(random_state=seed, n_jobs=threads).fit_resample(data.X_train, data.y_train)


def imblearn_smote(data: Imbalanced, threads: int, seed: int):
    return imblearn_over.SMOTE(random_state=seed).fit_resample(data.X_train, data.y_train)


def zoo_cross_validate(data: Labelled, threads: int, seed: int):
    folds = StratifiedKFold(5, shuffle=True, random_state=DATA_SEED)
    return cross_validate(LogisticRegression(n_jobs=1), data.X, data.y, cv=folds, n_jobs=threads)


def sklearn_cross_validate(data: Labelled, threads: int, seed: int):
    folds = sklearn_model_selection.StratifiedKFold(5, shuffle=True, random_state=DATA_SEED)
    return sklearn_model_selection.cross_validate(
        sklearn_linear.LogisticRegression(), data.X, data.y, cv=folds, n_jobs=threads
    )


CASES = [
    Case(
        name="silhouette-20k",
        description=(
            "silhouette_score: 20,000 × 16 float64 points, 10 blobs (make_blobs, seed 0), euclidean. "
            "Both libraries compute every pairwise distance, in blocks."
        ),
        setup=clustered,
        contenders=installed({"scikit-learn": sklearn_metrics},
                             {"zoo": zoo_silhouette, "scikit-learn": sklearn_silhouette}),
        quality=value_quality,
    ),
    Case(
        name="roc-auc-2m",
        description="roc_auc_score: 2,000,000 binary labels, scores rounded to 3 decimals (many ties).",
        setup=scored,
        contenders=installed({"scikit-learn": sklearn_metrics},
                             {"zoo": zoo_roc_auc, "scikit-learn": sklearn_roc_auc}),
        quality=value_quality,
    ),
    Case(
        name="standard-scaler-1m-50",
        description=("StandardScaler().fit_transform: 1,000,000 × 50 float64, offsets up to ±100; "
                     "max_error over every 1000th output row against NumPy's float64 answer."),
        setup=wide,
        contenders=installed({"scikit-learn": sklearn_preprocessing},
                             {"zoo": zoo_scaler, "scikit-learn": sklearn_scaler}),
        quality=scaled_quality,
    ),
    Case(
        name="smote-100k-20",
        description=(
            "SMOTE(k_neighbors=5).fit_resample: 75,000 × 20 float64 training rows, 5% minority, up to balance. "
            "Quality: rows out, and the minority recall of a LogisticRegression fitted on them (held-out quarter)."
        ),
        setup=imbalanced,
        contenders=installed({"imbalanced-learn": imblearn_over},
                             {"zoo": zoo_smote, "imbalanced-learn": imblearn_smote}),
        quality=resampled_quality,
    ),
    Case(
        name="cross-validate-logistic-50k",
        description=(
            "cross_validate, 5 stratified shuffled folds run 2 at a time (n_jobs=2), of each library's own "
            "LogisticRegression (L2, C=1, lbfgs) on 50,000 × 50, 5 classes (make_classification, seed 0)."
        ),
        setup=labelled,
        contenders=installed({"scikit-learn": sklearn_model_selection},
                             {"zoo": zoo_cross_validate, "scikit-learn": sklearn_cross_validate}),
        quality=mean_accuracy_quality,
    ),
]
