"""Ctrl-C stops a long C++ fit promptly and leaves the estimator as it was.

The trees used to build the whole tree with the GIL released and never run
Python's signal handlers, so KeyboardInterrupt arrived only after the build
(about 50 s for the cases below); randomized PCA ran all its power
iterations the same way. Each case runs in a fresh interpreter, so that a
SIGINT arriving late cannot land in the test runner itself.
"""

import json
import subprocess
import sys
import textwrap

import pytest

# Seconds between SIGINT and KeyboardInterrupt that count as prompt. The
# kernels poll every 20 ms (the trees) or every power iteration (PCA); the
# bound leaves room for a loaded machine, and the uninterrupted fits below
# take about a minute or more.
PROMPT = 5.0

_SCRIPT = textwrap.dedent(
    """
    import json, os, signal, sys, threading, time
    import numpy as np
    import zoo
    from zoo.exceptions import NotFittedError

    case = json.loads(sys.argv[1])
    rng = np.random.default_rng(0)
    small_X = rng.normal(size=(200, 20))
    # Random labels: the tree grows until its leaves are pure, about one
    # node per sample.
    X = rng.normal(size=(case["n_samples"], 20))
    y = rng.integers(0, 5, case["n_samples"])
    if case["estimator"] == "DecisionTreeRegressor":
        y = y + rng.normal(size=y.shape)
    model = getattr(zoo, case["estimator"])(random_state=0, n_jobs=2, **case["params"])
    previous = None
    if case["refit"]:
        model.fit(small_X, y[:200])
        previous = (model.predict if hasattr(model, "predict") else model.transform)(small_X).tolist()

    sent = []
    def interrupt():
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)
    timer = threading.Timer(case["delay"], interrupt)
    timer.start()
    try:
        model.fit(X, y)
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "interrupted"
    latency = time.perf_counter() - sent[0] if sent else None
    timer.cancel()
    apply = model.predict if hasattr(model, "predict") else model.transform
    try:
        state = apply(small_X).tolist() == previous
    except NotFittedError:
        state = "unfitted"
    print(json.dumps({"outcome": outcome, "latency": latency, "state": state}))
    """
)

# Delays that land in the presort (0.2 s) and in the node loop (1.5 s).
CASES = [
    dict(estimator="DecisionTreeClassifier", params={}, delay=0.2, refit=False),
    dict(estimator="DecisionTreeClassifier", params={}, delay=1.5, refit=True),
    dict(estimator="DecisionTreeClassifier", params={"splitter": "histogram"}, delay=1.5, refit=False),
    dict(estimator="DecisionTreeClassifier", params={"max_leaf_nodes": 10**6}, delay=1.5, refit=False),
    dict(estimator="DecisionTreeRegressor", params={}, delay=1.5, refit=True),
    # Randomized PCA checks between power iterations: many short ones here
    # (about a minute in all), each a few milliseconds.
    dict(estimator="PCA", params={"n_components": 5, "svd_solver": "randomized", "iterated_power": 20_000},
         delay=1.5, refit=True, n_samples=20_000),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['estimator']}-{c['params']}-{c['delay']}s")
def test_sigint_stops_a_long_fit_promptly(case):
    case = {"n_samples": 1_000_000, **case}
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(case)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["outcome"] == "interrupted"
    assert report["latency"] < PROMPT, f"KeyboardInterrupt came {report['latency']:.1f} s after SIGINT"
    # An interrupted first fit leaves the estimator unfitted; an interrupted
    # refit leaves the previous tree whole.
    assert report["state"] == (True if case["refit"] else "unfitted")
