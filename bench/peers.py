"""The strongest libraries a user could pick instead of zoo, as optional
contenders, each set up at its best on the machine the bench runs on.

- scikit-learn-intelex (oneDAL; runs on AMD too): its own estimator classes
  (``sklearnex.svm.SVC``, ...), not a global patch of scikit-learn, so that
  scikit-learn stays itself in the same process; oneDAL's TBB threads set
  with ``daal4py.daalinit``.
- faiss-cpu: ``faiss.Kmeans``, OpenMP threads set with ``omp_set_num_threads``.
- JAX (with flax and optax): the whole training epoch jitted; its compile
  time is paid in the harness's untimed warm-up call and reported apart by
  the cases that measure it.
- sbx-rl: Stable-Baselines in JAX.
- the ``dbscan`` package (Wang, Gu & Shun's parallel exact DBSCAN).

A library that is not installed is left out of the cases; nothing here
imports one before a case needs it, except to find out whether it exists.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


HAVE_SKLEARNEX = installed("sklearnex")
HAVE_FAISS = installed("faiss")
HAVE_JAX = installed("jax") and installed("optax")
HAVE_SBX = installed("sbx")
HAVE_DBSCAN = installed("dbscan")


@functools.lru_cache(maxsize=None)
def sklearnex_class(module: str, name: str):
    """``sklearnex.<module>.<name>``, or oneDAL's daal4py class of the same
    name where sklearnex does not export it (Lasso, ElasticNet); None when
    scikit-learn-intelex is missing or has no such estimator."""
    if not HAVE_SKLEARNEX:
        return None
    for package in (f"sklearnex.{module}", f"daal4py.sklearn.{module}"):
        try:
            return getattr(importlib.import_module(package), name)
        except (ImportError, AttributeError):
            continue
    return None


def sklearnex_threads(threads: int) -> None:
    """oneDAL's thread count (its TBB pool is not one threadpoolctl sees)."""
    import daal4py  # noqa: PLC0415 - only where sklearnex is installed

    if daal4py.num_threads() != threads:
        daal4py.daalinit(threads)


def faiss_module(threads: int):
    import faiss  # noqa: PLC0415 - optional

    faiss.omp_set_num_threads(threads)
    return faiss


def dbscan_function(threads: int):
    """The ``dbscan`` package's ``DBSCAN(X, eps, min_samples)``. Its
    parlaylib scheduler reads PARLAY_NUM_THREADS (else takes every core) once,
    when the first call starts it: the first call's count holds for the
    process."""
    os.environ["PARLAY_NUM_THREADS"] = str(threads)
    from dbscan import DBSCAN  # noqa: PLC0415 - optional

    return DBSCAN


@functools.lru_cache(maxsize=1)
def jax_modules():
    """(jax, jax.numpy, optax) on the CPU, float32."""
    jax = importlib.import_module("jax")
    jax.config.update("jax_platforms", "cpu")
    return jax, importlib.import_module("jax.numpy"), importlib.import_module("optax")
