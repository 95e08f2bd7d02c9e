"""MLPClassifier, MLPRegressor, MLP and Autoencoder on Dask arrays
(zoo.dask._networks): local SGD across workers; with one worker, the
in-memory fit bit for bit."""

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

import zoo  # noqa: E402
from zoo.dask import fit_data_parallel  # noqa: E402
from zoo.dask._networks import epoch_order  # noqa: E402
from zoo.supervised.mlp import MLP, MLPClassifier, MLPRegressor  # noqa: E402
from zoo.unsupervised.autoencoder import Autoencoder  # noqa: E402

SMALL = {"hidden_layer_sizes": (8,), "epochs": 3, "batch_size": 16, "random_state": 0, "n_jobs": 1}


def _classes(n=600, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)
    return X, y


def _values(n=600, d=4, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    Y = np.column_stack([X @ np.array([1.0, -2.0, 0.5, 0.0]), np.sin(X[:, 0])])
    return X, Y


def _same_network(a, b):
    np.testing.assert_array_equal(a.params_, b.params_)
    np.testing.assert_array_equal(a.buffers_, b.buffers_)
    np.testing.assert_array_equal(a.optimizer_state_, b.optimizer_state_)
    assert a.n_steps_ == b.n_steps_ and a.n_epochs_ == b.n_epochs_
    assert a.n_features_in_ == b.n_features_in_


@pytest.mark.parametrize("sync_every", [1, 7, 1000])
def test_one_worker_equals_in_memory_bit_for_bit(dask_client, sync_every):
    X, y = _classes()
    weight = np.random.default_rng(2).uniform(0.5, 2.0, size=X.shape[0])
    in_memory = MLPClassifier(**SMALL).fit(X, y, sample_weight=weight)
    on_dask = fit_data_parallel(MLPClassifier(**SMALL), da.from_array(X, chunks=(97, -1)), da.from_array(y, chunks=97),
                                sample_weight=weight, sync_every=sync_every, n_workers=1)
    _same_network(on_dask, in_memory)
    np.testing.assert_array_equal(on_dask.classes_, in_memory.classes_)
    np.testing.assert_array_equal(on_dask.predict(X), in_memory.predict(X))
    assert on_dask.history_["loss"] == pytest.approx(in_memory.history_["loss"], rel=1e-5)
    assert on_dask.history_["accuracy"] == pytest.approx(in_memory.history_["accuracy"], rel=1e-12)


@pytest.mark.parametrize("options", [
    {"dtype": "float64"},
    {"batch_norm": True, "optimizer": "sgd", "learning_rate": 0.05, "l2": 1e-3, "clip_norm": 1.0},
    {"normalize": False, "shuffle": False, "lr_schedule": "cosine"},
])
def test_regressor_one_worker_bit_for_bit(dask_client, options):
    X, Y = _values()
    params = {**SMALL, **options}
    in_memory = MLPRegressor(**params).fit(X, Y)
    on_dask = fit_data_parallel(MLPRegressor(**params), da.from_array(X, chunks=((50, 250, 13, 287), -1)),
                                da.from_array(Y, chunks=((50, 250, 13, 287), -1)), sync_every=5, n_workers=1)
    _same_network(on_dask, in_memory)
    assert on_dask.params_.dtype == np.dtype(params.get("dtype", "float32"))
    assert on_dask.history_["r2"] == pytest.approx(in_memory.history_["r2"], rel=1e-4)
    np.testing.assert_array_equal(on_dask.predict(X), in_memory.predict(X))


@pytest.mark.parametrize("chunks", [600, 1])
def test_single_chunk_and_one_row_chunks(dask_client, chunks):
    X, y = _classes(n=600 if chunks == 600 else 12)
    params = {**SMALL, "batch_size": 4 if chunks == 1 else 16}
    in_memory = MLPClassifier(**params).fit(X, y)
    on_dask = fit_data_parallel(MLPClassifier(**params), da.from_array(X, chunks=(chunks, -1)), y, sync_every=2,
                                n_workers=1)
    _same_network(on_dask, in_memory)


def test_without_a_client_one_shard_equals_in_memory(dask_client):
    X, y = _classes()
    in_memory = MLP(**SMALL).fit(X, y)
    with dask.config.set(scheduler="threads"):
        on_dask = MLP(**SMALL).fit(da.from_array(X, chunks=(100, -1)), y)  # fit's own routing: 1 shard here
    _same_network(on_dask, in_memory)


def test_two_workers_learn_as_well(dask_client):
    X, y = _classes(n=1200, seed=3)
    params = {**SMALL, "hidden_layer_sizes": (16,), "epochs": 10, "batch_size": 32, "learning_rate": 1e-2}
    in_memory = MLPClassifier(**params).fit(X, y)
    X_dask = da.from_array(X, chunks=(200, -1))
    on_dask = MLPClassifier(**params).fit(X_dask, da.from_array(y, chunks=200))  # one shard per worker
    assert on_dask.n_steps_ < in_memory.n_steps_  # two shards: each window step is one averaged step
    assert on_dask.score(X, y) >= in_memory.score(X, y) - 0.05
    assert on_dask.score(X, y) > 0.9
    # Synchronous SGD: twice the batch per step, so half the steps.
    synchronous = fit_data_parallel(MLPClassifier(**{**params, "epochs": 4}), X_dask, y, sync_every=1, n_workers=2)
    assert synchronous.score(X, y) > 0.85
    assert synchronous.n_steps_ == 4 * 19


def test_regression_two_workers_reach_a_comparable_loss(dask_client):
    X, Y = _values(n=1500)
    params = {**SMALL, "hidden_layer_sizes": (16,), "epochs": 20, "batch_size": 32, "learning_rate": 3e-3}
    in_memory = MLPRegressor(**params).fit(X, Y)
    on_dask = fit_data_parallel(MLPRegressor(**params), da.from_array(X, chunks=(300, -1)), Y, sync_every=4,
                                n_workers=2)
    assert on_dask.score(X, Y) > 0.8
    assert on_dask.score(X, Y) >= in_memory.score(X, Y) - 0.1


def test_predict_methods_are_lazy(dask_client):
    X, y = _classes()
    model = MLPClassifier(**SMALL).fit(X, y)
    X_dask = da.from_array(X, chunks=(128, -1))
    for method in ("predict", "predict_proba", "predict_log_proba"):
        lazy = getattr(model, method)(X_dask)
        assert isinstance(lazy, da.Array)
        np.testing.assert_array_equal(lazy.compute(), getattr(model, method)(X))
    X_values, Y = _values()
    regressor = MLPRegressor(**SMALL).fit(X_values, Y[:, 0])
    lazy = regressor.predict(da.from_array(X_values, chunks=(128, -1)))
    assert isinstance(lazy, da.Array) and lazy.ndim == 1
    np.testing.assert_array_equal(lazy.compute(), regressor.predict(X_values))


def test_autoencoder_one_worker_bit_for_bit_and_lazy_transform(dask_client):
    X, _ = _values(n=400)
    params = {"encoder_layer_sizes": (6, 2), "epochs": 3, "batch_size": 16, "random_state": 0, "n_jobs": 1}
    in_memory = Autoencoder(**params).fit(X)
    on_dask = fit_data_parallel(Autoencoder(**params), da.from_array(X, chunks=(90, -1)), sync_every=3, n_workers=1)
    _same_network(on_dask, in_memory)
    assert on_dask.n_components_ == 2
    X_dask = da.from_array(X, chunks=(90, -1))
    for method in ("transform", "reconstruct", "reconstruction_error"):
        lazy = getattr(on_dask, method)(X_dask)
        assert isinstance(lazy, da.Array)
        np.testing.assert_array_equal(lazy.compute(), getattr(in_memory, method)(X))
    codes = in_memory.transform(X)
    lazy = on_dask.inverse_transform(da.from_array(codes, chunks=(90, -1)))
    np.testing.assert_array_equal(lazy.compute(), in_memory.inverse_transform(codes))
    routed = Autoencoder(**params).fit(da.from_array(X, chunks=(90, -1)))  # fit's routing, two workers
    assert routed.score(X) > in_memory.score(X) - 0.5


def test_warm_start_continues_like_in_memory(dask_client):
    X, y = _classes()
    X_dask = da.from_array(X, chunks=(150, -1))
    in_memory = MLPClassifier(**SMALL, warm_start=True).fit(X, y).fit(X, y)
    model = MLPClassifier(**SMALL, warm_start=True)
    fit_data_parallel(model, X_dask, y, n_workers=1)
    fit_data_parallel(model, X_dask, y, n_workers=1)
    _same_network(model, in_memory)
    assert len(model.history_) == 6


def test_dask_fitted_model_saves_and_loads(dask_client, tmp_path):
    X, y = _classes()
    model = MLPClassifier(**SMALL).fit(da.from_array(X, chunks=(150, -1)), y)
    model.save(tmp_path / "mlp.zoo")
    np.testing.assert_array_equal(zoo.load(tmp_path / "mlp.zoo").predict(X), model.predict(X))


def test_string_labels_class_weight_and_validation_data(dask_client):
    X, y = _classes()
    labels = np.array(["a", "b", "c"])[y]
    params = {**SMALL, "class_weight": "balanced", "validation_data": (X[:100], labels[:100])}
    in_memory = MLPClassifier(**params).fit(X, labels)
    on_dask = fit_data_parallel(MLPClassifier(**params), da.from_array(X, chunks=(150, -1)),
                                da.from_array(labels, chunks=150), n_workers=1)
    _same_network(on_dask, in_memory)
    assert on_dask.history_["val_loss"] == pytest.approx(in_memory.history_["val_loss"], rel=1e-6)
    # The in-memory fit folds the class weights in float32; the reduction sums them in float64.
    assert on_dask.history_.baseline == pytest.approx(in_memory.history_.baseline, rel=1e-6)


def test_normalize_uses_reduced_statistics(dask_client):
    X, Y = _values()
    X = X * 10 + 3
    in_memory = MLPRegressor(**SMALL, normalize=True).fit(X, Y)
    on_dask = fit_data_parallel(MLPRegressor(**SMALL, normalize=True), da.from_array(X, chunks=(128, -1)), Y,
                                n_workers=1)
    np.testing.assert_allclose(on_dask.input_mean_, in_memory.input_mean_, rtol=1e-12)
    np.testing.assert_allclose(on_dask.input_scale_, in_memory.input_scale_, rtol=1e-12)
    np.testing.assert_allclose(on_dask.params_, in_memory.params_, rtol=1e-3, atol=1e-5)


def test_refusals(dask_client):
    X, y = _classes(n=100)
    with pytest.raises(ValueError, match="chunked along its features"):
        MLPClassifier(**SMALL).fit(da.from_array(X, chunks=(50, 2)), y)
    with pytest.raises(ValueError, match="validation_split"):
        MLPClassifier(**SMALL, validation_split=0.2).fit(da.from_array(X, chunks=(50, -1)), y)
    with pytest.raises(ValueError, match="augment"):
        MLPClassifier(**SMALL).fit(da.from_array(X, chunks=(50, -1)), y, augment=lambda X, random_state: X)
    with pytest.raises(ValueError, match="sync_every"):
        fit_data_parallel(MLPClassifier(**SMALL), da.from_array(X, chunks=(50, -1)), y, sync_every=0)
    with pytest.raises(ValueError, match="denoising"):
        Autoencoder(encoder_layer_sizes=(2,), denoising=0.1).fit(da.from_array(X, chunks=(50, -1)))
    bad = X.copy()
    bad[70, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        MLPClassifier(**SMALL).fit(da.from_array(bad, chunks=(50, -1)), y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        MLPClassifier(**SMALL).fit(da.from_array(X, chunks=(50, -1)), np.zeros(100, dtype=int))
    with pytest.raises(ValueError, match="one row per row"):
        MLPRegressor(**SMALL).fit(da.from_array(X, chunks=(50, -1)), np.zeros(99))


def test_epoch_order_is_a_permutation():
    order = epoch_order(1000, 12345)
    np.testing.assert_array_equal(np.sort(order), np.arange(1000))
    assert not np.array_equal(order, np.arange(1000))
    np.testing.assert_array_equal(epoch_order(1, 7), [0])


def test_network_object_kept_and_failed_fit_rolled_back(dask_client):
    X, y = _classes(n=200)
    model = MLPClassifier(**SMALL, warm_start=True)
    fit_data_parallel(model, da.from_array(X, chunks=(50, -1)), y)
    network, params = model.network_, model.params_.copy()
    fit_data_parallel(model, da.from_array(X, chunks=(50, -1)), y)
    assert model.network_ is network  # views and callbacks holding it stay valid
    params = model.params_.copy()
    bad = X.copy()
    bad[120, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fit_data_parallel(model, da.from_array(bad, chunks=(50, -1)), y)
    np.testing.assert_array_equal(model.params_, params)
    assert model.n_epochs_ == 6
