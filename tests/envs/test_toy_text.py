"""zoo's toy-text environments step for step against gymnasium's own classes."""

import copy
import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.envs.toy_text import cliffwalking as gym_cliffwalking
from gymnasium.envs.toy_text import frozen_lake as gym_frozen_lake
from gymnasium.envs.toy_text import taxi as gym_taxi
from gymnasium.utils.env_checker import check_env
from gymnasium.wrappers import TimeLimit

from zoo.envs import toy_text
from zoo.envs.toy_text import CliffWalkingEnv, FrozenLakeEnv, TaxiEnv, generate_random_map

# A map that is not square, starts on one of three S tiles (so reset draws
# among them) and has its goal away from the corner.
CUSTOM_MAP = ["SFFHF", "FHSFF", "FFFHS", "HFGFF"]
RANDOM_MAP = generate_random_map(size=6, p=0.7, seed=11)

CASES = [
    # (id, zoo class, gymnasium class, kwargs, registered max_episode_steps)
    ("lake4x4", FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"map_name": "4x4"}, 100),
    ("lake4x4-dry", FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"map_name": "4x4", "is_slippery": False}, 100),
    ("lake8x8", FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"map_name": "8x8"}, 200),
    ("lake8x8-dry", FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"map_name": "8x8", "is_slippery": False}, 200),
    ("lake-custom", FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"desc": CUSTOM_MAP}, 100),
    (
        "lake-rates",
        FrozenLakeEnv,
        gym_frozen_lake.FrozenLakeEnv,
        {"map_name": "8x8", "success_rate": 0.7, "reward_schedule": (2.5, -1, -0.01)},
        200,
    ),
    ("lake-random", FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"desc": RANDOM_MAP}, 100),
    ("taxi", TaxiEnv, gym_taxi.TaxiEnv, {}, 200),
    ("taxi-rainy", TaxiEnv, gym_taxi.TaxiEnv, {"is_rainy": True}, 200),
    ("taxi-fickle", TaxiEnv, gym_taxi.TaxiEnv, {"fickle_passenger": True, "fickle_probability": 0.9}, 200),
    (
        "taxi-both",
        TaxiEnv,
        gym_taxi.TaxiEnv,
        {"is_rainy": True, "fickle_passenger": True, "rainy_probability": 0.6, "fickle_probability": 0.5},
        200,
    ),
    ("cliff", CliffWalkingEnv, gym_cliffwalking.CliffWalkingEnv, {}, 300),
    ("cliff-slippery", CliffWalkingEnv, gym_cliffwalking.CliffWalkingEnv, {"is_slippery": True}, 300),
]
IDS = [case[0] for case in CASES]


def assert_same_info(ours, theirs):
    assert ours.keys() == theirs.keys()
    assert ours["prob"] == theirs["prob"]
    if "action_mask" in theirs:
        assert ours["action_mask"].dtype == theirs["action_mask"].dtype
        np.testing.assert_array_equal(ours["action_mask"], theirs["action_mask"])


def assert_same_reset(ours, theirs):
    assert type(ours[0]) is type(theirs[0]) is int
    assert ours[0] == theirs[0]
    assert_same_info(ours[1], theirs[1])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_gymnasium_step_for_step(case):
    _, ours_cls, theirs_cls, kwargs, max_steps = case
    ours = TimeLimit(ours_cls(**kwargs), max_episode_steps=max_steps)
    theirs = TimeLimit(theirs_cls(**kwargs), max_episode_steps=max_steps)
    driver = np.random.default_rng(2024)
    n_actions = theirs.action_space.n

    assert ours.observation_space == theirs.observation_space
    assert ours.action_space == theirs.action_space
    assert_same_reset(ours.reset(seed=3), theirs.reset(seed=3))
    n_episodes = n_truncated = 0
    for _ in range(4000):
        action = int(driver.integers(n_actions))
        mine, gyms = ours.step(action), theirs.step(action)
        assert type(mine[0]) is int and mine[0] == gyms[0]
        assert mine[1] == gyms[1]
        assert mine[2] is gyms[2] and mine[3] is gyms[3]
        assert_same_info(mine[4], gyms[4])
        if mine[2] or mine[3] or driver.random() < 0.01:
            n_episodes += 1
            n_truncated += mine[3]
            # Mostly carry the generator over; sometimes reseed, with seeds
            # of one, two and three 32-bit words.
            if driver.random() < 0.3:
                seed = int(driver.choice([0, 7, 2**32 + 5, 2**70 + 123]))
                assert_same_reset(ours.reset(seed=seed), theirs.reset(seed=seed))
            else:
                assert_same_reset(ours.reset(), theirs.reset())
    assert n_episodes > 20
    assert ours.unwrapped.np_random.bit_generator.state == theirs.unwrapped.np_random.bit_generator.state


def test_every_option_path_was_exercised():
    """The lockstep runs above reach the rare branches: a fickle passenger's change of mind."""
    ours = TaxiEnv(fickle_passenger=True, fickle_probability=1.0)
    driver = np.random.default_rng(0)
    ours.reset(seed=1)
    changes = 0
    for _ in range(3000):
        before = ours.decode(ours.s)
        obs, _, terminated, _, _ = ours.step(int(driver.integers(6)))
        changes += ours.decode(obs)[3] != before[3]
        if terminated:
            ours.reset()
    assert changes > 0


def test_random_map_generator_matches_gymnasium():
    for size, p, seed in [(8, 0.8, 0), (4, 0.5, 1), (6, 0.7, 11), (12, 0.9, 2**40), (5, 1.3, 3)]:
        assert generate_random_map(size, p, seed) == gym_frozen_lake.generate_random_map(size, p, seed)


def test_unnamed_map_is_a_fresh_random_8x8():
    env = FrozenLakeEnv(desc=None, map_name=None)
    rows = [b"".join(row).decode() for row in env.desc]
    assert len(rows) == 8 and all(len(row) == 8 for row in rows)
    assert rows[0][0] == "S" and rows[-1][-1] == "G"
    assert set("".join(rows)) <= set("SFHG")
    assert env.observation_space == gym.spaces.Discrete(64)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_transition_model_matches_gymnasium(case):
    _, ours_cls, theirs_cls, kwargs, _ = case
    ours, theirs = ours_cls(**kwargs).P, theirs_cls(**kwargs).P
    assert ours.keys() == theirs.keys()
    for s in theirs:
        assert ours[s].keys() == theirs[s].keys()
        for a in theirs[s]:
            assert [tuple(t) for t in ours[s][a]] == [tuple(t) for t in theirs[s][a]]


def generator_drawing_just_below_one():
    """A PCG64 whose next random() is 1 - 2**-53, the largest double below 1.

    The state is solved backwards from PCG64's step (state * multiplier + inc,
    mod 2**128) so that the next state's halves XOR to all ones, which the
    output rotation leaves all ones whatever it is.
    """
    multiplier = (2549297995355413924 << 64) | 4865540595714422341
    inc = (12345 << 1) | 1
    target = ((1 << 64) - 1) << 64
    state = (target - inc) * pow(multiplier, -1, 1 << 128) % (1 << 128)
    bit_generator = np.random.PCG64()
    bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": state, "inc": inc},
        "has_uint32": 0,
        "uinteger": 0,
    }
    return np.random.Generator(bit_generator)


@pytest.mark.parametrize(
    ("ours_cls", "theirs_cls", "kwargs", "state", "action"),
    [
        (FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"success_rate": 0.175}, 0, 1),
        (TaxiEnv, gym_taxi.TaxiEnv, {"is_rainy": True, "rainy_probability": 0.175}, TaxiEnv.encode(2, 1, 1, 0), 0),
    ],
    ids=["lake", "taxi"],
)
def test_draw_above_a_total_short_of_one_picks_the_first_outcome(ours_cls, theirs_cls, kwargs, state, action):
    # With these probabilities the float64 running sums end just below 1, so
    # a draw above them matches none: argmax of all-False is 0, and gymnasium
    # takes the first outcome in its list.
    assert generator_drawing_just_below_one().random() == 1 - 2**-53
    ours, theirs = ours_cls(**kwargs), theirs_cls(**kwargs)
    ours.reset(seed=0)
    theirs.reset(seed=0)
    ours.s = theirs.s = state
    outcomes = theirs.P[state][action]
    assert np.cumsum([o[0] for o in outcomes])[-1] <= 1 - 2**-53
    assert len({o[1] for o in outcomes}) == 3
    ours.np_random = generator_drawing_just_below_one()
    theirs.np_random = generator_drawing_just_below_one()
    mine, gyms = ours.step(action), theirs.step(action)
    assert (gyms[0], gyms[4]["prob"]) == (outcomes[0][1], outcomes[0][0])
    assert mine[:4] == gyms[:4]
    assert mine[4]["prob"] == gyms[4]["prob"]


@pytest.mark.parametrize("cls", [FrozenLakeEnv, TaxiEnv, CliffWalkingEnv])
def test_passes_gymnasium_env_checker(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the checker's note that it cannot try other render modes without a spec
        check_env(cls().unwrapped)


def test_setting_the_state_is_honoured():
    ours, theirs = TaxiEnv(is_rainy=True), gym_taxi.TaxiEnv(is_rainy=True)
    ours.reset(seed=5)
    theirs.reset(seed=5)
    ours.s = theirs.s = 328
    for action in [0, 1, 2, 3, 4, 5, 0, 2]:
        mine, gyms = ours.step(action), theirs.step(action)
        assert mine[:4] == gyms[:4]


def test_unseeded_resets_draw_fresh_entropy():
    first, second = TaxiEnv(), TaxiEnv()
    first.reset()
    second.reset()
    assert first.np_random.bit_generator.state != second.np_random.bit_generator.state
    assert first.np_random_seed != second.np_random_seed


def test_assigned_generator_drives_the_kernel():
    ours, theirs = CliffWalkingEnv(is_slippery=True), gym_cliffwalking.CliffWalkingEnv(is_slippery=True)
    ours.np_random = np.random.default_rng(99)
    theirs.np_random = np.random.default_rng(99)
    assert ours.np_random_seed == theirs.np_random_seed == -1
    assert ours.reset()[0] == theirs.reset()[0]
    for action in [1, 1, 2, 0, 3, 2, 2]:
        assert ours.step(action)[:4] == theirs.step(action)[:4]
    with pytest.raises(TypeError, match="PCG64"):
        ours.np_random = np.random.Generator(np.random.MT19937(1))


@pytest.mark.parametrize(
    "clone", [lambda env: pickle.loads(pickle.dumps(env)), copy.deepcopy], ids=["pickle", "deepcopy"]
)
def test_copies_continue_the_same_trajectory(clone):
    env = FrozenLakeEnv(desc=CUSTOM_MAP, success_rate=0.5)
    env.reset(seed=8)
    env.step(1)
    twin = clone(env)
    for action in [2, 2, 1, 0, 3, 1, 2, 2]:
        assert env.step(action) == twin.step(action)


@pytest.mark.parametrize("cls", [FrozenLakeEnv, TaxiEnv, CliffWalkingEnv])
def test_bad_actions_raise(cls):
    env = cls()
    env.reset(seed=0)
    n = env.action_space.n
    for action in [-1, n, 10**20]:
        with pytest.raises(ValueError, match=r"action must be an integer in \[0, "):
            env.step(action)
    for action in [1.5, "left", None, np.array([0, 1])]:
        with pytest.raises(TypeError, match="action must be an integer"):
            env.step(action)
    env.step(np.int64(n - 1))
    env.step(np.array([0]))


def test_step_before_reset_raises():
    with pytest.raises(gym.error.ResetNeeded):
        TaxiEnv().step(0)


@pytest.mark.parametrize(
    ("desc", "message"),
    [
        (["SFF", "FG"], "not rectangular"),
        (["FFF", "FFG"], "no start tile"),
        (["SFF", "FFH"], "no goal tile"),
        (["SFX", "FFG"], "unknown FrozenLake tile 'X'"),
        ([], "empty"),
        ("SFFG", "list of rows"),
    ],
)
def test_bad_maps_raise(desc, message):
    with pytest.raises(ValueError, match=message):
        FrozenLakeEnv(desc=desc)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="map_name"):
        FrozenLakeEnv(map_name="5x5")
    with pytest.raises(ValueError, match="success_rate"):
        FrozenLakeEnv(success_rate=1.5)
    with pytest.raises(ValueError, match="reward_schedule"):
        FrozenLakeEnv(reward_schedule=(1, 0))
    with pytest.raises(ValueError, match="rainy_probability"):
        TaxiEnv(is_rainy=True, rainy_probability=-0.1)
    with pytest.raises(ValueError, match="fickle_probability"):
        TaxiEnv(fickle_probability=float("nan"))
    with pytest.raises(ValueError, match="render_mode"):
        CliffWalkingEnv(render_mode="human")
    with pytest.raises(gym.error.Error, match="Seed must be"):
        CliffWalkingEnv().reset(seed=-1)


@pytest.mark.parametrize(
    ("ours_cls", "theirs_cls", "kwargs"),
    [
        (FrozenLakeEnv, gym_frozen_lake.FrozenLakeEnv, {"map_name": "8x8"}),
        (TaxiEnv, gym_taxi.TaxiEnv, {}),
        (CliffWalkingEnv, gym_cliffwalking.CliffWalkingEnv, {}),
    ],
)
def test_ansi_rendering_matches_gymnasium(ours_cls, theirs_cls, kwargs):
    ours, theirs = ours_cls(render_mode="ansi", **kwargs), theirs_cls(render_mode="ansi", **kwargs)
    ours.reset(seed=4)
    theirs.reset(seed=4)
    assert ours.render() == theirs.render()
    for action in [1, 2, 2, 1, 3]:
        ours.step(action)
        theirs.step(action)
        assert ours.render() == theirs.render()


@pytest.mark.parametrize(
    ("env_id", "cls"),
    [
        ("FrozenLake-v1", FrozenLakeEnv),
        ("FrozenLake8x8-v1", FrozenLakeEnv),
        ("Taxi-v4", TaxiEnv),
        ("CliffWalking-v1", CliffWalkingEnv),
        ("CliffWalkingSlippery-v1", CliffWalkingEnv),
    ],
)
def test_registered_ids_match_gymnasium_make(env_id, cls):
    import zoo.envs  # noqa: F401  (registers the zoo/ ids)

    ours, theirs = gym.make("zoo/" + env_id), gym.make(env_id)
    assert isinstance(ours.unwrapped, cls)
    assert ours.spec.max_episode_steps == theirs.spec.max_episode_steps
    assert ours.spec.kwargs == theirs.spec.kwargs
    driver = np.random.default_rng(5)
    assert_same_reset(ours.reset(seed=21), theirs.reset(seed=21))
    for _ in range(600):
        action = int(driver.integers(theirs.action_space.n))
        mine, gyms = ours.step(action), theirs.step(action)
        assert mine[:4] == gyms[:4]
        assert_same_info(mine[4], gyms[4])
        if mine[2] or mine[3]:
            assert_same_reset(ours.reset(), theirs.reset())


def test_module_names():
    assert set(toy_text.__all__) >= {"FrozenLakeEnv", "TaxiEnv", "CliffWalkingEnv", "generate_random_map"}
