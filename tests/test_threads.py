"""Thread-count resolution: n_jobs semantics and the process default."""

import os

import numpy as np
import pytest

from zoo import _threads
from zoo._threads import available_cores, get_num_threads, resolve_n_jobs, set_num_threads


@pytest.fixture(autouse=True)
def _restore_default():
    yield
    set_num_threads(None)


@pytest.fixture
def four_cores(monkeypatch):
    """Pretend the process may run on exactly four cores."""
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    else:
        monkeypatch.setattr(os, "cpu_count", lambda: 4)
    return 4


def test_available_cores_follows_affinity_mask():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert available_cores() == expected >= 1


def test_default_is_all_cores(four_cores):
    assert get_num_threads() == 4
    assert resolve_n_jobs(None) == 4


@pytest.mark.parametrize(
    "n_jobs, expected",
    [(1, 1), (3, 3), (16, 16), (np.int64(2), 2), (-1, 4), (-2, 3), (-4, 1), (-100, 1)],
)
def test_resolve_n_jobs(four_cores, n_jobs, expected):
    resolved = resolve_n_jobs(n_jobs)
    assert resolved == expected
    assert type(resolved) is int


@pytest.mark.parametrize("bad", [0, 1.5, "2", True, [1]])
def test_resolve_n_jobs_rejects_invalid_values(bad):
    with pytest.raises(ValueError, match="n_jobs must be a nonzero int or None"):
        resolve_n_jobs(bad)


def test_set_num_threads_changes_the_default_only(four_cores):
    set_num_threads(2)
    assert get_num_threads() == 2
    assert resolve_n_jobs(None) == 2
    # An explicit n_jobs still wins.
    assert resolve_n_jobs(3) == 3
    assert resolve_n_jobs(-1) == 4


def test_set_num_threads_negative_counts_back_from_cores(four_cores):
    set_num_threads(-2)
    assert get_num_threads() == 3


def test_set_num_threads_none_restores_all_cores(four_cores):
    set_num_threads(1)
    set_num_threads(None)
    assert get_num_threads() == 4
    assert _threads._default_n_jobs is None


@pytest.mark.parametrize("bad", [0, 2.0, "all"])
def test_set_num_threads_rejects_invalid_values(bad):
    set_num_threads(2)
    with pytest.raises(ValueError, match="n must be a nonzero int or None"):
        set_num_threads(bad)
    assert get_num_threads() == 2  # unchanged by the failed call
