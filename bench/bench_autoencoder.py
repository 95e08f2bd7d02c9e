"""Autoencoder training: zoo.Autoencoder against PyTorch and JAX.

Every library trains the same network on the same float32 data:
784-128-32-128-784, ReLU on the hidden layers, a linear 32-unit code and a
linear output, mean squared error, Adam (learning rate 1e-3, betas
0.9/0.999, eps 1e-8), Glorot-uniform weights and zero biases, mini-batches
reshuffled every epoch, for EPOCHS epochs from a fresh model. The timed call
is the training alone; the reconstruction error on held-out images is
computed afterwards, untimed, by one helper for all.

The data are synthetic "digits-like" 28x28 images in [0, 1] (MNIST is not
downloaded): ten stroke-drawn prototypes, each image one of them shifted by
up to 2 pixels, rescaled in intensity and overdrawn with one extra stroke,
so that images are sparse, smooth and far from low-rank, as handwritten
digits are.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass
from typing import Callable

import numpy as np

from zoo.unsupervised.autoencoder import Autoencoder

from . import bench_nn, jax_training
from .harness import Case
from .peers import HAVE_JAX, jax_modules

# PyTorch is imported by the cases' setup, not here: loading its OpenMP
# runtime into the process is no business of the other benchmarks.
HAVE_TORCH = importlib.util.find_spec("torch") is not None

DATA_SEED = 0
EPOCHS = 3
BATCH_SIZES = (32, 128, 512, 2048)
SIDE = 28
ENCODER = (128, 32)
LEARNING_RATE = 1e-3
BETAS = (0.9, 0.999)
EPS = 1e-8


@dataclass(frozen=True)
class Problem:
    X_train: np.ndarray
    X_test: np.ndarray
    batch_size: int
    epochs: int


@dataclass(frozen=True)
class Trained:
    """What every contender hands back: the reconstruction function, the
    mean training loss of the last epoch (as each library computes it), and
    the seconds its compiler took where it compiles the training (JAX)."""

    reconstruct: Callable[[np.ndarray], np.ndarray]
    final_loss: float
    compile_s: float | None = None


def reconstruction_quality(problem: Problem, result: Trained) -> dict:
    reconstructed = np.asarray(result.reconstruct(problem.X_test), dtype=np.float64)
    quality = {
        "test_mse": float(np.mean((reconstructed - problem.X_test) ** 2)),
        "final_train_loss": float(result.final_loss),
    }
    if result.compile_s is not None:  # the others' rows read n/a
        quality["compile_s"] = result.compile_s
    return quality


def layer_sizes(n_features: int = SIDE * SIDE) -> tuple:
    return (n_features, *ENCODER, *ENCODER[-2::-1], n_features)


def flops_per_epoch(n_samples: int = 60_000, sizes=None) -> int:
    """Matrix-product FLOPs of one training epoch, counted as
    bench_nn.flops_per_epoch counts them (forward, weight gradients, input
    gradients of every layer but the first). GFLOP/s = this / 1e9 /
    (s/epoch)."""
    return bench_nn.flops_per_epoch(n_samples, sizes or layer_sizes())


# ----------------------------------------------------------------- data


def _strokes(rng, count, points=40, width=1.1):
    """`count` images of one smooth stroke each: Gaussian dots along a
    random quadratic Bezier curve inside the central 20x20 pixels."""
    grid = np.arange(SIDE, dtype=np.float32)
    control = rng.uniform(6, SIDE - 6, size=(count, 3, 2))
    t = np.linspace(0, 1, points, dtype=np.float32)[None, :, None]
    path = (1 - t) ** 2 * control[:, :1] + 2 * t * (1 - t) * control[:, 1:2] + t**2 * control[:, 2:]
    rows = np.exp(-((grid[None, None, :] - path[:, :, 0:1]) ** 2) / (2 * width**2))  # (count, points, 28)
    cols = np.exp(-((grid[None, None, :] - path[:, :, 1:2]) ** 2) / (2 * width**2))
    images = np.einsum("kpi,kpj->kij", rows, cols)
    return (images / images.max(axis=(1, 2), keepdims=True)).astype(np.float32)


@functools.lru_cache(maxsize=2)
def digits_like_images(quick: bool):
    """60,000 train and 10,000 test images, 784 float32 values in [0, 1]."""
    n_train, n_test = (1_000, 200) if quick else (60_000, 10_000)
    n = n_train + n_test
    rng = np.random.default_rng(DATA_SEED)
    prototypes = np.clip(_strokes(rng, 30).reshape(10, 3, SIDE, SIDE).sum(axis=1), 0, 1)
    extras = _strokes(rng, 500)
    labels = rng.integers(0, 10, n)
    images = prototypes[labels] * rng.uniform(0.7, 1.0, size=(n, 1, 1)).astype(np.float32)
    images += 0.6 * extras[rng.integers(0, len(extras), n)]
    shifts = rng.integers(-2, 3, size=(n, 2))
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
            images[rows] = np.roll(images[rows], (dy, dx), axis=(1, 2))
    X = np.clip(images, 0, 1).reshape(n, SIDE * SIDE)
    X[X < 0.02] = 0.0  # a clean background, as scanned digits have
    return X[:n_train], X[n_train:]


def problem_setup(batch_size: int):
    def setup(quick: bool) -> Problem:
        if HAVE_TORCH:
            _torch()  # import untimed
        if HAVE_JAX:
            jax_modules()
        epochs = 1 if quick else EPOCHS  # the harness counts a quick call as one epoch
        return Problem(*digits_like_images(quick), batch_size=batch_size, epochs=epochs)

    return setup


# ---------------------------------------------------------- contenders


def zoo_autoencoder(p: Problem, threads: int, seed: int, device: str = "cpu") -> Trained:
    model = Autoencoder(
        ENCODER,
        activation="relu",
        code_activation="identity",
        output_activation="identity",
        loss="mse",
        optimizer="adam",
        learning_rate=LEARNING_RATE,
        batch_size=p.batch_size,
        epochs=p.epochs,
        init="glorot_uniform",
        random_state=seed,
        n_jobs=threads,
        device=device,
    ).fit(p.X_train)
    return Trained(model.reconstruct, model.history_["loss"][-1])


@functools.lru_cache(maxsize=1)
def _torch():
    return importlib.import_module("torch")


def torch_autoencoder(p: Problem, threads: int, seed: int, device: str = "cpu", compiled: bool = False) -> Trained:
    """PyTorch's loop; on a GPU (device="cuda") with the data moved there
    first, and with compiled=True the step captured in CUDA graphs
    (torch.compile(mode="reduce-overhead"))."""
    torch = _torch()
    nn, F = torch.nn, torch.nn.functional
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    n_features = p.X_train.shape[1]
    sizes = (n_features, *ENCODER, *ENCODER[-2::-1], n_features)
    code_layer = len(ENCODER) - 1
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        # PyTorch's default is Kaiming-uniform; match zoo's Glorot-uniform.
        nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if index != code_layer and index != len(sizes) - 2:  # linear code and output
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=BETAS, eps=EPS, capturable=compiled)

    def step(batch):
        loss = F.mse_loss(model(batch), batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.detach()

    if compiled:
        step = torch.compile(step, mode="reduce-overhead")
    X = torch.from_numpy(p.X_train).to(device)
    n = X.shape[0]
    generator = torch.Generator(device=device).manual_seed(seed)
    model.train()
    epoch_loss = 0.0
    for _ in range(p.epochs):
        order = torch.randperm(n, generator=generator, device=device)
        total = torch.zeros((), device=device)
        for start in range(0, n, p.batch_size):
            batch = X[order[start:start + p.batch_size]]
            total += step(batch) * batch.shape[0]
        epoch_loss = float(total) / n  # sample-weighted mean, as zoo's history_ reports it

    def reconstruct(X_new):
        model.eval()
        with torch.no_grad():
            return model(torch.from_numpy(np.ascontiguousarray(X_new)).to(device)).cpu().numpy()

    return Trained(reconstruct, epoch_loss)


# ReLU after every layer but the code layer and the output, which are linear.
_JAX_RELU = tuple(index != len(ENCODER) - 1 for index in range(2 * len(ENCODER) - 1)) + (False,)


def _jax_loss(params, X, _):
    reconstructed = jax_training.dense_forward(params, X, _JAX_RELU)
    return ((reconstructed - X) ** 2).mean()  # over every value, as F.mse_loss


def jax_autoencoder(p: Problem, threads: int, seed: int) -> Trained:
    # XLA sizes its CPU thread pool to the machine when it starts; `threads`
    # cannot change it afterwards (the description says so).
    network = jax_training.train(_jax_loss, layer_sizes(p.X_train.shape[1]), p.X_train, None,
                                 batch_size=p.batch_size, epochs=p.epochs, seed=seed,
                                 adam=(LEARNING_RATE, *BETAS, EPS))

    def reconstruct(X_new):
        return jax_training.apply(network.params, X_new, _JAX_RELU)

    return Trained(reconstruct, network.final_loss, network.compile_s)


def contenders() -> dict:
    """zoo first, then PyTorch and JAX when they are installed
    (scikit-learn has no autoencoder)."""
    runs = {"zoo": zoo_autoencoder}
    if HAVE_TORCH:
        runs["PyTorch"] = torch_autoencoder
    if HAVE_JAX:
        runs["JAX (jit epoch)"] = jax_autoencoder
    return runs


def _description(batch_size: int) -> str:
    return (
        f"Autoencoder training, {EPOCHS} epochs from a fresh model, time per epoch: "
        "784-128-32-128-784, ReLU hidden layers, linear code and output, mean squared error, "
        f"Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8), batch size {batch_size}, mini-batches "
        "reshuffled every epoch, Glorot-uniform weights and zero biases, float32. Data: "
        "synthetic digits-like 28x28 images in [0, 1] (bench_autoencoder.digits_like_images, "
        "seed 0), 60,000 to train, 10,000 for the test reconstruction MSE, computed untimed. "
        "final_train_loss is each library's mean loss over the last epoch. PyTorch: a plain "
        "loop over index permutations, torch.set_num_threads(threads). JAX (with optax's "
        "Adam): " + jax_training.DESCRIPTION + " Training FLOPs per epoch "
        "(bench_autoencoder.flops_per_epoch: 2 x n x (3 x sum of n_in x n_out - 784 x 128), "
        f"the matrix products only): {flops_per_epoch() / 1e9:.1f} GFLOP, so GFLOP/s = "
        "that / (s/epoch)."
    )


CASES = [
    Case(
        name=f"autoencoder-784-128-32-128-784-b{batch_size}",
        description=_description(batch_size),
        setup=problem_setup(batch_size),
        contenders=contenders(),
        quality=reconstruction_quality,
        compare=("test_mse",),
        per=EPOCHS,
        unit="epoch",
    )
    for batch_size in BATCH_SIZES
]
