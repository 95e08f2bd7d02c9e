"""Linear regression: zoo's LinearRegression, Ridge, Lasso and ElasticNet
against scikit-learn and scikit-learn-intelex (oneDAL).

Every library fits the same float64 array with the same parameters. Quality
is judged by one helper in float64 from each library's coefficients: the
objective each estimator minimises, and the largest coefficient difference
from a reference solution computed untimed (NumPy's lstsq for least
squares, the normal equations for ridge; zoo's coordinate descent run to a
duality gap of 1e-12 for the lasso and elastic net, which the other
libraries' results are measured against too).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.supervised.linear import ElasticNet, LinearRegression, Ridge

from .harness import Case, installed, optional_module
from .peers import sklearnex_class, sklearnex_threads

sklearn_linear = optional_module("sklearn.linear_model")
LIBRARIES = {"scikit-learn": sklearn_linear}

DATA_SEED = 0
TOL = 1e-4  # scikit-learn's default duality-gap tolerance, for every library
RIDGE_ALPHA = 1.0


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


@lru_cache(maxsize=2)
def ridge_problem(quick: bool) -> Problem:
    """The least-squares data. Ridge minimises ||y - X b - b0||^2 + a ||b||^2,
    which is 2n times `objective` with alpha = a / n and l1_ratio = 0: the
    Problem stores that alpha, so one helper scores every case."""
    X, y = least_squares_problem(quick).X, least_squares_problem(quick).y
    Xc = X - X.mean(0)
    # Well conditioned (independent columns): the normal equations in
    # float64 are as exact as lstsq here.
    reference = np.linalg.solve(Xc.T @ Xc + RIDGE_ALPHA * np.eye(X.shape[1]), Xc.T @ (y - y.mean()))
    return Problem(X, y, RIDGE_ALPHA / len(y), 0.0, reference)


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


def sklearnex_least_squares(p: Problem, threads: int, seed: int) -> Fitted:
    # oneDAL's normal equations, on its TBB threads (threadpoolctl does not
    # see them).
    sklearnex_threads(threads)
    model = sklearnex_class("linear_model", "LinearRegression")().fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, None)


def zoo_ridge(p: Problem, threads: int, seed: int) -> Fitted:
    # solver="auto": Cholesky on the scaled normal equations here.
    model = Ridge(alpha=RIDGE_ALPHA, n_jobs=threads).fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, None)


def sklearn_ridge(p: Problem, threads: int, seed: int) -> Fitted:
    # Its fastest solver for a dense, tall X (and what "auto" picks): X^T X
    # + alpha I by BLAS, then a Cholesky solve.
    model = sklearn_linear.Ridge(alpha=RIDGE_ALPHA, solver="cholesky").fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, None)


def sklearnex_ridge(p: Problem, threads: int, seed: int) -> Fitted:
    # oneDAL's normal equations; scikit-learn-intelex accelerates only
    # solver="auto" (any other falls back to scikit-learn).
    sklearnex_threads(threads)
    model = sklearnex_class("linear_model", "Ridge")(alpha=RIDGE_ALPHA).fit(p.X, p.y)
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


def sklearnex_enet(p: Problem, threads: int, seed: int) -> Fitted:
    # daal4py's Lasso and ElasticNet (scikit-learn-intelex exports neither):
    # oneDAL's coordinate descent, scikit-learn's default parameters
    # (precompute=False; oneDAL uses a Gram matrix only when one is given).
    # Lasso for l1_ratio = 1, the class a user would pick.
    sklearnex_threads(threads)
    if p.l1_ratio == 1.0:
        model = sklearnex_class("linear_model", "Lasso")(alpha=p.alpha, tol=TOL)
    else:
        model = sklearnex_class("linear_model", "ElasticNet")(alpha=p.alpha, l1_ratio=p.l1_ratio, tol=TOL)
    model.fit(p.X, p.y)
    return Fitted(model.coef_, model.intercept_, int(model.n_iter_))  # oneDAL's count is a NumPy uint64


def _with_sklearnex(contenders: dict, name: str, run) -> dict:
    """``contenders`` plus scikit-learn-intelex's ``name`` estimator, when it has one."""
    if sklearnex_class("linear_model", name) is None:
        return contenders
    return {**contenders, "scikit-learn-intelex": run}


LEAST_SQUARES_CONTENDERS = _with_sklearnex(
    installed(LIBRARIES, {"zoo": zoo_least_squares, "scikit-learn": sklearn_least_squares}),
    "LinearRegression", sklearnex_least_squares,
)
RIDGE_CONTENDERS = _with_sklearnex(
    installed(LIBRARIES, {"zoo": zoo_ridge, "scikit-learn": sklearn_ridge}), "Ridge", sklearnex_ridge
)
ENET_CONTENDERS = _with_sklearnex(
    installed(
        LIBRARIES,
        {"zoo": zoo_enet, "scikit-learn": sklearn_enet, "scikit-learn (precompute=True)": sklearn_enet_gram},
    ),
    "ElasticNet", sklearnex_enet,
)

CASES = [
    Case(
        name="linear-regression-100k",
        description=(
            "LinearRegression: 100,000 × 200 float64, every feature informative, noise sd 3, "
            "off-centre features (seed 0). zoo: solver='auto' (Cholesky on the scaled normal "
            "equations here; the condition estimate allows it). scikit-learn: SciPy's lstsq (gelsd). "
            "scikit-learn-intelex: oneDAL's normal equations. max_coef_error is against NumPy's lstsq."
        ),
        setup=least_squares_problem,
        contenders=LEAST_SQUARES_CONTENDERS,
        quality=linear_quality,
        compare=("objective",),
    ),
    Case(
        name="ridge-100k-200",
        description=(
            "Ridge, alpha=1.0: the linear-regression-100k data (100,000 × 200 float64). zoo: "
            "solver='auto' (Cholesky on the scaled normal equations here). scikit-learn: "
            "solver='cholesky', its fastest for a dense tall X (X^T X + alpha I, then a Cholesky "
            "solve). scikit-learn-intelex: oneDAL's normal equations (solver='auto', the only one it "
            "accelerates). objective is Ridge's ||y - Xb - b0||^2 + alpha ||b||^2 divided by 2n; "
            "max_coef_error is against the float64 normal equations solved by NumPy."
        ),
        setup=ridge_problem,
        contenders=RIDGE_CONTENDERS,
        quality=linear_quality,
        compare=("objective",),
    ),
    Case(
        name="lasso-100k-500",
        description=(
            "Lasso as ElasticNet(l1_ratio=1), alpha=0.02, tol=1e-4: 100,000 × 500 float64 with "
            "correlated columns, 50 informative (seed 0). zoo: coordinate descent on the Gram "
            "matrix (precompute='auto'); scikit-learn: its default precompute=False, and "
            "precompute=True; scikit-learn-intelex: daal4py's Lasso (oneDAL's coordinate descent, "
            "tol=1e-4 read by oneDAL's own stopping rule). max_coef_error is against "
            "zoo run to a duality gap of 1e-12."
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
            "Contenders and reference as there (daal4py's ElasticNet for scikit-learn-intelex)."
        ),
        setup=elastic_net_problem,
        contenders=ENET_CONTENDERS,
        quality=linear_quality,
        compare=("objective",),
    ),
]
