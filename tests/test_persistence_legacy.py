"""Models saved by zoo 0.1.0 still load and predict the same, or fail with a
message naming the version: models saved before the Network component
(their network arrays were the estimator's own attributes, params_,
buffers_, ...), and linear models saved when the exact estimators also had
gradient solvers. tests/data/README.md says how the files were made."""

from pathlib import Path

import numpy as np
import pytest

import zoo
from zoo.nn import EpisodeHistory, Network

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("name", ["mlp_classifier", "mlp_regressor", "autoencoder"])
def test_legacy_network_models_load_and_predict_the_same(name):
    expected = np.load(DATA / "legacy_expected.npz")
    model = zoo.load(DATA / f"legacy_{name}.npz")
    assert isinstance(model.network_, Network)
    answer = model.transform(expected["X"]) if name == "autoencoder" else model.predict(expected["X"])
    np.testing.assert_array_equal(answer, expected[name])
    # A loaded model trains on: its optimizer state and step count came along.
    steps = model.n_steps_
    assert steps > 0 and model.optimizer_state_.shape[1] == model.params_.size
    model.set_params(warm_start=True, epochs=1)
    model.fit(expected["X"], expected[name] if name != "autoencoder" else None)
    assert model.n_steps_ > steps


@pytest.mark.parametrize("name", ["dqn", "reinforce", "actor_critic"])
def test_legacy_reinforcement_learners_load_and_act_the_same(name):
    expected = np.load(DATA / "legacy_rl_expected.npz")
    model = zoo.load(DATA / f"legacy_{name}.npz")
    np.testing.assert_array_equal(model.predict(expected["observations"]), expected[name])
    np.testing.assert_array_equal(model.history_["episode_return"], expected[f"{name}_returns"])
    assert isinstance(model.history_, EpisodeHistory)


# Files written by zoo 0.1.0 when the exact linear estimators also took
# solver="gd", "sgd" or "minibatch" and ten training parameters.
LINEAR = ["linear_regression", "ridge", "lasso", "elastic_net", "logistic_regression"]


@pytest.mark.parametrize("name", LINEAR)
def test_legacy_exact_linear_models_load_and_predict_the_same(name):
    expected = np.load(DATA / "legacy_linear_expected.npz")
    model = zoo.load(DATA / f"legacy_{name}.npz")
    if name == "logistic_regression":
        # Probabilities pass through NumPy's exp, whose SIMD code differs by
        # a unit in the last place between CPUs (AVX2 against AVX-512):
        # the same model, not the same bits everywhere.
        answer = model.predict_proba(expected["X"])
        np.testing.assert_array_max_ulp(answer, expected[name], maxulp=4)
    else:
        answer = model.predict(expected["X"])
        np.testing.assert_array_equal(answer, expected[name])
    # The parameters only the gradient solvers read are gone, and the model refits.
    assert not {"learning_rate", "epochs", "batch_size", "loss"} & set(model.get_params())
    model.fit(expected["X"], answer.argmax(1) if answer.ndim == 2 else answer)


@pytest.mark.parametrize("name, replacement", [("linear_regression_sgd", "SGDRegressor"),
                                               ("logistic_regression_minibatch", "SGDClassifier")])
def test_legacy_gradient_fits_name_the_version_and_the_estimator_to_refit_with(name, replacement):
    with pytest.raises(ValueError, match=rf"zoo 0\.1\.0.*Refit the model with zoo\.{replacement}"):
        zoo.load(DATA / f"legacy_{name}.npz")
