"""zoo on an NVIDIA GPU: KMeans(device="cuda") against zoo on the CPU and a
CuPy implementation of Lloyd's algorithm, on the same GPU.

Every contender starts from the same initial centres (the first k rows)
and runs the same number of Lloyd iterations (tol=0, a fixed cap), so each
does the same work; the inertia of each result is computed here, in
float64. The cases exist only where ``zoo.cuda.is_available()``: on a
machine without a usable GPU this module has no cases.

A CuPy Lloyd step is what a GPU user would write: squared distances from
one matrix product (||x||^2 - 2 x.c + ||c||^2), argmin, and the centre
sums by a scatter-add.
"""

from __future__ import annotations

import numpy as np

import zoo
import zoo.cuda

from .bench_cluster import inertia
from .harness import Case, optional_module

cupy = optional_module("cupy")
cupyx = optional_module("cupyx")

N_ROWS, N_FEATURES, N_CLUSTERS, ITERATIONS = 1_000_000, 64, 256, 20
QUICK = (5_000, 8, 8, 3)


class Problem:
    def __init__(self, quick: bool):
        n, d, k, self.iterations = QUICK if quick else (N_ROWS, N_FEATURES, N_CLUSTERS, ITERATIONS)
        rng = np.random.default_rng(0)
        centres = rng.normal(scale=3.0, size=(k, d))
        self.X = (centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))).astype(np.float32)
        self.init = self.X[:k].copy()
        self.k = k


def zoo_kmeans(problem, device):
    model = zoo.KMeans(problem.k, init=problem.init, max_iter=problem.iterations, tol=0.0, algorithm="lloyd",
                       device=device)
    model.fit(problem.X)
    return model.labels_, model.cluster_centers_


def cupy_lloyd(problem):
    X = cupy.asarray(problem.X)
    centres = cupy.asarray(problem.init)
    x_sq = (X * X).sum(axis=1, keepdims=True)
    for _ in range(problem.iterations):
        distances = x_sq - 2.0 * X @ centres.T + (centres * centres).sum(axis=1)
        labels = distances.argmin(axis=1)
        sums = cupy.zeros_like(centres)
        cupyx.scatter_add(sums, labels, X)
        counts = cupy.bincount(labels, minlength=problem.k).astype(X.dtype)[:, None]
        centres = cupy.where(counts > 0, sums / cupy.maximum(counts, 1), centres)
    labels = (x_sq - 2.0 * X @ centres.T + (centres * centres).sum(axis=1)).argmin(axis=1)
    cupy.cuda.Stream.null.synchronize()
    return cupy.asnumpy(labels), cupy.asnumpy(centres)


def quality(problem, result):
    labels, centres = result
    return {"inertia": inertia(problem.X, labels, centres)}


def _contenders():
    runs = {
        "zoo": lambda p, threads, seed: zoo_kmeans(p, "cuda"),
        "zoo (CPU)": lambda p, threads, seed: zoo_kmeans(p, "cpu"),
    }
    if cupy is not None and cupyx is not None:
        runs["CuPy (Lloyd)"] = lambda p, threads, seed: cupy_lloyd(p)
    return runs


CASES = [
    Case(
        name="cuda-kmeans-1m",
        description=(f"KMeans, {N_ROWS:,} x {N_FEATURES} float32, k={N_CLUSTERS}, {ITERATIONS} Lloyd iterations "
                     "from the same first-k-rows centres; zoo on the GPU, zoo on the CPU, CuPy on the same GPU."),
        setup=Problem,
        contenders=_contenders(),
        quality=quality,
        compare=("inertia",),
    )
] if zoo.cuda.is_available() else []
