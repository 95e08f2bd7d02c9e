"""LogisticRegression on Dask arrays (zoo.dask._logistic): L-BFGS on the
client over losses and gradients summed chunk by chunk in the workers, the
same objective and optimum as the in-memory fit."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from zoo.dask._logistic import lbfgs  # noqa: E402
from zoo.supervised.logistic import LogisticRegression, penalised_objective  # noqa: E402


def _data(n=1200, d=5, n_classes=2, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(d, n_classes))
    y = np.argmax(X @ W + rng.gumbel(size=(n, n_classes)), axis=1)
    return X.astype(dtype), y


def _assert_same_fit(on_dask, in_memory, X, y, sample_weight=None, rtol=1e-8, coef_atol=1e-6):
    np.testing.assert_array_equal(on_dask.classes_, in_memory.classes_)
    assert on_dask.n_features_in_ == in_memory.n_features_in_
    assert on_dask.coef_.dtype == in_memory.coef_.dtype
    params = {"C": in_memory.C, "penalty": in_memory.penalty}
    weight = sample_weight
    f_dask = penalised_objective(on_dask, X, y, weight, **params)
    f_memory = penalised_objective(in_memory, X, y, weight, **params)
    assert f_dask == pytest.approx(f_memory, rel=rtol)
    np.testing.assert_allclose(on_dask.coef_, in_memory.coef_, atol=coef_atol, rtol=0)
    np.testing.assert_allclose(on_dask.intercept_, in_memory.intercept_, atol=coef_atol, rtol=0)
    np.testing.assert_array_equal(on_dask.predict(X), in_memory.predict(X))


@pytest.mark.parametrize("n_classes", [2, 4])
def test_matches_in_memory_fit(dask_client, n_classes):
    X, y = _data(n_classes=n_classes)
    params = {"tol": 1e-10, "max_iter": 500}
    in_memory = LogisticRegression(**params).fit(X, y)
    on_dask = LogisticRegression(**params).fit(da.from_array(X, chunks=(250, -1)), da.from_array(y, chunks=250))
    _assert_same_fit(on_dask, in_memory, X, y)
    # Same solver, same path: the iteration counts agree too.
    assert abs(int(on_dask.n_iter_[0]) - int(in_memory.n_iter_[0])) <= 2


def test_default_tolerance_reaches_the_same_objective(dask_client):
    X, y = _data(n_classes=3, seed=1)
    in_memory = LogisticRegression().fit(X, y)
    on_dask = LogisticRegression().fit(da.from_array(X, chunks=(300, -1)), y)
    f_memory = penalised_objective(in_memory, X, y)
    assert penalised_objective(on_dask, X, y) == pytest.approx(f_memory, rel=1e-6)


@pytest.mark.parametrize("chunks", [(97, 400, 13, 500, 190), (1200,)])
def test_uneven_and_single_chunks(dask_client, chunks):
    X, y = _data()
    params = {"tol": 1e-10, "max_iter": 500}
    in_memory = LogisticRegression(**params).fit(X, y)
    on_dask = LogisticRegression(**params).fit(da.from_array(X, chunks=(chunks, -1)), da.from_array(y, chunks=(chunks,)))
    _assert_same_fit(on_dask, in_memory, X, y)


def test_chunks_of_one_row(dask_client):
    X, y = _data(n=12, d=3, seed=3)
    params = {"tol": 1e-10, "max_iter": 500}
    in_memory = LogisticRegression(**params).fit(X, y)
    on_dask = LogisticRegression(**params).fit(da.from_array(X, chunks=(1, -1)), da.from_array(y, chunks=1))
    _assert_same_fit(on_dask, in_memory, X, y)


def test_sample_weight_class_weight_and_no_intercept(dask_client):
    X, y = _data(n_classes=3, seed=4)
    weight = np.random.default_rng(5).uniform(0, 3, size=X.shape[0])
    weight[:40] = 0.0
    for params in ({"class_weight": "balanced"}, {"class_weight": {0: 2.0, 2: 0.5}, "fit_intercept": False},
                   {"penalty": None}, {"C": 0.05}):
        params = {"tol": 1e-10, "max_iter": 500, **params}
        in_memory = LogisticRegression(**params).fit(X, y, sample_weight=weight)
        on_dask = LogisticRegression(**params).fit(da.from_array(X, chunks=(250, -1)), y,
                                                   sample_weight=da.from_array(weight, chunks=250))
        folded = in_memory.class_weight
        effective = weight.copy()
        if folded == "balanced":
            counts = np.bincount(y)
            effective *= (y.shape[0] / (3 * counts))[y]
        elif folded is not None:
            effective *= np.array([folded.get(c, 1.0) for c in range(3)])[y]
        if params.get("fit_intercept", True):
            _assert_same_fit(on_dask, in_memory, X, y, effective)
        else:
            np.testing.assert_allclose(on_dask.coef_, in_memory.coef_, atol=1e-6)
            np.testing.assert_array_equal(on_dask.intercept_, 0.0)


def test_float32_and_string_labels(dask_client):
    X, y = _data(seed=6, dtype=np.float32)
    labels = np.array(["no", "yes"])[y]
    params = {"tol": 1e-5, "max_iter": 500}
    in_memory = LogisticRegression(**params).fit(X, labels)
    on_dask = LogisticRegression(**params).fit(da.from_array(X, chunks=(250, -1)), da.from_array(labels, chunks=250))
    assert on_dask.coef_.dtype == np.float32
    np.testing.assert_array_equal(on_dask.classes_, ["no", "yes"])
    f_memory = penalised_objective(in_memory, X, labels)
    assert penalised_objective(on_dask, X, labels) == pytest.approx(f_memory, rel=1e-5)
    np.testing.assert_allclose(on_dask.coef_, in_memory.coef_, atol=1e-3)


def test_predict_methods_are_lazy_on_dask_input(dask_client):
    X, y = _data(n_classes=3, seed=7)
    model = LogisticRegression().fit(X, y)
    X_dask = da.from_array(X, chunks=(300, -1))
    for method in ("predict", "predict_proba", "decision_function", "predict_log_proba"):
        lazy = getattr(model, method)(X_dask)
        assert isinstance(lazy, da.Array)
        np.testing.assert_array_equal(lazy.compute(), getattr(model, method)(X))


def test_dask_fit_keeps_the_estimator_contract(dask_client, tmp_path):
    import zoo

    X, y = _data(seed=8)
    model = LogisticRegression().fit(da.from_array(X, chunks=(400, -1)), da.from_array(y, chunks=400))
    assert model.score(X, y) > 0.7
    path = tmp_path / "logistic.zoo"
    model.save(path)
    np.testing.assert_array_equal(zoo.load(path).predict(X), model.predict(X))


def test_warm_start_and_max_iter(dask_client):
    X, y = _data(seed=9)
    X_dask = da.from_array(X, chunks=(300, -1))
    model = LogisticRegression(max_iter=2)
    with pytest.warns(Warning, match="max_iter"):
        model.fit(X_dask, y)
    assert model.n_iter_[0] == 2
    model.set_params(warm_start=True, max_iter=500, tol=1e-10).fit(X_dask, y)
    reference = LogisticRegression(tol=1e-10, max_iter=500).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-6)


def test_refusals(dask_client):
    X, y = _data(n=200)
    with pytest.raises(ValueError, match="chunked along its features"):
        LogisticRegression().fit(da.from_array(X, chunks=(50, 2)), y)
    with pytest.raises(ValueError, match="L-BFGS"):
        LogisticRegression(penalty="l1").fit(da.from_array(X, chunks=(50, -1)), y)
    with pytest.raises(ValueError, match="one row per row of X"):
        LogisticRegression().fit(da.from_array(X, chunks=(50, -1)), y[:-1])
    with pytest.raises(ValueError, match="at least 2 classes"):
        LogisticRegression().fit(da.from_array(X, chunks=(50, -1)), np.zeros(200))
    bad = X.copy()
    bad[123, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(da.from_array(bad, chunks=(50, -1)), y)
    with pytest.raises(ValueError, match="negative"):
        LogisticRegression().fit(da.from_array(X, chunks=(50, -1)), y, sample_weight=-np.ones(200))
    with pytest.raises(ValueError, match="sum to zero"):
        LogisticRegression().fit(da.from_array(X, chunks=(50, -1)), y, sample_weight=np.zeros(200))


def test_lbfgs_port_minimises_a_quadratic():
    A = np.diag([1.0, 10.0, 100.0])
    b = np.array([1.0, -2.0, 3.0])
    x, n_iter, status = lbfgs(lambda x: (0.5 * x @ A @ x - b @ x, A @ x - b), np.zeros(3), 100, 1e-12)
    assert status == "converged"
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-8)


def test_dask_dataframe_and_local_scheduler(dask_client):
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    import dask

    X, y = _data(n=600, n_classes=3, seed=10)
    params = {"tol": 1e-10, "max_iter": 500}
    in_memory = LogisticRegression(**params).fit(X, y)
    frame = dd.from_pandas(pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]), npartitions=4)
    labels = dd.from_pandas(pd.Series(y), npartitions=4)
    on_dask = LogisticRegression(**params).fit(frame, labels)
    _assert_same_fit(on_dask, in_memory, X, y)
    with dask.config.set(scheduler="threads"):  # no cluster: Dask's threaded scheduler in this process
        local = LogisticRegression(**params).fit(da.from_array(X, chunks=(150, -1)), y)
    _assert_same_fit(local, in_memory, X, y)
