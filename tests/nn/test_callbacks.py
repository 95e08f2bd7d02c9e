"""Callbacks, driven by a fake model through the training loop's protocol."""

import io
import math
import sys
import types
import warnings

import numpy as np
import pytest

from zoo.nn.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    ModelCheckpoint,
    ProgressBar,
    TerminateOnNaN,
)
from zoo.nn.history import History


class FakeModel:
    """What callbacks may use of an estimator: save, weights, history_."""

    def __init__(self):
        self.weights = {"w": np.zeros(3)}
        self.saved = []
        self.set_weights_calls = 0
        self.history_ = History()

    def save(self, path):
        self.saved.append(path)

    def _get_weights(self):
        return {name: value.copy() for name, value in self.weights.items()}

    def _set_weights(self, weights):
        self.set_weights_calls += 1
        self.weights = {name: value.copy() for name, value in weights.items()}


def train(model, callbacks, epoch_logs, total_epochs=None):
    """The loop of zoo's estimators; weights hold the epoch number after each epoch.

    Returns the number of epochs run.
    """
    callbacks = CallbackList(callbacks)
    callbacks.on_train_begin(model, {"total_epochs": total_epochs or len(epoch_logs)})
    run = 0
    try:
        for epoch, logs in enumerate(epoch_logs):
            callbacks.on_epoch_begin(model, epoch, {})
            model.weights["w"][:] = epoch
            model.history_.append(logs)
            run += 1
            if callbacks.on_epoch_end(model, epoch, logs):
                break
    finally:
        callbacks.on_train_end(model, {})
    return run


def val_losses(*values):
    return [{"loss": 1.0, "val_loss": value} for value in values]


# ------------------------------------------------------------ EarlyStopping


def test_early_stopping_stops_after_patience_and_restores_best():
    model = FakeModel()
    stopper = EarlyStopping(patience=3)
    run = train(model, [stopper], val_losses(1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6))
    assert run == 6
    assert (stopper.stopped_epoch, stopper.best_epoch, stopper.best) == (5, 2, 0.7)
    assert stopper.restored and model.set_weights_calls == 1
    np.testing.assert_array_equal(model.weights["w"], [2, 2, 2])


def test_early_stopping_min_delta():
    stopper = EarlyStopping(patience=2, min_delta=0.05)
    run = train(FakeModel(), [stopper], val_losses(1.0, 0.97, 0.96, 0.5))
    assert run == 3 and stopper.best_epoch == 0 and stopper.stopped_epoch == 2


def test_early_stopping_maximises_accuracy_in_auto_mode():
    logs = [{"val_accuracy": value} for value in (0.5, 0.7, 0.6, 0.65, 0.9)]
    stopper = EarlyStopping(monitor="val_accuracy", patience=2)
    assert train(FakeModel(), [stopper], logs) == 4
    assert (stopper.best, stopper.best_epoch) == (0.7, 1)


def test_early_stopping_mode_min_overrides_auto():
    logs = [{"val_accuracy": value} for value in (0.5, 0.7, 0.8)]
    stopper = EarlyStopping(monitor="val_accuracy", patience=2, mode="min")
    assert train(FakeModel(), [stopper], logs) == 3 and stopper.best_epoch == 0


def test_early_stopping_without_restore_keeps_last_weights():
    model = FakeModel()
    stopper = EarlyStopping(patience=1, restore_best_weights=False)
    train(model, [stopper], val_losses(0.5, 0.6))
    assert stopper.stopped_epoch == 1 and not stopper.restored
    assert model.set_weights_calls == 0
    np.testing.assert_array_equal(model.weights["w"], [1, 1, 1])


def test_early_stopping_restores_best_when_training_runs_out():
    model = FakeModel()
    stopper = EarlyStopping(patience=5)
    train(model, [stopper], val_losses(0.5, 0.4, 0.45))
    assert stopper.stopped_epoch is None and stopper.best_epoch == 1 and stopper.restored
    np.testing.assert_array_equal(model.weights["w"], [1, 1, 1])


def test_early_stopping_does_not_restore_when_last_epoch_is_best():
    model = FakeModel()
    stopper = EarlyStopping(patience=2)
    train(model, [stopper], val_losses(0.5, 0.4, 0.3))
    assert not stopper.restored and model.set_weights_calls == 0


def test_early_stopping_is_reset_by_a_new_run():
    stopper = EarlyStopping(patience=1)
    train(FakeModel(), [stopper], val_losses(0.1, 0.2))
    assert stopper.stopped_epoch == 1
    train(FakeModel(), [stopper], val_losses(0.5, 0.4, 0.3))
    assert (stopper.stopped_epoch, stopper.best, stopper.wait) == (None, 0.3, 0)


def test_early_stopping_falls_back_to_loss_with_one_warning():
    stopper = EarlyStopping(patience=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = train(FakeModel(), [stopper], [{"loss": v} for v in (1.0, 0.9, 0.95, 0.97, 0.5)])
    assert run == 4 and stopper.best_epoch == 1
    assert [str(w.message) for w in caught] == [
        "EarlyStopping: 'val_loss' is not in the epoch logs (no validation data?); "
        "monitoring 'loss' instead."
    ]


def test_early_stopping_unknown_monitor_is_an_error():
    with pytest.raises(ValueError, match="monitor='val_f1' is not in the epoch logs"):
        train(FakeModel(), [EarlyStopping(monitor="val_f1")], val_losses(1.0))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"patience": 0}, r"EarlyStopping: patience .*got 0"),
        ({"min_delta": -1.0}, r"min_delta .*got -1.0"),
        ({"mode": "lowest"}, r"mode must be one of .*'lowest'"),
        ({"restore_best_weights": 1}, r"restore_best_weights must be a bool; got 1"),
    ],
)
def test_early_stopping_validates_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EarlyStopping(**kwargs)


# ------------------------------------------------------------ ModelCheckpoint


def test_checkpoint_every_n_epochs_formats_one_based_epoch(tmp_path):
    model = FakeModel()
    checkpoint = ModelCheckpoint(tmp_path / "model-{epoch}.npz", every=2)
    train(model, [checkpoint], val_losses(1, 1, 1, 1, 1))
    expected = [str(tmp_path / "model-2.npz"), str(tmp_path / "model-4.npz")]
    assert model.saved == expected and checkpoint.saved_paths == expected


def test_checkpoint_saves_every_epoch_by_default(tmp_path):
    model = FakeModel()
    train(model, [ModelCheckpoint(tmp_path / "last.npz")], val_losses(1, 2, 3))
    assert model.saved == [str(tmp_path / "last.npz")] * 3


def test_checkpoint_best_only_with_log_fields_in_the_name():
    model = FakeModel()
    checkpoint = ModelCheckpoint("best-{epoch:02d}-{val_loss:.2f}", save_best_only=True)
    train(model, [checkpoint], val_losses(0.5, 0.6, 0.4, 0.45, 0.3))
    assert model.saved == ["best-01-0.50", "best-03-0.40", "best-05-0.30"]
    assert (checkpoint.best, checkpoint.best_epoch) == (0.3, 4)


def test_checkpoint_best_only_in_max_mode():
    model = FakeModel()
    checkpoint = ModelCheckpoint("m{epoch}", save_best_only=True, monitor="val_r2", mode="max")
    train(model, [checkpoint], [{"val_r2": v} for v in (0.1, 0.3, 0.2, 0.5)])
    assert model.saved == ["m1", "m2", "m4"]


def test_checkpoint_falls_back_to_loss_with_one_warning():
    model = FakeModel()
    checkpoint = ModelCheckpoint("m{epoch}", save_best_only=True)
    with pytest.warns(UserWarning, match="monitoring 'loss'") as caught:
        train(model, [checkpoint], [{"loss": v} for v in (1.0, 2.0, 0.5)])
    assert len(caught) == 1
    assert model.saved == ["m1", "m3"]


def test_checkpoint_argument_errors():
    with pytest.raises(ValueError, match="exclusive"):
        ModelCheckpoint("m", every=2, save_best_only=True)
    with pytest.raises(ValueError, match=r"positional field \{\}"):
        ModelCheckpoint("m-{}.npz")
    with pytest.raises(ValueError, match=r"every .*got 0"):
        ModelCheckpoint("m", every=0)
    with pytest.raises(ValueError, match="mode must be one of"):
        ModelCheckpoint("m", mode="best")


def test_checkpoint_unknown_field_names_the_field():
    with pytest.raises(ValueError, match=r"uses \['val_acc'\].*'loss'"):
        train(FakeModel(), [ModelCheckpoint("m-{val_acc}")], val_losses(1.0))


# ------------------------------------------------------------ CSVLogger


def test_csv_logger_writes_header_from_first_epoch_and_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    logs = [
        {"loss": 0.5, "val_loss": 0.6, "lr": 0.1},
        {"loss": 0.25, "val_loss": 0.55, "lr": 0.1, "extra": 1.0},
        {"loss": 0.125, "lr": 0.05},
    ]
    train(FakeModel(), [CSVLogger(path)], logs)
    assert path.read_text().splitlines() == [
        "epoch,loss,val_loss,lr",
        "1,0.5,0.6,0.1",
        "2,0.25,0.55,0.1",
        "3,0.125,,0.05",
    ]


def test_csv_logger_flushes_each_epoch(tmp_path):
    path = tmp_path / "log.csv"
    seen = []
    peek = LambdaCallback(on_epoch_end=lambda model, epoch, logs: seen.append(path.read_text()))
    train(FakeModel(), [CSVLogger(path), peek], [{"loss": 1.0}, {"loss": 0.5}])
    assert seen == ["epoch,loss\n1,1.0\n", "epoch,loss\n1,1.0\n2,0.5\n"]


def test_csv_logger_append_keeps_existing_header(tmp_path):
    path = tmp_path / "log.csv"
    train(FakeModel(), [CSVLogger(path)], [{"loss": 1.0, "lr": 0.1}])
    train(FakeModel(), [CSVLogger(path, append=True)], [{"lr": 0.2, "loss": 0.5}])
    assert path.read_text().splitlines() == ["epoch,loss,lr", "1,1.0,0.1", "1,0.5,0.2"]


def test_csv_logger_overwrites_without_append(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old,content\n")
    train(FakeModel(), [CSVLogger(path)], [{"loss": 1.0}])
    assert path.read_text() == "epoch,loss\n1,1.0\n"


# ------------------------------------------------------------ TerminateOnNaN


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_terminate_on_nan_stops_at_the_bad_epoch(bad):
    stopper = TerminateOnNaN()
    with pytest.warns(RuntimeWarning, match=f"loss is {bad} at epoch 2"):
        run = train(FakeModel(), [stopper], [{"loss": 1.0}, {"loss": bad}, {"loss": 0.5}])
    assert run == 2 and stopper.stopped_epoch == 1


def test_terminate_on_nan_lets_finite_losses_pass():
    stopper = TerminateOnNaN()
    logs = [{"loss": 1.0}, {"loss": 1e30}, {"val_loss": math.nan}]
    assert train(FakeModel(), [stopper], logs) == 3
    assert stopper.stopped_epoch is None


# ------------------------------------------------------------ ProgressBar


@pytest.fixture
def no_tqdm(monkeypatch):
    # A None entry makes `import tqdm...` raise ImportError.
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)


def test_progress_plain_lines_without_tqdm(no_tqdm):
    out = io.StringIO()
    logs = [
        {"loss": 0.12341, "val_loss": 0.23449, "lr": 0.1, "epoch_time": 0.5234},
        {"loss": 0.1, "val_loss": 0.2, "lr": 0.1, "epoch_time": 1.0},
    ]
    train(FakeModel(), [ProgressBar(total_epochs=20, file=out)], logs)
    assert out.getvalue().splitlines() == [
        "epoch 1/20 - loss 0.1234 - val_loss 0.2345 - 0.52s",
        "epoch 2/20 - loss 0.1000 - val_loss 0.2000 - 1.00s",
    ]


def test_progress_total_from_train_begin_logs_and_default_stderr(no_tqdm, capsys):
    train(FakeModel(), [ProgressBar()], [{"loss": 1.0, "epoch_time": 0.25}], total_epochs=7)
    assert capsys.readouterr().err == "epoch 1/7 - loss 1.0000 - 0.25s\n"


def test_progress_measures_time_when_logs_lack_it(no_tqdm):
    out = io.StringIO()
    bar = ProgressBar(file=out)
    bar.on_train_begin(FakeModel(), {})
    bar.on_epoch_begin(FakeModel(), 0, {})
    bar.on_epoch_end(FakeModel(), 0, {"accuracy": 0.5})
    line = out.getvalue().strip()
    assert line.startswith("epoch 1 - accuracy 0.5000 - ") and line.endswith("s")


def test_progress_uses_tqdm_when_importable(monkeypatch):
    bars = []

    class FakeTqdm:
        def __init__(self, **kwargs):
            self.kwargs, self.updates, self.postfix, self.closed = kwargs, 0, None, False
            bars.append(self)

        def set_postfix(self, values, refresh=True):
            self.postfix = values

        def update(self, n):
            self.updates += n

        def close(self):
            self.closed = True

    package = types.ModuleType("tqdm")
    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = FakeTqdm
    package.auto = auto
    monkeypatch.setitem(sys.modules, "tqdm", package)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)

    out = io.StringIO()
    train(FakeModel(), [ProgressBar(file=out)], [{"loss": 0.5, "lr": 0.1}, {"loss": 0.25}],
          total_epochs=10)
    [bar] = bars
    assert bar.kwargs["total"] == 10 and bar.kwargs["file"] is out
    assert bar.updates == 2 and bar.postfix == {"loss": "0.25"} and bar.closed
    assert out.getvalue() == ""  # no plain lines on top of the bar


# ------------------------------------------------------------ lists and lambdas


class Recorder(Callback):
    def __init__(self, name, calls, stop_at=None):
        self.name, self.calls, self.stop_at = name, calls, stop_at

    def on_train_begin(self, model, logs):
        self.calls.append((self.name, "train_begin"))

    def on_epoch_begin(self, model, epoch, logs):
        self.calls.append((self.name, "epoch_begin", epoch))

    def on_epoch_end(self, model, epoch, logs):
        self.calls.append((self.name, "epoch_end", epoch))
        return epoch == self.stop_at

    def on_train_end(self, model, logs):
        self.calls.append((self.name, "train_end"))


def test_callback_list_calls_in_order_and_ors_stop_requests():
    calls = []
    run = train(FakeModel(), [Recorder("a", calls, stop_at=1), Recorder("b", calls)],
                val_losses(1, 1, 1))
    assert run == 2
    assert calls == [
        ("a", "train_begin"), ("b", "train_begin"),
        ("a", "epoch_begin", 0), ("b", "epoch_begin", 0),
        ("a", "epoch_end", 0), ("b", "epoch_end", 0),
        ("a", "epoch_begin", 1), ("b", "epoch_begin", 1),
        ("a", "epoch_end", 1), ("b", "epoch_end", 1),
        ("a", "train_end"), ("b", "train_end"),
    ]


def test_callback_list_flattens_and_accepts_single_or_none():
    inner = CallbackList([TerminateOnNaN(), TerminateOnNaN()])
    assert len(CallbackList([inner, EarlyStopping()])) == 3
    assert len(CallbackList(TerminateOnNaN())) == 1
    assert len(CallbackList(None)) == 0
    assert CallbackList().on_epoch_end(FakeModel(), 0, {}) is False


def test_callback_list_rejects_non_callbacks():
    with pytest.raises(TypeError, match=r"callbacks\[1\] .*LambdaCallback"):
        CallbackList([TerminateOnNaN(), print])
    with pytest.raises(TypeError, match=r"callbacks\[0\] must be .*got 3"):
        CallbackList([3])


def test_base_callback_hooks_do_nothing():
    callback = Callback()
    model = FakeModel()
    callback.on_train_begin(model, {})
    callback.on_epoch_begin(model, 0, {})
    assert callback.on_epoch_end(model, 0, {"loss": 1.0}) is None
    callback.on_train_end(model, {})


def test_lambda_callback_passes_arguments_and_can_stop():
    seen = []
    callback = LambdaCallback(
        on_train_begin=lambda model, logs: seen.append(("begin", logs["total_epochs"])),
        on_epoch_begin=lambda model, epoch, logs: seen.append(("epoch", epoch)),
        on_epoch_end=lambda model, epoch, logs: logs["loss"] < 0.5,
        on_train_end=lambda model, logs: seen.append(("end",)),
    )
    run = train(FakeModel(), [callback], [{"loss": v} for v in (1.0, 0.4, 0.1)])
    assert run == 2
    assert seen == [("begin", 3), ("epoch", 0), ("epoch", 1), ("end",)]


def test_lambda_callback_rejects_non_callables():
    with pytest.raises(TypeError, match="on_epoch_end must be callable"):
        LambdaCallback(on_epoch_end="stop")


def test_callbacks_survive_deepcopy_and_pickle_as_estimator_parameters(tmp_path):
    # scikit-learn's clone deep-copies parameters; joblib pickles them.
    import copy
    import pickle

    logger = CSVLogger(tmp_path / "log.csv")
    logger.on_train_begin(FakeModel(), {})  # holds an open file
    callbacks = [ProgressBar(file=sys.stderr), logger, EarlyStopping(), TerminateOnNaN(),
                 ModelCheckpoint("m{epoch}", every=2)]
    for clone in (copy.deepcopy(callbacks), pickle.loads(pickle.dumps(callbacks))):
        assert clone[0].file is sys.stderr
        assert clone[1].path == logger.path and clone[1]._file is None
        assert clone[4].every == 2
    logger.on_train_end(FakeModel(), {})
