"""MLP training: zoo.MLPClassifier against PyTorch, JAX and scikit-learn.

Every library trains the same network on the same float32 data: 784-256-128-10
with ReLU, softmax cross-entropy, Adam (learning rate 1e-3, betas 0.9/0.999,
eps 1e-8), Glorot-uniform weights, mini-batches shuffled every epoch, for
EPOCHS epochs from a fresh model. The timed call is the training alone; the
test accuracy is computed afterwards, untimed, by one helper for every library.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import itertools
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

import zoo
from zoo.datasets import make_classification

from . import jax_training
from .harness import Case, optional_module
from .peers import HAVE_JAX, jax_modules

sklearn_nn = optional_module("sklearn.neural_network")
sklearn_exceptions = optional_module("sklearn.exceptions")
# PyTorch is imported by the cases' setup, not here: loading its OpenMP
# runtime into the process is no business of the other benchmarks.
HAVE_TORCH = importlib.util.find_spec("torch") is not None

DATA_SEED = 0
EPOCHS = 3
BATCH_SIZES = (32, 128, 512, 2048)
N_FEATURES = 784
HIDDEN = (256, 128)
N_CLASSES = 10
LEARNING_RATE = 1e-3
BETAS = (0.9, 0.999)
EPS = 1e-8
# The "digits-like" problem: see zoo.datasets.make_classification. A linear
# model scores about 70% on it, this network 95-96% after 3 epochs.
DATA_PARAMS = dict(n_classes=N_CLASSES, n_informative=16, n_clusters_per_class=6,
                   class_sep=1.5, noise=0.5)


@dataclass(frozen=True)
class Problem:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    batch_size: int
    epochs: int


@dataclass(frozen=True)
class Trained:
    """What every contender hands back: the trained model's predict, and
    the seconds its compiler took where it compiles the training (JAX)."""

    predict: Callable[[np.ndarray], np.ndarray]
    compile_s: float | None = None


def accuracy_quality(problem: Problem, result: Trained) -> dict:
    predicted = np.asarray(result.predict(problem.X_test)).ravel()
    quality = {"accuracy": float(np.mean(predicted == problem.y_test))}
    if result.compile_s is not None:  # the others' rows read n/a
        quality["compile_s"] = result.compile_s
    return quality


def flops_per_epoch(n_samples: int = 60_000, sizes=(N_FEATURES, *HIDDEN, N_CLASSES)) -> int:
    """Matrix-product FLOPs of one training epoch: 2 * n_in * n_out per
    sample and layer for the forward pass, as much again for the weight
    gradients, and as much again for the input gradients of every layer but
    the first (nobody needs the gradient of the data). Biases, activations,
    the loss and Adam are left out. GFLOP/s = this / 1e9 / (s/epoch)."""
    products = [fan_in * fan_out for fan_in, fan_out in itertools.pairwise(sizes)]
    return 2 * n_samples * (3 * sum(products) - products[0])


# ----------------------------------------------------------------- data


@functools.lru_cache(maxsize=2)
def digits_like(quick: bool):
    """60,000 train and 10,000 test points, 784 float32 features, 10 classes."""
    n_train, n_test = (1_000, 200) if quick else (60_000, 10_000)
    X, y = make_classification(n_train + n_test, N_FEATURES, random_state=DATA_SEED,
                               dtype=np.float32, **DATA_PARAMS)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def problem_setup(batch_size: int):
    def setup(quick: bool) -> Problem:
        if HAVE_TORCH:
            _torch()  # import untimed
        if HAVE_JAX:
            jax_modules()
        epochs = 1 if quick else EPOCHS  # the harness counts a quick call as one epoch
        return Problem(*digits_like(quick), batch_size=batch_size, epochs=epochs)

    return setup


# ---------------------------------------------------------- contenders


def zoo_mlp(p: Problem, threads: int, seed: int) -> Trained:
    model = zoo.MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        optimizer="adam",
        learning_rate=LEARNING_RATE,
        batch_size=p.batch_size,
        epochs=p.epochs,
        random_state=seed,
        n_jobs=threads,
        verbose=0,
    ).fit(p.X_train, p.y_train)
    return Trained(model.predict)


@functools.lru_cache(maxsize=1)
def _torch():
    return importlib.import_module("torch")


def torch_network(n_inputs: int, seed: int):
    """The benchmark's network in PyTorch, Glorot-initialised like the others
    (PyTorch's default is Kaiming-uniform)."""
    torch = _torch()
    nn = torch.nn
    torch.manual_seed(seed)
    sizes = (n_inputs, *HIDDEN, N_CLASSES)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        linear = nn.Linear(fan_in, fan_out)
        nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def torch_mlp(p: Problem, threads: int, seed: int) -> Trained:
    torch = _torch()
    F = torch.nn.functional
    torch.set_num_threads(threads)
    model = torch_network(p.X_train.shape[1], seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=BETAS, eps=EPS)

    X = torch.from_numpy(p.X_train)
    y = torch.from_numpy(p.y_train)
    n = X.shape[0]
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(p.epochs):
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, p.batch_size):
            batch = order[start:start + p.batch_size]
            loss = F.cross_entropy(model(X[batch]), y[batch])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

    def predict(X_new):
        model.eval()
        with torch.no_grad():
            return model(torch.from_numpy(np.ascontiguousarray(X_new))).argmax(dim=1).numpy()

    return Trained(predict)


_JAX_RELU = (True,) * len(HIDDEN) + (False,)  # linear logits


def _jax_loss(params, X, y):
    logits = jax_training.dense_forward(params, X, _JAX_RELU)
    return jax_modules()[2].losses.softmax_cross_entropy_with_integer_labels(logits, y).mean()


def jax_mlp(p: Problem, threads: int, seed: int) -> Trained:
    # XLA sizes its CPU thread pool to the machine when it starts; `threads`
    # cannot change it afterwards (the description says so).
    sizes = (p.X_train.shape[1], *HIDDEN, N_CLASSES)
    network = jax_training.train(_jax_loss, sizes, p.X_train, p.y_train,
                                 batch_size=p.batch_size, epochs=p.epochs, seed=seed,
                                 adam=(LEARNING_RATE, *BETAS, EPS))

    def predict(X_new):
        return jax_training.apply(network.params, X_new, _JAX_RELU).argmax(axis=1)

    return Trained(predict, network.compile_s)


def sklearn_mlp(p: Problem, threads: int, seed: int) -> Trained:
    # No n_jobs in scikit-learn's MLP; the harness caps its BLAS pool.
    model = sklearn_nn.MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=p.batch_size,
        learning_rate_init=LEARNING_RATE,
        beta_1=BETAS[0],
        beta_2=BETAS[1],
        epsilon=EPS,
        max_iter=p.epochs,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=p.epochs + 1,
        early_stopping=False,
        random_state=seed,
    )
    with warnings.catch_warnings():
        # max_iter epochs are what is asked for, not a failure to converge.
        warnings.simplefilter("ignore", sklearn_exceptions.ConvergenceWarning)
        model.fit(p.X_train, p.y_train)
    return Trained(model.predict)


def contenders(batch_size: int) -> dict:
    """zoo first, then the references that are installed."""
    runs = {"zoo": zoo_mlp}
    if HAVE_TORCH:
        runs["PyTorch"] = torch_mlp
    if HAVE_JAX:
        runs["JAX (jit epoch)"] = jax_mlp
    if sklearn_nn is not None:
        runs["scikit-learn"] = sklearn_mlp
    return runs


def _description(batch_size: int) -> str:
    text = (
        f"MLP training, {EPOCHS} epochs from a fresh model, time per epoch: "
        f"784-256-128-10 ReLU network, softmax cross-entropy, Adam (lr 1e-3, betas "
        f"0.9/0.999, eps 1e-8), batch size {batch_size}, mini-batches reshuffled every "
        "epoch, float32. Data: make_classification(70,000, 784, n_classes=10, "
        "n_informative=16, n_clusters_per_class=6, class_sep=1.5, noise=0.5, seed 0), "
        "the first 60,000 points to train, the last 10,000 for the test accuracy, "
        "which is computed untimed. Glorot-uniform weights and zero biases (PyTorch's "
        "initialisation is set to that; scikit-learn draws its biases from the same "
        "uniform as its weights). PyTorch: a plain loop over index permutations, "
        "torch.set_num_threads(threads). JAX (with optax's Adam): " + jax_training.DESCRIPTION
        + " scikit-learn: MLPClassifier(solver='adam', "
        f"alpha=0, max_iter={EPOCHS}, tol=0, no early stopping). " + _flops_note()
    )
    return text


def _flops_note() -> str:
    return (
        "Training FLOPs per epoch (bench_nn.flops_per_epoch: 2 x n x (3 x sum of "
        f"n_in x n_out - 784 x 256), the matrix products only): {flops_per_epoch() / 1e9:.1f} "
        "GFLOP, so GFLOP/s = that / (s/epoch)."
    )


CASES = [
    Case(
        name=f"mlp-784-256-128-10-b{batch_size}",
        description=_description(batch_size),
        setup=problem_setup(batch_size),
        contenders=contenders(batch_size),
        quality=accuracy_quality,
        compare=("accuracy",),
        per=EPOCHS,
        unit="epoch",
    )
    for batch_size in BATCH_SIZES
]
