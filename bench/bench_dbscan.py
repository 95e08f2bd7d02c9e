"""DBSCAN: zoo.DBSCAN against scikit-learn, mlpack, scikit-learn-intelex
(oneDAL) and the ``dbscan`` package (Wang, Gu & Shun's parallel DBSCAN)
on Gaussian blobs.

Data: make_blobs from zoo.datasets, 20 centres drawn uniformly in the box
(-10, 10) per axis, cluster_std=0.5, seed 0 (DATA_SEED). Every library gets
the same float64 array, eps and min_samples (scikit-learn's min_samples
counts the point itself, as zoo's, scikit-learn-intelex's and the dbscan
package's do; mlpack's min_size is its own minimum cluster size). DBSCAN is
deterministic, so the seed the harness passes is unused.

Quality: zoo's clustering is computed once, untimed, as the reference; each
library's result is scored against it: "core_equal" is 1 when the set of
core points is identical, "ari_core" the adjusted Rand index of the labels
over the reference core points (1: the same clusters; border points may go
to either neighbouring cluster), "labels_equal" 1 when every label is
identical (zoo numbers clusters as scikit-learn does). mlpack reports no core
points, so only its cluster count and ari_core are shown.

Peak memory (the 1,000,000-point case): `python -m bench.bench_dbscan
--memory` fits each library in a fresh subprocess and reports its time and
peak resident memory; scikit-learn keeps every neighbourhood (about 500
neighbours a point there, roughly 4 GiB of index arrays), zoo's memory is
linear in n.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.datasets import make_blobs
from zoo.metrics import adjusted_rand_score
from zoo.unsupervised.dbscan import DBSCAN

from .harness import Case, installed, optional_module
from .peers import HAVE_DBSCAN, dbscan_function, sklearnex_class, sklearnex_threads

sklearn_cluster = optional_module("sklearn.cluster")
mlpack = optional_module("mlpack")
LIBRARIES = {"scikit-learn": sklearn_cluster, "mlpack": mlpack}

DATA_SEED = 0
N_CENTERS = 20
CLUSTER_STD = 0.5


@dataclass(frozen=True)
class Problem:
    X: np.ndarray
    eps: float
    min_samples: int
    reference_core: np.ndarray  # bool mask, zoo's core points
    reference_labels: np.ndarray


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray
    core: np.ndarray | None  # bool mask; None where the library does not report it


def blobs(n_samples: int, n_features: int) -> np.ndarray:
    X, _ = make_blobs(
        n_samples, n_features, centers=N_CENTERS, cluster_std=CLUSTER_STD, center_box=(-10.0, 10.0),
        random_state=DATA_SEED,
    )
    return np.ascontiguousarray(X, dtype=np.float64)


def make_problem(X: np.ndarray, eps: float, min_samples: int) -> Problem:
    reference = DBSCAN(eps, min_samples=min_samples).fit(X)
    core = np.zeros(len(X), dtype=bool)
    core[reference.core_sample_indices_] = True
    return Problem(X, eps, min_samples, core, reference.labels_)


@lru_cache(maxsize=2)
def blobs_2d(quick: bool) -> Problem:
    return make_problem(blobs(2_000 if quick else 100_000, 2), 0.1 if not quick else 0.4, 10)


@lru_cache(maxsize=2)
def blobs_2d_1m(quick: bool) -> Problem:
    return make_problem(blobs(5_000 if quick else 1_000_000, 2), 0.1 if not quick else 0.3, 10)


@lru_cache(maxsize=2)
def blobs_16d(quick: bool) -> Problem:
    return make_problem(blobs(2_000 if quick else 100_000, 16), 2.0, 10)


def clustering_quality(problem: Problem, result: Clustering) -> dict:
    labels = np.asarray(result.labels, dtype=np.int64).ravel()
    ref_core = problem.reference_core
    quality = {
        "clusters": int(labels.max()) + 1 if labels.size else 0,
        "core_equal": None,
        "ari_core": float(adjusted_rand_score(problem.reference_labels[ref_core], labels[ref_core]))
        if ref_core.any()
        else None,
        "labels_equal": None,
    }
    if result.core is not None:
        quality["core_equal"] = int(np.array_equal(result.core, ref_core))
        quality["labels_equal"] = int(np.array_equal(labels, problem.reference_labels))
    return quality


# ---------------------------------------------------------- contenders


def zoo_dbscan(p: Problem, threads: int, seed: int) -> Clustering:
    model = DBSCAN(p.eps, min_samples=p.min_samples, n_jobs=threads).fit(p.X)
    core = np.zeros(len(p.X), dtype=bool)
    core[model.core_sample_indices_] = True
    return Clustering(model.labels_, core)


def sklearn_dbscan(p: Problem, threads: int, seed: int) -> Clustering:
    model = sklearn_cluster.DBSCAN(eps=p.eps, min_samples=p.min_samples, n_jobs=threads).fit(p.X)
    core = np.zeros(len(p.X), dtype=bool)
    core[model.core_sample_indices_] = True
    return Clustering(model.labels_, core)


def mlpack_dbscan(p: Problem, threads: int, seed: int) -> Clustering:
    # mlpack runs single-threaded; its default dual-tree KD-tree search.
    out = mlpack.dbscan(input_=p.X, epsilon=p.eps, min_size=p.min_samples)
    # Noise comes back as the largest size_t, which reads as -1 in int64.
    labels = np.asarray(out["assignments"]).ravel().astype(np.int64)
    return Clustering(labels, None)


def sklearnex_dbscan(p: Problem, threads: int, seed: int) -> Clustering:
    # oneDAL's DBSCAN: brute-force neighbourhoods (algorithm="auto" is
    # "brute" there), on TBB threads that threadpoolctl does not see.
    sklearnex_threads(threads)
    model = sklearnex_class("cluster", "DBSCAN")(eps=p.eps, min_samples=p.min_samples).fit(p.X)
    core = np.zeros(len(p.X), dtype=bool)
    core[model.core_sample_indices_] = True
    return Clustering(model.labels_, core)


def dbscan_package(p: Problem, threads: int, seed: int) -> Clustering:
    # Grid cells of side eps / sqrt(d), parallel (parlaylib); it returns the
    # labels and the core mask.
    labels, core = dbscan_function(threads)(p.X, eps=p.eps, min_samples=p.min_samples)
    return Clustering(labels, core)


# The dbscan package is exact only in low dimensions: against exact neighbour
# counts it found every core point at d = 2 and 3, 994 of 1000 at d = 4 and
# 778 of 1000 at d = 20 (and 95,423 of 96,618 on dbscan-blobs-100k-16d).
EXACT_PACKAGE_DIMS = 3


def _dbscan_dims(n_features: int) -> bool:
    """Whether the dbscan package was compiled for this dimension and is exact there."""
    import dbscan  # noqa: PLC0415 - optional

    return dbscan.DBSCAN_MIN_DIMS <= n_features <= min(dbscan.DBSCAN_MAX_DIMS, EXACT_PACKAGE_DIMS)


def _with_peers(contenders: dict, n_features: int, sklearnex: bool = True) -> dict:
    """``contenders`` plus scikit-learn-intelex's DBSCAN (unless ``sklearnex``
    is False) and the dbscan package's, where installed; the package only
    for the dimensions it was compiled for."""
    contenders = dict(contenders)
    if sklearnex and sklearnex_class("cluster", "DBSCAN") is not None:
        contenders["scikit-learn-intelex"] = sklearnex_dbscan
    if HAVE_DBSCAN and _dbscan_dims(n_features):
        contenders["dbscan"] = dbscan_package
    return contenders


PARAMS = f"make_blobs with {N_CENTERS} centres in (-10, 10), cluster_std={CLUSTER_STD}, seed {DATA_SEED}"

CASES = [
    Case(
        name="dbscan-blobs-100k",
        description=(
            f"DBSCAN: 100,000 × 2 float64 points ({PARAMS}); eps=0.1, min_samples=10. "
            "zoo: algorithm='auto' (the grid here). scikit-learn: algorithm='auto' (KD-tree). "
            "mlpack: default dual-tree KD-tree range search, min_size=10, single-threaded. "
            "scikit-learn-intelex: oneDAL's brute-force DBSCAN. dbscan: the dbscan package's "
            "parallel grid DBSCAN. Scores against zoo's clustering (see the module docstring)."
        ),
        setup=blobs_2d,
        contenders=_with_peers(
            installed(LIBRARIES, {"zoo": zoo_dbscan, "scikit-learn": sklearn_dbscan, "mlpack": mlpack_dbscan}), 2
        ),
        quality=clustering_quality,
    ),
    Case(
        name="dbscan-blobs-1m",
        description=(
            f"DBSCAN at scale: 1,000,000 × 2 float64 points ({PARAMS}); eps=0.1, min_samples=10; "
            "scikit-learn is left out here: it holds every neighbourhood (about 500 per point, "
            "~4 GiB) and takes tens of seconds a fit; `python -m bench.bench_dbscan --memory` "
            "measures both libraries' time and peak memory in subprocesses. scikit-learn-intelex "
            "is left out too (brute force: 10^12 distances). dbscan: the dbscan package's parallel "
            "grid DBSCAN."
        ),
        setup=blobs_2d_1m,
        contenders=_with_peers({"zoo": zoo_dbscan}, 2, sklearnex=False),
        quality=clustering_quality,
    ),
    Case(
        name="dbscan-blobs-100k-16d",
        description=(
            f"DBSCAN in 16 dimensions: 100,000 × 16 float64 points ({PARAMS}); eps=2.0, "
            "min_samples=10 (about 250 neighbours per point). zoo: algorithm='auto' (KD-tree). "
            "scikit-learn: algorithm='auto' (brute force above 15 features); about a minute a fit. "
            "scikit-learn-intelex: oneDAL's brute-force DBSCAN. The dbscan package is left out: it is "
            "not exact above 3 dimensions (it found 95,423 of the 96,618 core points here)."
        ),
        setup=blobs_16d,
        contenders=_with_peers(installed(LIBRARIES, {"zoo": zoo_dbscan, "scikit-learn": sklearn_dbscan}), 16),
        quality=clustering_quality,
    ),
]


# ------------------------------------------------------ peak memory

_CHILD = """
import json, resource, sys, time
import numpy as np
sys.path.insert(0, {root!r})
from bench.bench_dbscan import blobs
from threadpoolctl import threadpool_limits
X = blobs({n}, {d})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with threadpool_limits({threads}):
    if {library!r} == "zoo":
        from zoo.unsupervised.dbscan import DBSCAN
        start = time.perf_counter()
        model = DBSCAN({eps}, min_samples={min_samples}, n_jobs={threads}).fit(X)
    else:
        from sklearn.cluster import DBSCAN
        start = time.perf_counter()
        model = DBSCAN(eps={eps}, min_samples={min_samples}, n_jobs={threads}).fit(X)
    seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "peak_mib": peak / 1024, "data_mib": before / 1024,
                  "clusters": int(model.labels_.max()) + 1, "core": len(model.core_sample_indices_)}}))
"""


def measure_memory(n: int, d: int, eps: float, min_samples: int, threads: int, libraries) -> list[dict]:
    """Fit each library once in a fresh interpreter; peak resident memory of
    that process (data and interpreter included) and the fit time."""
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    rows = []
    for library in libraries:
        code = _CHILD.format(root=root, n=n, d=d, eps=eps, min_samples=min_samples, threads=threads, library=library)
        env = {**__import__("os").environ, "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads)}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            rows.append({"library": library, "error": done.stderr.strip().splitlines()[-1:]})
            continue
        rows.append({"library": library, **json.loads(done.stdout.strip().splitlines()[-1])})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", action="store_true", help="time and peak memory of each library, in subprocesses")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=2)
    parser.add_argument("--eps", type=float, default=0.1)
    parser.add_argument("--min-samples", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--libraries", default="zoo,scikit-learn")
    args = parser.parse_args(argv)
    if not args.memory:
        parser.error("use `python -m zoo bench` for the timed cases; --memory for the peak-memory table")
    rows = measure_memory(args.n, args.features, args.eps, args.min_samples, args.threads, args.libraries.split(","))
    print(f"DBSCAN {args.n:,} x {args.features}, eps={args.eps}, min_samples={args.min_samples}, "
          f"{args.threads} threads")
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
