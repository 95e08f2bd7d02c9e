"""An environment a learner cannot learn is refused with its spaces written
out readably (zoo.rl._env.describe_space) and a way forward."""

import re

import gymnasium
import numpy as np
import pytest
from gymnasium import spaces

from zoo import DQN, REINFORCE, ActorCritic, QLearning
from zoo.rl._env import describe_space


class SpacesOnly(gymnasium.Env):
    """An environment with the given spaces, refused before it is ever stepped."""

    def __init__(self, observation_space, action_space=None):
        self.observation_space = observation_space
        self.action_space = action_space if action_space is not None else spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        raise AssertionError("a refused environment is never reset")

    def step(self, action):
        raise AssertionError("a refused environment is never stepped")


CAR_RACING = spaces.Box(0, 255, (96, 96, 3), np.uint8)  # CarRacing-v3's, without needing box2d
DICT = spaces.Dict({"position": spaces.Box(-1.0, 1.0, (2,), np.float32), "goal": spaces.Discrete(4)})


@pytest.mark.parametrize("space, text", [
    (spaces.Discrete(16), "Discrete(16)"),
    (spaces.Discrete(3, start=1), "Discrete(3, start=1)"),
    (spaces.Tuple((spaces.Discrete(32), spaces.Discrete(11), spaces.Discrete(2))),
     "Tuple(Discrete(32), Discrete(11), Discrete(2))"),
    (CAR_RACING, "Box(0, 255, (96, 96, 3), uint8)"),
    (spaces.Box(-2.0, 2.0, (1,), np.float32), "Box(-2.0, 2.0, (1,), float32)"),
    (spaces.Box(np.array([-1.0, 0.0], np.float32), np.array([1.0, 5.0], np.float32)),
     "Box([-1.0, 0.0], [1.0, 5.0], (2,), float32)"),
    (spaces.Box(np.arange(20, dtype=np.float32), 100.0, dtype=np.float32),
     "Box([0.0, 1.0, 2.0, ..., 17.0, 18.0, 19.0], 100.0, (20,), float32)"),
    (DICT, "Dict('goal': Discrete(4), 'position': Box(-1.0, 1.0, (2,), float32))"),
    (spaces.MultiDiscrete([3, 4]), "MultiDiscrete([3, 4])"),
    (spaces.MultiBinary(5), "MultiBinary(5)"),
    (spaces.MultiBinary([2, 3]), "MultiBinary([2, 3])"),
    (spaces.Tuple((DICT, spaces.MultiDiscrete([2, 2]))),
     "Tuple(Dict('goal': Discrete(4), 'position': Box(-1.0, 1.0, (2,), float32)), MultiDiscrete([2, 2]))"),
])
def test_describe_space_writes_every_kind_readably(space, text):
    assert describe_space(space) == text


def test_describe_space_keeps_a_long_space_on_one_short_line():
    text = describe_space(spaces.Box(np.zeros((64, 64), np.float32), np.ones((64, 64), np.float32) * 2))
    assert text == "Box(0.0, 2.0, (64, 64), float32)"
    wide = describe_space(spaces.Box(np.arange(4096, dtype=np.float32).reshape(64, 64), 1e4, dtype=np.float32))
    assert "\n" not in wide and wide.startswith("Box([0.0, 1.0, 2.0, ..., 4093.0, 4094.0, 4095.0], 10000.0")


@pytest.mark.parametrize("learner", [DQN, REINFORCE, ActorCritic])
def test_network_learners_refuse_blackjack_naming_its_tuple(learner):
    message = (f"{learner.__name__} needs a Box observation space of floats; this environment has "
               "Tuple(Discrete(32), Discrete(11), Discrete(2)); DtypeObservation(FlattenObservation(env), "
               "np.float32), from gymnasium.wrappers, makes it a Box of floats")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        learner().fit("Blackjack-v1", 100)


def test_qlearning_refuses_blackjack_naming_its_tuple():
    with pytest.raises(ValueError, match=re.escape(
            "QLearning needs a Discrete observation space starting at 0; this environment has "
            "Tuple(Discrete(32), Discrete(11), Discrete(2))")):
        QLearning().fit("Blackjack-v1", 100)


@pytest.mark.parametrize("learner", [DQN, REINFORCE, ActorCritic])
def test_network_learners_refuse_frozenlake_with_its_size_and_point_to_qlearning(learner):
    message = (f"{learner.__name__} needs a Box observation space of floats; this environment has Discrete(16); "
               "DtypeObservation(FlattenObservation(env), np.float32), from gymnasium.wrappers, makes it a Box "
               "of floats, and QLearning learns Discrete observations as they are")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        learner().fit("FrozenLake-v1", 100)


@pytest.mark.parametrize("learner", [DQN, REINFORCE, ActorCritic])
def test_network_learners_refuse_uint8_images_with_their_dtype(learner):
    message = (f"{learner.__name__} needs a Box observation space of floats; this environment has "
               "Box(0, 255, (96, 96, 3), uint8); gymnasium.wrappers.DtypeObservation(env, np.float32) "
               "gives its observations as floats")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        learner().fit(SpacesOnly(CAR_RACING, spaces.Box(-1.0, 1.0, (3,), np.float32)), 100)


@pytest.mark.parametrize("learner", [DQN, REINFORCE, ActorCritic, QLearning])
def test_every_learner_refuses_a_dict_observation_space_naming_its_parts(learner):
    with pytest.raises(ValueError, match=re.escape(
            "this environment has Dict('goal': Discrete(4), 'position': Box(-1.0, 1.0, (2,), float32))")):
        learner().fit(SpacesOnly(DICT), 100)


def test_the_hint_makes_a_refused_environment_learnable():
    from gymnasium.wrappers import DtypeObservation, FlattenObservation

    wrapped = DtypeObservation(FlattenObservation(gymnasium.make("Blackjack-v1")), np.float32)
    model = DQN((16,), learning_starts=50, random_state=0, n_jobs=1).fit(wrapped, 200)
    assert model.num_timesteps_ == 200 and model.observation_space_.shape == (45,)


@pytest.mark.parametrize("learner, action_space, text", [
    (DQN, spaces.Box(-2.0, 2.0, (1,), np.float32),
     "DQN needs a Discrete action space starting at 0; this environment has Box(-2.0, 2.0, (1,), float32) "
     "(REINFORCE and ActorCritic learn continuous actions)"),
    (DQN, spaces.MultiDiscrete([3, 3]),
     "DQN needs a Discrete action space starting at 0; this environment has MultiDiscrete([3, 3])"),
    (REINFORCE, spaces.MultiBinary(4),
     "REINFORCE needs a Discrete action space starting at 0 with at least 2 actions, or a 1-D Box of floats; "
     "this environment has MultiBinary(4)"),
    (ActorCritic, spaces.Discrete(3, start=1),
     "ActorCritic needs a Discrete action space starting at 0 with at least 2 actions, or a 1-D Box of floats; "
     "this environment has Discrete(3, start=1)"),
])
def test_unusable_action_spaces_are_named(learner, action_space, text):
    env = SpacesOnly(spaces.Box(-1.0, 1.0, (4,), np.float32), action_space)
    with pytest.raises(ValueError, match=f"^{re.escape(text)}$"):
        learner().fit(env, 100)


def test_qlearning_refuses_box_observations_pointing_to_the_network_learners():
    with pytest.raises(ValueError, match=re.escape(
            "QLearning needs a Discrete observation space starting at 0; this environment has "
            "Box([-4.8, -inf, -0.41887903, -inf], [4.8, inf, 0.41887903, inf], (4,), float32) "
            "(DQN, REINFORCE and ActorCritic learn from Box observations)")):
        QLearning().fit("CartPole-v1", 100)
