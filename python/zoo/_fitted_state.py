"""Declared fitted state: what a saved estimator may hold, checked on save and load.

Every estimator class declares the fitted attributes that ``save`` stores in
``_fitted_state`` (``{name: spec}``, merged along the class hierarchy, so a
mixin declares what it adds once). A spec is one of:

- ``Array(shape, dtype)``: an ndarray (a NumPy scalar or a number counts as
  a 0-d array). ``shape`` is a tuple of dimensions, or None for any shape;
  ``dtype`` a string of dtype kinds (``"f"``, ``"iu"``, ``"U"``), a dtype
  or tuple of dtypes that must match exactly, or the name of another fitted
  array whose dtype it must have (``"cluster_centers_"``). ``size``, a
  dimension, is the number of elements, whatever the shape.
- a list of constraints, as in ``_parameter_constraints`` (``[Interval(int,
  0, None)]``, ``[str]``, ``[None, dict]``), for anything else;
- ``Record({key: spec})``: a dict with exactly those keys (a key whose spec
  is ``optional(...)`` may be missing);
- ``DictOf(spec)``: a dict with str keys whose values all match ``spec``;
- ``ListOf(spec, length)``: a list or tuple whose items all match
  ``spec``; ``Items(spec, ...)``: one whose items match these, in order;
- ``Either(spec, ...)``: the first of several forms that matches;
- ``Size(dim)``: an int equal to a dimension (``Size("n_features_in_")``);
- ``optional(spec)``: an attribute that a fitted estimator does not always
  have. All other declared attributes are required as soon as the state
  holds anything but None (an unfitted estimator's holds nothing else).

A dimension is an int; None for any size; the name of an integer
constructor parameter (``"n_clusters"``); the name of a fitted attribute
(ending in ``_``), whose value is an int or whose length is used
(``"classes_"`` is the number of classes); ``Derived(text, function,
*names)`` for a size computed from others; or any other name, which stands
for the size it first meets and must be the same everywhere else it appears
(``"n_nodes"``). A trailing
``?`` (``"n_targets?"``) marks an axis that may be missing, in every array
that names it alike (one target: 1-D coefficients and a scalar intercept).

``n_features_in_`` and ``feature_names_in_``, which ``validate_data`` sets on
any estimator, are declared here for all of them.

Loading refuses a state attribute that is not declared, and any value that
does not match its declaration, with a ValueError naming the attribute, what
was found and what was expected. Saving runs the same check, so that a file
zoo writes is always one it can read back.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from ._param_validation import Interval, _describe, make_constraint
from ._validation import _short_repr

__all__ = ["Array", "Derived", "DictOf", "Either", "Items", "ListOf", "Record", "Size", "optional",
           "check_fitted_state"]


class _Spec:
    optional = False

    def check(self, value, where, context):
        raise NotImplementedError


class Array(_Spec):
    """An ndarray of a given shape and dtype (see the module docstring)."""

    _KIND_NAMES = {"b": "bool", "i": "signed int", "u": "unsigned int", "f": "floating-point",
                   "c": "complex", "U": "unicode string", "S": "bytes", "O": "object"}

    def __init__(self, shape, dtype, *, size=None):
        self.shape = None if shape is None else tuple(shape)
        self.size = size
        self.kinds, self.dtypes, self.dtype_of = "", (), None
        if isinstance(dtype, str) and dtype.endswith("_"):
            self.dtype_of = dtype
        elif isinstance(dtype, str) and set(dtype) <= set(self._KIND_NAMES):
            self.kinds = dtype
        else:
            dtypes = dtype if isinstance(dtype, tuple) else (dtype,)
            self.dtypes = tuple(np.dtype(item) for item in dtypes)
        if self.shape is not None and sum(_is_optional_axis(dim) for dim in self.shape) > 1:
            raise TypeError(f"Array{self.shape}: at most one axis may be optional.")

    def check(self, value, where, context):
        if isinstance(value, (np.generic, numbers.Number)) and not isinstance(value, np.ndarray):
            value = np.asarray(value)
        if not isinstance(value, np.ndarray):
            context.fail(f"{where} must be an array ({self._describe_dtype(context)}); got a {type(value).__name__}")
        if not self._dtype_matches(value.dtype, context):
            context.fail(f"{where} has dtype {value.dtype}; expected {self._describe_dtype(context)}")
        if self.shape is not None:
            self._check_shape(value.shape, where, context)
        if self.size is not None:
            expected = context.size(self.size, value.size, where)
            if expected != value.size:
                context.fail(f"{where} has {value.size} elements; expected {_dim_text(self.size)} = {expected}")

    def _dtype_matches(self, dtype, context):
        if self.dtype_of:
            return dtype == context.dtype_of(self.dtype_of)
        if self.dtypes:
            return dtype in self.dtypes
        return dtype.kind in self.kinds

    def _describe_dtype(self, context):
        if self.dtype_of:
            return f"{context.dtype_of(self.dtype_of)}, as {self.dtype_of} has"
        if self.dtypes:
            return " or ".join(str(dtype) for dtype in self.dtypes)
        return " or ".join(f"a {self._KIND_NAMES[kind]} dtype" for kind in self.kinds)

    def _check_shape(self, shape, where, context):
        dims = self.shape
        if len(shape) == len(dims) - 1 and any(_is_optional_axis(dim) for dim in dims):
            missing = next(dim for dim in dims if _is_optional_axis(dim))
            context.bind_absent(missing, where, shape, self)
            dims = tuple(dim for dim in dims if dim is not missing)
        elif len(shape) != len(dims):
            context.fail(f"{where} has shape {shape}; expected {self.describe_shape(context)}")
        for dim, size in zip(dims, shape):
            expected = context.size(dim, size, where)
            if expected != size:
                context.fail(f"{where} has shape {shape}; expected {self.describe_shape(context)}")

    def describe_shape(self, context):
        names = ", ".join(_dim_text(dim) for dim in self.shape)
        sizes = ", ".join(context.known_size_text(dim) for dim in self.shape)
        trailing = "," if len(self.shape) == 1 else ""
        return f"({names}{trailing}) = ({sizes}{trailing})"


class Record(_Spec):
    """A dict with the given keys, each matching its spec."""

    def __init__(self, fields):
        self.fields = {key: _as_spec(spec) for key, spec in fields.items()}

    def check(self, value, where, context):
        if not isinstance(value, dict):
            context.fail(f"{where} must be a dict with keys {sorted(self.fields)}; got a {type(value).__name__}")
        unknown = [key for key in value if key not in self.fields]
        if unknown:
            context.fail(f"{where} holds {_names(unknown)}, which it may not; its keys are {sorted(self.fields)}")
        missing = [key for key, spec in self.fields.items() if key not in value and not spec.optional]
        if missing:
            context.fail(f"{where} lacks {_names(missing)}")
        for key, spec in self.fields.items():
            if key in value:
                spec.check(value[key], f"{where}[{key!r}]", context)


class DictOf(_Spec):
    """A dict with str keys, whose values all match ``value``."""

    def __init__(self, value):
        self.value = _as_spec(value)

    def check(self, value, where, context):
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            context.fail(f"{where} must be a dict with str keys; got {_short_repr(value)}")
        for key, item in value.items():
            self.value.check(item, f"{where}[{key!r}]", context)


class ListOf(_Spec):
    """A list or tuple of items that each match ``item``; ``length`` is a
    dimension (see the module docstring) or None for any length."""

    def __init__(self, item, length=None):
        self.item, self.length = _as_spec(item), length

    def check(self, value, where, context):
        if not isinstance(value, (list, tuple)):
            context.fail(f"{where} must be a list; got a {type(value).__name__}")
        if self.length is not None:
            expected = context.size(self.length, len(value), where)
            if expected != len(value):
                context.fail(f"{where} has {len(value)} items; expected {_dim_text(self.length)} = {expected}")
        for index, item in enumerate(value):
            self.item.check(item, f"{where}[{index}]", context)


class Items(_Spec):
    """A list or tuple of exactly these items, in order."""

    def __init__(self, *items):
        self.items = [_as_spec(item) for item in items]

    def check(self, value, where, context):
        if not isinstance(value, (list, tuple)) or len(value) != len(self.items):
            context.fail(f"{where} must be a list of {len(self.items)} items; got {_short_repr(value)}")
        for index, (item, spec) in enumerate(zip(value, self.items)):
            spec.check(item, f"{where}[{index}]", context)


class Either(_Spec):
    """The first of several specs that the value matches."""

    def __init__(self, *forms):
        self.forms = [_as_spec(form) for form in forms]

    def check(self, value, where, context):
        problems = []
        for form in self.forms:
            attempt = context.copy()
            try:
                form.check(value, where, attempt)
            except ValueError as exc:
                problems.append(str(exc).removeprefix(context.prefix).rstrip("."))
                continue
            context.sizes.update(attempt.sizes)
            return
        context.fail(f"{where} matches none of its {len(problems)} forms: " + "; or ".join(problems))


class Size(_Spec):
    """An int equal to the size a dimension stands for."""

    def __init__(self, dim):
        self.dim = dim

    def check(self, value, where, context):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 0:
            context.fail(f"{where} must be a non-negative int; got {_short_repr(value)}")
        expected = context.size(self.dim, int(value), where)
        if expected != value:
            context.fail(f"{where} is {value}; expected {_dim_text(self.dim)} = {expected}")


class Derived:
    """A dimension computed from others: ``function(*sizes of names)``,
    described as ``text`` in messages. The function raises ValueError for
    sizes that make no model (a classifier of one class)."""

    def __init__(self, text, function, *names):
        self.text, self.function, self.names = text, function, names


class _Values(_Spec):
    """Anything but an array: parameter constraints (see make_constraint)."""

    def __init__(self, constraints):
        self.constraints = [make_constraint(constraint) for constraint in constraints]

    def check(self, value, where, context):
        if not any(constraint.is_satisfied_by(value) for constraint in self.constraints):
            context.fail(f"{where} must be {_describe(self.constraints)}; got {_short_repr(value)}")


class _Optional(_Spec):
    optional = True

    def __init__(self, spec):
        self.spec = _as_spec(spec)

    def check(self, value, where, context):
        self.spec.check(value, where, context)


def optional(spec):
    """``spec``, for an attribute (or Record key) that may be missing."""
    return _Optional(spec)


@functools.cache
def declared_fitted_state(cls):
    """Every attribute ``cls`` and its bases declare in ``_fitted_state``.

    Parameters
    ----------
    cls : type

    Returns
    -------
    dict
        Attribute name -> spec.
    """
    declared = dict(COMMON_FITTED_STATE)
    for klass in reversed(cls.__mro__):
        declared.update({name: _as_spec(spec) for name, spec in vars(klass).get("_fitted_state", {}).items()})
    return declared


def check_fitted_state(cls, params, state):
    """Check saved fitted state against what ``cls`` declares.

    Parameters
    ----------
    cls : type
        The estimator class.
    params : dict
        Its constructor parameters (``get_params(deep=False)``).
    state : dict
        Attribute name -> value, as ``_save_state`` returns it and as
        loading decodes it.

    Raises
    ------
    ValueError
        If an attribute is not declared, a required one is missing, or a
        value does not match its declaration; the message names it, what was
        found and what was expected.
    """
    declared = declared_fitted_state(cls)
    context = _Context(cls, params, state)
    undeclared = [name for name in state if name not in declared]
    if undeclared:
        context.fail(
            f"the fitted state holds {_names(undeclared)}, which {cls.__name__} does not declare; it "
            f"declares {sorted(declared)} (a class lists the state it saves in _fitted_state)"
        )
    required = [name for name, spec in declared.items() if not spec.optional]
    if any(value is not None for value in state.values()):
        missing = [name for name in required if name not in state]
        if missing:
            context.fail(f"the fitted state lacks {_names(missing)}, which a fitted {cls.__name__} has")
    # In the order of the declaration (not the file's), plain values first:
    # array shapes refer to them (n_features_in_, ...) and to sizes that
    # earlier arrays fixed.
    ordered = sorted(declared, key=lambda name: not isinstance(_unwrap(declared[name]), _Values))
    for name in ordered:
        if name in state:
            declared[name].check(state[name], name, context)


# -------------------------------------------------------------------- helpers


class _Context:
    """Resolves dimensions for one estimator's state and binds free ones."""

    _ABSENT = "absent"

    def __init__(self, cls, params, state, sizes=None):
        self.cls, self.params, self.state = cls, params, state
        self.sizes = dict(sizes or {})
        self.prefix = f"{cls.__name__}: "

    def copy(self):
        return _Context(self.cls, self.params, self.state, self.sizes)

    def fail(self, message):
        raise ValueError(f"{self.prefix}{message}.")

    def size(self, dim, found, where):
        """The size ``dim`` stands for; a free name not met before takes ``found``."""
        if dim is None:
            return found
        if isinstance(dim, int):
            return dim
        if isinstance(dim, Derived):
            sizes = [self._named_size(name, where) for name in dim.names]
            try:
                return dim.function(*sizes)
            except ValueError as exc:
                self.fail(f"{where}: {exc}")
        name = dim.rstrip("?")
        if self._is_free(name):
            if self.sizes.get(name) == self._ABSENT:
                self.fail(f"{where} has an axis {name} that the other arrays lack")
            return self.sizes.setdefault(name, found)
        return self._named_size(name, where)

    def bind_absent(self, dim, where, shape, array):
        name = dim.rstrip("?")
        if self.sizes.setdefault(name, self._ABSENT) != self._ABSENT:
            self.fail(f"{where} has shape {shape}; expected {array.describe_shape(self)}")

    def known_size_text(self, dim):
        try:
            if dim is None:
                return "any"
            if isinstance(dim, int):
                return str(dim)
            if isinstance(dim, Derived):
                return str(dim.function(*(self._named_size(name, None) for name in dim.names)))
            name = dim.rstrip("?")
            if self._is_free(name):
                size = self.sizes.get(name)
                return "any" if size is None else "none" if size == self._ABSENT else str(size)
            return str(self._named_size(name, None))
        except (ValueError, TypeError, KeyError):
            return "?"

    def dtype_of(self, name):
        value = self.state.get(name)
        if not isinstance(value, np.ndarray):
            self.fail(f"arrays that share the dtype of {name} need {name}, which the fitted state lacks")
        return value.dtype

    def _is_free(self, name):
        return name not in self.params and not name.endswith("_")

    def _named_size(self, name, where):
        if name in self.params:
            value = self.params[name]
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                self.fail(f"{where} is sized by parameter {name}, which is {_short_repr(value)}, not an int")
            return int(value)
        if not name.endswith("_"):
            size = self.sizes.get(name)
            if size is None or size == self._ABSENT:
                self.fail(f"{where} is sized by {name}, which no array before it has")
            return size
        if name not in self.state:
            self.fail(f"{where} is sized by {name}, which the fitted state lacks")
        value = self.state[name]
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, np.ndarray) and value.ndim >= 1:
            return value.shape[0]
        if isinstance(value, (list, tuple, dict)):
            return len(value)
        self.fail(f"{where} is sized by {name}, which is {_short_repr(value)}")
        return None  # not reached


def _as_spec(spec):
    if isinstance(spec, _Spec):
        return spec
    if isinstance(spec, list):
        return _Values(spec)
    raise TypeError(f"Cannot interpret {spec!r} as a fitted-state declaration; use Array, Record, "
                    "ListOf, Either, optional(...) or a list of constraints.")


def _unwrap(spec):
    return spec.spec if isinstance(spec, _Optional) else spec


def _is_optional_axis(dim):
    return isinstance(dim, str) and dim.endswith("?")


def _dim_text(dim):
    if dim is None:
        return "any"
    if isinstance(dim, Derived):
        return dim.text
    return str(dim).rstrip("?")


def _names(names):
    return ", ".join(repr(name) for name in names)


# Set on every estimator by zoo._validation.validate_data.
COMMON_FITTED_STATE = {
    "n_features_in_": optional([Interval(int, 0, None)]),
    "feature_names_in_": optional(Array(("n_features_in_",), "UO")),
}
