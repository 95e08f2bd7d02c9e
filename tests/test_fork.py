"""A process forked after zoo ran OpenMP threads keeps working.

GNU OpenMP's worker threads do not survive fork(); before zoo ran such a
child single-threaded, its next parallel region waited for them forever.
The scenarios run in a fresh interpreter (tests/_fork_children.py) whose
children are killed after CHILD_TIMEOUT seconds, so a regression fails here
instead of hanging the suite.
"""

import json
import os
import subprocess
import sys

import pytest

from _fork_children import CASES
from zoo._threads import available_cores

SCRIPT = os.path.join(os.path.dirname(__file__), "_fork_children.py")
CHILD_TIMEOUT = 60


def _run(*args):
    result = subprocess.run(
        [sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=CHILD_TIMEOUT * (len(CASES) + 2)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def fork_report():
    return _run("estimators", str(CHILD_TIMEOUT), *CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_forked_child_fits_single_threaded_and_warns_once(fork_report, name):
    child = fork_report["cases"][name]
    assert not child.get("hung"), f"{name}: the forked child's fit did not return within {CHILD_TIMEOUT} s"
    assert child["ok"], child.get("error")
    assert child["resolved"] == 1
    # Two fits in the child, one warning, which says what to do instead (on
    # one core the parent never started threads: nothing to warn about).
    expected = 1 if available_cores() >= 2 else 0
    assert len(child["warnings"]) == expected, child["warnings"]
    assert all("forked" in w and "'spawn'" in w for w in child["warnings"])


def test_parent_keeps_its_threads_after_forking(fork_report):
    parent = fork_report["parent"]
    assert parent["resolved"] == min(2, available_cores())
    # Its OpenMP (and BLAS) workers are still alive beside the main thread.
    assert parent["os_threads"] >= parent["resolved"]


def test_fork_started_multiprocessing_pool_completes():
    report = _run("pool", str(CHILD_TIMEOUT))
    assert not report.get("hung"), f"the fork-started Pool did not finish within {CHILD_TIMEOUT} s"
    # Single-threaded workers compute what the threaded parent does.
    assert report["inertias"] == pytest.approx(report["expected"], rel=1e-9)
