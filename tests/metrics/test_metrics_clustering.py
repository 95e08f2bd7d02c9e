import numpy as np
import pytest

from zoo.metrics import adjusted_rand_score


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


def test_rejects_mismatched_lengths_and_2d_input():
    with pytest.raises(ValueError, match="same length"):
        adjusted_rand_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="labels_pred must be 1-D"):
        adjusted_rand_score([0, 1], [[0], [1]])

