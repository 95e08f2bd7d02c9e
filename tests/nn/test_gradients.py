"""Finite-difference checks, in float64, of the engine's gradients: every
activation, loss, penalty, dropout and both batch-norm modes' paths."""

import numpy as np
import pytest

from zoo import _core
from zoo.nn.init import initial_params
from zoo.nn.network import Layout, LayerSpec

ACTIVATIONS = ["identity", "relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid"]
LOSSES = ["mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy"]


def make_problem(specs, loss, seed=0, n=11):
    rng = np.random.default_rng(seed)
    layout = Layout(specs)
    params = initial_params(layout, "glorot_uniform", rng, np.float64)
    params += rng.normal(scale=0.1, size=params.shape)  # move BN scale/shift and biases off their defaults
    buffers = layout.initial_buffers(np.float64)
    X = rng.normal(size=(n, specs[0].n_in))
    k = specs[-1].n_out
    if loss == "categorical_crossentropy":
        y = rng.integers(0, k, size=(n, 1)).astype(np.float64)
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, size=(n, k)).astype(np.float64)
    else:
        y = rng.normal(size=(n, k))
    weight = rng.uniform(0.5, 2.0, size=n)
    config = _core.TrainConfig()
    config.loss = getattr(_core.Loss, loss)
    config.huber_delta = 0.5
    config.seed = 7
    return layout.network(), params, buffers, X, y, weight, config


def assert_gradient_matches(network, params, buffers, X, y, weight, config, eps=1e-6, tol=1e-6):
    grads = np.zeros_like(params)
    _core.nn_loss_and_gradient(network, X, y, weight, params, grads, buffers, config)
    scratch = np.zeros_like(params)
    numeric = np.empty_like(params)
    for i in range(params.size):
        shifted = params.copy()
        shifted[i] += eps
        up = _core.nn_loss_and_gradient(network, X, y, weight, shifted, scratch, buffers, config)
        shifted[i] -= 2 * eps
        down = _core.nn_loss_and_gradient(network, X, y, weight, shifted, scratch, buffers, config)
        numeric[i] = (up - down) / (2 * eps)
    np.testing.assert_allclose(grads, numeric, rtol=tol, atol=tol)
    assert np.abs(grads).max() > 1e-3  # the check compared something


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_each_activation(activation):
    specs = [LayerSpec(4, 6, activation), LayerSpec(6, 5, activation), LayerSpec(5, 2)]
    assert_gradient_matches(*make_problem(specs, "mse"))


@pytest.mark.parametrize("loss", LOSSES)
def test_each_loss_with_sample_weights(loss):
    specs = [LayerSpec(3, 5, "tanh"), LayerSpec(5, 4)]
    # Huber and MAE have kinks; the seed keeps residuals away from them.
    assert_gradient_matches(*make_problem(specs, loss, seed=1))


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
def test_batch_norm_in_training_mode(activation):
    specs = [LayerSpec(4, 6, activation, batch_norm=True), LayerSpec(6, 5, "sigmoid", batch_norm=True), LayerSpec(5, 3)]
    assert_gradient_matches(*make_problem(specs, "categorical_crossentropy"))


def test_dropout_with_fixed_masks():
    specs = [LayerSpec(4, 8, "elu", dropout=0.4), LayerSpec(8, 6, "gelu", dropout=0.2), LayerSpec(6, 2)]
    assert_gradient_matches(*make_problem(specs, "binary_crossentropy"))


@pytest.mark.parametrize("l1, l2", [(0.05, 0.0), (0.0, 0.1), (0.03, 0.07)])
def test_penalties_on_weights(l1, l2):
    network, params, buffers, X, y, weight, config = make_problem([LayerSpec(3, 4, "tanh"), LayerSpec(4, 2)], "mse")
    config.l1, config.l2 = l1, l2
    assert_gradient_matches(network, params, buffers, X, y, weight, config)


def test_frozen_layers_get_zero_gradient():
    specs = [LayerSpec(3, 4, "tanh", trainable=False), LayerSpec(4, 4, "relu"), LayerSpec(4, 2)]
    network, params, buffers, X, y, weight, config = make_problem(specs, "mse")
    grads = np.full_like(params, np.nan)
    _core.nn_loss_and_gradient(network, X, y, weight, params, grads, buffers, config)
    layout = Layout(specs)
    frozen = layout.slices[0]
    assert np.all(grads[frozen.weight] == 0) and np.all(grads[frozen.bias] == 0)
    assert np.abs(grads[layout.slices[1].weight]).max() > 0


def test_batch_norm_inference_uses_running_statistics():
    specs = [LayerSpec(3, 4, "identity", batch_norm=True)]
    layout = Layout(specs)
    params = initial_params(layout, "glorot_uniform", np.random.default_rng(0), np.float64)
    buffers = layout.initial_buffers(np.float64)
    buffers[layout.slices[0].running] = [1.0, 2.0, 3.0, 4.0, 4.0, 1.0, 0.25, 9.0]  # means, then variances
    X = np.random.default_rng(1).normal(size=(5, 3))
    out = _core.nn_predict(layout.network(), X, params, buffers, 1)
    W = params[layout.slices[0].weight].reshape(4, 3).T  # stored (n_out, n_in)
    mean, var = buffers[:4], buffers[4:]
    np.testing.assert_allclose(out, (X @ W - mean) / np.sqrt(var + 1e-5), rtol=1e-12)


def test_gradient_clipping_by_global_norm_and_by_value():
    network, params, buffers, X, y, weight, config = make_problem([LayerSpec(3, 6, "tanh"), LayerSpec(6, 2)], "mse")
    y *= 50.0  # large residuals, large gradients
    raw = np.zeros_like(params)
    _core.nn_loss_and_gradient(network, X, y, weight, params, raw, buffers, config)
    assert np.linalg.norm(raw) > 1.0
    config.clip_norm = 0.5
    clipped = np.zeros_like(params)
    _core.nn_loss_and_gradient(network, X, y, weight, params, clipped, buffers, config)
    assert np.linalg.norm(clipped) == pytest.approx(0.5, rel=1e-9)
    np.testing.assert_allclose(clipped, raw * (0.5 / np.linalg.norm(raw)), rtol=1e-9)
    config.clip_norm, config.clip_value = 0.0, 0.01
    _core.nn_loss_and_gradient(network, X, y, weight, params, clipped, buffers, config)
    np.testing.assert_allclose(clipped, np.clip(raw, -0.01, 0.01), rtol=1e-12)
