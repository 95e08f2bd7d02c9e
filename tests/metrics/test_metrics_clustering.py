from itertools import permutations

import numpy as np
import pytest

from zoo.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    mutual_info_score,
    normalized_mutual_info_score,
)


@pytest.mark.parametrize(
    "labels_true, labels_pred",
    [
        ([0, 0, 1, 1], [0, 0, 1, 1]),
        ([0, 0, 1, 1], [5, 5, 3, 3]),  # names of clusters do not matter
        (["a", "a", "b"], [1, 1, 0]),
        ([0, 0, 0], [1, 1, 1]),  # both one cluster
        ([0, 1, 2], [2, 0, 1]),  # both all singletons
        ([], []),
        ([3], [4]),
    ],
)
def test_identical_partitions_score_one(labels_true, labels_pred):
    assert adjusted_rand_score(labels_true, labels_pred) == 1.0


def test_hand_worked_example():
    # true {0,1,2} {3,4,5}; pred {0,1} {2,3} {4,5}.
    # Pairs together in both: (0,1), (4,5) -> 2. Together in true: 3 + 3 = 6,
    # in pred: 1 + 1 + 1 = 3, of 15 pairs. Expected = 6 * 3 / 15 = 1.2,
    # maximum = (6 + 3) / 2 = 4.5, so ARI = (2 - 1.2) / (4.5 - 1.2) = 8/33.
    score = adjusted_rand_score([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])
    assert score == pytest.approx(8 / 33)


def test_one_cluster_against_a_split_scores_zero():
    # Lumping everything together carries no information about the split.
    assert adjusted_rand_score([0, 0, 1, 1], [0, 0, 0, 0]) == pytest.approx(0.0)


def test_worse_than_chance_is_negative():
    # Every pair the truth puts together the prediction separates.
    assert adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


def test_symmetric():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 200), rng.integers(0, 6, 200)
    assert adjusted_rand_score(a, b) == pytest.approx(adjusted_rand_score(b, a))


def test_matches_scikit_learn_on_random_labelings():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(42)
    for _ in range(200):
        n = int(rng.integers(0, 80))
        a = rng.integers(0, int(rng.integers(1, 9)), n)
        b = rng.integers(0, int(rng.integers(1, 9)), n)
        assert adjusted_rand_score(a, b) == pytest.approx(
            sklearn_metrics.adjusted_rand_score(a, b), abs=1e-12
        )


def test_matches_scikit_learn_on_a_large_noisy_copy():
    # 300,000 points: the pair counts' products exceed int64.
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 10, 300_000)
    noisy = np.where(rng.random(truth.size) < 0.8, truth, rng.integers(0, 10, truth.size))
    ours = adjusted_rand_score(truth, noisy)
    assert 0.5 < ours < 0.8
    assert ours == pytest.approx(sklearn_metrics.adjusted_rand_score(truth, noisy), rel=1e-12)


def test_rejects_mismatched_lengths_2d_input_nan_and_mixed_labels():
    with pytest.raises(ValueError, match="same length"):
        adjusted_rand_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="labels_pred must be 1-D"):
        adjusted_rand_score([0, 1], [[0], [1]])
    with pytest.raises(ValueError, match="labels_true contains NaN"):
        adjusted_rand_score([0.0, np.nan], [0, 1])
    with pytest.raises(ValueError, match="labels_pred mixes strings and numbers"):
        adjusted_rand_score([0, 1], np.array(["a", 1], dtype=object))



# --------------------------------------------------------- mutual information

AVERAGE_METHODS = ["min", "geometric", "arithmetic", "max"]


def dense_mutual_information(a, b):
    """MI in nats from the full contingency table."""
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    joint = table / table.sum()
    outer = joint.sum(axis=1, keepdims=True) * joint.sum(axis=0, keepdims=True)
    kept = joint > 0
    return float(np.sum(joint[kept] * np.log(joint[kept] / outer[kept])))


def entropy(labels):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log(p)))


def test_mutual_information_matches_the_contingency_table_formula():
    rng = np.random.default_rng(5)
    for _ in range(20):
        a, b = rng.integers(0, 4, 50), rng.integers(0, 3, 50)
        mi = dense_mutual_information(a, b)
        assert mutual_info_score(a, b) == pytest.approx(mi, abs=1e-12)
        assert normalized_mutual_info_score(a, b) == pytest.approx(mi / ((entropy(a) + entropy(b)) / 2))
        assert normalized_mutual_info_score(a, b, average_method="max") == pytest.approx(
            mi / max(entropy(a), entropy(b))
        )


def test_adjusted_mutual_information_subtracts_the_mean_over_all_relabelings():
    # E[MI] is the mean over every permutation of labels_pred (same cluster sizes).
    rng = np.random.default_rng(6)
    for labels_true, labels_pred in [
        ([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 2]),
        (rng.integers(0, 3, 6), rng.integers(0, 2, 6)),
        ([0, 0, 0, 1, 1, 1, 1], ["x", "y", "y", "y", "z", "z", "z"]),
    ]:
        labels_pred = np.asarray(labels_pred)
        expected = np.mean([dense_mutual_information(labels_true, labels_pred[list(order)])
                            for order in permutations(range(len(labels_pred)))])
        for method in AVERAGE_METHODS:
            h_true, h_pred = entropy(labels_true), entropy(labels_pred)
            normalizer = {"min": min(h_true, h_pred), "geometric": np.sqrt(h_true * h_pred),
                          "arithmetic": (h_true + h_pred) / 2, "max": max(h_true, h_pred)}[method]
            ami = (dense_mutual_information(labels_true, labels_pred) - expected) / (normalizer - expected)
            assert adjusted_mutual_info_score(labels_true, labels_pred, average_method=method) == pytest.approx(ami)


def test_mutual_information_special_cases():
    for score in (adjusted_mutual_info_score, normalized_mutual_info_score):
        assert score([0, 0, 1, 1], ["b", "b", "a", "a"]) == pytest.approx(1.0)
        assert score([0, 0, 0], [1, 1, 1]) == 1.0  # both one cluster
        assert score([0, 0, 1, 1], [0, 0, 0, 0]) == pytest.approx(0.0)  # no information
    assert mutual_info_score([0, 0, 1, 1], [5, 5, 5, 5]) == 0.0


def test_mutual_information_matches_scikit_learn():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(1, 80))
        a = rng.integers(0, int(rng.integers(1, 9)), n)
        b = rng.integers(0, int(rng.integers(1, 9)), n)
        method = AVERAGE_METHODS[trial % 4]
        assert mutual_info_score(a, b) == pytest.approx(sklearn_metrics.mutual_info_score(a, b), abs=1e-12)
        for ours, theirs in [
            (adjusted_mutual_info_score, sklearn_metrics.adjusted_mutual_info_score),
            (normalized_mutual_info_score, sklearn_metrics.normalized_mutual_info_score),
        ]:
            assert ours(a, b, average_method=method) == pytest.approx(
                theirs(a, b, average_method=method), rel=1e-9, abs=1e-12
            )
    # Many clusters of repeated sizes, and a large noisy copy.
    truth = rng.integers(0, 200, 2000)
    noisy = np.where(rng.random(truth.size) < 0.5, truth, rng.integers(0, 200, truth.size))
    assert adjusted_mutual_info_score(truth, noisy) == pytest.approx(
        sklearn_metrics.adjusted_mutual_info_score(truth, noisy), rel=1e-9
    )


def test_mutual_information_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        adjusted_mutual_info_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="average_method"):
        normalized_mutual_info_score([0, 1], [0, 1], average_method="mean")
    with pytest.raises(ValueError, match="labels_true must be 1-D"):
        mutual_info_score([[0, 1]], [0, 1])
