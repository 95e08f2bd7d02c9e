"""zoo.MLP, MLPClassifier, MLPRegressor: learning, the training toolbox,
checkpoints, transfer learning and errors."""

import numpy as np
import pytest

import zoo
from zoo import MLP, MLPClassifier, MLPRegressor
from zoo.nn import ContinualLearning, EarlyStopping, LambdaCallback, ModelCheckpoint


def xor(n_repeat=50):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * n_repeat, dtype=np.float64)
    y = np.array([0, 1, 1, 0] * n_repeat)
    return X, y


def noisy_sine(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, 1))
    y = np.sin(X[:, 0]) + rng.normal(scale=0.1, size=n)
    return X, y


def ten_classes(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(10, 8))
    y = rng.integers(0, 10, n)
    X = centres[y] + rng.normal(size=(n, 8))
    return X, y


def test_learns_xor():
    X, y = xor()
    model = MLPClassifier((8,), activation="tanh", learning_rate=0.05, epochs=150, random_state=0).fit(X, y)
    assert model.score(X, y) == 1.0
    assert model.history_["loss"][-1] < 0.05


def test_noisy_sine_regression():
    X, y = noisy_sine()
    model = MLPRegressor((32, 32), activation="tanh", learning_rate=0.01, epochs=150, random_state=0).fit(X, y)
    assert model.predict(X).shape == (600,)
    assert model.score(X, y) > 0.95
    assert model.history_["r2"][-1] > 0.9


@pytest.mark.parametrize("cls", [MLPRegressor, MLP])
def test_regression_predictions_follow_the_input_precision(cls):
    # The network computes in float32; its predictions are float64 for
    # float64 (or integer) input, float32 for float32 input, the same values.
    X, y = noisy_sine(n=100)
    model = cls((8,), epochs=2, random_state=0).fit(X, y)
    as_64 = model.predict(X)
    as_32 = model.predict(X.astype(np.float32))
    assert as_64.dtype == np.float64 and as_32.dtype == np.float32
    assert model.predict(np.round(X).astype(np.int64)).dtype == np.float64
    np.testing.assert_array_equal(as_64, as_32.astype(np.float64))
    y2 = np.column_stack([y, -y])
    assert cls((8,), epochs=2, random_state=0).fit(X, y2).predict(X).dtype == np.float64


def test_ten_classes_with_validation():
    X, y = ten_classes()
    model = MLPClassifier((64,), epochs=20, batch_size=64, validation_split=0.2, random_state=0).fit(X, y)
    assert model.history_["val_accuracy"][-1] > 0.9
    assert model.predict_proba(X[:5]).shape == (5, 10)
    np.testing.assert_allclose(model.predict_proba(X[:5]).sum(1), 1.0)
    assert set(model.history_.keys()) >= {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "epoch_time"}


def test_string_labels_and_general_mlp():
    X, y = xor()
    labels = np.array(["no", "yes"])[y]
    model = MLP((8,), activation="tanh", learning_rate=0.05, epochs=150, random_state=0).fit(X, labels)
    assert set(model.predict(X)) <= {"no", "yes"} and model.score(X, labels) == 1.0
    regression = MLP((16,), epochs=50, random_state=0).fit(*noisy_sine(200))
    assert regression.predict(np.zeros((2, 1))).shape == (2,)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad"])
def test_every_optimizer_learns(optimizer):
    X, y = ten_classes(800)
    lr = {"sgd": 0.1, "momentum": 0.05, "adagrad": 0.1}.get(optimizer, 0.01)
    model = MLPClassifier((32,), optimizer=optimizer, learning_rate=lr, epochs=15, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.85


def test_batch_sizes_from_one_to_full_batch():
    X, y = xor(20)
    for batch_size in (1, 16, 80):
        model = MLPClassifier((8,), activation="tanh", learning_rate=0.05, batch_size=batch_size, epochs=300,
                              random_state=0).fit(X, y)
        assert model.n_steps_ == 300 * -(-80 // batch_size)
    assert model.score(X, y) == 1.0


def test_dropout_and_batch_norm_differ_between_training_and_inference():
    X, y = ten_classes(500)
    model = MLPClassifier((32,), dropout=0.5, batch_norm=True, epochs=5, random_state=0).fit(X, y)
    # Inference is deterministic (no dropout, running statistics)...
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))
    # ...and differs from a training-mode pass, which drops units and uses batch statistics.
    from zoo import _core

    grads = np.empty_like(model.params_)
    config = model._train_config(0.0, 123, 1)
    train_loss = _core.nn_loss_and_gradient(model._network(), X.astype(np.float32),
                                            model._targets_.encode(y, dtype=np.float32),
                                            np.ones(len(X), np.float32), model.params_, grads, model.buffers_, config)
    eval_loss = _core.nn_evaluate(model._network(), X.astype(np.float32), model._targets_.encode(y, dtype=np.float32),
                                  np.ones(len(X), np.float32), model.params_, model.buffers_, config)[0]
    assert abs(train_loss - eval_loss) > 1e-3
    assert not np.allclose(model.buffers_[:32], 0)  # running means moved during training


def test_early_stopping_restores_best_weights():
    X, y = ten_classes(600)
    rng = np.random.default_rng(1)
    y_noisy = np.where(rng.random(len(y)) < 0.3, rng.integers(0, 10, len(y)), y)  # overfits fast
    stopper = EarlyStopping(patience=3, restore_best_weights=True)
    seen = {}
    record = LambdaCallback(on_epoch_end=lambda model, epoch, logs: seen.__setitem__(epoch, model._get_weights()))
    model = MLPClassifier((256, 256), epochs=200, learning_rate=3e-3, validation_split=0.3, early_stopping=stopper,
                          callbacks=[record], random_state=0).fit(X, y_noisy)
    assert model.n_epochs_ < 200
    best = int(np.argmin(model.history_["val_loss"]))
    np.testing.assert_array_equal(model.params_, seen[best]["params_"])


@pytest.mark.parametrize("schedule", ["cosine", "plateau"])
def test_checkpoint_resume_is_exact(tmp_path, schedule):
    X, y = ten_classes(400)
    checkpoint = ModelCheckpoint(str(tmp_path / "epoch{epoch}.npz"), every=3)
    # random_state=None: the run's own seed, saved in the checkpoint, must fix
    # the shuffles, dropout masks and the validation split.
    straight = MLPClassifier((16,), epochs=6, dropout=0.2, batch_norm=True, lr_schedule=schedule,
                             validation_split=0.2, callbacks=[checkpoint], random_state=None).fit(X, y)
    resumed = zoo.load(tmp_path / "epoch3.npz").fit(X, y, resume=True)
    assert resumed.n_epochs_ == 6
    np.testing.assert_array_equal(resumed.params_, straight.params_)
    np.testing.assert_array_equal(resumed.buffers_, straight.buffers_)
    np.testing.assert_array_equal(resumed.optimizer_state_, straight.optimizer_state_)
    assert resumed.history_["loss"] == straight.history_["loss"]
    assert resumed.history_["lr"] == straight.history_["lr"]
    assert resumed.history_["val_loss"] == straight.history_["val_loss"]


def test_model_checkpoint_callback_writes_loadable_files(tmp_path):
    X, y = xor()
    checkpoint = ModelCheckpoint(str(tmp_path / "epoch{epoch}.npz"), every=2)
    MLPClassifier((4,), epochs=4, callbacks=[checkpoint], random_state=0).fit(X, y)
    restored = zoo.load(tmp_path / "epoch4.npz")
    assert restored.n_epochs_ == 4 and restored.predict(X).shape == (len(X),)


def test_frozen_layers_do_not_move_and_transfer_learning():
    X, y = ten_classes(800)
    base = MLPClassifier((32, 16), epochs=5, random_state=0).fit(X, y)
    # Fine-tune everything but the first layer, with a smaller learning rate.
    tuned = MLPClassifier((32, 16), epochs=3, init_from=base, frozen_layers=[0], learning_rate=1e-4,
                          random_state=1).fit(X, y)
    np.testing.assert_array_equal(tuned.coefs_[0], base.coefs_[0])
    np.testing.assert_array_equal(tuned.intercepts_[0], base.intercepts_[0])
    assert not np.array_equal(tuned.coefs_[1], base.coefs_[1])
    assert tuned.score(X, y) >= base.score(X, y) - 0.02
    # A new head on two transferred layers: those two start as the source's.
    head = MLPClassifier((32, 16), epochs=1, init_from=base, init_layers=2, frozen_layers=[0, 1],
                         random_state=1).fit(X, y)
    for i in (0, 1):
        np.testing.assert_array_equal(head.coefs_[i], base.coefs_[i])
    assert not np.array_equal(head.coefs_[2], base.coefs_[2])
    with pytest.raises(ValueError, match="layer 1 differs"):
        MLPClassifier((32, 8), init_from=base, init_layers=2, epochs=1).fit(X, y)


def test_init_from_a_saved_path_survives_cloning_for_cross_validation(tmp_path):
    from zoo.base import clone
    from zoo.model_selection import cross_val_score

    X, y = ten_classes(400)
    base = MLPClassifier((32, 16), epochs=3, random_state=0).fit(X, y)
    path = tmp_path / "base.zoo"
    base.save(path)
    from_path = MLPClassifier((32, 16), epochs=1, init_from=str(path), frozen_layers=[0], random_state=1)
    from_object = MLPClassifier((32, 16), epochs=1, init_from=base, frozen_layers=[0], random_state=1)
    np.testing.assert_array_equal(clone(from_path).fit(X, y).params_, from_object.fit(X, y).params_)
    # Each fold of a cross-validation fits a clone, which only a path survives.
    scores = cross_val_score(MLPClassifier((32, 16), epochs=1, init_from=path, random_state=1), X, y, cv=2)
    assert np.all(np.isfinite(scores))
    with pytest.raises(FileNotFoundError):
        MLPClassifier((32, 16), epochs=1, init_from=tmp_path / "missing.zoo").fit(X, y)


def test_class_weight_changes_the_decision():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, size=(950, 2)), rng.normal(1.5, 1, size=(50, 2))])
    y = np.r_[np.zeros(950, int), np.ones(50, int)]
    plain = MLPClassifier((16,), epochs=30, random_state=0).fit(X, y)
    balanced = MLPClassifier((16,), epochs=30, class_weight="balanced", random_state=0).fit(X, y)
    recall = lambda m: (m.predict(X[y == 1]) == 1).mean()  # noqa: E731
    assert recall(balanced) > recall(plain) + 0.3


def test_warm_start_and_partial_fit_continue_training():
    X, y = ten_classes(500)
    model = MLPClassifier((16,), epochs=2, warm_start=True, random_state=0).fit(X, y)
    model.fit(X, y)
    assert model.n_epochs_ == 4 and len(model.history_["loss"]) == 4
    streaming = MLPClassifier((16,), random_state=0)
    streaming.partial_fit(X[:100], y[:100], classes=np.arange(10))
    streaming.partial_fit(X[100:], y[100:])
    assert streaming.n_epochs_ == 2


def test_pickle_and_save_load_give_the_same_predictions(tmp_path):
    import pickle

    X, y = ten_classes(300)
    model = MLPClassifier((8,), epochs=3, optimizer=zoo.nn.SGD(momentum=0.9), random_state=0,
                          lr_schedule=zoo.nn.LinearWarmup(2, then=zoo.nn.StepDecay(2, 0.5))).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    model.save(tmp_path / "m.npz")
    loaded = zoo.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.optimizer == model.optimizer and loaded.lr_schedule == model.lr_schedule
    assert loaded.history_["loss"] == model.history_["loss"]


def test_ctrl_c_stops_after_the_current_epoch_with_a_usable_model():
    import _thread
    import threading

    X, y = ten_classes(20000)
    model = MLPClassifier((64,), epochs=100_000, random_state=0)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.warns(RuntimeWarning, match="interrupted"):
            model.fit(X, y)
    finally:
        timer.cancel()
    assert model.interrupted_ and 1 <= model.n_epochs_ < 100_000
    assert len(model.history_["loss"]) == model.n_epochs_
    assert model.score(X, y) > 0.5


class TestErrors:
    def test_labels_unseen_at_fit(self):
        X, y = xor()
        model = MLPClassifier((4,), epochs=1).fit(X, y)
        with pytest.raises(ValueError, match="not seen at fit"):
            model.partial_fit(X, y + 5)

    def test_loss_that_does_not_fit_the_targets(self):
        X, y = xor()
        with pytest.raises(ValueError, match="does not fit class labels"):
            MLPClassifier(loss="mse", epochs=1).fit(X, y)
        with pytest.raises(ValueError, match="needs class labels"):
            MLPRegressor(loss="categorical_crossentropy", epochs=1).fit(X, y.astype(float))
        with pytest.raises(ValueError, match="continuous"):
            MLPClassifier(epochs=1).fit(X, y + 0.5)

    def test_shapes_and_values(self):
        X, y = xor()
        with pytest.raises(ValueError, match="samples"):
            MLPClassifier(epochs=1).fit(X, y[:-1])
        with pytest.raises(ValueError, match="NaN"):
            MLPRegressor(epochs=1).fit(X, np.where(y == 0, np.nan, 1.0))
        model = MLPRegressor((4,), epochs=1).fit(X, y.astype(float))
        with pytest.raises(ValueError, match="features"):
            model.predict(np.zeros((3, 5)))
        with pytest.raises(ValueError, match="dropout"):
            MLPClassifier((4, 4), dropout=[0.1], epochs=1).fit(X, y)
        with pytest.raises(ValueError, match="optimizer must be one of"):
            MLPClassifier(optimizer="newton", epochs=1).fit(X, y)
        with pytest.raises(ValueError, match="learning_rate"):
            MLPClassifier(learning_rate=0, epochs=1).fit(X, y)


# -- normalize=True -------------------------------------------------------------


def badly_scaled(n=400, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, 3))
    y = (Z[:, 0] - Z[:, 1] + 0.5 * Z[:, 2] > 0).astype(int)
    X = Z * [2000.0, 0.002, 1.0] + [5000.0, -1.0, 0.0]
    return X, y


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor, MLP])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normalize_equals_fitting_on_standardised_inputs(cls, dtype):
    X, labels = badly_scaled(n=120)
    X[:, 2] = 7.0  # a constant feature: scale 1, value 0
    y = X[:, 1] * 100.0 if cls is MLPRegressor else labels
    params = dict(hidden_layer_sizes=(6,), epochs=5, random_state=1, n_jobs=1, dtype=dtype)
    normalised = cls(normalize=True, **params).fit(X, y)
    X_model = X.astype(dtype)  # statistics of the inputs the model received
    mean = X_model.astype(np.float64).mean(axis=0)
    scale = X_model.astype(np.float64).std(axis=0)
    assert scale[2] == 0
    scale[2] = 1.0
    standardised = ((X_model.astype(np.float64) - mean) / scale).astype(dtype)
    manual = cls(**params).fit(standardised, y)
    np.testing.assert_array_equal(normalised.input_mean_, mean)
    np.testing.assert_array_equal(normalised.input_scale_, scale)
    np.testing.assert_array_equal(normalised.params_, manual.params_)
    np.testing.assert_array_equal(normalised.predict(X), manual.predict(standardised))
    assert normalised.score(X, y) == manual.score(standardised, y)


def test_normalize_trains_a_badly_scaled_problem_far_better():
    X, y = badly_scaled()
    params = dict(hidden_layer_sizes=(16,), epochs=30, learning_rate=0.01, random_state=0, n_jobs=1)
    raw = MLPClassifier(**params).fit(X, y).score(X, y)
    normalised = MLPClassifier(normalize=True, **params).fit(X, y)
    assert normalised.score(X, y) > 0.95
    assert normalised.score(X, y) > raw + 0.2
    np.testing.assert_allclose(normalised.predict_proba(X).sum(axis=1), 1.0, rtol=1e-5)


def test_normalize_statistics_survive_save_load_warm_start_and_partial_fit(tmp_path):
    X, y = badly_scaled(n=200)
    model = MLPClassifier((8,), epochs=3, normalize=True, warm_start=True, random_state=0).fit(X, y)
    mean, scale = model.input_mean_.copy(), model.input_scale_.copy()
    loaded = zoo.load(model.save(tmp_path / "normalised.zoo"))
    np.testing.assert_array_equal(loaded.input_mean_, mean)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    model.fit(X[:50] * 3.0, y[:50])  # warm start: the first fit's statistics stay
    model.partial_fit(X[50:100] + 1.0, y[50:100])
    np.testing.assert_array_equal(model.input_mean_, mean)
    np.testing.assert_array_equal(model.input_scale_, scale)
    refit = MLPClassifier((8,), epochs=1, random_state=0).fit(X, y)
    assert not hasattr(refit, "input_mean_")
    model.set_params(normalize=False, warm_start=False).fit(X, y)  # a fresh fit forgets them
    assert not hasattr(model, "input_mean_")


def test_normalize_learns_from_training_rows_only():
    X, y = badly_scaled(n=200)
    seen = []

    def record(X, random_state):
        seen.append(np.array(X))
        return X.copy()

    model = MLPClassifier((4,), epochs=1, normalize=True, validation_split=0.5, random_state=0)
    model.fit(X, y, augment=record)
    training_rows = seen[0]  # augmentation sees exactly the training rows
    assert training_rows.shape == (100, 3)
    np.testing.assert_array_equal(model.input_mean_, training_rows.astype(np.float64).mean(axis=0))
    assert not np.allclose(model.input_mean_, X.mean(axis=0), rtol=1e-9, atol=0)


@pytest.mark.parametrize("first, then", [(True, False), (False, True)])
def test_a_continued_fit_refuses_a_changed_normalize(first, then):
    # A warm start, partial_fit or continual task used to ignore the new
    # setting silently (normalize=True without statistics, or stale ones).
    X, y = badly_scaled(n=100)
    for continued in (dict(warm_start=True), dict(continual=ContinualLearning(ewc_lambda=1.0)),
                      dict(continual=ContinualLearning(replay=10))):
        model = MLPClassifier((4,), epochs=1, normalize=first, random_state=0, **continued).fit(X, y)
        model.set_params(normalize=then)
        with pytest.raises(ValueError, match="normalize"):
            model.fit(X, y)
        with pytest.raises(ValueError, match="normalize"):
            model.partial_fit(X, y)
        assert hasattr(model, "input_mean_") == first


def test_a_failed_first_fit_leaves_statistics_that_agree_with_normalize():
    X, y = badly_scaled(n=100)
    model = MLPClassifier((4,), epochs=1, normalize=True, continual=ContinualLearning(replay=500), random_state=0)
    with pytest.raises(ValueError, match="replay"):
        model.fit(X, y)
    model.set_params(continual=ContinualLearning(replay=10)).fit(X, y)  # continues the initialised model
    assert model.input_mean_.shape == (3,) and model.n_tasks_ == 1


def test_init_from_refuses_a_source_that_saw_inputs_scaled_differently():
    X, y = badly_scaled(n=200)
    source = MLPClassifier((8,), epochs=20, normalize=True, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="normalize=True"):
        MLPClassifier((8,), epochs=1, init_from=source, random_state=0).fit(X, y)
    raw_source = MLPClassifier((8,), epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="normalize=False"):
        MLPClassifier((8,), epochs=1, init_from=raw_source, normalize=True, random_state=0).fit(X, y)
    # Matching settings: the copied layers see inputs scaled as they were trained on.
    target = MLPClassifier((8,), epochs=1, learning_rate=1e-12, init_from=source, normalize=True, random_state=0)
    assert target.fit(X, y).score(X, y) > source.score(X, y) - 0.05
