"""Parameter constraints: what ``_parameter_constraints`` entries mean.

Each estimator class declares ``_parameter_constraints`` (``{name:
[constraint, ...]}``); :func:`_compile_constraints` turns the entries into
constraint objects once per class (see :func:`make_constraint`), and
``BaseEstimator._validate_params`` checks values against them.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["Interval", "Options", "make_constraint"]


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

    def __init__(self, kind, low, high, closed="both"):
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

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.kind):
            return False
        if self.kind is numbers.Real and math.isnan(value):
            return False
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True

    def __str__(self):
        left = "[" if self.low is not None and self.closed in ("both", "left") else "("
        right = "]" if self.high is not None and self.closed in ("both", "right") else ")"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        noun = "an int" if self.kind is numbers.Integral else "a float"
        return f"{noun} in the range {left}{low}, {high}{right}"


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


class _Predicate(_Constraint):
    def __init__(self, test, description):
        self._test = test
        self._description = description

    def is_satisfied_by(self, value):
        return self._test(value)

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
    "array-like": _Predicate(_is_array_like, "an array-like"),
    "random_state": _Predicate(
        _is_random_state,
        "None, a non-negative int, a numpy Generator, RandomState or SeedSequence",
    ),
    "boolean": _Predicate(lambda value: isinstance(value, (bool, np.bool_)), "a bool"),
    "no_validation": _Predicate(lambda value: True, "anything"),
}
_NONE = _Predicate(lambda value: value is None, "None")
_CALLABLE = _Predicate(callable, "a callable")


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


def _compile_constraints(cls):
    declared = cls._parameter_constraints
    compiled = {name: [make_constraint(spec) for spec in specs] for name, specs in declared.items()}
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

