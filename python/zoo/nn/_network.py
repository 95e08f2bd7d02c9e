"""The layout of a fully connected network over flat parameter arrays.

All of a network's state is a handful of flat NumPy arrays (see
cpp/include/zoo/nn.hpp): `params` (per layer W, stored n_out x n_in as in
PyTorch's Linear, b, and gamma, beta with batch norm), `buffers` (batch-norm running mean and variance). `Layout` records
where each piece sits, builds the C++ `Network` that reads them, and gives
per-layer views for users (`coefs_`, `intercepts_`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from zoo import _core

ACTIVATIONS = {
    "identity": _core.Activation.identity,
    "relu": _core.Activation.relu,
    "leaky_relu": _core.Activation.leaky_relu,
    "elu": _core.Activation.elu,
    "gelu": _core.Activation.gelu,
    "tanh": _core.Activation.tanh,
    "sigmoid": _core.Activation.sigmoid,
}
# Default parameter of the activations that take one.
ACTIVATION_PARAMS = {"leaky_relu": 0.01, "elu": 1.0}
INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal")


@dataclass(frozen=True)
class LayerSpec:
    n_in: int
    n_out: int
    activation: str = "identity"
    dropout: float = 0.0
    batch_norm: bool = False
    trainable: bool = True
    bias: bool = True  # False only for linear models fitted without intercept


@dataclass(frozen=True)
class LayerSlices:
    weight: slice
    bias: slice
    gamma: slice | None
    beta: slice | None
    running: slice | None  # mean then variance


class Layout:
    """Offsets of every layer's pieces in the flat arrays."""

    def __init__(self, specs: list[LayerSpec]):
        if not specs:
            raise ValueError("a network needs at least one layer")
        self.specs = list(specs)
        self.slices: list[LayerSlices] = []
        offset = buffer_offset = 0
        for spec in self.specs:
            weight = slice(offset, offset + spec.n_in * spec.n_out)
            offset = weight.stop
            bias = slice(offset, offset + (spec.n_out if spec.bias else 0))
            offset = bias.stop
            gamma = beta = running = None
            if spec.batch_norm:
                gamma = slice(offset, offset + spec.n_out)
                beta = slice(gamma.stop, gamma.stop + spec.n_out)
                offset = beta.stop
                running = slice(buffer_offset, buffer_offset + 2 * spec.n_out)
                buffer_offset = running.stop
            self.slices.append(LayerSlices(weight, bias, gamma, beta, running))
        self.n_params = offset
        self.n_buffers = buffer_offset

    # -- the C++ view -----------------------------------------------------

    def network(self) -> "_core.Network":
        ints = np.full((len(self.specs), 10), -1, dtype=np.int64)
        reals = np.zeros((len(self.specs), 2))
        for row, (spec, where) in enumerate(zip(self.specs, self.slices)):
            ints[row, :7] = [
                spec.n_in,
                spec.n_out,
                int(ACTIVATIONS[spec.activation]),
                int(spec.batch_norm),
                int(spec.trainable),
                where.weight.start,
                where.bias.start if spec.bias else -1,
            ]
            if spec.batch_norm:
                ints[row, 7:] = [where.gamma.start, where.beta.start, where.running.start]
            reals[row] = [ACTIVATION_PARAMS.get(spec.activation, 0.0), spec.dropout]
        return _core.Network(ints, reals, self.n_params, self.n_buffers)

    # -- state ------------------------------------------------------------

    def initial_params(self, init: str, rng: np.random.Generator, dtype) -> np.ndarray:
        """Glorot/Xavier or He/Kaiming weights (uniform or normal), zero
        biases, batch-norm scale 1 and shift 0."""
        if init not in INITIALIZERS:
            raise ValueError(f"init must be one of {INITIALIZERS}, got {init!r}")
        params = np.zeros(self.n_params, dtype=dtype)
        for spec, where in zip(self.specs, self.slices):
            fan_in, fan_out = spec.n_in, spec.n_out
            variance = 2.0 / (fan_in + fan_out) if init.startswith("glorot") else 2.0 / fan_in
            shape = (fan_in, fan_out)
            if init.endswith("uniform"):
                limit = math.sqrt(3.0 * variance)
                weights = rng.uniform(-limit, limit, size=shape)
            else:
                weights = rng.normal(0.0, math.sqrt(variance), size=shape)
            params[where.weight] = weights.T.ravel()  # stored (n_out, n_in)
            if spec.batch_norm:
                params[where.gamma] = 1.0
        return params

    def initial_buffers(self, dtype) -> np.ndarray:
        buffers = np.zeros(self.n_buffers, dtype=dtype)
        for spec, where in zip(self.specs, self.slices):
            if spec.batch_norm:
                buffers[where.running.start + spec.n_out : where.running.stop] = 1.0  # variance
        return buffers

    def weights(self, params: np.ndarray) -> list[np.ndarray]:
        """Per-layer weight matrices (n_in, n_out), as views into `params`
        (which stores each one transposed, n_out x n_in)."""
        return [params[w.weight].reshape(s.n_out, s.n_in).T for s, w in zip(self.specs, self.slices)]

    def biases(self, params: np.ndarray) -> list[np.ndarray]:
        return [params[w.bias] for w in self.slices]
