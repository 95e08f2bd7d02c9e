"""Decision trees: zoo's DecisionTreeClassifier and DecisionTreeRegressor
against scikit-learn's.

Every library fits the same float64 training array with the same limits and
is scored, untimed, on the same held-out rows (accuracy or R²). zoo runs
with splitter="auto", which at these sizes bins every feature into 256
quantile bins and splits large nodes on histograms; scikit-learn's exact
splitter sorts every node's values. Both grow all features at every node
(max_features=None), so neither draws random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.datasets import make_classification
from zoo.supervised.tree import DecisionTreeClassifier, DecisionTreeRegressor

from .harness import Case, installed, optional_module

sklearn_tree = optional_module("sklearn.tree")
LIBRARIES = {"scikit-learn": sklearn_tree}

DATA_SEED = 0


@dataclass(frozen=True)
class Problem:
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    params: dict  # the same tree limits for every library


@dataclass(frozen=True)
class Fitted:
    predictions: np.ndarray  # on X_test
    n_leaves: int
    depth: int


def classification_quality(p: Problem, result: Fitted) -> dict:
    return {
        "accuracy": float(np.mean(result.predictions == p.y_test)),
        "n_leaves": result.n_leaves,
        "depth": result.depth,
    }


def regression_quality(p: Problem, result: Fitted) -> dict:
    residual = p.y_test - result.predictions
    total = p.y_test - p.y_test.mean()
    return {
        "r2": float(1.0 - residual @ residual / (total @ total)),
        "n_leaves": result.n_leaves,
        "depth": result.depth,
    }


# ----------------------------------------------------------------- data


@lru_cache(maxsize=2)
def classification_problem(quick: bool) -> Problem:
    # 20 features, 12 of them informative, two Gaussian clusters per class,
    # noisy enough that an unpruned tree reaches about 0.90 test accuracy.
    n_train, n_test = (2_000, 1_000) if quick else (150_000, 50_000)
    X, y = make_classification(
        n_train + n_test, 20, n_informative=12, class_sep=1.5, noise=0.5, random_state=DATA_SEED
    )
    return Problem(X[:n_train], y[:n_train], X[n_train:], y[n_train:], params={})


@lru_cache(maxsize=2)
def regression_problem(quick: bool) -> Problem:
    # Friedman's #1 function (Friedman 1991) of 5 uniform features, plus 15
    # uniform features that carry nothing, and unit Gaussian noise.
    n_train, n_test = (2_000, 1_000) if quick else (150_000, 50_000)
    rng = np.random.default_rng(DATA_SEED)
    X = rng.uniform(size=(n_train + n_test, 20))
    y = (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
        + rng.normal(size=n_train + n_test)
    )
    # Leaves of at least 5 samples: an unpruned regression tree on noisy
    # continuous targets would end in one leaf per sample.
    return Problem(X[:n_train], y[:n_train], X[n_train:], y[n_train:], params={"min_samples_leaf": 5})


# ---------------------------------------------------------- contenders


def _fitted(model, p: Problem) -> Fitted:
    return Fitted(model.predict(p.X_test), int(model.get_n_leaves()), int(model.get_depth()))


def zoo_classifier(p: Problem, threads: int, seed: int) -> Fitted:
    model = DecisionTreeClassifier(random_state=seed, n_jobs=threads, **p.params).fit(p.X, p.y)
    return _fitted(model, p)


def sklearn_classifier(p: Problem, threads: int, seed: int) -> Fitted:
    # scikit-learn's trees are single-threaded.
    model = sklearn_tree.DecisionTreeClassifier(random_state=seed, **p.params).fit(p.X, p.y)
    return _fitted(model, p)


def zoo_regressor(p: Problem, threads: int, seed: int) -> Fitted:
    model = DecisionTreeRegressor(random_state=seed, n_jobs=threads, **p.params).fit(p.X, p.y)
    return _fitted(model, p)


def sklearn_regressor(p: Problem, threads: int, seed: int) -> Fitted:
    model = sklearn_tree.DecisionTreeRegressor(random_state=seed, **p.params).fit(p.X, p.y)
    return _fitted(model, p)


CASES = [
    Case(
        name="tree-classifier-150k",
        description=(
            "DecisionTreeClassifier, unlimited depth, gini: 150,000 × 20 float64 training rows "
            "from zoo.datasets.make_classification (n_informative=12, class_sep=1.5, noise=0.5, "
            "seed 0), accuracy on 50,000 held-out rows. zoo: splitter='auto' (histograms of "
            "256 bins at nodes of 512 rows or more, exact splits below); scikit-learn: its "
            "exact 'best' splitter."
        ),
        setup=classification_problem,
        contenders=installed(LIBRARIES, {"zoo": zoo_classifier, "scikit-learn": sklearn_classifier}),
        quality=classification_quality,
        compare=("accuracy",),
    ),
    Case(
        name="tree-regressor-150k",
        description=(
            "DecisionTreeRegressor, squared error, unlimited depth, min_samples_leaf=5: "
            "150,000 × 20 float64 training rows, Friedman #1 targets of 5 uniform features "
            "plus 15 uninformative ones and unit noise (seed 0); R² on 50,000 held-out rows. "
            "Splitters as in tree-classifier-150k."
        ),
        setup=regression_problem,
        contenders=installed(LIBRARIES, {"zoo": zoo_regressor, "scikit-learn": sklearn_regressor}),
        quality=regression_quality,
        compare=("r2",),
    ),
]
