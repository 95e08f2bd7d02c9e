"""Progressive networks (ContinualLearning(progressive=True)) and the
engine's row-wise freezing they rest on (LayerSpec.first_trainable_unit)."""

import signal

import numpy as np
import pytest

import zoo
from zoo import _core
from zoo.datasets import make_classification
from zoo.nn import ContinualLearning, LambdaCallback, LayerSpec, Network
from zoo.nn._model import TrainingSet
from zoo.nn.network import Layout


def permuted_tasks(n_tasks=3, n_train=300, n_test=100, n_features=12, seed=0):
    """One 3-class problem seen through a different permutation of its inputs per task."""
    X, y = make_classification(n_train + n_test, n_features, n_classes=3, n_informative=8, n_clusters_per_class=1,
                               class_sep=2.0, random_state=seed)
    rng = np.random.default_rng(seed)
    orders = [np.arange(n_features)] + [rng.permutation(n_features) for _ in range(n_tasks - 1)]
    return [(X[:n_train, order], y[:n_train], X[n_train:, order], y[n_train:]) for order in orders]


def progressive(estimator=zoo.MLPClassifier, **params):
    settings = dict(hidden_layer_sizes=(16, 8), epochs=8, learning_rate=0.01, random_state=0, n_jobs=1,
                    continual=ContinualLearning(progressive=True))
    settings.update(params)
    return estimator(**settings)


def weight_matrix(network, layer):
    spec, where = network.layout.specs[layer], network.layout.slices[layer]
    return network.params[where.weight].reshape(spec.n_out, spec.n_in)


def bias(network, layer):
    return network.params[network.layout.slices[layer].bias]


# -- nothing is forgotten ------------------------------------------------------------


@pytest.mark.parametrize("estimator", [zoo.MLPClassifier, zoo.MLPRegressor, zoo.MLP])
def test_earlier_tasks_predict_bit_for_bit_as_right_after_they_were_learnt(estimator):
    tasks = permuted_tasks()
    model = progressive(estimator)
    right_after = []
    for X, y, X_test, _ in tasks:
        model.fit(X, y)
        right_after.append(model.predict(X_test))
    assert model.n_columns_ == model.n_tasks_ == 3
    for task, (_, _, X_test, _) in enumerate(tasks):
        np.testing.assert_array_equal(model.predict(X_test, task=task), right_after[task])
    # The default is the newest task.
    np.testing.assert_array_equal(model.predict(tasks[2][2]), model.predict(tasks[2][2], task=2))


def test_every_task_keeps_its_accuracy_where_fine_tuning_forgets():
    tasks = permuted_tasks()
    model = progressive()
    fine_tuned = progressive(continual=None, warm_start=True)
    first_scores = []
    for X, y, X_test, y_test in tasks:
        model.fit(X, y)
        fine_tuned.fit(X, y)
        first_scores.append(model.score(tasks[0][2], tasks[0][3], task=0))
    assert first_scores[0] > 0.85 and first_scores == [first_scores[0]] * 3
    assert fine_tuned.score(tasks[0][2], tasks[0][3]) < first_scores[0] - 0.2  # fine-tuning forgets
    for task, (_, _, X_test, y_test) in enumerate(tasks):
        assert model.score(X_test, y_test, task=task) > 0.85
        probabilities = model.predict_proba(X_test, task=task)
        np.testing.assert_array_equal(model.predict(X_test, task=task), model.classes_[probabilities.argmax(axis=1)])
        np.testing.assert_allclose(model.predict_log_proba(X_test, task=task), np.log(probabilities), rtol=1e-6)


def test_earlier_columns_stay_as_they_were_and_the_new_one_trains():
    tasks = permuted_tasks(n_tasks=2)
    at_start = {}
    record = LambdaCallback(on_train_begin=lambda model, logs: at_start.update(params=model.params_.copy()))
    model = progressive(callbacks=[record])
    model.fit(*tasks[0][:2])
    first = model.network_
    first_head = (weight_matrix(first, 2).copy(), bias(first, 2).copy())
    model.fit(*tasks[1][:2])
    wide = model.network_
    started = Network(wide.layers, dtype=wide.dtype)
    started.params = at_start["params"]
    for layer in (0, 1):
        old_rows, old_inputs = weight_matrix(first, layer).shape
        now, then = weight_matrix(wide, layer), weight_matrix(started, layer)
        np.testing.assert_array_equal(now[:old_rows, :old_inputs], weight_matrix(first, layer))   # frozen column
        np.testing.assert_array_equal(bias(wide, layer)[:old_rows], bias(first, layer))
        assert not now[:old_rows, old_inputs:].any()          # the old column never reads the new one
        changed = now[old_rows:] != then[old_rows:]            # own and lateral weights of the new column
        assert changed.mean() > 0.9 and (bias(wide, layer)[old_rows:] != bias(started, layer)[old_rows:]).all()
    assert (weight_matrix(wide, 2) != weight_matrix(started, 2)).mean() > 0.9   # the new head
    np.testing.assert_array_equal(model.progressive_head_weights_[0], first_head[0])
    np.testing.assert_array_equal(model.progressive_head_biases_[0], first_head[1])
    # The new column reads the old one through lateral weights that are used.
    assert np.abs(weight_matrix(wide, 1)[8:, :16]).mean() > 0.01


def test_the_new_columns_gradient_matches_finite_differences():
    tasks = permuted_tasks(n_tasks=2, n_train=40)
    model = progressive(dtype="float64", epochs=2, hidden_layer_sizes=(5, 4), activation="tanh", l2=0.01)
    model.fit(*tasks[0][:2])
    model.fit(*tasks[1][:2])
    network = model.network_
    X = tasks[1][0][:20].astype(np.float64)
    targets = model._targets_.encode(tasks[1][1][:20], dtype=np.float64)
    weight = np.ones(20)
    config = model._train_config(0.0, 0, 1)
    params = network.params.copy()
    grads = np.zeros_like(params)

    def loss_at(values):
        return _core.nn_loss_and_gradient(network.core, X, targets, weight, values, np.zeros_like(values),
                                          network.buffers, config)

    _core.nn_loss_and_gradient(network.core, X, targets, weight, params, grads, network.buffers, config)
    trained = np.zeros(params.size, dtype=bool)
    for layer, old_rows in ((0, 5), (1, 4), (2, 0)):
        where, spec = network.layout.slices[layer], network.layout.specs[layer]
        rows = np.zeros((spec.n_out, spec.n_in), dtype=bool)
        rows[old_rows:] = True
        trained[where.weight] = rows.ravel()
        trained[where.bias.start + old_rows:where.bias.stop] = True
    assert not grads[~trained].any()   # the earlier column: frozen
    eps = 1e-6
    numeric = np.empty(trained.sum())
    for k, i in enumerate(np.flatnonzero(trained)):
        up, down = params.copy(), params.copy()
        up[i] += eps
        down[i] -= eps
        numeric[k] = (loss_at(up) - loss_at(down)) / (2 * eps)
    np.testing.assert_allclose(grads[trained], numeric, rtol=1e-5, atol=1e-8)


def test_partial_fit_and_resume_train_the_newest_column_only(tmp_path):
    tasks = permuted_tasks(n_tasks=2, n_train=150)

    def interrupt_at_epoch_10(model, epoch, logs):
        if epoch == 10:
            signal.raise_signal(signal.SIGINT)   # as Ctrl-C: stop after this epoch

    whole = progressive()
    for X, y, _, _ in tasks:
        whole.fit(X, y)
    halted = progressive(callbacks=[LambdaCallback(on_epoch_end=interrupt_at_epoch_10)])
    halted.fit(*tasks[0][:2])
    first_task = halted.predict_proba(tasks[0][2])
    with pytest.warns(RuntimeWarning, match="interrupted"):
        halted.fit(*tasks[1][:2])
    assert halted.interrupted_ and halted.n_columns_ == 2 and halted.n_tasks_ == 1
    resumed = zoo.load(halted.save(tmp_path / "halted.zoo"))
    resumed.fit(*tasks[1][:2], resume=True)
    assert resumed.n_columns_ == 2 and resumed.n_tasks_ == 2     # no column was added
    np.testing.assert_array_equal(resumed.params_, whole.params_)
    resumed.partial_fit(*tasks[1][:2])
    assert resumed.n_columns_ == 2
    np.testing.assert_array_equal(resumed.predict_proba(tasks[0][2], task=0), first_task)
    assert not np.array_equal(resumed.params_, whole.params_)


def test_save_and_load_keep_every_task(tmp_path):
    tasks = permuted_tasks()
    model = progressive(normalize=True)
    for X, y, _, _ in tasks[:2]:
        model.fit(X, y)
    loaded = zoo.load(model.save(tmp_path / "progressive.zoo"))
    assert loaded.n_columns_ == 2 and loaded.n_params_per_task_ == model.n_params_per_task_
    assert loaded.continual == model.continual
    for task in (0, 1):
        np.testing.assert_array_equal(loaded.predict_proba(tasks[task][2], task=task),
                                      model.predict_proba(tasks[task][2], task=task))
    # Both go on to the same third task.
    model.fit(*tasks[2][:2])
    loaded.fit(*tasks[2][:2])
    np.testing.assert_array_equal(loaded.params_, model.params_)


def test_a_file_whose_head_does_not_fit_its_task_is_refused(tmp_path):
    tasks = permuted_tasks(n_tasks=2, n_train=60)
    model = progressive(epochs=1)
    for X, y, _, _ in tasks:
        model.fit(X, y)
    model.progressive_head_weights_ = [np.zeros((3, 7), np.float32)]
    with pytest.raises(ValueError, match=r"progressive_head_weights_\[0\] has shape \(3, 7\) and dtype float32"):
        model.save(tmp_path / "bad.zoo")
    model.progressive_head_weights_ = [np.zeros((3, 8), np.float32), np.zeros((3, 16), np.float32)]
    with pytest.raises(ValueError, match="progressive_head_weights_ has 2 items; expected n_columns_ - 1 = 1"):
        model.save(tmp_path / "bad.zoo")


def test_the_parameter_count_grows_by_a_column_per_task():
    # 4 inputs, hidden (3, 2), 2 outputs. Column k adds 3*4 + 3 weights and
    # biases to the first layer, 2 * (k+1)*3 + 2 to the second (its laterals
    # read every column), and a head of 2 * (k+1)*2 + 2: 29, then 39, then 49.
    X, y = make_classification(60, 4, n_classes=2, n_informative=2, random_state=0)
    model = progressive(hidden_layer_sizes=(3, 2), epochs=1)
    for _ in range(3):
        model.fit(X, y)
    assert model.n_params_per_task_ == [29, 68, 117]
    assert zoo.MLPClassifier((3, 2), epochs=1).fit(X, y).network_.n_params == 29
    # The wide network holds the columns, the newest head, and zero blocks in
    # the second layer where old columns would read new ones: column 0's 2
    # rows by columns 1 and 2's 6 units, column 1's 2 rows by column 2's 3.
    held = model.network_.n_params + sum(w.size + b.size for w, b in zip(model.progressive_head_weights_,
                                                                         model.progressive_head_biases_))
    assert held == 117 + 3 * 6


# -- the engine: frozen rows ----------------------------------------------------------------


def frozen_rows_problem(first_trainable_unit, seed=0):
    rng = np.random.default_rng(seed)
    specs = [LayerSpec(64, 256, "relu", first_trainable_unit=first_trainable_unit[0]),
             LayerSpec(256, 64, "tanh", first_trainable_unit=first_trainable_unit[1]),
             LayerSpec(64, 3, first_trainable_unit=first_trainable_unit[2])]
    network = Network(specs, dtype="float64").initialize("glorot_uniform", rng)
    X = rng.normal(size=(256, 64))
    targets = rng.integers(0, 3, size=(256, 1)).astype(np.float64)
    return network, X, targets


def frozen_mask(network):
    mask = np.zeros(network.n_params, dtype=bool)
    for spec, where in zip(network.layout.specs, network.layout.slices):
        rows = np.zeros((spec.n_out, spec.n_in), dtype=bool)
        rows[:spec.first_trainable_unit] = True
        mask[where.weight] = rows.ravel()
        mask[where.bias.start:where.bias.start + spec.first_trainable_unit] = True
    return mask


def test_frozen_rows_get_zero_gradients_and_the_others_their_own():
    frozen_net, X, _ = frozen_rows_problem((100, 20, 0))
    free_net = Network([LayerSpec(s.n_in, s.n_out, s.activation) for s in frozen_net.layers], dtype="float64")
    free_net.params = frozen_net.params.copy()
    grad_output = np.random.default_rng(1).normal(size=(256, 3))
    for n_jobs in (1, 2):
        input_gradient = frozen_net.backward(X, grad_output, input_gradient=True, n_jobs=n_jobs)
        expected_input_gradient = free_net.backward(X, grad_output, input_gradient=True, n_jobs=n_jobs)
        frozen = frozen_mask(frozen_net)
        assert frozen.sum() == 100 * 64 + 100 + 20 * 256 + 20
        assert not frozen_net.grads[frozen].any() and free_net.grads[frozen].any()
        np.testing.assert_allclose(frozen_net.grads[~frozen], free_net.grads[~frozen], rtol=1e-12, atol=1e-15)
        # Frozen units still pass the gradient on to what they read.
        np.testing.assert_allclose(input_gradient, expected_input_gradient, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("clip", ["norm", "value"])
def test_frozen_rows_keep_their_values_through_updates_penalties_and_clipping(optimizer, clip):
    network, X, targets = frozen_rows_problem((0, 0, 0))
    network.attach_optimizer(optimizer)
    config = _core.TrainConfig()
    config.loss = _core.Loss.categorical_crossentropy
    config.optimizer = zoo.nn.get_optimizer(optimizer).config(0.01)
    config.l1, config.l2, config.batch_size = 1e-4, 1e-3, 64
    config.clip_norm, config.clip_value = (1.0, 0.0) if clip == "norm" else (0.0, 0.05)
    data = TrainingSet(X, targets, np.ones(256))
    network.train_epoch(data, config)    # every row trains once: Adam's moments are not zero anywhere
    frozen_specs = [LayerSpec(s.n_in, s.n_out, s.activation, first_trainable_unit=u)
                    for s, u in zip(network.layers, (100, 20, 1))]
    results = []
    for n_threads in (1, 2):   # 2: a frozen boundary inside the first thread's share of 256 units
        run = Network(frozen_specs, dtype="float64")
        run.params, run.optimizer_state, run.n_steps = (network.params.copy(), network.optimizer_state.copy(),
                                                        network.n_steps)
        config.n_threads = n_threads
        run.train_epoch(data, config)
        run.step(optimizer, learning_rate=0.01)   # a step of its own, from the last batch's gradients
        frozen = frozen_mask(run)
        np.testing.assert_array_equal(run.params[frozen], network.params[frozen])
        assert (run.params[~frozen] != network.params[~frozen]).mean() > 0.9
        results.append(run.params)
    if clip == "value":
        # (Norm clipping adds the threads' partial norms, so its last bits
        # depend on the team's size, frozen rows or not.)
        np.testing.assert_array_equal(results[0], results[1])   # 1 and 2 threads, bit for bit


def test_a_layer_table_with_first_trainable_unit_out_of_range_is_refused():
    with pytest.raises(ValueError, match="first_trainable_unit must be in"):
        Layout([LayerSpec(3, 4, first_trainable_unit=5)]).network()
    with pytest.raises(ValueError, match="first_trainable_unit must be in"):
        Layout([LayerSpec(3, 4, first_trainable_unit=-1)]).network()


# -- settings that cannot work -------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings, error, words",
    [
        (dict(progressive="yes"), TypeError, "progressive must be True or False"),
        (dict(progressive=True, ewc_lambda=10.0), ValueError, "does not combine with ewc_lambda"),
        (dict(progressive=True, replay=50), ValueError, "does not combine with ewc_lambda > 0 or replay"),
    ],
)
def test_bad_settings_are_refused(settings, error, words):
    with pytest.raises(error, match=words):
        ContinualLearning(**settings)
    component = ContinualLearning()
    vars(component).update(settings)   # changed after construction: fit checks again
    X, y = make_classification(40, 4, n_classes=2, n_informative=2, random_state=0)
    with pytest.raises(error, match=words):
        zoo.MLPClassifier((4,), epochs=1, continual=component).fit(X, y)


def test_the_setting_round_trips_and_prints():
    setting = ContinualLearning(progressive=True)
    assert setting.active and repr(setting).endswith(", progressive=True)")
    assert ContinualLearning.from_config(setting.to_config()) == setting != ContinualLearning()
    # Off, it is left out: other settings save as they did before it existed.
    assert ContinualLearning(ewc_lambda=1.0).to_config() == dict(ewc_lambda=1.0, ewc_decay=1.0, ewc_samples=500,
                                                                 replay=0)


def test_models_that_cannot_be_progressive_are_refused():
    X, y = make_classification(40, 4, n_classes=2, n_informative=2, random_state=0)
    with pytest.raises(ValueError, match="does not support batch_norm"):
        progressive(batch_norm=True, epochs=1).fit(X, y)
    plain = zoo.MLPClassifier((4,), epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="fitted without it; fit a fresh model"):
        plain.set_params(continual=ContinualLearning(progressive=True)).fit(X, y)
    model = progressive(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="ewc_lambda and replay cannot continue it"):
        model.set_params(continual=ContinualLearning(replay=10)).fit(X, y)


def test_task_must_name_a_column_of_a_progressive_model():
    X, y = make_classification(40, 4, n_classes=2, n_informative=2, random_state=0)
    model = progressive(epochs=1)
    model.fit(X, y)
    model.fit(X, y)
    for task in (2, -1, 0.5, True):
        with pytest.raises(ValueError, match=r"task must be an int in the range \[0, 1\]"):
            model.predict(X, task=task)
    with pytest.raises(ValueError, match=r"task must be an int in the range \[0, 1\]"):
        model.score(X, y, task=2)
    plain = zoo.MLPRegressor((4,), epochs=1).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="was not fitted with continual=ContinualLearning"):
        plain.predict(X, task=0)
    with pytest.raises(zoo.NotFittedError):
        progressive().predict(X, task=0)


def test_a_fresh_fit_forgets_the_columns():
    X, y = make_classification(60, 4, n_classes=2, n_informative=2, random_state=0)
    model = progressive(epochs=1)
    model.fit(X, y)
    model.fit(X, y)
    model.set_params(continual=None).fit(X, y)
    for name in ("n_columns_", "progressive_head_weights_", "progressive_head_biases_", "n_tasks_"):
        assert not hasattr(model, name)
    np.testing.assert_array_equal(model.params_, progressive(epochs=1, continual=None).fit(X, y).params_)
