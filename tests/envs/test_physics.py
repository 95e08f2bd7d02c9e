"""gymnasium's writable physical attributes (gravity, tau, ...) change zoo's
dynamics exactly as they change gymnasium's, on single and vector environments."""

import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest

import zoo.envs
from zoo.envs.classic_control import AcrobotEnv, CartPoleEnv, MountainCarEnv
from zoo.envs.vector import NativeVectorEnv

from test_classic_control import play_both

# (env id, attributes written on both libraries' unwrapped environments).
CHANGES = [
    ("CartPole-v1", {"gravity": 20.0}),
    ("CartPole-v1", {"masscart": 2.0, "total_mass": 2.1}),
    # gymnasium computes these two once: writing masspole or length alone keeps them.
    ("CartPole-v1", {"masspole": 0.3, "length": 0.8}),
    ("CartPole-v1", {"polemass_length": 0.2, "force_mag": 15.0, "tau": 0.01}),
    ("CartPole-v1", {"x_threshold": 0.5, "theta_threshold_radians": 0.1}),
    ("CartPole-v1", {"kinematics_integrator": "semi-implicit euler"}),
    ("MountainCar-v0", {"force": 0.0015, "gravity": 0.002, "max_speed": 0.05}),
    ("MountainCar-v0", {"goal_position": 0.2, "goal_velocity": 0.01, "min_position": -1.0}),
    ("Acrobot-v1", {"dt": 0.1, "LINK_MASS_2": 1.7, "LINK_LENGTH_1": 1.3}),
    ("Acrobot-v1", {"LINK_COM_POS_1": 0.4, "LINK_COM_POS_2": 0.7, "LINK_MOI": 0.8}),
    ("Acrobot-v1", {"MAX_VEL_1": 2.0, "MAX_VEL_2": 5.0, "book_or_nips": "nips"}),
    ("Acrobot-v1", {"AVAIL_TORQUE": [-2.0, 0.5, 2.0], "torque_noise_max": 0.3}),
]


@pytest.mark.parametrize("env_id, changes", CHANGES, ids=[f"{e}-{'-'.join(c)}" for e, c in CHANGES])
def test_written_attributes_change_the_dynamics_as_in_gymnasium(env_id, changes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gymnasium's checker warns about out-of-bounds states
        ours, theirs = gym.make("zoo/" + env_id), gym.make(env_id)
        for name, value in changes.items():
            setattr(ours.unwrapped, name, value)
            setattr(theirs.unwrapped, name, value)
            assert np.all(getattr(ours.unwrapped, name) == getattr(theirs.unwrapped, name))
        play_both(ours, theirs, 600, seed=5, env_id=env_id)


@pytest.mark.parametrize("cls, env_id", [(CartPoleEnv, "CartPole-v1"), (MountainCarEnv, "MountainCar-v0"),
                                         (AcrobotEnv, "Acrobot-v1")])
def test_defaults_are_gymnasiums(cls, env_id):
    ours, theirs = cls(), gym.make(env_id).unwrapped
    names = zoo.envs.physics.attribute_names(ours._kernel)
    assert len(names) >= 7
    for name in names:
        mine, reference = getattr(ours, name), getattr(theirs, name)
        assert isinstance(mine, str) == isinstance(reference, str), name
        np.testing.assert_array_equal(mine, reference, err_msg=name)


def test_the_dynamics_change_from_the_next_step_and_survive_resets_and_pickling():
    env = CartPoleEnv()
    env.reset(seed=0)
    env.gravity = 30.0
    env.reset(seed=1)
    assert env.gravity == 30.0
    copy = pickle.loads(pickle.dumps(env))
    assert copy.gravity == 30.0
    np.testing.assert_array_equal(copy.step(1)[0], env.step(1)[0])
    assert MountainCarEnv(goal_velocity=0.02).goal_velocity == 0.02


def test_a_wrapped_environment_takes_set_wrapper_attr():
    env = gym.make("zoo/CartPole-v1")
    env.set_wrapper_attr("force_mag", 3.0)
    assert env.unwrapped.force_mag == 3.0 == env.get_wrapper_attr("force_mag")


@pytest.mark.parametrize(
    "name, value, error, match",
    [
        ("gravity", float("nan"), ValueError, "finite"),
        ("gravity", "9.8", TypeError, "number"),
        ("tau", True, TypeError, "number"),
        ("gravity", [1.0, 2.0], ValueError, "one number"),
        ("kinematics_integrator", "rk4", ValueError, "euler"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(name, value, error, match):
    env = CartPoleEnv()
    before = env.state_record.copy()
    with pytest.raises(error, match=match):
        setattr(env, name, value)
    np.testing.assert_array_equal(env.state_record, before)


def test_acrobot_torques_are_a_read_only_copy():
    env = AcrobotEnv()
    with pytest.raises(ValueError, match="read-only"):
        env.AVAIL_TORQUE[0] = -3.0  # would change nothing: refused, not ignored
    with pytest.raises(ValueError, match="3 numbers"):
        env.AVAIL_TORQUE = [1.0, 2.0]


def test_vector_copies_each_take_their_own_values():
    n = 4
    envs = NativeVectorEnv("CartPole-v1", n, seed=3)
    gravities = [5.0, 9.8, 15.0, 25.0]
    envs.set_attr("gravity", gravities)
    envs.force_mag = np.array([5.0, 10.0, 15.0, 20.0])
    envs.tau = 0.01  # every copy
    assert envs.get_attr("gravity") == tuple(gravities)
    np.testing.assert_array_equal(envs.force_mag, [5.0, 10.0, 15.0, 20.0])
    assert envs.tau == 0.01 and envs.get_attr("kinematics_integrator") == ("euler",) * n

    singles = []
    for i in range(n):
        env = CartPoleEnv()
        env.gravity, env.force_mag, env.tau = gravities[i], 5.0 * (i + 1), 0.01
        singles.append(env)
    observations, _ = envs.reset(seed=3)
    for i, env in enumerate(singles):
        np.testing.assert_array_equal(observations[i], env.reset(seed=3 + i)[0])
    rng = np.random.default_rng(0)
    running = np.ones(n, dtype=bool)  # compared until each copy's first episode ends
    for _ in range(40):
        actions = rng.integers(0, 2, n)
        observations, _, terminated, _, _ = envs.step(actions)
        for i in np.flatnonzero(running):
            observation, _, ended, _, _ = singles[i].step(int(actions[i]))
            np.testing.assert_array_equal(observations[i], observation)
            assert terminated[i] == ended
            running[i] = not ended
    assert not running.all()  # the copies' physics differ enough to end some episodes early


def test_vector_attribute_errors():
    envs = NativeVectorEnv("MountainCar-v0", 3, seed=0)
    with pytest.raises(ValueError, match="length equal to the number of environments"):
        envs.set_attr("force", [0.001, 0.002])
    with pytest.raises(ValueError, match="one per copy"):
        envs.force = np.ones(2)
    with pytest.raises(AttributeError, match="physical attributes are"):
        envs.get_attr("masspole")
    with pytest.raises(AttributeError, match="no attribute 'masspole'"):
        envs.masspole  # noqa: B018
    assert NativeVectorEnv("FrozenLake-v1", 2, seed=0)._physics_names == frozenset()


def test_vector_attributes_survive_pickling():
    envs = NativeVectorEnv("Acrobot-v1", 2, seed=0)
    envs.set_attr("dt", [0.1, 0.2])
    copy = pickle.loads(pickle.dumps(envs))
    assert copy.get_attr("dt") == (0.1, 0.2)
