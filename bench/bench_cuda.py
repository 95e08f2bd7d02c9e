"""zoo on an NVIDIA GPU, against zoo on the CPU and the GPU libraries a user
would pick, on the same GPU:

- MLP 784-256-128-10 (bench_nn's problem, network and Adam settings) at
  batch 32, 128, 512 and 4096: zoo with device="cuda" against PyTorch eager
  and PyTorch with CUDA graphs (``torch.compile(mode="reduce-overhead")``
  on the training step), and zoo on the CPU.
- Autoencoder 784-128-32-128-784 (bench_autoencoder's problem) at the same
  batch sizes, against the same three.
- KMeans, KMeans(device="cuda") against zoo on the CPU and a CuPy
  implementation of Lloyd's algorithm.

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

from . import bench_autoencoder, bench_nn
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


GPU_BATCH_SIZES = (32, 128, 512, 4096)


def zoo_gpu_mlp(p, threads, seed):
    model = zoo.MLPClassifier(hidden_layer_sizes=bench_nn.HIDDEN, activation="relu", optimizer="adam",
                              learning_rate=bench_nn.LEARNING_RATE, batch_size=p.batch_size, epochs=p.epochs,
                              random_state=seed, device="cuda").fit(p.X_train, p.y_train)
    return bench_nn.Trained(model.predict)


def torch_gpu_mlp(p, threads, seed, compiled=False):
    torch = bench_nn._torch()
    F = torch.nn.functional
    device = torch.device("cuda")
    model = bench_nn.torch_network(p.X_train.shape[1], seed).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=bench_nn.LEARNING_RATE, betas=bench_nn.BETAS,
                                 eps=bench_nn.EPS, capturable=compiled)
    X = torch.from_numpy(p.X_train).to(device)
    y = torch.from_numpy(p.y_train).to(device)

    def step(xb, yb):
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    if compiled:
        step = torch.compile(step, mode="reduce-overhead")
    n = X.shape[0]
    generator = torch.Generator(device=device).manual_seed(seed)
    for _ in range(p.epochs):
        order = torch.randperm(n, generator=generator, device=device)
        for start in range(0, n, p.batch_size):
            batch = order[start:start + p.batch_size]
            step(X[batch], y[batch])
    torch.cuda.synchronize()

    def predict(X_new):
        with torch.no_grad():
            return model(torch.from_numpy(np.ascontiguousarray(X_new)).to(device)).argmax(dim=1).cpu().numpy()

    return bench_nn.Trained(predict)


def _mlp_contenders():
    runs = {"zoo": zoo_gpu_mlp}
    if bench_nn.HAVE_TORCH:
        runs["PyTorch eager"] = torch_gpu_mlp
        runs["PyTorch CUDA graphs"] = lambda p, threads, seed: torch_gpu_mlp(p, threads, seed, compiled=True)
    runs["zoo (CPU)"] = bench_nn.zoo_mlp
    return runs


def _autoencoder_contenders():
    runs = {"zoo": lambda p, threads, seed: bench_autoencoder.zoo_autoencoder(p, threads, seed, device="cuda")}
    if bench_autoencoder.HAVE_TORCH:
        runs["PyTorch eager"] = lambda p, threads, seed: bench_autoencoder.torch_autoencoder(
            p, threads, seed, device="cuda")
        runs["PyTorch CUDA graphs"] = lambda p, threads, seed: bench_autoencoder.torch_autoencoder(
            p, threads, seed, device="cuda", compiled=True)
    runs["zoo (CPU)"] = bench_autoencoder.zoo_autoencoder
    return runs


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


def _network_cases(name, network, module, contenders, quality, compare=()):
    """One case per GPU batch size for a bench module's network problem."""
    return [
        Case(
            name=f"cuda-{name}-b{batch}",
            description=(f"{network}, batch {batch}, {module.EPOCHS} epochs; zoo on the GPU, PyTorch eager and with "
                         "CUDA graphs on the same GPU, zoo on the CPU."),
            setup=module.problem_setup(batch),
            contenders=contenders,
            quality=quality,
            compare=compare,
            per=module.EPOCHS,
            unit="epoch",
        )
        for batch in GPU_BATCH_SIZES
    ]


CASES = _network_cases("mlp-784-256-128-10", "MLP 784-256-128-10 (bench_nn's digits-like data, Adam)", bench_nn,
                       _mlp_contenders(), bench_nn.accuracy_quality) + _network_cases(
    "autoencoder-784-128-32-128-784", "Autoencoder 784-128-32-128-784 (bench_autoencoder's data, MSE, Adam)",
    bench_autoencoder, _autoencoder_contenders(), bench_autoencoder.reconstruction_quality, ("test_mse",)
) + [
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
