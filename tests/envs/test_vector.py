"""zoo.envs.make_vec against gymnasium's SyncVectorEnv over gymnasium's own environments."""

import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest

import zoo.envs
from zoo.envs import make_vec
from zoo.envs.vector import CartPoleVectorEnv, NativeVectorEnv

CLASSIC = ["CartPole-v1", "MountainCar-v0", "Acrobot-v1"]


def sync_reference(env_id, n, **kwargs):
    return gym.vector.SyncVectorEnv([lambda: gym.make(env_id, **kwargs)] * n)


def assert_same_arrays(ours, theirs):
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    if ours.dtype == np.float32:
        ours, theirs = ours.view(np.uint32), theirs.view(np.uint32)
    np.testing.assert_array_equal(ours, theirs)


def assert_same_step(ours, theirs):
    for a, b in zip(ours[:4], theirs[:4]):
        assert_same_arrays(a, b)


@pytest.mark.parametrize(
    "env_id, n_steps, limit",
    # Acrobot's random episodes run to the time limit: a shorter one gives autoresets to check.
    [("CartPole-v1", 2500, None), ("MountainCar-v0", 1200, None), ("Acrobot-v1", 1000, 150)],
)
def test_steps_equal_sync_vector_env(env_id, n_steps, limit):
    n = 6
    limits = {} if limit is None else {"max_episode_steps": limit}
    ours, theirs = make_vec(env_id, n, n_jobs=2, **limits), sync_reference(env_id, n, **limits)
    assert ours.observation_space == theirs.observation_space
    assert ours.action_space == theirs.action_space
    assert ours.single_observation_space == theirs.single_observation_space
    assert ours.metadata["autoreset_mode"] == theirs.metadata["autoreset_mode"]
    rng = np.random.default_rng(CLASSIC.index(env_id))
    assert_same_arrays(ours.reset(seed=123)[0], theirs.reset(seed=123)[0])
    ended = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t in range(n_steps):
            actions = rng.integers(0, theirs.single_action_space.n, size=n)
            step_ours, step_theirs = ours.step(actions), theirs.step(actions)
            assert_same_step(step_ours, step_theirs)
            assert step_ours[4] == step_theirs[4] == {}
            ended += int(step_theirs[2].sum() + step_theirs[3].sum())
            if t % 400 == 399:
                # Reseed some copies, let the others' generators carry on.
                seeds = [int(s) if s % 3 else None for s in rng.integers(0, 2**40, size=n)]
                assert_same_arrays(ours.reset(seed=seeds)[0], theirs.reset(seed=seeds)[0])
            elif t % 400 == 199:
                mask = rng.random(n) < 0.5
                mask[0] = True
                options = {"reset_mask": mask}
                assert_same_arrays(ours.reset(options=dict(options))[0], theirs.reset(options=dict(options))[0])
    assert ended >= 6


def test_truncation_and_reset_options_equal_sync_vector_env():
    n = 4
    ours = make_vec("Acrobot-v1", n, max_episode_steps=7)
    theirs = sync_reference("Acrobot-v1", n, max_episode_steps=7)
    options = {"low": -3.0, "high": 3.0}
    assert_same_arrays(ours.reset(seed=9, options=options)[0], theirs.reset(seed=9, options=options)[0])
    rng = np.random.default_rng(0)
    for _ in range(30):
        actions = rng.integers(0, 3, size=n)
        assert_same_step(ours.step(actions), theirs.step(actions))


def test_threads_do_not_change_results():
    # Enough copies for several chunks per thread.
    n = 2500
    one, two = make_vec("CartPole-v1", n, seed=1, n_jobs=1), make_vec("CartPole-v1", n, seed=1, n_jobs=2)
    assert_same_arrays(one.reset()[0], two.reset()[0])
    rng = np.random.default_rng(2)
    for _ in range(150):
        actions = rng.integers(0, 2, size=n)
        assert_same_step(one.step(actions), two.step(actions))
    np.testing.assert_array_equal(one.states, two.states)
    np.testing.assert_array_equal(one.elapsed_steps, two.elapsed_steps)


def test_construction_seed_equals_first_reset_seed():
    a, b = make_vec("MountainCar-v0", 3, seed=77), make_vec("MountainCar-v0", 3)
    assert_same_arrays(a.reset()[0], b.reset(seed=77)[0])
    c, d = make_vec("MountainCar-v0", 3), make_vec("MountainCar-v0", 3)
    assert not np.array_equal(c.reset()[0], d.reset()[0])  # fresh OS entropy for each


def test_gymnasium_make_vec_builds_the_native_vector_env():
    envs = gym.make_vec("zoo/CartPole-v1", num_envs=3)
    assert isinstance(envs, CartPoleVectorEnv)
    assert envs.max_episode_steps == 500 and envs.num_envs == 3
    assert gym.make_vec("zoo/MountainCar-v0", 2, goal_velocity=0.1)._kernel.goal_velocity == 0.1


@pytest.mark.parametrize("kwargs", [{}, {"max_episode_steps": 25}, {"sutton_barto_reward": True}])
def test_cartpole_vector_entry_point_is_gymnasiums_cartpole_vector_env(kwargs):
    # One generator for all copies, redraws after the step that follows an
    # episode's end: gymnasium's CartPoleVectorEnv, value for value.
    n = 16
    ours = gym.make_vec("zoo/CartPole-v1", num_envs=n, **kwargs)
    theirs = gym.make_vec("CartPole-v1", num_envs=n, vectorization_mode="vector_entry_point", **kwargs)
    rng = np.random.default_rng(1)
    for episode_seed, options in [(3, None), (None, {"low": -0.2, "high": 0.2}), (11, None)]:
        mine, reference = ours.reset(seed=episode_seed, options=options), theirs.reset(seed=episode_seed, options=options)
        assert_same_arrays(mine[0], reference[0])
        ended = 0
        for _ in range(120):
            actions = rng.integers(0, 2, n)
            mine, reference = ours.step(actions), theirs.step(actions)
            for a, b in zip(mine[:4], reference[:4]):
                assert a.dtype == b.dtype
                np.testing.assert_array_equal(a, b)
            ended += int(np.sum(reference[2] | reference[3]))
        assert ended > n  # episodes ended and were redrawn, several per copy
    envs = gym.make_vec("zoo/CartPole-v1", num_envs=2)
    with pytest.raises(ValueError, match="reset_mask"):
        envs.reset(options={"reset_mask": np.array([True, False])})


def test_state_arrays_are_held_by_the_object():
    envs = make_vec("CartPole-v1", 5, seed=0)
    envs.reset()
    assert envs.states.shape == (5, zoo._core.CartPole().state_bytes // 8) and envs.states.dtype == np.uint64
    for _ in range(3):
        envs.step(np.ones(5, dtype=np.int64))
    np.testing.assert_array_equal(envs.elapsed_steps, 3)
    assert envs.needs_reset.dtype == np.uint8


def test_bad_actions_raise_and_change_nothing():
    envs = make_vec("CartPole-v1", 4, seed=0)
    envs.reset()
    envs.step([0, 1, 0, 1])
    before = (envs.states.copy(), envs.elapsed_steps.copy(), envs.needs_reset.copy())
    with pytest.raises(ValueError, match=r"actions\[2\] = 2 is not a valid action"):
        envs.step(np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match=r"actions\[0\] = -1"):
        envs.step([-1, 0, 0, 0])
    with pytest.raises(ValueError, match="shape"):
        envs.step([0, 1])
    with pytest.raises(TypeError, match="integers"):
        envs.step(np.array([0.0, 1.0, 0.0, 1.0]))
    for after, was in zip((envs.states, envs.elapsed_steps, envs.needs_reset), before):
        np.testing.assert_array_equal(after, was)
    envs.step(np.array([1, 1, 0, 0], dtype=np.int32))


def test_misuse_raises_clearly():
    with pytest.raises(ValueError, match="no native environment"):
        make_vec("Pendulum-v1", 2)
    with pytest.raises(ValueError, match="num_envs"):
        make_vec("CartPole-v1", 0)
    with pytest.raises(TypeError, match="num_envs"):
        make_vec("CartPole-v1", 2.0)
    with pytest.raises(ValueError, match="max_episode_steps"):
        make_vec("CartPole-v1", 2, max_episode_steps=0)
    with pytest.raises(ValueError, match="seed"):
        make_vec("CartPole-v1", 2, seed=-3)
    envs = make_vec("CartPole-v1", 3)
    with pytest.raises(gym.error.ResetNeeded):
        envs.step([0, 0, 0])
    with pytest.raises(ValueError, match="length must match num_envs"):
        envs.reset(seed=[1, 2])
    with pytest.raises(TypeError, match="seed"):
        envs.reset(seed="zero")
    with pytest.raises(TypeError, match="reset_mask"):
        envs.reset(options={"reset_mask": [True, False, True]})
    with pytest.raises(ValueError, match="at least one"):
        envs.reset(options={"reset_mask": np.zeros(3, dtype=bool)})
    with pytest.raises(ValueError, match="Lower bound"):
        envs.reset(options={"low": 0.5, "high": 0.1})


def test_pickle_continues_the_same_run():
    envs = make_vec("Acrobot-v1", 3, seed=5, n_jobs=1)
    envs.reset()
    for _ in range(4):
        envs.step([0, 1, 2])
    clone = pickle.loads(pickle.dumps(envs))
    assert isinstance(clone, NativeVectorEnv)
    for actions in ([2, 2, 2], [0, 1, 0]):
        assert_same_step(clone.step(actions), envs.step(actions))


@pytest.mark.parametrize("env_id", ["FrozenLake-v1", "Taxi-v4", "CliffWalking-v1"])
def test_toy_text_vector_steps_equal_sync_vector_env(env_id):
    # Observations, rewards and ends match; info["prob"] is always float64 here, where
    # SyncVectorEnv makes it int when copy 0 was just reset (FrozenLake's reset info is {"prob": 1}).
    n = 4
    ours, theirs = make_vec(env_id, n), sync_reference(env_id, n)
    assert ours.observation_space == theirs.observation_space
    assert_same_arrays(ours.reset(seed=2)[0], theirs.reset(seed=2)[0])
    rng = np.random.default_rng(3)
    for _ in range(400):
        actions = rng.integers(0, theirs.single_action_space.n, size=n)
        step_ours, step_theirs = ours.step(actions), theirs.step(actions)
        assert_same_step(step_ours, step_theirs)
        if "action_mask" in step_theirs[4]:
            np.testing.assert_array_equal(step_ours[4]["action_mask"], step_theirs[4]["action_mask"])
        if step_theirs[4]["prob"].dtype == np.float64:
            np.testing.assert_array_equal(step_ours[4]["prob"], step_theirs[4]["prob"])


def test_exports():
    assert zoo.envs.make_vec is make_vec
    assert {"make_vec", "native_env", "is_native", "native_id"} <= set(zoo.envs.__all__)
