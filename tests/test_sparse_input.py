"""SciPy sparse X: validation into the kernels' CSR form, the CSR product,
and the estimators that take it, against their dense path on the same data."""

import numpy as np
import pytest

import zoo
from zoo import _core
from zoo._validation import check_array

sparse = pytest.importorskip("scipy.sparse")


def text_like(n=1500, d=800, density=0.02, n_classes=2, seed=0):
    """A bag-of-words-like matrix (non-negative counts) and labels it separates."""
    rng = np.random.default_rng(seed)
    X = sparse.random(n, d, density=density, format="csr", random_state=seed, data_rvs=lambda k: rng.integers(1, 4, k))
    W = rng.normal(size=(d, n_classes))
    y = np.argmax(X @ W + 0.3 * rng.normal(size=(n, n_classes)), axis=1) if n_classes > 2 else (X @ W[:, 0] > 0)
    return X, y.astype(int)


def test_check_array_gives_the_kernels_csr():
    X = sparse.coo_matrix(([1, 2, 3, 4], ([0, 0, 2, 2], [1, 1, 0, 3])), shape=(3, 4))  # a duplicate entry
    checked = check_array(X, accept_sparse=True)
    assert sparse.isspmatrix_csr(checked) and checked.dtype == np.float64
    assert checked.indices.dtype == np.int64 and checked.indptr.dtype == np.int64
    np.testing.assert_array_equal(checked.toarray(), X.toarray())
    assert checked.nnz == 3  # duplicates summed
    with pytest.raises(ValueError, match="NaN"):
        check_array(sparse.csr_matrix([[np.nan, 1.0]]), accept_sparse=True)
    with pytest.raises(ValueError, match="minimum of 1 is required"):
        check_array(sparse.csr_matrix((0, 3)), accept_sparse=True)
    with pytest.raises(TypeError, match="sparse input is not supported"):
        check_array(X)  # estimators that do not take sparse X say so


@pytest.mark.parametrize("k", [1, 3])
def test_csr_times_dense(k):
    X, _ = text_like(n=300, d=120)
    B = np.random.default_rng(1).normal(size=(120, k))
    out = _core.csr_times_dense(X.data, X.indices.astype(np.int64), X.indptr.astype(np.int64), 120, B, 2)
    np.testing.assert_allclose(out, X.toarray() @ B, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="column indices"):
        _core.csr_times_dense(X.data, X.indices.astype(np.int64), X.indptr.astype(np.int64), 100, B[:100], 1)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("n_classes, loss", [(2, "squared_hinge"), (2, "hinge"), (4, "squared_hinge")])
def test_linear_svc_on_sparse_equals_its_dense_path(fmt, n_classes, loss):
    X, y = text_like(n_classes=n_classes)
    weight = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    options = dict(loss=loss, dual=True, C=0.5, random_state=0, max_iter=5000)
    ours = zoo.LinearSVC(**options).fit(X.asformat(fmt), y, sample_weight=weight)
    dense = zoo.LinearSVC(**options).fit(X.toarray(), y, sample_weight=weight)
    np.testing.assert_allclose(ours.coef_, dense.coef_, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours.intercept_, dense.intercept_, rtol=1e-9, atol=1e-11)
    assert ours.n_iter_ == dense.n_iter_
    np.testing.assert_allclose(ours.decision_function(X), dense.decision_function(X.toarray()), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X.asformat(fmt)), dense.predict(X.toarray()))
    assert ours.score(X, y) > 0.9


def test_linear_svc_sparse_against_scikit_learn():
    svm = pytest.importorskip("sklearn.svm")
    X, y = text_like(n=2000, d=1500, density=0.01)
    ours = zoo.LinearSVC(dual=True, tol=1e-6, max_iter=20000, random_state=0).fit(X, y)
    theirs = svm.LinearSVC(dual=True, tol=1e-6, max_iter=20000, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=2e-4)
    assert np.mean(ours.predict(X) == theirs.predict(X)) > 0.995


def test_linear_svc_sparse_errors():
    X, y = text_like(n=200, d=50)
    with pytest.raises(ValueError, match="dual=True"):
        zoo.LinearSVC(dual=False).fit(X, y)
    model = zoo.LinearSVC(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :40])
    assert model.n_features_in_ == 50


def test_standard_scaler_scales_sparse_data_as_dense():
    from zoo.preprocessing import StandardScaler

    X, _ = text_like(n=2000, d=60, density=0.05)
    weights = np.random.default_rng(3).uniform(0, 2, X.shape[0])
    ours = StandardScaler(with_mean=False).fit(X, sample_weight=weights)
    dense = StandardScaler(with_mean=False).fit(X.toarray(), sample_weight=weights)
    np.testing.assert_allclose(ours.var_, dense.var_, rtol=1e-12)
    np.testing.assert_allclose(ours.mean_, dense.mean_, rtol=1e-12)
    scaled = ours.transform(X.tocsc())
    assert sparse.issparse(scaled) and scaled.nnz == X.nnz  # zeros stay zeros
    np.testing.assert_allclose(scaled.toarray(), dense.transform(X.toarray()), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.inverse_transform(scaled).toarray(), X.toarray(), rtol=1e-12)
    original = X.copy()
    ours.transform(X)  # copy=True: X untouched
    assert (X != original).nnz == 0
    streamed = StandardScaler(with_mean=False)
    for rows in np.array_split(np.arange(X.shape[0]), 7):
        streamed.partial_fit(X[rows], sample_weight=weights[rows])
    np.testing.assert_allclose(streamed.var_, ours.var_, rtol=1e-10)
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    theirs = preprocessing.StandardScaler(with_mean=False).fit(X, sample_weight=weights)
    np.testing.assert_allclose(ours.scale_, theirs.scale_, rtol=1e-12)
    with pytest.raises(ValueError, match="with_mean=False"):
        StandardScaler().fit(X)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_max_abs_scaler_sparse_dense_and_scikit_learn(fmt):
    from zoo.preprocessing import MaxAbsScaler

    rng = np.random.default_rng(4)
    X = sparse.random(1500, 40, density=0.05, format="csr", random_state=4) * 10
    X = (X - sparse.random(1500, 40, density=0.02, format="csr", random_state=5) * 30).asformat(fmt)
    X[:, 7] = 0  # an all-zero column keeps a scale of 1
    ours = MaxAbsScaler().fit(X)
    dense = MaxAbsScaler().fit(X.toarray())
    np.testing.assert_array_equal(ours.max_abs_, dense.max_abs_)
    assert ours.scale_[7] == 1.0 and ours.max_abs_[7] == 0.0
    scaled = ours.transform(X)
    assert sparse.issparse(scaled) and scaled.nnz == X.nnz
    np.testing.assert_allclose(scaled.toarray(), dense.transform(X.toarray()), rtol=1e-15)
    assert abs(scaled).max() <= 1.0
    np.testing.assert_allclose(ours.inverse_transform(scaled).toarray(), X.toarray(), rtol=1e-14)
    streamed = MaxAbsScaler()
    for rows in np.array_split(rng.permutation(X.shape[0]), 5):
        streamed.partial_fit(X[rows])
    np.testing.assert_array_equal(streamed.max_abs_, ours.max_abs_)
    assert streamed.n_samples_seen_ == X.shape[0]
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    np.testing.assert_array_equal(ours.max_abs_, preprocessing.MaxAbsScaler().fit(X).max_abs_)
    np.testing.assert_array_equal(
        dense.transform(X.toarray()), preprocessing.MaxAbsScaler().fit(X.toarray()).transform(X.toarray())
    )


@pytest.mark.parametrize("options", [{}, {"drop": "first"}, {"handle_unknown": "ignore"}])
def test_one_hot_encoder_sparse_output_as_scikit_learn(options):
    from zoo.preprocessing import OneHotEncoder

    preprocessing = pytest.importorskip("sklearn.preprocessing")
    rng = np.random.default_rng(6)
    X = np.column_stack([rng.choice(["red", "green", "blue"], 300), rng.integers(0, 40, 300)]).astype(object)
    X[:, 1] = X[:, 1].astype(int)
    ours = OneHotEncoder(sparse_output=True, dtype=np.float32, **options).fit(X)
    theirs = preprocessing.OneHotEncoder(sparse_output=True, dtype=np.float32, **options).fit(X)
    encoded = ours.transform(X)
    assert sparse.issparse(encoded) and encoded.dtype == np.float32 and encoded.nnz <= 2 * len(X)
    assert (encoded != theirs.transform(X)).nnz == 0
    np.testing.assert_array_equal(encoded.toarray(), OneHotEncoder(dtype=np.float32, **options).fit(X).transform(X))
    np.testing.assert_array_equal(ours.inverse_transform(encoded), theirs.inverse_transform(theirs.transform(X)))
    with pytest.raises(ValueError, match="expecting"):
        ours.inverse_transform(encoded[:, :-1])
