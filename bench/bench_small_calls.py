"""Small calls inside an application: the same tiny fits on a quiet machine
and right after a NumPy matrix product, whose BLAS threads are still
spinning on the cores when the fit starts.

zoo sizes every thread team by its work (cpp/include/zoo/parallel.hpp,
``team_size``): a fit on 150 points runs on the calling thread, so another
library's spinning threads cost it little. Compare each "-after-numpy" case
with its quiet twin: the target is at most 1.5 times the quiet time, ahead of
scikit-learn there too. The product itself is untimed (Case.before).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import zoo
from zoo.datasets import load_iris

from . import bench_cluster
from .harness import Case, optional_module
from .peers import sklearnex_class, sklearnex_threads

sklearn_linear_model = optional_module("sklearn.linear_model")

PRODUCT_SIZE = 300  # a 300 x 300 product: about 1 ms of BLAS on two threads
CALLS = 200


class Problem:
    def __init__(self, quick: bool):
        self.X, self.y = load_iris()


@lru_cache(maxsize=1)
def _factor() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(PRODUCT_SIZE, PRODUCT_SIZE))


def numpy_product(problem) -> None:
    _factor() @ _factor()


def zoo_logistic(p: Problem, threads: int, seed: int):
    return zoo.LogisticRegression(max_iter=200).fit(p.X, p.y)


def sklearn_logistic(p: Problem, threads: int, seed: int):
    return sklearn_linear_model.LogisticRegression(max_iter=200).fit(p.X, p.y)


def sklearnex_logistic(p: Problem, threads: int, seed: int):
    sklearnex_threads(threads)
    return sklearnex_class("linear_model", "LogisticRegression")(max_iter=200).fit(p.X, p.y)


def logistic_quality(p: Problem, model) -> dict:
    return {"accuracy": float(np.mean(model.predict(p.X) == p.y))}


def _logistic_contenders() -> dict:
    runs = {"zoo": zoo_logistic}
    if sklearn_linear_model is not None:
        runs["scikit-learn"] = sklearn_logistic
    if sklearnex_class("linear_model", "LogisticRegression") is not None:
        runs["scikit-learn-intelex"] = sklearnex_logistic
    return runs


def _cases(before, suffix: str, when: str) -> list[Case]:
    return [
        Case(
            name=f"small-kmeans-iris{suffix}",
            description=("KMeans on iris (150 x 4, k=3, one k-means++ start), bench_cluster's iris case, "
                         f"{CALLS} fits per sample, {when}."),
            setup=bench_cluster.iris_problem,
            contenders=bench_cluster.KMEANS_CONTENDERS,
            quality=bench_cluster.clustering_quality,
            compare=("inertia",),
            number=CALLS,
            before=before,
        ),
        Case(
            name=f"small-logistic-iris{suffix}",
            description=("LogisticRegression on iris (150 x 4, 3 classes, L2, C=1, each library's default solver), "
                         f"{CALLS} fits per sample, {when}."),
            setup=Problem,
            contenders=_logistic_contenders(),
            quality=logistic_quality,
            number=CALLS,
            before=before,
        ),
    ]


CASES = _cases(None, "", "each on a quiet machine") + _cases(
    numpy_product, "-after-numpy",
    f"each right after an untimed {PRODUCT_SIZE} x {PRODUCT_SIZE} NumPy product (its BLAS threads still spinning)")
