"""zoo's classic-control environments step for step against gymnasium's own."""

import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import zoo.envs
from zoo.envs import native
from zoo.envs.classic_control import AcrobotEnv, CartPoleEnv, MountainCarEnv

CLASSIC = ["CartPole-v1", "MountainCar-v0", "Acrobot-v1"]
# Start-state intervals passed as reset options now and then; Acrobot's wide
# one sends the float32 reset observation through NumPy's range reduction.
WIDE_BOUNDS = {
    "CartPole-v1": {"low": -0.2, "high": 0.3},
    "MountainCar-v0": {"low": -1.1, "high": 0.1},
    "Acrobot-v1": {"low": -40.0, "high": 40.0},
}


def assert_same_observation(ours, theirs):
    assert ours.dtype == theirs.dtype == np.float32
    assert ours.shape == theirs.shape
    # Bitwise: NaN-free and -0.0 distinct from 0.0.
    np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))


def assert_same_step(ours, theirs):
    assert_same_observation(ours[0], theirs[0])
    for a, b in zip(ours[1:], theirs[1:]):
        assert type(a) is type(b) and a == b, (ours[1:], theirs[1:])


def pumping_policy(env_id):
    """Mostly energy pumping, so episodes reach the goal, the walls and the velocity bounds."""

    def act(observation, rng):
        if rng.random() < 0.3:
            return None
        if env_id == "MountainCar-v0":
            return 2 if observation[1] >= 0 else 0
        if env_id == "Acrobot-v1":
            return 2 if observation[4] >= 0 else 0
        return None

    return act


def play_both(ours, theirs, n_steps, seed, env_id):
    """Steps both with the same actions; resets when an episode ends, with and without seeds and options."""
    rng = np.random.default_rng(seed)
    policy = pumping_policy(env_id)
    assert_same_observation(ours.reset(seed=seed)[0], theirs.reset(seed=seed)[0])
    n_actions = theirs.action_space.n
    episodes = 0
    observation = None
    for _ in range(n_steps):
        action = policy(observation, rng) if observation is not None else None
        if action is None:
            action = int(rng.integers(n_actions))
        step_ours, step_theirs = ours.step(action), theirs.step(action)
        assert_same_step(step_ours, step_theirs)
        observation = step_theirs[0]
        if step_theirs[2] or step_theirs[3]:
            episodes += 1
            kind = rng.integers(4)
            kwargs = {}
            if kind == 1:
                kwargs["seed"] = int(rng.integers(2**40))
            elif kind == 2:
                kwargs["options"] = WIDE_BOUNDS[env_id]
            elif kind == 3:
                kwargs["seed"] = (int(rng.integers(2**62)) << 8) + 255  # above 2^64
                kwargs["options"] = {}
            reset_ours, reset_theirs = ours.reset(**kwargs), theirs.reset(**kwargs)
            assert_same_observation(reset_ours[0], reset_theirs[0])
            assert reset_ours[1] == reset_theirs[1] == {}
            observation = reset_theirs[0]
    return episodes


@pytest.mark.parametrize(
    "env_id, n_steps, min_episodes",
    [("CartPole-v1", 6000, 150), ("MountainCar-v0", 4000, 10), ("Acrobot-v1", 2500, 5)],
)
def test_trajectories_equal_gymnasium(env_id, n_steps, min_episodes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gymnasium's checker warns about out-of-bounds start states
        ours, theirs = gym.make("zoo/" + env_id), gym.make(env_id)
        episodes = play_both(ours, theirs, n_steps, seed=CLASSIC.index(env_id) + 17, env_id=env_id)
    assert episodes >= min_episodes


def test_mountain_car_reaches_the_left_wall_and_the_goal():
    # The inelastic wall (position == -1.2 and velocity < 0 -> velocity 0) and the goal both occur.
    ours, theirs = MountainCarEnv(), gym.make("MountainCar-v0").unwrapped
    ours.reset(seed=3)
    theirs.reset(seed=3)
    walls = goals = 0
    for t in range(2000):
        action = 2 if theirs.state[1] >= 0 else 0
        step_ours, step_theirs = ours.step(action), theirs.step(action)
        assert_same_step(step_ours, step_theirs)
        walls += bool(step_theirs[0][0] == np.float32(-1.2) and step_theirs[0][1] == 0)
        if step_theirs[2]:
            goals += 1
            ours.reset()
            theirs.reset()
    assert walls > 0 and goals > 0


def test_acrobot_wraps_angles_and_bounds_velocities_like_gymnasium():
    # Fast states near the velocity bounds (4 pi, 9 pi) and angles near +-pi.
    ours, theirs = AcrobotEnv(), gym.make("Acrobot-v1").unwrapped
    ours.reset(seed=0)
    theirs.reset(seed=0)
    rng = np.random.default_rng(1)
    for _ in range(40):
        state = rng.uniform(-1, 1, 4) * [np.pi, np.pi, 4 * np.pi, 9 * np.pi]
        ours.state = state
        theirs.state = state.copy()
        for _ in range(10):
            action = int(rng.integers(3))
            assert_same_step(ours.step(action), theirs.step(action))
            np.testing.assert_array_equal(ours.state, theirs.state)
    assert np.abs(theirs.state[2:]).max() > 3


@pytest.mark.parametrize(
    "env_id, kwargs",
    [
        ("CartPole-v1", {"sutton_barto_reward": True}),
        ("MountainCar-v0", {"goal_velocity": 0.02}),
        ("MountainCar-v0", {"goal_velocity": -1}),
    ],
)
def test_constructor_options_equal_gymnasium(env_id, kwargs):
    ours, theirs = gym.make("zoo/" + env_id, **kwargs), gym.make(env_id, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        play_both(ours, theirs, 1500, seed=11, env_id=env_id)


@pytest.mark.parametrize("sutton_barto_reward", [False, True])
def test_cartpole_steps_after_termination_equal_gymnasium(sutton_barto_reward):
    ours = CartPoleEnv(sutton_barto_reward=sutton_barto_reward)
    theirs = gym.make("CartPole-v1", sutton_barto_reward=sutton_barto_reward).unwrapped
    ours.reset(seed=5)
    theirs.reset(seed=5)
    terminated_at = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for t in range(200):
            step_ours, step_theirs = ours.step(1), theirs.step(1)
            assert_same_step(step_ours, step_theirs)
            if step_theirs[2] and terminated_at is None:
                terminated_at = t
            if terminated_at is not None and t >= terminated_at + 6:
                break
    assert terminated_at is not None
    # gymnasium warns once, on the first step after termination; so does zoo.
    messages = [str(w.message) for w in caught if "already returned terminated = True" in str(w.message)]
    assert len(messages) == 2


@pytest.mark.parametrize("env_id", CLASSIC)
def test_spaces_and_metadata_equal_gymnasium(env_id):
    ours, theirs = gym.make("zoo/" + env_id), gym.make(env_id)
    assert ours.observation_space == theirs.observation_space
    assert ours.action_space == theirs.action_space
    assert ours.unwrapped.metadata["render_fps"] == theirs.unwrapped.metadata["render_fps"]


@pytest.mark.parametrize("env_id", CLASSIC)
def test_check_env_passes(env_id):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(gym.make("zoo/" + env_id).unwrapped)
        check_env(gym.make("zoo/" + env_id))
    expected = ("infinity", "different from the unwrapped")  # CartPole's Box is unbounded, as in gymnasium
    unexpected = [str(w.message) for w in caught if not any(e in str(w.message) for e in expected)]
    assert unexpected == []


def test_registrations_copy_gymnasium():
    for base in native.REGISTRATIONS:
        ours, theirs = gym.spec("zoo/" + base), gym.spec(base)
        assert ours.max_episode_steps == theirs.max_episode_steps, base
        assert ours.reward_threshold == theirs.reward_threshold, base
        assert ours.kwargs == theirs.kwargs, base
        assert ours.nondeterministic == theirs.nondeterministic


@pytest.mark.parametrize("env_id", CLASSIC)
def test_np_random_is_the_record_generator(env_id):
    ours, theirs = gym.make("zoo/" + env_id).unwrapped, gym.make(env_id).unwrapped
    assert ours._np_random is None
    ours.reset(seed=2**64 + 3)
    theirs.reset(seed=2**64 + 3)
    assert ours.np_random_seed == theirs.np_random_seed
    assert ours.np_random.bit_generator.state == theirs.np_random.bit_generator.state
    # Assigning a generator reseeds the environment, as it does gymnasium's.
    ours.np_random = np.random.default_rng(99)
    theirs.np_random = np.random.default_rng(99)
    assert_same_observation(ours.reset()[0], theirs.reset()[0])


@pytest.mark.parametrize("cls", [CartPoleEnv, MountainCarEnv, AcrobotEnv])
def test_unseeded_environments_draw_fresh_entropy(cls):
    a, b = cls(), cls()
    assert not np.array_equal(a.reset()[0], b.reset()[0])
    assert isinstance(a.np_random_seed, int)


def test_state_matches_gymnasium():
    for env_id in CLASSIC:
        ours, theirs = gym.make("zoo/" + env_id).unwrapped, gym.make(env_id).unwrapped
        assert ours.state is None
        ours.reset(seed=1)
        theirs.reset(seed=1)
        for action in [0, 1, 1]:
            ours.step(action)
            theirs.step(action)
        np.testing.assert_array_equal(ours.state, np.asarray(theirs.state, dtype=np.float64))
        # Setting the state moves the environment, as assigning gymnasium's does.
        new_state = np.asarray(theirs.state, dtype=np.float64) * 0.5
        ours.state = new_state
        theirs.state = new_state
        assert_same_step(ours.step(1), theirs.step(1))


@pytest.mark.parametrize("cls", [CartPoleEnv, MountainCarEnv, AcrobotEnv])
def test_bad_actions_raise_and_change_nothing(cls):
    env = cls()
    env.reset(seed=0)
    before = env.state_record.copy()
    n = env.action_space.n
    for bad in [n, -1, 10**20]:
        with pytest.raises(ValueError, match="action must be an integer in"):
            env.step(bad)
    for bad in [0.5, 1.0, "1", None, np.array([0.0]), np.bool_(True)]:
        with pytest.raises(TypeError, match="action must be an integer"):
            env.step(bad)
    np.testing.assert_array_equal(env.state_record, before)
    for good in [np.int64(1), np.array(1), np.array([1], dtype=np.int32), True]:
        env.step(good)


def test_misuse_raises_clearly():
    with pytest.raises(gym.error.ResetNeeded):
        CartPoleEnv().step(0)
    with pytest.raises(ValueError, match="render_mode"):
        CartPoleEnv(render_mode="ansi")
    with pytest.raises(TypeError, match="goal_velocity"):
        MountainCarEnv(goal_velocity="fast")
    with pytest.raises(ValueError, match="Lower bound"):
        AcrobotEnv().reset(options={"low": 1.0, "high": -1.0})
    with pytest.raises(gym.error.Error, match="Seed must be"):
        CartPoleEnv().reset(seed=-1)
    with pytest.raises(gym.error.Error, match="Seed must be"):
        CartPoleEnv().reset(seed=1.5)
    env = AcrobotEnv()
    env.reset(seed=0)
    with pytest.raises(ValueError, match="finite"):
        env.state = [0.0, np.inf, 0.0, 0.0]
    with pytest.raises(ValueError, match="shape"):
        env.state = [0.0, 0.0]


def test_acrobot_hand_edited_records_do_not_hang():
    # gymnasium's wrap would loop forever on an infinite angle; zoo leaves it unwrapped.
    env = AcrobotEnv()
    env.reset(seed=0)
    env._variables()[:] = [np.inf, 1e300, 0.0, 0.0]
    env.step(1)


@pytest.mark.parametrize("cls", [CartPoleEnv, MountainCarEnv, AcrobotEnv])
def test_pickle_continues_the_same_episode(cls):
    env = cls()
    env.reset(seed=8)
    for _ in range(5):
        env.step(1)
    clone = pickle.loads(pickle.dumps(env))
    for action in [0, 1, 0, 0, 1]:
        assert_same_step(clone.step(action), env.step(action))
    assert_same_observation(clone.reset()[0], env.reset()[0])


def test_native_lookup():
    found = zoo.envs.native_env("CartPole-v1")
    assert found.id == "zoo/CartPole-v1"
    assert isinstance(found.core, zoo._core.CartPole)
    assert found.max_episode_steps == 500 and found.reward_threshold == 475.0
    assert found.observation_space == gym.make("CartPole-v1").observation_space
    assert zoo.envs.native_env("zoo/Acrobot-v1").core.n_actions == 3
    assert zoo.envs.native_env("MountainCar-v0", goal_velocity=0.01).core.goal_velocity == 0.01
    assert zoo.envs.native_env("Pendulum-v1") is None
    assert zoo.envs.is_native("zoo/MountainCar-v0") and zoo.envs.is_native("Taxi-v4")
    assert not zoo.envs.is_native("CartPole-v0") and not zoo.envs.is_native(3)
    assert zoo.envs.native_id("Acrobot-v1") == "zoo/Acrobot-v1"
    assert zoo.envs.native_id("LunarLander-v3") is None


def test_native_record_helpers_follow_gymnasium_reset():
    core = zoo._core.Acrobot()
    record = native.new_state(core)
    observation = np.zeros(core.observation_size, dtype=np.float32)
    native.reset(core, record, observation, seed=4)
    assert_same_observation(observation, gym.make("Acrobot-v1").reset(seed=4)[0])
    fresh = native.new_state(core)
    native.reset(core, fresh, observation)  # never seeded: fresh entropy, not a zero generator
    assert native.is_seeded(fresh)
