"""zoo's one rule for thread teams (cpp/include/zoo/parallel.hpp): work too
small to pay for waking a thread runs on the calling thread, and no team is
larger than its work pays for, than n_jobs allows, or than it has chunks."""

import numpy as np
import pytest

import zoo
from zoo import _core

UNIT = _core.min_work_per_thread()


def test_the_unit_is_a_fraction_of_a_millisecond_of_work():
    assert 1 << 16 <= UNIT <= 1 << 22


@pytest.mark.parametrize(("work", "n_threads", "expected"), [
    (0, 8, 1),
    (1, 8, 1),
    (2 * UNIT - 1, 8, 1),  # under two threads' worth: the calling thread alone
    (2 * UNIT, 8, 2),
    (5 * UNIT + 7, 8, 5),
    (10**15, 8, 8),  # as much as n_jobs allows, never more
    (10**15, 1, 1),
])
def test_team_size_follows_the_work(work, n_threads, expected):
    assert _core.team_size(work, n_threads) == expected


def test_team_size_refuses_a_count_below_one():
    with pytest.raises(ValueError, match="n_threads must be >= 1"):
        _core.team_size(10**12, 0)


@pytest.mark.parametrize(("n_chunks", "n_threads", "expected"), [(1, 2, 1), (0, 2, 1), (64, 2, 2), (64, 1, 1)])
def test_parallel_chunks_never_starts_more_threads_than_it_has_chunks(n_chunks, n_threads, expected):
    if expected > zoo.get_num_threads():
        pytest.skip("needs two cores")
    assert _core._threads_in_parallel_chunks(n_chunks, n_threads) == (expected if n_chunks else 0)


def test_small_fits_give_the_same_model_whatever_n_jobs():
    # 150 x 4 points: every pass is far below one thread's worth of work, so
    # n_jobs=2 runs the same single-threaded arithmetic as n_jobs=1.
    X = np.random.default_rng(0).normal(size=(150, 4))
    fits = [zoo.KMeans(3, random_state=0, n_jobs=n_jobs).fit(X) for n_jobs in (1, 2)]
    np.testing.assert_array_equal(fits[0].cluster_centers_, fits[1].cluster_centers_)
    np.testing.assert_array_equal(fits[0].labels_, fits[1].labels_)
