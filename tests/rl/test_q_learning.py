"""zoo.QLearning: tabular Q-learning, SARSA and expected SARSA, on native
environments (the loop in C++) and on Python gymnasium environments."""

import pickle

import gymnasium
import numpy as np
import pytest

import zoo
from zoo import QLearning, _core
from zoo.nn.callbacks import LambdaCallback

# A step size decaying per episode lets the table settle on the slippery
# lakes, where a constant one keeps the values (and the greedy policy) noisy.
SLIPPERY = dict(learning_rate=0.1, learning_rate_decay=0.9999, learning_rate_min=0.01)


def greedy_cliff_return(model):
    """CliffWalking is deterministic and has no time limit: one greedy episode
    gives the return, unless the greedy policy loops, which this catches."""
    env = gymnasium.make("CliffWalking-v1", max_episode_steps=200)
    obs, _ = env.reset(seed=0)
    total, done = 0.0, False
    while not done:
        obs, reward, terminated, truncated, _ = env.step(int(model.predict(obs)))
        total += reward
        done = terminated or truncated
    assert terminated, "the greedy policy never reaches the goal"
    return total


def test_q_learning_finds_the_optimal_cliff_path():
    model = QLearning(random_state=0).fit("CliffWalking-v1", 30_000)
    # The shortest path along the cliff edge: 13 steps of -1.
    assert model.evaluate("CliffWalking-v1", n_episodes=1) == (-13.0, 0.0)
    assert model.q_table_.shape == (48, 4) and model.q_table_.dtype == np.float64
    assert model.num_timesteps_ == 30_000
    assert len(model.history_["episode_return"]) == len(model.history_["episode_length"]) > 100


@pytest.mark.parametrize("method", ["sarsa", "expected_sarsa"])
def test_on_policy_methods_learn_the_safe_cliff_path(method):
    # Exploring with epsilon = 0.05 to the end, the on-policy values price in
    # the occasional random step off the edge: both settle on the path one
    # row further from the cliff (-17) rather than the edge (-13).
    model = QLearning(method=method, random_state=0).fit("CliffWalking-v1", 30_000)
    assert greedy_cliff_return(model) == -17.0
    # Training returns include exploration, yet the safe path keeps them near -17.
    assert model.history_["episode_return"][-100:].mean() > -30


def test_solves_slippery_frozen_lake_8x8():
    # 2,000,000 steps in C++ take a fraction of a second; the greedy policy's
    # exact success rate within the 200-step limit is 0.89 (the best
    # stationary policy reaches 0.894).
    model = QLearning(gamma=0.995, random_state=0, **SLIPPERY).fit("FrozenLake8x8-v1", 2_000_000)
    success, _ = model.evaluate("FrozenLake8x8-v1", n_episodes=1000, seed=0)
    assert success >= 0.85


def test_solves_slippery_frozen_lake_4x4():
    # The best policy succeeds in 0.74 of the episodes within 100 steps.
    model = QLearning(gamma=0.99, random_state=0, **SLIPPERY).fit("FrozenLake-v1", 500_000)
    success, _ = model.evaluate("FrozenLake-v1", n_episodes=1000, seed=0)
    assert success >= 0.70


def test_same_seed_same_table():
    def fit(seed, method):
        return QLearning(method=method, random_state=seed).fit("FrozenLake-v1", 20_000)

    for method in ("q_learning", "sarsa", "expected_sarsa"):
        a, b = fit(5, method), fit(5, method)
        np.testing.assert_array_equal(a.q_table_, b.q_table_)
        np.testing.assert_array_equal(a.history_["episode_return"], b.history_["episode_return"])
        np.testing.assert_array_equal(a.rng_state_, b.rng_state_)
    assert not np.array_equal(fit(5, "q_learning").q_table_, fit(6, "q_learning").q_table_)


def test_python_gymnasium_env_learns_as_well_as_the_native_one():
    python_env = QLearning(random_state=0).fit(gymnasium.make("CliffWalking-v1"), 30_000)
    native = QLearning(random_state=0).fit("CliffWalking-v1", 30_000)
    assert python_env.evaluate("CliffWalking-v1", n_episodes=1) == native.evaluate("CliffWalking-v1", n_episodes=1)
    assert python_env.evaluate("CliffWalking-v1", n_episodes=1) == (-13.0, 0.0)
    assert python_env.predict(np.arange(48)).shape == (48,)
    # Both explore on the same schedule, so they finish episodes at a similar rate.
    n_python, n_native = (len(m.history_["episode_return"]) for m in (python_env, native))
    assert 0.7 < n_python / n_native < 1.4
    # The Python path is repeatable too.
    again = QLearning(random_state=0).fit(gymnasium.make("CliffWalking-v1"), 30_000)
    np.testing.assert_array_equal(again.q_table_, python_env.q_table_)


@pytest.mark.parametrize("method", ["sarsa", "expected_sarsa"])
def test_python_env_on_policy_methods(method):
    model = QLearning(method=method, random_state=1).fit(gymnasium.make("CliffWalking-v1"), 30_000)
    assert greedy_cliff_return(model) == -17.0


# Uniformly random actions, full steps (alpha = 1) and an optimistic table:
# each updated value shows exactly what its target bootstrapped from.
PROBE = dict(learning_rate=1.0, epsilon=1.0, epsilon_min=1.0, initial_q=10.0, random_state=0)


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_terminal_transitions_do_not_bootstrap(native):
    env = "CliffWalking-v1" if native else gymnasium.make("CliffWalking-v1")
    model = QLearning(gamma=1.0, **PROBE).fit(env, 20_000)
    # 35 lies just above the goal 47: "down" (2) ends the episode with -1,
    # and the goal's row (never updated, still 10) must not be added.
    assert model.q_table_[35, 2] == -1.0


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_time_limit_truncations_bootstrap(native):
    # Episodes of one step: every step from the start state 36 is truncated.
    # "up" (0) leads to 24, never updated (episodes always start at 36), so
    # its target is -1 + gamma * 10 = 4; a truncation treated as terminal would give -1.
    model = QLearning(gamma=0.5, **PROBE)
    if native:
        model.fit("CliffWalking-v1", 1)  # the table and generator, then one chunk by hand
        model.q_table_[:] = 10.0
        copies = model._episode.copies(zoo.envs.native_env("CliffWalking-v1").core, max_episode_steps=1)
        returns, lengths = _core.tabular_collect(copies, model._next_action, model.q_table_, model._config(1_000),
                                                 1_000, model.rng_state_)
        assert len(returns) == 1_000 and set(lengths[1:]) == {1}  # the first continues fit's step
    else:
        model.fit(gymnasium.make("CliffWalking-v1", max_episode_steps=1), 1_000)
    assert model.q_table_[36, 0] == 4.0
    np.testing.assert_array_equal(model.q_table_[:36], 10.0)


def test_schedules():
    config = _core.TabularConfig()
    config.total_timesteps = 1000
    config.epsilon_start, config.epsilon_min, config.exploration_fraction = 1.0, 0.1, 0.5
    assert _core.tabular_epsilon(config, 0, 0) == 1.0
    assert _core.tabular_epsilon(config, 250, 0) == pytest.approx(0.55)
    assert _core.tabular_epsilon(config, 600, 0) == 0.1
    config.epsilon_decay = _core.EpsilonDecay.exponential
    config.epsilon_decay_rate = 0.5
    assert _core.tabular_epsilon(config, 999, 2) == 0.25
    assert _core.tabular_epsilon(config, 0, 10) == 0.1
    config.learning_rate, config.learning_rate_decay, config.learning_rate_min = 0.4, 0.5, 0.15
    assert _core.tabular_learning_rate(config, 1) == 0.2
    assert _core.tabular_learning_rate(config, 3) == 0.15


def test_exponential_exploration_and_callback_logs():
    seen = []
    # From epsilon = 1 a random walk on the cliff needs tens of thousands of
    # steps to finish its first episode, so a per-episode decay starts lower.
    model = QLearning(epsilon=0.5, epsilon_decay="exponential", epsilon_decay_rate=0.99, random_state=0,
                      callbacks=[LambdaCallback(on_epoch_end=lambda model, chunk, logs: seen.append(logs))])
    model.fit("CliffWalking-v1", 30_000)
    assert greedy_cliff_return(model) == -13.0
    assert len(seen) == 3 and seen[-1]["timesteps"] == 30_000
    episodes = len(model.history_["episode_return"])
    assert seen[-1]["epsilon"] == pytest.approx(max(0.05, 0.5 * 0.99**episodes))
    assert seen[-1]["learning_rate"] == 0.1


def test_predict_is_the_greedy_argmax_with_lowest_index_ties():
    model = QLearning(random_state=0).fit("FrozenLake-v1", 1_000)
    model.q_table_[:] = 0.0
    model.q_table_[3] = [1.0, 2.0, 2.0, 0.0]
    assert model.predict(3) == 1
    assert model.predict(0) == 0
    np.testing.assert_array_equal(model.predict(np.array([3, 0, 3])), [1, 0, 1])
    assert isinstance(model.predict(np.int64(3)), (int, np.integer))


def test_bad_input():
    with pytest.raises(ValueError, match="QLearning needs a Discrete observation space"):
        QLearning().fit("CartPole-v1", 100)
    for bad in (0, -5, 1.5, True):
        with pytest.raises(ValueError, match="total_timesteps"):
            QLearning().fit("CliffWalking-v1", bad)
    with pytest.raises(ValueError, match="method"):
        QLearning(method="td_lambda").fit("CliffWalking-v1", 100)
    with pytest.raises(ValueError, match="gamma"):
        QLearning(gamma=1.5).fit("CliffWalking-v1", 100)
    with pytest.raises(ValueError, match="learning_rate_decay"):
        QLearning(learning_rate_decay=0.0).fit("CliffWalking-v1", 100)
    with pytest.raises(ValueError, match="initial_q"):
        QLearning(initial_q=float("inf")).fit("CliffWalking-v1", 100)
    with pytest.raises(zoo.NotFittedError):
        QLearning().predict(0)
    model = QLearning(random_state=0).fit("CliffWalking-v1", 100)
    for state in (48, -1):
        with pytest.raises(ValueError, match="out of range"):
            model.predict(state)
    with pytest.raises(ValueError):
        model.predict(np.array([[1, 2]]))
    with pytest.raises(ValueError):
        model.predict(1.5)


def test_kernel_guards_its_arrays():
    env = zoo.envs.native_env("CliffWalking-v1").core
    state = zoo.envs.native.new_state(env)
    obs = np.zeros(1, np.float32)
    zoo.envs.native.reset(env, state, obs, seed=0)
    copies = _core.NativeEnvCopies(env, state.reshape(1, -1), obs.reshape(1, -1), np.zeros(1, np.int64),
                                   np.zeros(1), max_episode_steps=0)
    args = [copies, np.full(1, -1, np.int64)]
    rng = np.ones(4, np.uint64)
    config = _core.TabularConfig()
    with pytest.raises(ValueError, match="Q-table"):
        _core.tabular_collect(*args, np.zeros((47, 4)), config, 10, rng)
    with pytest.raises(TypeError):  # float32 table: no silent copy that would swallow the updates
        _core.tabular_collect(*args, np.zeros((48, 4), np.float32), config, 10, rng)
    obs[0] = 99.0  # a corrupted observation is refused, not used as an index
    with pytest.raises(IndexError, match="not a state"):
        _core.tabular_collect(*args, np.zeros((48, 4)), config, 10, rng)
    with pytest.raises(ValueError, match="observations of the copies"):
        _core.NativeEnvCopies(env, state.reshape(1, -1), np.zeros((1, 2), np.float32), np.zeros(1, np.int64),
                              np.zeros(1), max_episode_steps=0)


def test_save_load_and_pickle_keep_the_table_and_predictions(tmp_path):
    model = QLearning(method="expected_sarsa", gamma=0.9, random_state=0).fit("CliffWalking-v1", 20_000)
    states = np.arange(48)
    model.save(tmp_path / "q.npz")
    loaded = zoo.load(tmp_path / "q.npz")
    assert isinstance(loaded, QLearning) and loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.q_table_, model.q_table_)
    np.testing.assert_array_equal(loaded.predict(states), model.predict(states))
    assert loaded.observation_space_ == model.observation_space_ and loaded.action_space_ == model.action_space_
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.q_table_, model.q_table_)
    np.testing.assert_array_equal(again.predict(states), model.predict(states))


def test_a_loaded_checkpoint_continues_exactly_like_an_uninterrupted_run(tmp_path):
    # The exponential schedules depend only on episodes, not on the fit's
    # length, so 20,000 + 20,000 steps must equal 40,000 at once.
    params = dict(method="sarsa", epsilon_decay="exponential", epsilon_decay_rate=0.99, random_state=4)
    QLearning(**params).fit("CliffWalking-v1", 20_000).save(tmp_path / "half.npz")
    resumed = zoo.load(tmp_path / "half.npz").fit("CliffWalking-v1", 20_000, reset_num_timesteps=False)
    whole = QLearning(**params).fit("CliffWalking-v1", 40_000)
    np.testing.assert_array_equal(resumed.q_table_, whole.q_table_)
    np.testing.assert_array_equal(resumed.history_["episode_return"], whole.history_["episode_return"])
    assert resumed.num_timesteps_ == 40_000


def test_get_params_and_repr():
    model = QLearning(method="sarsa", gamma=0.9)
    assert model.get_params()["method"] == "sarsa"
    assert repr(model) == "QLearning(gamma=0.9, method='sarsa')"
