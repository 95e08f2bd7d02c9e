"""LabelEncoder and OneHotEncoder: labels and categories of any sortable
kind, strings and mixed objects included."""

from __future__ import annotations

import warnings

import numpy as np

from zoo._validation import (
    _check_feature_names,
    _feature_names,
    _is_sparse,
    check_is_fitted,
)
from zoo._fitted_state import Array, Either, ListOf, Record
from zoo.base import BaseEstimator, Options, TransformerMixin
from zoo.exceptions import data_conversion_warning
from zoo.preprocessing._common import _check_columns_of, _input_feature_names


# ------------------------------------------------------- labels and categories


def _sorted_unique(values, what):
    """np.unique with a clear error for labels of incomparable types."""
    try:
        return np.unique(values)
    except TypeError as exc:
        kinds = sorted({type(value).__name__ for value in values.ravel().tolist()})
        raise TypeError(
            f"{what} must be uniformly strings or numbers; got values of types {kinds}. "
            "Convert them to one type first (e.g. all to str)."
        ) from exc


def _missing_mask(values):
    """Where an object or float array holds NaN or None."""
    if values.dtype.kind == "f":
        return ~np.isfinite(values)
    if values.dtype.kind == "O":
        return np.fromiter(
            (v is None or (isinstance(v, float) and not np.isfinite(v)) for v in values.ravel()),
            dtype=bool,
            count=values.size,
        ).reshape(values.shape)
    return np.zeros(values.shape, dtype=bool)


def _labels_array(values):
    """Labels as an ndarray: strings become object arrays, numbers stay numeric."""
    array = np.asarray(values)
    if array.dtype.kind in "US" and not isinstance(values, np.ndarray):
        # A list mixing strings and numbers: NumPy would turn the numbers
        # into strings; keep each value as given.
        array = np.asarray(values, dtype=object)
    if array.dtype.kind in "US":
        array = array.astype(object)
    return array


def _encode_objects(array):
    """An array for zoo's .npz format: object arrays that are not all strings
    (mixed numbers, None) travel as a tagged list of scalars."""
    if isinstance(array, np.ndarray) and array.dtype == object:
        if not all(isinstance(item, str) for item in array.flat):
            return {"object_values": array.tolist()}
    return array


# How _encode_objects stores labels: an array, or a list of mixed scalars.
_ENCODED_LABELS = Either(Array((None,), "biufUO"), Record({"object_values": [list]}))


def _decode_objects(value):
    if isinstance(value, dict):
        items = value["object_values"]
        array = np.empty(len(items), dtype=object)
        array[:] = items
        return array
    return value


class LabelEncoder(TransformerMixin, BaseEstimator):
    """Encode class labels as integers 0 .. n_classes - 1.

    For targets ``y`` only (as in scikit-learn): the labels are sorted, so
    ``classes_[i]`` is the label encoded as ``i``. Use :class:`OneHotEncoder`
    for input features.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted labels; strings are kept in an object array.

    Examples
    --------
    >>> from zoo.preprocessing import LabelEncoder
    >>> encoder = LabelEncoder().fit(["dog", "cat", "dog"])
    >>> encoder.transform(["cat", "dog"]).tolist(), encoder.classes_.tolist()
    ([0, 1], ['cat', 'dog'])
    """

    _zoo_tags = {"two_d_array": False, "requires_y": True}
    _fitted_state = {"classes_": _ENCODED_LABELS}

    def __init__(self):
        pass

    def fit(self, y):
        """Record the sorted distinct labels of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : LabelEncoder
        """
        y = self._column(y)
        if y.shape[0] == 0:
            raise ValueError("LabelEncoder: y must hold at least one label; got an empty array.")
        if _missing_mask(y).any():
            raise ValueError("LabelEncoder: y contains NaN or None; drop or impute missing labels first.")
        self.classes_ = _sorted_unique(y, "LabelEncoder: y")
        return self

    def fit_transform(self, y):
        """Fit, then return the code of each label.

        Parameters
        ----------
        y : array-like of shape (n_samples,)

        Returns
        -------
        ndarray of shape (n_samples,), int64
        """
        return self.fit(y).transform(y)

    def transform(self, y):
        """Replace each label by its index in ``classes_``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)

        Returns
        -------
        ndarray of shape (n_samples,), int64

        Raises
        ------
        ValueError
            If ``y`` holds labels not seen in ``fit`` (they are listed).
        """
        check_is_fitted(self)
        y = self._column(y)
        if y.shape[0] == 0:
            return np.zeros(0, dtype=np.int64)
        codes, known = _lookup(self.classes_, y)
        if not known.all():
            unseen = _sorted_unique(y[~known], "y").tolist()
            raise ValueError(f"LabelEncoder: y contains previously unseen labels: {unseen[:10]}")
        return codes

    def inverse_transform(self, y):
        """Map codes back to the original labels.

        Parameters
        ----------
        y : array-like of int, shape (n_samples,)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        codes = self._column(y)
        if codes.shape[0] == 0:
            return self.classes_[:0].copy()
        if codes.dtype.kind not in "iu" and not (
            codes.dtype.kind == "f" and np.all(np.isfinite(codes)) and np.all(codes == np.round(codes))
        ):
            raise ValueError(f"LabelEncoder: y must hold integer codes; got dtype {codes.dtype}.")
        codes = codes.astype(np.int64)
        bad = (codes < 0) | (codes >= self.classes_.shape[0])
        if bad.any():
            raise ValueError(
                f"LabelEncoder: y contains codes outside [0, {self.classes_.shape[0] - 1}]: "
                f"{np.unique(codes[bad]).tolist()[:10]}"
            )
        return self.classes_[codes]

    @staticmethod
    def _column(y):
        if hasattr(y, "to_numpy"):
            y = y.to_numpy()
        array = _labels_array(y)
        if array.ndim == 2 and array.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; it is flattened.",
                data_conversion_warning(),
                stacklevel=3,
            )
            array = array.ravel()
        if array.ndim != 1:
            raise ValueError(f"LabelEncoder: y must be 1-D; got shape {array.shape}.")
        return array

    def _save_state(self):
        state = super()._save_state()
        if "classes_" in state:
            state["classes_"] = _encode_objects(state["classes_"])
        return state

    def _load_state(self, state):
        state = dict(state)
        if "classes_" in state:
            state["classes_"] = _decode_objects(state["classes_"])
        super()._load_state(state)


def _lookup(categories, values):
    """Index of each value in ``categories`` and whether it was found.

    Numbers against numbers go through a binary search over the sorted
    categories; anything else (strings, mixed objects, user categories in any
    order) through a dictionary built once from the categories.
    """
    if categories.dtype.kind in "biuf" and values.dtype.kind in "biuf":
        order = np.argsort(categories, kind="stable")
        ordered = categories[order]
        position = np.clip(np.searchsorted(ordered, values), 0, ordered.shape[0] - 1)
        known = ordered[position] == values
        return order[position].astype(np.int64), known
    index = {_key(c): i for i, c in enumerate(categories.tolist())}
    # Distinct values are usually few: look each up once.
    try:
        distinct, inverse = np.unique(values, return_inverse=True)
    except TypeError:
        distinct, inverse = values, np.arange(values.shape[0])
    found = np.array([index.get(_key(v), -1) for v in distinct.tolist()], dtype=np.int64)
    codes = found[inverse.ravel()]
    return np.maximum(codes, 0), codes >= 0


def _key(value):
    # 1 == 1.0 == True hash alike in Python; keep strings apart from numbers
    # and bools apart from ints so that "1" and True never match 1.
    if isinstance(value, (bool, np.bool_)):
        return ("bool", bool(value))
    if isinstance(value, str):
        return ("str", value)
    return ("other", value)


class OneHotEncoder(TransformerMixin, BaseEstimator):
    """Encode categorical features as one-hot numeric columns.

    Each input column with categories ``c_1 .. c_k`` becomes ``k`` output
    columns (``k - 1`` when one is dropped) holding 1 where the sample has
    that category. Columns may hold strings, integers, floats, or objects of
    one kind per column; a pandas DataFrame keeps each column's own type.

    With ``sparse_output=True`` the output is a SciPy CSR matrix (one stored
    1 per encoded feature and sample), for data whose categories are many;
    SciPy is needed then only.

    Parameters
    ----------
    categories : "auto" or list of array-like, default="auto"
        ``"auto"``: the sorted distinct values of each column. A list: the
        categories of each column, in output order (numeric ones sorted).
    drop : None, "first", "if_binary" or array-like of shape (n_features,), default=None
        Category whose column is left out, per feature: none, the first,
        the first of features with exactly two categories, or the given one.
        A sample of a dropped category encodes as all zeros.
    handle_unknown : {"error", "ignore"}, default="error"
        What ``transform`` does with a category not seen in ``fit``: raise a
        ValueError, or encode it as all zeros (``inverse_transform`` then
        returns None for it).
    dtype : numeric dtype, default=numpy.float64
        Type of the output.
    sparse_output : bool, default=False
        Return a ``scipy.sparse.csr_matrix`` from ``transform`` instead of a
        dense array (scikit-learn's default is True; zoo's stays dense so
        that SciPy is optional).

    Attributes
    ----------
    categories_ : list of ndarray
        Categories of each feature, in the order of the output columns
        (strings in object arrays).
    drop_idx_ : ndarray of shape (n_features,), object, or None
        Index in ``categories_[i]`` of the dropped category of feature ``i``
        (None where none is dropped); None when ``drop`` is None.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, shape (n_features_in_,)

    Examples
    --------
    >>> from zoo.preprocessing import OneHotEncoder
    >>> encoder = OneHotEncoder().fit([["red", 1], ["blue", 3], ["red", 3]])
    >>> encoder.transform([["blue", 1]]).tolist()
    [[1.0, 0.0, 1.0, 0.0]]
    >>> encoder.get_feature_names_out().tolist()
    ['x0_blue', 'x0_red', 'x1_1', 'x1_3']
    """

    _parameter_aliases = {
        **dict.fromkeys(("min_frequency", "max_categories"),
                        "zoo's OneHotEncoder keeps every category: it does not group infrequent ones"),
    }
    _parameter_constraints = {
        "categories": [Options({"auto"}), list],
        "drop": [Options({"first", "if_binary"}), "array-like", None],
        "handle_unknown": [Options({"error", "ignore"})],
        "dtype": ["no_validation"],
        "sparse_output": ["boolean"],
    }
    _zoo_tags = {"categorical": True, "string": True, "preserves_dtype": []}
    # As _save_state writes them: categories as _encode_objects stores them,
    # drop_idx_ as a list of ints and None.
    _fitted_state = {
        "categories_": ListOf(_ENCODED_LABELS, "n_features_in_"),
        "drop_idx_": Either([None], ListOf([int, None], "n_features_in_")),
    }

    def __init__(
        self,
        *,
        categories="auto",
        drop=None,
        handle_unknown="error",
        dtype=np.float64,
        sparse_output=False,
    ):
        self.categories = categories
        self.drop = drop
        self.handle_unknown = handle_unknown
        self.dtype = dtype
        self.sparse_output = sparse_output

    def fit(self, X, y=None):
        """Find the categories of each column.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Strings, numbers or objects; no NaN or None.
        y : ignored

        Returns
        -------
        self : OneHotEncoder
        """
        self._validate_params()
        if self.sparse_output:
            try:
                import scipy.sparse  # noqa: F401, PLC0415  (checked at fit, not at the first transform)
            except ImportError:
                raise ImportError("OneHotEncoder(sparse_output=True) returns SciPy matrices: pip install scipy") from None
        self._output_dtype()
        columns = self._columns(X, reset=True)
        if self.categories != "auto" and len(self.categories) != len(columns):
            raise ValueError(
                f"OneHotEncoder: categories has {len(self.categories)} entries but X has "
                f"{len(columns)} features."
            )
        categories = []
        for j, column in enumerate(columns):
            if self.categories == "auto":
                categories.append(_sorted_unique(column, f"OneHotEncoder: column {j} of X"))
                continue
            given = _labels_array(self.categories[j])
            if given.ndim != 1 or given.shape[0] == 0:
                raise ValueError(f"OneHotEncoder: categories[{j}] must be a non-empty 1-D list.")
            if given.dtype.kind in "biuf" and (
                np.any(np.diff(given) <= 0) or (given.dtype.kind == "f" and not np.isfinite(given).all())
            ):
                raise ValueError(
                    f"OneHotEncoder: numeric categories[{j}] must be finite, sorted and distinct; got "
                    f"{given.tolist()[:10]}."
                )
            if len({_key(c) for c in given.tolist()}) != given.shape[0]:
                # A repeated category would get a column that is never set.
                raise ValueError(
                    f"OneHotEncoder: categories[{j}] contains duplicates; got {given.tolist()[:10]}."
                )
            if self.handle_unknown == "error":
                _, known = _lookup(given, column)
                if not known.all():
                    unseen = _sorted_unique(column[~known], "X").tolist()[:10]
                    raise ValueError(
                        f"OneHotEncoder: found unknown categories {unseen} in column {j} during fit."
                    )
            categories.append(given)
        self.categories_ = categories
        self.drop_idx_ = self._drop_indices()
        return self

    def transform(self, X):
        """One-hot encode X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_output_columns), ``dtype``
            Sparse with ``sparse_output=True``.

        Raises
        ------
        ValueError
            For a category not seen in ``fit`` when ``handle_unknown="error"``.
        """
        check_is_fitted(self)
        columns = self._columns(X, reset=False)
        n_samples = columns[0].shape[0] if columns else 0
        blocks = self._block_sizes()
        shape = (n_samples, int(sum(blocks)))
        rows = np.arange(n_samples)
        ones_at_rows, ones_at_columns = [], []
        offset = 0
        for j, column in enumerate(columns):
            codes, known = _lookup(self.categories_[j], column)
            if not known.all() and self.handle_unknown == "error":
                unseen = _sorted_unique(column[~known], "X").tolist()[:10]
                raise ValueError(
                    f"OneHotEncoder: found unknown categories {unseen} in column {j} during "
                    "transform (pass handle_unknown='ignore' to encode them as all zeros)."
                )
            dropped = self._dropped(j)
            if dropped is not None:
                known &= codes != dropped
                codes = codes - (codes > dropped)
            ones_at_rows.append(rows[known])
            ones_at_columns.append(offset + codes[known])
            offset += blocks[j]
        row_index = np.concatenate(ones_at_rows) if ones_at_rows else np.zeros(0, dtype=np.intp)
        column_index = np.concatenate(ones_at_columns) if ones_at_columns else np.zeros(0, dtype=np.intp)
        if self.sparse_output:
            import scipy.sparse  # noqa: PLC0415  (checked by fit)

            ones = np.ones(row_index.size, dtype=self._output_dtype())
            return scipy.sparse.csr_matrix((ones, (row_index, column_index)), shape=shape)
        out = np.zeros(shape, dtype=self._output_dtype())
        out[row_index, column_index] = 1
        return out

    def inverse_transform(self, X):
        """Recover the categories from one-hot rows.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_output_columns)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Object array unless every feature's categories share one numeric
            type. An all-zero block decodes to the dropped category, or to
            None (an unknown category) when ``handle_unknown="ignore"``.
        """
        check_is_fitted(self)
        blocks = self._block_sizes()
        # transform's sparse output is decoded one feature's columns at a time.
        Z = _check_columns_of(self, X, int(sum(blocks)), "inverse_transform", accept_sparse=True)
        sparse = _is_sparse(Z)
        dtypes = {c.dtype for c in self.categories_}
        numeric = all(c.dtype.kind in "biuf" for c in self.categories_)
        dtype = dtypes.pop() if numeric and len(dtypes) == 1 else object
        out = np.empty((Z.shape[0], len(self.categories_)), dtype=object)
        offset = 0
        any_unknown = False
        for j, categories in enumerate(self.categories_):
            block = Z[:, offset : offset + blocks[j]]
            if sparse:
                block = block.toarray()
            offset += blocks[j]
            dropped = self._dropped(j)
            empty = ~(block > 0).any(axis=1) if blocks[j] else np.ones(Z.shape[0], dtype=bool)
            kept = np.delete(np.arange(categories.shape[0]), dropped) if dropped is not None else np.arange(categories.shape[0])
            codes = kept[np.argmax(block, axis=1)] if blocks[j] else np.zeros(Z.shape[0], dtype=np.int64)
            out[:, j] = categories[codes]
            if empty.any():
                if dropped is not None:
                    out[empty, j] = categories[dropped]
                elif self.handle_unknown == "ignore":
                    out[empty, j] = None
                    any_unknown = True
                else:
                    raise ValueError(
                        f"OneHotEncoder: samples {np.flatnonzero(empty)[:10].tolist()} have no "
                        f"active column for feature {j}, which has no dropped category."
                    )
        if any_unknown or dtype == object:
            return out
        return out.astype(dtype)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``<feature>_<category>``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Defaults to ``feature_names_in_``, else ``x0, x1, ...``.

        Returns
        -------
        ndarray of str objects, shape (n_output_columns,)
        """
        check_is_fitted(self)
        features = _input_feature_names(self, input_features)
        names = []
        for j, categories in enumerate(self.categories_):
            dropped = self._dropped(j)
            names += [f"{features[j]}_{c}" for i, c in enumerate(categories.tolist()) if i != dropped]
        return np.asarray(names, dtype=object)

    # -- helpers -------------------------------------------------------------

    def _output_dtype(self):
        try:
            dtype = np.dtype(self.dtype)
        except TypeError as exc:
            raise TypeError(f"OneHotEncoder: dtype must be a numeric NumPy dtype; got {self.dtype!r}.") from exc
        if dtype.kind not in "biuf":
            raise ValueError(f"OneHotEncoder: dtype must be a numeric NumPy dtype; got {dtype}.")
        return dtype

    def _columns(self, X, *, reset):
        """The columns of X as 1-D arrays, each keeping its own type."""
        if _is_sparse(X):
            raise TypeError("OneHotEncoder: sparse input is not supported for X; pass a dense array.")
        names = _feature_names(X)
        if not reset:
            _check_feature_names(self, names)
        if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
            columns = [_labels_array(X.iloc[:, j].to_numpy()) for j in range(X.shape[1])]
            n_samples = X.shape[0]
        else:
            array = _labels_array(X)
            if array.ndim != 2:
                raise ValueError(
                    f"Expected 2D array for X, got {array.ndim}D array instead (shape={array.shape}). "
                    "Reshape your data either using X.reshape(-1, 1) if it has a single feature or "
                    "X.reshape(1, -1) if it contains a single sample."
                )
            if array.dtype.kind == "c":
                raise ValueError(f"OneHotEncoder: Complex data not supported in X (dtype {array.dtype}).")
            if array.dtype.kind not in "biufO":
                raise ValueError(f"OneHotEncoder: X must hold strings, numbers or objects; got dtype {array.dtype}.")
            columns = [np.ascontiguousarray(array[:, j]) for j in range(array.shape[1])]
            n_samples = array.shape[0]
        if n_samples == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape=({n_samples}, {len(columns)})) while a "
                "minimum of 1 is required by OneHotEncoder."
            )
        if not columns:
            raise ValueError(
                f"Found array with 0 feature(s) (shape=({n_samples}, 0)) while a minimum of 1 is "
                "required by OneHotEncoder."
            )
        for j, column in enumerate(columns):
            if _missing_mask(column).any():
                raise ValueError(
                    f"OneHotEncoder: Input X contains NaN, infinity or None in column {j}; "
                    "impute or drop missing values first."
                )
            if column.dtype.kind == "O":
                bad = [v for v in column.tolist() if isinstance(v, (dict, list, set, tuple))]
                if bad:
                    raise TypeError(
                        f"OneHotEncoder: column {j} of X holds a {type(bad[0]).__name__}; "
                        "the argument must be a string or a number."
                    )
        if reset:
            self.n_features_in_ = len(columns)
            if names is not None:
                self.feature_names_in_ = names
            else:
                self.__dict__.pop("feature_names_in_", None)
        elif len(columns) != self.n_features_in_:
            raise ValueError(
                f"X has {len(columns)} features, but OneHotEncoder is expecting "
                f"{self.n_features_in_} features as input."
            )
        return columns

    def _drop_indices(self):
        if self.drop is None:
            return None
        if isinstance(self.drop, str):
            if self.drop == "first":
                return np.array([0] * len(self.categories_), dtype=object)
            return np.array([0 if c.shape[0] == 2 else None for c in self.categories_], dtype=object)
        wanted = _labels_array(self.drop)
        if wanted.ndim != 1 or wanted.shape[0] != len(self.categories_):
            raise ValueError(
                f"OneHotEncoder: drop must hold one category per feature ({len(self.categories_)}); "
                f"got shape {wanted.shape}."
            )
        indices = []
        for j, categories in enumerate(self.categories_):
            code, known = _lookup(categories, wanted[j : j + 1])
            if not known[0]:
                raise ValueError(
                    f"OneHotEncoder: drop[{j}]={wanted[j]!r} is not a category of feature {j} "
                    f"({categories.tolist()[:10]})."
                )
            indices.append(int(code[0]))
        return np.array(indices, dtype=object)

    def _dropped(self, j):
        if self.drop_idx_ is None or self.drop_idx_[j] is None:
            return None
        return int(self.drop_idx_[j])

    def _block_sizes(self):
        return [c.shape[0] - (self._dropped(j) is not None) for j, c in enumerate(self.categories_)]

    def _persisted_params(self):
        params = super()._persisted_params()
        # A NumPy type such as np.float64 is stored by name; np.dtype reads it back.
        if isinstance(params["dtype"], (type, np.dtype)):
            params["dtype"] = np.dtype(params["dtype"]).name
        return params

    def _save_state(self):
        state = super()._save_state()
        if "categories_" in state:
            state["categories_"] = [_encode_objects(c) for c in state["categories_"]]
        if state.get("drop_idx_") is not None:
            state["drop_idx_"] = [None if i is None else int(i) for i in state["drop_idx_"]]
        return state

    def _load_state(self, state):
        state = dict(state)
        if "categories_" in state:
            state["categories_"] = [_decode_objects(c) for c in state["categories_"]]
        if state.get("drop_idx_") is not None:
            drop = np.empty(len(state["drop_idx_"]), dtype=object)
            drop[:] = state["drop_idx_"]
            state["drop_idx_"] = drop
        super()._load_state(state)
