"""DQN(eval_interval=...): greedy evaluations during fit, ending with the
Q-network that scored best, without changing what training does."""

import gymnasium
import numpy as np
import pytest

import zoo
from zoo import DQN
from zoo.nn import LambdaCallback


def small_dqn(**params):
    # Learns within a few thousand steps, unevenly: with random_state=0 its greedy
    # return is 220 after 2,000 steps, 282 after 4,000 and 190 after 6,000.
    return DQN((32, 32), learning_rate=2.3e-3, batch_size=64, learning_starts=500, train_freq=64,
               gradient_steps=32, target_update_interval=10, exploration_fraction=0.2, exploration_final_eps=0.05,
               random_state=0, n_jobs=1, **params)


def snapshots():
    """A callback recording the online network's parameters after each chunk."""
    taken = {}

    def take(model, chunk, logs):
        taken[model.num_timesteps_] = model.q_network_.params.copy()

    return taken, LambdaCallback(on_epoch_end=take)


def test_training_is_unchanged_and_the_fit_ends_with_the_best_evaluated_network():
    plain = small_dqn().fit("CartPole-v1", 6_000)
    taken, record = snapshots()
    kept = small_dqn(eval_interval=2_000, eval_episodes=3, callbacks=[record]).fit("CartPole-v1", 6_000)

    # The same episodes were played and the same network learned ...
    np.testing.assert_array_equal(kept.history_["episode_return"], plain.history_["episode_return"])
    np.testing.assert_array_equal(taken[6_000], plain.q_network_.params)
    assert plain.best_eval_return_ is None and plain.best_eval_timestep_ is None
    # ... evaluated after 2,000, 4,000 and 6,000 steps (NaN in the other chunks' logs) ...
    evaluations = np.asarray(kept.history_["eval_return"])
    assert np.flatnonzero(~np.isnan(evaluations)).tolist() == [1, 3, 5]
    scores = evaluations[[1, 3, 5]]
    # ... and the fit ends with the best of them, the later one on a tie.
    best = max(range(3), key=lambda i: (scores[i], i))
    assert kept.best_eval_return_ == scores[best]
    assert kept.best_eval_timestep_ == 2_000 * (best + 1)
    np.testing.assert_array_equal(kept.q_network_.params, taken[kept.best_eval_timestep_])
    np.testing.assert_array_equal(kept.target_network_.params, kept.q_network_.params)


def test_every_chunk_can_be_evaluated():
    model = small_dqn(eval_interval=1_000, eval_episodes=3).fit("CartPole-v1", 6_000)
    scores = np.asarray(model.history_["eval_return"])
    assert len(scores) == 6 and not np.isnan(scores).any()  # after every chunk of 1,000 steps
    last_best = len(scores) - 1 - scores[::-1].argmax()  # the later one on a tie
    assert model.best_eval_return_ == scores.max() and model.best_eval_timestep_ == 1_000 * (last_best + 1)
    assert model.best_eval_timestep_ < 6_000  # this fit peaked before its end


def test_a_fit_stopped_by_a_callback_keeps_the_best_so_far():
    stop = LambdaCallback(on_epoch_end=lambda model, chunk, logs: model.num_timesteps_ >= 3_000)
    model = small_dqn(eval_interval=1_000, eval_episodes=2, callbacks=[stop]).fit("CartPole-v1", 10_000)
    assert model.num_timesteps_ == 3_000
    assert model.best_eval_return_ == np.nanmax(model.history_["eval_return"])


def test_each_fit_evaluates_afresh():
    model = small_dqn(eval_interval=1_000, eval_episodes=2).fit("CartPole-v1", 2_000)
    model.set_params(eval_interval=None)
    model.fit("CartPole-v1", 1_000, reset_num_timesteps=False)
    assert model.best_eval_return_ is None and model.best_eval_timestep_ is None
    model.set_params(eval_interval=500)
    model.fit("CartPole-v1", 2_000, reset_num_timesteps=False)
    assert model.best_eval_timestep_ in (4_000, 5_000)  # checked after each chunk of 1,000 steps


def test_best_evaluation_is_saved_and_loaded(tmp_path):
    model = small_dqn(eval_interval=1_000, eval_episodes=2).fit("CartPole-v1", 2_000)
    model.save(tmp_path / "dqn.npz")
    loaded = zoo.load(tmp_path / "dqn.npz")
    assert (loaded.best_eval_return_, loaded.best_eval_timestep_) == (model.best_eval_return_,
                                                                       model.best_eval_timestep_)
    assert loaded.eval_interval == 1_000 and loaded.eval_episodes == 2
    np.testing.assert_array_equal(loaded.q_network_.params, model.q_network_.params)


def test_a_python_environment_is_evaluated_on_a_copy_made_from_its_spec():
    native = small_dqn(eval_interval=1_000, eval_episodes=2).fit("CartPole-v1", 2_000)
    python = small_dqn(eval_interval=1_000, eval_episodes=2).fit(gymnasium.make("CartPole-v1"), 2_000)
    # zoo's CartPole and gymnasium's are step for step equal: the same evaluations.
    np.testing.assert_array_equal(python.history_["eval_return"], native.history_["eval_return"])


class NoSpecCartPole(gymnasium.Wrapper):
    @property
    def spec(self):
        return None


def test_an_environment_without_a_spec_cannot_be_evaluated_apart():
    env = NoSpecCartPole(gymnasium.make("CartPole-v1"))
    with pytest.raises(ValueError, match="eval_interval needs a separate copy of the environment"):
        small_dqn(eval_interval=1_000).fit(env, 2_000)
    assert small_dqn().fit(env, 1_000).num_timesteps_ == 1_000  # without evaluation it trains


@pytest.mark.parametrize("params, name", [({"eval_interval": 0}, "eval_interval"),
                                          ({"eval_interval": 2.5}, "eval_interval"),
                                          ({"eval_episodes": 0}, "eval_episodes")])
def test_evaluation_parameters_are_validated(params, name):
    with pytest.raises(ValueError, match=name):
        small_dqn(**params).fit("CartPole-v1", 1_000)
