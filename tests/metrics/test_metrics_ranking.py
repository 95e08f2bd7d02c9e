"""ROC AUC and the ROC curve: against pair counting and threshold sweeps
written out here, against scikit-learn (ties, weights, multiclass ovr/ovo),
and on bad input."""

import warnings
from itertools import combinations

import numpy as np
import pytest

from zoo.metrics import UndefinedMetricWarning, auc, roc_auc_score, roc_curve


def pair_auc(positive, scores, weights=None):
    """Weighted fraction of (positive, negative) pairs ordered correctly, ties half."""
    weights = np.ones(scores.size) if weights is None else weights
    pos, neg = positive, ~positive
    above = (scores[pos][:, None] > scores[neg][None, :]) + 0.5 * (scores[pos][:, None] == scores[neg][None, :])
    pair_weights = weights[pos][:, None] * weights[neg][None, :]
    return np.sum(above * pair_weights) / np.sum(pair_weights)


def random_scores(rng, n, ties):
    scores = rng.normal(size=n)
    return np.round(scores, 1) if ties else scores


def test_binary_auc_is_the_fraction_of_correctly_ordered_pairs():
    rng = np.random.default_rng(0)
    for trial in range(30):
        n = int(rng.integers(2, 60))
        y_true = rng.integers(0, 2, n)
        y_true[:2] = [0, 1]
        scores = random_scores(rng, n, ties=trial % 2 == 0) + 0.8 * y_true
        weights = rng.random(n) + 0.01
        assert roc_auc_score(y_true, scores) == pytest.approx(pair_auc(y_true == 1, scores))
        assert roc_auc_score(y_true, scores, sample_weight=weights) == pytest.approx(
            pair_auc(y_true == 1, scores, weights)
        )
        # The area under the returned curve is the same number.
        fpr, tpr, _ = roc_curve(y_true, scores, sample_weight=weights)
        assert auc(fpr, tpr) == pytest.approx(pair_auc(y_true == 1, scores, weights))


def test_all_scores_tied_give_one_half_and_the_greater_label_is_positive():
    assert roc_auc_score(["b", "a", "b", "a"], [3.0, 3.0, 3.0, 3.0]) == 0.5
    assert roc_auc_score(["yes", "no", "yes"], [0.9, 0.1, 0.2]) == 1.0  # "yes" > "no"


def test_roc_curve_points_are_rates_at_each_distinct_threshold():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 50)
    scores = np.round(rng.random(50), 1)
    weights = rng.random(50)
    fpr, tpr, thresholds = roc_curve(y_true, scores, sample_weight=weights, drop_intermediate=False)
    assert thresholds[0] == np.inf
    np.testing.assert_array_equal(thresholds[1:], np.unique(scores)[::-1])
    for rate_fp, rate_tp, threshold in zip(fpr, tpr, thresholds):
        chosen = scores >= threshold
        assert rate_tp == pytest.approx(weights[chosen & (y_true == 1)].sum() / weights[y_true == 1].sum())
        assert rate_fp == pytest.approx(weights[chosen & (y_true == 0)].sum() / weights[y_true == 0].sum())
    # Dropping collinear points leaves the area unchanged.
    dropped = roc_curve(y_true, scores, sample_weight=weights)
    assert dropped[0].size <= fpr.size
    assert auc(dropped[0], dropped[1]) == pytest.approx(auc(fpr, tpr))


def test_multiclass_ovr_and_ovo_match_their_definitions():
    rng = np.random.default_rng(2)
    n, k = 80, 4
    y_true = rng.integers(0, k, n)
    y_true[:k] = np.arange(k)
    proba = rng.dirichlet(np.ones(k), size=n)
    proba[np.arange(n), y_true] += 0.5
    proba = np.round(proba / proba.sum(axis=1, keepdims=True), 2)  # ties
    proba[:, -1] = 1 - proba[:, :-1].sum(axis=1)
    per_class = np.array([pair_auc(y_true == j, proba[:, j]) for j in range(k)])
    prevalence = np.bincount(y_true) / n
    np.testing.assert_allclose(roc_auc_score(y_true, proba, multi_class="ovr", average=None), per_class)
    assert roc_auc_score(y_true, proba, multi_class="ovr") == pytest.approx(per_class.mean())
    assert roc_auc_score(y_true, proba, multi_class="ovr", average="weighted") == pytest.approx(
        np.average(per_class, weights=prevalence)
    )
    one_hot = y_true[:, None] == np.arange(k)
    assert roc_auc_score(y_true, proba, multi_class="ovr", average="micro") == pytest.approx(
        pair_auc(one_hot.ravel(), proba.ravel())
    )
    pair_scores, pair_weights = [], []
    for a, b in combinations(range(k), 2):
        both = (y_true == a) | (y_true == b)
        pair_scores.append((pair_auc(y_true[both] == a, proba[both, a]) + pair_auc(y_true[both] == b, proba[both, b])) / 2)
        pair_weights.append(both.mean())
    assert roc_auc_score(y_true, proba, multi_class="ovo") == pytest.approx(np.mean(pair_scores))
    assert roc_auc_score(y_true, proba, multi_class="ovo", average="weighted") == pytest.approx(
        np.average(pair_scores, weights=pair_weights)
    )


def test_partial_auc_of_perfect_and_reversed_rankings():
    y_true = [0, 0, 0, 1, 1]
    scores = [0.1, 0.2, 0.3, 0.8, 0.9]
    assert roc_auc_score(y_true, scores, max_fpr=0.3) == pytest.approx(1.0)
    assert roc_auc_score(y_true, scores, max_fpr=1.0) == roc_auc_score(y_true, scores)
    # Reversed scores: the partial area is 0, the standardised score its floor.
    max_fpr = 0.5
    floor = 0.5 * (1 + (0 - 0.5 * max_fpr**2) / (max_fpr - 0.5 * max_fpr**2))
    assert roc_auc_score(y_true, [-s for s in scores], max_fpr=max_fpr) == pytest.approx(floor)


def test_a_single_class_gives_nan_with_a_warning():
    with pytest.warns(UndefinedMetricWarning, match="only one class"):
        assert np.isnan(roc_auc_score([1, 1, 1], [0.2, 0.4, 0.5]))
    with pytest.warns(UndefinedMetricWarning, match="zero weight"):
        assert np.isnan(roc_auc_score([0, 1, 1], [0.2, 0.4, 0.5], sample_weight=[0, 1, 1], max_fpr=0.5))
    with pytest.warns(UndefinedMetricWarning, match="no negative samples"):
        fpr, tpr, _ = roc_curve([1, 1], [0.2, 0.4])
    assert np.isnan(fpr).all() and not np.isnan(tpr).any()


# ---------------------------------------------------------------- scikit-learn


def test_binary_matches_scikit_learn():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    for trial in range(24):
        n = int(rng.integers(2, 50))
        classes = [[0, 1], [-1, 1], ["neg", "pos"], [False, True]][trial % 4]
        y_true = np.array(classes)[rng.integers(0, 2, n)]
        y_true[:2] = classes
        scores = random_scores(rng, n, ties=trial % 3 != 0)
        weights = None if trial % 2 else rng.random(n) * (rng.random(n) > 0.2)
        if weights is not None:
            weights[:2] = 1.0
        for max_fpr in (None, 0.25, 1.0):
            assert roc_auc_score(y_true, scores, sample_weight=weights, max_fpr=max_fpr) == pytest.approx(
                skm.roc_auc_score(y_true, scores, sample_weight=weights, max_fpr=max_fpr), abs=1e-12
            )
        pos_label = classes[1] if isinstance(classes[0], str) else None
        for drop in (True, False):
            ours = roc_curve(y_true, scores, pos_label=pos_label, sample_weight=weights, drop_intermediate=drop)
            theirs = skm.roc_curve(y_true, scores, pos_label=pos_label, sample_weight=weights, drop_intermediate=drop)
            for mine, reference in zip(ours, theirs):
                np.testing.assert_allclose(mine, reference, rtol=1e-12)


@pytest.mark.parametrize("multi_class", ["ovr", "ovo"])
def test_multiclass_matches_scikit_learn(multi_class):
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(4)
    averages = ["macro", "weighted"] + (["micro", None] if multi_class == "ovr" else [])
    for trial in range(10):
        n, k = int(rng.integers(10, 60)), int(rng.integers(3, 6))
        proba = np.round(rng.dirichlet(np.ones(k), size=n), 1 + trial % 2)
        proba[:, 0] = 1 - proba[:, 1:].sum(axis=1)
        names = np.array(["ant", "bee", "cat", "dog", "eel"][:k])
        y_true = names[rng.integers(0, k, n)]
        y_true[:k] = names
        weights = rng.random(n) if multi_class == "ovr" and trial % 2 else None
        for average in averages:
            np.testing.assert_allclose(
                roc_auc_score(y_true, proba, multi_class=multi_class, average=average, sample_weight=weights),
                skm.roc_auc_score(y_true, proba, multi_class=multi_class, average=average, sample_weight=weights),
                rtol=1e-12,
            )
    # labels= names columns for classes missing from a small y_true.
    proba = rng.dirichlet(np.ones(4), size=12)
    y_true = rng.choice([0, 1, 3], 12)
    y_true[:3] = [0, 1, 3]
    with warnings.catch_warnings():
        # Class 2 has no samples: its one-vs-rest AUC is undefined in both libraries.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for average in averages:
            np.testing.assert_allclose(
                roc_auc_score(y_true, proba, multi_class=multi_class, average=average, labels=[0, 1, 2, 3]),
                skm.roc_auc_score(y_true, proba, multi_class=multi_class, average=average, labels=[0, 1, 2, 3]),
                rtol=1e-12,
            )


# ------------------------------------------------------------------ bad input


def test_bad_input_is_rejected():
    proba = np.full((3, 3), 1 / 3)
    with pytest.raises(ValueError, match="multi_class must be 'ovr' or 'ovo'"):
        roc_auc_score([0, 1, 2], proba)
    with pytest.raises(ValueError, match=r"must be 1-D \(the scores of the positive class 1\)"):
        roc_auc_score([0, 1, 1], np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match="sum to 1"):
        roc_auc_score([0, 1, 2], np.ones((3, 3)), multi_class="ovr")
    with pytest.raises(ValueError, match="3 classes but y_score has 4 columns"):
        roc_auc_score([0, 1, 2], np.full((3, 4), 0.25), multi_class="ovr")
    with pytest.raises(ValueError, match="labels must be sorted"):
        roc_auc_score([0, 1, 2], proba, multi_class="ovr", labels=[2, 1, 0])
    with pytest.raises(ValueError, match="sample_weight is not supported"):
        roc_auc_score([0, 1, 2], proba, multi_class="ovo", sample_weight=[1, 1, 1])
    with pytest.raises(ValueError, match="only available for binary"):
        roc_auc_score([0, 1, 2], proba, multi_class="ovr", max_fpr=0.5)
    with pytest.raises(ValueError, match="max_fpr"):
        roc_auc_score([0, 1], [0.1, 0.2], max_fpr=0)
    with pytest.raises(ValueError, match="y_true holds continuous values"):
        roc_auc_score([0.2, 0.7], [0.1, 0.2])
    with pytest.raises(ValueError, match="y_score contains NaN"):
        roc_auc_score([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        roc_auc_score([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="pos_label is not given"):
        roc_curve(["a", "b"], [0.1, 0.2])
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        auc([0.0, 1.0, 0.5], [0.0, 1.0, 1.0])
