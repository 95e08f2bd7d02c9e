"""zoo.supervised.sgd: SGDRegressor and SGDClassifier reach the optimum of
the objective they state (the exact estimators' and scikit-learn's answers),
for each loss and penalty, with and without intercept; settings of the
training loop; errors; persistence."""

import pickle

import numpy as np
import pytest

import zoo
from zoo import (
    ElasticNet,
    Lasso,
    LinearRegression,
    LogisticRegression,
    NotFittedError,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from zoo.nn import EarlyStopping, History

# Full-batch gradient descent on the bare objective: the settings under
# which the SGD estimators are the exact estimators' deterministic twins.
FULL_BATCH = {"penalty": None, "batch_size": "full", "random_state": 0}


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


def _classes(n=300, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 6))
    scores = X @ rng.standard_normal((n_classes, 6)).T + rng.gumbel(size=(n, n_classes)) * 1.5
    return X, scores.argmax(axis=1)


# --------------------------------------------------- the regressor's optimum


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_full_batch_squared_loss_reaches_the_ridge_solution(regression, fit_intercept):
    X, Y = regression
    model = SGDRegressor(**{**FULL_BATCH, "penalty": "l2"}, alpha=0.5, learning_rate=0.2, epochs=2000,
                         fit_intercept=fit_intercept).fit(X, Y)
    np.testing.assert_allclose(model.coef_, ridge_reference(X, Y, 0.5, intercept=fit_intercept), atol=1e-10)
    if fit_intercept:
        np.testing.assert_allclose(model.intercept_, Y.mean(0) - model.coef_ @ X.mean(0), atol=1e-10)
    else:
        assert not model.intercept_.any()
    assert model.n_iter_ == 2000 and len(model.history_) == 2000
    assert model.history_["loss"][-1] < model.history_["loss"][0]


def test_sample_weights_weigh_the_loss(regression):
    X, Y = regression
    weight = np.random.default_rng(1).uniform(0.1, 3.0, len(X))
    model = SGDRegressor(**{**FULL_BATCH, "penalty": "l2"}, alpha=0.1, learning_rate=0.2, epochs=2000)
    model.fit(X, Y[:, 0], sample_weight=weight)
    np.testing.assert_allclose(model.coef_, ridge_reference(X, Y[:, 0], 0.1, weight), atol=1e-9)


def test_reaches_the_exact_estimators_solutions():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = X @ [1.0, -2.0, 0.5, 0.0] + 2.0 + 0.1 * rng.normal(size=300)
    weight = rng.uniform(0.5, 2.0, 300)
    for exact, penalty in [
        (LinearRegression(), {}),
        # Ridge sums the loss where SGDRegressor averages it.
        (Ridge(alpha=30.0), {"penalty": "l2", "alpha": 30.0 / weight.sum()}),
        (ElasticNet(alpha=0.05, l1_ratio=0.0, tol=1e-12), {"penalty": "elasticnet", "alpha": 0.05, "l1_ratio": 0.0}),
    ]:
        gradient = SGDRegressor(**{**FULL_BATCH, **penalty}, learning_rate=0.2, epochs=1000)
        gradient.fit(X, y, sample_weight=weight)
        exact.fit(X, y, sample_weight=weight)
        np.testing.assert_allclose(gradient.coef_, exact.coef_, atol=1e-8)
        assert gradient.intercept_ == pytest.approx(exact.intercept_, abs=1e-8)
        assert gradient.n_iter_ == 1000 and len(gradient.history_) == 1000
        assert gradient.history_["loss"][-1] < gradient.history_["loss"][0]
        assert not hasattr(exact, "history_")


def test_l1_penalty_shrinks_like_the_lasso(regression):
    X, Y = regression
    sklearn = pytest.importorskip("sklearn.linear_model")
    reference = sklearn.Lasso(alpha=0.3, tol=1e-12, max_iter=100_000).fit(X, Y[:, 0])
    # Subgradient steps hover around the kink at zero; a step that decays to
    # zero (cosine schedule) settles them.
    model = SGDRegressor(**{**FULL_BATCH, "penalty": "l1"}, alpha=0.3, optimizer="adam", learning_rate=0.01,
                         lr_schedule="cosine", epochs=3000).fit(X, Y[:, 0])
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=5e-3)


def test_minibatches_approach_the_lasso():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5)) * rng.uniform(0.5, 5.0, 5)
    y = X @ rng.normal(size=5) + 1.5 + 0.3 * rng.normal(size=400)
    exact = Lasso(alpha=0.1).fit(X, y)
    sgd = SGDRegressor(penalty="l1", alpha=0.1, optimizer="adam", learning_rate=0.01, epochs=200,
                       random_state=0).fit(X, y)
    np.testing.assert_allclose(sgd.coef_, exact.coef_, atol=0.05)


def test_huber_loss_resists_outliers(regression):
    X, Y = regression
    y = Y[:, 0].copy()
    y[:20] += 100.0  # gross outliers
    huber = SGDRegressor("huber", **FULL_BATCH, epsilon=1.0, optimizer="adam", learning_rate=0.05,
                         epochs=400).fit(X, y)
    squared = SGDRegressor(**FULL_BATCH, learning_rate=0.2, epochs=400).fit(X, y)
    truth = np.array([1.0, -2.0, 0.5, 3.0])
    assert np.abs(huber.coef_ - truth).max() < 0.1 < np.abs(squared.coef_ - truth).max()


def test_huber_threshold_is_epsilon():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 2))
    y = X @ [2.0, -1.0] + 0.05 * rng.normal(size=400)
    y[:20] += 50.0  # gross outliers
    huber = SGDRegressor("huber", **FULL_BATCH, epsilon=0.5, learning_rate=0.5, epochs=500).fit(X, y)
    squared = LinearRegression().fit(X, y)
    assert np.abs(huber.coef_ - [2.0, -1.0]).max() < 0.05 < np.abs(squared.intercept_ - 0.0)


# -------------------------------------------------- the classifier's optimum


@pytest.mark.parametrize("n_classes", [2, 3])
def test_log_loss_reaches_scikit_learns_solution(n_classes):
    sklearn = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 4))
    y = (X @ [1.0, -1.0, 0.5, 0.0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    if n_classes == 3:
        y = y + (X[:, 3] > 0.5)
    alpha = 0.1
    reference = sklearn.LogisticRegression(C=1 / (alpha * len(X)), tol=1e-12, max_iter=10_000).fit(X, y)
    model = SGDClassifier(**{**FULL_BATCH, "penalty": "l2"}, alpha=alpha, optimizer="adam", learning_rate=0.05,
                          epochs=1500).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-6)
    assert "accuracy" in model.history_


@pytest.mark.parametrize("batch_size", ["full", 64])
def test_approaches_logistic_regression(batch_size):
    X, y = _classes(n=300, n_classes=3)
    exact = LogisticRegression(C=0.1).fit(X, y)
    trained = SGDClassifier(alpha=1 / (0.1 * len(X)), optimizer="adam", learning_rate=0.05, epochs=300,
                            batch_size=batch_size, random_state=0).fit(X, y)
    assert len(trained.history_) == 300 and trained.n_iter_ == 300
    losses = trained.history_["loss"]
    assert losses[-1] < losses[0]
    np.testing.assert_allclose(trained.coef_, exact.coef_, atol=0.05 if batch_size == "full" else 0.1)
    assert abs(trained.score(X, y) - exact.score(X, y)) < 0.03


def test_classifier_outputs_and_class_weight():
    X, y = _classes(n=200, n_classes=2)
    labels = np.where(y == 1, "yes", "no")
    model = SGDClassifier(learning_rate=0.1, random_state=0).fit(X, labels)
    assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)
    scores = model.decision_function(X)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-scores)))
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), proba)
    np.testing.assert_array_equal(model.predict(X), np.where(scores > 0, "yes", "no"))
    # class_weight multiplies the sample weights, exactly.
    weighted = SGDClassifier(class_weight={"no": 1.0, "yes": 3.0}, **FULL_BATCH, epochs=20).fit(X, labels)
    repeated = SGDClassifier(**FULL_BATCH, epochs=20).fit(X, labels, sample_weight=np.where(labels == "yes", 3.0, 1.0))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-12)
    multi = SGDClassifier(random_state=0).fit(*_classes(n_classes=4))
    assert multi.coef_.shape == (4, 6) and abs(multi.intercept_.sum()) < 1e-12
    np.testing.assert_allclose(multi.predict_proba(X).sum(1), 1)


# ------------------------------------------------------ the training loop


def test_per_sample_and_minibatch_keep_float32_and_stop_early(regression):
    X, Y = regression
    X, y = X.astype(np.float32), Y[:, 0].astype(np.float32)
    for batch_size in (1, 32):
        stop = EarlyStopping(monitor="val_loss", patience=2, min_delta=1e-3)
        model = SGDRegressor(penalty=None, batch_size=batch_size, epochs=200, early_stopping=stop,
                             validation_split=0.25, random_state=0).fit(X, y)
        assert model.coef_.dtype == np.float32
        assert model.n_iter_ < 200
        assert "val_loss" in model.history_
        np.testing.assert_allclose(model.coef_, [1.0, -2.0, 0.5, 3.0], atol=0.05)


def test_float32_in_float32_out(regression):
    X, Y = regression
    X, y = X.astype(np.float32), Y[:, 0].astype(np.float32)
    model = SGDRegressor(alpha=1.0, batch_size=1, epochs=3, random_state=0).fit(X, y)
    assert model.coef_.dtype == np.float32 and isinstance(model.intercept_, np.float32)
    assert model.predict(X).dtype == np.float32
    classifier = SGDClassifier(epochs=3, random_state=0).fit(X, y > 0)
    assert classifier.coef_.dtype == classifier.decision_function(X).dtype == np.float32


def test_same_seed_same_model(regression):
    X, Y = regression
    fits = [SGDRegressor(batch_size=1, epochs=3, random_state=7).fit(X, Y) for _ in range(2)]
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)


def test_full_batch_steps_once_per_epoch_and_one_is_per_sample(regression):
    X, Y = regression
    steps = []
    counter = zoo.nn.LambdaCallback(on_epoch_end=lambda model, epoch, logs: steps.append(model.n_steps_))
    SGDRegressor(batch_size="full", epochs=3, callbacks=[counter]).fit(X, Y)
    SGDRegressor(batch_size=1, epochs=1, callbacks=[counter]).fit(X, Y)
    assert steps == [1, 2, 3, len(X)]


def test_divergence_is_an_error_not_nan_weights(regression):
    X, Y = regression
    with pytest.raises(ValueError, match="SGDRegressor diverged"):
        SGDRegressor(**FULL_BATCH, learning_rate=10.0, epochs=50).fit(X * 1e3, Y)


def test_divergence_with_finite_but_huge_weights_is_an_error():
    # Weights near 1e264 are finite while the squared loss has overflowed to inf.
    X = np.random.default_rng(0).normal(size=(200, 3)) * 100
    y = X @ np.array([1.0, -2.0, 0.5])
    with pytest.raises(ValueError, match="diverged"):
        SGDRegressor(**FULL_BATCH, learning_rate=10.0, epochs=50).fit(X, y)


def test_a_diverged_refit_keeps_the_fitted_model(regression):
    X, Y = regression
    model = SGDRegressor(**FULL_BATCH, learning_rate=0.1, epochs=5).fit(X, Y)
    coef, history = model.coef_.copy(), model.history_
    with pytest.raises(ValueError, match="diverged"):
        model.set_params(learning_rate=10.0, epochs=50).fit(X * 1e3, Y)
    np.testing.assert_array_equal(model.coef_, coef)
    assert model.history_ is history


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "model, message",
    [
        (SGDRegressor(loss="hinge"), "loss"),
        (SGDRegressor(loss="squared"), "loss"),
        (SGDClassifier(loss="hinge"), "loss"),
        (SGDRegressor(penalty="l3"), "penalty"),
        (SGDRegressor(alpha=-1.0), "alpha"),
        (SGDRegressor(l1_ratio=1.5), "l1_ratio"),
        (SGDRegressor(epsilon=0.0), "epsilon"),
        (SGDRegressor(batch_size="half"), "batch_size"),
        (SGDRegressor(batch_size=0), "batch_size"),
        (SGDRegressor(epochs=0), "epochs"),
        (SGDRegressor(learning_rate=0.0), "learning_rate"),
        (SGDRegressor(validation_split=1.0), "validation_split"),
        (SGDRegressor(optimizer="lbfgs"), "optimizer"),
        (SGDClassifier(class_weight="sometimes"), "class_weight"),
        (SGDClassifier(n_jobs=0), "n_jobs"),
    ],
)
def test_bad_parameters_are_named(model, message):
    X, y = _classes(n=60, n_classes=2)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


@pytest.mark.parametrize("Model", [SGDRegressor, SGDClassifier])
def test_bad_data_is_refused_clearly(Model):
    X, y = _classes(n=60, n_classes=2)
    with pytest.raises(NotFittedError):
        Model().predict(X)
    with pytest.raises(ValueError):
        Model().fit(X, y[:-1])
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Model().fit(bad, y)
    model = Model(epochs=2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


def test_the_exact_estimators_no_longer_take_gradient_solvers():
    X, y = _classes(n=60, n_classes=2)
    for model in (LinearRegression(solver="gd"), Ridge(solver="sgd"), LogisticRegression(solver="minibatch")):
        with pytest.raises(ValueError, match="solver"):
            model.fit(X, y)
    for Model in (LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression):
        assert not {"learning_rate", "epochs", "batch_size", "loss"} & set(Model().get_params())


# --------------------------------------------------- contract, persistence


@pytest.mark.parametrize(
    "model",
    [
        SGDRegressor(epochs=3, random_state=0),
        SGDRegressor("huber", penalty="elasticnet", batch_size="full", epochs=3),
        SGDClassifier(epochs=5, learning_rate=0.1, batch_size="full"),
        SGDClassifier(penalty="l1", class_weight="balanced", epochs=3, random_state=0),
    ],
    ids=lambda model: repr(model),
)
def test_save_load_and_pickle_round_trip(model, tmp_path):
    X, y = _classes(n=90, n_classes=3)
    if isinstance(model, SGDRegressor):
        y = X @ np.arange(X.shape[1]) + 0.1
    model.set_params(callbacks=[zoo.nn.LambdaCallback()], early_stopping=EarlyStopping(monitor="loss", patience=50))
    model.fit(X, y)
    loaded = zoo.load(model.save(tmp_path / "model.zoo"))
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    # Callbacks are run-time hooks and not saved; an EarlyStopping comes back as True.
    assert loaded.get_params() == {**model.get_params(), "callbacks": None, "early_stopping": True}
    assert isinstance(loaded.history_, History) and loaded.n_iter_ == model.n_iter_
    assert loaded.history_["loss"] == model.history_["loss"]
    if hasattr(model, "predict_proba"):
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict(X), model.predict(X))
