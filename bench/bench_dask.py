"""zoo on Dask against dask-ml, on one 2-worker LocalCluster, and against zoo in memory.

Every case fits a chunked Dask array persisted on the cluster's workers
before timing (so no case pays for generating or moving the data). The
cluster: ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``,
started once for all the cases (not timed) and active as the default
scheduler. Two families of cases:

- ``dask-<estimator>-250k``, against dask-ml: 250,000 x 20 float64 (40 MB)
  in 8 chunks of 31,250 rows (dask-ml's LinearRegression already takes
  40 s there). Contenders: ``zoo``, the zoo estimator's ``fit`` on the Dask
  array (its Dask path); ``dask-ml``, the dask-ml estimator on the same array
  and cluster (LogisticRegression with its lbfgs solver, the algorithm zoo
  runs, as its default admm did not finish; StandardScaler: dask-ml
  2024.4.4, the latest, fails on scikit-learn 1.9, so the reference is the
  Dask array expression a user would write, ``X.mean(axis=0)`` and
  ``X.var(axis=0)`` in one compute).
- ``dask-vs-memory-<estimator>-2m``, the cost of distributing: 2,000,000 x 20
  float64 (320 MB) in 8 chunks of 250,000 rows. Contenders: ``zoo`` on Dask
  and ``zoo (in memory)``, the same estimator on the NumPy array in this
  process with 2 threads. The distributed path should cost at most 1.5 times
  the in-memory fit: the "zoo speed-up" column reads at least 0.67. Each
  pass over the chunks pays a fixed cost for Dask's scheduling (about
  45 ms on this 2-core machine, where the scheduler, the client and both
  workers share the cores), so on small data the ratio is that cost over
  a few ms of kernel time; these cases measure it where the work is
  worth distributing.

dask-ml 2024.4.4 predates scikit-learn's 1.6 tags and Dask's merging of
dask-expr; :func:`dask_ml_shims` installs the two names it imports, in this
process and on every worker, before importing it.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.util

import numpy as np

import zoo

from .harness import Case

HAVE_DISTRIBUTED = importlib.util.find_spec("distributed") is not None
HAVE_DASK_ML = importlib.util.find_spec("dask_ml") is not None

N_ROWS, N_FEATURES, CHUNK_ROWS = 250_000, 20, 31_250
LARGE_ROWS, LARGE_CHUNK_ROWS = 2_000_000, 250_000
QUICK_ROWS, QUICK_CHUNK = 4_000, 1_000
N_CLUSTERS = 8
N_COMPONENTS = 5

_SHIMS = """
import importlib, sys
import sklearn.utils._tags as tags
from sklearn.utils import get_tags
if not hasattr(tags, "_safe_tags"):
    tags._safe_tags = lambda estimator, key=None: getattr(get_tags(estimator), key) if key else get_tags(estimator)
sys.modules.setdefault("dask_expr", importlib.import_module("dask.dataframe.dask_expr"))
"""


def dask_ml_shims():
    exec(_SHIMS, {})


@functools.lru_cache(maxsize=1)
def cluster_client():
    """The 2-worker LocalCluster and its Client, started once per case
    (release_cluster closes it) and closed at exit."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    client = Client(cluster)
    if HAVE_DASK_ML:
        dask_ml_shims()
        client.run(exec, _SHIMS, {})
    atexit.register(cluster.close)
    atexit.register(client.close)
    return client


def release_cluster():
    """Closes the cluster after each case: its idle workers poll the
    scheduler at about a fifth of a core each, which slowed every case timed
    after them in a full run by up to 2.7 times (measured: PCA 0.26 s against
    0.11 s). The next Dask case starts a fresh one in its untimed setup."""
    if cluster_client.cache_info().currsize == 0:
        return
    client = cluster_client()
    cluster = client.cluster
    client.close()
    cluster.close()
    cluster_client.cache_clear()


class Problem:
    """The data on the cluster (Dask) and in this process (NumPy)."""

    def __init__(self, quick: bool, target: str | None, rows: int, chunk: int):
        import dask.array as da

        client = cluster_client()
        rows, chunk = (QUICK_ROWS, QUICK_CHUNK) if quick else (rows, chunk)
        rng = np.random.default_rng(0)
        centers = rng.normal(scale=4.0, size=(N_CLUSTERS, N_FEATURES))
        X = centers[rng.integers(0, N_CLUSTERS, rows)] + rng.normal(size=(rows, N_FEATURES))
        coef = rng.normal(size=N_FEATURES)
        self.X = X
        self.y = None
        if target == "regression":
            self.y = X @ coef + rng.normal(scale=0.5, size=rows)
        elif target == "classification":
            self.y = (X @ coef + rng.logistic(size=rows) > 0).astype(np.int64)
        self.dX = client.persist(da.from_array(X, chunks=(chunk, -1)))
        self.dy = None if self.y is None else client.persist(da.from_array(self.y, chunks=(chunk,)))
        from distributed import wait

        wait([self.dX] + ([self.dy] if self.dy is not None else []))


def _dask_ml(module: str, name: str):
    return getattr(importlib.import_module(f"dask_ml.{module}"), name)


def _versus_dask_ml(zoo_fit, reference_fit, reference):
    runs = {"zoo": lambda p, threads, seed: zoo_fit(p.dX, p.dy, seed)}
    if HAVE_DASK_ML or reference != "dask-ml":
        runs[reference] = lambda p, threads, seed: reference_fit(p.dX, p.dy, seed)
    return runs


def _versus_memory(zoo_fit):
    return {
        "zoo": lambda p, threads, seed: zoo_fit(p.dX, p.dy, seed),
        "zoo (in memory)": lambda p, threads, seed: zoo_fit(p.X, p.y, seed, threads),
    }


# -------------------------------------------------------------- the work


def zoo_kmeans(X, y, seed, threads=None):
    return zoo.KMeans(n_clusters=N_CLUSTERS, n_init=1, random_state=seed, n_jobs=threads).fit(X)


def dask_ml_kmeans(X, y, seed):
    return _dask_ml("cluster", "KMeans")(n_clusters=N_CLUSTERS, random_state=seed).fit(X)


def kmeans_quality(problem, model):
    return {"inertia": float(model.inertia_), "n_iter": float(model.n_iter_)}


def zoo_pca(X, y, seed, threads=None):
    return zoo.PCA(n_components=N_COMPONENTS, n_jobs=threads).fit(X)


def dask_ml_pca(X, y, seed):
    return _dask_ml("decomposition", "PCA")(n_components=N_COMPONENTS, svd_solver="full").fit(X)


def _exact_components(problem):
    """The top principal directions of the problem's data, computed once."""
    if not hasattr(problem, "exact_components"):
        centred = problem.X - problem.X.mean(axis=0)
        _, _, vt = np.linalg.svd(centred.T @ centred)
        problem.exact_components = vt[:N_COMPONENTS]
    return problem.exact_components


def pca_quality(problem, model):
    exact = _exact_components(problem)
    components = np.asarray(model.components_)
    signs = np.sign(np.sum(components * exact, axis=1))
    return {"max |component - exact|": float(np.abs(components * signs[:, None] - exact).max()),
            "explained variance (sum)": float(np.sum(model.explained_variance_))}


def zoo_linear(X, y, seed, threads=None):
    return zoo.LinearRegression(n_jobs=threads).fit(X, y)


def dask_ml_linear(X, y, seed):
    return _dask_ml("linear_model", "LinearRegression")().fit(X, y)


def linear_quality(problem, model):
    prediction = problem.X @ np.ravel(model.coef_) + float(np.ravel(model.intercept_)[0])
    residual = problem.y - prediction
    return {"R2": float(1 - residual.var() / problem.y.var())}


def zoo_logistic(X, y, seed, threads=None):
    return zoo.LogisticRegression(n_jobs=threads).fit(X, y)


def dask_ml_logistic(X, y, seed):
    return _dask_ml("linear_model", "LogisticRegression")(solver="lbfgs").fit(X, y)


def logistic_quality(problem, model):
    logits = problem.X @ np.ravel(model.coef_) + float(np.ravel(model.intercept_)[0])
    return {"accuracy": float(np.mean((logits > 0) == (problem.y == 1)))}


def zoo_scaler(X, y, seed, threads=None):
    return zoo.preprocessing.StandardScaler().fit(X)


def dask_moments(X, y, seed):
    import dask

    mean, var = dask.compute(X.mean(axis=0), X.var(axis=0))
    return type("Moments", (), {"mean_": mean, "var_": var})()


def scaler_quality(problem, model):
    return {"max |mean - NumPy|": float(np.abs(np.asarray(model.mean_) - problem.X.mean(axis=0)).max()),
            "max |var / NumPy - 1|": float(np.abs(np.asarray(model.var_) / problem.X.var(axis=0) - 1).max())}


# (name, what is fitted, target, zoo's fit, dask-ml's fit, quality, compared metrics, reference)
_WORK = [
    ("kmeans", f"KMeans, k={N_CLUSTERS}, default initialisation (on Dask k-means||), one init", None, zoo_kmeans,
     dask_ml_kmeans, kmeans_quality, ("inertia",), "dask-ml"),
    ("pca", f"PCA to {N_COMPONENTS} components, exact", None, zoo_pca, dask_ml_pca, pca_quality, (), "dask-ml"),
    ("linear-regression", "LinearRegression", "regression", zoo_linear, dask_ml_linear, linear_quality, (),
     "dask-ml"),
    ("logistic", "LogisticRegression (L2, C=1, lbfgs)", "classification", zoo_logistic, dask_ml_logistic,
     logistic_quality, (), "dask-ml"),
    ("standard-scaler", "StandardScaler (reference: X.mean and X.var in one Dask compute)", None, zoo_scaler,
     dask_moments, scaler_quality, (), "Dask (X.mean, X.var)"),
]


def _data(rows, chunk):
    return (f"a Dask array of {rows:,} x {N_FEATURES} float64 (8 Gaussian blobs) in chunks of {chunk:,} rows, "
            "persisted on a 2-worker LocalCluster (1 thread each)")


def _versus_dask_ml_case(key, what, target, zoo_fit, reference_fit, quality, compare, reference):
    return Case(
        name=f"dask-{key}-250k",
        description=f"{what} on {_data(N_ROWS, CHUNK_ROWS)}; zoo on Dask against {reference} on the same cluster.",
        setup=lambda quick: Problem(quick, target, N_ROWS, CHUNK_ROWS),
        contenders=_versus_dask_ml(zoo_fit, reference_fit, reference),
        quality=quality,
        compare=compare,
        after=release_cluster,
    )


def _versus_memory_case(key, what, target, zoo_fit, reference_fit, quality, compare, reference):
    return Case(
        name=f"dask-vs-memory-{key}-2m",
        description=(f"{what} on {_data(LARGE_ROWS, LARGE_CHUNK_ROWS)}; zoo on Dask against zoo in memory on the "
                     "same NumPy array with 2 threads."),
        setup=lambda quick: Problem(quick, target, LARGE_ROWS, LARGE_CHUNK_ROWS),
        contenders=_versus_memory(zoo_fit),
        quality=quality,
        compare=compare,
        after=release_cluster,
    )


CASES = (
    [_versus_dask_ml_case(*work) for work in _WORK] + [_versus_memory_case(*work) for work in _WORK]
    if HAVE_DISTRIBUTED else []
)
