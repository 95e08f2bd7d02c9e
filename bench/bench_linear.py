"""Linear regression: zoo's LinearRegression, Lasso and ElasticNet against
scikit-learn.

Every library fits the same float64 array with the same parameters. Quality
is judged by one helper in float64 from each library's coefficients: the
objective each estimator minimises, and the largest coefficient difference
from a reference solution computed untimed (NumPy's lstsq for least
squares; zoo's coordinate descent run to a duality gap of 1e-12 for the
lasso and elastic net, which scikit-learn's result is measured against too).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.supervised.linear import ElasticNet, LinearRegression

from .harness import Case, installed, optional_module

sklearn_linear = optional_module("sklearn.linear_model")
LIBRARIES = {"scikit-learn": sklearn_linear}

DATA_SEED = 0
TOL = 1e-4  # scikit-learn's default duality-gap tolerance, for both libraries


@dataclass(frozen=True)
class Problem:
    X: np.ndarray
    y: np.ndarray
    alpha: float  # 0 for least squares
    l1_ratio: float
    reference: np.ndarray  # coefficients of the exact optimum


@dataclass(frozen=True)
class Fitted:
    coef: np.ndarray
    intercept: float
    n_iter: int | None


def objective(p: Problem, coef, intercept) -> float:
    """scikit-learn's objective: 1/(2n) ||y - X b - b0||^2 + alpha l1_ratio ||b||_1
    + alpha (1 - l1_ratio) / 2 ||b||^2 (plain least squares for alpha = 0)."""
    coef = np.asarray(coef, dtype=np.float64)
    residual = p.y - p.X @ coef - intercept
    penalty = p.alpha * (p.l1_ratio * np.abs(coef).sum() + 0.5 * (1 - p.l1_ratio) * coef @ coef)
    return float(0.5 * residual @ residual / len(p.y) + penalty)


def linear_quality(p: Problem, result: Fitted) -> dict:
    return {
        "objective": objective(p, result.coef, result.intercept),
        "max_coef_error": float(np.abs(np.asarray(result.coef) - p.reference).max()),
        "n_iter": result.n_iter,
    }


def _regression_data(n, d, n_informative, correlated):
    rng = np.random.default_rng(DATA_SEED)
    X = rng.normal(size=(n, d))
    if correlated:
        # Each feature is its own noise plus another feature: strongly
        # correlated columns, which make coordinate descent take tens of
        # sweeps (about 70 here).
        X += X[:, rng.integers(0, d, d)]
    X += rng.uniform(-3, 3, d)  # off-centre, so the intercept matters
    beta = np.zeros(d)
    beta[rng.choice(d, n_informative, replace=False)] = 2.0 * rng.normal(size=n_informative)
    y = X @ beta + 1.0 + 3.0 * rng.normal(size=n)
    return X, y


@lru_cache(maxsize=2)
def least_squares_problem(quick: bool) -> Problem:
    n, d = (2_000, 20) if quick else (100_000, 200)
    X, y = _regression_data(n, d, d, correlated=False)
    Xc = X - X.mean(0)
    reference = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)[0]
    return Problem(X, y, 0.0, 0.0, reference)


def _enet_problem(quick, alpha, l1_ratio):
    n, d = (2_000, 50) if quick else (100_000, 500)
    X, y = _regression_data(n, d, d // 10, correlated=True)
    exact = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000, precompute=True).fit(X, y)
    return Problem(X, y, alpha, l1_ratio, exact.coef_)


@lru_cache(maxsize=2)
def lasso_problem(quick: bool) -> Problem:
    return _enet_problem(quick, alpha=0.02, l1_ratio=1.0)


@lru_cache(maxsize=2)
def elastic_net_problem(quick: bool) -> Problem:
    return _enet_problem(quick, alpha=0.05, l1_ratio=0.5)


# ---------------------------------------------------------- contenders


def zoo_least_squares(p: Problem, threads: int, seed: int) -> Fitted:
    model = LinearRegression(n_jobs=threads).fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, None)


def sklearn_least_squares(p: Problem, threads: int, seed: int) -> Fitted:
    # scikit-learn solves dense least squares with SciPy's lstsq (gelsd);
    # the harness caps its BLAS pool at `threads`.
    model = sklearn_linear.LinearRegression().fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, None)


def zoo_enet(p: Problem, threads: int, seed: int) -> Fitted:
    # precompute="auto": coordinate descent on the Gram matrix here.
    model = ElasticNet(alpha=p.alpha, l1_ratio=p.l1_ratio, tol=TOL, n_jobs=threads).fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, model.n_iter_)


def sklearn_enet(p: Problem, threads: int, seed: int) -> Fitted:
    # scikit-learn's default precompute=False: coordinate descent on the
    # columns of X.
    model = sklearn_linear.ElasticNet(alpha=p.alpha, l1_ratio=p.l1_ratio, tol=TOL).fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, model.n_iter_)


def sklearn_enet_gram(p: Problem, threads: int, seed: int) -> Fitted:
    # The same Gram-matrix route as zoo's, scikit-learn's precompute=True.
    model = sklearn_linear.ElasticNet(alpha=p.alpha, l1_ratio=p.l1_ratio, tol=TOL, precompute=True).fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, model.n_iter_)


LEAST_SQUARES_CONTENDERS = installed(LIBRARIES, {"zoo": zoo_least_squares, "scikit-learn": sklearn_least_squares})
ENET_CONTENDERS = installed(
    LIBRARIES, {"zoo": zoo_enet, "scikit-learn": sklearn_enet, "scikit-learn (precompute=True)": sklearn_enet_gram}
)

CASES = [
    Case(
        name="linear-regression-100k",
        description=(
            "LinearRegression: 100,000 × 200 float64, every feature informative, noise sd 3, "
            "off-centre features (seed 0). zoo: solver='auto' (Cholesky on the scaled normal "
            "equations here; the condition estimate allows it). scikit-learn: SciPy's lstsq (gelsd). "
            "max_coef_error is against NumPy's lstsq."
        ),
        setup=least_squares_problem,
        contenders=LEAST_SQUARES_CONTENDERS,
        quality=linear_quality,
        compare=("objective",),
    ),
    Case(
        name="lasso-100k-500",
        description=(
            "Lasso as ElasticNet(l1_ratio=1), alpha=0.02, tol=1e-4: 100,000 × 500 float64 with "
            "correlated columns, 50 informative (seed 0). zoo: coordinate descent on the Gram "
            "matrix (precompute='auto'); scikit-learn: its default precompute=False, and "
            "precompute=True. max_coef_error is against zoo run to a duality gap of 1e-12."
        ),
        setup=lasso_problem,
        contenders=ENET_CONTENDERS,
        quality=linear_quality,
        compare=("objective",),
    ),
    Case(
        name="elasticnet-100k-500",
        description=(
            "ElasticNet, alpha=0.05, l1_ratio=0.5, tol=1e-4: the lasso case's data. "
            "Contenders and reference as there."
        ),
        setup=elastic_net_problem,
        contenders=ENET_CONTENDERS,
        quality=linear_quality,
        compare=("objective",),
    ),
]
