"""zoo.supervised.linear: LinearRegression, Ridge, Lasso, ElasticNet against
NumPy/LAPACK references and scikit-learn; solver choice; errors; persistence."""

import pickle
import warnings

import numpy as np
import pytest

import zoo
from zoo import NotFittedError
from zoo.supervised.linear import ElasticNet, Lasso, LinearRegression, Ridge

DTYPES = [np.float32, np.float64]
# Agreement expected of a result computed in float64 and returned in dtype.
RTOL = {np.float32: 2e-5, np.float64: 1e-9}


def make_problem(n=300, d=6, k=None, seed=0, offset=3.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 5.0, d) + offset
    coef = rng.normal(size=(d,) if k is None else (d, k))
    y = X @ coef + 1.5 + 0.3 * rng.normal(size=(n,) if k is None else (n, k))
    weight = rng.uniform(0.2, 2.0, n)
    return X, y, weight


def lstsq_reference(X, y, weight=None, fit_intercept=True):
    """Weighted least squares through NumPy's lstsq (LAPACK gelsd)."""
    w = np.ones(len(X)) if weight is None else np.asarray(weight, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if fit_intercept:
        x_mean, y_mean = w @ X / w.sum(), w @ y / w.sum()
    else:
        x_mean, y_mean = np.zeros(X.shape[1]), np.zeros(y.shape[1:])
    root = np.sqrt(w)
    Xc = (X - x_mean) * root[:, None]
    yc = (y - y_mean) * (root if y.ndim == 1 else root[:, None])
    coef = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    return coef.T, y_mean - x_mean @ coef


def ridge_reference(X, y, alpha, weight):
    X, y = X.astype(np.float64), y.astype(np.float64)
    x_mean, y_mean = weight @ X / weight.sum(), weight @ y / weight.sum()
    Xc, yc = X - x_mean, y - y_mean
    coef = np.linalg.solve((Xc * weight[:, None]).T @ Xc + alpha * np.eye(X.shape[1]), (Xc * weight[:, None]).T @ yc)
    return coef.T, y_mean - x_mean @ coef


def enet_objective(model, X, y, weight, alpha, l1_ratio):
    """scikit-learn's elastic-net objective, in float64."""
    r = y - X @ model.coef_.astype(np.float64) - model.intercept_
    b = model.coef_.astype(np.float64)
    return (
        0.5 * weight @ r**2 / weight.sum()
        + alpha * l1_ratio * np.abs(b).sum()
        + 0.5 * alpha * (1 - l1_ratio) * b @ b
    )


# ------------------------------------------------------------ least squares


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", ["auto", "cholesky", "qr", "svd"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_least_squares_matches_lstsq(dtype, solver, fit_intercept):
    X, y, weight = make_problem()
    X, y = X.astype(dtype), y.astype(dtype)
    model = LinearRegression(solver=solver, fit_intercept=fit_intercept).fit(X, y, sample_weight=weight)
    coef, intercept = lstsq_reference(X, y, weight.astype(dtype), fit_intercept)
    assert model.coef_.dtype == dtype and model.coef_.shape == (6,)
    np.testing.assert_allclose(model.coef_, coef, rtol=RTOL[dtype], atol=RTOL[dtype])
    np.testing.assert_allclose(model.intercept_, intercept, rtol=RTOL[dtype], atol=10 * RTOL[dtype])
    assert model.solver_ == ("cholesky" if solver == "auto" else solver)
    assert model.n_iter_ is None and model.n_features_in_ == 6


@pytest.mark.parametrize("solver", ["auto", "qr", "svd", "cholesky"])
def test_multi_output_least_squares(solver):
    X, Y, weight = make_problem(k=3)
    model = LinearRegression(solver=solver).fit(X, Y, sample_weight=weight)
    coef, intercept = lstsq_reference(X, Y, weight)
    assert model.coef_.shape == (3, 6) and model.intercept_.shape == (3,)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-9)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-9)
    assert model.predict(X[:5]).shape == (5, 3)


def test_rank_deficient_data_get_the_minimum_norm_solution():
    X, y, weight = make_problem()
    X = np.hstack([X, X[:, :2] @ [[2.0], [-1.0]]])  # a column that is a combination of two others
    model = LinearRegression().fit(X, y, sample_weight=weight)
    coef, intercept = lstsq_reference(X, y, weight)
    assert model.solver_ == "svd" and model.rank_ == 6
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-8)
    assert LinearRegression(solver="qr").fit(X, y, sample_weight=weight).solver_ == "svd"
    with pytest.raises(ValueError, match="cholesky.*singular"):
        LinearRegression(solver="cholesky").fit(X, y)


def test_ill_conditioned_data_leave_the_normal_equations():
    rng = np.random.default_rng(3)
    t = rng.uniform(0, 1, 400)
    X = np.vander(t, 9, increasing=True)[:, 1:]  # monomials: condition ~1e5 after centring
    y = np.sin(4 * t) + 0.01 * rng.normal(size=400)
    model = LinearRegression().fit(X, y)
    assert model.solver_ == "qr"
    coef, intercept = lstsq_reference(X, y)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-7)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-9)


def test_more_features_than_samples():
    X, y, _ = make_problem(n=8, d=20)
    model = LinearRegression().fit(X, y)
    coef, intercept = lstsq_reference(X, y)
    assert model.solver_ == "svd" and model.rank_ == 7
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(model.predict(X), y, rtol=1e-8)


def test_constant_feature_and_single_sample():
    X, y, _ = make_problem()
    X[:, 2] = 4.0
    model = LinearRegression().fit(X, y)
    assert abs(model.coef_[2]) < 1e-12 and model.solver_ == "svd"
    np.testing.assert_allclose(model.coef_, lstsq_reference(X, y)[0], atol=1e-9)
    one = LinearRegression().fit(X[:1], y[:1])
    assert not one.coef_.any() and one.intercept_ == pytest.approx(y[0])


def test_data_far_from_the_origin_keep_their_accuracy():
    # Centring happens before any product, so an offset of 1e7 costs nothing.
    X, y, weight = make_problem(offset=0.0)
    shifted = X + 1e7
    for model in (LinearRegression(), Ridge(alpha=1.0), Lasso(alpha=0.1, tol=1e-12)):
        near = type(model)(**model.get_params()).fit(X, y, sample_weight=weight)
        far = type(model)(**model.get_params()).fit(shifted, y, sample_weight=weight)
        np.testing.assert_allclose(far.coef_, near.coef_, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(far.predict(shifted), near.predict(X), rtol=1e-7, atol=1e-6)


def test_agrees_with_scikit_learn():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, Y, weight = make_problem(k=2)
    ours = LinearRegression().fit(X, Y, sample_weight=weight)
    theirs = linear_model.LinearRegression().fit(X, Y, sample_weight=weight)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-9)
    assert ours.score(X, Y, weight) == pytest.approx(theirs.score(X, Y, weight), rel=1e-12)


def test_integer_weights_equal_repeated_rows():
    X, y, _ = make_problem(n=60)
    counts = np.random.default_rng(1).integers(0, 3, 60)
    for model in (LinearRegression(), Ridge(2.0), Lasso(0.05, tol=1e-10), ElasticNet(0.05, tol=1e-10, precompute=False)):
        weighted = type(model)(**model.get_params()).fit(X, y, sample_weight=counts)
        repeated = type(model)(**model.get_params()).fit(np.repeat(X, counts, 0), np.repeat(y, counts))
        np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-7)


def test_same_threads_same_bits_and_threads_agree():
    X, y, weight = make_problem(n=5000, d=20)
    a = LinearRegression(n_jobs=2).fit(X, y, sample_weight=weight)
    b = LinearRegression(n_jobs=2).fit(X, y, sample_weight=weight)
    c = LinearRegression(n_jobs=1).fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_allclose(a.coef_, c.coef_, rtol=1e-10)


# -------------------------------------------------------------------- ridge


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd"])
def test_ridge_matches_closed_form(dtype, solver):
    X, y, weight = make_problem()
    X, y, weight = X.astype(dtype), y.astype(dtype), weight.astype(dtype)
    model = Ridge(alpha=50.0, solver=solver).fit(X, y, sample_weight=weight)
    coef, intercept = ridge_reference(X, y, 50.0, weight.astype(np.float64))
    assert model.coef_.dtype == dtype
    np.testing.assert_allclose(model.coef_, coef, rtol=RTOL[dtype])
    np.testing.assert_allclose(model.intercept_, intercept, rtol=RTOL[dtype])


def test_ridge_per_target_alpha_and_scikit_learn():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, Y, weight = make_problem(k=3)
    alphas = np.array([0.1, 10.0, 10.0])
    for solver in ("cholesky", "svd"):
        ours = Ridge(alpha=alphas, solver=solver).fit(X, Y, sample_weight=weight)
        theirs = linear_model.Ridge(alpha=alphas, solver=solver).fit(X, Y, sample_weight=weight)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-8)
    for t, alpha in enumerate(alphas):
        np.testing.assert_allclose(ours.coef_[t], ridge_reference(X, Y[:, t], alpha, weight)[0], rtol=1e-8)


def test_ridge_without_penalty_on_singular_data_uses_the_svd():
    X, y, _ = make_problem(n=8, d=20)
    model = Ridge(alpha=0.0).fit(X, y)
    assert model.solver_ == "svd"
    np.testing.assert_allclose(model.coef_, lstsq_reference(X, y)[0], rtol=1e-7, atol=1e-10)
    with pytest.raises(ValueError, match="cholesky"):
        Ridge(alpha=0.0, solver="cholesky").fit(X, y)
    # One target's alpha takes the SVD, the other's Cholesky.
    Y = np.column_stack([y, -y])
    both = Ridge(alpha=[5.0, 0.0]).fit(X, Y)
    assert both.solver_ == "svd"
    np.testing.assert_allclose(both.coef_[0], ridge_reference(X, y, 5.0, np.ones(len(y)))[0], rtol=1e-8)
    np.testing.assert_allclose(both.coef_[1], -lstsq_reference(X, y)[0], rtol=1e-7, atol=1e-10)


# ------------------------------------------------------ lasso, elastic net


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("precompute", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_enet_agrees_with_scikit_learn(dtype, precompute, l1_ratio):
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y, weight = make_problem(n=400, d=12)
    X, y = X.astype(dtype), y.astype(dtype)
    alpha = 1.0
    # float32 columns carry float32 residuals: their duality gap stalls near 1e-8.
    tol = 1e-10 if dtype == np.float64 or precompute else 1e-7
    params = dict(alpha=alpha, l1_ratio=l1_ratio, max_iter=10_000)
    ours = ElasticNet(precompute=precompute, tol=tol, **params).fit(X, y, sample_weight=weight)
    theirs = linear_model.ElasticNet(tol=1e-12, **params).fit(
        X.astype(np.float64), y.astype(np.float64), sample_weight=weight
    )
    assert ours.coef_.dtype == dtype
    agree = 1e-8 if dtype == np.float64 else 1e-3
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=agree, atol=agree)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=agree)
    mine = enet_objective(ours, X.astype(np.float64), y.astype(np.float64), weight, alpha, l1_ratio)
    reference = enet_objective(theirs, X.astype(np.float64), y.astype(np.float64), weight, alpha, l1_ratio)
    assert mine <= reference * (1 + (1e-10 if dtype == np.float64 else 1e-6))
    assert 0 < np.count_nonzero(ours.coef_) == np.count_nonzero(theirs.coef_) < 12


@pytest.mark.parametrize("precompute", [True, False])
def test_lasso_solution_meets_the_optimality_conditions(precompute):
    X, y, weight = make_problem(n=400, d=15)
    alpha = 0.5
    model = Lasso(alpha=alpha, precompute=precompute, tol=1e-12, max_iter=10_000).fit(X, y, sample_weight=weight)
    r = y - model.predict(X)
    correlation = (X - weight @ X / weight.sum()).T @ (weight * r) / weight.sum()
    active = model.coef_ != 0
    assert 0 < active.sum() < 15
    # KKT: X^T W r / sum w = alpha sign(b) on the support, |.| <= alpha off it.
    np.testing.assert_allclose(correlation[active], alpha * np.sign(model.coef_[active]), rtol=1e-7)
    assert np.all(np.abs(correlation[~active]) <= alpha * (1 + 1e-9))
    assert model.dual_gap_ <= 1e-12 * (weight @ (y - weight @ y / weight.sum()) ** 2) / weight.sum()
    assert 1 <= model.n_iter_ < 10_000


def test_random_selection_positive_and_warm_start():
    X, y, _ = make_problem(n=400, d=12)
    cyclic = Lasso(alpha=0.1, tol=1e-12, max_iter=10_000).fit(X, y)
    shuffled = Lasso(alpha=0.1, tol=1e-12, max_iter=10_000, selection="random", random_state=0).fit(X, y)
    np.testing.assert_allclose(shuffled.coef_, cyclic.coef_, rtol=1e-7, atol=1e-9)
    again = Lasso(alpha=0.1, tol=1e-12, max_iter=10_000, selection="random", random_state=0).fit(X, y)
    np.testing.assert_array_equal(again.coef_, shuffled.coef_)

    positive = Lasso(alpha=0.1, positive=True, tol=1e-10).fit(X, y)
    assert np.all(positive.coef_ >= 0) and np.any(cyclic.coef_ < 0)
    linear_model = pytest.importorskip("sklearn.linear_model")
    theirs = linear_model.Lasso(alpha=0.1, positive=True, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(positive.coef_, theirs.coef_, rtol=1e-7, atol=1e-9)

    warm = Lasso(alpha=0.1, tol=1e-12, max_iter=10_000, warm_start=True).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_ <= 2
    np.testing.assert_allclose(warm.coef_, cyclic.coef_, rtol=1e-9, atol=1e-12)


def test_multi_output_lasso_fits_each_target():
    X, Y, weight = make_problem(k=2)
    both = ElasticNet(alpha=0.3, tol=1e-10).fit(X, Y, sample_weight=weight)
    assert both.coef_.shape == (2, 6) and len(both.n_iter_) == 2 and both.dual_gap_.shape == (2,)
    for t in range(2):
        one = ElasticNet(alpha=0.3, tol=1e-10).fit(X, Y[:, t], sample_weight=weight)
        np.testing.assert_allclose(both.coef_[t], one.coef_, rtol=1e-12)
        assert both.intercept_[t] == pytest.approx(one.intercept_)


def test_huge_alpha_gives_zero_coefficients_and_no_iterations_wasted():
    X, y, _ = make_problem()
    model = Lasso(alpha=1e6).fit(X, y)
    assert not model.coef_.any() and model.intercept_ == pytest.approx(y.mean()) and model.n_iter_ == 1


def test_convergence_warning_when_max_iter_is_too_small():
    X, y, _ = make_problem(n=400, d=12)
    with pytest.warns(UserWarning, match="did not converge"):
        Lasso(alpha=0.01, tol=1e-14, max_iter=2, precompute=False).fit(X, y)


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "model, message",
    [
        (Ridge(alpha=-1.0), "alpha"),
        (Lasso(alpha=-0.1), "alpha"),
        (ElasticNet(l1_ratio=1.5), "l1_ratio"),
        (LinearRegression(solver="lu"), "solver"),
        (Ridge(solver="qr"), "solver"),
        (Lasso(selection="sometimes"), "selection"),
        (Lasso(max_iter=0), "max_iter"),
        (LinearRegression(solver="gd"), "solver"),
        (Ridge(alpha=[1.0, 2.0, 3.0]), "alpha"),
        (Ridge(alpha=[1.0, -2.0]), "alpha"),
        (LinearRegression(fit_intercept="yes"), "fit_intercept"),
        (LinearRegression(n_jobs=0), "n_jobs"),
    ],
)
def test_bad_parameters_are_named(model, message):
    X, Y, _ = make_problem(k=2)
    with pytest.raises(ValueError, match=message):
        model.fit(X, Y)


@pytest.mark.parametrize("Model", [LinearRegression, Ridge, Lasso, ElasticNet])
def test_bad_data_is_refused_clearly(Model):
    X, y, _ = make_problem()
    with pytest.raises(ValueError, match="requires y"):
        Model().fit(X, None)
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        Model().fit(X, y[:-1])
    bad = y.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Model().fit(X, bad)
    with pytest.raises(ValueError, match="negative"):
        Model().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(NotFittedError):
        Model().predict(X)
    model = Model().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


# --------------------------------------------------- contract, persistence


@pytest.mark.parametrize(
    "model",
    [LinearRegression(), Ridge(alpha=0.5), Lasso(alpha=0.1), ElasticNet(alpha=0.1)],
)
def test_save_load_and_pickle_round_trip(model, tmp_path):
    X, y, _ = make_problem()
    model.fit(X, y)
    loaded = zoo.load(model.save(tmp_path / "model.zoo"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.get_params().keys() == model.get_params().keys()
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict(X), model.predict(X))


@pytest.mark.parametrize("Model", [LinearRegression, Ridge, Lasso, ElasticNet])
def test_passes_scikit_learn_estimator_checks(Model):
    estimator_checks = pytest.importorskip("sklearn.utils.estimator_checks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = estimator_checks.check_estimator(Model(), on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
    assert not failed


# ---------------------------------------------------------------- positive=True


def _positive_problem(n=400, d=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + 0.5 * rng.normal(size=(n, 1))  # correlated columns
    coef = rng.normal(size=d)  # about half negative: the constraint binds
    return X, X @ coef + 3.0 + 0.1 * rng.normal(size=n), rng.uniform(0.2, 2.0, n)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_positive_least_squares_is_scipys_nnls(fit_intercept):
    optimize = pytest.importorskip("scipy.optimize")
    X, y, weight = _positive_problem()
    model = LinearRegression(positive=True, fit_intercept=fit_intercept).fit(X, y, sample_weight=weight)
    root = np.sqrt(weight)
    if fit_intercept:
        x_mean, y_mean = weight @ X / weight.sum(), weight @ y / weight.sum()
        expected, _ = optimize.nnls(root[:, None] * (X - x_mean), root * (y - y_mean))
        assert model.intercept_ == pytest.approx(y_mean - x_mean @ expected, rel=1e-9)
    else:
        expected, _ = optimize.nnls(root[:, None] * X, root * y)
    assert (model.coef_ >= 0).all() and (model.coef_ == 0).sum() >= 3
    np.testing.assert_allclose(model.coef_, expected, rtol=1e-8, atol=1e-10)
    assert model.solver_ == "nnls" and model.n_iter_ >= 1


def test_positive_ridge_minimises_the_penalised_objective():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y, _ = _positive_problem(seed=1)
    ours = Ridge(alpha=5.0, positive=True).fit(X, y)
    theirs = linear_model.Ridge(alpha=5.0, positive=True, tol=1e-10).fit(X, y)

    def objective(model):
        return np.sum((y - X @ model.coef_ - model.intercept_) ** 2) + 5.0 * model.coef_ @ model.coef_

    assert (ours.coef_ >= 0).all()
    assert objective(ours) <= objective(theirs) * (1 + 1e-9)  # exact, where L-BFGS-B is approximate
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-4)
    # Two targets with their own alphas, each solved on its own.
    both = Ridge(alpha=[5.0, 0.5], positive=True).fit(X, np.column_stack([y, -y]))
    np.testing.assert_allclose(both.coef_[0], ours.coef_, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(both.coef_[1] >= 0, True)


def test_positive_errors_and_no_binding_constraint():
    X, y, _ = _positive_problem()
    with pytest.raises(ValueError, match="solver='auto'"):
        LinearRegression(positive=True, solver="qr").fit(X, y)
    with pytest.raises(ValueError, match="solver='auto'"):
        Ridge(positive=True, solver="cholesky").fit(X, y)
    y_up = X @ np.linspace(0.5, 2.0, X.shape[1]) + 1.0  # a non-negative truth: the constraint is inactive
    np.testing.assert_allclose(LinearRegression(positive=True).fit(X, y_up).coef_,
                               LinearRegression().fit(X, y_up).coef_, rtol=1e-9)
