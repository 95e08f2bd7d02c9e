"""zoo.preprocessing against NumPy references and scikit-learn's transformers:
statistics, partial_fit over uneven batches, dtypes, encodings, bad input,
save/load."""

import os
import warnings

import numpy as np
import pytest

import zoo
from zoo.exceptions import NotFittedError
from zoo.preprocessing import LabelEncoder, MinMaxScaler, OneHotEncoder, StandardScaler

UNEVEN_BATCHES = [1, 7, 50, 42]  # 100 rows


def data(n=100, d=4, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 10.0, 0.1, 3.0][:d] + [0.0, -5.0, 2.0, 100.0][:d]
    return X.astype(dtype)


def batches(X, sizes=UNEVEN_BATCHES, weights=None):
    start = 0
    for size in sizes:
        stop = start + size
        yield X[start:stop], None if weights is None else weights[start:stop]
        start = stop
    assert start == X.shape[0]


# ------------------------------------------------------------- StandardScaler


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standard_scaler_matches_numpy(dtype):
    X = data(dtype=dtype)
    scaler = StandardScaler().fit(X)
    X64 = X.astype(np.float64)
    np.testing.assert_allclose(scaler.mean_, X64.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scaler.var_, X64.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_, X64.std(axis=0), rtol=1e-12)
    assert scaler.mean_.dtype == np.float64 and scaler.n_samples_seen_ == 100
    Z = scaler.transform(X)
    assert Z.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(Z, (X64 - X64.mean(0)) / X64.std(0), rtol=tol, atol=tol)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, rtol=tol, atol=tol * 100)


@pytest.mark.parametrize("with_mean", [True, False])
@pytest.mark.parametrize("with_std", [True, False])
def test_standard_scaler_options_match_sklearn(with_mean, with_std):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    X = data()
    weights = np.random.default_rng(1).uniform(0, 3, size=X.shape[0])
    ours = StandardScaler(with_mean=with_mean, with_std=with_std).fit(X, sample_weight=weights)
    theirs = preprocessing.StandardScaler(with_mean=with_mean, with_std=with_std).fit(X, sample_weight=weights)
    for name in ("mean_", "var_", "scale_"):
        mine, reference = getattr(ours, name), getattr(theirs, name)
        if reference is None:
            assert mine is None, name
        else:
            np.testing.assert_allclose(mine, reference, rtol=1e-10, err_msg=name)
    # The sum of the weights, as scikit-learn has it whenever it computes
    # statistics (without either option it counts rows instead).
    np.testing.assert_allclose(ours.n_samples_seen_, weights.sum(), rtol=1e-12)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-10, atol=1e-12)


def test_standard_scaler_sample_weight_equals_repeated_rows():
    X = data(n=30)
    counts = np.random.default_rng(2).integers(0, 4, size=30)
    weighted = StandardScaler().fit(X, sample_weight=counts)
    repeated = StandardScaler().fit(np.repeat(X, counts, axis=0))
    np.testing.assert_allclose(weighted.mean_, repeated.mean_, rtol=1e-12)
    np.testing.assert_allclose(weighted.var_, repeated.var_, rtol=1e-10)
    assert weighted.n_samples_seen_ == counts.sum()


@pytest.mark.parametrize("weighted", [False, True])
def test_standard_scaler_partial_fit_equals_fit(weighted):
    X = data()
    weights = np.random.default_rng(3).uniform(0.1, 2, size=X.shape[0]) if weighted else None
    full = StandardScaler().fit(X, sample_weight=weights)
    streamed = StandardScaler()
    for part, part_weights in batches(X, weights=weights):
        streamed.partial_fit(part, sample_weight=part_weights)
    np.testing.assert_allclose(streamed.mean_, full.mean_, rtol=1e-12)
    np.testing.assert_allclose(streamed.var_, full.var_, rtol=1e-10)
    np.testing.assert_allclose(streamed.n_samples_seen_, full.n_samples_seen_)
    np.testing.assert_allclose(streamed.transform(X), full.transform(X), rtol=1e-10, atol=1e-12)


def test_standard_scaler_partial_fit_is_stable_far_from_the_origin():
    # Variance 1e-4 around 1e8: the naive E[x^2] - E[x]^2 loses every digit.
    rng = np.random.default_rng(4)
    X = 1e8 + rng.normal(scale=1e-2, size=(1000, 2))
    streamed = StandardScaler()
    for part, _ in batches(X, sizes=[3, 400, 17, 580]):
        streamed.partial_fit(part)
    np.testing.assert_allclose(streamed.var_, X.var(axis=0), rtol=1e-6)


def test_standard_scaler_partial_fit_after_turning_on_mean_or_std():
    # The statistics were not accumulated: a clear error, not a TypeError on None.
    X = data()
    for first, later in (({"with_std": False}, {"with_std": True}),
                         ({"with_mean": False, "with_std": False}, {"with_mean": True})):
        scaler = StandardScaler(**first).fit(X).set_params(**later)
        with pytest.raises(ValueError, match="call fit to start over"):
            scaler.partial_fit(X)
        np.testing.assert_allclose(scaler.fit(X).mean_, X.mean(axis=0))


def test_standard_scaler_partial_fit_matches_sklearn():
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    X = data(dtype=np.float32)
    ours, theirs = StandardScaler(), preprocessing.StandardScaler()
    for part, _ in batches(X):
        ours.partial_fit(part)
        theirs.partial_fit(part)
    np.testing.assert_allclose(ours.mean_, theirs.mean_, rtol=1e-6)
    np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-5)
    assert ours.n_samples_seen_ == theirs.n_samples_seen_


def test_standard_scaler_constant_features_get_unit_scale():
    X = data(n=50)
    X[:, 1] = 0.0
    X[:, 2] = 0.1 + 1e9  # not exactly representable: the mean carries rounding error
    scaler = StandardScaler().fit(X)
    assert scaler.scale_[1] == 1.0 and scaler.scale_[2] == 1.0
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z[:, 1:3], 0.0, atol=1e-6)
    assert np.all(scaler.scale_[[0, 3]] != 1.0)


def test_standard_scaler_copy():
    X = data()
    original = X.copy()
    StandardScaler().fit(X).transform(X)
    np.testing.assert_array_equal(X, original)
    out = StandardScaler(copy=False).fit(X).transform(X)
    assert np.shares_memory(out, X)
    out = StandardScaler().fit(original).transform(X, copy=True)
    assert not np.shares_memory(out, X)
    # A read-only input is never written, whatever copy says.
    frozen = original.copy()
    frozen.setflags(write=False)
    for scaler in (StandardScaler(copy=False), MinMaxScaler(copy=False)):
        scaler.fit(frozen)
        scaler.inverse_transform(scaler.transform(frozen))
        np.testing.assert_array_equal(frozen, original)


def test_standard_scaler_integer_input_becomes_float64():
    X = np.arange(12).reshape(6, 2)
    assert StandardScaler().fit_transform(X).dtype == np.float64


# ------------------------------------------- StandardScaler's C++ kernels
# column_moments works on row blocks of 32768 // n_features rows; these sizes
# span several blocks, so the merge and the thread partition are exercised.


def offset_data(n=30_000, d=3, dtype=np.float64, seed=5):
    # Offsets far larger than the spread, yet resolved by the dtype.
    rng = np.random.default_rng(seed)
    offsets = [1e6, -1e8, 3.0] if dtype == np.float64 else [1e3, -1e4, 3.0]
    X = rng.normal(size=(n, d)) * [1e-3, 2.0, 50.0][:d] + offsets[:d]
    return X.astype(dtype)


def numpy_moments(X, weights):
    X64 = X.astype(np.float64)
    weights = np.ones(X.shape[0]) if weights is None else weights
    total = weights.sum()
    mean = weights @ X64 / total
    return total, mean, weights @ (X64 - mean) ** 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_column_moments_match_numpy_far_from_the_origin(dtype, weighted):
    X = offset_data(dtype=dtype)
    weights = None
    if weighted:
        weights = np.random.default_rng(6).uniform(0, 3, size=X.shape[0])
        weights[:12_000] = 0.0  # whole blocks of zero weight are empty parts
    total, mean, m2 = zoo._core.column_moments(X, weights, 2)
    ref_total, ref_mean, ref_m2 = numpy_moments(X, weights)
    np.testing.assert_allclose(total, ref_total, rtol=1e-12)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-13)
    # A spread of 1e-3 around 1e6: one-pass sums of squares would lose it all,
    # and block means summed without a shift lose half of its digits.
    np.testing.assert_allclose(m2, ref_m2, rtol=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standard_scaler_does_not_depend_on_thread_count(weighted, dtype):
    X = offset_data(n=40_000, d=3, dtype=dtype)
    weights = np.random.default_rng(7).uniform(0, 2, size=X.shape[0]) if weighted else None
    one = StandardScaler(n_jobs=1)
    Z_one = one.fit_transform(X, sample_weight=weights)
    try:
        zoo.set_num_threads(2)
        default = StandardScaler()
        Z_default = default.fit_transform(X, sample_weight=weights)
    finally:
        zoo.set_num_threads(None)
    three = StandardScaler(n_jobs=3).fit(X, sample_weight=weights)
    for other in (default, three):
        for name in ("mean_", "var_", "scale_"):
            np.testing.assert_array_equal(getattr(one, name), getattr(other, name), err_msg=name)
    np.testing.assert_array_equal(Z_one, Z_default)
    np.testing.assert_array_equal(Z_one, three.transform(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("with_mean", [True, False])
@pytest.mark.parametrize("with_std", [True, False])
def test_standard_scaler_transform_is_numpy_arithmetic_in_the_input_type(dtype, with_mean, with_std):
    X = offset_data(n=5_000, dtype=dtype)
    scaler = StandardScaler(with_mean=with_mean, with_std=with_std, n_jobs=2).fit(X)
    expected = X.copy()
    if with_mean:
        expected -= scaler.mean_.astype(dtype)
    if with_std:
        expected /= scaler.scale_.astype(dtype)
    Z = scaler.transform(X)
    assert Z.dtype == dtype and not np.shares_memory(Z, X)
    np.testing.assert_array_equal(Z, expected)
    np.testing.assert_array_equal(StandardScaler(with_mean=with_mean, with_std=with_std).fit_transform(X), expected)


def test_standard_scaler_fit_transform_copy_semantics():
    X = data()
    original = X.copy()
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_array_equal(X, original)
    np.testing.assert_array_equal(Z, StandardScaler().fit(X).transform(X))
    in_place = StandardScaler(copy=False).fit_transform(X)
    assert np.shares_memory(in_place, X)
    np.testing.assert_array_equal(in_place, Z)
    # Converted input is already a private copy, which copy=True may reuse;
    # the caller's integers are untouched either way.
    integers = np.arange(12).reshape(6, 2)
    np.testing.assert_allclose(StandardScaler().fit_transform(integers).std(axis=0), 1.0)
    np.testing.assert_array_equal(integers, np.arange(12).reshape(6, 2))


def test_standard_scaler_one_row_and_empty_input():
    one_row = np.array([[1.0, -2.0, 1e9]])
    scaler = StandardScaler()
    np.testing.assert_array_equal(scaler.fit_transform(one_row), np.zeros((1, 3)))
    np.testing.assert_array_equal(scaler.scale_, np.ones(3))
    for empty in (np.empty((0, 3)), np.empty((4, 0))):
        with pytest.raises(ValueError):
            StandardScaler().fit(empty)
        with pytest.raises(ValueError):
            StandardScaler().fit_transform(empty)
    with pytest.raises(ValueError, match="n_jobs"):
        StandardScaler(n_jobs=0).fit(data())


def test_standard_scaler_kernels_guard_their_arguments():
    X = data()
    mean, scale = X.mean(axis=0), X.std(axis=0)
    bad_calls = [
        lambda: zoo._core.column_moments(np.empty((0, 3)), None, 1),
        lambda: zoo._core.column_moments(X[0], None, 1),
        lambda: zoo._core.column_moments(X, np.ones(99), 1),
        lambda: zoo._core.column_moments(X, None, 0),
        lambda: zoo._core.standardize_columns(X, mean, scale, np.empty((99, 4)), 1),
        lambda: zoo._core.standardize_columns(X, mean[:3], scale, np.empty_like(X), 1),
        lambda: zoo._core.standardize_columns(X, mean, scale[:3], np.empty_like(X), 1),
        lambda: zoo._core.standardize_columns(np.empty((0, 4)), mean, scale, np.empty((0, 4)), 1),
    ]
    for call in bad_calls:
        with pytest.raises(ValueError):
            call()


# --------------------------------------------------------------- MinMaxScaler


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("feature_range", [(0, 1), (-3, 0.5)])
def test_min_max_scaler_matches_numpy(dtype, feature_range):
    X = data(dtype=dtype)
    scaler = MinMaxScaler(feature_range).fit(X)
    low, high = feature_range
    X64 = X.astype(np.float64)
    expected = (X64 - X64.min(0)) / (X64.max(0) - X64.min(0)) * (high - low) + low
    Z = scaler.transform(X)
    assert Z.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(Z, expected, rtol=tol, atol=tol)
    np.testing.assert_allclose(scaler.data_range_, X64.max(0) - X64.min(0))
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, rtol=tol, atol=tol * 100)


def test_min_max_scaler_matches_sklearn():
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    X = data()
    X[:, 2] = 7.0
    ours = MinMaxScaler((-1, 2)).fit(X)
    theirs = preprocessing.MinMaxScaler((-1, 2)).fit(X)
    for name in ("data_min_", "data_max_", "data_range_", "scale_", "min_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-12, err_msg=name)
    unseen = data(seed=9) * 3
    np.testing.assert_allclose(ours.transform(unseen), theirs.transform(unseen), rtol=1e-12, atol=1e-12)


def test_min_max_scaler_partial_fit_equals_fit():
    X = data()
    streamed = MinMaxScaler()
    for part, _ in batches(X):
        streamed.partial_fit(part)
    full = MinMaxScaler().fit(X)
    for name in ("data_min_", "data_max_", "scale_", "min_"):
        np.testing.assert_array_equal(getattr(streamed, name), getattr(full, name))
    assert streamed.n_samples_seen_ == 100


def test_min_max_scaler_clip_and_constant_feature():
    X = np.array([[0.0, 5.0], [10.0, 5.0]])
    scaler = MinMaxScaler(clip=True).fit(X)
    np.testing.assert_array_equal(scaler.transform([[-5.0, 5.0], [20.0, 9.0]]), [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(scaler.transform(X)[:, 1], [0.0, 0.0])
    unclipped = MinMaxScaler().fit(X).transform([[-5.0, 5.0]])
    np.testing.assert_array_equal(unclipped, [[-0.5, 0.0]])


@pytest.mark.parametrize("feature_range", [(1, 0), (2, 2), (0,), (0, np.inf), ("a", 1)])
def test_min_max_scaler_bad_feature_range(feature_range):
    with pytest.raises(ValueError, match="feature_range"):
        MinMaxScaler(feature_range).fit(data())


def test_min_max_scaler_feature_range_must_be_a_tuple():
    with pytest.raises(ValueError, match="feature_range"):
        MinMaxScaler([0, 1]).fit(data())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("clip", [False, True])
def test_min_max_scaler_kernel_is_numpy_arithmetic(dtype, clip):
    X = offset_data(n=20_000, dtype=dtype)
    scaler = MinMaxScaler(feature_range=(-1, 2), clip=clip, n_jobs=2).fit(X[:15_000])
    assert np.array_equal(scaler.data_min_, X[:15_000].min(axis=0).astype(np.float64))
    assert np.array_equal(scaler.data_max_, X[:15_000].max(axis=0).astype(np.float64))
    expected = X * scaler.scale_.astype(dtype)
    expected += scaler.min_.astype(dtype)
    if clip:
        np.clip(expected, -1, 2, out=expected)
    Z = scaler.transform(X)
    assert Z.dtype == dtype and not np.shares_memory(Z, X)
    np.testing.assert_array_equal(Z, expected)
    # Rounded after the product and after the sum, never fused: the training
    # extremes land exactly on the ends of feature_range.
    fitted = MinMaxScaler(feature_range=(-1, 2), n_jobs=1).fit_transform(X)
    np.testing.assert_array_equal(fitted.min(axis=0), -1.0)
    np.testing.assert_array_equal(fitted, MinMaxScaler(feature_range=(-1, 2), n_jobs=2).fit(X).transform(X))


def test_min_max_scaler_fit_transform_copy_semantics():
    X = data()
    original = X.copy()
    Z = MinMaxScaler().fit_transform(X)
    np.testing.assert_array_equal(X, original)
    in_place = MinMaxScaler(copy=False).fit_transform(X)
    assert np.shares_memory(in_place, X)
    np.testing.assert_array_equal(in_place, Z)


def test_min_max_scaler_kernels_guard_their_arguments():
    X = data()
    ones = np.ones(4)
    bad_calls = [
        lambda: zoo._core.column_range(np.empty((0, 4)), 1),
        lambda: zoo._core.column_range(X, 0),
        lambda: zoo._core.scale_shift_columns(X, ones[:3], ones, None, np.empty_like(X), 1),
        lambda: zoo._core.scale_shift_columns(X, ones, ones, (1.0, 0.0), np.empty_like(X), 1),
        lambda: zoo._core.scale_shift_columns(X, ones, ones, None, np.empty((100, 3)), 1),
    ]
    for call in bad_calls:
        with pytest.raises(ValueError):
            call()


# ------------------------------------------------------- scalers: shared rules


@pytest.mark.parametrize("scaler", [StandardScaler(), MinMaxScaler()], ids=lambda s: type(s).__name__)
def test_scalers_bad_input(scaler):
    X = data()
    with pytest.raises(NotFittedError):
        type(scaler)().transform(X)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        scaler.fit(bad)
    with pytest.raises(ValueError, match="infinity"):
        scaler.fit(np.where(bad == bad, X, np.inf))
    with pytest.raises(ValueError, match="2D"):
        scaler.fit(X[:, 0])
    with pytest.raises(ValueError, match="numeric"):
        scaler.fit(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="0 sample"):
        scaler.fit(X[:0])
    scaler.fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
        scaler.transform(X[:, :3])
    with pytest.raises(ValueError, match="expecting 4"):
        scaler.inverse_transform(X[:, :3])
    with pytest.raises(ValueError, match="X has 3 features"):
        scaler.partial_fit(X[:, :3])
    with pytest.raises(ValueError, match="copy"):
        type(scaler)(copy="yes").fit(X)


def test_standard_scaler_bad_sample_weight():
    X = data()
    with pytest.raises(ValueError, match="sample_weight has 3 entries"):
        StandardScaler().fit(X, sample_weight=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="non-negative"):
        StandardScaler().fit(X, sample_weight=-np.ones(100))
    with pytest.raises(ValueError, match="with_mean"):
        StandardScaler(with_mean=1).fit(X)


@pytest.mark.parametrize("scaler", [StandardScaler(), MinMaxScaler()], ids=lambda s: type(s).__name__)
def test_scalers_feature_names(scaler):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(data(), columns=["a", "b", "c", "d"])
    scaler.fit(frame)
    assert scaler.get_feature_names_out().tolist() == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="feature names should match"):
        scaler.transform(frame[["b", "a", "c", "d"]])
    plain = type(scaler)().fit(data())
    assert plain.get_feature_names_out().tolist() == ["x0", "x1", "x2", "x3"]
    assert plain.get_feature_names_out(["p", "q", "r", "s"]).tolist() == ["p", "q", "r", "s"]
    with pytest.raises(ValueError, match="length equal to number of features"):
        plain.get_feature_names_out(["p"])


# ------------------------------------------------------------- OneHotEncoder


def one_hot_reference(column, categories):
    return (np.asarray(column, dtype=object)[:, None] == np.asarray(categories, dtype=object)[None, :]).astype(float)


def test_one_hot_integers_match_numpy():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 5, size=(60, 3)) * np.array([1, 10, -1])
    encoder = OneHotEncoder().fit(X)
    expected = np.hstack([one_hot_reference(X[:, j], np.unique(X[:, j])) for j in range(3)])
    for j in range(3):
        np.testing.assert_array_equal(encoder.categories_[j], np.unique(X[:, j]))
    np.testing.assert_array_equal(encoder.transform(X), expected)
    np.testing.assert_array_equal(encoder.inverse_transform(expected), X)
    assert encoder.inverse_transform(expected).dtype == X.dtype


MIXED = np.array(
    [["red", 1, 2.5], ["blue", 3, 1.0], ["red", 3, 0.0], ["green", 1, 2.5], ["blue", 2, 1.0]], dtype=object
)


@pytest.mark.parametrize("drop", [None, "first", "if_binary", ["red", 3, 1.0]])
@pytest.mark.parametrize("handle_unknown", ["error", "ignore"])
def test_one_hot_matches_sklearn(drop, handle_unknown):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    X = MIXED
    if drop == "if_binary":
        X = np.array([["red", 1.0], ["blue", 2.5], ["red", 2.5], ["blue", 1.0]], dtype=object)
    ours = OneHotEncoder(drop=drop, handle_unknown=handle_unknown).fit(X)
    theirs = preprocessing.OneHotEncoder(drop=drop, handle_unknown=handle_unknown, sparse_output=False).fit(X)
    for mine, reference in zip(ours.categories_, theirs.categories_):
        assert mine.tolist() == reference.tolist()
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))
    assert ours.get_feature_names_out().tolist() == theirs.get_feature_names_out().tolist()
    encoded = ours.transform(X)
    assert ours.inverse_transform(encoded).tolist() == theirs.inverse_transform(encoded).tolist()
    if drop is None:
        assert ours.drop_idx_ is None
    else:
        assert ours.drop_idx_.tolist() == theirs.drop_idx_.tolist()


def test_one_hot_handle_unknown():
    encoder = OneHotEncoder().fit(MIXED)
    with pytest.raises(ValueError, match=r"unknown categories \['purple'\] in column 0"):
        encoder.transform(np.array([["purple", 1, 2.5]], dtype=object))
    ignoring = OneHotEncoder(handle_unknown="ignore").fit(MIXED)
    row = ignoring.transform(np.array([["purple", 3, 9.0]], dtype=object))
    np.testing.assert_array_equal(row, [[0, 0, 0, 0, 0, 1, 0, 0, 0]])
    assert ignoring.inverse_transform(row).tolist() == [[None, 3, None]]


def test_one_hot_nested_list_keeps_numbers():
    encoder = OneHotEncoder().fit([["red", 1], ["blue", 3], ["red", 3]])
    assert encoder.categories_[1].tolist() == [1, 3]
    assert encoder.get_feature_names_out().tolist() == ["x0_blue", "x0_red", "x1_1", "x1_3"]
    np.testing.assert_array_equal(encoder.transform([["blue", 1]]), [[1, 0, 1, 0]])


def test_one_hot_string_array():
    X = np.array([["b", "x"], ["a", "y"], ["b", "y"]])
    encoder = OneHotEncoder(dtype=np.int8).fit(X)
    assert encoder.categories_[0].dtype == object
    Z = encoder.transform(X)
    assert Z.dtype == np.int8
    np.testing.assert_array_equal(Z, np.hstack([one_hot_reference(X[:, 0], ["a", "b"]), one_hot_reference(X[:, 1], ["x", "y"])]))
    assert encoder.inverse_transform(Z).tolist() == X.tolist()


def test_one_hot_pandas_columns_keep_their_types():
    pd = pytest.importorskip("pandas")
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    frame = pd.DataFrame({"colour": ["red", "blue", "red", "green"], "size": [3, 1, 3, 2], "weight": [0.5, 0.5, 1.5, 2.0]})
    ours = OneHotEncoder().fit(frame)
    theirs = preprocessing.OneHotEncoder(sparse_output=False).fit(frame)
    assert ours.categories_[1].dtype.kind == "i"
    np.testing.assert_array_equal(ours.transform(frame), theirs.transform(frame))
    assert ours.get_feature_names_out().tolist() == theirs.get_feature_names_out().tolist()
    assert ours.feature_names_in_.tolist() == ["colour", "size", "weight"]
    with pytest.raises(ValueError, match="feature names should match"):
        ours.transform(frame[["size", "colour", "weight"]])


def test_one_hot_given_categories():
    X = np.array([["b", 2], ["a", 1]], dtype=object)
    encoder = OneHotEncoder(categories=[["c", "b", "a"], [1, 2, 5]]).fit(X)
    np.testing.assert_array_equal(encoder.transform(X), [[0, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 0]])
    assert encoder.get_feature_names_out(["letter", "n"]).tolist() == [
        "letter_c", "letter_b", "letter_a", "n_1", "n_2", "n_5"
    ]
    with pytest.raises(ValueError, match=r"unknown categories \['b'\] in column 0 during fit"):
        OneHotEncoder(categories=[["a"], [1, 2]]).fit(X)
    with pytest.raises(ValueError, match="sorted"):
        OneHotEncoder(categories=[["a", "b"], [2, 1]]).fit(X)
    # A repeated category (or NaN, which X may not hold) gave a column never set.
    with pytest.raises(ValueError, match=r"categories\[0\] contains duplicates"):
        OneHotEncoder(categories=[["a", "b", "a"], [1, 2]]).fit(X)
    with pytest.raises(ValueError, match="finite, sorted and distinct"):
        OneHotEncoder(categories=[["a", "b"], [1.0, 2.0, np.nan]]).fit(X)
    with pytest.raises(ValueError, match="categories has 1 entries but X has 2"):
        OneHotEncoder(categories=[["a", "b"]]).fit(X)


def test_one_hot_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        OneHotEncoder().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="None"):
        OneHotEncoder().fit(np.array([["a"], [None]], dtype=object))
    with pytest.raises(TypeError, match="uniformly strings or numbers"):
        OneHotEncoder().fit(np.array([["a"], [1]], dtype=object))
    with pytest.raises(TypeError, match="dict"):
        OneHotEncoder().fit(np.array([["a"], [{"b": 1}]], dtype=object))
    with pytest.raises(ValueError, match="2D"):
        OneHotEncoder().fit(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="0 sample"):
        OneHotEncoder().fit(np.empty((0, 2)))
    with pytest.raises((TypeError, ValueError), match="dtype"):
        OneHotEncoder(dtype="text").fit(MIXED)
    with pytest.raises(ValueError, match="handle_unknown"):
        OneHotEncoder(handle_unknown="skip").fit(MIXED)
    with pytest.raises(ValueError, match="drop"):
        OneHotEncoder(drop=["red", 7, 1.0]).fit(MIXED)
    encoder = OneHotEncoder().fit(MIXED)
    with pytest.raises(ValueError, match="X has 2 features, but OneHotEncoder is expecting 3"):
        encoder.transform(MIXED[:, :2])
    with pytest.raises(ValueError, match="expecting 9"):
        encoder.inverse_transform(np.zeros((1, 4)))
    with pytest.raises(ValueError, match="no active column"):
        encoder.inverse_transform(np.zeros((1, 9)))
    with pytest.raises(NotFittedError):
        OneHotEncoder().transform(MIXED)


# --------------------------------------------------------------- LabelEncoder


@pytest.mark.parametrize(
    "labels",
    [["dog", "cat", "dog", "eel"], [10, -2, 10, 7], np.array([2.0, 0.5, 2.0]), np.array(["b", "a"], dtype=object)],
)
def test_label_encoder_matches_numpy_and_sklearn(labels):
    encoder = LabelEncoder()
    codes = encoder.fit_transform(labels)
    classes, expected = np.unique(np.asarray(labels), return_inverse=True)
    np.testing.assert_array_equal(codes, expected)
    assert encoder.classes_.tolist() == classes.tolist()
    assert codes.dtype == np.int64
    assert encoder.inverse_transform(codes).tolist() == np.asarray(labels).tolist()
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    reference = preprocessing.LabelEncoder().fit(labels)
    assert encoder.classes_.tolist() == reference.classes_.tolist()
    np.testing.assert_array_equal(codes, reference.transform(labels))


def test_label_encoder_errors():
    encoder = LabelEncoder().fit(["a", "b"])
    with pytest.raises(ValueError, match=r"previously unseen labels: \['c', 'z'\]"):
        encoder.transform(["a", "z", "c"])
    with pytest.raises(ValueError, match=r"outside \[0, 1\]: \[2\]"):
        encoder.inverse_transform([0, 2])
    with pytest.raises(ValueError, match="integer codes"):
        encoder.inverse_transform([0.5])
    with pytest.raises(ValueError, match="1-D"):
        LabelEncoder().fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        LabelEncoder().fit([1.0, np.nan])
    with pytest.raises(ValueError, match="empty"):
        LabelEncoder().fit([])
    with pytest.raises(TypeError, match="uniformly strings or numbers"):
        LabelEncoder().fit(np.array(["a", 1], dtype=object))
    with pytest.raises(NotFittedError):
        LabelEncoder().transform(["a"])
    assert encoder.transform([]).shape == (0,)


def test_label_encoder_column_vector_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codes = LabelEncoder().fit_transform(np.array([[3], [1], [3]]))
    np.testing.assert_array_equal(codes, [1, 0, 1])
    assert any("column-vector" in str(w.message) for w in caught)


# ------------------------------------------------------------------ save/load


@pytest.mark.parametrize(
    "make, X",
    [
        (lambda: StandardScaler(with_mean=False), data()),
        (lambda: MinMaxScaler((-2, 2), clip=True), data()),
        (lambda: OneHotEncoder(drop="if_binary", handle_unknown="ignore", dtype=np.float32), MIXED),
        (lambda: OneHotEncoder(categories=[["z", "red", "blue", "green"], [1, 2, 3], [0.0, 1.0, 2.5]]), MIXED),
    ],
    ids=["StandardScaler", "MinMaxScaler", "OneHotEncoder-auto", "OneHotEncoder-given"],
)
def test_transformers_save_and_load(tmp_path, make, X):
    fitted = make().fit(X)
    path = os.fspath(tmp_path / "model.npz")
    loaded = zoo.load(fitted.save(path))
    assert type(loaded) is type(fitted)
    result = loaded.transform(X)
    np.testing.assert_array_equal(result, fitted.transform(X))
    assert result.dtype == fitted.transform(X).dtype
    if isinstance(fitted, OneHotEncoder):
        for mine, original in zip(loaded.categories_, fitted.categories_):
            assert mine.dtype == original.dtype and mine.tolist() == original.tolist()
        assert loaded.inverse_transform(result).tolist() == fitted.inverse_transform(result).tolist()


@pytest.mark.parametrize("labels", [["dog", "cat"], np.array([3, 1, 2], dtype=object), [4, 9]])
def test_label_encoder_save_and_load(tmp_path, labels):
    fitted = LabelEncoder().fit(labels)
    loaded = LabelEncoder.load(fitted.save(os.fspath(tmp_path / "labels.npz")))
    assert loaded.classes_.dtype == fitted.classes_.dtype
    assert loaded.classes_.tolist() == fitted.classes_.tolist()
    np.testing.assert_array_equal(loaded.transform(labels), fitted.transform(labels))


# ------------------------------------------------------- scikit-learn's tools


def test_transformers_in_sklearn_column_transformer_and_pipeline():
    pd = pytest.importorskip("pandas")
    compose = pytest.importorskip("sklearn.compose")
    pipeline = pytest.importorskip("sklearn.pipeline")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"kind": rng.choice(["a", "b", "c"], 120), "size": rng.normal(50, 10, 120)})
    y = ((frame["kind"] == "a") ^ (frame["size"] > 50)).to_numpy().astype(int)
    columns = compose.ColumnTransformer(
        [("kind", OneHotEncoder(), ["kind"]), ("size", StandardScaler(), ["size"])]
    )
    model = pipeline.make_pipeline(columns, zoo.DecisionTreeClassifier(random_state=0)).fit(frame, y)
    assert columns.get_feature_names_out().tolist() == ["kind__kind_a", "kind__kind_b", "kind__kind_c", "size__size"]
    encoded = columns.transform(frame)
    np.testing.assert_array_equal(encoded[:, :3], one_hot_reference(frame["kind"].to_numpy(), ["a", "b", "c"]))
    size = frame["size"].to_numpy()
    np.testing.assert_allclose(encoded[:, 3], (size - size.mean()) / size.std(), rtol=1e-12)
    assert model.score(frame, y) == 1.0
