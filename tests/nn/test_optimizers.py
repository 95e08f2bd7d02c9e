"""Each optimizer's update against a NumPy transcription of its published
rule, over several steps, with a frozen layer and weights-only decay."""

import numpy as np
import pytest

from zoo import _core
from zoo.nn.init import initial_params
from zoo.nn.network import Layout, LayerSpec
from zoo.nn.optimizers import SGD, AdaGrad, Adam, AdamW, RMSprop, get_optimizer, optimizer_from_config

SPECS = [LayerSpec(3, 4, "relu", trainable=False), LayerSpec(4, 5, "tanh", batch_norm=True), LayerSpec(5, 2)]
LR = 0.05


def reference_step(opt, p, g, state, t, decays):
    """One update of every trainable entry, written from the papers' rules."""
    if isinstance(opt, SGD):
        if opt.momentum == 0:
            return p - LR * g
        state[0] = opt.momentum * state[0] + g
        step = g + opt.momentum * state[0] if opt.nesterov else state[0]
        return p - LR * step
    if isinstance(opt, Adam):  # and AdamW
        if isinstance(opt, AdamW):
            p = np.where(decays, p * (1 - LR * opt.weight_decay), p)
        state[0] = opt.beta1 * state[0] + (1 - opt.beta1) * g
        state[1] = opt.beta2 * state[1] + (1 - opt.beta2) * g * g
        m_hat = state[0] / (1 - opt.beta1**t)
        v_hat = state[1] / (1 - opt.beta2**t)
        return p - LR * m_hat / (np.sqrt(v_hat) + opt.epsilon)
    if isinstance(opt, RMSprop):
        state[0] = opt.rho * state[0] + (1 - opt.rho) * g * g
        return p - LR * g / (np.sqrt(state[0]) + opt.epsilon)
    state[0] = state[0] + g * g  # AdaGrad
    return p - LR * g / (np.sqrt(state[0]) + opt.epsilon)


@pytest.mark.parametrize(
    "optimizer",
    [SGD(), SGD(momentum=0.9), SGD(momentum=0.8, nesterov=True), Adam(), Adam(beta1=0.5, beta2=0.9),
     AdamW(weight_decay=0.1), RMSprop(), RMSprop(rho=0.5), AdaGrad()],
    ids=repr,
)
def test_update_matches_published_rule(optimizer):
    layout = Layout(SPECS)
    network = layout.network()
    rng = np.random.default_rng(0)
    params = initial_params(layout, "he_normal", rng, np.float64)
    trainable = np.zeros(layout.n_params, dtype=bool)
    decays = np.zeros(layout.n_params, dtype=bool)
    for spec, where in zip(SPECS, layout.slices):
        if spec.trainable:
            for piece in (where.weight, where.bias, where.gamma, where.beta):
                if piece is not None:
                    trainable[piece] = True
            decays[where.weight] = True
    config = optimizer.config(LR)
    state = np.zeros((optimizer.n_slots(), layout.n_params))
    expected, expected_state = params.copy(), state.copy()
    for step in range(5):
        grads = rng.normal(size=layout.n_params)
        _core.nn_optimizer_step(network, params, grads, state, step, config)
        updated = reference_step(optimizer, expected, grads, expected_state, step + 1, decays)
        expected = np.where(trainable, updated, expected)
        np.testing.assert_allclose(params, expected, rtol=1e-12, atol=1e-14)
    frozen = layout.slices[0]
    assert np.array_equal(params[frozen.weight], initial_params(layout, "he_normal", np.random.default_rng(0), np.float64)[frozen.weight])


def test_names_configs_and_errors():
    assert get_optimizer("adam") == Adam()
    assert get_optimizer("momentum") == SGD(momentum=0.9)
    opt = AdamW(beta1=0.8, weight_decay=0.3)
    assert optimizer_from_config(opt.to_config()) == opt
    assert [get_optimizer(n).n_slots() for n in ("sgd", "adam", "adamw", "rmsprop", "adagrad")] == [1, 2, 2, 1, 1]
    with pytest.raises(ValueError, match="optimizer must be one of"):
        get_optimizer("lbfgs")
    with pytest.raises(ValueError, match="beta1"):
        Adam(beta1=1.0).config(0.1)
    with pytest.raises(ValueError, match="nesterov"):
        SGD(nesterov=True).config(0.1)
    with pytest.raises(ValueError, match="epsilon"):
        RMSprop(epsilon=-1).config(0.1)
