"""KMeans and MiniBatchKMeans on Dask arrays (issue 17): from the same
initial centres the in-memory iterates; k-means|| seeds as good as
k-means++ and repeatable; MiniBatchKMeans equal to partial_fit on the same
batches."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from zoo import KMeans, MiniBatchKMeans  # noqa: E402


def _blobs(n=600, d=4, k=4, dtype=np.float64, seed=0, spread=1.0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, d)) * 6 + 10.0
    X = centers[rng.integers(0, k, n)] + rng.normal(size=(n, d)) * spread
    return X.astype(dtype)


def _assert_same_fit(fitted, expected, rtol):
    np.testing.assert_allclose(fitted.cluster_centers_, expected.cluster_centers_, rtol=rtol, atol=rtol)
    assert fitted.cluster_centers_.dtype == expected.cluster_centers_.dtype
    assert isinstance(fitted.labels_, da.Array)
    np.testing.assert_array_equal(fitted.labels_.compute(), expected.labels_)
    assert fitted.n_iter_ == expected.n_iter_
    np.testing.assert_allclose(fitted.inertia_, expected.inertia_, rtol=max(rtol, 1e-12))
    assert fitted.n_features_in_ == expected.n_features_in_


@pytest.mark.parametrize("chunks", [(100, -1), ((50, 250, 1, 299), -1), (-1, -1)])
def test_kmeans_from_the_same_centres_is_the_in_memory_fit(dask_client, chunks):
    # Overlapping blobs so that Lloyd takes several iterations.
    X = _blobs(spread=4.0)
    init = X[:4].copy()
    expected = KMeans(4, init=init, n_init=1, tol=0.0).fit(X)
    fitted = KMeans(4, init=init, n_init=1, tol=0.0).fit(da.from_array(X, chunks=chunks))
    assert expected.n_iter_ > 3
    _assert_same_fit(fitted, expected, 1e-10)


def test_kmeans_tol_and_max_iter_stop_as_in_memory(dask_client):
    X = _blobs(spread=4.0)
    init = X[:4].copy()
    Xd = da.from_array(X, chunks=(128, -1))
    for params in ({"tol": 1e-2}, {"max_iter": 2}):
        _assert_same_fit(KMeans(4, init=init, **params).fit(Xd), KMeans(4, init=init, **params).fit(X), 1e-10)


def test_kmeans_sample_weight_and_float32(dask_client):
    X = _blobs(spread=3.0)
    w = np.random.default_rng(1).uniform(0.0, 2.0, len(X))
    init = X[:4].copy()
    expected = KMeans(4, init=init).fit(X, sample_weight=w)
    _assert_same_fit(KMeans(4, init=init).fit(da.from_array(X, chunks=(90, -1)), sample_weight=w), expected, 1e-10)
    wd = da.from_array(w, chunks=77)  # rechunked to X's rows
    _assert_same_fit(KMeans(4, init=init).fit(da.from_array(X, chunks=(90, -1)), sample_weight=wd), expected, 1e-10)
    X32 = _blobs(dtype=np.float32)
    init32 = X32[:4].copy()
    fitted = KMeans(4, init=init32).fit(da.from_array(X32, chunks=(100, -1)))
    _assert_same_fit(fitted, KMeans(4, init=init32).fit(X32), 1e-5)


def test_kmeans_relocates_empty_clusters_as_in_memory(dask_client):
    X = _blobs(k=3, spread=0.5)
    init = np.vstack((X[:3], np.full((1, X.shape[1]), 1e3)))  # a centre far from every row starts empty
    expected = KMeans(4, init=init).fit(X)
    _assert_same_fit(KMeans(4, init=init).fit(da.from_array(X, chunks=(70, -1))), expected, 1e-10)


def test_kmeans_chunks_of_one_row(dask_client):
    X = _blobs(n=12, k=3, spread=0.5)
    init = X[:3].copy()
    _assert_same_fit(KMeans(3, init=init).fit(da.from_array(X, chunks=(1, -1))), KMeans(3, init=init).fit(X), 1e-10)
    # k-means|| and random seeding on one-row chunks too.
    fitted = KMeans(3, random_state=0).fit(da.from_array(X, chunks=(1, -1)))  # k-means|| seeding
    assert fitted.cluster_centers_.shape == (3, 4) and np.isfinite(fitted.inertia_)


def test_kmeans_parallel_seeding_quality_and_determinism(dask_client):
    X = _blobs(n=1200, d=5, k=6, spread=1.0, seed=3)
    Xd = da.from_array(X, chunks=(400, -1))
    a = KMeans(6, random_state=7).fit(Xd)
    b = KMeans(6, random_state=7).fit(Xd)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.inertia_ == b.inertia_
    in_memory = KMeans(6, random_state=7).fit(X)
    assert a.inertia_ <= 1.05 * in_memory.inertia_
    # Random seeding keeps the best of n_init runs.
    r = KMeans(6, init="random", n_init=3, random_state=7).fit(Xd)
    assert r.inertia_ <= 1.05 * in_memory.inertia_


def test_kmeans_save_drops_lazy_labels(dask_client, tmp_path):
    import zoo

    X = _blobs()
    model = KMeans(4, random_state=0).fit(da.from_array(X, chunks=(100, -1)))
    model.save(tmp_path / "kmeans.npz")
    loaded = zoo.load(tmp_path / "kmeans.npz")
    assert not hasattr(loaded, "labels_")
    np.testing.assert_array_equal(loaded.cluster_centers_, model.cluster_centers_)
    np.testing.assert_array_equal(loaded.predict(X), model.labels_.compute())


def test_kmeans_predict_transform_lazy_and_score(dask_client):
    X = _blobs()
    model = KMeans(4, random_state=0).fit(da.from_array(X, chunks=(100, -1)))
    Xd = da.from_array(X, chunks=(64, -1))
    labels, distances = model.predict(Xd), model.transform(Xd)
    assert isinstance(labels, da.Array) and isinstance(distances, da.Array)
    np.testing.assert_array_equal(labels.compute(), model.predict(X))
    np.testing.assert_allclose(distances.compute(), model.transform(X), rtol=1e-12)
    np.testing.assert_allclose(-model.score(X), model.inertia_, rtol=1e-10)


def test_kmeans_refuses_feature_chunks_and_bad_values(dask_client):
    X = _blobs()
    with pytest.raises(ValueError, match="chunked along its features"):
        KMeans(4).fit(da.from_array(X, chunks=(100, 2)))
    X[333, 2] = np.inf
    with pytest.raises(ValueError, match="sample_weight must be finite"):
        KMeans(4, init=X[:4].copy()).fit(da.from_array(np.nan_to_num(X, posinf=1.0), chunks=(100, -1)),
                                         sample_weight=np.full(len(X), np.inf))
    with pytest.raises(ValueError, match="infinity|NaN"):
        KMeans(4).fit(da.from_array(X, chunks=(100, -1)))
    with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=4"):
        KMeans(4).fit(da.from_array(X[:3], chunks=(2, -1)))


# ------------------------------------------------------------ MiniBatchKMeans


def _partial_fit_passes(X, batches, passes, **params):
    model = MiniBatchKMeans(**params)
    for _ in range(passes):
        for batch in batches:
            model.partial_fit(X[batch])
    return model


def _batches(n, first, size):
    edges = [0, first] + list(range(first + size, n, size)) + [n]
    edges = sorted(set(edges))
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]


@pytest.mark.parametrize("chunks", [(100, -1), ((50, 250, 1, 299), -1)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_minibatch_equals_partial_fit_on_the_same_batches(dask_client, chunks, dtype):
    X = _blobs(dtype=dtype)
    params = dict(n_clusters=4, batch_size=100, random_state=0, max_no_improvement=None, max_iter=2)
    fitted = MiniBatchKMeans(**params).fit(da.from_array(X, chunks=chunks))
    expected = _partial_fit_passes(X, _batches(600, 100, 100), 2, **params)
    np.testing.assert_array_equal(fitted.cluster_centers_, expected.cluster_centers_)
    np.testing.assert_array_equal(fitted._weight_sums_, expected._weight_sums_)
    assert fitted.n_steps_ == expected.n_steps_ == 12 and fitted.n_iter_ == 2
    np.testing.assert_array_equal(fitted.labels_.compute(), expected.predict(X))
    np.testing.assert_allclose(fitted.inertia_, -expected.score(X), rtol=1e-6)


def test_minibatch_uneven_batches_one_row_chunks_and_weights(dask_client):
    X = _blobs(n=12, k=3, spread=0.5)
    w = np.linspace(0.5, 2.0, 12)
    params = dict(n_clusters=3, batch_size=5, random_state=1, max_no_improvement=None, max_iter=1)
    fitted = MiniBatchKMeans(**params).fit(da.from_array(X, chunks=(1, -1)), sample_weight=w)
    expected = MiniBatchKMeans(**params)
    for batch in _batches(12, 5, 5):  # 5, 5, then the 2 left at the end of the pass
        expected.partial_fit(X[batch], sample_weight=w[batch])
    np.testing.assert_array_equal(fitted.cluster_centers_, expected.cluster_centers_)
    assert fitted.n_steps_ == 3


def test_minibatch_stopping_rule_stops_early(dask_client):
    X = _blobs(n=2000, spread=0.5)
    fitted = MiniBatchKMeans(4, batch_size=50, random_state=0, max_no_improvement=3, max_iter=50).fit(
        da.from_array(X, chunks=(400, -1))
    )
    assert fitted.n_iter_ < 50
    assert fitted.inertia_ <= 1.2 * KMeans(4, random_state=0).fit(X).inertia_
    assert isinstance(fitted.predict(da.from_array(X, chunks=(500, -1))), da.Array)
