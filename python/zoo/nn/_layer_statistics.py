"""Per-layer statistics of a network, measured at the end of an epoch, for
:class:`zoo.nn.callbacks.GradientMonitor` and read back by
:meth:`zoo.nn.history.History.diagnose`.

Each statistic of layer ``i`` is one scalar log key, ``"<quantity>/layer_<i>"``
(``grad_norm/layer_0``, ...): a History holds one number per key and epoch,
so these keys round-trip through ``to_dict`` and ``save`` like any other.

The gradient is that of the data loss alone, on a fixed sample of training
rows, with dropout off and before clipping: clipping would hide an
exploding gradient, and a weight penalty's own gradient (l1, l2, elastic
weight consolidation) would hide a vanishing one. Frozen layers get the
gradient that would reach them if they trained.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from zoo import _core
from zoo.nn.network import Layout

# The quantities, in the order they are logged.
GRAD_NORM = "grad_norm"          # ||dL/dW|| of the layer's weight matrix
WEIGHT_NORM = "weight_norm"      # ||W|| at the end of the epoch
UPDATE_RATIO = "update_ratio"    # ||W_end - W_start|| / ||W_start|| over the epoch
DEAD_FRACTION = "dead_fraction"  # share of a relu layer's units that output 0 on every sampled row
QUANTITIES = (GRAD_NORM, WEIGHT_NORM, UPDATE_RATIO, DEAD_FRACTION)

_LAYER_KEY = re.compile(r"^(?P<quantity>[a-z_]+)/layer_(?P<index>\d+)$")


def layer_key(quantity: str, layer: int) -> str:
    """The log key of `quantity` for layer `layer` (0 = the first hidden layer)."""
    return f"{quantity}/layer_{layer}"


def is_layer_key(key: str) -> bool:
    """Whether `key` is one of the per-layer keys (named as `layer_key` names them)."""
    return _LAYER_KEY.match(key) is not None


def layer_columns(history, quantity: str) -> dict[int, np.ndarray]:
    """{layer index: the per-epoch values of `quantity`} recorded in `history`,
    in layer order (empty when the run was not monitored)."""
    columns = {}
    for key in history:
        match = _LAYER_KEY.match(key)
        if match and match["quantity"] == quantity:
            columns[int(match["index"])] = np.asarray(history[key], dtype=float)
    return dict(sorted(columns.items()))


def _norm(values: np.ndarray) -> float:
    # float64 accumulation: a float32 network's squares would overflow first.
    return float(np.linalg.norm(values.astype(np.float64, copy=False)))


def weight_norms(network) -> list[float]:
    """||W|| of each layer's weight matrix (biases and batch-norm scales left out)."""
    return [_norm(network.params[where.weight]) for where in network.layout.slices]


def update_ratios(network, start_weights: list[np.ndarray]) -> list[float]:
    """||W - W_start|| / ||W_start|| per layer; NaN for a layer that started at zero."""
    ratios = []
    for where, start in zip(network.layout.slices, start_weights):
        scale = _norm(start)
        change = _norm(network.params[where.weight] - start)
        ratios.append(change / scale if scale > 0 else float("nan"))
    return ratios


def gradient_norms(network, X, targets, weight, config) -> list[float]:
    """||dL/dW|| per layer for the data loss of (X, targets, weight) as
    `config` (the epoch's TrainConfig) defines it, unclipped, unpenalised,
    dropout off, every layer and unit treated as trainable."""
    measured = Layout([replace(spec, dropout=0.0, trainable=True, first_trainable_unit=0)
                       for spec in network.layers]).network()
    plain = _core.TrainConfig()
    plain.loss, plain.huber_delta = config.loss, config.huber_delta
    plain.bn_momentum, plain.bn_epsilon = config.bn_momentum, config.bn_epsilon
    plain.n_threads, plain.seed = config.n_threads, config.seed
    grads = np.zeros_like(network.params)
    _core.nn_loss_and_gradient(measured, X, targets, weight, network.params, grads, network.buffers, plain)
    return [_norm(grads[where.weight]) for where in network.layout.slices]


def dead_fractions(network, X, n_threads: int) -> dict[int, float]:
    """{layer index: share of its units whose output is 0 for every row of X},
    for the relu layers, from an inference pass (no dropout)."""
    fractions = {}
    hidden = X
    for index in range(len(network.layers)):
        hidden = network.part(index, index + 1).forward(hidden, n_jobs=n_threads)
        if network.layers[index].activation == "relu":
            fractions[index] = float(np.mean(np.all(hidden <= 0, axis=0)))
    return fractions
