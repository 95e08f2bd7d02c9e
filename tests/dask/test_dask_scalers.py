"""StandardScaler and MinMaxScaler on Dask arrays (issue 17): the same
statistics as the in-memory fit, lazy transforms, on a 2-process
LocalCluster."""

import numpy as np
import pytest

from zoo.preprocessing import MinMaxScaler, StandardScaler

da = pytest.importorskip("dask.array")

pytestmark = pytest.mark.usefixtures("dask_client")

CHUNKINGS = pytest.mark.parametrize("chunks", [250, 2000, (700, 1, 999, 300)], ids=["even", "single", "uneven"])


def _data(n=2000, d=5, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, d) + rng.normal(size=d) * 1e3
    X[:, -1] = 7.0  # a constant feature: scale 1
    return X.astype(dtype), rng.uniform(0, 3, n)


def _same_standard(memory, distributed, rtol=1e-12):
    for name in ("mean_", "var_", "scale_"):
        a, b = getattr(memory, name), getattr(distributed, name)
        if a is None:
            assert b is None, name
        else:
            np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol * np.abs(a).max(), err_msg=name)
    assert distributed.n_samples_seen_ == pytest.approx(memory.n_samples_seen_, rel=1e-13)
    assert type(distributed.n_samples_seen_) is type(memory.n_samples_seen_)
    assert distributed.n_features_in_ == memory.n_features_in_


@CHUNKINGS
def test_standard_scaler_equals_in_memory(chunks):
    X, _ = _data()
    dX = da.from_array(X, chunks=(chunks, -1))
    memory = StandardScaler().fit(X)
    distributed = StandardScaler().fit(dX)
    _same_standard(memory, distributed)
    assert distributed.scale_[-1] == 1.0
    out = distributed.transform(dX)
    assert isinstance(out, da.Array) and out.dtype == X.dtype
    np.testing.assert_allclose(out.compute(), memory.transform(X), rtol=1e-10, atol=1e-12)
    back = distributed.inverse_transform(out)
    assert isinstance(back, da.Array)
    np.testing.assert_allclose(back.compute(), X, rtol=1e-12)


@pytest.mark.parametrize("with_mean, with_std", [(True, False), (False, True), (False, False)])
def test_standard_scaler_options(with_mean, with_std):
    X, _ = _data()
    dX = da.from_array(X, chunks=(300, -1))
    memory = StandardScaler(with_mean=with_mean, with_std=with_std).fit(X)
    distributed = StandardScaler(with_mean=with_mean, with_std=with_std).fit(dX)
    _same_standard(memory, distributed)
    np.testing.assert_allclose(distributed.transform(dX).compute(), memory.transform(X), rtol=1e-10, atol=1e-12)


def test_standard_scaler_sample_weight():
    X, w = _data()
    w[:500] = 0.0  # whole chunks without weight
    memory = StandardScaler().fit(X, sample_weight=w)
    dX = da.from_array(X, chunks=(250, -1))
    for weight in (w, da.from_array(w, chunks=333)):
        _same_standard(memory, StandardScaler().fit(dX, sample_weight=weight))
    _same_standard(StandardScaler().fit(X, sample_weight=0.5), StandardScaler().fit(dX, sample_weight=0.5))
    with pytest.raises(ValueError, match="at least one positive weight"):
        StandardScaler().fit(dX, sample_weight=np.zeros(len(X)))
    with pytest.raises(ValueError, match="non-negative"):
        StandardScaler().fit(dX, sample_weight=-w)


def test_standard_scaler_partial_fit_mixes_dask_and_numpy():
    X, _ = _data()
    scaler = StandardScaler().partial_fit(da.from_array(X[:1200], chunks=(300, -1)))
    scaler.partial_fit(X[1200:1500])
    scaler.partial_fit(da.from_array(X[1500:], chunks=(128, -1)))
    _same_standard(StandardScaler().fit(X), scaler)
    with pytest.raises(ValueError, match="expecting 5 features"):
        scaler.partial_fit(da.from_array(X[:, :3], chunks=(100, -1)))


def test_chunks_of_one_row():
    X, _ = _data(n=12, d=3)
    dX = da.from_array(X, chunks=(1, -1))
    _same_standard(StandardScaler().fit(X), StandardScaler().fit(dX))
    memory, distributed = MinMaxScaler().fit(X), MinMaxScaler().fit(dX)
    np.testing.assert_array_equal(distributed.data_min_, memory.data_min_)
    np.testing.assert_array_equal(distributed.transform(dX).compute(), memory.transform(X))


def test_float32():
    X, w = _data(dtype=np.float32)
    dX = da.from_array(X, chunks=(256, -1))
    memory = StandardScaler().fit(X, sample_weight=w)
    distributed = StandardScaler().fit(dX, sample_weight=w)
    _same_standard(memory, distributed)  # statistics in float64 either way
    out = distributed.transform(dX)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.compute(), memory.transform(X), rtol=1e-6, atol=1e-6)
    memory, distributed = MinMaxScaler().fit(X), MinMaxScaler().fit(dX)
    np.testing.assert_array_equal(distributed.data_max_, memory.data_max_)
    assert distributed.transform(dX).dtype == np.float32


@CHUNKINGS
@pytest.mark.parametrize("clip", [False, True])
def test_min_max_scaler_equals_in_memory(chunks, clip):
    X, _ = _data()
    dX = da.from_array(X, chunks=(chunks, -1))
    memory = MinMaxScaler(feature_range=(-2, 3), clip=clip).fit(X)
    distributed = MinMaxScaler(feature_range=(-2, 3), clip=clip).fit(dX)
    for name in ("data_min_", "data_max_", "data_range_", "scale_", "min_"):
        np.testing.assert_array_equal(getattr(distributed, name), getattr(memory, name), err_msg=name)
    assert distributed.n_samples_seen_ == memory.n_samples_seen_ == 2000
    unseen = da.from_array(X * 1.5, chunks=(300, -1))
    out = distributed.transform(unseen)
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(out.compute(), memory.transform(X * 1.5))
    np.testing.assert_allclose(distributed.inverse_transform(distributed.transform(dX)).compute(), X, rtol=1e-12)


def test_fit_transform_and_partial_fit_min_max():
    X, _ = _data()
    dX = da.from_array(X, chunks=(300, -1))
    out = MinMaxScaler().fit_transform(dX)
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(out.compute(), MinMaxScaler().fit_transform(X))
    out = StandardScaler().fit_transform(dX)
    np.testing.assert_allclose(out.compute(), StandardScaler().fit_transform(X), rtol=1e-10, atol=1e-12)
    scaler = MinMaxScaler().partial_fit(X[:700]).partial_fit(da.from_array(X[700:], chunks=(400, -1)))
    np.testing.assert_array_equal(scaler.data_max_, MinMaxScaler().fit(X).data_max_)
    assert scaler.n_samples_seen_ == 2000


def test_transform_never_writes_into_dask_blocks():
    X, _ = _data(n=400)
    original = X.copy()
    dX = da.from_array(X, chunks=(100, -1))
    StandardScaler().fit(X).transform(dX, copy=False).compute()
    MinMaxScaler().fit(X).transform(dX, copy=False).compute()
    StandardScaler().fit(X).inverse_transform(dX, copy=False).compute()
    np.testing.assert_array_equal(X, original)


def test_refusals():
    X, _ = _data(n=200)
    with pytest.raises(ValueError, match="chunked along its features"):
        StandardScaler().fit(da.from_array(X, chunks=(50, 2)))
    with pytest.raises(ValueError, match="chunked along its features"):
        MinMaxScaler().fit(da.from_array(X, chunks=(50, 2)))
    bad = X.copy()
    bad[120, 0] = np.inf
    # Checked in the worker that holds the chunk; the error comes back.
    with pytest.raises(ValueError, match="infinity"):
        StandardScaler().fit(da.from_array(bad, chunks=(50, -1)))
    with pytest.raises(ValueError, match="infinity"):
        MinMaxScaler().fit(da.from_array(bad, chunks=(50, -1)))
    with pytest.raises(ValueError, match="feature_range"):
        MinMaxScaler(feature_range=(1, 0)).fit(da.from_array(X, chunks=(50, -1)))
