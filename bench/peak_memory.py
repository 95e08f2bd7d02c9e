"""Peak memory of each estimator's fit against the size of its input.

Run from the repository root: ``python bench/peak_memory.py`` (``--only
KMeans`` for some cases, ``--scale 0.1`` for a quick look). Each case runs in
a fresh interpreter: it builds the data, reads the process's resident memory,
resets the kernel's high-water mark (``/proc/self/clear_refs``), fits, and
reads the high-water mark again (samplers: ``fit_resample``, their only work). The difference is what the fit needed on top
of the data it was given (Linux only).

The table goes to standard output in Markdown; bench/RESULTS.md keeps the
latest one. Reinforcement learners take an environment, not an array, and
are not listed: their memory is the replay buffer or rollout their
parameters ask for.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

# name -> (rows, columns, data kind, constructor keyword arguments, why the
# fit may need more than twice its input, or "").
CASES = {
    "LinearRegression": (400_000, 50, "regression", {}, ""),
    "Ridge": (400_000, 50, "regression", {}, ""),
    "Lasso": (400_000, 50, "regression", {}, ""),
    "ElasticNet": (400_000, 50, "regression", {}, ""),
    "SGDRegressor": (400_000, 50, "regression", {"epochs": 3}, ""),
    "LogisticRegression": (400_000, 50, "classification", {}, ""),
    "SGDClassifier": (400_000, 50, "classification", {"epochs": 3}, ""),
    "LinearSVC": (400_000, 50, "classification", {}, ""),
    "SVC": (20_000, 50, "classification", {},
            "the kernel cache (cache_size MB) is sized by its parameter, not by the input"),
    "DecisionTreeClassifier": (400_000, 50, "classification", {"max_depth": 12}, ""),
    "DecisionTreeRegressor": (400_000, 50, "regression", {"max_depth": 12}, ""),
    "MLPClassifier": (400_000, 50, "classification", {"epochs": 2}, ""),
    "MLPRegressor": (400_000, 50, "regression", {"epochs": 2}, ""),
    "MLP": (400_000, 50, "regression", {"epochs": 2}, ""),
    "KMeans": (400_000, 50, "plain", {"n_clusters": 8, "n_init": 1}, ""),
    "MiniBatchKMeans": (400_000, 50, "plain", {"n_clusters": 8}, ""),
    "DBSCAN": (50_000, 10, "plain", {"eps": 0.5},
               "the neighbourhoods it finds: each point's neighbour list, which grows with eps and density"),
    "PCA": (400_000, 50, "plain", {"n_components": 10}, ""),
    "IncrementalPCA": (400_000, 50, "plain", {"n_components": 10}, ""),
    "Autoencoder": (400_000, 50, "unit", {"epochs": 2}, ""),
    "StandardScaler": (400_000, 50, "plain", {}, ""),
    "MinMaxScaler": (400_000, 50, "plain", {}, ""),
    "RandomOverSampler": (400_000, 50, "imbalanced", {},
                          "its output: the resampled copy of X, larger than X by design"),
    "RandomUnderSampler": (400_000, 50, "imbalanced", {}, ""),
    "SMOTE": (400_000, 50, "imbalanced", {},
              "its output: X with the synthetic rows, larger than X by design"),
    "OneHotEncoder": (400_000, 10, "categories", {}, ""),
    "LabelEncoder": (4_000_000, 1, "labels", {}, ""),
}

_CHILD = r"""
import json, sys
import numpy as np
import zoo
from zoo._registry import registered_estimator

name, rows, cols, kind, params = json.loads(sys.argv[1])

def kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field + " not in /proc/self/status")

rng = np.random.default_rng(0)
X = rng.standard_normal((rows, cols))
y = None
if kind == "regression":
    y = X[:, :5].sum(axis=1) + 0.1 * rng.standard_normal(rows)
elif kind == "classification":
    y = (X[:, 0] + 0.5 * rng.standard_normal(rows) > 0).astype(np.int64)
elif kind == "imbalanced":
    y = (rng.random(rows) < 0.1).astype(np.int64)
elif kind == "unit":
    X = 1.0 / (1.0 + np.exp(-X))
elif kind == "categories":
    X = rng.integers(0, 20, size=(rows, cols)).astype(np.float64)
elif kind == "labels":
    X = rng.integers(0, 1000, size=rows).astype(np.int64)
estimator = registered_estimator(name)(**params)
input_bytes = X.nbytes + (y.nbytes if y is not None else 0)
before = kib("VmRSS")
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # reset VmHWM to the current resident size
if kind == "labels":
    estimator.fit(X)
elif kind == "imbalanced":
    estimator.fit_resample(X, y)  # a sampler's fit alone does nothing worth measuring
elif y is not None:
    estimator.fit(X, y)
else:
    estimator.fit(X)
extra = (kib("VmHWM") - before) * 1024
print(json.dumps({"input_bytes": input_bytes, "extra_bytes": extra}))
"""


def measure(name: str, scale: float) -> dict:
    rows, cols, kind, params, _ = CASES[name]
    rows = max(100, int(rows * scale))
    spec = json.dumps([name, rows, cols, kind, params])
    done = subprocess.run([sys.executable, "-c", _CHILD, spec], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{name}: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"rows": rows, "cols": cols, **result}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="an estimator name (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every case's rows by this")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        parser.error("peak memory is read from /proc, which only Linux has")
    names = args.only or list(CASES)
    print(f"`python bench/peak_memory.py` on {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}\n")
    print("| estimator | input (rows x cols) | input MB | fit's extra peak MB | extra / input | why more than 2x |")
    print("|---|--:|--:|--:|--:|---|")
    for name in names:
        m = measure(name, args.scale)
        ratio = m["extra_bytes"] / m["input_bytes"]
        print(f"| {name} | {m['rows']:,} x {m['cols']} | {m['input_bytes'] / 2**20:.0f} | "
              f"{m['extra_bytes'] / 2**20:.0f} | {ratio:.2f} | {CASES[name][4]} |", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
