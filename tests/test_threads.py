"""Thread-count resolution: n_jobs semantics and the process default."""

import os
import subprocess
import sys
import textwrap

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
    [(1, 1), (3, 3), (4, 4), (np.int64(2), 2), (-1, 4), (-2, 3), (-4, 1), (-100, 1)],
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


# More threads than cores are clamped to the cores: the OpenMP runtime would
# otherwise try to create them all (a stack each) and end the process.
@pytest.mark.parametrize("huge", [5, 16, 10**9, 2**31, 2**63, 10**30, np.int64(2**62), np.uint64(2**64 - 1)])
def test_counts_above_the_cores_are_clamped(four_cores, huge):
    assert resolve_n_jobs(huge) == 4
    set_num_threads(huge)
    assert get_num_threads() == 4
    assert resolve_n_jobs(None) == 4


@pytest.mark.parametrize("very_negative", [-(2**31), -(2**63), -(10**30)])
def test_very_negative_counts_mean_one_thread(four_cores, very_negative):
    assert resolve_n_jobs(very_negative) == 1
    set_num_threads(very_negative)
    assert get_num_threads() == 1


def _run_isolated(code):
    """Runs code in a fresh interpreter: before the clamp, a huge thread
    count ended the process from inside the OpenMP runtime."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )


def test_huge_n_jobs_fits_predicts_and_loads_without_killing_the_process(tmp_path):
    result = _run_isolated(
        f"""
        import numpy as np
        import zoo
        X = np.random.default_rng(0).normal(size=(300, 4))
        reference = zoo.KMeans(3, random_state=0, n_jobs=-1).fit(X)
        model = zoo.KMeans(3, random_state=0, n_jobs=10**9).fit(X)
        assert np.array_equal(model.cluster_centers_, reference.cluster_centers_)
        model.set_params(n_jobs=2**63)
        assert np.array_equal(model.predict(X), reference.predict(X))
        model.set_params(n_jobs=1_000_000_000)
        model.save({str(tmp_path / "model.npz")!r})
        loaded = zoo.load({str(tmp_path / "model.npz")!r})
        assert loaded.get_params()["n_jobs"] == 1_000_000_000
        assert np.array_equal(loaded.predict(X), reference.predict(X))
        zoo.set_num_threads(10**9)
        assert zoo.get_num_threads() == zoo._threads.available_cores()
        zoo.DecisionTreeClassifier(random_state=0).fit(X, reference.labels_)
        zoo.preprocessing.StandardScaler().fit_transform(X)
        print("done")
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "done"
