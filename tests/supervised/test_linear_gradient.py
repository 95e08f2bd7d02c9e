"""The linear models' gradient solvers reach the optimum of the objective
they state, for each loss, with and without intercept."""

import types

import numpy as np
import pytest

from zoo import LinearRegression
from zoo.nn import EarlyStopping
from zoo.supervised._linear_gradient import GRADIENT_DEFAULTS, gradient_fit


def settings(**overrides):
    """A stand-in for a linear estimator: the attributes gradient_fit reads."""
    values = {**GRADIENT_DEFAULTS, "solver": "gd", "fit_intercept": True, "random_state": 0, "n_jobs": None}
    values.update(overrides)
    return types.SimpleNamespace(**values)


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4))
    W = np.array([[1.0, -2.0, 0.5, 3.0], [0.3, 0.1, -1.0, 2.0]])
    Y = X @ W.T + [0.5, -1.0] + 0.1 * rng.normal(size=(400, 2))
    return X, Y


def ridge_reference(X, Y, l2, weight=None, intercept=True):
    """argmin  sum w 1/2 ||r||^2 / sum w + l2/2 ||W||^2  in closed form."""
    w = np.ones(len(X)) if weight is None else weight
    w = w / w.sum()
    if intercept:
        X = X - w @ X
        Y = Y - w @ Y
    return np.linalg.solve((X * w[:, None]).T @ X + l2 * np.eye(X.shape[1]), (X * w[:, None]).T @ Y).T


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_full_batch_squared_loss_reaches_the_ridge_solution(regression, fit_intercept):
    X, Y = regression
    fit = gradient_fit(settings(learning_rate=0.2, epochs=2000, fit_intercept=fit_intercept), X, Y, None,
                       loss="squared", l2=0.5)
    np.testing.assert_allclose(fit.coef, ridge_reference(X, Y, 0.5, intercept=fit_intercept), atol=1e-10)
    if fit_intercept:
        np.testing.assert_allclose(fit.intercept, Y.mean(0) - fit.coef @ X.mean(0), atol=1e-10)
    else:
        assert not fit.intercept.any()
    assert fit.n_iter == 2000 and len(fit.history) == 2000
    assert fit.history["loss"][-1] < fit.history["loss"][0]


def test_sample_weights_weigh_the_loss(regression):
    X, Y = regression
    weight = np.random.default_rng(1).uniform(0.1, 3.0, len(X))
    fit = gradient_fit(settings(learning_rate=0.2, epochs=2000), X, Y[:, 0], weight, loss="squared", l2=0.1)
    np.testing.assert_allclose(fit.coef[0], ridge_reference(X, Y[:, 0], 0.1, weight), atol=1e-9)


def test_l1_penalty_shrinks_like_the_lasso(regression):
    X, Y = regression
    sklearn = pytest.importorskip("sklearn.linear_model")
    reference = sklearn.Lasso(alpha=0.3, tol=1e-12, max_iter=100_000).fit(X, Y[:, 0])
    # Subgradient steps hover around the kink at zero; a step that decays to
    # zero (cosine schedule) settles them.
    fit = gradient_fit(settings(optimizer="adam", learning_rate=0.01, lr_schedule="cosine", epochs=3000),
                       X, Y[:, 0], None, loss="squared", l1=0.3)
    np.testing.assert_allclose(fit.coef[0], reference.coef_, atol=5e-3)


def test_huber_loss_resists_outliers(regression):
    X, Y = regression
    y = Y[:, 0].copy()
    y[:20] += 100.0  # gross outliers
    huber = gradient_fit(settings(optimizer="adam", learning_rate=0.05, epochs=400), X, y, None, loss="huber")
    squared = gradient_fit(settings(learning_rate=0.2, epochs=400), X, y, None, loss="squared")
    truth = np.array([1.0, -2.0, 0.5, 3.0])
    assert np.abs(huber.coef[0] - truth).max() < 0.1 < np.abs(squared.coef[0] - truth).max()


@pytest.mark.parametrize("loss, n_classes", [("log", None), ("multinomial", 3)])
def test_logistic_losses_reach_scikit_learns_solution(loss, n_classes):
    sklearn = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 4))
    y = (X @ [1.0, -1.0, 0.5, 0.0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    if n_classes:
        y = y + (X[:, 3] > 0.5)
    l2 = 0.1
    reference = sklearn.LogisticRegression(C=1 / (l2 * len(X)), tol=1e-12, max_iter=10_000).fit(X, y)
    fit = gradient_fit(settings(optimizer="adam", learning_rate=0.05, epochs=1500), X, y, None,
                       loss=loss, l2=l2, n_classes=n_classes)
    np.testing.assert_allclose(fit.coef, reference.coef_, atol=1e-6)
    np.testing.assert_allclose(fit.intercept, reference.intercept_, atol=1e-6)
    assert "accuracy" in fit.history


def test_sgd_and_minibatch_keep_float32_and_stop_early(regression):
    X, Y = regression
    X, y = X.astype(np.float32), Y[:, 0].astype(np.float32)
    stop = EarlyStopping(monitor="val_loss", patience=2, min_delta=1e-3)
    for solver in ("sgd", "minibatch"):
        fit = gradient_fit(settings(solver=solver, epochs=200, early_stopping=stop, validation_split=0.25),
                           X, y, None, loss="squared")
        assert fit.coef.dtype == np.float32
        assert fit.n_iter < 200
        assert "val_loss" in fit.history
        np.testing.assert_allclose(fit.coef[0], [1.0, -2.0, 0.5, 3.0], atol=0.05)


def test_same_seed_same_model(regression):
    X, Y = regression
    fits = [gradient_fit(settings(solver="sgd", epochs=3, random_state=7), X, Y, None, loss="squared")
            for _ in range(2)]
    np.testing.assert_array_equal(fits[0].coef, fits[1].coef)


def test_unknown_loss_and_exact_solver_are_refused(regression):
    X, Y = regression
    with pytest.raises(ValueError, match="loss must be one of"):
        gradient_fit(settings(), X, Y, None, loss="hinge")
    with pytest.raises(ValueError, match="not a gradient solver"):
        gradient_fit(settings(solver="cholesky"), X, Y, None, loss="squared")


def test_divergence_is_an_error_not_nan_weights(regression):
    X, Y = regression
    with pytest.raises(ValueError, match="diverged"):
        gradient_fit(settings(learning_rate=10.0, epochs=50), X * 1e3, Y, None, loss="squared")


def test_divergence_with_finite_but_huge_weights_is_an_error():
    # Weights near 1e264 are finite while the squared loss has overflowed to inf.
    X = np.random.default_rng(0).normal(size=(200, 3)) * 100
    y = X @ np.array([1.0, -2.0, 0.5])
    with pytest.raises(ValueError, match="diverged"):
        LinearRegression(solver="gd", learning_rate=10.0, epochs=50).fit(X, y)
