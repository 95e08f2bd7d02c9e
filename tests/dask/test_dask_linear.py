"""LinearRegression, Ridge, Lasso and ElasticNet on Dask arrays (issue 17):
the same coefficients as the in-memory fit, on a 2-process LocalCluster."""

import numpy as np
import pytest

import zoo

da = pytest.importorskip("dask.array")

pytestmark = pytest.mark.usefixtures("dask_client")

MODELS = {
    "LinearRegression": lambda: zoo.LinearRegression(),
    "Ridge": lambda: zoo.Ridge(alpha=2.5),
    "Lasso": lambda: zoo.Lasso(alpha=0.02, tol=1e-10, max_iter=5000),
    "ElasticNet": lambda: zoo.ElasticNet(alpha=0.02, l1_ratio=0.4, tol=1e-10, max_iter=5000),
    "LinearRegression-positive": lambda: zoo.LinearRegression(positive=True),
    "Ridge-positive": lambda: zoo.Ridge(alpha=2.5, positive=True),
}


def _data(n=2000, d=6, k=None, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3, d) + rng.normal(size=d) * 5
    coef = rng.normal(size=(d,) if k is None else (d, k))
    y = X @ coef + 3.0 + 0.1 * rng.normal(size=(n,) if k is None else (n, k))
    return X.astype(dtype), y.astype(dtype), rng.uniform(0, 3, n)


def _same_fit(memory, distributed, rtol):
    np.testing.assert_allclose(distributed.coef_, memory.coef_, rtol=rtol, atol=rtol * np.abs(memory.coef_).max())
    np.testing.assert_allclose(distributed.intercept_, memory.intercept_, rtol=rtol, atol=rtol)
    assert distributed.coef_.dtype == memory.coef_.dtype
    assert np.shape(distributed.intercept_) == np.shape(memory.intercept_)
    assert distributed.n_features_in_ == memory.n_features_in_
    assert distributed.solver_ == memory.solver_


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("chunks", [300, 2000, (700, 1, 999, 300)], ids=["even", "single", "uneven"])
def test_dask_fit_equals_in_memory(name, chunks):
    X, y, _ = _data()
    memory = MODELS[name]().fit(X, y)
    distributed = MODELS[name]().fit(da.from_array(X, chunks=(chunks, -1)), y)
    _same_fit(memory, distributed, 1e-10)


@pytest.mark.parametrize("name", MODELS)
def test_sample_weight_dask_and_numpy(name):
    X, y, w = _data()
    w[:400] = 0.0  # whole chunks of zero weight are skipped in the merge
    memory = MODELS[name]().fit(X, y, sample_weight=w)
    dX = da.from_array(X, chunks=(200, -1))
    for weight in (w, da.from_array(w, chunks=333)):
        distributed = MODELS[name]().fit(dX, da.from_array(y, chunks=500), sample_weight=weight)
        _same_fit(memory, distributed, 1e-10)
    scalar = MODELS[name]().fit(dX, y, sample_weight=2.0)
    _same_fit(MODELS[name]().fit(X, y, sample_weight=2.0), scalar, 1e-10)


@pytest.mark.parametrize("name", MODELS)
def test_fit_intercept_false_and_two_targets(name):
    X, y, _ = _data(k=3)
    memory = MODELS[name]().set_params(fit_intercept=False).fit(X, y)
    distributed = MODELS[name]().set_params(fit_intercept=False).fit(da.from_array(X, chunks=(450, -1)), y)
    _same_fit(memory, distributed, 1e-10)
    assert distributed.coef_.shape == (3, 6)


@pytest.mark.parametrize("name", MODELS)
def test_chunks_of_one_row(name):
    X, y, _ = _data(n=12, d=3)
    memory = MODELS[name]().set_params(**({"precompute": True} if "Net" in name or "Lasso" in name else {})).fit(X, y)
    distributed = MODELS[name]().fit(da.from_array(X, chunks=(1, -1)), y)
    _same_fit(memory, distributed, 1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_float32(name):
    X, y, w = _data(dtype=np.float32)
    memory = MODELS[name]().fit(X, y, sample_weight=w)
    distributed = MODELS[name]().fit(da.from_array(X, chunks=(256, -1)), y, sample_weight=w)
    # Moments in float64 either way; the coefficients are rounded to float32.
    _same_fit(memory, distributed, 1e-5)
    assert distributed.coef_.dtype == np.float32


def test_predict_is_lazy_and_equals_in_memory():
    X, y, _ = _data()
    model = zoo.Ridge(alpha=1.0).fit(da.from_array(X, chunks=(300, -1)), y)
    predicted = model.predict(da.from_array(X, chunks=(450, -1)))
    assert isinstance(predicted, da.Array)
    assert predicted.shape == (2000,)
    np.testing.assert_array_equal(predicted.compute(), model.predict(X))
    assert model.score(X, y) > 0.99


def test_extreme_magnitudes_are_scaled_per_chunk():
    # y near 1e300 and weights near 1e300: the squares overflow unscaled.
    X, y, w = _data(n=600, d=3)
    y, w = y * 1e300 / np.abs(y).max(), w * 1e300
    memory = zoo.Ridge(alpha=1.0).fit(X, y, sample_weight=w)
    distributed = zoo.Ridge(alpha=1.0).fit(da.from_array(X, chunks=(100, -1)), y, sample_weight=w)
    assert np.all(np.isfinite(distributed.coef_))
    np.testing.assert_allclose(distributed.coef_, memory.coef_, rtol=1e-9)
    # Only one chunk of huge features: the chunks' scales differ and merge.
    X2 = X.copy()
    X2[:100] *= 1e200
    memory = zoo.LinearRegression().fit(X2, y / 1e290)
    distributed = zoo.LinearRegression().fit(da.from_array(X2, chunks=(100, -1)), y / 1e290)
    np.testing.assert_allclose(distributed.coef_, memory.coef_, rtol=1e-6)


def test_rank_deficient_least_squares_is_minimum_norm():
    X, y, _ = _data(n=500, d=4)
    X = np.column_stack([X, X[:, 0] + X[:, 1]])  # exactly dependent
    memory = zoo.LinearRegression().fit(X, y)
    assert memory.solver_ == "svd"
    distributed = zoo.LinearRegression().fit(da.from_array(X, chunks=(120, -1)), y)
    assert distributed.solver_ == "eigh" and distributed.rank_ == 4 == memory.rank_
    np.testing.assert_allclose(distributed.coef_, memory.coef_, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(distributed.intercept_, memory.intercept_, rtol=1e-8)


def test_ill_conditioned_refused_clearly():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 3))
    # Condition ~1e5: the Gram's ~1e10, past Cholesky's bound yet far above round-off.
    X[:, 2] = X[:, 0] + 1e-5 * rng.normal(size=400)
    y = X.sum(axis=1)
    dX = da.from_array(X, chunks=(100, -1))
    with pytest.raises(ValueError, match="too ill-conditioned for the normal equations"):
        zoo.LinearRegression().fit(dX, y)
    with pytest.raises(ValueError, match="too ill-conditioned"):
        zoo.Ridge(alpha=0.0).fit(dX, y)
    with pytest.raises(ValueError, match="solver='cholesky'"):
        zoo.LinearRegression(solver="cholesky").fit(da.from_array(np.column_stack([X, X[:, 0]]), chunks=(100, -1)), y)


def test_refusals():
    X, y, w = _data(n=200, d=4)
    with pytest.raises(ValueError, match="chunked along its features"):
        zoo.LinearRegression().fit(da.from_array(X, chunks=(50, 2)), y)
    with pytest.raises(ValueError, match="requires y"):
        zoo.Lasso().fit(da.from_array(X, chunks=(50, -1)), None)
    with pytest.raises(ValueError, match="one row per row of X"):
        zoo.Ridge().fit(da.from_array(X, chunks=(50, -1)), y[:-1])
    with pytest.raises(ValueError, match="at least one positive weight"):
        zoo.Ridge().fit(da.from_array(X, chunks=(50, -1)), y, sample_weight=np.zeros(200))
    bad = X.copy()
    bad[150, 1] = np.nan
    # Checked in the worker that holds the chunk; the error comes back.
    with pytest.raises(ValueError, match="NaN"):
        zoo.ElasticNet().fit(da.from_array(bad, chunks=(50, -1)), y)
    with pytest.raises(ValueError, match="non-negative"):
        zoo.Ridge().fit(da.from_array(X, chunks=(50, -1)), y, sample_weight=-w)


def test_dask_fit_saves_and_loads(tmp_path):
    X, y, _ = _data(n=300, d=3)
    model = zoo.ElasticNet(alpha=0.01).fit(da.from_array(X, chunks=(100, -1)), y)
    model.save(tmp_path / "enet")
    loaded = zoo.load(tmp_path / "enet")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    Xr = np.column_stack([X, X[:, 0]])
    eigh = zoo.LinearRegression().fit(da.from_array(Xr, chunks=(100, -1)), y)
    eigh.save(tmp_path / "ols")
    assert zoo.load(tmp_path / "ols").solver_ == "eigh"
