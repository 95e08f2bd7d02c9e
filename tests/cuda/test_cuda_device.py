"""device="cpu"|"cuda": honest answers from zoo.cuda, clear errors where no
GPU can be used, and (on a GPU) KMeans on the device equal to the CPU fit."""

import numpy as np
import pytest

import zoo
import zoo.cuda
from zoo import KMeans, NotFittedError

# GPU tests run where zoo.cuda finds a usable GPU and skip elsewhere (CI has none), saying why.
needs_gpu = pytest.mark.skipif(
    not zoo.cuda.is_available(), reason=f"no usable CUDA GPU: {zoo.cuda.unavailable_reason()}"
)


def test_the_answers_agree_with_each_other():
    count = zoo.cuda.device_count()
    assert isinstance(count, int) and count >= 0
    assert zoo.cuda.is_available() == (count > 0)
    reason = zoo.cuda.unavailable_reason()
    assert (reason is None) == zoo.cuda.is_available()
    if reason is not None:
        assert "CUDA" in reason


def test_check_device_refuses_unknown_names():
    with pytest.raises(ValueError, match="'cpu' or 'cuda'; got 'gpu'"):
        zoo.cuda.check_device("gpu")
    assert zoo.cuda.check_device("cpu") == "cpu"


def test_kmeans_refuses_an_unknown_device_before_any_work():
    with pytest.raises(ValueError, match="device"):
        KMeans(2, device="tpu").fit(np.zeros((4, 2)))


@pytest.mark.skipif(zoo.cuda.is_available(), reason="a GPU is present: device='cuda' works here")
def test_kmeans_on_cuda_without_a_gpu_says_what_is_missing_and_loses_nothing():
    X = np.random.default_rng(0).normal(size=(50, 3))
    model = KMeans(3, device="cuda", random_state=0)
    with pytest.raises(RuntimeError, match="device='cuda' cannot be used: .*CUDA"):
        model.fit(X)
    with pytest.raises(NotFittedError):
        model.predict(X)
    fitted = KMeans(3, random_state=0).fit(X)
    with pytest.raises(RuntimeError, match="device='cuda'"):
        fitted.set_params(device="cuda").fit(X)
    assert fitted.cluster_centers_.shape == (3, 3)  # the earlier fit is kept


def test_kmeans_device_is_a_parameter_like_the_others():
    model = KMeans(4, device="cuda")
    assert model.get_params()["device"] == "cuda"
    assert KMeans().device == "cpu"


def test_kmeans_on_cuda_refuses_a_dask_array():
    da = pytest.importorskip("dask.array")
    X = da.from_array(np.zeros((8, 2)), chunks=(4, 2))
    with pytest.raises(ValueError, match="Dask fit runs on the workers' CPUs"):
        KMeans(2, device="cuda").fit(X)


@needs_gpu
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kmeans_on_the_gpu_reaches_the_cpu_fit_from_the_same_centres(dtype):
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=3.0, size=(16, 8))
    X = (centres[rng.integers(0, 16, 20_000)] + rng.normal(size=(20_000, 8))).astype(dtype)
    init = X[:16].copy()
    cpu = KMeans(16, init=init, algorithm="lloyd").fit(X)
    gpu = KMeans(16, init=init, device="cuda").fit(X)
    rtol = 1e-9 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(gpu.inertia_, cpu.inertia_, rtol=rtol)
    np.testing.assert_allclose(gpu.cluster_centers_, cpu.cluster_centers_, rtol=rtol, atol=rtol)
    assert gpu.cluster_centers_.dtype == dtype
    assert np.mean(gpu.labels_ == cpu.labels_) > 0.999
    assert abs(gpu.n_iter_ - cpu.n_iter_) <= 1


@needs_gpu
def test_kmeans_on_the_gpu_relocates_an_empty_cluster():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.1, 10.0], [5.0, 5.0]])
    init = np.array([[0.0, 0.0], [10.0, 10.0], [100.0, 100.0]])  # the third starts empty
    gpu = KMeans(3, init=init, device="cuda").fit(X)
    cpu = KMeans(3, init=init, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(gpu.cluster_centers_, cpu.cluster_centers_)
    np.testing.assert_array_equal(gpu.labels_, cpu.labels_)
