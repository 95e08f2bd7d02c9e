"""Clustering metrics: agreement between two labelings, and cluster quality from the data (silhouette)."""

from __future__ import annotations

import numpy as np

__all__ = ["adjusted_rand_score"]


def adjusted_rand_score(labels_true, labels_pred):
    """Rand index between two clusterings, adjusted for chance.

    Counts the pairs of points that both labelings put together or apart,
    then rescales so that a random labeling scores 0 in expectation and
    identical partitions score 1 (label names do not matter; negative
    values mean worse than chance). Hubert & Arabie, "Comparing
    partitions", Journal of Classification 2 (1985).

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Reference labels (any hashable values NumPy can sort).
    labels_pred : array-like of shape (n_samples,)
        Labels to evaluate.

    Returns
    -------
    float
        In [-0.5, 1.0].
    """
    labels_true = _labels(labels_true, "labels_true")
    labels_pred = _labels(labels_pred, "labels_pred")
    if labels_true.size != labels_pred.size:
        raise ValueError(
            f"labels_true and labels_pred must have the same length, "
            f"got {labels_true.size} and {labels_pred.size}"
        )

    true_codes = _codes(labels_true)
    pred_codes = _codes(labels_pred)
    # Counts per (true class, predicted cluster) cell, kept sparse because
    # with many small clusters the dense contingency table would not fit.
    n_pred = int(pred_codes.max(initial=-1)) + 1
    _, cell_counts = np.unique(true_codes * n_pred + pred_codes, return_counts=True)
    together_both = _pair_total(cell_counts)
    together_true = _pair_total(np.bincount(true_codes))
    together_pred = _pair_total(np.bincount(pred_codes))
    all_pairs = _pair_total(np.array([labels_true.size]))

    expected = together_true * together_pred / all_pairs if all_pairs else 0.0
    maximum = (together_true + together_pred) / 2
    if maximum == expected:
        # Only when both labelings are one cluster, or both all singletons
        # (or there are fewer than two points): the partitions are identical.
        return 1.0
    return float((together_both - expected) / (maximum - expected))


def _labels(labels, name):
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def _codes(labels):
    """Labels renamed to 0..n_distinct-1 as int64."""
    _, codes = np.unique(labels, return_inverse=True)
    return codes.ravel().astype(np.int64, copy=False)


def _pair_total(counts):
    """Number of unordered pairs inside groups of the given sizes."""
    counts = np.asarray(counts, dtype=np.int64)
    # A Python int: the product of two such totals overflows int64 from
    # about 55,000 points.
    return int((counts * (counts - 1) // 2).sum())
