"""The estimator contract: parameters, constraints, tags, pickling, registry.

zoo follows scikit-learn's estimator API without importing scikit-learn:

- ``__init__`` only stores its keyword arguments; :meth:`BaseEstimator.get_params`
  and :meth:`~BaseEstimator.set_params` are derived from its signature;
- parameter checks are declared once per class in ``_parameter_constraints``
  and run by ``self._validate_params()`` at the start of ``fit``;
- estimator tags are declared as plain class attributes (``_estimator_type``
  and ``_zoo_tags``) and translated into scikit-learn's ``Tags`` only when
  scikit-learn asks for them (``__sklearn_tags__``).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import math
import numbers
import sys
import warnings

import numpy as np

from ._validation import _short_repr, check_sample_weight, has_fitted_attributes
from .exceptions import InconsistentVersionWarning, InvalidParameterError

__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "RegressorMixin",
    "ClusterMixin",
    "TransformerMixin",
    "Interval",
    "Options",
    "get_tags",
    "register_estimator",
    "registered_estimator",
]


def zoo_version():
    """The installed zoo version, or ``"unknown"``.

    Returns
    -------
    str
    """
    version = getattr(sys.modules.get("zoo"), "__version__", None)
    if isinstance(version, str):
        return version
    try:
        return importlib.metadata.version("zoo")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# -------------------------------------------------------------------- registry

# Class name -> class. Persistence rebuilds estimators from this table only,
# so loading a file can never import or instantiate anything else.
_REGISTRY: dict[str, type] = {}


def register_estimator(cls):
    """Make an estimator class loadable by :func:`zoo.persistence.load`.

    Classes defined in ``zoo.`` modules register themselves; use this (as a
    decorator) for estimators defined elsewhere.

    Parameters
    ----------
    cls : type
        A :class:`BaseEstimator` subclass.

    Returns
    -------
    type
        ``cls`` itself.

    Raises
    ------
    TypeError
        If ``cls`` is not a BaseEstimator subclass, or another class already
        holds its name.
    """
    if not (isinstance(cls, type) and issubclass(cls, BaseEstimator)):
        raise TypeError(f"Only BaseEstimator subclasses can be registered; got {cls!r}.")
    existing = _REGISTRY.get(cls.__name__)
    # Redefining the same class (a module reload) replaces it; two different
    # classes under one name would make saved files ambiguous.
    if existing is not None and _qualified(existing) != _qualified(cls):
        raise TypeError(
            f"Cannot register {_qualified(cls)} as {cls.__name__!r}: that name "
            f"already belongs to {_qualified(existing)}."
        )
    _REGISTRY[cls.__name__] = cls
    return cls


def registered_estimator(name):
    """The registered estimator class called ``name``, or None.

    Parameters
    ----------
    name : str

    Returns
    -------
    type or None
    """
    return _REGISTRY.get(name)


def _qualified(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


# ----------------------------------------------------------------- constraints


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


# ------------------------------------------------------------------------ tags

# zoo tag -> where it lives in scikit-learn's Tags; BaseEstimator._zoo_tags
# holds the defaults, subclasses and mixins override a few keys.
_TAG_HOMES = {
    "requires_y": "target_tags.required",
    "multi_output": "target_tags.multi_output",
    "single_output": "target_tags.single_output",
    "allow_nan": "input_tags.allow_nan",
    "sparse": "input_tags.sparse",
    "positive_only": "input_tags.positive_only",
    "pairwise": "input_tags.pairwise",
    "one_d_array": "input_tags.one_d_array",
    "two_d_array": "input_tags.two_d_array",
    "three_d_array": "input_tags.three_d_array",
    "categorical": "input_tags.categorical",
    "string": "input_tags.string",
    "dict": "input_tags.dict",
    "transformer": "transformer_tags is not None",
    "preserves_dtype": "transformer_tags.preserves_dtype",
    "poor_score": "classifier_tags/regressor_tags.poor_score",
    "multi_class": "classifier_tags.multi_class",
    "multi_label": "classifier_tags.multi_label",
    "non_deterministic": "non_deterministic",
    "requires_fit": "requires_fit",
    "no_validation": "no_validation",
    "array_api_support": "array_api_support",
}


def get_tags(estimator):
    """The zoo tags of an estimator, merged along its class hierarchy.

    Parameters
    ----------
    estimator : estimator instance or class

    Returns
    -------
    dict
        Every key of ``BaseEstimator._zoo_tags``; later classes in the MRO
        are overridden by earlier ones.
    """
    cls = estimator if isinstance(estimator, type) else type(estimator)
    merged = {}
    for klass in reversed(cls.__mro__):
        merged.update(klass.__dict__.get("_zoo_tags", {}))
    return merged


# ------------------------------------------------------------------- estimator


class BaseEstimator:
    """Base class of every zoo estimator.

    Subclasses declare:

    - ``__init__`` with explicit keyword parameters, each stored unchanged
      under its own name;
    - ``_parameter_constraints``: ``{name: [constraint, ...]}`` (see
      :func:`make_constraint`), checked by ``self._validate_params()`` at the
      start of ``fit``;
    - ``_zoo_tags``: overrides of the default tags (see ``_TAG_HOMES``);
      mixins set ``_estimator_type``.

    Fitted state lives in attributes whose names end with ``_``; that is
    what :meth:`save` stores, and :meth:`_save_state` / :meth:`_load_state`
    can be overridden for anything else.
    """

    _estimator_type = None
    _parameter_constraints: dict = {}
    _compiled_constraints: dict = {}  # built per subclass by __init_subclass__
    _zoo_tags = {
        "requires_y": False,
        "multi_output": False,
        "single_output": True,
        "allow_nan": False,
        "sparse": False,
        "positive_only": False,
        "pairwise": False,
        "one_d_array": False,
        "two_d_array": True,
        "three_d_array": False,
        "categorical": False,
        "string": False,
        "dict": False,
        "transformer": False,
        # Classic estimators compute in the caller's float type.
        "preserves_dtype": ["float64", "float32"],
        "poor_score": False,
        "multi_class": True,
        "multi_label": False,
        "non_deterministic": False,
        "requires_fit": True,
        "no_validation": False,
        "array_api_support": False,
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _check_tag_names(cls)
        cls._compiled_constraints = _compile_constraints(cls)
        module = cls.__module__
        if (module == "zoo" or module.startswith("zoo.")) and not cls.__name__.startswith("_"):
            register_estimator(cls)

    # ---------------------------------------------------------- parameters

    @classmethod
    def _get_param_names(cls):
        """Names of the ``__init__`` parameters, in signature order."""
        init = cls.__init__
        if init is object.__init__:
            return []
        names = []
        for parameter in inspect.signature(init).parameters.values():
            if parameter.name == "self" or parameter.kind is parameter.VAR_KEYWORD:
                continue
            if parameter.kind is parameter.VAR_POSITIONAL:
                raise RuntimeError(
                    f"{cls.__name__}.__init__ takes *{parameter.name}; zoo estimators "
                    "must list every parameter explicitly in their signature."
                )
            names.append(parameter.name)
        return names

    def get_params(self, deep=True):
        """Get the parameters of this estimator.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of nested estimators, as
            ``<name>__<parameter>``.

        Returns
        -------
        dict
            Parameter names mapped to their values.
        """
        params = {}
        for name in self._get_param_names():
            try:
                value = getattr(self, name)
            except AttributeError:
                raise AttributeError(
                    f"{type(self).__name__} has no attribute {name!r}: __init__ must "
                    "store every parameter unchanged under its own name."
                ) from None
            params[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for sub_name, sub_value in value.get_params(deep=True).items():
                    params[f"{name}__{sub_name}"] = sub_value
        return params

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            New values; ``<name>__<parameter>`` reaches into a nested
            estimator.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a name is not a parameter. Nothing is changed in that case.
        """
        if not params:
            return self
        current = self.get_params(deep=False)
        own, nested = {}, {}
        for key, value in params.items():
            name, delimiter, sub_name = key.partition("__")
            if name not in current:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {self!r}. "
                    f"Valid parameters are: {sorted(current)!r}."
                )
            if not delimiter:
                own[name] = value
            elif hasattr(current[name], "set_params"):
                nested.setdefault(name, {})[sub_name] = value
            else:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {self!r}: "
                    f"{name!r} is not an estimator, so it has no parameter {sub_name!r}."
                )
        for name, value in own.items():
            setattr(self, name, value)
        for name, sub_params in nested.items():
            # Use the value just set, if any, as scikit-learn does.
            getattr(self, name).set_params(**sub_params)
        return self

    def _validate_params(self):
        """Check every parameter against ``_parameter_constraints``.

        Raises
        ------
        zoo.exceptions.InvalidParameterError
            (a ValueError and TypeError) naming the estimator, the parameter,
            what is allowed and the value given.
        """
        params = self.get_params(deep=False)
        for name, constraints in type(self)._compiled_constraints.items():
            if name not in params:
                continue
            value = params[name]
            if any(constraint.is_satisfied_by(value) for constraint in constraints):
                continue
            raise InvalidParameterError(
                f"{type(self).__name__}: parameter {name!r} must be "
                f"{_describe(constraints)}; got {_short_repr(value)}."
            )

    def __repr__(self):
        signature = inspect.signature(type(self).__init__).parameters
        shown = []
        for name, value in self.get_params(deep=False).items():
            default = signature[name].default
            if _differs_from_default(value, default):
                shown.append(f"{name}={_param_repr(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"

    # ------------------------------------------------------- fitted state

    def __sklearn_is_fitted__(self):
        return has_fitted_attributes(self)

    def _save_state(self):
        """The fitted state that :meth:`save` stores.

        Returns
        -------
        dict
            Attributes whose names end with ``_`` (public ones such as
            ``cluster_centers_`` and private ones such as ``_rng_state_``).
            Override to add or transform state; values must be arrays,
            numbers, strings, None, lists, tuples, dicts or zoo estimators.
        """
        params = set(self._get_param_names())
        return {
            name: value
            for name, value in vars(self).items()
            if name.endswith("_") and not name.startswith("__") and name not in params
        }

    def _load_state(self, state):
        """Restore what :meth:`_save_state` returned.

        Parameters
        ----------
        state : dict
        """
        for name, value in state.items():
            setattr(self, name, value)

    def save(self, path):
        """Save this estimator to ``path`` (NumPy ``.npz``, no pickle).

        Parameters
        ----------
        path : str or os.PathLike
            Written exactly as given (no suffix is appended), atomically.

        Returns
        -------
        str
            The path written.
        """
        from . import persistence

        return persistence.save(self, path)

    @classmethod
    def load(cls, path):
        """Load an estimator saved by :meth:`save`, checking its class.

        Parameters
        ----------
        path : str or os.PathLike

        Returns
        -------
        estimator
            An instance of ``cls`` (or a subclass).

        Raises
        ------
        TypeError
            If the file holds another kind of estimator.
        """
        from . import persistence

        estimator = persistence.load(path)
        if not isinstance(estimator, cls):
            raise TypeError(
                f"{path!s} holds a {type(estimator).__name__}, not a {cls.__name__}."
            )
        return estimator

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_zoo_version"] = zoo_version()
        return state

    def __setstate__(self, state):
        state = dict(state)
        pickled_version = state.pop("_zoo_version", None)
        current = zoo_version()
        if pickled_version not in (None, "unknown", current) and current != "unknown":
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    original_version=pickled_version,
                    current_version=current,
                ),
                stacklevel=2,
            )
        self.__dict__.update(state)

    # ----------------------------------------------------------------- tags

    def __sklearn_tags__(self):
        """scikit-learn's view of :func:`get_tags` (needs scikit-learn >= 1.6)."""
        from sklearn.utils import (
            ClassifierTags,
            InputTags,
            RegressorTags,
            Tags,
            TargetTags,
            TransformerTags,
        )

        tags = get_tags(self)
        kind = self._estimator_type
        input_keys = ("one_d_array", "two_d_array", "three_d_array", "sparse",
                      "categorical", "string", "dict", "positive_only",
                      "allow_nan", "pairwise")
        return Tags(
            estimator_type=kind,
            target_tags=TargetTags(
                required=tags["requires_y"],
                multi_output=tags["multi_output"],
                single_output=tags["single_output"],
            ),
            input_tags=InputTags(**{key: tags[key] for key in input_keys}),
            transformer_tags=(
                TransformerTags(preserves_dtype=list(tags["preserves_dtype"]))
                if tags["transformer"] or kind == "transformer"
                else None
            ),
            classifier_tags=(
                ClassifierTags(
                    poor_score=tags["poor_score"],
                    multi_class=tags["multi_class"],
                    multi_label=tags["multi_label"],
                )
                if kind == "classifier"
                else None
            ),
            regressor_tags=(
                RegressorTags(poor_score=tags["poor_score"]) if kind == "regressor" else None
            ),
            array_api_support=tags["array_api_support"],
            no_validation=tags["no_validation"],
            non_deterministic=tags["non_deterministic"],
            requires_fit=tags["requires_fit"],
        )


def _check_tag_names(cls):
    for klass in cls.__mro__:
        unknown = set(klass.__dict__.get("_zoo_tags", {})) - set(_TAG_HOMES)
        if unknown:
            raise TypeError(
                f"{klass.__name__}._zoo_tags has unknown tag(s) {sorted(unknown)}; "
                f"known tags: {sorted(_TAG_HOMES)}."
            )


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


def _differs_from_default(value, default):
    if value is default:
        return False
    if default is inspect.Parameter.empty:
        return True
    if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return True
    if _is_nan(value) and _is_nan(default):
        return False
    if type(value) is not type(default):
        return True
    try:
        return bool(value != default)
    except Exception:  # e.g. containers of arrays: comparison is ambiguous
        return True


def _is_nan(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(value)


def _param_repr(value):
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=8, edgeitems=2):
            return repr(value)
    return repr(value)



# ---------------------------------------------------------------------- mixins


class ClassifierMixin:
    """Mixin for classifiers: tags and accuracy ``score``.

    Put it before :class:`BaseEstimator` in the bases.
    """

    _estimator_type = "classifier"
    _zoo_tags = {"requires_y": True}

    def score(self, X, y, sample_weight=None):
        """Accuracy of ``self.predict(X)`` against ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels. With several outputs a sample counts as correct only
            if every output is.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        float
            Weighted fraction of correctly predicted samples.
        """
        y_true, y_pred = _paired_targets(y, self.predict(X))
        correct = y_true == y_pred
        if correct.ndim == 2:
            correct = correct.all(axis=1)
        weights = check_sample_weight(sample_weight, correct.shape[0], np.float64)
        return float(np.average(correct, weights=weights))


class RegressorMixin:
    """Mixin for regressors: tags and R² ``score``.

    Put it before :class:`BaseEstimator` in the bases.
    """

    _estimator_type = "regressor"
    _zoo_tags = {"requires_y": True}

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of ``self.predict(X)``.

        R² = 1 - SS_res / SS_tot (weighted sums of squares), averaged
        uniformly over outputs. A constant ``y`` scores 1.0 if predicted
        exactly, else 0.0, instead of dividing by zero.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        float
            At most 1.0; can be negative.
        """
        y_true, y_pred = _paired_targets(y, self.predict(X), dtype=np.float64)
        if y_true.ndim == 1:
            y_true, y_pred = y_true[:, None], y_pred[:, None]
        weights = check_sample_weight(sample_weight, y_true.shape[0], np.float64)
        mean = np.average(y_true, axis=0, weights=weights)
        residual = weights @ (y_true - y_pred) ** 2
        total = weights @ (y_true - mean) ** 2
        constant_score = np.where(residual == 0, 1.0, 0.0)
        per_output = np.divide(
            residual, total, out=np.zeros_like(total), where=total > 0
        )
        per_output = np.where(total > 0, 1.0 - per_output, constant_score)
        return float(per_output.mean())


class ClusterMixin:
    """Mixin for clusterers: tags and ``fit_predict``.

    Put it before :class:`BaseEstimator` in the bases.
    """

    _estimator_type = "clusterer"

    def fit_predict(self, X, y=None, sample_weight=None, **fit_params):
        """Fit the clusterer on ``X`` and return the cluster label of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to ``fit`` when given.
        **fit_params : dict
            Other arguments passed to ``fit``.

        Returns
        -------
        ndarray of shape (n_samples,)
            ``self.labels_`` after fitting.
        """
        if sample_weight is not None:
            fit_params["sample_weight"] = sample_weight
        self.fit(X, y, **fit_params)
        return self.labels_


class TransformerMixin:
    """Mixin for transformers: tags and ``fit_transform``.

    Put it before :class:`BaseEstimator` in the bases.
    """

    _zoo_tags = {"transformer": True}

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to ``X``, then transform it.

        Subclasses override this when fitting already computes the result.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,), default=None
            Targets, for supervised transformers.
        **fit_params : dict
            Passed to ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, n_features_out)
        """
        return self.fit(X, y, **fit_params).transform(X)


def _paired_targets(y, y_pred, dtype=None):
    y_true = np.asarray(y, dtype=dtype)
    y_pred = np.asarray(y_pred, dtype=dtype)
    # A column vector of targets against 1-D predictions is the same thing.
    if y_true.ndim == 2 and y_true.shape[1] == 1 and y_pred.ndim == 1:
        y_true = y_true[:, 0]
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y has shape {y_true.shape} but the predictions have shape {y_pred.shape}."
        )
    return y_true, y_pred
