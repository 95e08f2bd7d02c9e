"""The learning-rate range test, model.lr_find (zoo.nn.lr_finder)."""

import sys

import numpy as np
import pytest

import zoo
from zoo.exceptions import NotFittedError
from zoo.nn import LRFinderResult, Network


def regression_data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, np.sin(X[:, 0]) + X[:, 1] * X[:, 2]


def regressor(**params):
    settings = dict(hidden_layer_sizes=(32,), batch_size=32, random_state=0, n_jobs=1)
    return zoo.MLPRegressor(**{**settings, **params})


def fitted_state(model):
    """Everything a fitted network model holds, copied."""
    network = model.network_
    return {
        "params": network.params.copy(), "buffers": network.buffers.copy(),
        "optimizer_state": network.optimizer_state.copy(), "n_steps": network.n_steps,
        "n_epochs": model.n_epochs_, "seed": model._seed_, "history": model.history_.to_dict(),
        "attributes": sorted(vars(model)),
    }


def assert_same_state(before, after):
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            assert value.dtype == after[key].dtype
            assert np.array_equal(value.view(np.uint8), after[key].view(np.uint8)), key  # bit for bit
        else:
            assert value == after[key], key


def smoothed_reference(losses, beta):
    out, average = [], 0.0
    for i, loss in enumerate(losses):
        average = beta * average + (1 - beta) * loss
        out.append(average / (1 - beta ** (i + 1)))
    return np.array(out)


# ---------------------------------------------------------------- the curve


@pytest.mark.filterwarnings("ignore:.*the loss was still falling:RuntimeWarning")  # a short range; see the warning test
def test_rates_are_geometric_from_start_to_end_when_nothing_diverges():
    X, y = regression_data()
    result = regressor().lr_find(X, y, start_lr=1e-6, end_lr=1e-3, num_steps=20)
    assert isinstance(result, LRFinderResult) and not result.diverged
    np.testing.assert_allclose(result.learning_rates, 1e-6 * 1000.0 ** (np.arange(20) / 19), rtol=1e-12)
    assert result.losses.shape == result.smoothed_losses.shape == (20,)
    assert np.isfinite(result.losses).all()


def test_the_run_stops_once_the_smoothed_loss_diverges():
    X, y = regression_data()
    result = regressor(optimizer="sgd").lr_find(X, y, start_lr=1e-4, end_lr=1e3, num_steps=60, diverge_threshold=4.0)
    n = len(result.learning_rates)
    assert result.diverged and 10 < n < 60
    np.testing.assert_allclose(result.learning_rates, np.geomspace(1e-4, 1e3, 60)[:n], rtol=1e-12)
    smoothed = result.smoothed_losses
    running_best = np.minimum.accumulate(smoothed)
    # Every step but the last stayed within 4x the best so far; the last
    # one crossed it, or the next step's loss was not finite.
    assert (smoothed[:-1] <= 4.0 * running_best[:-1]).all()
    assert smoothed[-1] > 4.0 * running_best[-1] or n < 60


@pytest.mark.filterwarnings("ignore:.*the loss was still falling:RuntimeWarning")  # a short range; see the warning test
def test_smoothed_losses_are_the_bias_corrected_moving_average():
    X, y = regression_data()
    for smoothing in (0.0, 0.5, 0.98):
        result = regressor().lr_find(X, y, num_steps=30, end_lr=1e-2, smoothing=smoothing)
        np.testing.assert_allclose(result.smoothed_losses, smoothed_reference(result.losses, smoothing), rtol=1e-12)
    # With no smoothing the two curves are the same.
    result = regressor().lr_find(X, y, num_steps=30, end_lr=1e-2, smoothing=0.0)
    np.testing.assert_array_equal(result.smoothed_losses, result.losses)


@pytest.mark.filterwarnings("ignore:.*the loss was still falling:RuntimeWarning")  # a short range; see the warning test
def test_each_step_trains_one_batch_at_its_own_rate():
    # Full batches in order from a fitted model's weights (warm_start): the
    # steps are plain gradient descent on the mean squared error, replayed
    # here with the Network's own forward, backward and SGD step.
    X, y = regression_data(64)
    model = regressor(optimizer="sgd", dtype="float64", batch_size=64, shuffle=False, epochs=3).fit(X, y)
    model.set_params(warm_start=True)
    reference = Network.from_config(model.network_.to_config())
    result = model.lr_find(X, y, start_lr=1e-3, end_lr=1.0, num_steps=12)
    target = y[:, None]
    expected = []
    for rate in result.learning_rates:
        outputs = reference.forward(X, training=True)
        expected.append(np.mean((outputs - target) ** 2))
        reference.backward(X, 2 * (outputs - target) / len(X))
        reference.step("sgd", learning_rate=rate)
    np.testing.assert_allclose(result.losses, expected, rtol=1e-10)
    # The first loss is the fitted model's own training loss.
    assert result.losses[0] == pytest.approx(np.mean((model.predict(X) - y) ** 2), rel=1e-10)


@pytest.mark.filterwarnings("ignore:.*the loss was still falling:RuntimeWarning")  # a short range; see the warning test
def test_passes_over_small_data_as_often_as_needed():
    X, y = regression_data(40)  # one batch of 32 per pass (the 8 left over wait for the next shuffle)
    result = regressor().lr_find(X, y, start_lr=1e-6, end_lr=1e-4, num_steps=25)
    assert len(result.losses) == 25 and not result.diverged


def test_same_random_state_same_curve():
    X, y = regression_data()
    first, second = (regressor(random_state=3, dropout=0.2).lr_find(X, y) for _ in range(2))
    for name in ("learning_rates", "losses", "smoothed_losses"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert first.suggestion == second.suggestion
    other = regressor(random_state=4, dropout=0.2).lr_find(X, y)
    assert not np.array_equal(other.losses[:10], first.losses[:10])


# ------------------------------------------------------- the model is kept


def test_a_fitted_model_comes_back_bit_for_bit():
    X, y = regression_data()
    for warm_start in (False, True):  # with warm_start the test trains the model's own network
        model = regressor(batch_norm=True, dropout=0.1, epochs=2).fit(X, y)
        model.set_params(warm_start=warm_start)
        network, predictions = model.network_, model.predict(X)
        before = fitted_state(model)
        result = model.lr_find(X, y)
        assert result.diverged  # the network went through rates that wreck it
        assert_same_state(before, fitted_state(model))
        assert model.network_ is network
        np.testing.assert_array_equal(model.predict(X), predictions)


def test_an_unfitted_model_stays_unfitted():
    X, y = regression_data()
    model = zoo.MLPClassifier((16,), batch_size=32, epochs=3, random_state=0)
    params = dict(vars(model))
    model.lr_find(X, y > 0)
    assert vars(model) == params
    with pytest.raises(NotFittedError):
        model.predict(X)
    # Nothing of the test leaks into a later fit.
    fitted = model.fit(X, y > 0).predict_proba(X)
    fresh = zoo.MLPClassifier((16,), batch_size=32, epochs=3, random_state=0).fit(X, y > 0).predict_proba(X)
    np.testing.assert_array_equal(fitted, fresh)


def test_bad_data_gets_the_errors_of_fit_and_leaves_the_model():
    X, y = regression_data(50)
    model = regressor()
    bad_X = X.copy()
    bad_X[3, 1] = np.nan
    for args in ((bad_X, y), (X, y[:-1]), (X, None)):
        with pytest.raises(ValueError) as from_fit:
            regressor().fit(*args)
        with pytest.raises(ValueError) as from_finder:
            model.lr_find(*args)
        assert str(from_finder.value) == str(from_fit.value)
        assert not hasattr(model, "network_")


# --------------------------------------------------- the suggestion is sound


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_fit_at_the_suggestion_converges_and_one_at_100x_does_not(optimizer):
    X, y = regression_data()
    baseline = np.var(y)  # the loss of predicting the mean
    suggestion = regressor(optimizer=optimizer).lr_find(X, y).suggestion

    def final_loss(rate):
        try:
            return regressor(optimizer=optimizer, learning_rate=rate, epochs=30).fit(X, y).history_["loss"][-1]
        except ValueError:  # the fit diverged
            return np.inf

    at_suggestion = final_loss(suggestion)
    assert at_suggestion < 0.1 * baseline
    assert final_loss(100 * suggestion) > 5 * at_suggestion


def test_the_suggestion_is_the_smoothed_minimum_over_ten():
    X, y = regression_data()
    result = regressor().lr_find(X, y, num_steps=100)
    # The first tenth of the steps (an average of a few batches) is left out.
    lowest = 10 + np.argmin(result.smoothed_losses[10:])
    assert result.suggestion == result.learning_rates[lowest] / 10
    assert 0 < lowest < len(result.losses) - 1  # a true minimum, inside the run


def test_warns_when_the_loss_never_falls():
    X, y = regression_data()
    with pytest.warns(RuntimeWarning, match="lower start_lr"):
        result = regressor(optimizer="sgd").lr_find(X, y, start_lr=10.0, end_lr=1e4, num_steps=10)
    # The first rate considered (after the first tenth of the 10 steps), over 10.
    assert result.suggestion == result.learning_rates[1] / 10


def test_warns_when_the_range_ends_before_the_loss_turns_up():
    X, y = regression_data()
    with pytest.warns(RuntimeWarning, match="raise end_lr"):
        regressor().lr_find(X, y, start_lr=1e-4, end_lr=1e-2, num_steps=30, smoothing=0.9)


# ------------------------------------------------------- other estimators


@pytest.mark.filterwarnings("ignore:.*the loss was still falling:RuntimeWarning")  # a short range; see the warning test
def test_autoencoder_and_its_denoising_corruption():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) @ rng.normal(size=(3, 8))
    for denoising in (0.0, 0.3):
        model = zoo.Autoencoder((6, 3), denoising=denoising, batch_size=20, random_state=0)
        result = model.lr_find(X)
        assert np.isfinite(result.losses).all()
        assert not hasattr(model, "network_")
        assert result.learning_rates[0] < result.suggestion < result.learning_rates[-1]
        # The curve falls before its minimum (a linear code of 3 fits X exactly).
        assert result.smoothed_losses.min() < 0.8 * result.smoothed_losses[10]
    # Clean inputs in order from fitted weights: the first loss is the
    # reconstruction error the model reports.
    model = zoo.Autoencoder((6, 3), batch_size=200, shuffle=False, warm_start=True, dtype="float64",
                            epochs=2, random_state=0).fit(X)
    result = model.lr_find(X, num_steps=10, end_lr=1e-5)
    assert result.losses[0] == pytest.approx(model.reconstruction_error(X).mean(), rel=1e-10)


def test_classifier_and_generic_mlp():
    X, y = regression_data()
    labels = np.digitize(y, [-0.5, 0.5])
    for model in (zoo.MLPClassifier((16,), random_state=0), zoo.MLP((16,), random_state=0)):
        result = model.lr_find(X, labels)
        # Cross-entropy of 3 classes starts near log(3).
        assert result.losses[0] == pytest.approx(np.log(3), rel=0.3)
        assert result.learning_rates[0] < result.suggestion < result.learning_rates[-1]


# --------------------------------------------------------------- plot


def test_plot_draws_the_curve_on_a_log_axis_with_the_suggestion():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = regression_data()
    result = regressor().lr_find(X, y)
    ax = result.plot()
    try:
        assert ax.get_xscale() == "log"
        lines = {line.get_label(): line for line in ax.get_lines()}
        np.testing.assert_array_equal(lines["loss per mini-batch"].get_xdata(), result.learning_rates)
        np.testing.assert_array_equal(lines["smoothed loss"].get_ydata(), result.smoothed_losses)
        marker = next(line for label, line in lines.items() if label.startswith("suggestion"))
        assert marker.get_xdata()[0] == result.suggestion
        figure, given = plt.subplots()
        assert result.plot(ax=given) is given
        plt.close(figure)
    finally:
        plt.close(ax.figure)


def test_plot_without_matplotlib_says_how_to_install(monkeypatch):
    X, y = regression_data()
    result = regressor().lr_find(X, y, num_steps=10)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        result.plot()


# ------------------------------------------------------------ arguments


@pytest.mark.parametrize("settings, error, message", [
    ({"start_lr": 0.0}, ValueError, "start_lr must be > 0"),
    ({"start_lr": -1e-3}, ValueError, "start_lr must be > 0"),
    ({"start_lr": 1.0, "end_lr": 1.0}, ValueError, "end_lr must be greater than start_lr"),
    ({"end_lr": np.inf}, ValueError, "end_lr must be finite"),
    ({"start_lr": "small"}, TypeError, "start_lr must be a real number"),
    ({"num_steps": 9}, ValueError, "num_steps must be at least 10"),
    ({"num_steps": 50.0}, TypeError, "num_steps must be an integer"),
    ({"smoothing": 1.0}, ValueError, r"smoothing must be in \[0, 1\)"),
    ({"diverge_threshold": 1.0}, ValueError, "diverge_threshold must be > 1"),
])
def test_bad_arguments_raise_naming_them(settings, error, message):
    X, y = regression_data(50)
    model = regressor()
    with pytest.raises(error, match=message):
        model.lr_find(X, y, **settings)
    assert not hasattr(model, "network_")


def test_repr_says_what_was_found():
    X, y = regression_data()
    result = regressor().lr_find(X, y)
    text = repr(result)
    assert text.startswith(f"LRFinderResult(suggestion={result.suggestion:.3g}")
    assert f"diverged at step {len(result.losses)}" in text
