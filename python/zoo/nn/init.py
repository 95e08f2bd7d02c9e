"""Weight initialisation schemes: the one place a network's first
parameters are drawn.

Each scheme fills a network's weight matrices and biases in the flat
`params` array (see zoo.nn.network.Network); batch-norm layers start at
scale 1 and shift 0 whatever the scheme.

    glorot_uniform, glorot_normal   Glorot & Bengio 2010: variance 2 / (fan_in + fan_out)
    he_uniform, he_normal           He et al. 2015: variance 2 / fan_in (ReLU networks)
    torch_default                   PyTorch's nn.Linear: weights and biases uniform in
                                    +-1/sqrt(fan_in), which Stable-Baselines3's tuned
                                    DQN hyperparameters assume
    orthogonal                      Saxe et al. 2014, zero biases: gain sqrt(2) on hidden
                                    layers and `output_gains` (one per output) on the
                                    last, as Stable-Baselines3 initialises its policies
"""

from __future__ import annotations

import math

import numpy as np

# The schemes the estimators' `init` parameter accepts.
INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal")
SCHEMES = (*INITIALIZERS, "torch_default", "orthogonal")


def initial_params(layout, scheme: str, rng: np.random.Generator, dtype, output_gains=None) -> np.ndarray:
    """A fresh flat parameter array for `layout` (a zoo.nn.network.Layout).

    `output_gains` is for "orthogonal" only: the last layer's gain per
    output row (default 1).
    """
    if scheme not in SCHEMES:
        raise ValueError(f"init must be one of {SCHEMES}, got {scheme!r}")
    params = np.zeros(layout.n_params, dtype=dtype)
    last = len(layout.specs) - 1
    for index, (spec, where) in enumerate(zip(layout.specs, layout.slices)):
        if scheme == "torch_default":
            bound = 1.0 / math.sqrt(spec.n_in)
            params[where.weight] = rng.uniform(-bound, bound, spec.n_in * spec.n_out)
            params[where.bias] = rng.uniform(-bound, bound, where.bias.stop - where.bias.start)
        elif scheme == "orthogonal":
            gains = math.sqrt(2.0)
            if index == last:
                gains = np.ones((spec.n_out, 1)) if output_gains is None else np.reshape(output_gains, (-1, 1))
            params[where.weight] = (_orthogonal(spec.n_out, spec.n_in, rng) * gains).ravel()
        else:
            params[where.weight] = _scaled_weights(scheme, spec.n_in, spec.n_out, rng).T.ravel()
        if spec.batch_norm:
            params[where.gamma] = 1.0
    return params


def _scaled_weights(scheme: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot or He weights, (fan_in, fan_out) as drawn; stored transposed."""
    variance = 2.0 / (fan_in + fan_out) if scheme.startswith("glorot") else 2.0 / fan_in
    if scheme.endswith("uniform"):
        limit = math.sqrt(3.0 * variance)
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    return rng.normal(0.0, math.sqrt(variance), size=(fan_in, fan_out))


def _orthogonal(rows: int, cols: int, rng: np.random.Generator) -> np.ndarray:
    """A (rows, cols) matrix with orthonormal rows or columns: QR of a
    Gaussian matrix, with the sign fix that makes the draw uniform."""
    gaussian = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(gaussian)
    q *= np.sign(np.diag(r))
    return q if rows >= cols else q.T
