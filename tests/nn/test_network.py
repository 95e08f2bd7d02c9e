"""zoo.nn.Network on its own: input and parameter gradients against finite
differences for every layer kind, training versus inference passes, steps,
parts, transfer and persistence."""

import numpy as np
import pytest

import zoo
from zoo import _core
from zoo.nn import Network
from zoo.nn.network import LayerSpec, dense_layers

ACTIVATIONS = ["identity", "relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid"]
# Every layer kind the engine has: a plain dense layer per activation, batch
# norm, dropout, a frozen layer, a layer without bias.
LAYER_KINDS = {
    **{activation: [LayerSpec(4, 5, activation), LayerSpec(5, 3)] for activation in ACTIVATIONS},
    "batch_norm": [LayerSpec(4, 5, "tanh", batch_norm=True), LayerSpec(5, 3)],
    "dropout": [LayerSpec(4, 6, "tanh", dropout=0.3), LayerSpec(6, 3)],
    "frozen_first": [LayerSpec(4, 5, "tanh", trainable=False), LayerSpec(5, 3)],
    "frozen_all": [LayerSpec(4, 5, "tanh", trainable=False), LayerSpec(5, 3, trainable=False)],
    "no_bias": [LayerSpec(4, 3, bias=False)],
}


def network(layers, seed=0):
    net = Network(layers, dtype="float64").initialize("glorot_uniform", seed)
    # Batch-norm running statistics away from their (0, 1) start, so inference differs from training.
    net.buffers[:] = np.random.default_rng(seed + 1).uniform(0.5, 1.5, net.buffers.size)
    return net


def inputs(n=7, d=4, seed=2):
    # Away from ReLU's kink at 0, where a finite difference is not the derivative.
    X = np.random.default_rng(seed).normal(size=(n, d))
    return X + np.sign(X) * 0.05


def objective(net, X, weights, training):
    """sum(weights * outputs): its gradient with respect to the outputs is `weights`."""
    config = _core.PassConfig()
    config.training, config.seed, config.n_threads = training, 11, 1
    return float(np.sum(weights * _core.nn_forward(net.core, X, net.params, net.buffers, config)))


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("kind", list(LAYER_KINDS))
def test_input_gradient_matches_finite_differences(kind, training):
    net, X = network(LAYER_KINDS[kind]), inputs()
    weights = np.random.default_rng(3).normal(size=(X.shape[0], net.n_outputs))
    grad_x = net.backward(X, weights, training=training, seed=11, input_gradient=True, n_jobs=1)
    numeric = np.zeros_like(X)
    h = 1e-6
    for index in np.ndindex(X.shape):
        up, down = X.copy(), X.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (objective(net, up, weights, training) - objective(net, down, weights, training)) / (2 * h)
    np.testing.assert_allclose(grad_x, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("kind", list(LAYER_KINDS))
def test_parameter_gradient_matches_finite_differences(kind, training):
    net, X = network(LAYER_KINDS[kind]), inputs()
    weights = np.random.default_rng(4).normal(size=(X.shape[0], net.n_outputs))
    assert net.backward(X, weights, training=training, seed=11, n_jobs=1) is None
    analytic = net.grads.copy()
    h = 1e-6
    for p in range(net.n_params):
        saved = net.params[p]
        net.params[p] = saved + h
        up = objective(net, X, weights, training)
        net.params[p] = saved - h
        down = objective(net, X, weights, training)
        net.params[p] = saved
        trainable = any(spec.trainable and where.weight.start <= p < (where.beta or where.bias).stop
                        for spec, where in zip(net.layout.specs, net.layout.slices))
        expected = (up - down) / (2 * h) if trainable else 0.0  # frozen layers get zero gradients
        assert analytic[p] == pytest.approx(expected, rel=1e-5, abs=1e-7), p


def test_backward_equals_the_engine_loss_gradient():
    """A custom loop's backward, fed the loss gradient, gives the engine's own gradient."""
    net, X = network([LayerSpec(4, 6, "relu", batch_norm=True), LayerSpec(6, 2)]), inputs(n=9)
    y = np.random.default_rng(5).normal(size=(9, 2))
    config = _core.TrainConfig()
    config.loss, config.n_threads = _core.Loss.mse, 1
    engine = np.zeros_like(net.params)
    _core.nn_loss_and_gradient(net.core, X, y, np.ones(9), net.params, engine, net.buffers, config)
    outputs = net.forward(X, training=True)
    net.backward(X, 2 * (outputs - y) / y.size, training=True)
    np.testing.assert_allclose(net.grads, engine, rtol=1e-10, atol=1e-12)


def test_training_forward_updates_running_statistics_and_inference_reads_them():
    net = network([LayerSpec(4, 3, "identity", batch_norm=True)])
    X = inputs(n=50)
    before = net.buffers.copy()
    inference = net.forward(X)
    np.testing.assert_array_equal(net.buffers, before)
    np.testing.assert_array_equal(inference, net.predict(X, 1))
    net.forward(X, training=True)
    W = net.weights()[0]
    batch = X @ W + net.biases()[0]
    np.testing.assert_allclose(net.buffers[:3], 0.9 * before[:3] + 0.1 * batch.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(net.buffers[3:], 0.9 * before[3:] + 0.1 * batch.var(axis=0, ddof=1), rtol=1e-12)


def test_dropout_masks_follow_the_seed():
    net, X = network([LayerSpec(4, 32, "relu", dropout=0.5), LayerSpec(32, 2)]), inputs()
    a, b = net.forward(X, training=True, seed=1), net.forward(X, training=True, seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, net.forward(X, training=True, seed=2))
    assert not np.array_equal(a, net.forward(X))


def test_step_descends_and_counts():
    net = Network(dense_layers([3, 8, 1], "tanh"), dtype="float64").initialize("he_normal", 0)
    X = np.random.default_rng(0).normal(size=(64, 3))
    y = X.sum(axis=1, keepdims=True)
    losses = []
    for _ in range(50):
        residual = net.forward(X, training=True) - y
        losses.append(float(np.mean(residual**2)))
        net.backward(X, 2 * residual / residual.size)
        net.step("adam", learning_rate=0.05)
    assert net.n_steps == 50 and net.optimizer_state.shape == (2, net.n_params)
    assert losses[-1] < 0.1 * losses[0]


def test_part_shares_the_arrays():
    net = network([LayerSpec(4, 5, "tanh", batch_norm=True), LayerSpec(5, 2), LayerSpec(2, 4, "relu")])
    X = inputs()
    first, rest = net.part(0, 2), net.part(2)
    np.testing.assert_allclose(rest.forward(first.forward(X)), net.forward(X), rtol=1e-12)
    first.params[0] = 42.0
    assert net.params[0] == 42.0
    with pytest.raises(ValueError, match="not a part"):
        net.part(2, 2)


def test_copy_layers_from_transfers_matching_layers():
    source = network([LayerSpec(4, 5, "tanh", batch_norm=True), LayerSpec(5, 3)], seed=7)
    target = network([LayerSpec(4, 5, "relu", batch_norm=True), LayerSpec(5, 9)], seed=8)
    target.copy_layers_from(source, 1)
    first = source.layout.slices[0]
    np.testing.assert_array_equal(target.params[: first.beta.stop], source.params[: first.beta.stop])
    np.testing.assert_array_equal(target.buffers, source.buffers)
    with pytest.raises(ValueError, match="layer 1 differs"):
        target.copy_layers_from(source)


def test_a_network_round_trips_through_save_and_load(tmp_path):
    net = network([LayerSpec(4, 5, "elu", dropout=0.2, batch_norm=True), LayerSpec(5, 3, trainable=False)])
    X = inputs()
    net.backward(X, np.ones((X.shape[0], 3)))
    net.step("adam")
    path = net.save(tmp_path / "net.npz")
    loaded = zoo.load(path)
    assert isinstance(loaded, Network) and loaded.layers == net.layers and loaded.n_steps == 1
    for name in ("params", "buffers", "optimizer_state"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(net, name))
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))


@pytest.mark.parametrize("tamper", ["params", "buffers", "optimizer_state", "n_steps", "layers"])
def test_loading_checks_every_array_against_the_layers(tamper):
    config = network([LayerSpec(4, 5, batch_norm=True), LayerSpec(5, 3)]).to_config()
    config[tamper] = {"params": np.zeros(3), "buffers": np.zeros(99), "optimizer_state": np.zeros((5, 4)),
                      "n_steps": -1, "layers": [{"n_in": 4}]}[tamper]
    with pytest.raises(ValueError):
        Network.from_config(config)


def test_bad_input_is_a_clear_error():
    net = network([LayerSpec(4, 3)])
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 4\)"):
        net.forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match="no rows"):
        net.forward(np.ones((0, 4)))
    with pytest.raises(ValueError, match="grad_output must have shape"):
        net.backward(np.ones((2, 4)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="layer sizes changed"):
        net.set_layers([LayerSpec(4, 2)])
    with pytest.raises(ValueError, match="dtype"):
        Network([LayerSpec(4, 3)], dtype="int32")


def test_pickling_rebuilds_the_engine_view():
    import pickle

    net = network([LayerSpec(4, 3, "tanh")])
    clone = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(clone.forward(inputs()), net.forward(inputs()))
