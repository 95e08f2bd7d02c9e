"""The JAX contender of the network cases (bench_nn, bench_autoencoder): a
dense ReLU network trained by Adam with the whole epoch jitted.

One compiled call does an epoch: it draws the epoch's permutation with
jax.random, runs the full mini-batches in a jax.lax.scan and the last,
partial batch (when the batch size does not divide the data) as one more
step, as PyTorch's loop does. The executable is compiled ahead of time, once
per network, data shape and batch size, and kept for the process: the
harness's untimed warm-up call pays the compile, the timed calls reuse it, and
the compile time is reported apart.

A float32 training set is copied into a JAX array once and kept (XLA's CPU
client aliases only 64-byte-aligned host buffers): the other libraries read
the NumPy array in place, so the copy is set-up, not training.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .peers import jax_modules

# For the cases' descriptions, after "JAX (with optax's Adam): ".
DESCRIPTION = (
    "each epoch is one jitted call (jax.lax.scan over the full batches of a "
    "jax.random permutation, then the last partial batch as one more step, so every "
    "sample is seen as in PyTorch's loop), compiled once per shape and batch size in "
    "the untimed warm-up call; compile_s is that compilation (tracing, lowering, XLA), "
    "reported apart. The training set is copied into a JAX array once, outside the "
    "timed calls. XLA's CPU thread pool is sized to the machine's cores when JAX "
    "starts, not to --threads."
)


@dataclass(frozen=True)
class CompiledEpoch:
    run: Callable  # (params, opt_state, X, Y, key) -> (params, opt_state, mean loss)
    optimizer: object  # the optax transformation, for its init
    compile_s: float  # tracing, lowering and XLA compilation, in seconds


@dataclass(frozen=True)
class Network:
    """What one training hands back: the parameters, the last epoch's mean
    loss (weighted by batch rows) and the compile time of the epoch."""

    params: list
    final_loss: float
    compile_s: float


# Keyed by everything that shapes the executable; see compiled_epoch.
_EPOCHS: dict = {}
# id(host array) -> (host array, JAX array); the host array is kept so that
# its id is not reused by another.
_ON_DEVICE: dict = {}


def dense_forward(params, X, relu):
    """X through the layers (W, b); ReLU after layer i where relu[i]."""
    for (W, b), activate in zip(params, relu):
        X = X @ W + b
        if activate:
            X = _jnp().maximum(X, 0)
    return X


def apply(params, X, relu) -> np.ndarray:
    """dense_forward on host data, jitted (for the untimed scoring)."""
    return np.asarray(_jitted_forward()(params, X, relu))


@functools.lru_cache(maxsize=1)
def _jitted_forward():
    return jax_modules()[0].jit(dense_forward, static_argnums=2)


def glorot_network(key, sizes):
    """Glorot-uniform weights of shape (fan_in, fan_out), zero biases."""
    jax, jnp, _ = jax_modules()
    init = jax.nn.initializers.glorot_uniform()
    keys = jax.random.split(key, len(sizes) - 1)
    return [(init(k, (fan_in, fan_out), jnp.float32), jnp.zeros(fan_out, jnp.float32))
            for k, fan_in, fan_out in zip(keys, sizes[:-1], sizes[1:])]


def on_device(array: np.ndarray):
    """The JAX copy of a host array, made on first use and kept (int64
    labels become int32: JAX computes in 32 bits)."""
    entry = _ON_DEVICE.get(id(array))
    if entry is None or entry[0] is not array:
        entry = _ON_DEVICE[id(array)] = (array, _jnp().asarray(array))
    return entry[1]


def train(loss, sizes, X, Y, *, batch_size, epochs, seed, adam) -> Network:
    """Train a Glorot-initialised network of layer `sizes` for `epochs` epochs.

    ``loss(params, X_batch, Y_batch)`` is the batch's mean loss; Y is None
    for an autoencoder (the batch is its own target). ``adam`` is
    (learning rate, beta1, beta2, eps).
    """
    jax, _, _ = jax_modules()
    init_key, shuffle_key = jax.random.split(jax.random.key(seed))
    params = glorot_network(init_key, sizes)
    X = on_device(X)
    Y = None if Y is None else on_device(Y)
    epoch = compiled_epoch(loss, params, X, Y, batch_size, adam)
    opt_state = epoch.optimizer.init(params)
    mean_loss = None
    for index in range(epochs):
        params, opt_state, mean_loss = epoch.run(params, opt_state, X, Y,
                                                 jax.random.fold_in(shuffle_key, index))
    # JAX dispatches asynchronously: the clock must stop after the work.
    jax.block_until_ready(params)
    return Network(params, float(mean_loss), epoch.compile_s)


def compiled_epoch(loss, params, X, Y, batch_size, adam) -> CompiledEpoch:
    """The epoch executable for these shapes, compiled on first use."""
    shapes = tuple((W.shape, b.shape) for W, b in params)
    key = (loss, shapes, X.shape, None if Y is None else (Y.shape, Y.dtype), batch_size, adam)
    if key not in _EPOCHS:
        _EPOCHS[key] = _compile_epoch(loss, params, X, Y, batch_size, adam)
    return _EPOCHS[key]


def _compile_epoch(loss, params, X, Y, batch_size, adam) -> CompiledEpoch:
    jax, _, optax = jax_modules()
    learning_rate, beta1, beta2, eps = adam
    optimizer = optax.adam(learning_rate, b1=beta1, b2=beta2, eps=eps)
    epoch = _epoch_function(loss, optimizer, X.shape[0], batch_size)
    opt_state = optimizer.init(params)
    start = time.perf_counter()
    run = jax.jit(epoch).lower(params, opt_state, X, Y, jax.random.key(0)).compile()
    return CompiledEpoch(run, optimizer, time.perf_counter() - start)


def _epoch_function(loss, optimizer, n, batch_size):
    jax, _, optax = jax_modules()
    full, rest = divmod(n, batch_size)

    def rows_of(A, rows):
        # A permutation's rows: in bounds and distinct, so no out-of-bounds
        # fill over the batch.
        return A.at[rows].get(mode="promise_in_bounds", unique_indices=True)

    def step(params, opt_state, X, Y, rows):
        X_batch = rows_of(X, rows)
        Y_batch = None if Y is None else rows_of(Y, rows)
        value, grads = jax.value_and_grad(loss)(params, X_batch, Y_batch)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    def epoch(params, opt_state, X, Y, key):
        order = jax.random.permutation(key, n)

        def body(state, rows):
            params, opt_state, value = step(*state, X, Y, rows)
            return (params, opt_state), value

        batches = order[:full * batch_size].reshape(full, batch_size)
        (params, opt_state), values = jax.lax.scan(body, (params, opt_state), batches)
        total = values.sum() * batch_size
        if rest:  # the last, smaller batch, as the other libraries take it
            params, opt_state, value = step(params, opt_state, X, Y, order[full * batch_size:])
            total += value * rest
        return params, opt_state, total / n

    return epoch


def _jnp():
    return jax_modules()[1]
