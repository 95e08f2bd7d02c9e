"""GradientMonitor and the gradient rules of History.diagnose: the recorded
statistics against NumPy and finite differences, problem networks flagged,
healthy ones not, and monitoring that changes nothing when it is off."""

import io
import pickle

import numpy as np
import pytest

import zoo
from zoo.nn import GradientMonitor, History, LambdaCallback, ProgressBar
from zoo.nn._diagnosis import _SUGGESTIONS

GRADIENT_VERDICTS = {"exploding gradients", "dead units", "vanishing gradients"}


def classification_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] * X[:, 1] + np.sin(X[:, 2]) > 0).astype(int)


def regression_data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, X @ np.array([1.0, 2.0, -1.0, 0.5]) + 0.1 * rng.normal(size=n)


def layer_keys(history, quantity):
    return sorted((key for key in history.keys() if key.startswith(quantity + "/layer_")),
                  key=lambda key: int(key.rsplit("_", 1)[1]))


def numpy_forward(coefs, intercepts, activations, X):
    """Every layer's output, input first."""
    functions = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "identity": lambda z: z}
    outputs = [X]
    for W, b, activation in zip(coefs, intercepts, activations):
        outputs.append(functions[activation](outputs[-1] @ W + b))
    return outputs


# ------------------------------------------------------- the recorded numbers


def test_gradient_norms_match_finite_differences_and_ignore_dropout_clipping_and_penalties():
    X, y = regression_data(n=40)
    weight = np.random.default_rng(1).uniform(0.5, 2.0, size=len(y))
    starts = []
    record_start = LambdaCallback(on_epoch_begin=lambda model, epoch, logs: starts.append(
        [W.copy() for W in model.coefs_]))
    # Dropout, clipping and the L2 penalty shape training, not what is measured.
    model = zoo.MLPRegressor((5, 4), activation="tanh", dtype="float64", epochs=3, learning_rate=0.05,
                             dropout=0.2, clip_norm=0.1, l2=0.01, callbacks=[GradientMonitor(), record_start],
                             random_state=0).fit(X, y, sample_weight=weight)
    coefs = [W.copy() for W in model.coefs_]
    intercepts = [b.copy() for b in model.intercepts_]
    activations = ["tanh", "tanh", "identity"]

    def loss(coefs):  # the engine's mse: weighted mean over rows of the squared error
        outputs = numpy_forward(coefs, intercepts, activations, X)[-1][:, 0]
        return np.sum(weight * (outputs - y) ** 2) / weight.sum()

    eps = 1e-6
    history = model.history_
    for layer, W in enumerate(coefs):
        gradient = np.empty_like(W)
        for index in np.ndindex(W.shape):
            shifted = [c.copy() for c in coefs]
            shifted[layer][index] += eps
            up = loss(shifted)
            shifted[layer][index] -= 2 * eps
            gradient[index] = (up - loss(shifted)) / (2 * eps)
        assert history[f"grad_norm/layer_{layer}"][-1] == pytest.approx(np.linalg.norm(gradient), rel=1e-6)
        assert history[f"weight_norm/layer_{layer}"][-1] == pytest.approx(np.linalg.norm(W), rel=1e-12)
        start = starts[-1][layer]
        assert history[f"update_ratio/layer_{layer}"][-1] == pytest.approx(
            np.linalg.norm(W - start) / np.linalg.norm(start), rel=1e-9)
    assert np.linalg.norm(gradient) > 1e-3  # the check compared something


def test_dead_fraction_matches_a_numpy_forward_pass_for_relu_layers_only():
    X, y = regression_data(n=60)
    model = zoo.MLPRegressor((8, 6, 5), activation="relu", dtype="float64", epochs=2, random_state=0).fit(X, y)
    # Kill three units of the first layer and two of the second: a bias far
    # below anything the inputs reach keeps them at 0 on every row.
    model.intercepts_[0][[1, 4, 6]] = -1e3
    model.intercepts_[1][[0, 5]] = -1e3
    model.set_params(warm_start=True, epochs=2, callbacks=[GradientMonitor()]).fit(X, y)
    hidden = numpy_forward(model.coefs_, model.intercepts_, ["relu", "relu", "relu", "identity"], X)[1:-1]
    expected = [np.mean(np.all(h == 0, axis=0)) for h in hidden]
    recorded = [model.history_[f"dead_fraction/layer_{i}"][-1] for i in range(3)]
    np.testing.assert_allclose(recorded, expected, rtol=0, atol=1e-12)
    assert recorded[0] >= 3 / 8 and recorded[1] >= 2 / 6
    assert "dead_fraction/layer_3" not in model.history_  # the identity output layer

    tanh = zoo.MLPRegressor((8,), activation="tanh", epochs=2, callbacks=[GradientMonitor()],
                            random_state=0).fit(X, y)
    assert layer_keys(tanh.history_, "dead_fraction") == []
    assert layer_keys(tanh.history_, "grad_norm") == ["grad_norm/layer_0", "grad_norm/layer_1"]


def test_monitoring_changes_nothing_about_training_and_is_absent_when_off():
    X, y = classification_data()
    plain = zoo.MLPClassifier((16, 16), epochs=3, random_state=0).fit(X, y)
    monitored = zoo.MLPClassifier((16, 16), epochs=3, callbacks=[GradientMonitor()], random_state=0).fit(X, y)
    assert plain.history_.keys() == ["loss", "accuracy", "lr", "epoch_time"]
    np.testing.assert_array_equal(plain.params_, monitored.params_)
    for key in ("loss", "accuracy", "lr"):
        assert plain.history_[key] == monitored.history_[key]
    added = set(monitored.history_.keys()) - set(plain.history_.keys())
    assert added == {f"{quantity}/layer_{i}" for quantity in ("grad_norm", "weight_norm", "update_ratio")
                     for i in range(3)} | {"dead_fraction/layer_0", "dead_fraction/layer_1"}


def test_the_monitored_rows_are_a_fixed_sample_drawn_from_random_state():
    X, y = classification_data(n=300)

    def record(random_state, max_rows):
        model = zoo.MLPClassifier((8,), epochs=2, callbacks=[GradientMonitor(max_rows=max_rows)],
                                  random_state=random_state).fit(X, y)
        return model.history_["grad_norm/layer_0"]

    assert record(0, 50) == record(0, 50)
    # All rows whenever there are no more than max_rows.
    assert record(0, 300) == record(0, 512)
    with pytest.raises(ValueError, match="max_rows"):
        GradientMonitor(max_rows=0)


def test_works_with_the_autoencoder():
    X, _ = regression_data(n=64)
    model = zoo.Autoencoder((6, 2), epochs=3, callbacks=[GradientMonitor()], random_state=0).fit(X)
    assert len(layer_keys(model.history_, "grad_norm")) == len(model.network_.layers)
    assert all(np.isfinite(model.history_[key]).all() for key in layer_keys(model.history_, "grad_norm"))


def test_a_learner_that_does_not_hand_over_its_rows_is_refused():
    with pytest.raises(TypeError, match="GradientMonitor measures zoo's network estimators"):
        zoo.QLearning(callbacks=[GradientMonitor()], random_state=0).fit("FrozenLake-v1", total_timesteps=200)


def test_progress_bar_leaves_the_per_layer_keys_out(monkeypatch):
    monkeypatch.setattr("zoo.nn.callbacks._load_tqdm", lambda: None)  # plain lines
    out = io.StringIO()
    X, y = classification_data(n=64)
    zoo.MLPClassifier((8,), epochs=2, callbacks=[GradientMonitor(), ProgressBar(file=out)],
                      random_state=0).fit(X, y)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and all("loss" in line for line in lines)
    assert "layer_" not in out.getvalue()


def test_save_load_and_pickle_keep_the_monitored_history(tmp_path):
    X, y = classification_data()
    model = zoo.MLPClassifier((16,) * 5, activation="sigmoid", epochs=4, learning_rate=1e-2,
                              callbacks=[GradientMonitor()], random_state=0).fit(X, y)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = zoo.load(path)
    assert loaded.history_.to_dict() == model.history_.to_dict()
    assert str(loaded.history_.diagnose()) == str(model.history_.diagnose())
    copy = pickle.loads(pickle.dumps(model))
    assert copy.history_.to_dict() == model.history_.to_dict()
    assert copy.callbacks[0]._rows is None  # the sampled rows belong to the fit, not the model


# -------------------------------------------------------------- the diagnosis


def test_a_deep_sigmoid_network_with_glorot_initialisation_has_vanishing_gradients():
    # Glorot's scale assumes a slope of 1; the sigmoid's is at most 1/4, so
    # each of the six layers shrinks the gradient about four times.
    X, y = classification_data()
    model = zoo.MLPClassifier((16,) * 6, activation="sigmoid", init="glorot_uniform", epochs=6,
                              learning_rate=1e-2, callbacks=[GradientMonitor()], random_state=0).fit(X, y)
    history = model.history_
    diagnosis = history.diagnose()
    assert diagnosis.verdict == "vanishing gradients"
    first, last = history["grad_norm/layer_0"][0], history["grad_norm/layer_6"][0]
    assert last / first >= 100
    assert f"{first:.3g} against {last:.3g}" in diagnosis.reasons[0]
    assert any("activation='relu'" in s for s in diagnosis.suggestions)
    assert any("batch_norm=True" in s for s in diagnosis.suggestions)


def test_a_far_too_large_learning_rate_has_exploding_gradients():
    X, y = regression_data()
    # Full-batch gradient descent at a rate past 2 / (the loss's curvature): every step overshoots further.
    settings = dict(hidden_layer_sizes=(16, 16), activation="tanh", optimizer="sgd", batch_size=128, epochs=8,
                    callbacks=[GradientMonitor()], random_state=0)
    model = zoo.MLPRegressor(learning_rate=1.0, **settings).fit(X, y)
    diagnosis = model.history_.diagnose()
    assert diagnosis.verdict == "exploding gradients"
    total = np.sqrt(sum(np.square(model.history_[key]) for key in layer_keys(model.history_, "grad_norm")))
    assert total[-1] / total[0] >= 10
    assert f"grew from {total[0]:.3g} at epoch 1 to {total[-1]:.3g} at epoch 8" in diagnosis.reasons[0]
    assert any("clip_norm" in s for s in diagnosis.suggestions)
    assert any("lower the learning rate" in s for s in diagnosis.suggestions)

    calm = zoo.MLPRegressor(learning_rate=0.05, **settings).fit(X, y).history_.diagnose()
    assert calm.verdict not in GRADIENT_VERDICTS | {"diverging"}


@pytest.mark.parametrize("make_model, data", [
    (lambda: zoo.MLPClassifier((16,) * 6, activation="relu", init="he_normal", epochs=8, learning_rate=1e-2),
     classification_data),
    (lambda: zoo.MLPClassifier((32, 32), activation="tanh", epochs=8, learning_rate=1e-2), classification_data),
    (lambda: zoo.MLPRegressor((32,) * 4, init="he_normal", batch_norm=True, epochs=8), regression_data),
])
def test_healthy_networks_are_not_flagged(make_model, data):
    X, y = data()
    model = make_model().set_params(callbacks=[GradientMonitor()], random_state=0).fit(X, y)
    diagnosis = model.history_.diagnose()
    assert diagnosis.verdict not in GRADIENT_VERDICTS
    assert not any("gradient norm" in reason or "dead" in reason for reason in diagnosis.reasons)
    # The same curves without the monitor's keys are judged the same way.
    curves = History(baseline=model.history_.baseline)
    for epoch in range(len(model.history_)):
        curves.append({key: value for key, value in model.history_.epoch_logs(epoch).items() if "/layer_" not in key})
    assert str(curves.diagnose()) == str(diagnosis)


def test_killed_relu_units_are_diagnosed_as_dead():
    X, y = regression_data()
    model = zoo.MLPRegressor((12, 12), epochs=1, random_state=0).fit(X, y)
    model.intercepts_[1][:9] = -1e3  # 9 of 12 units never fire again
    model.set_params(warm_start=True, epochs=4, callbacks=[GradientMonitor()]).fit(X, y)
    diagnosis = model.history_.diagnose()
    assert diagnosis.verdict == "dead units"
    share = model.history_["dead_fraction/layer_1"][-1]
    assert share >= 0.75
    assert diagnosis.reasons[0].startswith(f"{share:.0%} of layer 1's relu units are dead at epoch 5")
    assert any("leaky_relu" in s for s in diagnosis.suggestions)


def history_of(loss, grad_norms, **more):
    """A History of `loss` and per-layer gradient norms (one row per epoch)."""
    history = History()
    for epoch, value in enumerate(loss):
        logs = {"loss": value, **{f"grad_norm/layer_{i}": norms[epoch] for i, norms in enumerate(grad_norms)}}
        logs.update({key: values[epoch] for key, values in more.items()})
        history.append(logs)
    return history


def test_overflowing_norms_are_exploding_gradients_whatever_the_loss():
    history = history_of([1.0, 0.8, 0.7, 0.6], [[1.0, 2.0, 3.0, np.inf], [1.0, 1.0, 1.0, 1.0]])
    diagnosis = history.diagnose()
    assert diagnosis.verdict == "exploding gradients"
    assert "overflowed at epoch 4" in diagnosis.reasons[0]


def test_gradients_stuck_near_zero_with_a_flat_loss_are_vanishing():
    flat = [0.693, 0.693, 0.692, 0.693]
    stuck = history_of(flat, [[1e-8] * 4, [3e-8] * 4, [5e-7] * 4])
    assert stuck.diagnose().verdict == "vanishing gradients"
    assert "below 1e-06 at epoch 4" in stuck.diagnose().reasons[0]
    # Tiny gradients after the loss fell are convergence, not a problem.
    converged = history_of([0.693, 0.2, 0.05, 0.049], [[1e-8] * 4, [3e-8] * 4, [5e-7] * 4])
    assert converged.diagnose().verdict not in GRADIENT_VERDICTS


def test_a_history_without_monitoring_is_diagnosed_as_before():
    # Rising loss: diverging, with exactly the suggestions it always had.
    diagnosis = History()
    for loss in (1.0, 1.4, 2.0, 3.0):
        diagnosis.append({"loss": loss})
    result = diagnosis.diagnose()
    assert result.verdict == "diverging"
    assert result.reasons == ["training loss rose from 1 at epoch 1 to 3 at epoch 4 (3.0 times the first)"]
    assert result.suggestions == _SUGGESTIONS["diverging"]
