"""zoo.supervised.svm: SVC and LinearSVC against scikit-learn, errors, persistence."""

import warnings

import numpy as np
import pytest

import zoo
from zoo import NotFittedError, _core
from zoo.supervised.svm import SVC, LinearSVC

KERNELS = ["linear", "rbf", "poly", "sigmoid"]


def _problem(n_classes, n_samples=240, n_features=6, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=1.5, size=(n_classes, n_features))
    y = np.arange(n_samples) % n_classes
    X = centers[y] + rng.normal(size=(n_samples, n_features))
    X = (X - X.mean(0)) / X.std(0)
    return X, y


def _primal_objective(coef, intercept, X, y_signed, C, loss, scale=1.0):
    """1/2 |[w, b / scale]|^2 + C sum loss: the problem liblinear and zoo solve."""
    margin = np.maximum(0.0, 1.0 - y_signed * (X @ coef + intercept))
    loss_sum = (margin**2).sum() if loss == "squared_hinge" else margin.sum()
    return 0.5 * (coef @ coef + (intercept / scale) ** 2) + C * loss_sum


# ------------------------------------------------------------------ SVC vs scikit-learn


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kernel", KERNELS)
def test_svc_matches_scikit_learn(kernel, n_classes):
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(n_classes)
    params = dict(kernel=kernel, C=2.0, tol=1e-6, gamma=0.2 if kernel == "sigmoid" else "scale", coef0=0.5)
    ours = SVC(**params).fit(X, y)
    theirs = svm.SVC(**params).fit(X, y)
    np.testing.assert_array_equal(ours.support_, theirs.support_)
    np.testing.assert_array_equal(ours.n_support_, theirs.n_support_)
    np.testing.assert_allclose(ours.support_vectors_, theirs.support_vectors_)
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    if kernel == "linear":
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shape", ["ovr", "ovo"])
def test_multiclass_decision_shapes_match_scikit_learn(shape):
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(4, n_samples=200)
    ours = SVC(decision_function_shape=shape, tol=1e-6).fit(X, y)
    theirs = svm.SVC(decision_function_shape=shape, tol=1e-6).fit(X, y)
    expected_columns = 4 if shape == "ovr" else 6
    assert ours.decision_function(X).shape == (200, expected_columns)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-4, atol=1e-5)
    if shape == "ovr":
        tie_broken = SVC(break_ties=True, tol=1e-6).fit(X, y).predict(X)
        np.testing.assert_array_equal(tie_broken, svm.SVC(break_ties=True, tol=1e-6).fit(X, y).predict(X))


def test_class_and_sample_weights_match_scikit_learn():
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(3)
    weight = np.random.default_rng(1).uniform(0.2, 3.0, size=len(y))
    weight[:5] = 0.0  # left out, as libsvm does
    for class_weight in [{0: 3.0, 2: 0.5}, "balanced"]:
        ours = SVC(class_weight=class_weight, tol=1e-6).fit(X, y, sample_weight=weight)
        theirs = svm.SVC(class_weight=class_weight, tol=1e-6).fit(X, y, sample_weight=weight)
        # scikit-learn numbers its support vectors among the samples of
        # positive weight; zoo's support_ indexes X itself.
        np.testing.assert_array_equal(ours.support_, np.flatnonzero(weight > 0)[theirs.support_])
        np.testing.assert_array_equal(ours.support_vectors_, X[ours.support_])
        np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(ours.class_weight_, theirs.class_weight_)


@pytest.mark.parametrize("gamma", ["scale", "auto", 0.05])
def test_gamma_options_match_scikit_learn(gamma):
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(2, n_features=9)
    X = X * 3.0
    ours = SVC(gamma=gamma, tol=1e-6).fit(X, y)
    theirs = svm.SVC(gamma=gamma, tol=1e-6).fit(X, y)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-4, atol=1e-5)


def test_float32_input_stays_float32_and_agrees():
    X, y = _problem(3)
    ours64 = SVC(tol=1e-6).fit(X, y)
    ours32 = SVC(tol=1e-6).fit(X.astype(np.float32), y)
    assert ours32.support_vectors_.dtype == np.float32
    np.testing.assert_allclose(ours32.decision_function(X), ours64.decision_function(X), atol=1e-3)
    assert (ours32.predict(X) == ours64.predict(X)).mean() > 0.99


def test_kernel_matrix_against_numpy():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(70, 5)), rng.normal(size=(90, 5))
    dots = A @ B.T
    sq = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2 * dots
    expected = {
        "linear": dots,
        "rbf": np.exp(-0.3 * sq),
        "poly": (0.3 * dots + 1.5) ** 3,
        "sigmoid": np.tanh(0.3 * dots + 1.5),
    }
    for kernel, reference in expected.items():
        got = _core.svm_kernel_matrix(A, B, kernel, 0.3, 1.5, 3, 2)
        np.testing.assert_allclose(got, reference, rtol=1e-13, atol=1e-13)
    # The vectorised exp holds its accuracy far into the tail and underflows to 0.
    far = _core.svm_kernel_matrix(np.zeros((1, 1)), np.array([[0.0], [10.0], [26.0], [40.0]]), "rbf", 1.0, 0, 3, 1)
    np.testing.assert_allclose(far[0, :3], np.exp(-np.array([0.0, 100.0, 676.0])), rtol=1e-14)
    assert far[0, 3] == 0.0


def test_solver_variants_reach_the_same_solution():
    X, y = _problem(3, n_samples=300)
    reference = SVC(tol=1e-6).fit(X, y).decision_function(X)
    for params in [dict(shrinking=False), dict(cache_size=0.001), dict(n_jobs=1), dict(n_jobs=2)]:
        got = SVC(tol=1e-6, **params).fit(X, y).decision_function(X)
        np.testing.assert_allclose(got, reference, rtol=1e-5, atol=1e-6)


def _binary_fit(X, labels, upper, decomposition, tol=1e-4, cache_mb=200.0, max_iter=-1, n_threads=2):
    """The one pair's y * alpha, rho, iterations and max_iter flag, for
    labels sorted by class (the binding's order within the pair)."""
    assert np.all(np.diff(labels) >= 0)
    gamma = 1.0 / X.shape[1]
    coefs, rho, n_iter, reached = _core.svc_fit_ovo(
        X, labels.astype(np.int32), upper, 2, "rbf", gamma, 0.0, 3, tol, True, cache_mb, max_iter, n_threads,
        decomposition,
    )
    return coefs[0], rho[0], int(n_iter[0]), reached


def _sorted_problem(n_samples, seed):
    """Two noisy classes (many support vectors, some at C), sorted by label."""
    X, y = _problem(2, n_samples=n_samples, n_features=8, seed=seed)
    y[::7] = 1 - y[::7]
    order = np.argsort(y, kind="stable")
    return X[order], y[order]


def _rbf(X, gamma):
    squared = (X**2).sum(1)
    return np.exp(-gamma * (squared[:, None] + squared[None, :] - 2 * X @ X.T))


def _dual_and_gap(X, labels, upper, coef):
    """The dual objective 1/2 a'Qa - sum a and the largest KKT gap
    max over I_up of -yG minus min over I_low of -yG, in NumPy."""
    y = np.where(labels == 0, 1.0, -1.0)  # the first class of the pair is +1
    alpha = coef * y
    K = _rbf(X, 1.0 / X.shape[1])
    gradient = y * (K @ coef) - 1.0
    violation = -y * gradient
    up = np.where(y > 0, alpha < upper, alpha > 0)
    low = np.where(y > 0, alpha > 0, alpha < upper)
    return 0.5 * coef @ K @ coef - alpha.sum(), violation[up].max() - violation[low].min()


@pytest.mark.parametrize("cache_mb", [200.0, 0.05])
def test_working_sets_reach_the_optimum_of_pairs(cache_mb):
    # The working-set solver (and the automatic hand-over from pairs, which
    # a 0.05 MB cache forces at once) stops at the same tolerance on the
    # same dual: equal objectives, gaps within tol, the same predictions.
    X, y = _sorted_problem(1500, seed=5)
    upper = np.where(y == 0, 1.0, 2.0)  # per-sample C, as class weights give
    results = {d: _binary_fit(X, y, upper, d, cache_mb=cache_mb) for d in ("pairs", "working_sets", "auto")}
    dual_pairs, _ = _dual_and_gap(X, y, upper, results["pairs"][0])
    for decomposition, (coef, rho, n_iter, reached) in results.items():
        assert not reached and n_iter > 0
        dual, gap = _dual_and_gap(X, y, upper, coef)
        assert gap <= 1e-4 * 1.01
        assert dual == pytest.approx(dual_pairs, rel=1e-6)
        assert rho == pytest.approx(results["pairs"][1], abs=1e-3)
        alpha = np.abs(coef)
        assert np.all((alpha >= 0) & (alpha <= upper + 1e-12))
        assert abs(coef.sum()) < 1e-9  # y'a = 0


def test_working_sets_respect_max_iter():
    X, y = _sorted_problem(800, seed=6)
    for decomposition in ("working_sets", "auto"):
        coef, _, n_iter, reached = _binary_fit(X, y, np.ones(800), decomposition, cache_mb=0.05, max_iter=50)
        assert reached and n_iter == 50


def test_working_sets_repeatable_and_thread_independent():
    X, y = _sorted_problem(1200, seed=7)
    runs = [_binary_fit(X, y, np.ones(1200), "working_sets", n_threads=t)[0] for t in (2, 2, 1)]
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])


def test_svc_with_a_small_cache_matches_scikit_learn():
    # cache_size too small for the rows: the estimator hands over to working
    # sets, and lands on libsvm's answer all the same.
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(3, n_samples=900, seed=8)
    y[::8] = (y[::8] + 1) % 3
    ours = SVC(tol=1e-5, cache_size=0.05).fit(X, y)
    theirs = svm.SVC(tol=1e-5).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=1e-3)
    assert abs(int(ours.n_support_.sum()) - int(theirs.n_support_.sum())) <= 3


def test_unknown_decomposition_is_refused():
    X, y = _sorted_problem(40, seed=0)
    with pytest.raises(ValueError, match="decomposition"):
        _binary_fit(X, y, np.ones(40), "triples")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_repeatable_bit_for_bit(n_jobs):
    X, y = _problem(5, n_samples=250)  # 10 pairs: solved in parallel with 2 threads
    a = SVC(n_jobs=n_jobs, probability=True, random_state=3).fit(X, y)
    b = SVC(n_jobs=n_jobs, probability=True, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.dual_coef_, b.dual_coef_)
    np.testing.assert_array_equal(a.probA_, b.probA_)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_repeatable_with_parallel_kernel_rows():
    # Two classes and 3,000 x 100: one pair, its kernel rows split over threads.
    X, y = _problem(2, n_samples=3000, n_features=100, seed=4)
    y[::10] = 1 - y[::10]  # label noise: support vectors, SMO steps and shrinking
    a = SVC(n_jobs=2, cache_size=2).fit(X, y)
    b = SVC(n_jobs=2, cache_size=2).fit(X, y)
    np.testing.assert_array_equal(a.dual_coef_, b.dual_coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)
    serial = SVC(n_jobs=1, cache_size=2).fit(X, y)
    np.testing.assert_allclose(serial.decision_function(X[:500]), a.decision_function(X[:500]), atol=1e-3)


def test_max_iter_warns_and_reports_status():
    X, y = _problem(2)
    with pytest.warns(UserWarning, match="max_iter"):
        model = SVC(max_iter=3).fit(X, y)
    assert model.fit_status_ == 1
    assert model.n_iter_.tolist() == [3]


# ------------------------------------------------------------------ probabilities


@pytest.mark.parametrize("n_classes", [2, 4])
def test_probabilities(n_classes):
    X, y = _problem(n_classes, n_samples=320)
    model = SVC(probability=True, random_state=0).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), n_classes)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert np.all((proba > 0) & (proba < 1))
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba))
    assert (model.classes_[proba.argmax(1)] == model.predict(X)).mean() > 0.9
    n_pairs = n_classes * (n_classes - 1) // 2
    assert model.probA_.shape == model.probB_.shape == (n_pairs,)
    # Platt's slope is negative: larger libsvm decisions mean the pair's first class.
    assert np.all(model.probA_ < 0)


def test_probabilities_close_to_scikit_learn():
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(3, n_samples=400)
    ours = SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn 1.9 deprecates probability=True
        theirs = svm.SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    # The cross-validation folds differ, so the sigmoids differ a little.
    assert np.abs(ours - theirs).mean() < 0.03


def test_platt_fit_recovers_a_sigmoid():
    rng = np.random.default_rng(0)
    f = rng.normal(scale=2.0, size=20000)
    p = 1 / (1 + np.exp(-1.5 * f + 0.4))
    labels = np.where(rng.uniform(size=f.size) < p, 1.0, -1.0)
    A, B = _core.platt_fit(f, labels)
    assert A == pytest.approx(-1.5, abs=0.08)
    assert B == pytest.approx(0.4, abs=0.08)


def test_pairwise_coupling_of_consistent_probabilities():
    p = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    pairs = np.array([[row[i] / (row[i] + row[j]) for i, j in [(0, 1), (0, 2), (1, 2)]] for row in p])
    np.testing.assert_allclose(_core.svm_pairwise_coupling(pairs, 3, 1), p, atol=5e-3)


def test_predict_proba_only_with_probability():
    X, y = _problem(2)
    model = SVC().fit(X, y)
    assert not hasattr(model, "predict_proba")
    assert hasattr(SVC(probability=True), "predict_proba")


# ------------------------------------------------------------------ LinearSVC


@pytest.mark.parametrize("loss, dual", [("hinge", True), ("squared_hinge", True), ("squared_hinge", False)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_svc_objective_matches_liblinear(loss, dual, fit_intercept):
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(2, n_samples=400, n_features=8)
    y_signed = np.where(y == 1, 1.0, -1.0)
    params = dict(loss=loss, dual=dual, C=0.5, tol=1e-7, max_iter=100_000, fit_intercept=fit_intercept,
                  intercept_scaling=2.0, random_state=0)
    ours = LinearSVC(**params).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = svm.LinearSVC(**params).fit(X, y)
    objective = [
        _primal_objective(m.coef_[0], np.atleast_1d(m.intercept_)[0], X, y_signed, 0.5, loss, scale=2.0) for m in (ours, theirs)
    ]
    assert objective[0] == pytest.approx(objective[1], rel=1e-5)
    assert objective[0] <= objective[1] * (1 + 1e-6)
    if loss == "squared_hinge":  # strongly convex: the solution is unique
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-3, atol=1e-4)
    if not fit_intercept:
        np.testing.assert_array_equal(ours.intercept_, 0.0)


@pytest.mark.parametrize("dual", [True, False])
def test_linear_svc_multiclass_one_vs_rest(dual):
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(4, n_samples=400)
    ours = LinearSVC(dual=dual, tol=1e-6, max_iter=10_000, random_state=0).fit(X, y)
    theirs = svm.LinearSVC(dual=dual, tol=1e-6, max_iter=10_000, random_state=0).fit(X, y)
    assert ours.coef_.shape == (4, 6) and ours.intercept_.shape == (4,)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=1e-3)
    assert (ours.predict(X) == theirs.predict(X)).mean() > 0.99
    one = LinearSVC(dual=dual, tol=1e-6, max_iter=10_000, random_state=0, n_jobs=1).fit(X, y)
    np.testing.assert_allclose(one.coef_, ours.coef_, rtol=1e-12, atol=1e-12)  # classes are independent


def test_linear_svc_class_weight_matches_liblinear():
    svm = pytest.importorskip("sklearn.svm")
    X, y = _problem(2, n_samples=300)
    ours = LinearSVC(class_weight={0: 4.0}, tol=1e-7, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(
        LinearSVC(class_weight={0: 4.0}, dual=True, tol=1e-7, max_iter=100_000).fit(X, y).coef_, ours.coef_, rtol=1e-3
    )
    theirs = svm.LinearSVC(class_weight={0: 4.0}, tol=1e-7, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-3, atol=1e-4)


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(C=0.0), "C"),
        (dict(C=-1.0), "C"),
        (dict(kernel="laplacian"), "kernel"),
        (dict(gamma=0.0), "gamma"),
        (dict(gamma=-2.0), "gamma"),
        (dict(gamma="wide"), "gamma"),
        (dict(degree=-1), "degree"),
        (dict(tol=0.0), "tol"),
        (dict(cache_size=0), "cache_size"),
        (dict(max_iter=-2), "max_iter"),
        (dict(decision_function_shape="ovo", break_ties=True), "break_ties"),
    ],
)
def test_svc_bad_parameters(params, match):
    X, y = _problem(3)
    with pytest.raises(ValueError, match=match):
        SVC(**params).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(C=0.0), "C"),
        (dict(loss="log"), "loss"),
        (dict(penalty="l1"), "penalty"),
        (dict(loss="hinge", dual=False), "hinge"),
        (dict(intercept_scaling=0.0), "intercept_scaling"),
        (dict(max_iter=0), "max_iter"),
    ],
)
def test_linear_svc_bad_parameters(params, match):
    X, y = _problem(2)
    with pytest.raises(ValueError, match=match):
        LinearSVC(**params).fit(X, y)


@pytest.mark.parametrize("Estimator", [SVC, LinearSVC])
def test_bad_data(Estimator):
    X, y = _problem(2)
    with pytest.raises(ValueError, match="2 classes"):
        Estimator().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="one class"):
        Estimator().fit(X, y, sample_weight=(y == 0).astype(float))
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Estimator().fit(X_nan, y)
    with pytest.raises(ValueError, match="continuous"):
        Estimator().fit(X, y + 0.5)
    with pytest.raises(NotFittedError):
        Estimator().predict(X)
    model = Estimator().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])
    with pytest.raises(ValueError, match="Inconsistent"):
        Estimator().fit(X, y[:-1])


def test_coef_only_for_linear_kernel():
    X, y = _problem(2)
    with pytest.raises(AttributeError, match="linear kernel"):
        SVC().fit(X, y).coef_


# ------------------------------------------------------------------ persistence


@pytest.mark.parametrize(
    "model", [SVC(probability=True, random_state=0), SVC(kernel="poly", degree=2), LinearSVC(random_state=0)]
)
def test_save_load_round_trip(model, tmp_path):
    X, y = _problem(3)
    labels = np.array(["ant", "bee", "cat"])[y]
    model.fit(X, labels)
    path = tmp_path / "svm.npz"
    model.save(path)
    loaded = zoo.load(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.decision_function(X), model.decision_function(X))
    if getattr(model, "probability", False):
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
