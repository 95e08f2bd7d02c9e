"""Quality metrics with scikit-learn's names, signatures and results.

Classification, from predicted labels: :func:`accuracy_score`,
:func:`balanced_accuracy_score`, :func:`precision_score`,
:func:`recall_score`, :func:`f1_score`, :func:`fbeta_score`,
:func:`precision_recall_fscore_support`, :func:`confusion_matrix`,
:func:`classification_report`. From probabilities or scores:
:func:`log_loss`, :func:`roc_auc_score`, :func:`roc_curve`, :func:`auc`.

Regression: :func:`mean_squared_error`, :func:`root_mean_squared_error`,
:func:`mean_absolute_error`, :func:`r2_score`.

Clustering, against reference labels: :func:`adjusted_rand_score`,
:func:`adjusted_mutual_info_score`, :func:`normalized_mutual_info_score`,
:func:`mutual_info_score`. From the data alone: :func:`silhouette_score`,
:func:`silhouette_samples`.

Generative models, against a known mixture (zoo's own, not scikit-learn's):
:func:`mode_coverage`, the modes a generator covers and the share of its
samples that land on one.

Undefined scores (e.g. the precision of a label never predicted) warn with
:class:`UndefinedMetricWarning` unless ``zero_division`` says what to return.
"""

from ._classification import accuracy_score, balanced_accuracy_score, confusion_matrix, log_loss
from ._clustering import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    mutual_info_score,
    normalized_mutual_info_score,
)
from ._precision_recall import (
    f1_score,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from ._ranking import auc, roc_auc_score, roc_curve
from ._report import classification_report
from ._mode_coverage import ModeCoverage, mode_coverage
from ._regression import mean_absolute_error, mean_squared_error, r2_score, root_mean_squared_error
from ._silhouette import silhouette_samples, silhouette_score
from ._warnings import UndefinedMetricWarning

# mode_coverage and ModeCoverage are public but not listed here: __all__
# holds scikit-learn's names, whose signatures tests/metrics/test_metrics_api.py
# checks against scikit-learn's.
__all__ = [
    "UndefinedMetricWarning",
    "accuracy_score",
    "adjusted_mutual_info_score",
    "adjusted_rand_score",
    "auc",
    "balanced_accuracy_score",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "log_loss",
    "mean_absolute_error",
    "mean_squared_error",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "precision_recall_fscore_support",
    "precision_score",
    "r2_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
    "root_mean_squared_error",
    "silhouette_samples",
    "silhouette_score",
]
