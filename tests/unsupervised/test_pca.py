"""zoo PCA and IncrementalPCA: agreement with NumPy's SVD and scikit-learn,
the sign convention, probabilistic PCA scores, incremental fits, errors,
persistence."""

import math

import numpy as np
import pytest

import zoo
from zoo import NotFittedError
from zoo.unsupervised.pca import PCA, IncrementalPCA

SOLVERS = ["covariance_eigh", "full", "randomized"]
DTYPES = [np.float32, np.float64]


def low_rank_data(n=400, d=24, rank=8, noise=0.05, offset=3.0, seed=0):
    """Rank-`rank` signal with a geometric spectrum plus isotropic noise, off
    the origin: the leading components are well separated."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((d, rank)))[0]
    scores = rng.standard_normal((n, rank)) * (8.0 * 0.6 ** np.arange(rank))
    return scores @ basis.T + noise * rng.standard_normal((n, d)) + offset * rng.standard_normal(d)


def flipped(rows):
    """NumPy rows under zoo's sign convention: largest |entry| positive."""
    rows = np.array(rows, dtype=np.float64)
    signs = np.sign(rows[np.arange(len(rows)), np.argmax(np.abs(rows), axis=1)])
    return rows * signs[:, None]


def reference(X, k):
    Xc = X.astype(np.float64) - X.astype(np.float64).mean(axis=0)
    _, s, vt = np.linalg.svd(Xc, full_matrices=False)
    variances = s**2 / (len(X) - 1)
    return flipped(vt[:k]), variances, s


def tolerance(dtype):
    return 2e-3 if dtype == np.float32 else 1e-7


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_numpy_svd_of_the_centred_data(solver, dtype):
    X = low_rank_data().astype(dtype)
    k = 5
    pca = PCA(k, svd_solver=solver, random_state=0).fit(X)
    components, variances, s = reference(X, k)
    # The sign convention is deterministic, so components match exactly, not
    # only up to sign.
    np.testing.assert_allclose(pca.components_, components, atol=tolerance(dtype))
    np.testing.assert_allclose(pca.explained_variance_, variances[:k], rtol=tolerance(dtype))
    np.testing.assert_allclose(pca.singular_values_, s[:k], rtol=tolerance(dtype))
    np.testing.assert_allclose(
        pca.explained_variance_ratio_, variances[:k] / variances.sum(), rtol=tolerance(dtype)
    )
    np.testing.assert_allclose(pca.mean_, X.astype(np.float64).mean(axis=0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        pca.noise_variance_, variances[k:].mean(), rtol=10 * tolerance(dtype)
    )
    for name in ("components_", "explained_variance_", "explained_variance_ratio_", "singular_values_", "mean_"):
        assert getattr(pca, name).dtype == dtype, name
    assert pca.n_components_ == k and pca.n_features_in_ == X.shape[1] and pca.n_samples_ == len(X)


@pytest.mark.parametrize("solver", SOLVERS)
def test_sign_convention_largest_loading_positive(solver):
    X = low_rank_data(seed=3)
    components = PCA(6, svd_solver=solver, random_state=0).fit(X).components_
    largest = components[np.arange(6), np.argmax(np.abs(components), axis=1)]
    assert np.all(largest > 0)
    # The same sign flip of the data's features leaves the rule intact.
    flipped_components = PCA(6, svd_solver=solver, random_state=0).fit(-X).components_
    np.testing.assert_allclose(flipped_components, components, atol=1e-7)


def test_solvers_agree_with_each_other():
    X = low_rank_data(n=600, d=30, seed=5)
    fits = [PCA(4, svd_solver=solver, random_state=1).fit(X) for solver in SOLVERS]
    for other in fits[1:]:
        np.testing.assert_allclose(other.components_, fits[0].components_, atol=1e-7)
        np.testing.assert_allclose(other.explained_variance_, fits[0].explained_variance_, rtol=1e-9)
        np.testing.assert_allclose(other.noise_variance_, fits[0].noise_variance_, rtol=1e-6)


@pytest.mark.parametrize("normalizer", ["none", "LU", "QR", "auto"])
@pytest.mark.parametrize("iterated_power", [0, 1, 5])
def test_randomized_normalizers(normalizer, iterated_power):
    X = low_rank_data(n=500, d=40, rank=6, noise=1e-3, seed=2)
    pca = PCA(
        6,
        svd_solver="randomized",
        power_iteration_normalizer=normalizer,
        iterated_power=iterated_power,
        random_state=4,
    ).fit(X)
    components, variances, _ = reference(X, 6)
    # Rank 6 up to tiny noise: even without power iterations the range
    # finder captures it, missing only noise variance (about 1e-6 per axis).
    np.testing.assert_allclose(pca.components_, components, atol=1e-5)
    np.testing.assert_allclose(pca.explained_variance_, variances[:6], rtol=1e-4)


def test_randomized_is_repeatable_and_seeded():
    X = low_rank_data(n=300, d=60, rank=30, noise=0.5, seed=8)
    fit = lambda seed: PCA(10, svd_solver="randomized", iterated_power=0, random_state=seed).fit(X)
    np.testing.assert_array_equal(fit(7).components_, fit(7).components_)
    assert not np.array_equal(fit(7).components_, fit(8).components_)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("whiten", [False, True])
def test_inverse_transform_recovers_x_at_full_rank(solver, dtype, whiten):
    X = low_rank_data(n=300, d=12, rank=12, noise=0.5).astype(dtype)
    pca = PCA(12, svd_solver=solver, whiten=whiten, random_state=0).fit(X)
    Z = pca.transform(X)
    assert Z.dtype == dtype and Z.shape == (300, 12)
    back = pca.inverse_transform(Z)
    assert back.dtype == dtype
    np.testing.assert_allclose(back, X, atol=5e-4 if dtype == np.float32 else 1e-9)
    if whiten:
        np.testing.assert_allclose(np.var(Z.astype(np.float64), axis=0, ddof=1), 1.0, rtol=1e-3)
    np.testing.assert_allclose(pca.fit_transform(X), Z, rtol=1e-5, atol=1e-5)


def test_transform_is_projection_of_centred_data():
    X = low_rank_data()
    pca = PCA(3).fit(X)
    np.testing.assert_allclose(pca.transform(X[:50]), (X[:50] - X.mean(axis=0)) @ pca.components_.T, atol=1e-10)
    # Truncated reconstruction is the orthogonal projection onto the subspace.
    back = pca.inverse_transform(pca.transform(X))
    residual = (X - back) @ pca.components_.T
    np.testing.assert_allclose(residual, 0, atol=1e-9)


def test_fraction_of_variance():
    X = low_rank_data(n=500, d=20, seed=9)
    _, variances, _ = reference(X, 20)
    ratios = np.cumsum(variances) / variances.sum()
    for fraction in (0.5, 0.9, 0.99, 0.9999):
        expected = int(np.argmax(ratios > fraction)) + 1
        for solver in ("full", "covariance_eigh", "auto"):
            pca = PCA(fraction, svd_solver=solver).fit(X)
            assert pca.n_components_ == expected
            assert pca.explained_variance_ratio_.sum() > fraction


@pytest.mark.parametrize("solver", ["full", "covariance_eigh"])
def test_none_keeps_min_of_samples_and_features(solver):
    X = low_rank_data(n=50, d=10)
    assert PCA(svd_solver=solver).fit(X).n_components_ == 10
    assert PCA(svd_solver="full").fit(X[:6]).n_components_ == 6


def test_auto_solver_choice():
    tall = low_rank_data(n=400, d=20)
    assert PCA(3).fit(tall)._fit_solver_ == "covariance_eigh"
    small = low_rank_data(n=100, d=30)
    assert PCA(3).fit(small)._fit_solver_ == "full"
    wide = low_rank_data(n=300, d=700, rank=10)
    assert PCA(3).fit(wide)._fit_solver_ == "randomized"
    assert PCA(0.9).fit(wide)._fit_solver_ == "full"


# ---------------------------------------------------- probabilistic PCA


def gaussian_log_pdf(X, mean, cov):
    sign, log_det = np.linalg.slogdet(cov)
    assert sign > 0
    centered = X - mean
    quadratic = np.einsum("ij,ij->i", centered, np.linalg.solve(cov, centered.T).T)
    return -0.5 * (quadratic + X.shape[1] * math.log(2 * math.pi) + log_det)


@pytest.mark.parametrize("k", [2, 7, 24])
def test_score_samples_is_the_gaussian_log_likelihood(k):
    X = low_rank_data()
    pca = PCA(k, svd_solver="full").fit(X)
    cov = pca.get_covariance()
    np.testing.assert_allclose(pca.get_precision() @ cov, np.eye(24), atol=1e-8)
    expected = gaussian_log_pdf(X[:40], pca.mean_, cov)
    np.testing.assert_allclose(pca.score_samples(X[:40]), expected, rtol=1e-9)
    assert pca.score(X[:40]) == pytest.approx(expected.mean(), rel=1e-9)


def test_score_of_a_degenerate_model_is_an_error():
    X = low_rank_data(n=10, d=24)
    pca = PCA().fit(X)  # 10 components of 24 features, no noise left
    with pytest.raises(ValueError, match="degenerate"):
        pca.score_samples(X)


@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "randomized"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_scikit_learn(solver, dtype):
    decomposition = pytest.importorskip("sklearn.decomposition")
    X = low_rank_data(n=800, d=30, seed=11).astype(dtype)
    ours = PCA(6, svd_solver=solver, random_state=0).fit(X)
    theirs = decomposition.PCA(6, svd_solver=solver, random_state=0).fit(X)
    rtol = 2e-3 if dtype == np.float32 else 1e-7
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=rtol)
    np.testing.assert_allclose(ours.explained_variance_ratio_, theirs.explained_variance_ratio_, rtol=rtol)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=rtol)
    np.testing.assert_allclose(ours.noise_variance_, theirs.noise_variance_, rtol=10 * rtol)
    np.testing.assert_allclose(flipped(ours.components_), flipped(theirs.components_), atol=rtol)
    expected = theirs.score_samples(X[:100])
    # Log-likelihoods near zero: compare against the scale of the values.
    np.testing.assert_allclose(
        ours.score_samples(X[:100]), expected, rtol=10 * rtol, atol=10 * rtol * np.abs(expected).max()
    )
    assert ours.score(X) == pytest.approx(theirs.score(X), rel=10 * rtol)
    np.testing.assert_allclose(np.abs(ours.transform(X[:20])), np.abs(theirs.transform(X[:20])), rtol=rtol, atol=rtol)


def test_fraction_matches_scikit_learn():
    decomposition = pytest.importorskip("sklearn.decomposition")
    X = low_rank_data(n=500, d=20, seed=4)
    for fraction in (0.3, 0.8, 0.95, 0.999):
        assert PCA(fraction).fit(X).n_components_ == decomposition.PCA(fraction).fit(X).n_components_


# ------------------------------------------------------------ incremental


@pytest.mark.parametrize("dtype", DTYPES)
def test_partial_fit_over_batches_equals_a_full_fit(dtype):
    X = low_rank_data(n=500, d=16, rank=16, noise=0.3, seed=6).astype(dtype)
    ipca = IncrementalPCA()
    for start, stop in [(0, 40), (40, 41), (41, 200), (200, 203), (203, 500)]:
        ipca.partial_fit(X[start:stop])
    full = PCA(svd_solver="full").fit(X.astype(np.float64))
    tol = 1e-3 if dtype == np.float32 else 1e-10
    assert ipca.n_samples_seen_ == 500 and ipca.n_components_ == 16
    np.testing.assert_allclose(ipca.components_, full.components_, atol=tol)
    np.testing.assert_allclose(ipca.explained_variance_, full.explained_variance_, rtol=tol)
    np.testing.assert_allclose(ipca.explained_variance_ratio_, full.explained_variance_ratio_, rtol=tol)
    np.testing.assert_allclose(ipca.singular_values_, full.singular_values_, rtol=tol)
    np.testing.assert_allclose(ipca.mean_, X.astype(np.float64).mean(axis=0), rtol=1e-12, atol=1e-12)
    # float32 rows are centred in float32 before squaring: relative 1e-7.
    np.testing.assert_allclose(ipca.var_, X.astype(np.float64).var(axis=0), rtol=1e-6 if dtype == np.float32 else 1e-10)
    assert ipca.components_.dtype == dtype


def test_partial_fit_truncated_is_exact_on_low_rank_data():
    X = low_rank_data(n=600, d=20, rank=5, noise=0.0, seed=12)
    ipca = IncrementalPCA(5)
    for batch in np.array_split(X, 7):
        ipca.partial_fit(batch)
    full = PCA(5, svd_solver="full").fit(X)
    np.testing.assert_allclose(ipca.components_, full.components_, atol=1e-9)
    np.testing.assert_allclose(ipca.explained_variance_, full.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(ipca.noise_variance_, full.noise_variance_, atol=1e-12)


def test_partial_fit_truncated_approximates_noisy_data():
    X = low_rank_data(n=2000, d=20, rank=5, noise=0.01, seed=13)
    ipca = IncrementalPCA(5, batch_size=100).fit(X)
    full = PCA(5, svd_solver="full").fit(X)
    np.testing.assert_allclose(ipca.components_, full.components_, atol=1e-3)
    np.testing.assert_allclose(ipca.explained_variance_, full.explained_variance_, rtol=1e-4)


def test_incremental_fit_equals_its_partial_fits():
    X = low_rank_data(n=230, d=10, seed=14)
    fitted = IncrementalPCA(4, batch_size=50).fit(X)
    assert fitted.batch_size_ == 50
    manual = IncrementalPCA(4)
    for start in range(0, 230, 50):
        manual.partial_fit(X[start : start + 50])
    np.testing.assert_array_equal(fitted.components_, manual.components_)
    # fit starts over; partial_fit continues.
    again = IncrementalPCA(4, batch_size=50).fit(X[:100]).fit(X)
    np.testing.assert_array_equal(again.components_, fitted.components_)


def test_incremental_matches_scikit_learn():
    decomposition = pytest.importorskip("sklearn.decomposition")
    X = low_rank_data(n=400, d=12, seed=15)
    ours = IncrementalPCA(12, batch_size=100).fit(X)
    theirs = decomposition.IncrementalPCA(12, batch_size=100).fit(X)
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(flipped(ours.components_), flipped(theirs.components_), atol=1e-9)
    np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-10)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("solver", SOLVERS)
def test_too_many_components(solver):
    X = low_rank_data(n=30, d=8)
    with pytest.raises(ValueError, match=r"n_components=9 must be between 1 and min\(n_samples, n_features\)=8"):
        PCA(9, svd_solver=solver).fit(X)
    with pytest.raises(ValueError, match="n_components=6"):
        PCA(6, svd_solver=solver).fit(X[:5])


@pytest.mark.parametrize("bad", [0, -1, 1.0, 1.5, 0.0, -0.2, "MLE", True])
def test_bad_n_components(bad):
    with pytest.raises(ValueError, match="n_components"):
        PCA(bad).fit(low_rank_data(n=30, d=8))


@pytest.mark.parametrize(
    "params, name",
    [
        ({"svd_solver": "arpack"}, "svd_solver"),
        ({"power_iteration_normalizer": "qr"}, "power_iteration_normalizer"),
        ({"iterated_power": -1}, "iterated_power"),
        ({"n_oversamples": -1}, "n_oversamples"),
        ({"tol": -1.0}, "tol"),
        ({"whiten": "yes"}, "whiten"),
        ({"random_state": -3}, "random_state"),
    ],
)
def test_bad_parameters_name_themselves(params, name):
    with pytest.raises(ValueError, match=name):
        PCA(**params).fit(low_rank_data(n=30, d=8))


def test_fraction_with_randomized_is_an_error():
    with pytest.raises(ValueError, match="randomized"):
        PCA(0.5, svd_solver="randomized").fit(low_rank_data(n=30, d=8))


def test_bad_inputs():
    X = low_rank_data(n=30, d=8)
    with pytest.raises(ValueError, match="1 sample"):
        PCA().fit(X[:1])
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PCA().fit(bad)
    with pytest.raises(ValueError, match="2D"):
        PCA().fit(X[0])
    with pytest.raises(NotFittedError):
        PCA().transform(X)
    pca = PCA(3).fit(X)
    with pytest.raises(ValueError, match="8 features"):
        pca.transform(X[:, :5])
    with pytest.raises(ValueError, match="n_components_=3"):
        pca.inverse_transform(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="8 features"):
        pca.score_samples(X[:, :5])


def test_incremental_errors():
    X = low_rank_data(n=40, d=8)
    with pytest.raises(ValueError, match="first batch has 3 samples"):
        IncrementalPCA(5).partial_fit(X[:3])
    with pytest.raises(ValueError, match="n_components=9"):
        IncrementalPCA(9).partial_fit(X)
    ipca = IncrementalPCA(3).partial_fit(X[:10])
    with pytest.raises(ValueError, match="features"):
        ipca.partial_fit(X[:10, :6])
    with pytest.raises(ValueError, match="batch_size"):
        IncrementalPCA(batch_size=0).fit(X)


def test_kernels_recheck_their_arguments():
    from zoo import _core

    X = low_rank_data(n=30, d=8)
    with pytest.raises(ValueError, match="n_components"):
        _core.pca_covariance_eigh(X, 9, 1)
    with pytest.raises(ValueError, match="n_components"):
        _core.pca_randomized(X, 0, 10, 2, "LU", 0, 1)
    with pytest.raises(ValueError, match="normalizer"):
        _core.pca_randomized(X, 2, 10, 2, "lu", 0, 1)
    with pytest.raises(ValueError, match="mean"):
        _core.pca_project(X, np.zeros(3), np.eye(8), None, 1)


# ----------------------------------------------------------- persistence


@pytest.mark.parametrize("estimator", [PCA(3, whiten=True), IncrementalPCA(3, batch_size=20)])
def test_save_load_round_trip(tmp_path, estimator):
    X = low_rank_data(n=100, d=8).astype(np.float32)
    estimator.fit(X)
    path = tmp_path / "model.npz"
    estimator.save(path)
    loaded = zoo.load(path)
    assert type(loaded) is type(estimator)
    np.testing.assert_array_equal(loaded.transform(X), estimator.transform(X))
    np.testing.assert_array_equal(loaded.components_, estimator.components_)
    assert loaded.components_.dtype == np.float32
    assert loaded.noise_variance_ == estimator.noise_variance_


def test_loaded_incremental_model_keeps_learning(tmp_path):
    X = low_rank_data(n=300, d=8, seed=21)
    straight = IncrementalPCA(8).partial_fit(X[:100]).partial_fit(X[100:])
    first = IncrementalPCA(8).partial_fit(X[:100])
    first.save(tmp_path / "ipca.npz")
    resumed = zoo.load(tmp_path / "ipca.npz").partial_fit(X[100:])
    np.testing.assert_array_equal(resumed.components_, straight.components_)
    assert resumed.n_samples_seen_ == 300


def test_pickle_and_pipeline():
    import pickle

    sklearn_pipeline = pytest.importorskip("sklearn.pipeline")
    sklearn_linear = pytest.importorskip("sklearn.linear_model")
    X = low_rank_data(n=200, d=10, seed=22)
    y = X[:, 0] * 2 + 1
    pca = PCA(4).fit(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(pca)).transform(X), pca.transform(X))
    model = sklearn_pipeline.make_pipeline(PCA(10), sklearn_linear.LinearRegression()).fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-8)


@pytest.mark.parametrize("n_jobs", [1, 2, 3])
def test_full_solver_on_tall_data_in_parallel_pieces(n_jobs):
    # Tall enough for the tall-skinny QR to split rows between threads.
    X = low_rank_data(n=9000, d=12, rank=12, noise=0.5, seed=31)
    pca = PCA(svd_solver="full", n_jobs=n_jobs).fit(X)
    components, variances, s = reference(X, 12)
    np.testing.assert_allclose(pca.components_, components, atol=1e-9)
    np.testing.assert_allclose(pca.singular_values_, s, rtol=1e-11)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_covariance_route_in_float32_far_from_the_origin(n_jobs):
    # Offsets 1000 times the spread: centring must happen before the float32
    # products, and the Gram matrix must be accumulated in float64.
    X = low_rank_data(n=6000, d=16, rank=6, noise=0.05, offset=0.0, seed=41) + 1000.0
    X32 = X.astype(np.float32)
    pca = PCA(4, svd_solver="covariance_eigh", n_jobs=n_jobs).fit(X32)
    components, variances, _ = reference(X32, 4)
    np.testing.assert_allclose(pca.components_, components, atol=1e-4)
    np.testing.assert_allclose(pca.explained_variance_, variances[:4], rtol=1e-4)
    again = PCA(4, svd_solver="covariance_eigh", n_jobs=n_jobs).fit(X32)
    np.testing.assert_array_equal(again.components_, pca.components_)


# ---------------------------------------------------------------- n_components="mle"


@pytest.mark.parametrize("solver", ["auto", "full", "covariance_eigh"])
@pytest.mark.parametrize("rank, noise", [(3, 0.05), (8, 0.5), (5, 2.0)])
def test_mle_picks_the_count_scikit_learn_picks(solver, rank, noise):
    decomposition = pytest.importorskip("sklearn.decomposition")
    X = low_rank_data(n=600, d=30, rank=rank, noise=noise, seed=rank)
    ours = PCA("mle", svd_solver=solver).fit(X)
    theirs = decomposition.PCA("mle", svd_solver="full").fit(X)
    assert ours.n_components_ == theirs.n_components_
    if noise < 0.1:  # a clear gap after the signal: its own rank
        assert ours.n_components_ == rank
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=1e-9)
    assert ours.noise_variance_ == pytest.approx(theirs.noise_variance_, rel=1e-9)


def test_mle_log_evidence_against_scikit_learn():
    # The evidence itself, for every candidate count, on a spectrum with
    # close and tiny eigenvalues.
    pca_module = pytest.importorskip("sklearn.decomposition._pca")
    assess = getattr(pca_module, "_assess_dimension", None)
    if assess is None:
        pytest.skip("this scikit-learn has no _assess_dimension")
    from zoo.unsupervised.pca import _minka_log_evidence

    spectrum = np.array([40.0, 20.0, 19.0, 5.0, 1.0, 0.9, 0.5, 0.1, 1e-3, 1e-20])
    for k in range(1, len(spectrum)):
        expected = assess(spectrum, k, 250)
        got = _minka_log_evidence(spectrum, k, 250)
        assert got == pytest.approx(expected, rel=1e-12) or (np.isinf(got) and got == expected), k


def test_mle_errors():
    X = low_rank_data(n=20, d=30)
    with pytest.raises(ValueError, match="at least as many samples as features"):
        PCA("mle").fit(X)
    with pytest.raises(ValueError, match="randomized"):
        PCA("mle", svd_solver="randomized").fit(low_rank_data())
    with pytest.raises(ValueError, match="n_components"):
        PCA("mlee").fit(low_rank_data())
