"""Reinforcement learners refuse observations that do not belong to the
environment's observation space (issue 14, items 5 and 6), and step counts
the C++ loops cannot hold (item 11)."""

import gymnasium
import numpy as np
import pytest
import zoo
from gymnasium import spaces

N_VALUES = 4
BOX_LEARNERS = {
    "REINFORCE": lambda: zoo.REINFORCE(hidden_layer_sizes=(4,), random_state=0, n_jobs=1),
    "DQN": lambda: zoo.DQN(hidden_layer_sizes=(4,), learning_starts=8, batch_size=4, random_state=0, n_jobs=1),
    "ActorCritic": lambda: zoo.ActorCritic(hidden_layer_sizes=(4,), n_envs=1, n_steps=4, random_state=0, n_jobs=1),
}


class BoxEnv(gymnasium.Env):
    """Declares Box((4,)) and returns observations of `shape`: (4,) keeps its word."""

    observation_space = spaces.Box(-1.0, 1.0, (N_VALUES,), np.float32)
    action_space = spaces.Discrete(2)

    def __init__(self, shape=(N_VALUES,)):
        self.shape = shape

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.zeros(self.shape, np.float32), {}

    def step(self, action):
        self.t += 1
        return np.full(self.shape, 0.1, np.float32), 1.0, self.t >= 5, False, {}


class DiscreteEnv(gymnasium.Env):
    """Declares Discrete(4) and, after the first reset, returns `state`."""

    observation_space = spaces.Discrete(4)
    action_space = spaces.Discrete(2)

    def __init__(self, state):
        self.state = state

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return 0, {}

    def step(self, action):
        self.t += 1
        return self.state, 1.0, self.t >= 5, False, {}


# A stack of two observations holds a multiple of the declared size; it must
# not be read as a batch (REINFORCE used to reshape it to (-1, 4)).
STACKED = [(2, N_VALUES), (2 * N_VALUES,), (N_VALUES + 1,)]


@pytest.mark.parametrize("shape", STACKED)
@pytest.mark.parametrize("name", sorted(BOX_LEARNERS))
def test_fit_refuses_observations_of_another_size(name, shape):
    learner = BOX_LEARNERS[name]()
    with pytest.raises(ValueError, match=rf"observation of {int(np.prod(shape))} values; the observation space has 4"):
        learner.fit(BoxEnv(shape), total_timesteps=32)
    assert not hasattr(learner, "num_timesteps_")


@pytest.mark.parametrize("shape", STACKED)
@pytest.mark.parametrize("name", sorted(BOX_LEARNERS))
def test_evaluate_refuses_observations_of_another_size(name, shape):
    learner = BOX_LEARNERS[name]().fit(BoxEnv(), total_timesteps=32)
    with pytest.raises(ValueError, match=rf"observation of {int(np.prod(shape))} values; the observation space"):
        learner.evaluate(BoxEnv(shape), n_episodes=1)


@pytest.mark.parametrize("name", sorted(BOX_LEARNERS))
def test_predict_refuses_nan_and_strings(name):
    learner = BOX_LEARNERS[name]().fit(BoxEnv(), total_timesteps=32)
    with pytest.raises(ValueError, match="observation contains NaN"):
        learner.predict(np.full(N_VALUES, np.nan))
    with pytest.raises(ValueError, match="observation must be numeric"):
        learner.predict(["a"] * N_VALUES)


@pytest.mark.parametrize("state", [-1, 4, 2**40, 1.5, 2.0, True, np.bool_(False), "a", None, [1]])
def test_q_learning_refuses_states_outside_the_space(state):
    learner = zoo.QLearning(random_state=0)
    with pytest.raises(ValueError, match=r"not in the environment's observation space Discrete\(4\)"):
        learner.fit(DiscreteEnv(state), total_timesteps=20)
    assert not hasattr(learner, "q_table_")


@pytest.mark.parametrize("state", [3, np.int64(3), np.uint8(3), np.array(3)])
def test_q_learning_takes_integer_states_of_any_kind(state):
    learner = zoo.QLearning(random_state=0).fit(DiscreteEnv(state), total_timesteps=20)
    # Every step lands in state 3: its row learns, rows 1 and 2 are never visited.
    assert learner.q_table_[3].any()
    assert not learner.q_table_[1:3].any()


def test_q_learning_predict_names_the_space():
    learner = zoo.QLearning(random_state=0).fit(DiscreteEnv(3), total_timesteps=20)
    for state in (-1, 4):
        with pytest.raises(ValueError, match=r"is out of range for the observation space Discrete\(4\)"):
            learner.predict(state)
    with pytest.raises(ValueError, match="must be an integer state"):
        learner.predict(2.0)


def test_q_learning_refuses_more_states_than_float32_holds_exactly():
    class Huge(DiscreteEnv):
        observation_space = spaces.Discrete(2**24 + 1)

    with pytest.raises(ValueError, match=r"at most 16777216 states"):
        zoo.QLearning().fit(Huge(0), total_timesteps=10)


ALL_LEARNERS = {**BOX_LEARNERS, "QLearning": lambda: zoo.QLearning(random_state=0)}


@pytest.mark.parametrize("total", [2**63, 2**64, 0, -1, 2.5, True, None, "10"])
@pytest.mark.parametrize("name", sorted(ALL_LEARNERS))
def test_total_timesteps_is_bounded(name, total):
    with pytest.raises(ValueError, match=r"total_timesteps must be an int in the range \[1, 9223372036854775807\]"):
        ALL_LEARNERS[name]().fit("CartPole-v1", total_timesteps=total)


def test_continued_total_timesteps_stays_within_int64():
    learner = zoo.QLearning(random_state=0).fit("FrozenLake-v1", total_timesteps=10)
    with pytest.raises(ValueError, match=r"\[1, 9223372036854775797\]"):
        learner.fit("FrozenLake-v1", total_timesteps=2**63 - 10, reset_num_timesteps=False)
    assert learner.num_timesteps_ == 10


@pytest.mark.parametrize(
    "arguments, name",
    [
        ({"n_episodes": 0}, "n_episodes"),
        ({"n_episodes": 2**63}, "n_episodes"),
        ({"n_episodes": 1.0}, "n_episodes"),
        ({"n_episodes": 1, "max_episode_steps": 0}, "max_episode_steps"),
        ({"n_episodes": 1, "max_episode_steps": 2**64}, "max_episode_steps"),
        ({"n_episodes": 1, "seed": -1}, "seed"),
        ({"n_episodes": 1, "seed": "0"}, "seed"),
    ],
)
@pytest.mark.parametrize("method", ["evaluate", "episode_returns"])
def test_evaluation_arguments_are_checked(method, arguments, name):
    learner = zoo.QLearning(random_state=0).fit("FrozenLake-v1", total_timesteps=10)
    with pytest.raises(ValueError, match=rf"QLearning: {name} must be an int in the range"):
        getattr(learner, method)("FrozenLake-v1", **arguments)


@pytest.mark.parametrize("name", sorted(BOX_LEARNERS))
def test_a_discrete_observation_space_is_described_by_its_size(name):
    with pytest.raises(ValueError, match=r"this environment has Discrete\(16\)"):
        BOX_LEARNERS[name]().fit("FrozenLake-v1", total_timesteps=10)
