"""PCA and IncrementalPCA on Dask arrays equal the in-memory fits (issue 17)."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from zoo import PCA, IncrementalPCA  # noqa: E402

ATTRIBUTES = ("components_", "explained_variance_", "explained_variance_ratio_", "singular_values_", "mean_")


def _data(n=600, d=6, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    # Well separated variances, so the components are well conditioned, and an offset mean.
    X = rng.normal(size=(n, d)) * np.geomspace(5.0, 0.2, d) @ np.linalg.qr(rng.normal(size=(d, d)))[0] + 3.0
    return X.astype(dtype)


def _assert_same(a, b, rtol):
    for name in ATTRIBUTES:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=rtol, atol=rtol, err_msg=name)
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
    np.testing.assert_allclose(a.noise_variance_, b.noise_variance_, rtol=rtol, atol=rtol)
    assert a.n_components_ == b.n_components_
    assert a.n_features_in_ == b.n_features_in_


@pytest.mark.parametrize("chunks", [(100, -1), ((50, 250, 1, 299), -1), (-1, -1)])
@pytest.mark.parametrize("n_components", [None, 3, 0.9, "mle"])
def test_pca_equals_in_memory_covariance_route(dask_client, chunks, n_components):
    X = _data()
    expected = PCA(n_components, svd_solver="covariance_eigh").fit(X)
    fitted = PCA(n_components).fit(da.from_array(X, chunks=chunks))
    _assert_same(fitted, expected, 1e-10)
    assert fitted.n_samples_ == 600 and fitted._fit_solver_ == "covariance_eigh"


def test_pca_float32_and_full_solver(dask_client):
    X = _data(dtype=np.float32)
    fitted = PCA(4).fit(da.from_array(X, chunks=(128, -1)))
    _assert_same(fitted, PCA(4, svd_solver="covariance_eigh").fit(X), 2e-4)
    X64 = X.astype(np.float64)
    _assert_same(PCA(4).fit(da.from_array(X64, chunks=(128, -1))), PCA(4, svd_solver="full").fit(X64), 1e-9)


def test_pca_chunks_of_one_row(dask_client):
    X = _data(n=12, d=3)
    fitted = PCA(2).fit(da.from_array(X, chunks=(1, -1)))
    _assert_same(fitted, PCA(2, svd_solver="covariance_eigh").fit(X), 1e-10)


def test_pca_transform_and_inverse_are_lazy(dask_client):
    X = _data()
    model = PCA(3, whiten=True).fit(da.from_array(X, chunks=(100, -1)))
    Xd = da.from_array(X, chunks=(70, -1))
    Z = model.transform(Xd)
    assert isinstance(Z, da.Array) and Z.shape == (600, 3)
    np.testing.assert_allclose(Z.compute(), model.transform(X), rtol=1e-12)
    back = model.inverse_transform(Z)
    assert isinstance(back, da.Array)
    np.testing.assert_allclose(back.compute(), model.inverse_transform(model.transform(X)), rtol=1e-12)


def test_pca_refuses_feature_chunks_and_bad_values(dask_client):
    X = _data()
    with pytest.raises(ValueError, match="chunked along its features"):
        PCA(2).fit(da.from_array(X, chunks=(100, 3)))
    X[250, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PCA(2).fit(da.from_array(X, chunks=(100, -1)))
    with pytest.raises(ValueError, match="n_components=7"):
        PCA(7).fit(da.from_array(_data(), chunks=(100, -1)))


def _partial_fits(X, blocks, **params):
    model = IncrementalPCA(**params)
    for block in blocks:
        model.partial_fit(X[block])
    return model


def _slices(sizes):
    edges = np.concatenate(([0], np.cumsum(sizes)))
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]


IPCA_ATTRIBUTES = ATTRIBUTES + ("var_",)


@pytest.mark.parametrize("sizes", [(100,) * 6, (50, 250, 1, 299), (600,)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_incremental_pca_equals_partial_fit_on_the_chunks(dask_client, sizes, dtype):
    X = _data(dtype=dtype)
    expected = _partial_fits(X, _slices(sizes), n_components=3)
    fitted = IncrementalPCA(n_components=3).fit(da.from_array(X, chunks=(sizes, -1)))
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    _assert_same(fitted, expected, rtol)
    np.testing.assert_allclose(fitted.var_, expected.var_, rtol=rtol)
    assert fitted.n_samples_seen_ == 600


def test_incremental_pca_batch_size_and_one_row_chunks(dask_client):
    X = _data(n=12, d=3)
    # Chunks of one row: the first batch gathers max(2, n_components) rows.
    fitted = IncrementalPCA(n_components=2).fit(da.from_array(X, chunks=(1, -1)))
    _assert_same(fitted, _partial_fits(X, _slices((2,) + (1,) * 10), n_components=2), 1e-12)
    # batch_size cuts each chunk.
    X = _data()
    fitted = IncrementalPCA(n_components=3, batch_size=40).fit(da.from_array(X, chunks=(100, -1)))
    sizes = [40, 40, 20] * 6
    _assert_same(fitted, _partial_fits(X, _slices(sizes), n_components=3), 1e-12)


def test_incremental_pca_partial_fit_on_dask_continues(dask_client):
    X = _data()
    model = IncrementalPCA(n_components=3).partial_fit(X[:200])
    model.partial_fit(da.from_array(X[200:], chunks=(200, -1)))
    _assert_same(model, _partial_fits(X, _slices((200, 200, 200)), n_components=3), 1e-12)
    Z = model.transform(da.from_array(X, chunks=(100, -1)))
    np.testing.assert_allclose(Z.compute(), model.transform(X), rtol=1e-12)
