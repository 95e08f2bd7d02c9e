"""Silhouette coefficients: against the definition on an explicit distance
matrix, across block sizes, within a memory bound, against scikit-learn,
and on bad input."""

import tracemalloc

import numpy as np
import pytest

from zoo.metrics import _silhouette, silhouette_samples, silhouette_score


def explicit_distances(X, metric):
    X = np.asarray(X, dtype=float)
    if metric == "cosine":
        unit = X / np.linalg.norm(X, axis=1, keepdims=True)
        return np.clip(1 - unit @ unit.T, 0, None) * (1 - np.eye(len(X)))
    squared = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=-1)
    return squared if metric == "sqeuclidean" else np.sqrt(squared)


def silhouette_by_definition(distances, labels):
    labels = np.asarray(labels)
    scores = []
    for i, own in enumerate(labels):
        mates = (labels == own) & (np.arange(len(labels)) != i)
        if not mates.any():
            scores.append(0.0)
            continue
        a = distances[i, mates].mean()
        b = min(distances[i, labels == other].mean() for other in set(labels.tolist()) - {own})
        scores.append((b - a) / max(a, b) if max(a, b) > 0 else 0.0)
    return np.array(scores)


def blobs(rng, n, n_clusters, offset=0.0):
    centres = rng.normal(scale=4, size=(n_clusters, 3))
    labels = rng.integers(0, n_clusters, n)
    return centres[labels] + rng.normal(size=(n, 3)) + offset, labels


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine"])
def test_silhouette_matches_the_definition_on_an_explicit_distance_matrix(metric):
    rng = np.random.default_rng(0)
    X, labels = blobs(rng, 60, 4)
    labels[0] = 9  # a singleton cluster scores 0
    expected = silhouette_by_definition(explicit_distances(X, metric), labels)
    np.testing.assert_allclose(silhouette_samples(X, labels, metric=metric), expected, atol=1e-10)
    assert silhouette_score(X, labels, metric=metric) == pytest.approx(expected.mean())
    assert expected[0] == 0.0
    precomputed = explicit_distances(X, metric)
    np.testing.assert_allclose(silhouette_samples(precomputed, labels, metric="precomputed"), expected, atol=1e-12)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine"])
@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_silhouette_of_huge_and_tiny_coordinates(metric, scale):
    # Squared coordinates overflow or underflow; every coefficient came out 0.
    rng = np.random.default_rng(0)
    X, labels = blobs(rng, 60, 4)
    expected = silhouette_by_definition(explicit_distances(X, metric), labels)
    np.testing.assert_allclose(silhouette_samples(X * scale, labels, metric=metric), expected, atol=1e-10)


def test_silhouette_blocks_of_any_size_give_the_same_result(monkeypatch):
    rng = np.random.default_rng(1)
    X, labels = blobs(rng, 57, 3, offset=1e6)  # far from the origin: centring keeps precision
    expected = silhouette_by_definition(explicit_distances(X, "euclidean"), labels)
    for elements in (1, 57 * 5, 57 * 57 - 1):
        monkeypatch.setattr(_silhouette, "_BLOCK_ELEMENTS", elements)
        np.testing.assert_allclose(silhouette_samples(X, labels), expected, atol=1e-9)


def test_silhouette_never_holds_the_full_distance_matrix():
    rng = np.random.default_rng(2)
    n = 3000
    X, labels = blobs(rng, n, 5)
    tracemalloc.start()
    silhouette_score(X, labels)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < n * n * 8 / 3  # the full float64 matrix would be 72 MB


def test_silhouette_of_duplicate_points_and_string_labels():
    X = [[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0]]
    # a = 0 and b > 0: perfect clusters.
    np.testing.assert_array_equal(silhouette_samples(X, ["a", "a", "b", "b"]), 1.0)
    # Both clusters mix the two locations: a = b for each point.
    np.testing.assert_allclose(silhouette_samples(X, ["a", "b", "a", "b"]), [-0.5, -0.5, -0.5, -0.5])


def test_silhouette_sample_size_scores_a_random_subset():
    rng = np.random.default_rng(3)
    X, labels = blobs(rng, 200, 3)
    full = silhouette_score(X, labels)
    assert silhouette_score(X, labels, sample_size=200, random_state=0) == pytest.approx(full)
    subset = np.random.default_rng(7).permutation(200)[:50]
    sampled = silhouette_score(X, labels, sample_size=50, random_state=7)
    assert sampled == pytest.approx(silhouette_samples(X[subset], labels[subset]).mean())
    assert sampled == silhouette_score(X, labels, sample_size=50, random_state=7)
    distances = explicit_distances(X, "euclidean")
    assert silhouette_score(distances, labels, metric="precomputed", sample_size=50, random_state=7) == (
        pytest.approx(sampled)
    )


def test_silhouette_matches_scikit_learn():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(4)
    for trial in range(6):
        X, labels = blobs(rng, int(rng.integers(10, 150)), int(rng.integers(2, 6)), offset=trial * 100.0)
        labels[: labels.max() + 1] = np.arange(labels.max() + 1)
        if trial % 2:
            labels = np.array(["north", "south", "east", "west", "up", "down"])[labels]
        for metric in ("euclidean", "sqeuclidean", "cosine"):
            np.testing.assert_allclose(
                silhouette_samples(X, labels, metric=metric),
                skm.silhouette_samples(X, labels, metric=metric),
                atol=1e-9,
            )
        distances = skm.pairwise_distances(X, metric="manhattan")
        assert silhouette_score(distances, labels, metric="precomputed") == pytest.approx(
            skm.silhouette_score(distances, labels, metric="precomputed"), abs=1e-12
        )


def test_silhouette_rejects_bad_input():
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match="number of clusters is 1; it must be between 2 and"):
        silhouette_score(X, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="number of clusters is 4"):
        silhouette_score(X, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="labels has 3 entries but X has 4"):
        silhouette_score(X, [0, 0, 1])
    with pytest.raises(ValueError, match="metric must be one of"):
        silhouette_score(X, [0, 0, 1, 1], metric="chebyshev")
    with pytest.raises(ValueError, match="must be square"):
        silhouette_score(X, [0, 0, 1, 1], metric="precomputed")
    with pytest.raises(ValueError, match="diagonal"):
        silhouette_score(np.ones((4, 4)), [0, 0, 1, 1], metric="precomputed")
    with pytest.raises(ValueError, match="contains NaN"):
        silhouette_score([[0.0], [np.nan], [1.0], [2.0]], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="sample_size"):
        silhouette_score(X, [0, 0, 1, 1], sample_size=0)
    with pytest.raises(ValueError, match="mixes strings and numbers"):
        silhouette_score(X, np.array([0, "a", 1, 1], dtype=object))
