"""zoo's C++ NumPy generator (SeedSequence -> PCG64 -> Generator draws) against NumPy itself."""

import numpy as np
import pytest

from zoo import _core
from zoo.envs import native

SEEDS = [
    0,
    1,
    42,
    2**31 - 1,
    2**32 - 1,
    2**32,
    2**32 + 12345,
    2**63 + 5,
    2**64 - 1,
    2**64,
    2**64 + 987654321,
    2**96 + 2**40 + 3,
    2**128 + 7,
    3**200,  # 10 words: entropy beyond the four-word pool is mixed in
    *np.random.default_rng(0).integers(0, 2**63, size=8).tolist(),
]


def numpy_generator(seed):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_words_match_numpy_entropy_split(seed):
    # SeedSequence's own coercion of an int into 32-bit words.
    expected = np.random.SeedSequence(seed).entropy
    assert sum(w << (32 * i) for i, w in enumerate(native.seed_words(seed))) == expected
    assert native.seed_words(0) == [0]


@pytest.mark.parametrize("seed", SEEDS)
def test_seeded_record_holds_numpy_pcg64_state(seed):
    record = np.zeros(native.RNG_WORDS, dtype=np.uint64)
    _core.env_seed(record, native.seed_words(seed))
    assert native.generator_of(record).bit_generator.state == numpy_generator(seed).bit_generator.state


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "method, low, high",
    [
        ("random", 0.0, 1.0),
        ("uniform", -0.05, 0.05),
        ("uniform", -0.6, -0.4),
        ("uniform", -1e6, 3.5),
        ("integers", 0, 2),
        ("integers", 0, 3),
        ("integers", -5, 7),
        ("integers", 0, 2**31 + 3),  # rejections are frequent near 2^32
        ("integers", 10, 10 + 2**32),  # the full 32-bit range: no rejection step
    ],
)
def test_draws_match_numpy(seed, method, low, high):
    ours = _core._numpy_random_draws(native.seed_words(seed), method, 200, low, high)
    rng = numpy_generator(seed)
    if method == "random":
        theirs = rng.random(200)
    elif method == "uniform":
        theirs = rng.uniform(low, high, 200)
    else:
        theirs = rng.integers(low, high, 200)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_draws_match_numpy_one_at_a_time():
    # A scalar draw (size=None) takes the same path as a batch; the env kernels draw this way.
    for seed in SEEDS[:6]:
        rng = numpy_generator(seed)
        theirs = [rng.integers(0, 6) for _ in range(50)]
        np.testing.assert_array_equal(_core._numpy_random_draws(native.seed_words(seed), "integers", 50, 0, 6), theirs)


def test_environment_reset_draws_the_start_state_from_the_seeded_generator():
    # CartPole's start state is uniform(-0.05, 0.05, size=4) in float64, kept whole in the record.
    env = _core.CartPole()
    record = np.zeros(env.state_bytes // 8, dtype=np.uint64)
    observation = np.zeros(4, dtype=np.float32)
    for seed in SEEDS:
        _core.env_seed(record, native.seed_words(seed))
        _core.env_reset(env, record, observation)
        expected = numpy_generator(seed).uniform(-0.05, 0.05, size=4)
        np.testing.assert_array_equal(record[native.RNG_WORDS : native.RNG_WORDS + 4].view(np.float64), expected)
        np.testing.assert_array_equal(observation, expected.astype(np.float32))


def test_generator_round_trips_through_the_record():
    rng = numpy_generator(7)
    rng.integers(0, 5)  # leaves half of a 64-bit draw buffered
    record = np.zeros(native.RNG_WORDS, dtype=np.uint64)
    native.store_generator(record, rng)
    assert native.generator_of(record).bit_generator.state == rng.bit_generator.state
    with pytest.raises(TypeError, match="PCG64"):
        native.store_generator(record, np.random.Generator(np.random.MT19937(0)))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="method"):
        _core._numpy_random_draws([1], "normal", 3)
    with pytest.raises(ValueError, match="entropy"):
        _core._numpy_random_draws([], "random", 3)
    with pytest.raises(ValueError, match="state"):
        _core.env_seed(np.zeros(2, dtype=np.uint64), [1])
