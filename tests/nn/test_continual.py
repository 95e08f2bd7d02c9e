"""Continual learning in the MLP family: elastic weight consolidation (the
engine's anchored penalty, the Fisher estimate, online decay) and experience
replay, on tasks made of permuted inputs."""

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import zoo
from zoo import _core
from zoo.datasets import make_classification
from zoo.nn import ContinualLearning, LambdaCallback
from zoo.nn.continual import FISHER_STREAM
from zoo.nn._model import TrainingSet
from zoo.nn.init import initial_params
from zoo.nn.network import LayerSpec, Layout

OPTIMIZERS = ["sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad"]


def permuted_tasks(seed, n_tasks=2, n_train=800, n_test=400, n_features=30):
    """One 4-class problem, seen through a different fixed permutation of the
    input features per task (task 0: the original order)."""
    X, y = make_classification(
        n_train + n_test, n_features, n_classes=4, n_informative=8, n_clusters_per_class=1, class_sep=2.0,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    orders = [np.arange(n_features)] + [rng.permutation(n_features) for _ in range(n_tasks - 1)]
    return [(X[:n_train, order], y[:n_train], X[n_train:, order], y[n_train:]) for order in orders]


def learner(seed=0, **params):
    settings = dict(hidden_layer_sizes=(64,), epochs=30, learning_rate=0.01, random_state=seed, n_jobs=1)
    settings.update(params)
    return zoo.MLPClassifier(**settings)


def first_task_accuracy_after_all(model, tasks):
    for X, y, _, _ in tasks:
        model.fit(X, y)
    return model.score(tasks[0][2], tasks[0][3]), model.score(tasks[-1][2], tasks[-1][3])


# -- forgetting, and less of it -----------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_ewc_and_replay_keep_the_first_task(seed):
    tasks = permuted_tasks(seed)
    plain_first, plain_last = first_task_accuracy_after_all(learner(seed, warm_start=True), tasks)
    ewc = learner(seed, continual=ContinualLearning(ewc_lambda=100.0))
    replay = learner(seed, continual=ContinualLearning(replay=100))
    ewc_first, ewc_last = first_task_accuracy_after_all(ewc, tasks)
    replay_first, replay_last = first_task_accuracy_after_all(replay, tasks)
    assert plain_last > 0.9 and plain_first < 0.75  # fine-tuning forgets the first task
    assert ewc_first > plain_first + 0.2 and ewc_first > 0.85
    assert replay_first > plain_first + 0.2 and replay_first > 0.85
    assert ewc_last > 0.9 and replay_last > 0.9  # while the new task is learnt


def test_online_ewc_over_three_tasks_and_its_decay():
    tasks = permuted_tasks(0, n_tasks=3)
    plain_first, _ = first_task_accuracy_after_all(learner(warm_start=True), tasks)
    model = learner(continual=ContinualLearning(ewc_lambda=100.0, ewc_decay=0.5))
    model.fit(*tasks[0][:2])
    after_first = model.ewc_fisher_.copy()
    model.fit(*tasks[1][:2])
    # F <- decay * F + F_task, with F_task estimated at the weights after task 2.
    task = TrainingSet(tasks[1][0].astype(np.float32), None, np.ones(800, np.float32))
    task.targets = model._targets_.encode(tasks[1][1], dtype=np.float32)
    rng = np.random.default_rng((model._seed_, 1, FISHER_STREAM))
    expected = 0.5 * after_first + model.continual.fisher_diagonal(model, task, rng)
    np.testing.assert_allclose(model.ewc_fisher_, expected, rtol=1e-12)
    np.testing.assert_array_equal(model.ewc_anchor_, model.params_.astype(np.float64))
    model.fit(*tasks[2][:2])
    assert model.n_tasks_ == 3
    assert model.score(tasks[0][2], tasks[0][3]) > plain_first + 0.2
    assert model.score(tasks[2][2], tasks[2][3]) > 0.85


# -- the engine's anchored penalty ----------------------------------------------------


def small_problem(seed=0, loss="categorical_crossentropy", dropout=0.0, n=7):
    rng = np.random.default_rng(seed)
    specs = [LayerSpec(3, 5, "tanh", dropout=dropout), LayerSpec(5, 3)]
    layout = Layout(specs)
    params = initial_params(layout, "glorot_uniform", rng, np.float64) + rng.normal(scale=0.1, size=layout.n_params)
    X = rng.normal(size=(n, 3))
    if loss == "categorical_crossentropy":
        y = rng.integers(0, 3, size=(n, 1)).astype(np.float64)
    else:
        y = rng.normal(size=(n, 3))
    weight = rng.uniform(0.5, 2.0, size=n)
    config = _core.TrainConfig()
    config.loss = getattr(_core.Loss, loss)
    return layout, params, layout.initial_buffers(np.float64), X, y, weight, config, rng


def test_ewc_gradient_matches_finite_differences_of_the_penalised_loss():
    layout, params, buffers, X, y, weight, config, rng = small_problem()
    network = layout.network()
    fisher = rng.uniform(0.0, 2.0, size=params.size)
    anchor = params + rng.normal(scale=0.3, size=params.size)
    config.anchor_strength = 0.7
    anchored = dict(anchor_weight=fisher, anchor=anchor)
    grads, scratch = np.zeros_like(params), np.zeros_like(params)
    loss = _core.nn_loss_and_gradient(network, X, y, weight, params, grads, buffers, config, **anchored)
    plain = _core.nn_loss_and_gradient(network, X, y, weight, params, scratch, buffers, config)
    assert loss == pytest.approx(plain + 0.35 * np.sum(fisher * (params - anchor) ** 2), rel=1e-12)
    np.testing.assert_allclose(grads - scratch, 0.7 * fisher * (params - anchor), rtol=1e-10, atol=1e-14)
    eps, numeric = 1e-6, np.empty_like(params)
    for i in range(params.size):
        shifted = params.copy()
        shifted[i] += eps
        up = _core.nn_loss_and_gradient(network, X, y, weight, shifted, scratch, buffers, config, **anchored)
        shifted[i] -= 2 * eps
        down = _core.nn_loss_and_gradient(network, X, y, weight, shifted, scratch, buffers, config, **anchored)
        numeric[i] = (up - down) / (2 * eps)
    np.testing.assert_allclose(grads, numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_the_penalty_acts_in_training_epochs_for_every_optimizer(optimizer):
    tasks = permuted_tasks(0, n_train=300, n_test=10)
    base = dict(optimizer=optimizer, epochs=5, hidden_layer_sizes=(16,))
    plain = learner(warm_start=True, **base).fit(*tasks[0][:2])
    anchored = learner(continual=ContinualLearning(ewc_lambda=300.0), **base).fit(*tasks[0][:2])
    np.testing.assert_array_equal(anchored.params_, plain.params_)  # no penalty during the first task
    start, fisher = anchored.params_.copy(), anchored.ewc_fisher_.copy()
    np.testing.assert_array_equal(anchored.ewc_anchor_, start)
    plain.fit(*tasks[1][:2])
    anchored.fit(*tasks[1][:2])
    moved_plain = np.abs(plain.params_ - start).sum()
    moved_anchored = np.abs(anchored.params_ - start).sum()
    assert moved_anchored < 0.6 * moved_plain
    # The logged loss is the epoch's mean data loss plus the penalty at the
    # epoch's end, which evaluating the final weights confirms.
    penalty = 150.0 * np.sum(fisher * (anchored.params_.astype(np.float64) - start) ** 2)
    assert penalty > 1e-3
    config = anchored._train_config(0.0, 0, 1)
    evaluated, *_ = _core.nn_evaluate(
        anchored._network(), tasks[1][0].astype(np.float32), anchored._targets_.encode(tasks[1][1], dtype=np.float32),
        np.ones(300, np.float32), anchored.params_, anchored.buffers_, config, anchor_weight=fisher, anchor=start,
    )
    unpenalised, *_ = _core.nn_evaluate(
        anchored._network(), tasks[1][0].astype(np.float32), anchored._targets_.encode(tasks[1][1], dtype=np.float32),
        np.ones(300, np.float32), anchored.params_, anchored.buffers_, config,
    )
    assert evaluated == pytest.approx(unpenalised + penalty, rel=1e-6)
    assert anchored.history_["loss"][-1] > penalty


def test_zero_strength_or_zero_importance_changes_nothing():
    layout, params, buffers, X, y, weight, config, rng = small_problem()
    network = layout.network()
    config.batch_size = 3
    config.seed = 11
    reference = None
    for strength, importance in [(0.0, None), (0.0, 1.0), (5.0, 0.0)]:
        config.anchor_strength = strength
        trained, state = params.copy(), np.zeros((_core.optimizer_slots(config.optimizer), params.size))
        anchored = {}
        if importance is not None:
            anchored = dict(anchor_weight=np.full(params.size, importance), anchor=params + 1.0)
        _core.nn_train_epoch(network, X, y, weight, trained, np.zeros_like(params), state, 0, buffers.copy(), config,
                             **anchored)
        if reference is None:
            reference = trained
        np.testing.assert_array_equal(trained, reference)


def test_ewc_lambda_zero_and_replay_zero_are_plain_warm_starts():
    tasks = permuted_tasks(0, n_train=200, n_test=10)
    plain = learner(warm_start=True, epochs=3)
    explicit = learner(warm_start=True, epochs=3, continual=ContinualLearning(ewc_lambda=0.0, replay=0))
    for X, y, _, _ in tasks:
        plain.fit(X, y)
        explicit.fit(X, y)
    np.testing.assert_array_equal(explicit.params_, plain.params_)
    assert not hasattr(explicit, "n_tasks_")


# -- the Fisher estimate ----------------------------------------------------------------


def per_row_gradients(network, X, y, params, buffers, config):
    grads = np.zeros((X.shape[0], params.size))
    for i in range(X.shape[0]):
        _core.nn_loss_and_gradient(network, X[i : i + 1], y[i : i + 1], np.ones(1), params, grads[i], buffers, config)
    return grads


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "mse"])
@pytest.mark.parametrize("n, n_threads", [(7, 1), (150, 2)])  # one block of rows; several, over threads
def test_sample_gradient_squares_match_numpy(loss, n, n_threads):
    layout, params, buffers, X, y, weight, config, _ = small_problem(loss=loss, dropout=0.3, n=n)
    weight[::5] = 0.0  # rows without weight count for nothing
    network = layout.network()
    config.n_threads = n_threads
    squares = _core.nn_sample_gradient_squares(network, X, y, weight, params, buffers, config)
    # The engine drops dropout for the Fisher: the same network without it.
    plain = Layout([LayerSpec(3, 5, "tanh"), LayerSpec(5, 3)]).network()
    grads = per_row_gradients(plain, X, y, params, buffers, config)
    np.testing.assert_allclose(squares, (weight[:, None] * grads**2).sum(axis=0), rtol=1e-12, atol=1e-300)
    assert squares.max() > 1e-3
    single = [a.astype(np.float32) for a in (X, y, weight, params, buffers)]
    in_float32 = _core.nn_sample_gradient_squares(network, *single[:3], *single[3:], config)
    np.testing.assert_allclose(in_float32, squares, rtol=2e-4, atol=1e-6 * squares.max())


def test_sample_gradient_squares_cover_every_row_when_the_runtime_gives_fewer_threads():
    # The blocks were split by the requested thread count, so with fewer
    # threads granted (OMP_THREAD_LIMIT, OMP_DYNAMIC) some rows were skipped.
    script = """
import numpy as np
from zoo import _core
from zoo.nn.init import initial_params
from zoo.nn.network import LayerSpec, Layout
rng = np.random.default_rng(0)
layout = Layout([LayerSpec(3, 5, "tanh"), LayerSpec(5, 3)])
params = initial_params(layout, "glorot_uniform", rng, np.float64)
X, y = rng.normal(size=(500, 3)), rng.integers(0, 3, size=(500, 1)).astype(float)
config = _core.TrainConfig()
config.loss = _core.Loss.categorical_crossentropy
out = []
for n_threads in (1, 4):
    config.n_threads = n_threads
    out.append(_core.nn_sample_gradient_squares(
        layout.network(), X, y, np.ones(500), params, layout.initial_buffers(np.float64), config))
np.testing.assert_allclose(out[1], out[0], rtol=1e-12)
"""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_frozen_layers_get_their_fisher_entries_too():
    # They used to get zeros, leaving them unprotected once a later task unfreezes them.
    layout, params, buffers, X, y, weight, config, _ = small_problem(n=20)
    frozen = Layout([LayerSpec(3, 5, "tanh", trainable=False), LayerSpec(5, 3)])
    expected = _core.nn_sample_gradient_squares(layout.network(), X, y, weight, params, buffers, config)
    squares = _core.nn_sample_gradient_squares(frozen.network(), X, y, weight, params, buffers, config)
    np.testing.assert_allclose(squares, expected, rtol=1e-12)
    assert squares[frozen.slices[0].weight].min() > 0


def test_classifier_fisher_is_the_expectation_over_predicted_classes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 4))
    y = rng.integers(0, 3, size=40)
    weight = rng.uniform(0.5, 1.5, size=40)
    continual = ContinualLearning(ewc_lambda=1.0, ewc_samples=25)
    model = zoo.MLPClassifier((6,), epochs=3, dtype="float64", continual=continual, random_state=0)
    model.fit(X, y, sample_weight=weight)
    network, config = model._network(), model._train_config(0.0, 0, 1)
    rows = np.sort(np.random.default_rng((model._seed_, 0, FISHER_STREAM)).choice(40, size=25, replace=False))
    probabilities = model.predict_proba(X[rows])
    expected = np.zeros(model.params_.size)
    for label in range(3):
        targets = np.full((25, 1), float(label))
        grads = per_row_gradients(network, X[rows], targets, model.params_, model.buffers_, config)
        expected += ((weight[rows] * probabilities[:, label])[:, None] * grads**2).sum(axis=0)
    np.testing.assert_allclose(model.ewc_fisher_, expected / weight[rows].sum(), rtol=1e-10)
    np.testing.assert_array_equal(model.ewc_anchor_, model.params_)


def test_regressor_fisher_is_the_empirical_one():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 3))
    y = X @ [1.0, -2.0, 0.5]
    model = zoo.MLPRegressor((5,), epochs=2, dtype="float64", continual=ContinualLearning(ewc_lambda=1.0),
                             random_state=0).fit(X, y)
    targets = y[:, None]
    grads = per_row_gradients(model._network(), X, targets, model.params_, model.buffers_, model._train_config(0, 0, 1))
    np.testing.assert_allclose(model.ewc_fisher_, (grads**2).mean(axis=0), rtol=1e-10)


# -- replay ------------------------------------------------------------------------------


def test_replay_stores_a_seeded_sample_of_each_task():
    tasks = permuted_tasks(0, n_train=200, n_test=10)
    model = learner(epochs=2, continual=ContinualLearning(replay=50))
    again = learner(epochs=2, continual=ContinualLearning(replay=0.25))  # the same count as a fraction of 200 rows
    for X, y, _, _ in tasks:
        model.fit(X, y)
        again.fit(X, y)
    assert model.n_tasks_ == 2 and model.replay_X_.shape == (100, 30)
    for task, stored in zip(tasks, (model.replay_X_[:50], model.replay_X_[50:])):
        rows = {row.tobytes() for row in task[0].astype(np.float32)}
        assert {row.tobytes() for row in stored} <= rows
    labels = model.classes_[model.replay_targets_[:, 0].astype(int)]  # stored as class indices
    first = {row.tobytes(): label for row, label in zip(tasks[0][0].astype(np.float32), tasks[0][1])}
    assert all(first[row.tobytes()] == label for row, label in zip(model.replay_X_[:50], labels[:50]))
    np.testing.assert_array_equal(again.replay_X_, model.replay_X_)
    np.testing.assert_array_equal(again.params_, model.params_)


# -- persistence, resume, resets -----------------------------------------------------------


@pytest.mark.parametrize("continual", [dict(ewc_lambda=50.0), dict(replay=40)])
def test_save_and_load_between_tasks_changes_nothing(continual, tmp_path):
    tasks = permuted_tasks(1, n_train=200, n_test=10)
    straight = learner(epochs=4, continual=ContinualLearning(**continual))
    straight.fit(*tasks[0][:2])
    saved = zoo.load(straight.save(tmp_path / "after_task_1.zoo"))
    straight.fit(*tasks[1][:2])
    saved.fit(*tasks[1][:2])
    np.testing.assert_array_equal(saved.params_, straight.params_)
    assert saved.n_tasks_ == 2


def test_an_interrupted_task_resumes_exactly(tmp_path):
    tasks = permuted_tasks(2, n_train=200, n_test=10)
    whole = learner(epochs=6, continual=ContinualLearning(ewc_lambda=30.0, replay=30))
    for X, y, _, _ in tasks:
        whole.fit(X, y)

    def interrupt_at_epoch_8(model, epoch, logs):
        if epoch == 8:
            signal.raise_signal(signal.SIGINT)  # as Ctrl-C: stop after this epoch

    stopper = LambdaCallback(on_epoch_end=interrupt_at_epoch_8)
    halted = learner(epochs=6, continual=ContinualLearning(ewc_lambda=30.0, replay=30), callbacks=[stopper])
    halted.fit(*tasks[0][:2])
    with pytest.warns(RuntimeWarning, match="interrupted"):
        halted.fit(*tasks[1][:2])
    assert halted.interrupted_ and halted.n_tasks_ == 1 and halted.n_epochs_ == 9
    resumed = zoo.load(halted.save(tmp_path / "halted.zoo"))
    resumed.fit(*tasks[1][:2], resume=True)
    assert resumed.n_tasks_ == 2 and resumed.n_epochs_ == 12
    np.testing.assert_array_equal(resumed.params_, whole.params_)
    np.testing.assert_array_equal(resumed.ewc_fisher_, whole.ewc_fisher_)
    np.testing.assert_array_equal(resumed.replay_X_, whole.replay_X_)


def test_a_fresh_fit_forgets_every_task():
    tasks = permuted_tasks(0, n_train=200, n_test=10)
    model = learner(epochs=2, continual=ContinualLearning(ewc_lambda=10.0, replay=20))
    for X, y, _, _ in tasks:
        model.fit(X, y)
    model.set_params(continual=None).fit(*tasks[0][:2])
    for name in ("n_tasks_", "ewc_fisher_", "ewc_anchor_", "replay_X_"):
        assert not hasattr(model, name)
    np.testing.assert_array_equal(model.params_, learner(epochs=2).fit(*tasks[0][:2]).params_)


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, words",
    [
        (dict(ewc_lambda=-1.0), "ewc_lambda"),
        (dict(ewc_lambda=1.0, ewc_decay=0.0), "ewc_decay"),
        (dict(ewc_lambda=1.0, ewc_decay=1.5), "ewc_decay"),
        (dict(ewc_lambda=1.0, ewc_samples=0), "ewc_samples"),
        (dict(replay=-3), "replay"),
        (dict(replay=1.5), "replay"),
        (dict(replay=500), "replay=500 is larger than the task's 200 training rows"),
        (dict(ewc_lambda=1.0, batch_norm=True), "batch_norm"),
    ],
)
def test_bad_values_are_clear_errors(params, words):
    X, y, _, _ = permuted_tasks(0, n_train=200, n_test=10)[0]
    settings = {key: value for key, value in params.items() if key != "batch_norm"}
    with pytest.raises(ValueError, match=words):
        learner(epochs=1, batch_norm=params.get("batch_norm", False), continual=ContinualLearning(**settings)).fit(X, y)


def test_engine_refuses_bad_anchor_arrays():
    layout, params, buffers, X, y, weight, config, _ = small_problem()
    network, grads = layout.network(), np.zeros_like(params)
    with pytest.raises(ValueError, match="together"):
        _core.nn_loss_and_gradient(network, X, y, weight, params, grads, buffers, config, anchor_weight=params)
    with pytest.raises(ValueError, match="anchor_weight has the wrong size"):
        _core.nn_loss_and_gradient(network, X, y, weight, params, grads, buffers, config,
                                   anchor_weight=params[:-1], anchor=params)
    with pytest.raises(ValueError, match="non-negative"):
        _core.nn_loss_and_gradient(network, X, y, weight, params, grads, buffers, config,
                                   anchor_weight=-np.ones_like(params), anchor=params)


# -- the ContinualLearning component ----------------------------------------------------------


@pytest.mark.parametrize(
    "params, words",
    [
        (dict(ewc_lambda=-1.0), "ewc_lambda must be a number in the range"),
        (dict(ewc_lambda=float("nan")), "ewc_lambda"),
        (dict(ewc_lambda="strong"), "ewc_lambda"),
        (dict(ewc_decay=0.0), r"ewc_decay must be a number in the range \(0, 1\]"),
        (dict(ewc_decay=1.5), "ewc_decay"),
        (dict(ewc_samples=0), "ewc_samples must be an int"),
        (dict(ewc_samples=10.0), "ewc_samples must be an int"),
        (dict(replay=-3), "replay must be an int >= 0"),
        (dict(replay=1.5), r"replay must be an int >= 0 .* or a float in \(0, 1\)"),
        (dict(replay=1.0), "replay"),
        (dict(replay=True), "replay"),
        (dict(replay=float("nan")), "replay"),
    ],
)
def test_continual_learning_refuses_bad_values_when_built(params, words):
    with pytest.raises(ValueError, match=f"ContinualLearning: {words}"):
        ContinualLearning(**params)


def test_continual_learning_settings_changed_after_building_are_checked_at_fit():
    X, y, _, _ = permuted_tasks(0, n_train=50, n_test=10)[0]
    continual = ContinualLearning(ewc_lambda=1.0)
    continual.ewc_decay = 2.0
    with pytest.raises(ValueError, match="ewc_decay"):
        learner(epochs=1, continual=continual).fit(X, y)
    with pytest.raises(ValueError, match="'continual'"):
        learner(epochs=1, continual={"ewc_lambda": 1.0}).fit(X, y)


def test_continual_learning_compares_prints_and_round_trips_its_config():
    continual = ContinualLearning(ewc_lambda=100.0, ewc_decay=0.5, ewc_samples=50, replay=0.25)
    assert repr(continual) == "ContinualLearning(ewc_lambda=100.0, ewc_decay=0.5, ewc_samples=50, replay=0.25)"
    assert continual.to_config() == dict(ewc_lambda=100.0, ewc_decay=0.5, ewc_samples=50, replay=0.25)
    assert ContinualLearning.from_config(continual.to_config()) == continual
    assert continual != ContinualLearning(ewc_lambda=100.0) and continual != continual.to_config()
    assert continual.active and ContinualLearning(replay=1).active and not ContinualLearning(ewc_decay=0.5).active
    model = zoo.MLPClassifier(continual=continual)
    assert "continual=ContinualLearning(ewc_lambda=100.0" in repr(model)
    assert model.get_params()["continual"] is continual


def test_a_model_with_continual_learning_passes_scikit_learns_parameter_checks():
    checks = pytest.importorskip("sklearn.utils.estimator_checks")
    from sklearn.base import clone

    model = zoo.MLPClassifier((8,), epochs=2, continual=ContinualLearning(ewc_lambda=10.0, replay=5), random_state=0)
    copy = clone(model)
    assert copy.continual == model.continual and copy.continual is not model.continual
    for check in (checks.check_get_params_invariance, checks.check_set_params, checks.check_no_attributes_set_in_init,
                  checks.check_estimators_overwrite_params, checks.check_dont_overwrite_parameters):
        check("MLPClassifier", model)


def test_a_model_with_continual_learning_saves_it_as_a_parameter(tmp_path):
    import json

    tasks = permuted_tasks(0, n_train=100, n_test=10)
    continual = ContinualLearning(ewc_lambda=20.0, ewc_decay=0.8, ewc_samples=40, replay=0.1)
    model = learner(epochs=2, continual=continual).fit(*tasks[0][:2])
    path = model.save(tmp_path / "continual.zoo")
    with np.load(path) as archive:
        params = json.loads(str(archive["__meta__"][()]))["params"]
    assert params["continual"] == {"__object__": {"class": "ContinualLearning", "config": continual.to_config()}}
    assert not {"ewc_lambda", "ewc_decay", "ewc_samples", "replay"} & set(params)
    loaded = zoo.load(path)
    assert loaded.continual == continual and type(loaded.continual.replay) is float
    np.testing.assert_array_equal(loaded.ewc_fisher_, model.ewc_fisher_)
    assert zoo.load(learner(epochs=2).fit(*tasks[0][:2]).save(tmp_path / "plain.zoo")).continual is None


LEGACY_DEFAULTS = dict(ewc_lambda=0.0, ewc_decay=1.0, ewc_samples=500, replay=0)


@pytest.mark.parametrize(
    "old, expected",
    [
        (LEGACY_DEFAULTS, None),
        ({**LEGACY_DEFAULTS, "ewc_lambda": 100.0}, ContinualLearning(ewc_lambda=100.0)),
        ({**LEGACY_DEFAULTS, "replay": 0.25, "ewc_decay": 0.5}, ContinualLearning(ewc_decay=0.5, replay=0.25)),
        ({"replay": 30}, ContinualLearning(replay=30)),  # whichever of the four a file holds
        ({}, "absent"),  # a file written since: nothing to upgrade
    ],
)
def test_the_four_parameters_of_older_files_become_one_continual(old, expected):
    for cls in (zoo.MLP, zoo.MLPClassifier, zoo.MLPRegressor):
        upgraded = cls._upgrade_saved_params({"epochs": 3, **old})
        assert upgraded.pop("epochs") == 3
        assert upgraded == ({} if expected == "absent" else {"continual": expected})


def rewrite_params(path, edit):
    """Rewrite a saved file's constructor parameters, as an older version wrote them."""
    import json

    with np.load(path) as archive:
        entries = {name: archive[name] for name in archive.files}
    meta = json.loads(str(entries["__meta__"][()]))
    edit(meta["params"])
    entries["__meta__"] = np.array(json.dumps(meta))
    with open(path, "wb") as file:
        np.savez(file, **entries)


def test_a_continual_model_saved_with_the_old_parameters_loads_and_continues_the_same(tmp_path):
    tasks = permuted_tasks(1, n_train=200, n_test=10)
    continual = ContinualLearning(ewc_lambda=50.0, ewc_decay=0.5, replay=40)
    model = learner(epochs=3, continual=continual).fit(*tasks[0][:2])
    path = model.save(tmp_path / "old_style.zoo")

    def as_before(params):
        params.update(params.pop("continual")["__object__"]["config"])

    rewrite_params(path, as_before)
    loaded = zoo.load(path)
    assert loaded.continual == continual
    loaded.fit(*tasks[1][:2])
    model.fit(*tasks[1][:2])
    np.testing.assert_array_equal(loaded.params_, model.params_)
    np.testing.assert_array_equal(loaded.ewc_fisher_, model.ewc_fisher_)


def test_the_old_constructor_parameters_are_gone():
    for name in ("ewc_lambda", "ewc_decay", "ewc_samples", "replay"):
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'"):
            zoo.MLPClassifier(**{name: 1})
    assert "continual" in zoo.MLPRegressor().get_params()


def test_the_legacy_mlp_files_load_without_continual_learning():
    from pathlib import Path

    data = Path(__file__).parent.parent / "data"
    for name in ("mlp_classifier", "mlp_regressor"):
        model = zoo.load(data / f"legacy_{name}.npz")
        assert model.continual is None and not hasattr(model, "n_tasks_")
