"""History: the per-epoch record, its persistence, diagnosis and plot."""

import json
import math
import sys

import numpy as np
import pytest

from zoo.nn.history import Diagnosis, History


def make_history(baseline=None, **curves):
    history = History(baseline=baseline)
    n = len(next(iter(curves.values())))
    for epoch in range(n):
        history.append({key: float(values[epoch]) for key, values in curves.items()})
    return history


# ------------------------------------------------------------ the record


def test_mapping_of_lists_with_len_in_epochs():
    history = History()
    history.append({"loss": 0.9, "val_loss": 1.0})
    history.append({"loss": 0.5, "val_loss": 0.7})
    assert len(history) == 2
    assert history["loss"] == [0.9, 0.5]
    assert history.keys() == ["loss", "val_loss"] == list(history)
    assert history.items() == [("loss", [0.9, 0.5]), ("val_loss", [1.0, 0.7])]
    assert "val_loss" in history and "accuracy" not in history
    assert history.get("accuracy") is None
    assert dict(history) == {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}


def test_lists_are_copies():
    history = History()
    history.append({"loss": 1.0})
    history["loss"].append(5.0)
    assert history["loss"] == [1.0]


def test_new_and_missing_keys_read_as_nan():
    history = History()
    history.append({"loss": 1.0})
    history.append({"loss": 0.5, "lr": 0.1})
    history.append({"lr": 0.05, "loss": None})
    assert np.isnan(history["lr"][0]) and history["lr"][1:] == [0.1, 0.05]
    assert history["loss"][:2] == [1.0, 0.5] and np.isnan(history["loss"][2])


def test_numpy_values_become_floats():
    history = History()
    history.append({"loss": np.float32(0.5), "epoch_time": np.int64(2)})
    assert history["loss"] == [0.5] and type(history["epoch_time"][0]) is float


def test_missing_key_error_lists_recorded_keys():
    history = History()
    history.append({"loss": 1.0})
    with pytest.raises(KeyError, match=r"'accuracy' was not recorded; recorded keys: \['loss'\]"):
        history["accuracy"]


@pytest.mark.parametrize("logs", [{"loss": "0.5"}, {"loss": True}, {1: 0.5}, [("loss", 0.5)]])
def test_append_rejects_non_numeric_logs(logs):
    with pytest.raises(TypeError):
        History().append(logs)


def test_epoch_logs_leave_out_missing_metrics():
    history = History()
    history.append({"loss": 1.0, "val_loss": 2.0})
    history.append({"loss": 0.5})
    assert history.epoch_logs() == {"loss": 0.5}
    assert history.epoch_logs(0) == {"loss": 1.0, "val_loss": 2.0}
    with pytest.raises(IndexError):
        history.epoch_logs(2)


def test_repr_summarises_first_and_last_values():
    history = make_history(loss=[0.6931, 0.5, 0.0523], val_loss=[0.7, 0.5, 0.31],
                           epoch_time=[1, 1, 1])
    assert repr(history) == "History(3 epochs: loss 0.693 -> 0.0523, val_loss 0.7 -> 0.31)"
    assert repr(History()) == "History(0 epochs)"


# ------------------------------------------------------------ persistence


def test_dict_round_trip_through_strict_json():
    history = History(baseline={"accuracy": 0.5})
    history.append({"loss": 1.0, "lr": 0.1})
    history.append({"loss": math.inf, "val_loss": 0.5})
    history.append({"loss": math.nan, "lr": -math.inf})
    text = json.dumps(history.to_dict(), allow_nan=False)  # strict JSON
    rebuilt = History.from_dict(json.loads(text))
    assert len(rebuilt) == 3 and rebuilt.keys() == ["loss", "lr", "val_loss"]
    assert rebuilt["loss"][:2] == [1.0, math.inf] and math.isnan(rebuilt["loss"][2])
    assert rebuilt["lr"][2] == -math.inf and math.isnan(rebuilt["val_loss"][0])
    assert rebuilt.baseline == {"accuracy": 0.5}
    assert rebuilt.to_dict() == history.to_dict()


def test_empty_history_round_trip():
    rebuilt = History.from_dict(History().to_dict())
    assert len(rebuilt) == 0 and rebuilt.keys() == []


@pytest.mark.parametrize(
    "data, match",
    [
        ({"n_epochs": 1}, "'metrics' dict"),
        ({"n_epochs": -1, "metrics": {}}, "n_epochs"),
        ({"n_epochs": 2, "metrics": {"loss": [1.0]}}, "'loss' must be a list of 2"),
        ({"n_epochs": 1, "metrics": {"loss": ["x"]}}, "'loss' holds 'x'"),
    ],
)
def test_from_dict_rejects_malformed_data(data, match):
    with pytest.raises(ValueError, match=match):
        History.from_dict(data)


def _fit_mlp(X, y):
    from zoo import MLPRegressor

    return MLPRegressor((4,), epochs=2, random_state=0).fit(X, y)


def _fit_sgd_regressor(X, y):
    from zoo.supervised.sgd import SGDRegressor

    return SGDRegressor(epochs=2).fit(X, y)


def _fit_sgd_classifier(X, y):
    from zoo.supervised.sgd import SGDClassifier

    return SGDClassifier(epochs=2).fit(X, y > 0)


@pytest.mark.parametrize("fit", [_fit_mlp, _fit_sgd_regressor, _fit_sgd_classifier])
def test_estimator_files_hold_history_as_its_dict(fit, tmp_path):
    # The format files written by earlier versions use: history_ is
    # History.to_dict() inside the JSON metadata, and loads back as a History.
    import zoo

    X = np.random.default_rng(0).normal(size=(40, 3))
    model = fit(X, X @ np.array([1.0, -2.0, 0.5]))
    path = model.save(tmp_path / "model.npz")
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(str(archive["__meta__"][()]))
    assert meta["state"]["history_"] == model.history_.to_dict()
    loaded = zoo.load(path)
    assert isinstance(loaded.history_, History)
    assert loaded.history_.to_dict() == model.history_.to_dict()


def test_baseline_must_hold_numbers():
    with pytest.raises(TypeError, match=r"baseline\['loss'\]"):
        History(baseline={"loss": "high"})


# ------------------------------------------------------------ diagnose

EPOCHS = np.arange(30)


def overfitting_curves():
    # Validation minimum 0.31 at epoch 12 (index 11), 0.45 at epoch 30;
    # training loss 0.2 at epoch 12, 0.05 at epoch 30.
    train = 0.2 * 0.25 ** ((EPOCHS - 11) / 18)
    val = np.where(EPOCHS <= 11, 0.31 + 0.05 * (11 - EPOCHS), 0.31 + 0.14 * (EPOCHS - 11) / 18)
    return train, val


def test_too_short():
    diagnosis = make_history(loss=[1.0, 0.5]).diagnose()
    assert diagnosis.verdict == "too short"
    assert "only 2 epochs" in diagnosis.reasons[0]


def test_diverging_on_nan_names_the_epoch():
    diagnosis = make_history(loss=[1.0, 0.8, math.nan, math.nan]).diagnose()
    assert diagnosis.verdict == "diverging"
    assert diagnosis.reasons == ["training loss became nan at epoch 3 (it was 0.8 at epoch 2)"]
    assert any("learning rate" in s for s in diagnosis.suggestions)


def test_diverging_when_loss_grows():
    diagnosis = make_history(loss=[1.0, 1.2, 1.8, 2.5]).diagnose()
    assert diagnosis.verdict == "diverging"
    assert "rose from 1 at epoch 1 to 2.5 at epoch 4" in diagnosis.reasons[0]


def test_overfitting_quotes_the_validation_minimum_and_training_trend():
    train, val = overfitting_curves()
    diagnosis = make_history(loss=train, val_loss=val).diagnose()
    assert diagnosis.verdict == "overfitting"
    assert diagnosis.reasons[0] == (
        "validation loss rose from 0.31 at epoch 12 to 0.45 at epoch 30 while training "
        "loss kept falling (0.2 -> 0.05)"
    )
    assert "would keep epoch 12" in diagnosis.suggestions[0]
    assert diagnosis.notes == []


def test_overfitting_from_a_large_train_validation_gap():
    train = 0.1 + 0.9 * np.exp(-EPOCHS / 3)
    val = 0.5 + 0.5 * np.exp(-EPOCHS / 3)
    diagnosis = make_history(loss=train, val_loss=val).diagnose()
    assert diagnosis.verdict == "overfitting"
    assert diagnosis.reasons == [
        "at epoch 30 the validation loss 0.5 is 5.0 times the training loss 0.1"
    ]


def test_small_gap_on_tiny_losses_is_not_overfitting():
    train = 1e-3 + np.exp(-EPOCHS)
    val = 3e-3 + np.exp(-EPOCHS)
    assert make_history(loss=train, val_loss=val).diagnose().verdict == "good"


def test_underfitting_against_constant_prediction_baseline_and_chance():
    loss = 0.69 + 0.01 * np.exp(-EPOCHS / 3)
    accuracy = np.full(30, 0.52)
    history = make_history(baseline={"loss": 0.693, "accuracy": 0.5}, loss=loss, accuracy=accuracy)
    diagnosis = history.diagnose()
    assert diagnosis.verdict == "underfitting"
    assert diagnosis.reasons == [
        "training loss 0.69 at epoch 30 is still 100% of 0.693, the loss of a constant prediction",
        "training accuracy 0.52 at the end stays near the chance level 0.5",
    ]


def test_underfitting_from_a_flat_loss_without_baseline():
    loss = [0.9, 0.88, 0.87] + [0.87] * 7
    diagnosis = make_history(loss=loss).diagnose()
    assert diagnosis.verdict == "underfitting"
    assert diagnosis.reasons == [
        "training loss barely improved: 0.9 at epoch 1, 0.87 at best (3.3% lower)"
    ]


def test_flat_loss_with_high_accuracy_is_good():
    loss = [0.05, 0.049, 0.0488] + [0.0488] * 7
    diagnosis = make_history(loss=loss, accuracy=[0.99] * 10).diagnose()
    assert diagnosis.verdict == "good"


def test_underfitting_from_low_r2():
    loss = 1.0 + np.exp(-EPOCHS)
    diagnosis = make_history(loss=loss, r2=np.full(30, 0.03)).diagnose()
    assert diagnosis.verdict == "underfitting"
    assert diagnosis.reasons == [
        "training R² is only 0.03 at the end (0 is no better than predicting the mean)"
    ]


def test_not_converged_when_still_falling_steadily():
    loss = 1.0 - 0.02 * EPOCHS  # 1.0 ... 0.42
    diagnosis = make_history(loss=loss).diagnose()
    assert diagnosis.verdict == "not converged"
    assert diagnosis.reasons[0].startswith(
        "training loss was still falling steadily at the end: 0.52 at epoch 25 -> 0.42 at epoch 30"
    )
    assert "train for more epochs" in diagnosis.suggestions


def test_good_fit_summarises_the_curves():
    train = 0.1 + 0.9 * np.exp(-EPOCHS / 2)
    val = 0.12 + 0.9 * np.exp(-EPOCHS / 2)
    diagnosis = make_history(loss=train, val_loss=val).diagnose()
    assert diagnosis.verdict == "good" and diagnosis.suggestions == []
    assert diagnosis.reasons[0].startswith("training loss fell from 1 to 0.1 and levelled off")


def test_without_validation_says_overfitting_was_not_checked():
    diagnosis = make_history(loss=0.1 + np.exp(-EPOCHS)).diagnose()
    assert diagnosis.verdict == "good"
    assert len(diagnosis.notes) == 1
    assert "overfitting" in diagnosis.notes[0] and "could not be checked" in diagnosis.notes[0]


def test_accuracy_without_chance_level_is_noted():
    history = make_history(loss=0.1 + np.exp(-EPOCHS), accuracy=np.full(30, 0.6))
    assert any("chance" in note for note in history.diagnose().notes)


def test_diagnose_needs_a_loss():
    with pytest.raises(ValueError, match="'loss'"):
        make_history(accuracy=[0.5, 0.6, 0.7]).diagnose()


def test_diagnosis_prints_a_report():
    train, val = overfitting_curves()
    text = str(make_history(loss=train, val_loss=val).diagnose())
    lines = text.splitlines()
    assert lines[0] == "verdict: overfitting"
    assert "why:" in lines and "suggestions:" in lines and "not checked:" not in lines
    assert "  - validation loss rose from 0.31 at epoch 12" in text


def test_diagnosis_is_a_plain_record():
    diagnosis = Diagnosis("good", ["fine"])
    assert (diagnosis.verdict, diagnosis.reasons, diagnosis.suggestions, diagnosis.notes) == (
        "good", ["fine"], [], []
    )


# ------------------------------------------------------------ plot


def test_plot_draws_losses_and_scores_on_two_axes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = make_history(loss=[1.0, 0.5, 0.3], val_loss=[1.1, 0.7, 0.6],
                           accuracy=[0.5, 0.8, 0.9], val_accuracy=[0.5, 0.7, 0.8], lr=[0.1] * 3)
    ax = history.plot()
    try:
        assert [line.get_label() for line in ax.get_lines()] == ["loss", "val_loss"]
        np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
        assert len(ax.figure.axes) == 2
        twin = ax.figure.axes[1]
        assert [line.get_label() for line in twin.get_lines()] == ["accuracy", "val_accuracy"]
        assert ax.get_xlabel() == "epoch"
        assert len(ax.get_legend().get_texts()) == 4
    finally:
        plt.close(ax.figure)


def test_plot_on_given_axes_with_chosen_metrics():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = make_history(loss=[1.0, 0.5, 0.3], lr=[0.1, 0.05, 0.01])
    figure, given = plt.subplots()
    try:
        assert history.plot(ax=given, metrics="lr") is given
        assert [line.get_label() for line in given.get_lines()] == ["lr"]
        assert len(figure.axes) == 1
        with pytest.raises(KeyError, match="val_loss"):
            history.plot(ax=given, metrics=["loss", "val_loss"])
    finally:
        plt.close(figure)


def test_plot_without_matplotlib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        make_history(loss=[1.0, 0.5, 0.3]).plot()
