"""Parameter constraints: what ``_parameter_constraints`` entries mean.

Each estimator class declares ``_parameter_constraints`` (``{name:
[constraint, ...]}``); :func:`_compile_constraints` turns the entries into
constraint objects once per class (see :func:`make_constraint`), and
``BaseEstimator._validate_params`` checks values against them.

Constructor parameters reach the C++ core, so their checks are stricter
than the constraints say literally: an int interval left open (``None``)
stops at the range of the C++ ``int`` the core takes (a wider range is
declared with explicit bounds, e.g. ``Interval(Integral, 1, INT64_MAX)``),
and a real interval left open excludes infinity (``inf`` is only accepted
where a bound says ``math.inf``). Without this, 2**31 reached pybind11 as
"incompatible function arguments" and ``alpha=inf`` reached LAPACK.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["INT32_MAX", "INT32_MIN", "INT64_MAX", "Interval", "Options", "Predicate", "make_constraint"]

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MAX = 2**63 - 1


class _Constraint:
    """One allowed form of a parameter value; ``str()`` describes it."""

    def is_satisfied_by(self, value):
        raise NotImplementedError


class Interval(_Constraint):
    """Numbers within an interval.

    Parameters
    ----------
    kind : {int, float, numbers.Integral, numbers.Real, "int", "real"}
        ``int`` accepts integers only; ``float`` (real) accepts any real
        number, integers included. bool and NaN are never accepted.
    low, high : int, float or None
        Bounds; None means unbounded.
    closed : {"both", "left", "right", "neither"}, default="both"
        Which bounds belong to the interval.
    finite : bool, default=False
        Reals only: refuse infinity at an end left open (None), and ints
        too large for a float. :meth:`for_parameters` sets it.

    Examples
    --------
    >>> str(Interval(int, 1, None))
    'an int in the range [1, inf)'
    """

    _KINDS = {
        int: numbers.Integral,
        numbers.Integral: numbers.Integral,
        "int": numbers.Integral,
        float: numbers.Real,
        numbers.Real: numbers.Real,
        "real": numbers.Real,
    }

    def __init__(self, kind, low, high, closed="both", *, finite=False):
        if kind not in self._KINDS:
            raise TypeError(f"Interval kind must be int or float (real); got {kind!r}.")
        if closed not in ("both", "left", "right", "neither"):
            raise ValueError(
                f"closed must be 'both', 'left', 'right' or 'neither'; got {closed!r}."
            )
        if low is not None and high is not None and low > high:
            raise ValueError(f"Interval low={low} is greater than high={high}.")
        self.kind = self._KINDS[kind]
        self.low = low
        self.high = high
        self.closed = closed
        self.finite = finite

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.kind):
            return False
        if self.kind is numbers.Real:
            try:
                as_float = float(value)
            except OverflowError:  # an int past the float range
                return not self.finite and self._within(value)
            if math.isnan(as_float):
                return False
            # A bound written as math.inf admits infinity (per _within); an open one does not.
            if self.finite and math.isinf(as_float) and (self.high if as_float > 0 else self.low) is None:
                return False
        return self._within(value)

    def _within(self, value):
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True

    def for_parameters(self):
        """This interval as a constructor parameter is checked: open int
        bounds become the C++ ``int`` range, open real bounds exclude
        infinity (see the module docstring)."""
        if self.kind is numbers.Integral:
            low, high, closed = self.low, self.high, self.closed
            if low is None:
                low, closed = INT32_MIN, {"right": "both", "neither": "left"}.get(closed, closed)
            if high is None:
                high, closed = INT32_MAX, {"left": "both", "neither": "right"}.get(closed, closed)
            return Interval(numbers.Integral, low, high, closed)
        return Interval(numbers.Real, self.low, self.high, self.closed, finite=True)

    def range_text(self):
        """The interval in mathematical notation, e.g. ``[1, 2147483647]``."""
        left = "[" if self.low is not None and self.closed in ("both", "left") else "("
        right = "]" if self.high is not None and self.closed in ("both", "right") else ")"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"{left}{low}, {high}{right}"

    def __str__(self):
        noun = "an int" if self.kind is numbers.Integral else "a float"
        return f"{noun} in the range {self.range_text()}"


class Options(_Constraint):
    """One of a fixed set of values (usually strings).

    Parameters
    ----------
    options : iterable of hashable
        The allowed values.

    Examples
    --------
    >>> str(Options({"lloyd", "elkan"}))
    "a str among {'elkan', 'lloyd'}"
    """

    def __init__(self, options):
        self.options = frozenset(options)

    def is_satisfied_by(self, value):
        try:
            if value not in self.options:
                return False
        except TypeError:  # unhashable values (lists, arrays) are never options
            return False
        # True == 1, so a bool must not match the int option 1 (or vice versa).
        is_bool = isinstance(value, (bool, np.bool_))
        return any(
            isinstance(option, bool) == is_bool for option in self.options if option == value
        )

    def __str__(self):
        listed = "{" + ", ".join(sorted(repr(option) for option in self.options)) + "}"
        if all(isinstance(option, str) for option in self.options):
            return f"a str among {listed}"
        return f"one of {listed}"


class Predicate(_Constraint):
    """Values a function accepts, for what an interval or options cannot say.

    Parameters
    ----------
    test : callable
        ``test(value)`` returns whether the value is allowed; a ValueError
        or TypeError it raises means "not allowed" too, so a parser (a
        schedule or optimizer lookup) can serve as the test.
    description : str
        What is allowed, as error messages say it ("a tuple (X_val, y_val)").

    Examples
    --------
    >>> Predicate(lambda v: len(v) == 2, "a pair").is_satisfied_by((1, 2))
    True
    """

    def __init__(self, test, description):
        self._test = test
        self._description = description

    def is_satisfied_by(self, value):
        try:
            return bool(self._test(value))
        except (ValueError, TypeError):
            return False

    def __str__(self):
        return self._description


class _InstanceOf(_Constraint):
    def __init__(self, kind):
        self.kind = kind

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)) and self.kind in (
            int, float, numbers.Integral, numbers.Real, numbers.Number
        ):
            return False
        return isinstance(value, self.kind)

    def __str__(self):
        article = "an" if self.kind.__name__[0].lower() in "aeiou" else "a"
        return f"{article} {self.kind.__name__}"


def _is_array_like(value):
    return isinstance(value, (list, tuple, np.ndarray)) or hasattr(value, "__array__")


def _is_random_state(value):
    if value is None or isinstance(
        value, (np.random.Generator, np.random.RandomState, np.random.SeedSequence)
    ):
        return True
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, (bool, np.bool_))
        and value >= 0
    )


_MARKERS = {
    "array-like": Predicate(_is_array_like, "an array-like"),
    "random_state": Predicate(
        _is_random_state,
        "None, a non-negative int, a numpy Generator, RandomState or SeedSequence",
    ),
    "boolean": Predicate(lambda value: isinstance(value, (bool, np.bool_)), "a bool"),
    "no_validation": Predicate(lambda value: True, "anything"),
}
_NONE = Predicate(lambda value: value is None, "None")
_CALLABLE = Predicate(callable, "a callable")


def make_constraint(spec):
    """Turn one entry of ``_parameter_constraints`` into a constraint object.

    Parameters
    ----------
    spec : Interval, Options, type, None, callable or str
        A constraint object; ``None`` (the value None); the builtin
        ``callable``; a type (instances of it; bool excluded from numeric
        types); or one of the markers ``"array-like"``, ``"random_state"``,
        ``"boolean"``, ``"no_validation"``.

    Returns
    -------
    constraint object
    """
    if isinstance(spec, _Constraint):
        return spec
    if spec is None:
        return _NONE
    if spec is callable:
        return _CALLABLE
    if isinstance(spec, str):
        if spec not in _MARKERS:
            raise TypeError(f"Unknown constraint marker {spec!r}; known: {sorted(_MARKERS)}.")
        return _MARKERS[spec]
    if isinstance(spec, type):
        return _InstanceOf(spec)
    raise TypeError(f"Cannot interpret {spec!r} as a parameter constraint.")


def _describe(constraints):
    texts = [str(constraint) for constraint in constraints]
    if len(texts) == 1:
        return texts[0]
    return ", ".join(texts[:-1]) + " or " + texts[-1]


def _parameter_constraint(spec):
    """One entry of ``_parameter_constraints``, checked as the C++ core needs
    (see the module docstring)."""
    constraint = make_constraint(spec)
    if isinstance(constraint, Interval):
        return constraint.for_parameters()
    if isinstance(constraint, _InstanceOf) and constraint.kind in (int, numbers.Integral):
        return Interval(numbers.Integral, None, None).for_parameters()
    if isinstance(constraint, _InstanceOf) and constraint.kind in (float, numbers.Real):
        return Interval(numbers.Real, None, None).for_parameters()
    return constraint


def _compile_constraints(cls):
    declared = cls._parameter_constraints
    compiled = {name: [_parameter_constraint(spec) for spec in specs] for name, specs in declared.items()}
    # A typo in a constraint name would silently disable the check; catch it
    # when the class is defined, for constraints the class declares itself.
    if "_parameter_constraints" in cls.__dict__:
        try:
            params = set(cls._get_param_names())
        except RuntimeError:
            return compiled
        unknown = set(declared) - params
        if unknown:
            raise TypeError(
                f"{cls.__name__}._parameter_constraints names {sorted(unknown)}, "
                f"which are not parameters of {cls.__name__}.__init__."
            )
    return compiled

