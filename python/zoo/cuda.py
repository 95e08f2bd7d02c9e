"""zoo on NVIDIA GPUs: whether a GPU can be used, and why not.

The CUDA kernels are a module of their own, ``zoo._cuda``, compiled when a
CUDA compiler is found at install time (``pip install nvidia-cuda-nvcc``
provides one; the build option ``-C cmake.define.ZOO_CUDA=ON|OFF|AUTO``
forces the choice). The CUDA runtime is linked into it and loads the
NVIDIA driver on first use, so zoo imports and runs everywhere; an
estimator given ``device="cuda"`` where no GPU can be used raises a
``RuntimeError`` saying which piece is missing.

>>> import zoo.cuda
>>> zoo.cuda.device_count() >= 0
True
"""

from __future__ import annotations

import functools

__all__ = ["DEVICES", "check_device", "device_count", "is_available", "kernels", "unavailable_reason"]

DEVICES = ("cpu", "cuda")


@functools.lru_cache(maxsize=1)
def _probe():
    """(the zoo._cuda module or None, device count, why no device or "")."""
    try:
        from zoo import _cuda
    except ImportError as error:
        return None, 0, (
            "this zoo was built without its CUDA kernels: no CUDA compiler was found when it was installed "
            f"({error}). Install one (pip install nvidia-cuda-nvcc) and reinstall zoo from source."
        )
    count, reason = _cuda.device_count()
    if count == 0:
        return _cuda, 0, (
            f"zoo's CUDA kernels are built, but the CUDA runtime finds no usable GPU: {reason}. A GPU needs the "
            "NVIDIA driver (libcuda) at least as new as CUDA 13 and a visible device (see CUDA_VISIBLE_DEVICES)."
        )
    return _cuda, int(count), ""


def device_count() -> int:
    """How many CUDA devices zoo can use (0 without kernels, driver or GPU)."""
    return _probe()[1]


def is_available() -> bool:
    """Whether ``device="cuda"`` will work in this process."""
    return device_count() > 0


def unavailable_reason() -> str | None:
    """Why ``device="cuda"`` cannot work here, or None when it can."""
    reason = _probe()[2]
    return reason or None


def check_device(device, estimator=None) -> str:
    """``device`` checked: "cpu", or "cuda" when a GPU can be used; a
    ValueError for any other value, a RuntimeError saying what is missing
    for "cuda" without a usable GPU."""
    owner = f"{type(estimator).__name__}: " if estimator is not None else ""
    if device not in DEVICES:
        raise ValueError(f"{owner}device must be 'cpu' or 'cuda'; got {device!r}")
    if device == "cuda" and not is_available():
        raise RuntimeError(f"{owner}device='cuda' cannot be used: {unavailable_reason()}")
    return device


def kernels():
    """The zoo._cuda module, when a GPU can be used (else the RuntimeError
    of ``check_device``)."""
    check_device("cuda")
    return _probe()[0]
