"""LogisticRegression: the C++ loss, gradient and Hessian against NumPy and
finite differences; the fitted models against optimality conditions and
scikit-learn; equivalences, errors, persistence."""

import warnings

import numpy as np
import pytest

import zoo
from zoo import _core
from zoo.supervised.logistic import LogisticRegression, penalised_objective


def _data(n=300, d=6, n_classes=3, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((n_classes, d))
    scores = X @ W.T + rng.gumbel(size=(n, n_classes)) * 1.5
    y = scores.argmax(axis=1)
    return X.astype(dtype), y


def _reference(X, y, w, theta, n_classes, fit_intercept, scale, l2):
    """NumPy: scale * sum w_i loss_i + l2/2 ||W||^2 and its gradient."""
    X = X.astype(np.float64)
    d = X.shape[1]
    W = theta[:, :d]
    b = theta[:, d] if fit_intercept else np.zeros(theta.shape[0])
    Z = X @ W.T + b
    if n_classes == 2:
        s = Z[:, 0]
        loss = np.logaddexp(0, s) - y * s
        R = (1 / (1 + np.exp(-s)) - y)[:, None]
    else:
        lse = np.logaddexp.reduce(Z, axis=1)
        loss = lse - Z[np.arange(len(y)), y]
        R = np.exp(Z - lse[:, None])
        R[np.arange(len(y)), y] -= 1
    R *= w[:, None]
    value = scale * (w @ loss) + 0.5 * l2 * (W**2).sum()
    gW = scale * R.T @ X + l2 * W
    grad = np.hstack([gW, scale * R.sum(0)[:, None]]) if fit_intercept else gW
    return value, grad


# --------------------------------------------------------------- the kernels


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_gradient_matches_numpy(n_classes, fit_intercept, dtype):
    X, y = _data(n=1000, d=7, n_classes=n_classes, dtype=dtype)
    rng = np.random.default_rng(1)
    w = rng.uniform(0.1, 2.0, X.shape[0]).astype(dtype)
    rows = 1 if n_classes == 2 else n_classes
    theta = rng.standard_normal((rows, X.shape[1] + fit_intercept))
    labels = y.astype(np.int32)
    value, grad = _core.logistic_loss_gradient(X, labels, w, theta, n_classes, fit_intercept, 1 / w.sum(), 0.3, 2)
    ref_value, ref_grad = _reference(X, labels, w.astype(np.float64), theta, n_classes, fit_intercept, 1 / w.sum(), 0.3)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(value, ref_value, rtol=rtol)
    np.testing.assert_allclose(grad, ref_grad, rtol=rtol * 10, atol=rtol)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_gradient_and_hessian_match_finite_differences(n_classes):
    X, y = _data(n=200, d=4, n_classes=n_classes)
    labels = y.astype(np.int32)
    w = np.random.default_rng(2).uniform(0.5, 1.5, X.shape[0])
    rows = 1 if n_classes == 2 else n_classes
    theta = np.random.default_rng(3).standard_normal((rows, 5))
    args = (n_classes, True, 1 / w.sum(), 0.1)

    def f(t):
        return _core.logistic_loss_gradient(X, labels, w, t, *args, 1)

    _, grad = f(theta)
    v = np.random.default_rng(4).standard_normal(theta.shape)
    h = 1e-6
    numeric = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[index] = h
        numeric[index] = (f(theta + step)[0] - f(theta - step)[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    hv = _core.logistic_hessian_vector(X, labels, w, theta, v, *args, 2)
    numeric_hv = (f(theta + h * v)[1] - f(theta - h * v)[1]) / (2 * h)
    np.testing.assert_allclose(hv, numeric_hv, rtol=1e-5, atol=1e-8)


def test_kernel_rejects_bad_arguments():
    X, y = _data(n=20, d=3, n_classes=2)
    w = np.ones(20)
    theta = np.zeros((1, 4))
    with pytest.raises(ValueError, match="class indices"):
        _core.logistic_fit(X, np.full(20, 5, np.int32), w, theta, 2, True, 0.05, 0.0, 0.0, "lbfgs", 10, 1e-4, 1)
    with pytest.raises(ValueError, match="theta"):
        _core.logistic_fit(X, y.astype(np.int32), w, np.zeros((2, 4)), 2, True, 0.05, 0.0, 0.0, "lbfgs", 10, 1e-4, 1)
    with pytest.raises(ValueError, match="fista"):
        _core.logistic_fit(X, y.astype(np.int32), w, theta, 2, True, 0.05, 0.0, 0.1, "lbfgs", 10, 1e-4, 1)


# ------------------------------------------------------ optimality and sklearn


def _gradient(model, X, y, w, C, l2_share):
    labels = np.searchsorted(model.classes_, y).astype(np.int32)
    theta = np.hstack([model.coef_, model.intercept_[:, None]]).astype(np.float64)
    scale = 1 / w.sum()
    return _reference(X, labels, w, theta, len(model.classes_), True, scale, l2_share * scale / C)[1]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cd", "fista"])
def test_l2_matches_sklearn(n_classes, solver):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _data(n_classes=n_classes)
    w = np.random.default_rng(5).uniform(0.2, 3.0, X.shape[0])
    ours = LogisticRegression(C=0.5, solver=solver, tol=1e-9, max_iter=5000).fit(X, y, sample_weight=w)
    theirs = sklearn.LogisticRegression(C=0.5, tol=1e-10, max_iter=5000).fit(X, y, sample_weight=w)
    assert ours.coef_.shape == theirs.coef_.shape == (1 if n_classes == 2 else n_classes, X.shape[1])
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=2e-7)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_ - theirs.intercept_.mean() * (n_classes > 2), atol=2e-7)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-7)
    assert np.abs(_gradient(ours, X, y, w, 0.5, 1.0)).max() <= 1e-8
    f_ours = penalised_objective(ours, X, y, w, C=0.5)
    f_theirs = penalised_objective(theirs, X, y, w, C=0.5)
    assert f_ours <= f_theirs * (1 + 1e-12)
    np.testing.assert_allclose(f_ours, f_theirs, rtol=1e-10)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_no_penalty_matches_sklearn(n_classes):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _data(n_classes=n_classes)
    ours = LogisticRegression(penalty=None, tol=1e-9, max_iter=5000).fit(X, y)
    theirs = sklearn.LogisticRegression(C=np.inf, tol=1e-10, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ours.coef_ - ours.coef_.mean(0) * (n_classes > 2),
                               theirs.coef_ - theirs.coef_.mean(0) * (n_classes > 2), atol=1e-5)
    infinite_c = LogisticRegression(C=np.inf, tol=1e-9, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(infinite_c.coef_, ours.coef_, atol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("penalty,l1_ratio", [("l1", None), ("elasticnet", 0.4)])
@pytest.mark.parametrize("solver", ["fista", "newton-cd"])
def test_l1_and_elastic_net_satisfy_optimality_and_match_sklearn(n_classes, penalty, l1_ratio, solver):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _data(n=200, d=8, n_classes=n_classes)
    C = 0.05
    ours = LogisticRegression(penalty=penalty, l1_ratio=l1_ratio, C=C, solver=solver, tol=1e-10, max_iter=20000)
    ours.fit(X, y)
    ratio = 1.0 if penalty == "l1" else l1_ratio
    # Subgradient conditions: g_j = -l1 sign(w_j) where w_j != 0, |g_j| <= l1 where w_j = 0.
    l1 = ratio / (C * X.shape[0])
    g = _gradient(ours, X, y, np.ones(X.shape[0]), C, 1 - ratio)
    W, gW = ours.coef_, g[:, :-1]
    nonzero = W != 0
    assert 0 < nonzero.sum() < W.size  # the penalty is active: some zeros, some not
    np.testing.assert_allclose(gW[nonzero], -l1 * np.sign(W[nonzero]), atol=1e-8)
    assert (np.abs(gW[~nonzero]) <= l1 + 1e-8).all()
    np.testing.assert_allclose(g[:, -1], 0, atol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn >= 1.8 deprecates `penalty`
        theirs = sklearn.LogisticRegression(penalty=penalty, l1_ratio=ratio, C=C, solver="saga", tol=1e-12,
                                            max_iter=100000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=2e-5)
    f_ours = penalised_objective(ours, X, y, C=C, penalty=penalty, l1_ratio=l1_ratio)
    f_theirs = penalised_objective(theirs, X, y, C=C, penalty=penalty, l1_ratio=l1_ratio)
    assert f_ours <= f_theirs * (1 + 1e-9)


def test_class_weight_matches_sklearn_and_sample_weight():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _data(n_classes=3)
    weights = {0: 0.5, 1: 2.0, 2: 1.5}
    ours = LogisticRegression(class_weight=weights, tol=1e-9).fit(X, y)
    theirs = sklearn.LogisticRegression(class_weight=weights, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=2e-7)
    as_samples = LogisticRegression(tol=1e-9).fit(X, y, sample_weight=np.vectorize(weights.get)(y))
    np.testing.assert_allclose(ours.coef_, as_samples.coef_, atol=1e-10)
    balanced = LogisticRegression(class_weight="balanced", tol=1e-9).fit(X, y)
    theirs = sklearn.LogisticRegression(class_weight="balanced", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(balanced.coef_, theirs.coef_, atol=2e-7)


def test_integer_sample_weight_equals_repeated_rows():
    X, y = _data(n=120, n_classes=3)
    counts = np.random.default_rng(6).integers(0, 4, X.shape[0])
    weighted = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=counts)
    repeated = LogisticRegression(tol=1e-10).fit(np.repeat(X, counts, 0), np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-9)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver,penalty", [("lbfgs", "l2"), ("newton-cg", "l2"), ("newton-cd", "l1"), ("fista", "l1")])
def test_float32_stays_float32_and_agrees(n_classes, solver, penalty):
    X, y = _data(n_classes=n_classes)
    params = dict(solver=solver, penalty=penalty, C=0.1, max_iter=10000)
    single = LogisticRegression(tol=1e-4, **params).fit(X.astype(np.float32), y)
    double = LogisticRegression(tol=1e-8, **params).fit(X, y)
    assert single.coef_.dtype == single.intercept_.dtype == np.float32
    assert single.predict_proba(X.astype(np.float32)).shape == (X.shape[0], n_classes)
    np.testing.assert_allclose(single.coef_, double.coef_, atol=1e-3)


def test_threads_give_close_results_and_each_count_repeats_bit_for_bit():
    X, y = _data(n=5000, d=10, n_classes=4)
    one = LogisticRegression(tol=1e-8, n_jobs=1).fit(X, y)
    two = LogisticRegression(tol=1e-8, n_jobs=2).fit(X, y)
    again = LogisticRegression(tol=1e-8, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(one.coef_, two.coef_, atol=1e-7)
    assert np.array_equal(two.coef_, again.coef_)


def test_warm_start_continues_from_the_optimum():
    X, y = _data()
    model = LogisticRegression(tol=1e-6, warm_start=True).fit(X, y)
    assert model.n_iter_[0] > 0
    model.fit(X, y)
    assert model.n_iter_.tolist() == [0]


def test_max_iter_warns_about_convergence():
    X, y = _data()
    with pytest.warns(UserWarning, match="max_iter"):
        model = LogisticRegression(max_iter=2, tol=1e-12).fit(X, y)
    assert model.n_iter_.shape == (1,) and model.n_iter_.dtype == np.int32 and model.n_iter_[0] == 2


# ----------------------------------------------------------- predictions, API


def test_binary_outputs_and_string_labels():
    X, y = _data(n_classes=2)
    labels = np.array(["no", "yes"])[y]
    model = LogisticRegression().fit(X, labels)
    assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)
    scores = model.decision_function(X)
    assert scores.shape == (X.shape[0],)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-scores)))
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), proba)
    assert set(model.predict(X)) <= {"no", "yes"}
    np.testing.assert_array_equal(model.predict(X), np.where(scores > 0, "yes", "no"))
    assert model.score(X, labels) > 0.7


def test_multinomial_outputs():
    X, y = _data(n_classes=4)
    model = LogisticRegression().fit(X, y + 10)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(1)])
    assert abs(model.intercept_.sum()) < 1e-12


def test_save_and_load_round_trip(tmp_path):
    X, y = _data(n_classes=3)
    for model in (LogisticRegression(penalty="l1", C=0.2).fit(X, y), LogisticRegression(C=0.5).fit(X, y)):
        path = tmp_path / "model.npz"
        model.save(path)
        loaded = zoo.load(path)
        np.testing.assert_array_equal(loaded.coef_, model.coef_)
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
        assert loaded.get_params() == model.get_params()


def test_not_fitted():
    with pytest.raises(zoo.NotFittedError):
        LogisticRegression().predict(np.zeros((2, 3)))


@pytest.mark.parametrize(
    "params,y,match",
    [
        ({}, [1, 1, 1, 1], "at least 2 classes"),
        ({"C": 0.0}, None, "'C'"),
        ({"C": -1.0}, None, "'C'"),
        ({"penalty": "elasticnet", "l1_ratio": 1.5}, None, "'l1_ratio'"),
        ({"penalty": "elasticnet", "l1_ratio": -0.1}, None, "'l1_ratio'"),
        ({"penalty": "elasticnet"}, None, "needs l1_ratio"),
        ({"penalty": "l1", "solver": "lbfgs"}, None, "solver='lbfgs' supports"),
        ({"penalty": None, "solver": "newton-cholesky"}, None, "'solver'"),
        ({"penalty": "elasticnet", "l1_ratio": 0.5, "solver": "newton-cg"}, None, "solver='newton-cg' supports"),
        ({"solver": "liblinear"}, None, "'solver'"),
        ({"penalty": "l3"}, None, "'penalty'"),
        ({"tol": -1.0}, None, "'tol'"),
        ({"max_iter": -1}, None, "'max_iter'"),
        ({"class_weight": {7: 1.0}}, None, "class_weight"),
    ],
)
def test_bad_input_gives_clear_errors(params, y, match):
    X = np.arange(8, dtype=float).reshape(4, 2)
    y = [0, 1, 0, 1] if y is None else y
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**params).fit(X, y)


def test_bad_data_and_features():
    X, y = _data(n_classes=2)
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(np.where(X > 2, np.nan, X), y)
    with pytest.raises(ValueError, match="samples"):
        LogisticRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="continuous"):
        LogisticRegression().fit(X, y + 0.5)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


def test_l1_ratio_without_elastic_net_warns():
    X, y = _data(n_classes=2)
    with pytest.warns(UserWarning, match="l1_ratio"):
        LogisticRegression(l1_ratio=0.5).fit(X, y)
