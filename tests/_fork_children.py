"""Run by tests/test_fork.py in a fresh interpreter (so that no other test's
threads or libraries are in the process that forks).

``python _fork_children.py estimators TIMEOUT NAME...`` fits every named case
with n_jobs=2 (starting GNU OpenMP's thread pool), then forks one child per
case that fits it again with n_jobs=2. A child that does not finish within
TIMEOUT seconds is killed and reported as hung, so a regression fails the
test instead of hanging the suite. Afterwards the parent fits once more and
reports how many OS threads it runs, to show that it kept its pool.

``python _fork_children.py pool TIMEOUT`` does the same through a
fork-started multiprocessing.Pool.

Prints one JSON object on the last line of stdout.
"""

import json
import multiprocessing
import os
import signal
import sys
import time
import warnings

import numpy as np

import zoo
import zoo.imbalance
import zoo.preprocessing

# Large enough that every kernel below takes its parallel path at 2 threads
# (the trees split in parallel from 2**16 row-feature pairs on, the networks
# from about a million multiply-adds per batch).
_rng = np.random.default_rng(0)
X = _rng.normal(size=(3000, 30))
Y_CLASS = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)
Y_REG = X @ _rng.normal(size=30) + 0.1 * _rng.normal(size=3000)
Y_RARE = (X[:, 0] > 1.2).astype(int)

_NET = dict(epochs=2, batch_size=1024, random_state=0)

CASES = {
    "KMeans": lambda n: zoo.KMeans(3, n_init=1, random_state=0, n_jobs=n).fit(X),
    "MiniBatchKMeans": lambda n: zoo.MiniBatchKMeans(3, batch_size=1024, random_state=0, n_jobs=n).fit(X),
    "LinearRegression": lambda n: zoo.LinearRegression(n_jobs=n).fit(X, Y_REG),
    "Ridge": lambda n: zoo.Ridge(n_jobs=n).fit(X, Y_REG),
    "Lasso": lambda n: zoo.Lasso(alpha=0.01, n_jobs=n).fit(X, Y_REG),
    "ElasticNet": lambda n: zoo.ElasticNet(alpha=0.01, n_jobs=n).fit(X, Y_REG),
    "LogisticRegression": lambda n: zoo.LogisticRegression(n_jobs=n).fit(X, Y_CLASS),
    "LinearSVC": lambda n: zoo.LinearSVC(random_state=0, n_jobs=n).fit(X, Y_CLASS),
    "SVC": lambda n: zoo.SVC(n_jobs=n).fit(X[:600], Y_CLASS[:600]),
    "DecisionTreeClassifier": lambda n: zoo.DecisionTreeClassifier(max_depth=8, random_state=0, n_jobs=n).fit(
        X, Y_CLASS
    ),
    "DecisionTreeRegressor": lambda n: zoo.DecisionTreeRegressor(max_depth=8, random_state=0, n_jobs=n).fit(
        X, Y_REG
    ),
    "DBSCAN": lambda n: zoo.DBSCAN(eps=3.0, n_jobs=n).fit(X),
    "PCA": lambda n: zoo.PCA(5, n_jobs=n).fit(X),
    "IncrementalPCA": lambda n: zoo.IncrementalPCA(5, batch_size=1000, n_jobs=n).fit(X),
    "StandardScaler": lambda n: zoo.preprocessing.StandardScaler(n_jobs=n).fit_transform(X),
    "MinMaxScaler": lambda n: zoo.preprocessing.MinMaxScaler(n_jobs=n).fit_transform(X),
    "MaxAbsScaler": lambda n: zoo.preprocessing.MaxAbsScaler(n_jobs=n).fit_transform(X),
    "SMOTE": lambda n: zoo.imbalance.SMOTE(random_state=0, n_jobs=n).fit_resample(X, Y_RARE),
    "MLPClassifier": lambda n: zoo.MLPClassifier((64,), n_jobs=n, **_NET).fit(X, Y_CLASS),
    "MLPRegressor": lambda n: zoo.MLPRegressor((64,), n_jobs=n, **_NET).fit(X, Y_REG),
    "Autoencoder": lambda n: zoo.Autoencoder(encoder_layer_sizes=(64, 8), n_jobs=n, **_NET).fit(X),
    "SGDRegressor": lambda n: zoo.SGDRegressor(n_jobs=n, **_NET).fit(X, Y_REG),
    "REINFORCE": lambda n: zoo.REINFORCE((64,), random_state=0, n_jobs=n).fit("CartPole-v1", 2000),
}


def _os_threads():
    return len(os.listdir("/proc/self/task"))


def _in_child(name):
    """The child's report: did the fit return, with which thread count, and
    which warnings (a second fit must not warn again)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CASES[name](2)
        CASES[name](2)
    return {
        "ok": True,
        "resolved": zoo._threads.resolve_n_jobs(2),
        "os_threads": _os_threads(),
        "warnings": [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)],
    }


def _fork_and_wait(work, timeout):
    """Runs work() in a forked child; its JSON report, or hung/failed."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 1
        try:
            os.write(write_end, json.dumps(work()).encode()[:60000])
            code = 0
        except BaseException as error:  # report anything, never return into the caller's code
            os.write(write_end, json.dumps({"ok": False, "error": repr(error)[:2000]}).encode())
        finally:
            os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + timeout
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            return {"ok": False, "hung": True}
        time.sleep(0.02)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    return json.loads(data) if data else {"ok": False, "error": "the child died without a report"}


def estimators(timeout, names):
    for name in names:
        CASES[name](2)
    report = {"cases": {name: _fork_and_wait(lambda: _in_child(name), timeout) for name in names}}
    # The parent kept its pool: it still resolves and runs 2 threads.
    CASES[names[0]](2)
    report["parent"] = {"resolved": zoo._threads.resolve_n_jobs(2), "os_threads": _os_threads()}
    return report


def _pool_task(seed):
    model = zoo.KMeans(3, n_init=1, random_state=seed, n_jobs=2).fit(X)
    return float(model.inertia_)


def pool(timeout):
    CASES["KMeans"](2)
    CASES["DecisionTreeClassifier"](2)
    context = multiprocessing.get_context("fork")
    workers = context.Pool(2)
    try:
        inertias = workers.map_async(_pool_task, range(4)).get(timeout)
    except multiprocessing.TimeoutError:
        return {"ok": False, "hung": True}
    finally:
        workers.terminate()
        workers.join()
    expected = [_pool_task(seed) for seed in range(4)]
    return {"ok": True, "inertias": inertias, "expected": expected}


if __name__ == "__main__":
    mode, limit = sys.argv[1], float(sys.argv[2])
    result = estimators(limit, sys.argv[3:]) if mode == "estimators" else pool(limit)
    print(json.dumps(result))
