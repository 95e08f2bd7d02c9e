"""The Autoencoder with device="cuda", and what the GPU trainer sends to the
device each epoch (all of the data, only new inputs, or nothing)."""

import numpy as np
import pytest

import zoo.cuda
from zoo import MLPClassifier, NotFittedError
from zoo.nn._gpu import _Trainer
from zoo.nn._model import TrainingSet
from zoo.unsupervised.autoencoder import Autoencoder

needs_gpu = pytest.mark.skipif(
    not zoo.cuda.is_available(), reason=f"no usable CUDA GPU: {zoo.cuda.unavailable_reason()}"
)


class _RecordingEngine:
    """Stands in for NetworkTrainer*: records what would go to the device."""

    def __init__(self):
        self.calls = []

    def set_data(self, X, targets, weight):
        self.calls.append(("set_data", X, targets.shape))

    def set_inputs(self, X):
        self.calls.append(("set_inputs", X))


def _recording_trainer():
    trainer = object.__new__(_Trainer)  # no device: only the upload decisions
    trainer.engine, trainer.data = _RecordingEngine(), None
    return trainer


def test_the_trainer_sends_the_data_once_and_only_new_inputs_after():
    X = np.ones((6, 3), dtype=np.float32)
    targets, weight = np.zeros(6, dtype=np.float32), np.ones(6, dtype=np.float32)
    trainer = _recording_trainer()
    data = TrainingSet(X, targets, weight)
    trainer.upload(data)
    trainer.upload(data)  # the same set, unchanged: nothing goes up
    assert [call[0] for call in trainer.engine.calls] == ["set_data"]
    assert trainer.engine.calls[0][2] == (6, 1)  # 1-D targets go up as a column

    augmented = TrainingSet(X + 1, targets, weight)  # new inputs for the same rows
    trainer.upload(augmented)
    assert trainer.engine.calls[-1][0] == "set_inputs" and trainer.engine.calls[-1][1] is augmented.X

    refilled = TrainingSet(X, targets, weight, fresh_inputs=True)  # rewritten in place each epoch
    trainer.upload(refilled)
    trainer.upload(refilled)
    assert [call[0] for call in trainer.engine.calls[-2:]] == ["set_inputs", "set_inputs"]

    trainer.upload(TrainingSet(X, targets.copy(), weight))  # other targets: a new data set
    assert trainer.engine.calls[-1][0] == "set_data"


def test_the_autoencoder_device_is_a_checked_parameter():
    assert Autoencoder().device == "cpu"
    with pytest.raises(ValueError, match="device"):
        Autoencoder(device="gpu").fit(np.zeros((4, 2)))


@pytest.mark.skipif(zoo.cuda.is_available(), reason="a GPU is present: device='cuda' works here")
def test_an_autoencoder_on_cuda_without_a_gpu_says_what_is_missing_and_loses_nothing():
    X = np.random.default_rng(0).normal(size=(40, 5))
    model = Autoencoder((3,), epochs=2, device="cuda", random_state=0)
    with pytest.raises(RuntimeError, match="device='cuda' cannot be used"):
        model.fit(X)
    with pytest.raises(NotFittedError):
        model.transform(X)
    fitted = Autoencoder((3,), epochs=2, random_state=0).fit(X)
    params = fitted.params_.copy()
    with pytest.raises(RuntimeError, match="device='cuda'"):
        fitted.set_params(device="cuda", warm_start=True).fit(X)
    np.testing.assert_array_equal(fitted.params_, params)


def test_an_autoencoder_on_cuda_refuses_a_dask_array():
    da = pytest.importorskip("dask.array")
    X = da.from_array(np.zeros((8, 2)), chunks=(4, 2))
    with pytest.raises(ValueError, match="Dask fit runs on the workers' CPUs"):
        Autoencoder((1,), device="cuda").fit(X)


def _pair(cls, X, *args, **params):
    return [cls(*args, random_state=0, device=device, **params).fit(X) for device in ("cpu", "cuda")]


@needs_gpu
@pytest.mark.parametrize("params", [
    {},
    {"loss": "binary_crossentropy", "output_activation": "sigmoid"},
    {"denoising": 0.3, "noise": "mask"},
    {"denoising": 0.1, "batch_size": 50},
])
def test_an_autoencoder_fit_on_the_gpu_is_the_cpu_fit(params):
    X = np.random.default_rng(4).random((300, 12))
    cpu, gpu = _pair(Autoencoder, X, (8, 3), epochs=3, dtype="float64", **params)
    np.testing.assert_allclose(gpu.params_, cpu.params_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gpu.history_["loss"], cpu.history_["loss"], rtol=1e-9)


@needs_gpu
def test_augmented_inputs_go_up_every_epoch():
    def shift(X, random_state):
        return X + np.random.default_rng(random_state).normal(scale=0.1, size=X.shape)

    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] > 0).astype(int)
    cpu, gpu = (MLPClassifier((8,), epochs=3, dtype="float64", random_state=0, device=device).fit(X, y, augment=shift)
                for device in ("cpu", "cuda"))
    np.testing.assert_allclose(gpu.params_, cpu.params_, rtol=1e-9, atol=1e-12)


@needs_gpu
def test_the_batch_size_may_change_between_fits_of_one_trainer():
    X = np.random.default_rng(6).random((256, 10)).astype(np.float32)
    fits = []
    for device in ("cpu", "cuda"):
        model = Autoencoder((6, 2), epochs=1, batch_size=16, random_state=0, device=device).fit(X)
        model.set_params(warm_start=True, epochs=2, batch_size=64).fit(X)  # a larger workspace
        model.set_params(epochs=3, batch_size=8).fit(X)  # a smaller batch in the larger one
        fits.append(model)
    np.testing.assert_allclose(fits[1].params_, fits[0].params_, rtol=2e-4, atol=2e-5)
