"""zoo.MiniBatchKMeans: quality against full k-means and scikit-learn,
partial_fit, stopping rules, persistence."""

import numpy as np
import pytest

import zoo
from zoo import KMeans, MiniBatchKMeans
from zoo.datasets import make_blobs
from zoo.metrics import adjusted_rand_score


@pytest.fixture(scope="module")
def blobs():
    # A wide box keeps the blobs apart, so one k-means++ seeding almost
    # always finds them and quality comparisons measure the updates.
    return make_blobs(20000, 8, centers=10, cluster_std=1.0, center_box=(-30, 30), random_state=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_close_to_full_kmeans(blobs, dtype):
    X, y = blobs
    X = X.astype(dtype)
    mb = MiniBatchKMeans(10, batch_size=512, random_state=0).fit(X)
    full = KMeans(10, random_state=0).fit(X)
    assert mb.cluster_centers_.dtype == dtype
    assert mb.inertia_ <= 1.05 * full.inertia_
    assert adjusted_rand_score(y, mb.labels_) > 0.95
    np.testing.assert_array_equal(mb.predict(X), mb.labels_)
    assert mb.n_steps_ >= 1 and mb.n_iter_ == int(np.ceil(mb.n_steps_ * 512 / len(X)))


def test_quality_matches_scikit_learn(blobs):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X, _ = blobs
    # Medians over seeds: a rare bad seeding (in either library) is not the
    # behaviour being compared.
    ours = np.median([MiniBatchKMeans(10, batch_size=1024, random_state=s).fit(X).inertia_ for s in range(9)])
    theirs = np.median(
        [sklearn_cluster.MiniBatchKMeans(10, batch_size=1024, n_init=1, random_state=s).fit(X).inertia_ for s in range(9)]
    )
    assert ours <= 1.01 * theirs


def test_stopping_rules(blobs):
    X, _ = blobs
    patient = MiniBatchKMeans(10, batch_size=256, max_no_improvement=None, max_iter=2, random_state=0).fit(X)
    assert patient.n_steps_ == 2 * len(X) // 256
    early = MiniBatchKMeans(10, batch_size=256, max_no_improvement=3, max_iter=2, random_state=0).fit(X)
    assert early.n_steps_ < patient.n_steps_
    tol_stop = MiniBatchKMeans(10, batch_size=256, tol=1e-2, max_no_improvement=None, random_state=0).fit(X)
    assert tol_stop.n_steps_ < 100 * len(X) // 256


def test_same_seed_same_result(blobs):
    X, _ = blobs
    a = MiniBatchKMeans(10, random_state=3).fit(X)
    b = MiniBatchKMeans(10, random_state=3).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.n_steps_ == b.n_steps_


def test_partial_fit_streams_batches(blobs):
    X, y = blobs
    mb = MiniBatchKMeans(10, random_state=0)
    for _ in range(3):
        for batch in np.array_split(X, 40):
            mb.partial_fit(batch)
    assert mb.n_steps_ == 120
    assert adjusted_rand_score(y, mb.predict(X)) > 0.95
    # labels_ and inertia_ describe the last batch against the updated centres.
    last = np.array_split(X, 40)[-1]
    np.testing.assert_array_equal(mb.labels_, mb.predict(last))
    assert mb.inertia_ == pytest.approx(-mb.score(last), rel=1e-6)
    with pytest.raises(ValueError, match="features"):
        mb.partial_fit(X[:, :3])


def test_callable_init(blobs):
    X, y = blobs
    seen = []

    def blob_means(data, n_clusters, random_state):
        seen.append(data.shape)
        return np.array([X[y == c].mean(axis=0) for c in range(n_clusters)])

    km = MiniBatchKMeans(10, init=blob_means, batch_size=256, init_size=600, random_state=0).fit(X)
    assert seen == [(600, X.shape[1])] * 3  # n_init="auto": 3 tries on the init sample
    assert adjusted_rand_score(y, km.labels_) == pytest.approx(1.0)


def test_starved_centres_are_reassigned():
    # Three of the initial centres sit far from every point; reassignment
    # must pull them onto the data.
    X, _ = make_blobs(2000, 2, centers=4, cluster_std=0.5, random_state=1)
    init = np.vstack([X[:1], X[1:2], [[1e3, 1e3]], [[-1e3, 1e3]], [[1e3, -1e3]]])
    mb = MiniBatchKMeans(5, init=init, batch_size=100, reassignment_ratio=0.05, random_state=0).fit(X)
    assert np.abs(mb.cluster_centers_).max() < 50


def test_errors():
    with pytest.raises(ValueError, match="batch_size"):
        MiniBatchKMeans(batch_size=0).fit(np.random.rand(10, 2))
    with pytest.raises(ValueError, match="n_samples=2 should be >= n_clusters=3"):
        MiniBatchKMeans(3).partial_fit(np.random.rand(2, 2))
    with pytest.raises(zoo.NotFittedError):
        MiniBatchKMeans().predict(np.random.rand(2, 2))


def test_save_load_then_keep_training(blobs, tmp_path):
    X, _ = blobs
    mb = MiniBatchKMeans(10, random_state=0)
    for batch in np.array_split(X, 10):
        mb.partial_fit(batch)
    mb.save(tmp_path / "mb.npz")
    restored = zoo.load(tmp_path / "mb.npz")
    np.testing.assert_array_equal(restored.cluster_centers_, mb.cluster_centers_)
    restored.partial_fit(X[:2000])
    mb.partial_fit(X[:2000])
    # The accumulated centre weights travel with the file, so training goes on
    # exactly as in the original object (no reassignment is due here).
    np.testing.assert_allclose(restored.cluster_centers_, mb.cluster_centers_, rtol=1e-12)
