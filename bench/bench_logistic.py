"""Logistic regression: zoo.LogisticRegression against scikit-learn and, for
the l2 case, scikit-learn-intelex (oneDAL).

Every library fits the same standardised float64 array with the same C and
tol, and is judged on the same objective, scikit-learn's
sum_i loss_i / n + penalty(W) / (C n), evaluated here by one helper in
float64 from each library's coefficients, and on the accuracy on held-out
rows. Both exact solvers stop on the gradient's max-norm (tol=1e-4), so the
objectives agree to about 1e-6 relative; the ratio column shows it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.datasets import make_classification
from zoo.supervised.logistic import LogisticRegression, penalised_objective

from .harness import Case, installed, optional_module
from .peers import sklearnex_class, sklearnex_threads

sklearn_linear = optional_module("sklearn.linear_model")
LIBRARIES = {"scikit-learn": sklearn_linear}

DATA_SEED = 0
TOL = 1e-4


@dataclass(frozen=True)
class Problem:
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    C: float
    penalty: str
    max_iter: int


@dataclass(frozen=True)
class Fitted:
    """What every contender hands back: a fitted model with classes_,
    coef_ and intercept_, and its iteration count."""

    model: object
    n_iter: int


def logistic_quality(p: Problem, result: Fitted) -> dict:
    model = result.model
    return {
        "objective": penalised_objective(model, p.X, p.y, C=p.C, penalty=p.penalty),
        "test_accuracy": float(np.mean(model.predict(p.X_test) == p.y_test)),
        "n_iter": result.n_iter,
    }


def _split(n_train, n_test, n_features, n_classes, n_informative, noise):
    X, y = make_classification(
        n_train + n_test,
        n_features,
        n_classes=n_classes,
        n_informative=n_informative,
        noise=noise,
        random_state=DATA_SEED,
    )
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@lru_cache(maxsize=2)
def multinomial_l2_problem(quick: bool) -> Problem:
    # zoo's make_classification embeds 20 latent dimensions into 100
    # correlated, standardised features: scikit-learn's lbfgs needs about 60
    # iterations, a few seconds, to reach tol=1e-4 here.
    shape = (2_000, 500, 10, 3, 5, 0.1) if quick else (100_000, 20_000, 100, 10, 20, 0.1)
    return Problem(*_split(*shape), C=1.0, penalty="l2", max_iter=1000)


@lru_cache(maxsize=2)
def multinomial_l1_problem(quick: bool) -> Problem:
    shape = (2_000, 500, 10, 3, 5, 0.1) if quick else (20_000, 5_000, 50, 5, 10, 0.1)
    return Problem(*_split(*shape), C=0.1, penalty="l1", max_iter=1000)


# ---------------------------------------------------------- contenders


def zoo_logistic(p: Problem, threads: int, seed: int) -> Fitted:
    model = LogisticRegression(penalty=p.penalty, C=p.C, tol=TOL, max_iter=p.max_iter, n_jobs=threads)
    model.fit(p.X, p.y)
    return Fitted(model, int(model.n_iter_[0]))


def sklearn_logistic(p: Problem, threads: int, seed: int) -> Fitted:
    # lbfgs for l2; saga, its only multinomial l1 solver, for l1. The
    # harness caps its BLAS and OpenMP pools at `threads`.
    solver = "lbfgs" if p.penalty == "l2" else "saga"
    l1_ratio = 0.0 if p.penalty == "l2" else 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `penalty` is deprecated from 1.8: l1_ratio says the same
        model = sklearn_linear.LogisticRegression(
            C=p.C, l1_ratio=l1_ratio, solver=solver, tol=TOL, max_iter=p.max_iter, random_state=seed
        ).fit(p.X, p.y)
    return Fitted(model, int(np.max(model.n_iter_)))


def sklearnex_logistic(p: Problem, threads: int, seed: int) -> Fitted:
    # SciPy's L-BFGS-B driving oneDAL's multinomial loss and gradient (on TBB
    # threads threadpoolctl does not see): lbfgs is the solver it accelerates
    # on the CPU (newton-cg only in its preview mode). It has no l1: its l1
    # fit would be scikit-learn's saga, so the l1 case leaves it out.
    sklearnex_threads(threads)
    model = sklearnex_class("linear_model", "LogisticRegression")(
        C=p.C, solver="lbfgs", tol=TOL, max_iter=p.max_iter, random_state=seed
    ).fit(p.X, p.y)
    return Fitted(model, int(np.max(model.n_iter_)))


CONTENDERS = installed(LIBRARIES, {"zoo": zoo_logistic, "scikit-learn": sklearn_logistic})
L2_CONTENDERS = dict(CONTENDERS)
if sklearnex_class("linear_model", "LogisticRegression") is not None:
    L2_CONTENDERS["scikit-learn-intelex"] = sklearnex_logistic

CASES = [
    Case(
        name="logistic-multinomial-l2-100k",
        description=(
            "LogisticRegression, multinomial, l2 (C=1): 100,000 × 100 float64 training rows, "
            "10 classes, from zoo.datasets.make_classification(n_informative=20, noise=0.1, "
            "seed 0; standardised); accuracy on 20,000 further rows. tol=1e-4, max_iter=1000. "
            "zoo: solver 'auto' (L-BFGS in C++). scikit-learn: lbfgs. scikit-learn-intelex: "
            "lbfgs on oneDAL's loss and gradient. The objective is scikit-learn's, computed for "
            "every library from its coefficients."
        ),
        setup=multinomial_l2_problem,
        contenders=L2_CONTENDERS,
        quality=logistic_quality,
        compare=("objective",),
    ),
    Case(
        name="logistic-multinomial-l1-20k",
        description=(
            "LogisticRegression, multinomial, l1 (C=0.1): 20,000 × 50 float64 rows, 5 classes, "
            "make_classification(n_informative=10, noise=0.1, seed 0); accuracy on 5,000 further "
            "rows. tol=1e-4, max_iter=1000. zoo: solver 'auto' (FISTA in C++, stopping on the "
            "gradient mapping). scikit-learn: saga (its only multinomial l1 solver; it stops on "
            "the relative change of the coefficients)."
        ),
        setup=multinomial_l1_problem,
        contenders=CONTENDERS,
        quality=logistic_quality,
        compare=("objective",),
    ),
]
