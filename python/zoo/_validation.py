"""Input checking and conversion: the one place where user data is validated.

Every public ``fit``/``predict``/``transform`` passes its inputs through these
functions before any compiled kernel sees them, so the C++ core may assume
C-contiguous, finite arrays of the float type it was instantiated for.
Messages name the argument and, when given, the estimator; several phrases
("0 sample(s)", "Expected 2D array", "Reshape your data", "contains NaN",
"X has 5 features, but ... is expecting 4 features as input") follow
scikit-learn's wording because its ``check_estimator`` matches them.
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings

import numpy as np

from ._param_validation import Interval
from .exceptions import not_fitted_error

__all__ = [
    "check_array",
    "check_sample_weight",
    "check_consistent_length",
    "check_class_labels",
    "validate_data",
    "check_is_fitted",
    "has_fitted_attributes",
    "check_random_state",
    "seed_from_random_state",
    "check_in_range",
    "assert_all_finite",
    "finite_magnitude",
    "check_finite_fitted_state",
    "check_finite_result",
]

FLOAT_POLICY = "numeric-float"
_MAX_NAMES_SHOWN = 5


# --------------------------------------------------------------------- arrays


def check_array(
    X,
    *,
    name="X",
    dtype=FLOAT_POLICY,
    ensure_2d=True,
    ensure_min_samples=1,
    ensure_min_features=1,
    copy=False,
    estimator=None,
    ensure_all_finite=True,
    accept_sparse=False,
):
    """Check an input array and convert it to a C-contiguous ndarray.

    Parameters
    ----------
    X : array-like
        A NumPy array (any memory layout, read-only included), a nested
        list, a pandas DataFrame or Series, a NumPy matrix or any object
        with ``__array__``. SciPy sparse matrices and arrays are rejected
        unless ``accept_sparse``.
    name : str, default="X"
        Argument name used in error messages.
    dtype : "numeric-float", None, or a NumPy dtype, default="numeric-float"
        ``"numeric-float"``: float32 and float64 stay as they are; bool,
        integer, float16, longdouble and numeric object arrays become
        float64. ``None``: numeric dtypes (bool, int, float) are kept,
        object arrays become float64. A dtype (e.g. ``np.float32``): the
        result has exactly that dtype.
    ensure_2d : bool, default=True
        Require ``X.ndim == 2``. Otherwise any ``ndim >= 1`` is accepted.
    ensure_min_samples : int, default=1
        Minimum length of the first axis.
    ensure_min_features : int, default=1
        Minimum length of the second axis (only checked for 2D results).
    copy : bool, default=False
        Return memory that is never shared with the input. Without it the
        input itself may come back, so callers must not write into it.
    estimator : estimator instance, class or str, optional
        Named in error messages.
    ensure_all_finite : bool, default=True
        Reject NaN and infinity. False leaves the check to the caller, who
        must make it (:func:`finite_magnitude` makes it in the same pass
        that reads the largest magnitude).
    accept_sparse : bool, default=False
        Take a SciPy sparse matrix or array (any format), returned as a
        ``scipy.sparse.csr_matrix`` with float64 values (or the ``dtype``
        asked for) and int64 indices, the kernels' input type; its stored
        values are checked as a dense array's would be. Never densified.

    Returns
    -------
    ndarray or scipy.sparse.csr_matrix
        C-contiguous, aligned, native byte order, finite if floating (and
        ``ensure_all_finite``).

    Raises
    ------
    TypeError
        For sparse matrices (unless ``accept_sparse``), or object arrays
        holding values that are not numbers (e.g. dicts).
    ValueError
        For complex, string or datetime data, unconvertible objects, wrong
        ``ndim``, too few samples or features, NaN or infinity.
    """
    owner = _estimator_name(estimator)
    if X is None:
        # np.asarray(None) is an object array that becomes NaN: say what was
        # passed (in the words scikit-learn's check_requires_y_none accepts).
        raise ValueError(
            _prefixed(owner, f"Expected array-like (array or non-string sequence), got None for {name}.")
        )
    if _is_sparse(X) and accept_sparse:
        return _checked_csr(X, name, owner, dtype, ensure_min_samples, ensure_min_features, ensure_all_finite)
    if _is_sparse(X):
        raise TypeError(
            _prefixed(
                owner,
                f"sparse input is not supported for {name} (got a "
                f"{type(X).__name__} of shape {getattr(X, 'shape', '?')}). "
                f"Convert it to a dense array first, e.g. {name}.toarray().",
            )
        )
    array = _as_ndarray(X, name, owner)
    array = _convert_dtype(array, dtype, name, owner)
    _check_ndim(array, name, owner, ensure_2d)
    _check_min_size(array, name, owner, ensure_min_samples, ensure_min_features)
    if array.dtype.kind == "f" and ensure_all_finite:
        assert_all_finite(array, name=name, estimator=owner)
    result = np.require(array, requirements=("C_CONTIGUOUS", "ALIGNED"))
    if copy and _may_alias_input(X, result):
        result = result.copy()
    return result


def _is_all_finite(array):
    # Small arrays: the element-wise test, as np.errstate alone costs more
    # than testing a few thousand values (a third of a small fit's checks).
    if array.size <= 4096:
        return bool(np.isfinite(array).all())
    # A sum is one pass with no temporary array, in the array's own
    # precision (a float32 sum converted to float64 costs three times as
    # much); only when it overflows does the element-wise test decide.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return True
    return bool(np.isfinite(array).all())


def assert_all_finite(array, *, name="X", estimator=None):
    """Raise ``ValueError`` if a floating array contains NaN or infinity.

    Parameters
    ----------
    array : ndarray
        Floating-point array.
    name : str, default="X"
        Argument name used in the message.
    estimator : estimator instance, class or str, optional
        Named in the message.
    """
    if not _is_all_finite(array):
        _raise_not_finite(array, name, estimator)


def _raise_not_finite(array, name, estimator):
    owner = _estimator_name(estimator)
    if np.isnan(array).any():
        hint = (
            f" {owner} does not accept missing values encoded as NaN; "
            "impute or drop them first."
            if owner
            else ""
        )
        raise ValueError(_prefixed(owner, f"Input {name} contains NaN.{hint}"))
    if np.isinf(array).any():
        raise ValueError(
            _prefixed(
                owner,
                f"Input {name} contains infinity or a value too large for "
                f"{array.dtype!r}.",
            )
        )


def finite_magnitude(array, *, name="X", estimator=None):
    """The largest magnitude in a floating array, after the check that
    :func:`assert_all_finite` makes (same parameters, same errors), both in
    one pass.

    Returns
    -------
    float
        max |array| in float64; 0.0 for an empty array.
    """
    if array.size == 0:
        return 0.0
    if array.dtype in (np.float32, np.float64) and array.flags.c_contiguous:
        from zoo import _core  # noqa: PLC0415 - the C++ core imports this module's callers
        from zoo._threads import get_num_threads  # noqa: PLC0415

        finite, largest = _core.largest_magnitude(array, get_num_threads())
    else:
        finite = _is_all_finite(array)
        largest = float(np.max(np.abs(array))) if finite else 0.0
    if not finite:
        _raise_not_finite(array, name, estimator)
    return float(largest)


def check_sample_weight(
    sample_weight, n_samples, dtype, *, name="sample_weight", copy=False, estimator=None
):
    """Check sample weights and return them as a 1-D array.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), scalar or None
        ``None`` means unit weights; a scalar is used for every sample.
    n_samples : int
        Number of samples in ``X``.
    dtype : NumPy dtype
        dtype of the result, normally ``X.dtype``.
    name : str, default="sample_weight"
        Argument name used in error messages.
    copy : bool, default=False
        Never return the caller's own array. Without it the input may come
        back unchanged, so callers must not write into it.
    estimator : estimator instance, class or str, optional
        Named in error messages.

    Returns
    -------
    ndarray of shape (n_samples,)
        C-contiguous, finite, non-negative, not all zero.

    Raises
    ------
    ValueError
        Wrong shape or length, NaN or infinity, negative values, or all
        weights zero.
    """
    owner = _estimator_name(estimator)
    dtype = np.dtype(dtype)
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    if isinstance(sample_weight, numbers.Number) and not isinstance(sample_weight, bool):
        weights = np.full(n_samples, sample_weight, dtype=dtype)
        assert_all_finite(weights, name=name, estimator=owner)
    else:
        weights = check_array(
            sample_weight,
            name=name,
            dtype=dtype,
            ensure_2d=False,
            ensure_min_samples=0,
            copy=copy,
            estimator=owner,
        )
        if weights.ndim != 1:
            raise ValueError(
                _prefixed(
                    owner,
                    f"{name} must be a scalar or a 1D array of shape "
                    f"(n_samples,); got shape {weights.shape}.",
                )
            )
        if weights.shape[0] != n_samples:
            raise ValueError(
                _prefixed(
                    owner,
                    f"{name} has {weights.shape[0]} entries but X has "
                    f"{n_samples} samples.",
                )
            )
    if n_samples and weights.min() < 0:
        raise ValueError(
            _prefixed(
                owner,
                f"{name} must be non-negative; got a minimum of {_short_repr(weights.min())}.",
            )
        )
    if n_samples and not weights.any():
        raise ValueError(
            _prefixed(
                owner,
                f"{name} must contain at least one positive weight; "
                "all weights are zero.",
            )
        )
    with np.errstate(over="ignore"):
        # Every estimator sums the weights somewhere; past float64's range
        # that sum is infinity and the model NaN.
        total = np.sum(weights, dtype=np.float64)
    if not np.isfinite(total):
        raise ValueError(
            _prefixed(
                owner,
                f"{name} sums to more than the largest float64 ({np.finfo(np.float64).max:.3g}); "
                "divide the weights by a constant (only their ratios matter to most estimators).",
            )
        )
    return weights


def check_class_labels(y, *, name="y", estimator=None):
    """Check that class labels are of one sortable kind.

    Classifiers sort their labels to find the classes, which fails with
    NumPy's "'<' not supported between instances of 'str' and 'int'" on
    mixed labels, and silently orders complex ones by real part.

    Parameters
    ----------
    y : ndarray
        The labels, any shape.
    name : str, default="y"
        Argument name used in error messages.
    estimator : estimator instance, class or str, optional
        Named in error messages.

    Raises
    ------
    ValueError
        For complex labels, and for object arrays that mix strings and
        numbers or hold anything else (None, containers).
    """
    owner = _estimator_name(estimator)
    if y.dtype.kind not in "cO":
        return
    kinds = {"complex"} if y.dtype.kind == "c" else {_label_kind(value) for value in y.ravel()}
    if "complex" in kinds:
        raise ValueError(
            _prefixed(owner, f"Complex data not supported: {name} holds complex class labels; "
                             "use ints, strings or bools.")
        )
    unknown = sorted(kinds - {"number", "string"})
    if unknown:
        raise ValueError(
            _prefixed(owner, f"Unknown label type: {name} holds {', '.join(unknown)}; class labels must be "
                             "ints, strings or bools.")
        )
    if len(kinds) > 1:
        raise ValueError(
            _prefixed(owner, f"Labels in {name} must be of one type, but it mixes strings and numbers. "
                             "Convert them all to str (or all to numbers) first.")
        )


def _label_kind(value):
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return "string"
    if isinstance(value, (complex, np.complexfloating)):
        return "complex"
    if isinstance(value, (numbers.Number, np.generic)):
        return "number"
    return type(value).__name__ if value is not None else "None"


def check_consistent_length(**named_arrays):
    """Check that all given arrays have the same number of samples.

    Parameters
    ----------
    **named_arrays : array-like or None
        Arrays keyed by the argument name used in the message; ``None``
        values are ignored.

    Raises
    ------
    ValueError
        If the lengths differ, e.g. "Inconsistent numbers of samples: X has
        4, y has 3."
    """
    lengths = {
        key: _num_samples(value, key)
        for key, value in named_arrays.items()
        if value is not None
    }
    if len(set(lengths.values())) > 1:
        listing = ", ".join(f"{key} has {length}" for key, length in lengths.items())
        raise ValueError(f"Inconsistent numbers of samples: {listing}.")


def is_dask_collection(obj) -> bool:
    """Whether ``obj`` is a Dask collection (array, DataFrame, Series), told
    without importing Dask (see zoo.dask)."""
    module = type(obj).__module__ or ""
    return (module == "dask" or module.startswith(("dask.", "dask_expr"))) and hasattr(obj, "__dask_graph__")


def validate_data(
    estimator,
    X,
    *,
    reset,
    dtype=FLOAT_POLICY,
    ensure_2d=True,
    ensure_min_samples=1,
    ensure_min_features=1,
    copy=False,
    name="X",
    ensure_all_finite=True,
    accept_sparse=False,
):
    """Validate ``X`` for an estimator and record or check its features.

    Parameters
    ----------
    estimator : estimator instance
        The estimator calling; it receives ``n_features_in_`` (and
        ``feature_names_in_``) when ``reset`` is true.
    X : array-like of shape (n_samples, n_features)
        The input; see :func:`check_array`.
    reset : bool
        True in ``fit``: set ``n_features_in_`` and, when ``X`` is a
        DataFrame whose column names are all strings, ``feature_names_in_``
        (a stale one is deleted otherwise). False in ``predict``,
        ``transform``, ``score``...: check ``X`` against them.
    dtype, ensure_2d, ensure_min_samples, ensure_min_features, copy, ensure_all_finite, accept_sparse
        Passed to :func:`check_array`.
    name : str, default="X"
        Argument name used in error messages (e.g. "validation_data").

    Returns
    -------
    ndarray
        The validated array.

    Raises
    ------
    ValueError
        Everything :func:`check_array` raises; a feature count differing
        from the one seen in ``fit``; column names differing from those seen
        in ``fit``.

    Warns
    -----
    UserWarning
        When ``X`` has feature names and ``fit`` had none, or the reverse.
    """
    if is_dask_collection(X):
        # np.asarray would gather the whole collection here, silently.
        raise TypeError(
            f"{type(estimator).__name__} got a Dask collection as {name} where it needs data in memory; "
            f"pass {name}.compute() if it fits, or use an estimator with a Dask path (see zoo.dask)"
        )
    feature_names = _feature_names(X)
    if not reset:
        _check_feature_names(estimator, feature_names)
    array = check_array(
        X,
        name=name,
        dtype=dtype,
        ensure_2d=ensure_2d,
        ensure_min_samples=ensure_min_samples,
        ensure_min_features=ensure_min_features,
        copy=copy,
        estimator=estimator,
        ensure_all_finite=ensure_all_finite,
        accept_sparse=accept_sparse,
    )
    n_features = array.shape[1] if array.ndim >= 2 else 1
    if reset:
        estimator.n_features_in_ = n_features
        if feature_names is not None:
            estimator.feature_names_in_ = feature_names
        elif "feature_names_in_" in vars(estimator):
            del estimator.feature_names_in_
        return array
    expected = getattr(estimator, "n_features_in_", None)
    if expected is not None and n_features != expected:
        raise ValueError(
            f"{name} has {n_features} features, but {type(estimator).__name__} "
            f"is expecting {expected} features as input."
        )
    return array


# ----------------------------------------------------------------- fitted-ness


def has_fitted_attributes(estimator):
    """Whether the instance holds a public fitted attribute (``name_``).

    Parameters
    ----------
    estimator : object

    Returns
    -------
    bool
        True if ``vars(estimator)`` has a key that ends with ``_`` and does
        not start with ``_``.
    """
    return any(
        key.endswith("_") and not key.startswith("_") for key in vars(estimator)
    )


def check_is_fitted(estimator, attributes=None, *, msg=None):
    """Raise ``NotFittedError`` if an estimator has not been fitted.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    attributes : str or sequence of str, optional
        The estimator counts as fitted if any of these attributes exists.
        By default, ``estimator.__sklearn_is_fitted__()`` decides when it is
        defined, else :func:`has_fitted_attributes`.
    msg : str, optional
        Message; ``%(name)s`` is replaced by the class name.

    Raises
    ------
    zoo.exceptions.NotFittedError
        If the estimator is not fitted.
    TypeError
        If ``estimator`` is a class rather than an instance.
    """
    if isinstance(estimator, type):
        raise TypeError(f"{estimator.__name__} is a class, not an estimator instance.")
    if attributes is not None:
        if isinstance(attributes, str):
            attributes = [attributes]
        fitted = any(hasattr(estimator, attribute) for attribute in attributes)
    elif hasattr(estimator, "__sklearn_is_fitted__"):
        fitted = estimator.__sklearn_is_fitted__()
    else:
        fitted = has_fitted_attributes(estimator)
    if not fitted:
        if msg is None:
            msg = (
                "This %(name)s instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        raise not_fitted_error(msg % {"name": type(estimator).__name__})


# ------------------------------------------------------------------ randomness


def check_random_state(random_state, *, name="random_state"):
    """Turn a ``random_state`` parameter into a ``numpy.random.Generator``.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator, RandomState or SeedSequence
        ``None``: fresh entropy from the operating system. A non-negative
        int or a SeedSequence: a deterministic generator. A Generator: returned
        as is, so drawing from the result advances it. A RandomState: a new
        Generator seeded with values drawn from it (advancing it).
    name : str, default="random_state"
        Argument name used in the error message.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    ValueError
        For any other value, including negative ints and bools.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        entropy = random_state.randint(0, 2**32, size=4, dtype=np.uint64)
        return np.random.default_rng([int(word) for word in entropy])
    return np.random.default_rng(_seed_source(random_state, name))


def seed_from_random_state(random_state, *, name="random_state"):
    """Draw one 64-bit seed for the C++ core from a ``random_state``.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator, RandomState or SeedSequence
        As for :func:`check_random_state`. A Generator or RandomState is
        advanced by one draw; the same int always gives the same seed.
    name : str, default="random_state"
        Argument name used in the error message.

    Returns
    -------
    int
        In ``[0, 2**64)``.

    Raises
    ------
    ValueError
        For invalid values, as :func:`check_random_state`.
    """
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**64, dtype=np.uint64))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**64, dtype=np.uint64))
    source = _seed_source(random_state, name)
    # Hashing the user's seed through SeedSequence keeps nearby seeds (0, 1,
    # 2...) from starting nearby C++ generator states.
    if not isinstance(source, np.random.SeedSequence):
        source = np.random.SeedSequence(source)
    return int(source.generate_state(1, np.uint64)[0])


def _seed_source(random_state, name):
    if random_state is None or isinstance(random_state, np.random.SeedSequence):
        return random_state
    if (
        isinstance(random_state, numbers.Integral)
        and not isinstance(random_state, (bool, np.bool_))
        and random_state >= 0
    ):
        return int(random_state)
    raise ValueError(
        f"{name} must be None, a non-negative int, a numpy.random.Generator, "
        f"a numpy.random.RandomState or a numpy.random.SeedSequence; "
        f"got {_short_repr(random_state)}."
    )


# --------------------------------------------------------------------- scalars


def check_in_range(
    value, *, name, low=None, high=None, closed="both", integral=False, estimator=None
):
    """Check that a scalar argument lies in an interval; return it.

    Meant for ``fit`` arguments that are not constructor parameters
    (constructor parameters are declared in ``_parameter_constraints``).

    Parameters
    ----------
    value : int or float
        The value to check. bool and NaN are rejected.
    name : str
        Argument name used in the message.
    low, high : int or float, optional
        Bounds. ``None`` is bounded as for constructor parameters: by the
        range of the C++ ``int`` for integers; for reals, infinity is
        excluded unless a bound is ``math.inf``.
    closed : {"both", "left", "right", "neither"}, default="both"
        Which bounds are included.
    integral : bool, default=False
        Require an integer.
    estimator : estimator instance, class or str, optional
        Named in the message.

    Returns
    -------
    int or float
        ``value`` unchanged.

    Raises
    ------
    ValueError
        If the value is of the wrong type or out of range.
    """
    interval = Interval(numbers.Integral if integral else numbers.Real, low, high, closed).for_parameters()
    if not interval.is_satisfied_by(value):
        noun = "an int" if integral else "a number"
        raise ValueError(
            _prefixed(
                _estimator_name(estimator),
                f"{name} must be {noun} in the range {interval.range_text()}; got {_short_repr(value)}.",
            )
        )
    return value


# --------------------------------------------------------------------- helpers


def _estimator_name(estimator):
    if estimator is None or isinstance(estimator, str):
        return estimator
    if isinstance(estimator, type):
        return estimator.__name__
    return type(estimator).__name__


def _prefixed(owner, message):
    return f"{owner}: {message}" if owner else message


def _short_repr(value, limit=80):
    if isinstance(value, np.generic):
        value = value.item()  # "3", not NumPy 2's "np.int64(3)"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _checked_csr(X, name, owner, dtype, ensure_min_samples, ensure_min_features, ensure_all_finite):
    """A SciPy sparse X as the CSR matrix the kernels read (see check_array)."""
    import scipy.sparse  # noqa: PLC0415  (present: X is one of its matrices)

    if len(X.shape) != 2:
        raise ValueError(_prefixed(owner, f"{name} must be 2-D, got a sparse array of shape {X.shape}."))
    value_type = np.float64 if dtype in (FLOAT_POLICY, None) else np.dtype(dtype)
    if X.dtype.kind not in "biuf":
        raise ValueError(_prefixed(owner, f"{name} holds {X.dtype} values; a sparse {name} must be numeric."))
    csr = scipy.sparse.csr_matrix(X, dtype=value_type)
    if not csr.has_canonical_format:
        # Summing duplicates rewrites the arrays, which may be the caller's.
        csr = csr.copy()
        csr.sum_duplicates()
    # The kernels index with int64; SciPy picks int32 when it fits.
    csr.indices = csr.indices.astype(np.int64, copy=False)
    csr.indptr = csr.indptr.astype(np.int64, copy=False)
    _check_min_size(csr, name, owner, ensure_min_samples, ensure_min_features)
    if ensure_all_finite and not _is_all_finite(csr.data):
        _raise_not_finite(csr.data, name, owner)
    return csr


def _is_sparse(X):
    # scipy is only consulted when already imported: a sparse matrix cannot
    # exist otherwise.
    sparse = sys.modules.get("scipy.sparse")
    if sparse is not None and sparse.issparse(X):
        return True
    return type(X).__module__.split(".")[0] == "sparse"  # pydata/sparse arrays


def _pandas_object(X):
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(X, (pandas.DataFrame, pandas.Series)):
        return pandas
    return None


def _as_ndarray(X, name, owner):
    pandas = _pandas_object(X)
    try:
        if pandas is not None:
            return _pandas_to_numpy(X, pandas)
        # np.asarray (not asanyarray) drops subclasses such as np.matrix,
        # whose operators would silently mean something else.
        return np.asarray(X)
    except (ValueError, TypeError) as exc:
        raise type(exc)(
            _prefixed(owner, f"{name} could not be converted to an array: {exc}")
        ) from exc


def _pandas_to_numpy(X, pandas):
    dtypes = list(X.dtypes) if isinstance(X, pandas.DataFrame) else [X.dtype]
    if all(isinstance(dtype, np.dtype) for dtype in dtypes):
        return X.to_numpy()
    # Nullable extension dtypes (Int64, Float64, boolean) hold pd.NA, which
    # float() refuses; map it to NaN so the finiteness check reports it.
    try:
        return X.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return X.to_numpy()


def _convert_dtype(array, dtype, name, owner):
    kind = array.dtype.kind
    if kind == "c":
        raise ValueError(
            _prefixed(
                owner,
                f"Complex data not supported: {name} has dtype {array.dtype}. "
                "Pass the real part, the modulus, or both as separate features.",
            )
        )
    if kind in "USMmV":
        what = {"U": "strings", "S": "bytes", "M": "datetimes", "m": "timedeltas"}.get(
            kind, "structured records"
        )
        raise ValueError(
            _prefixed(
                owner,
                f"{name} must be numeric; got an array of {what} (dtype "
                f"{array.dtype}). Encode such columns as numbers first.",
            )
        )
    target = _target_dtype(array.dtype, dtype)
    if kind != "O":
        return array if array.dtype == target else array.astype(target)
    try:
        return array.astype(target)
    except (TypeError, ValueError) as exc:
        raise _object_conversion_error(array, name, owner, exc) from exc


def _target_dtype(source, requested):
    if requested is None:
        return np.dtype(np.float64) if source.kind == "O" else source.newbyteorder("=")
    if isinstance(requested, str) and requested == FLOAT_POLICY:
        if source.type in (np.float32, np.float64):
            return np.dtype(source.type)
        return np.dtype(np.float64)
    return np.dtype(requested)


def _object_conversion_error(array, name, owner, exc):
    flat = array.ravel()
    if any(isinstance(value, complex) for value in flat):
        return ValueError(_prefixed(owner, f"Complex data not supported in {name}."))
    # Keep the exception type: a dict inside X is a TypeError ("float()
    # argument must be a string or a real number"), a non-numeric string a
    # ValueError ("could not convert string to float").
    return type(exc)(
        _prefixed(owner, f"{name} contains values that are not numbers: {exc}")
    )


def _check_ndim(array, name, owner, ensure_2d):
    if ensure_2d and array.ndim == 2:
        return
    if array.ndim == 0:
        message = (
            f"Expected 2D array for {name}, got a scalar ({_short_repr(array[()])}) instead. "
            f"Reshape your data to (n_samples, n_features), e.g. "
            f"np.reshape({name}, (1, 1))."
        )
        if not ensure_2d:
            message = f"Expected an array for {name}, got a scalar ({_short_repr(array[()])})."
        raise ValueError(_prefixed(owner, message))
    if not ensure_2d:
        return
    if array.ndim == 1:
        message = (
            f"Expected 2D array for {name}, got 1D array instead "
            f"(shape={array.shape}). Reshape your data either using "
            f"{name}.reshape(-1, 1) if it has a single feature or "
            f"{name}.reshape(1, -1) if it contains a single sample."
        )
    else:
        message = (
            f"Expected 2D array for {name}, got {array.ndim}D array instead "
            f"(shape={array.shape}). Reshape your data to "
            f"(n_samples, n_features), e.g. {name}.reshape(len({name}), -1)."
        )
    raise ValueError(_prefixed(owner, message))


def _check_min_size(array, name, owner, min_samples, min_features):
    by = f" by {owner}" if owner else ""
    about = "" if name == "X" else f"{name}: "
    n_samples = array.shape[0]
    if n_samples < min_samples:
        raise ValueError(
            f"{about}Found array with {n_samples} sample(s) (shape={array.shape}) "
            f"while a minimum of {min_samples} is required{by}."
        )
    if array.ndim == 2 and array.shape[1] < min_features:
        raise ValueError(
            f"{about}Found array with {array.shape[1]} feature(s) "
            f"(shape={array.shape}) while a minimum of {min_features} is "
            f"required{by}."
        )


def _may_alias_input(X, result):
    if isinstance(X, (list, tuple)):
        return False  # np.asarray already built a fresh array
    try:
        return np.may_share_memory(result, np.asarray(X))
    except Exception:
        return True  # cannot tell: copying is the safe answer


def _num_samples(value, name):
    shape = getattr(value, "shape", None)
    if shape is not None:
        if len(shape) == 0:
            raise TypeError(f"{name} must be array-like, got a scalar {_short_repr(value)}.")
        return int(shape[0])
    try:
        return len(value)
    except TypeError:
        raise TypeError(
            f"{name} must be array-like, got {type(value).__name__}."
        ) from None


def _feature_names(X):
    """Column names of a DataFrame whose columns are all strings, else None."""
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(X, pandas.DataFrame) or len(X.columns) == 0:
        return None
    columns = list(X.columns)
    is_string = [isinstance(column, str) for column in columns]
    if all(is_string):
        return np.asarray(columns, dtype=object)
    if any(is_string):
        kinds = sorted({type(column).__name__ for column in columns})
        raise TypeError(
            "Feature names are only supported if all input features have string "
            f"names, but X has column names of types {kinds}. Convert them all "
            "to strings, e.g. X.columns = X.columns.astype(str)."
        )
    return None


def _check_feature_names(estimator, names):
    fitted = getattr(estimator, "feature_names_in_", None)
    owner = type(estimator).__name__
    if fitted is None and names is None:
        return
    if fitted is None:
        warnings.warn(
            f"X has feature names, but {owner} was fitted without feature names",
            UserWarning,
            stacklevel=4,
        )
        return
    if names is None:
        warnings.warn(
            f"X does not have valid feature names, but {owner} was fitted with "
            "feature names",
            UserWarning,
            stacklevel=4,
        )
        return
    if len(fitted) == len(names) and np.array_equal(fitted, names):
        return
    unseen = sorted(set(names) - set(fitted))
    missing = sorted(set(fitted) - set(names))
    lines = [f"{owner}: The feature names should match those that were passed during fit."]
    if unseen:
        lines += ["Feature names unseen at fit time:", *_bullets(unseen)]
    if missing:
        lines += ["Feature names seen at fit time, yet now missing:", *_bullets(missing)]
    if not unseen and not missing:
        lines.append("Feature names must be in the same order as they were in fit.")
    raise ValueError("\n".join(lines) + "\n")


def _bullets(names):
    shown = [f"- {name}" for name in names[:_MAX_NAMES_SHOWN]]
    if len(names) > _MAX_NAMES_SHOWN:
        shown.append("- ...")
    return shown


# -------------------------------------------------------------- finite results
#
# Finite inputs can still overflow: squares of values above about 1e154, sums
# of weights near 1e308, a network whose training diverges. What fit stores
# and what predict returns is checked, so that such an overflow is an error
# that says what happened instead of NaN state or NaN answers.

_SCALE_ADVICE = (
    "the inputs' magnitude is beyond what the computation can represent in "
    "floating point; scale them (e.g. with zoo.preprocessing.StandardScaler), "
    "or divide large sample weights by a constant"
)
_DIVERGED_ADVICE = (
    "training diverged; lower the learning rate, clip the gradients "
    "(clip_norm) or scale the inputs"
)


def check_finite_fitted_state(estimator):
    """Raise ``ValueError`` if fitting left NaN or infinity in the model.

    Checks the floating-point arrays and numbers among the public fitted
    attributes (``name_``) and inside zoo's objects that hold model arrays
    (a Network's weights, a Tree's nodes). Private ones (``_name_``) may
    use NaN for "not computed", and are reflected in public ones or in
    results, which are checked too (:func:`check_finite_result`); training
    records (histories) and dictionaries (schedule states) are not the
    model and may hold infinities; nested estimators were checked by their
    own fit. An estimator may name attributes whose infinities are data,
    not overflow, in ``_attributes_allowing_infinity`` (NaN is still refused).

    Parameters
    ----------
    estimator : estimator instance

    Raises
    ------
    ValueError
        Naming the estimator and the attribute, and saying what to change.
    """
    from zoo.nn.network import Network  # noqa: PLC0415  (zoo.nn imports this module)

    infinite_allowed = getattr(estimator, "_attributes_allowing_infinity", ())
    for name, value in vars(estimator).items():
        if not name.endswith("_") or name.startswith("_"):
            continue
        if name in infinite_allowed:
            if isinstance(value, np.ndarray) and value.dtype.kind == "f" and np.isnan(value).any():
                raise ValueError(f"{type(estimator).__name__}: fit produced NaN in {name}.")
            continue
        where = _non_finite_part(value, name, set())
        if where is not None:
            advice = _DIVERGED_ADVICE if isinstance(value, Network) else _SCALE_ADVICE
            raise ValueError(
                f"{type(estimator).__name__}: fit produced NaN or infinite values in {where}: {advice}."
            )


def _non_finite_part(value, path, seen):
    """The path of the first non-finite float inside `value`, or None."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not _is_all_finite(value):
            return path
        return None
    if isinstance(value, (float, np.floating)):
        return None if np.isfinite(value) else path
    if id(value) in seen:
        return None
    seen.add(id(value))
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            where = _non_finite_part(item, f"{path}[{index}]", seen)
            if where is not None:
                return where
        return None
    if not _holds_model_arrays(value):
        return None
    for name, item in vars(value).items():
        if not name.startswith("_"):  # private: scratch space, not the model
            where = _non_finite_part(item, f"{path}.{name}", seen)
            if where is not None:
                return where
    return None


def _holds_model_arrays(value):
    """zoo's own containers of model arrays (Network, Tree, target
    encoders), not estimators or training records."""
    from zoo.nn.history import History  # noqa: PLC0415  (zoo.nn imports this module)

    return (
        type(value).__module__.startswith("zoo.")
        and hasattr(value, "__dict__")
        and not hasattr(value, "get_params")
        and not isinstance(value, History)  # EpisodeHistory too
    )


def check_finite_result(result, *, estimator, method, allow_inf="none"):
    """Raise ``ValueError`` if what a method returns holds NaN or infinity.

    Parameters
    ----------
    result : object
        The method's result: a float array, a tuple of them (each checked),
        or anything else (not checked).
    estimator : estimator instance
        Named in the message.
    method : str
        Named in the message.
    allow_inf : {"none", "negative", "both"}, default="none"
        Infinities that are legitimate values of this result: "negative"
        for logarithms (log-probabilities, log-densities: -inf is
        probability 0), "both" for scores whose sign is the answer
        (decision functions: +-inf is certainty). NaN never is.

    Returns
    -------
    result
        Unchanged.

    Raises
    ------
    ValueError
        Naming the estimator, the method and the rows concerned.
    """
    for array in result if isinstance(result, tuple) else (result,):
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "fc" or _is_all_finite(array):
            continue
        bad = np.isnan(array)
        if allow_inf != "both":
            bad |= np.isposinf(array) if allow_inf == "negative" else np.isinf(array)
        if not bad.any():
            continue
        per_row = bad.reshape(len(array), -1).any(axis=1) if array.ndim else bad.reshape(1)
        rows = np.flatnonzero(per_row)
        shown = ", ".join(str(row) for row in rows[:_MAX_NAMES_SHOWN])
        more = ", ..." if len(rows) > _MAX_NAMES_SHOWN else ""
        raise ValueError(
            f"{type(estimator).__name__}.{method}: the result is NaN or infinite for "
            f"{len(rows)} of {len(per_row)} samples (rows {shown}{more}): {_SCALE_ADVICE}."
        )
    return result


def exact_scale(array, *, centre_range=False):
    """A power of four that brings ``array``'s magnitudes near 1.

    Dividing an array by it and multiplying results back are exact in
    binary floating point (no rounding, short of values that underflow),
    and so are their square roots (an even power of two), so a kernel
    computing on the scaled values rounds exactly as it would on the
    originals, wherever those did not overflow. That lets estimators whose
    results scale with their inputs' (least squares with the targets, most
    estimators with the sample weights) compute on values near 1 instead of
    near the float64 limit, where squares and sums overflow.

    Parameters
    ----------
    array : ndarray
        Finite floating-point values.
    centre_range : bool, default=False
        False: bring the largest magnitude to between 1/2 and 4. True: bring
        the geometric middle of the largest and the smallest non-zero
        magnitudes there, so that neither end overflows nor underflows
        (weights from 1 to 1e308 become 1e-154 to 1e154); values within a
        few orders of magnitude of 1 are then left as they are.

    Returns
    -------
    float
        ``2.0 ** k`` with ``k`` even (1.0 for an empty or all-zero array),
        kept within float64's normal range.
    """
    if array.size == 0:
        return 1.0
    # max and min: passes with no |array| temporary the size of X.
    top = max(float(array.max()), -float(array.min()))
    if top == 0.0:
        return 1.0
    exponent = math.frexp(top)[1]  # top = m * 2**exponent, 1/2 <= m < 1
    if centre_range:
        magnitudes = np.abs(array)
        bottom = float(magnitudes[magnitudes > 0].min())
        exponent = (exponent + math.frexp(bottom)[1]) // 2
        if abs(exponent) <= 16:  # ordinary values: no scaling at all
            return 1.0
    exponent -= exponent % 2
    return math.ldexp(1.0, min(max(exponent, -1020), 1022))


def largest_sum_of_squares(X, n_terms, magnitude=None):
    """An upper bound, in float64, of a sum of ``n_terms`` products of X's
    values (a dot product, a variance's numerator); infinity past float64.

    Parameters
    ----------
    X : ndarray
    n_terms : float
    magnitude : float, optional
        max |X| when the caller has it (from :func:`finite_magnitude`).

    Returns
    -------
    float
    """
    if X.size == 0:
        return 0.0
    # One pass on every core instead of X.max() and X.min(): a linear
    # model's fit would spend a fifth of its time there.
    top = finite_magnitude(X) if magnitude is None else magnitude
    with np.errstate(over="ignore"):
        return float(np.float64(top) * top * n_terms)


def check_squares_in_range(X, *, n_terms, what, estimator=None, name="X"):
    """Raise ``ValueError`` if sums of ``n_terms`` squares of X's values can
    overflow X's float type, before a kernel meets them as NaN.

    Parameters
    ----------
    X : ndarray
        Floating-point values; NaN or infinity raise as in
        :func:`assert_all_finite` (checked in the same pass).
    n_terms : int
        How many products the computation adds up.
    what : str
        What the computation is, for the message ("the covariance").
    estimator : estimator instance, class or str, optional
        Named in the message.
    name : str, default="X"
        Argument name used in the message.
    """
    limit = float(np.finfo(X.dtype).max)
    top = finite_magnitude(X, name=name, estimator=estimator)
    if largest_sum_of_squares(X, n_terms, top) <= limit:
        return
    raise ValueError(
        _prefixed(
            _estimator_name(estimator),
            f"{name} holds values up to {top:.3g} in magnitude, and {what} adds up {n_terms} "
            f"squares of them, which overflows {X.dtype} (largest {limit:.3g}); scale {name} "
            "(e.g. with zoo.preprocessing.StandardScaler).",
        )
    )
