"""Agreement between two labelings of the same points: the adjusted Rand
index and the (normalized, adjusted) mutual information. Label names do not
matter, only which points share a label. The silhouette, which judges a
clustering from the data instead, lives in :mod:`._silhouette`.
"""

from __future__ import annotations

import math

import numpy as np

from ._targets import label_array

__all__ = [
    "adjusted_rand_score",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "adjusted_mutual_info_score",
]

_AVERAGE_METHODS = ("min", "geometric", "arithmetic", "max")


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
    # Only the non-empty cells: with many small clusters the dense
    # contingency table would not fit.
    cell_counts, _, _, true_sizes, pred_sizes = _contingency(labels_true, labels_pred)
    together_both = _pair_total(cell_counts)
    together_true = _pair_total(true_sizes)
    together_pred = _pair_total(pred_sizes)
    all_pairs = _pair_total(np.array([true_sizes.sum()]))

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
    if array.size == 0:
        return array  # two empty labelings agree: scikit-learn scores them 1
    # NaN, None, or strings mixed with numbers: a clear error, not a
    # comparison failure inside np.unique.
    return label_array(array, name, "clustering metric")


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


def _contingency(labels_true, labels_pred):
    """Non-empty cells of the contingency table with their row and column
    sums: (cell counts, cell rows, cell columns, row sums, column sums)."""
    labels_true = _labels(labels_true, "labels_true")
    labels_pred = _labels(labels_pred, "labels_pred")
    if labels_true.size != labels_pred.size:
        raise ValueError(
            f"labels_true and labels_pred must have the same length, "
            f"got {labels_true.size} and {labels_pred.size}"
        )
    true_codes = _codes(labels_true)
    pred_codes = _codes(labels_pred)
    n_pred = int(pred_codes.max(initial=-1)) + 1
    cells, counts = np.unique(true_codes * n_pred + pred_codes, return_counts=True)
    width = max(n_pred, 1)
    rows, columns = cells // width, cells % width
    return counts, rows, columns, np.bincount(true_codes), np.bincount(pred_codes)


def _mutual_information(counts, rows, columns, row_sums, column_sums):
    n = row_sums.sum()
    if row_sums.size <= 1 or column_sums.size <= 1:
        return 0.0  # one cluster (or none) tells nothing about the other labeling
    # sum over cells of p_ij log(p_ij / (p_i p_j)), with p = count / n.
    log_row = np.log(row_sums[rows].astype(np.float64))
    log_column = np.log(column_sums[columns].astype(np.float64))
    terms = counts / n * (np.log(counts) + math.log(n) - log_row - log_column)
    return max(float(terms.sum()), 0.0)


def _entropy(sizes):
    sizes = sizes[sizes > 0]
    if sizes.size <= 1:
        return 0.0
    n = sizes.sum()
    return float(-np.sum(sizes / n * (np.log(sizes) - math.log(n))))


def _expected_mutual_information(row_sums, column_sums):
    """Mean mutual information over all labelings with these cluster sizes
    (cells follow hypergeometric laws; Vinh, Epps & Bailey, "Information
    theoretic measures for clusterings comparison", JMLR 11, 2010)."""
    n = int(row_sums.sum())
    log_factorial = np.array([math.lgamma(k + 1) for k in range(n + 1)])
    # A pair of clusters contributes according to their sizes alone, so each
    # pair of distinct sizes is summed once, times how often it occurs.
    row_sizes, row_multiplicity = np.unique(row_sums, return_counts=True)
    column_sizes, column_multiplicity = np.unique(column_sums, return_counts=True)
    total = 0.0
    for a, a_times in zip(row_sizes.tolist(), row_multiplicity.tolist()):
        for b, b_times in zip(column_sizes.tolist(), column_multiplicity.tolist()):
            # Every count a cell of row size a and column size b can hold.
            nij = np.arange(max(1, a + b - n), min(a, b) + 1)
            if nij.size == 0:
                continue
            log_probability = (
                log_factorial[a] + log_factorial[b] + log_factorial[n - a] + log_factorial[n - b]
                - log_factorial[n] - log_factorial[nij] - log_factorial[a - nij]
                - log_factorial[b - nij] - log_factorial[n - a - b + nij]
            )
            information = np.log(n * nij / (a * b))
            total += a_times * b_times * float(np.sum(nij / n * information * np.exp(log_probability)))
    return total


def _generalized_average(first, second, method):
    if method == "min":
        return min(first, second)
    if method == "geometric":
        return math.sqrt(first * second)
    if method == "arithmetic":
        return (first + second) / 2
    return max(first, second)


def _check_average_method(method, caller):
    if method not in _AVERAGE_METHODS:
        raise ValueError(
            f"{caller}: average_method must be one of {list(_AVERAGE_METHODS)}; got {method!r}."
        )


def mutual_info_score(labels_true, labels_pred):
    """Mutual information between two labelings, in nats.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Reference labels.
    labels_pred : array-like of shape (n_samples,)
        Labels to evaluate.

    Returns
    -------
    float
        Non-negative; 0 when either labeling has a single cluster.

    Examples
    --------
    >>> round(mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0]), 6)  # log 2
    0.693147
    """
    return _mutual_information(*_contingency(labels_true, labels_pred))


def normalized_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic"):
    """Mutual information divided by an average of the two entropies.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Reference labels.
    labels_pred : array-like of shape (n_samples,)
        Labels to evaluate.
    average_method : {"min", "geometric", "arithmetic", "max"}, default="arithmetic"
        How the two entropies are averaged.

    Returns
    -------
    float
        In [0, 1]; 1 for identical partitions (two single clusters
        included), not adjusted for chance.

    Examples
    --------
    >>> round(normalized_mutual_info_score([0, 0, 1, 1], ["b", "b", "a", "a"]), 12)
    1.0
    """
    _check_average_method(average_method, "normalized_mutual_info_score")
    counts, rows, columns, row_sums, column_sums = _contingency(labels_true, labels_pred)
    if row_sums.size == column_sums.size and row_sums.size <= 1:
        return 1.0  # both labelings are one cluster (or empty): identical
    information = _mutual_information(counts, rows, columns, row_sums, column_sums)
    if information == 0:
        return 0.0
    normalizer = _generalized_average(_entropy(row_sums), _entropy(column_sums), average_method)
    return float(information / normalizer)


def adjusted_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic"):
    """Mutual information adjusted for chance: 0 in expectation for random
    labelings with the same cluster sizes, 1 for identical partitions.

    ``AMI = (MI - E[MI]) / (mean(H_true, H_pred) - E[MI])`` (Vinh, Epps &
    Bailey, JMLR 11, 2010). The expectation sums over every cell count
    each pair of distinct cluster sizes allows.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Reference labels.
    labels_pred : array-like of shape (n_samples,)
        Labels to evaluate.
    average_method : {"min", "geometric", "arithmetic", "max"}, default="arithmetic"
        How the two entropies are averaged in the normalizer.

    Returns
    -------
    float
        At most 1; may be negative (worse than chance).

    Examples
    --------
    >>> round(adjusted_mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0]), 12)
    1.0
    """
    _check_average_method(average_method, "adjusted_mutual_info_score")
    counts, rows, columns, row_sums, column_sums = _contingency(labels_true, labels_pred)
    if row_sums.size == column_sums.size and row_sums.size <= 1:
        return 1.0
    information = _mutual_information(counts, rows, columns, row_sums, column_sums)
    expected = _expected_mutual_information(row_sums, column_sums)
    normalizer = _generalized_average(_entropy(row_sums), _entropy(column_sums), average_method)
    # Keep the sign and stay away from zero: identical one-sided cases
    # (e.g. all singletons against one cluster) leave normalizer == E[MI].
    eps = np.finfo(np.float64).eps
    denominator = normalizer - expected
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    return float((information - expected) / denominator)
