"""Training a zoo Network on an NVIDIA GPU (``device="cuda"``).

The epoch loop runs in ``zoo._cuda.NetworkTrainer*`` (cpp/cuda/nn_cuda.cu):
the training rows stay on the device between epochs; the parameters and
the optimizer moments go up at the start of each epoch and come back to the
Network's NumPy arrays at its end, so callbacks, checkpoints, ``save`` and
early stopping see them as on the CPU. The trainer of a network is cached
beside it (not on it: a Network is copied and pickled, a device trainer
cannot be).
"""

from __future__ import annotations

import os
import weakref

import numpy as np

import zoo.cuda

__all__ = ["GPU_UNSUPPORTED", "cublas_paths", "gpu_layers", "train_epoch_on_gpu"]

# What the GPU engine does not do yet; device="cuda" refuses these clearly.
GPU_UNSUPPORTED = ("batch_norm", "dropout", "elastic weight consolidation")

_TRAINERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def gpu_layers(layout) -> list[tuple]:
    """The layer tuples NetworkTrainer takes, or a ValueError naming what
    the GPU engine cannot run yet."""
    from zoo.nn.network import ACTIVATION_PARAMS, ACTIVATIONS  # noqa: PLC0415 - network imports this module

    layers = []
    for spec, where in zip(layout.specs, layout.slices):
        if spec.batch_norm or spec.dropout > 0:
            raise ValueError(
                "device='cuda' does not train networks with batch_norm or dropout yet; use device='cpu' for them"
            )
        trained_from = spec.first_trainable_unit if spec.trainable else spec.n_out
        layers.append((spec.n_in, spec.n_out, int(ACTIVATIONS[spec.activation]),
                       float(ACTIVATION_PARAMS.get(spec.activation, 0.0)), where.weight.start,
                       where.bias.start if spec.bias else -1, min(trained_from, spec.n_out)))
    return layers


def cublas_paths() -> list[str]:
    """cuBLAS libraries of NVIDIA's wheels in this environment (the CUDA 13
    and 12 layouts), tried before the system's library path."""
    paths = []
    for package, name in (("nvidia.cu13", "libcublas.so.13"), ("nvidia.cublas", "libcublas.so.12")):
        try:
            module = __import__(package, fromlist=["__path__"])
        except ImportError:
            continue
        for root in getattr(module, "__path__", []):
            candidate = os.path.join(root, "lib", name)
            if os.path.exists(candidate):
                paths.append(candidate)
    return paths


class _Trainer:
    """A network's device trainer and the data set now on the device."""

    def __init__(self, network):
        kernels = zoo.cuda.kernels()
        cls = kernels.NetworkTrainerFloat32 if network.dtype == np.float32 else kernels.NetworkTrainerFloat64
        self.layout = network.layout
        self.n_slots = network.optimizer_state.shape[0]
        self.engine = cls(gpu_layers(network.layout), network.n_params, self.n_slots, cublas_paths())
        self.data = None  # the TrainingSet on the device (kept referenced, so identity is a safe key)

    def fits(self, network) -> bool:
        return self.layout is network.layout and self.n_slots == network.optimizer_state.shape[0]

    def upload(self, data) -> None:
        """Puts `data` on the device: all of it when its rows, targets or
        weights are new, only X when the same rows bring new inputs."""
        same_rows = self.data is not None and all(getattr(self.data, name) is getattr(data, name)
                                                  for name in ("targets", "weight"))
        if not same_rows:
            self.engine.set_data(data.X, np.ascontiguousarray(data.targets).reshape(len(data.X), -1), data.weight)
        elif data.fresh_inputs or data.X is not self.data.X:
            self.engine.set_inputs(data.X)
        self.data = data


def train_epoch_on_gpu(network, data, config):
    """One epoch of ``network`` on the GPU: (loss, correct, weight, squared error, steps)."""
    trainer = _TRAINERS.get(network)
    if trainer is None or not trainer.fits(network):
        trainer = _TRAINERS[network] = _Trainer(network)
    trainer.upload(data)
    return trainer.engine.train_epoch(network.params, network.optimizer_state, int(network.n_steps), config)
