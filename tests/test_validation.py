"""Input validation: conversions, the dtype policy and every error message."""

import re
import warnings

import numpy as np
import pytest

from zoo._validation import (
    assert_all_finite,
    check_array,
    check_consistent_length,
    check_in_range,
    check_is_fitted,
    check_random_state,
    check_sample_weight,
    finite_magnitude,
    has_fitted_attributes,
    seed_from_random_state,
    validate_data,
)
from zoo.exceptions import NotFittedError


class Fittable:
    """The least an object needs for validate_data / check_is_fitted."""

    def fit(self, X):
        validate_data(self, X, reset=True)
        self.fitted_ = True
        return self


# ------------------------------------------------------------- dtype policy


@pytest.mark.parametrize(
    "source, expected",
    [
        (np.int8, np.float64),
        (np.int32, np.float64),
        (np.int64, np.float64),
        (np.uint8, np.float64),
        (np.uint64, np.float64),
        (np.bool_, np.float64),
        (np.float16, np.float64),
        (np.float32, np.float32),
        (np.float64, np.float64),
    ],
)
def test_numeric_float_policy(source, expected):
    X = np.arange(6).reshape(3, 2).astype(source)
    result = check_array(X)
    assert result.dtype == expected
    np.testing.assert_array_equal(result, X.astype(expected))


@pytest.mark.parametrize("forced", [np.float32, np.float64, "float32"])
def test_forced_dtype(forced):
    for source in (np.int64, np.float32, np.float64):
        result = check_array(np.ones((2, 2), dtype=source), dtype=forced)
        assert result.dtype == np.dtype(forced)


def test_dtype_none_keeps_numeric_dtypes():
    assert check_array(np.ones((2, 2), dtype=np.int32), dtype=None).dtype == np.int32
    assert check_array(np.ones((2, 2), dtype=bool), dtype=None).dtype == bool
    assert check_array(np.ones((2, 2), dtype=object), dtype=None).dtype == np.float64


def test_big_endian_becomes_native():
    X = np.arange(4.0).reshape(2, 2).astype(">f8")
    result = check_array(X)
    assert result.dtype == np.float64 and result.dtype.isnative
    np.testing.assert_array_equal(result, [[0.0, 1.0], [2.0, 3.0]])


@pytest.mark.parametrize(
    "make",
    [
        lambda X: X[:, ::2],  # strided
        lambda X: np.asfortranarray(X),
        lambda X: X[::-1],  # negative stride
    ],
)
def test_non_contiguous_becomes_c_contiguous(make):
    X = make(np.arange(24.0).reshape(4, 6))
    result = check_array(X)
    assert result.flags.c_contiguous and result.flags.aligned
    np.testing.assert_array_equal(result, X)


def test_conforming_array_is_not_copied_unless_asked():
    X = np.ones((3, 2))
    assert check_array(X) is X
    copied = check_array(X, copy=True)
    assert not np.shares_memory(copied, X)
    np.testing.assert_array_equal(copied, X)


def test_read_only_input_is_accepted():
    X = np.ones((3, 2))
    X.flags.writeable = False
    result = check_array(X)
    np.testing.assert_array_equal(result, X)


def test_nested_lists_and_matrix():
    result = check_array([[1, 2], [3, 4]])
    assert isinstance(result, np.ndarray) and result.dtype == np.float64
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matrix = check_array(np.matrix([[1.0, 2.0], [3.0, 4.0]]))
    assert type(matrix) is np.ndarray
    assert matrix.shape == (2, 2)


def test_object_array_of_numbers_is_converted():
    X = np.array([[1, 2.5], [3, 4]], dtype=object)
    result = check_array(X)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [[1.0, 2.5], [3.0, 4.0]])


def test_object_array_with_dict_is_a_type_error():
    X = np.ones((3, 2), dtype=object)
    X[0, 0] = {"foo": "bar"}
    # The phrase scikit-learn's check_dtype_object looks for.
    with pytest.raises(TypeError, match="argument must be .* string.* number"):
        check_array(X)


def test_object_array_with_words_is_a_value_error():
    X = np.array([[1, "abc"]], dtype=object)
    with pytest.raises(ValueError, match="X contains values that are not numbers"):
        check_array(X, estimator="KMeans")


def test_object_array_with_none_is_missing_data():
    X = np.array([[1.0, None]], dtype=object)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        check_array(X)


@pytest.mark.parametrize(
    "X, what",
    [
        (np.array([["a", "b"]]), "strings"),
        (np.array([[b"a"]]), "bytes"),
        (np.array([["2020-01-01"]], dtype="datetime64[D]"), "datetimes"),
    ],
)
def test_non_numeric_dtypes_are_rejected(X, what):
    with pytest.raises(ValueError, match=f"X must be numeric; got an array of {what}"):
        check_array(X)


def test_ragged_list_names_the_argument():
    with pytest.raises(ValueError, match="init could not be converted to an array"):
        check_array([[1.0, 2.0], [3.0]], name="init")


# ------------------------------------------------------------------- pandas


def test_dataframe_and_series():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    result = check_array(frame)
    assert isinstance(result, np.ndarray) and result.dtype == np.float64
    np.testing.assert_array_equal(result, [[1, 0.5], [2, 1.5], [3, 2.5]])
    series = check_array(pd.Series([1.0, 2.0]), ensure_2d=False)
    np.testing.assert_array_equal(series, [1.0, 2.0])


def test_float32_dataframe_stays_float32():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(np.ones((2, 2), dtype=np.float32))
    assert check_array(frame).dtype == np.float32


def test_nullable_dataframe_missing_value_is_reported_as_nan():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")})
    with pytest.raises(ValueError, match="Input X contains NaN"):
        check_array(frame)
    complete = pd.DataFrame({"a": pd.array([1, 2, 3], dtype="Int64")})
    np.testing.assert_array_equal(check_array(complete), [[1.0], [2.0], [3.0]])


# ----------------------------------------------------------- rejected input


def test_sparse_input_is_rejected():
    sparse = pytest.importorskip("scipy.sparse")
    X = sparse.csr_matrix(np.eye(3))
    with pytest.raises(TypeError, match="KMeans: sparse input is not supported for X"):
        check_array(X, estimator="KMeans")
    with pytest.raises(TypeError, match="sparse input is not supported"):
        check_array(sparse.csr_array(np.eye(3)))


def test_complex_input_is_rejected():
    X = np.ones((3, 2)) + 1j
    with pytest.raises(ValueError, match="Complex data not supported"):
        check_array(X)
    with pytest.raises(ValueError, match="Complex data not supported"):
        check_array(np.array([[1 + 2j, 1.0]], dtype=object))


def test_nan_message():
    X = np.ones((3, 2))
    X[1, 1] = np.nan
    with pytest.raises(ValueError, match=r"^KMeans: Input X contains NaN\. KMeans does not accept"):
        check_array(X, estimator="KMeans")
    with pytest.raises(ValueError, match=r"^Input X contains NaN\.$"):
        check_array(X)


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinity_message(value):
    X = np.ones((3, 2), dtype=np.float32)
    X[0, 0] = value
    with pytest.raises(ValueError, match=r"Input X contains infinity or a value too large for dtype\('float32'\)"):
        check_array(X)


def test_nan_and_opposite_infinities_are_distinguished():
    X = np.array([[np.inf, -np.inf]])  # sums to NaN without holding one
    with pytest.raises(ValueError, match="contains infinity"):
        check_array(X)


def test_large_finite_values_are_accepted():
    X = np.full((4, 2), np.finfo(np.float64).max)  # the sum overflows
    np.testing.assert_array_equal(check_array(X), X)


def test_one_dimensional_input():
    with pytest.raises(ValueError) as error:
        check_array(np.arange(3.0), estimator="KMeans")
    message = str(error.value)
    assert message.startswith("KMeans: Expected 2D array for X, got 1D array instead (shape=(3,))")
    assert "Reshape your data either using X.reshape(-1, 1)" in message


def test_scalar_input():
    with pytest.raises(ValueError, match="Expected 2D array for X, got a scalar"):
        check_array(3.0)
    with pytest.raises(ValueError, match="Expected an array for w, got a scalar"):
        check_array(3.0, name="w", ensure_2d=False)


def test_three_dimensional_input():
    with pytest.raises(ValueError, match=r"Expected 2D array for X, got 3D array instead \(shape=\(2, 2, 2\)\)"):
        check_array(np.ones((2, 2, 2)))
    assert check_array(np.ones((2, 2, 2)), ensure_2d=False).shape == (2, 2, 2)


def test_zero_samples_message():
    with pytest.raises(ValueError) as error:
        check_array(np.empty((0, 3)), estimator="KMeans")
    assert str(error.value) == (
        "Found array with 0 sample(s) (shape=(0, 3)) while a minimum of 1 is required by KMeans."
    )


def test_zero_features_message_matches_scikit_learn_pattern():
    with pytest.raises(ValueError) as error:
        check_array(np.empty((12, 0)), estimator="KMeans")
    # The pattern scikit-learn's check_estimators_empty_data_messages uses.
    assert re.search(r"0 feature\(s\) \(shape=\(\d*, 0\)\) while a minimum of \d* is required.", str(error.value))


def test_minimum_sample_count_names_other_arguments():
    with pytest.raises(ValueError, match=r"^init: Found array with 1 sample\(s\) .* minimum of 2 is required\.$"):
        check_array(np.ones((1, 2)), name="init", ensure_min_samples=2)


def test_assert_all_finite_passes_finite_arrays():
    assert assert_all_finite(np.ones(5)) is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_finite_magnitude_is_the_largest_absolute_value(dtype, order):
    # 300,000 values: several chunks of the parallel pass; F order takes NumPy's path.
    X = np.asarray(np.random.default_rng(1).standard_normal((3000, 100)), dtype=dtype, order=order)
    X[1234, 56] = -7.5
    assert finite_magnitude(X) == 7.5
    assert finite_magnitude(X[:0]) == 0.0


@pytest.mark.parametrize("bad, fragment", [(np.nan, "contains NaN"), (np.inf, "contains infinity"), (-np.inf, "contains infinity")])
@pytest.mark.parametrize("order", ["C", "F"])
def test_finite_magnitude_raises_as_assert_all_finite(bad, fragment, order):
    X = np.ones((70000, 3), order=order)
    X[69999, 2] = bad  # in the last chunk
    with pytest.raises(ValueError, match=f"^Est: Input data {fragment}"):
        finite_magnitude(X, name="data", estimator="Est")
    with pytest.raises(ValueError, match=f"^Est: Input data {fragment}"):
        assert_all_finite(X, name="data", estimator="Est")


def test_check_array_can_leave_the_finite_check_to_the_caller():
    X = np.array([[1.0, np.nan]])
    assert np.isnan(check_array(X, ensure_all_finite=False)).any()
    with pytest.raises(ValueError, match="NaN"):
        check_array(X)


# ------------------------------------------------------------ sample_weight


def test_sample_weight_none_and_scalar():
    ones = check_sample_weight(None, 4, np.float32)
    assert ones.dtype == np.float32 and ones.tolist() == [1, 1, 1, 1]
    filled = check_sample_weight(2.5, 3, np.float64)
    assert filled.tolist() == [2.5, 2.5, 2.5]


def test_sample_weight_list_is_converted_to_the_requested_dtype():
    weights = check_sample_weight([1, 2, 3], 3, np.float32)
    assert weights.dtype == np.float32 and weights.flags.c_contiguous
    assert weights.tolist() == [1, 2, 3]


def test_sample_weight_copy_leaves_caller_array_alone():
    original = np.array([1.0, 2.0])
    weights = check_sample_weight(original, 2, np.float64, copy=True)
    weights *= 10
    assert original.tolist() == [1.0, 2.0]


def test_sample_weight_wrong_length():
    with pytest.raises(ValueError, match=r"^sample_weight has 3 entries but X has 4 samples\.$"):
        check_sample_weight(np.ones(3), 4, np.float64)


def test_sample_weight_wrong_ndim():
    with pytest.raises(ValueError, match=r"sample_weight must be a scalar or a 1D array .* got shape \(4, 2\)"):
        check_sample_weight(np.ones((4, 2)), 4, np.float64)


@pytest.mark.parametrize("bad, fragment", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_sample_weight_not_finite(bad, fragment):
    with pytest.raises(ValueError, match=f"Input sample_weight contains {fragment}"):
        check_sample_weight([1.0, bad], 2, np.float64)
    with pytest.raises(ValueError, match=f"Input sample_weight contains {fragment}"):
        check_sample_weight(bad, 2, np.float64)


def test_sample_weight_negative():
    with pytest.raises(ValueError, match="sample_weight must be non-negative; got a minimum of -1.0"):
        check_sample_weight([1.0, -1.0], 2, np.float64)


def test_sample_weight_all_zero():
    with pytest.raises(ValueError, match=r"(.*weight.*zero.*)") as error:
        check_sample_weight(np.zeros(3), 3, np.float64, estimator="KMeans")
    assert str(error.value).startswith("KMeans: sample_weight must contain at least one positive weight")
    with pytest.raises(ValueError, match="all weights are zero"):
        check_sample_weight(0, 3, np.float64)


# ----------------------------------------------------------------- lengths


def test_check_consistent_length():
    check_consistent_length(X=np.ones((3, 2)), y=[1, 2, 3], sample_weight=None)
    with pytest.raises(ValueError, match=r"^Inconsistent numbers of samples: X has 4, y has 3\.$"):
        check_consistent_length(X=np.ones((4, 2)), y=[1, 2, 3])


def test_check_consistent_length_rejects_scalars():
    with pytest.raises(TypeError, match="y must be array-like"):
        check_consistent_length(X=np.ones((1, 2)), y=5)


# ------------------------------------------------------------ validate_data


def test_validate_data_records_and_checks_feature_count():
    estimator = Fittable()
    X = validate_data(estimator, np.ones((5, 4), dtype=np.int64), reset=True)
    assert X.dtype == np.float64
    assert estimator.n_features_in_ == 4
    assert not hasattr(estimator, "feature_names_in_")
    validate_data(estimator, np.ones((2, 4)), reset=False)
    with pytest.raises(ValueError) as error:
        validate_data(estimator, np.ones((2, 5)), reset=False)
    assert str(error.value) == "X has 5 features, but Fittable is expecting 4 features as input."


def test_validate_data_does_not_touch_estimator_on_invalid_input():
    estimator = Fittable()
    with pytest.raises(ValueError):
        validate_data(estimator, np.full((2, 2), np.nan), reset=True)
    assert not hasattr(estimator, "n_features_in_")


def test_validate_data_feature_names_from_dataframe():
    pd = pytest.importorskip("pandas")
    estimator = Fittable()
    frame = pd.DataFrame(np.ones((3, 2)), columns=["height", "weight"])
    validate_data(estimator, frame, reset=True)
    assert estimator.feature_names_in_.dtype == object
    assert estimator.feature_names_in_.tolist() == ["height", "weight"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_data(estimator, frame, reset=False)  # same names: silent
    # Refitting on an array forgets the names.
    validate_data(estimator, np.ones((3, 2)), reset=True)
    assert not hasattr(estimator, "feature_names_in_")


def test_validate_data_ignores_non_string_column_names():
    pd = pytest.importorskip("pandas")
    estimator = Fittable()
    validate_data(estimator, pd.DataFrame(np.ones((2, 2))), reset=True)
    assert not hasattr(estimator, "feature_names_in_")


def test_validate_data_rejects_mixed_column_name_types():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(np.ones((2, 2)), columns=["a", 1])
    with pytest.raises(TypeError, match="Feature names are only supported if all input features have string names"):
        validate_data(Fittable(), frame, reset=True)


def test_validate_data_feature_name_presence_mismatch_warns():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(np.ones((3, 2)), columns=["a", "b"])
    with_names = Fittable().fit(frame)
    with pytest.warns(UserWarning, match="X does not have valid feature names, but Fittable was fitted with feature names"):
        validate_data(with_names, np.ones((3, 2)), reset=False)
    without_names = Fittable().fit(np.ones((3, 2)))
    with pytest.warns(UserWarning, match="X has feature names, but Fittable was fitted without feature names"):
        validate_data(without_names, frame, reset=False)


@pytest.mark.parametrize(
    "columns, fragment",
    [
        (["b", "a"], "Feature names must be in the same order as they were in fit.\n"),
        (["a", "z"], "Feature names unseen at fit time:\n- z\nFeature names seen at fit time, yet now missing:\n- b\n"),
    ],
)
def test_validate_data_feature_name_mismatch_raises(columns, fragment):
    pd = pytest.importorskip("pandas")
    estimator = Fittable().fit(pd.DataFrame(np.ones((3, 2)), columns=["a", "b"]))
    with pytest.raises(ValueError) as error:
        validate_data(estimator, pd.DataFrame(np.ones((3, 2)), columns=columns), reset=False)
    assert "The feature names should match those that were passed during fit.\n" + fragment in str(error.value)


# ---------------------------------------------------------- check_is_fitted


def test_check_is_fitted():
    estimator = Fittable()
    with pytest.raises(NotFittedError) as error:
        check_is_fitted(estimator)
    assert str(error.value) == (
        "This Fittable instance is not fitted yet. Call 'fit' with appropriate "
        "arguments before using this estimator."
    )
    assert isinstance(error.value, ValueError) and isinstance(error.value, AttributeError)
    estimator.fit(np.ones((2, 2)))
    check_is_fitted(estimator)


def test_check_is_fitted_ignores_private_and_parameter_attributes():
    estimator = Fittable()
    estimator._cache_ = 1
    estimator.alpha = 1
    assert not has_fitted_attributes(estimator)
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)


def test_check_is_fitted_with_named_attributes():
    estimator = Fittable()
    estimator.other_ = 1
    with pytest.raises(NotFittedError, match="not fitted yet"):
        check_is_fitted(estimator, ["coef_", "cluster_centers_"])
    estimator.cluster_centers_ = np.zeros((1, 1))
    check_is_fitted(estimator, ["coef_", "cluster_centers_"])
    check_is_fitted(estimator, "cluster_centers_")


def test_check_is_fitted_respects_sklearn_is_fitted_hook():
    class AlwaysFitted:
        def __sklearn_is_fitted__(self):
            return True

    check_is_fitted(AlwaysFitted())


def test_check_is_fitted_rejects_classes():
    with pytest.raises(TypeError, match="is a class, not an estimator instance"):
        check_is_fitted(Fittable)


def test_not_fitted_error_is_also_scikit_learns():
    sklearn_exceptions = pytest.importorskip("sklearn.exceptions")
    with pytest.raises(sklearn_exceptions.NotFittedError):
        check_is_fitted(Fittable())
    with pytest.raises(NotFittedError):
        check_is_fitted(Fittable())


# --------------------------------------------------------------- randomness


def test_check_random_state_kinds():
    assert isinstance(check_random_state(None), np.random.Generator)
    first = check_random_state(42).random(3)
    np.testing.assert_array_equal(first, check_random_state(np.int64(42)).random(3))
    generator = np.random.default_rng(0)
    assert check_random_state(generator) is generator
    legacy = np.random.RandomState(0)
    before = legacy.get_state(legacy=False)["state"]["pos"]
    assert isinstance(check_random_state(legacy), np.random.Generator)
    assert legacy.get_state(legacy=False)["state"]["pos"] != before  # advanced


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True, object()])
def test_random_state_rejects_invalid_values(bad):
    with pytest.raises(ValueError, match="random_state must be None, a non-negative int"):
        check_random_state(bad)
    with pytest.raises(ValueError, match="random_state must be None, a non-negative int"):
        seed_from_random_state(bad)


def test_seed_from_random_state():
    seed = seed_from_random_state(7)
    assert type(seed) is int and 0 <= seed < 2**64
    assert seed_from_random_state(7) == seed
    assert seed_from_random_state(8) != seed
    assert seed_from_random_state(None) != seed_from_random_state(None)


def test_seed_from_random_state_advances_generators():
    generator = np.random.default_rng(3)
    assert seed_from_random_state(generator) != seed_from_random_state(generator)
    legacy = np.random.RandomState(3)
    first = seed_from_random_state(legacy)
    assert 0 <= first < 2**64
    assert seed_from_random_state(legacy) != first
    # Reproducible from the same starting state.
    assert seed_from_random_state(np.random.default_rng(3)) == seed_from_random_state(np.random.default_rng(3))


# ----------------------------------------------------------------- scalars


def test_check_in_range():
    assert check_in_range(5, name="total_timesteps", low=1, integral=True) == 5
    assert check_in_range(0.5, name="gamma", low=0, high=1) == 0.5
    with pytest.raises(ValueError, match=r"^DQN: gamma must be a number in the range \[0, 1\); got 1\.0\.$"):
        check_in_range(1.0, name="gamma", low=0, high=1, closed="left", estimator="DQN")
    with pytest.raises(ValueError, match=r"total_timesteps must be an int in the range \[1, 2147483647\]; got 2\.5"):
        check_in_range(2.5, name="total_timesteps", low=1, integral=True)
    with pytest.raises(ValueError, match="got nan"):
        check_in_range(float("nan"), name="gamma")
    with pytest.raises(ValueError, match="got True"):
        check_in_range(True, name="gamma")
