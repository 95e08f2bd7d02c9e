"""Networks with device="cuda": the layout the GPU engine takes, clear
refusals everywhere, and (on a GPU) epochs equal to the CPU engine's from
the same weights and batch order."""

import numpy as np
import pytest

import zoo
import zoo.cuda
from zoo import MLPClassifier, MLPRegressor, NotFittedError
from zoo.nn._gpu import cublas_paths, gpu_layers
from zoo.nn._model import TrainingSet
from zoo.nn.network import ACTIVATIONS, LayerSpec, Layout

needs_gpu = pytest.mark.skipif(
    not zoo.cuda.is_available(), reason=f"no usable CUDA GPU: {zoo.cuda.unavailable_reason()}"
)


def test_gpu_layers_name_every_offset_and_the_first_unit_that_trains():
    layout = Layout([LayerSpec(4, 8, "relu"), LayerSpec(8, 3, "identity", trainable=False),
                     LayerSpec(3, 2, "tanh", bias=False, first_trainable_unit=1)])
    layers = gpu_layers(layout)
    assert layers[0] == (4, 8, int(ACTIVATIONS["relu"]), 0.0, 0, 32, 0)
    assert layers[1] == (8, 3, int(ACTIVATIONS["identity"]), 0.0, 40, 64, 3)  # frozen: no unit trains
    assert layers[2] == (3, 2, int(ACTIVATIONS["tanh"]), 0.0, 67, -1, 1)


def test_gpu_layers_carry_the_activation_parameter():
    (layer,) = gpu_layers(Layout([LayerSpec(2, 2, "leaky_relu")]))
    assert layer[3] == 0.01


@pytest.mark.parametrize("spec", [LayerSpec(4, 4, "relu", batch_norm=True), LayerSpec(4, 4, "relu", dropout=0.5)])
def test_gpu_layers_refuse_what_the_gpu_engine_lacks(spec):
    with pytest.raises(ValueError, match="batch_norm or dropout yet; use device='cpu'"):
        gpu_layers(Layout([spec]))


def test_cublas_paths_are_files_that_exist():
    for path in cublas_paths():
        assert path.endswith((".so.13", ".so.12"))


def test_a_network_trains_on_the_cpu_unless_told_otherwise():
    X = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    model = MLPRegressor((4,), epochs=1, random_state=0).fit(X, X[:, :2])
    assert model.network_.device == "cpu"  # also after a fit with device="cuda": the device is the fit loop's
    # A network unpickled from before devices existed has no `device`: it trains on the CPU.
    network = model.network_
    del network.device
    before = network.params.copy()
    data = TrainingSet(X, np.ascontiguousarray(X[:, :2]), np.ones(len(X), dtype=np.float32))
    loss = network.train_epoch(data, model._train_config(1e-2, 0, 1))[0]
    assert np.isfinite(loss) and not np.array_equal(network.params, before)


def test_mlp_device_is_a_checked_parameter():
    assert MLPClassifier().device == "cpu"
    with pytest.raises(ValueError, match="device"):
        MLPClassifier(device="gpu").fit(np.zeros((4, 2)), [0, 1, 0, 1])


@pytest.mark.skipif(zoo.cuda.is_available(), reason="a GPU is present: device='cuda' works here")
def test_mlp_on_cuda_without_a_gpu_says_what_is_missing_and_loses_nothing():
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    model = MLPClassifier((8,), epochs=2, device="cuda", random_state=0)
    with pytest.raises(RuntimeError, match="device='cuda' cannot be used"):
        model.fit(X, y)
    with pytest.raises(NotFittedError):
        model.predict(X)
    fitted = MLPClassifier((8,), epochs=2, random_state=0).fit(X, y)
    params = fitted.params_.copy()
    with pytest.raises(RuntimeError, match="device='cuda'"):
        fitted.set_params(device="cuda", warm_start=True).fit(X, y)
    np.testing.assert_array_equal(fitted.params_, params)


def test_mlp_on_cuda_refuses_a_dask_array():
    da = pytest.importorskip("dask.array")
    X = da.from_array(np.zeros((8, 2)), chunks=(4, 2))
    with pytest.raises(ValueError, match="Dask fit runs on the workers' CPUs"):
        MLPClassifier((4,), device="cuda").fit(X, np.array([0, 1] * 4))


def _twin_epochs(dtype, **params):
    """One epoch on the CPU and one on the GPU from the same weights, batch
    order (the epoch seed) and optimizer state: the two fitted models."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 6)).astype(dtype)
    y = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int)
    cpu = MLPClassifier((16, 8), epochs=1, random_state=3, dtype=np.dtype(dtype).name, **params).fit(X, y)
    gpu = MLPClassifier((16, 8), epochs=1, random_state=3, dtype=np.dtype(dtype).name, device="cuda",
                        **params).fit(X, y)
    return cpu, gpu


@needs_gpu
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("params", [
    {},
    {"optimizer": "sgd", "learning_rate": 0.05},
    {"optimizer": zoo.nn.SGD(momentum=0.9, nesterov=True), "learning_rate": 0.01},
    {"optimizer": "adamw", "activation": "gelu"},
    {"optimizer": "rmsprop", "activation": "tanh", "l1": 1e-3, "l2": 1e-3},
    {"optimizer": "adagrad", "activation": "elu", "clip_norm": 0.1},
    {"activation": "leaky_relu", "clip_value": 0.01, "batch_size": 7},
])
def test_an_epoch_on_the_gpu_is_the_cpu_epoch(dtype, params):
    cpu, gpu = _twin_epochs(dtype, **params)
    rtol = 1e-9 if dtype == np.float64 else 2e-4
    np.testing.assert_allclose(gpu.params_, cpu.params_, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(gpu.optimizer_state_, cpu.optimizer_state_, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(gpu.history_["loss"], cpu.history_["loss"], rtol=rtol)


@needs_gpu
@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_regression_losses_on_the_gpu_are_the_cpu_ones(loss):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    y = np.column_stack([X @ [1.0, -2.0, 0.5, 0.0], X[:, 0] * X[:, 1]])
    fits = [MLPRegressor((12,), epochs=2, loss=loss, dtype="float64", random_state=0, device=device).fit(X, y)
            for device in ("cpu", "cuda")]
    np.testing.assert_allclose(fits[1].params_, fits[0].params_, rtol=1e-9, atol=1e-12)


@needs_gpu
def test_frozen_layers_stay_put_on_the_gpu():
    X = np.random.default_rng(2).normal(size=(200, 5))
    y = (X[:, 0] > 0).astype(int)
    first = MLPClassifier((8, 8), epochs=1, random_state=0, device="cuda").fit(X, y)
    before = first.params_.copy()
    first.set_params(frozen_layers=[0], warm_start=True, epochs=2).fit(X, y)
    weights = slice(0, 5 * 8 + 8)  # the first layer's W and b
    np.testing.assert_array_equal(first.params_[weights], before[weights])
    assert not np.array_equal(first.params_, before)


@needs_gpu
def test_an_mlp_learns_on_the_gpu_and_refuses_batch_norm():
    X = np.random.default_rng(3).normal(size=(2_000, 10)).astype(np.float32)
    y = (X[:, :3].sum(axis=1) > 0).astype(int)
    model = MLPClassifier((32,), epochs=20, batch_size=64, random_state=0, device="cuda").fit(X, y)
    assert model.score(X, y) > 0.95
    assert model.network_.device == "cpu"  # the GPU is the fit loop's, not the network's
    with pytest.raises(ValueError, match="batch_norm or dropout yet"):
        MLPClassifier((8,), batch_norm=True, device="cuda").fit(X, y)
