"""Models saved before the Network component (their network arrays were the
estimator's own attributes, params_, buffers_, ...) still load and predict
the same. The files in tests/data were written by zoo 0.1.0 at commit
41a0126 (tests/data/README.md says how)."""

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
