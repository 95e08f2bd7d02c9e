"""The estimator contract: parameters, constraints, tags, pickling, registry.

zoo follows scikit-learn's estimator API without importing scikit-learn:

- ``__init__`` only stores its keyword arguments; :meth:`BaseEstimator.get_params`
  and :meth:`~BaseEstimator.set_params` are derived from its signature;
- parameter checks are declared once per class in ``_parameter_constraints``
  and run by ``self._validate_params()`` at the start of ``fit``;
- estimator tags are declared as plain class attributes (``_estimator_type``
  and ``_zoo_tags``) and translated into scikit-learn's ``Tags`` only when
  scikit-learn asks for them (``__sklearn_tags__``).

The registry lives in :mod:`zoo._registry`, the constraints in
:mod:`zoo._param_validation` and the tags in :mod:`zoo._tags`; their public
names are importable from here as well.
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
import warnings

import numpy as np

from . import _registry, persistence
from ._checked_results import make_results_checked
from ._set_output import check_container, make_output_configurable
from ._parameter_names import check_alias_declaration, check_arguments_before_init, unknown_parameter_hint
from ._param_validation import (  # noqa: F401  (re-exported)
    Interval,
    Options,
    _compile_constraints,
    _Constraint,
    _describe,
    _is_array_like,
    _is_random_state,
    make_constraint,
)
from ._registry import (  # noqa: F401  (re-exported)
    _qualified,
    register_estimator,
    registered_estimator,
    zoo_version,
)
from ._tags import (  # noqa: F401  (re-exported)
    _DEFAULT_TAGS,
    _TAG_HOMES,
    _check_tag_names,
    _sklearn_tags,
    get_tags,
)
from ._transaction import make_fit_methods_transactional
from ._validation import _short_repr, check_sample_weight, has_fitted_attributes
from .exceptions import InconsistentVersionWarning, InvalidParameterError

__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "RegressorMixin",
    "ClusterMixin",
    "TransformerMixin",
    "clone",
    "Interval",
    "Options",
    "get_tags",
    "register_estimator",
    "registered_estimator",
]


# ------------------------------------------------------------------- estimator


class BaseEstimator:
    """Base class of every zoo estimator.

    Subclasses declare:

    - ``__init__`` with explicit keyword parameters, each stored unchanged
      under its own name;
    - ``_parameter_constraints``: ``{name: [constraint, ...]}`` (see
      :func:`make_constraint`), checked by ``self._validate_params()`` at the
      start of ``fit``;
    - ``_zoo_tags``: overrides of the default tags (see ``zoo._tags._TAG_HOMES``);
      mixins set ``_estimator_type``;
    - ``_parameter_aliases``: ``{name: hint}`` for scikit-learn's (or
      Stable-Baselines3's) names of what the class calls otherwise, inherited
      and extended by subclasses; an unknown keyword given to the constructor
      or to ``set_params`` is reported with the class's own name and the hint
      (or the closest real parameter), see :mod:`zoo._parameter_names`.

    Fitted state lives in attributes whose names end with ``_``; that is
    what :meth:`save` stores, and :meth:`_save_state` / :meth:`_load_state`
    can be overridden for anything else.

    ``fit``, ``partial_fit``, ``fit_transform``, ``fit_predict`` and
    ``fit_resample`` run as transactions: if one raises (KeyboardInterrupt
    included), the instance is left as it was before the call (see
    :mod:`zoo._transaction`). A fit that leaves NaN or infinity in the model,
    and a ``predict``, ``transform``, ... whose result holds them, raise
    ValueError instead (:mod:`zoo._checked_results`).
    """

    _estimator_type = None
    _parameter_constraints: dict = {}
    _compiled_constraints: dict = {}  # built per subclass by __init_subclass__
    _zoo_tags = _DEFAULT_TAGS  # the defaults of every tag; see zoo._tags
    # Foreign parameter name -> hint, inherited and extended; see zoo._parameter_names.
    _parameter_aliases = {"verbose": "this estimator prints no progress (zoo's network and RL learners take verbose)"}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _check_tag_names(cls)
        # A wrong constructor argument is reported with the class the caller
        # named (not the base defining __init__) and zoo's name for what was
        # asked (zoo._parameter_names).
        check_alias_declaration(cls)
        check_arguments_before_init(cls)
        cls._compiled_constraints = _compile_constraints(cls)
        # A fit that fails leaves the previous model whole (zoo._transaction),
        # and no method returns NaN or infinity as an answer.
        make_fit_methods_transactional(cls)
        make_results_checked(cls)
        make_output_configurable(cls)  # outermost: the container wraps the checked result
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
        # Read once per class (inspect.signature costs a fifth of a small fit);
        # keyed by the __init__ it was read from, in case that is replaced.
        cached = cls.__dict__.get("_param_names_cache")
        if cached is not None and cached[0] is init:
            return list(cached[1])
        names = cls._read_param_names(init)
        cls._param_names_cache = (init, tuple(names))
        return names

    @classmethod
    def _read_param_names(cls, init):
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
                hint = unknown_parameter_hint(type(self), name, current)
                if hint is not None:
                    raise ValueError(f"Invalid parameter {name!r} for estimator {self!r}: {hint}")
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

    def _persisted_params(self):
        """The constructor parameters :meth:`save` stores: all of them by
        default. Override to leave out run-time hooks that cannot be stored
        (callbacks); they come back as their defaults."""
        return self.get_params(deep=False)

    @classmethod
    def _upgrade_saved_params(cls, params):
        """The constructor parameters of a saved file, brought up to date
        before ``cls(**params)`` runs on load: override when a parameter is
        renamed or replaced, so that files written by earlier versions still
        load (or fail with a message naming what changed).

        Parameters
        ----------
        params : dict

        Returns
        -------
        dict
        """
        return params

    def _save_state(self):
        """The fitted state that :meth:`save` stores.

        Returns
        -------
        dict
            Attributes whose names end with ``_`` (public ones such as
            ``cluster_centers_`` and private ones such as ``_rng_state_``).
            Override to add or transform state; values must be arrays,
            numbers, strings, None, lists, tuples, dicts or zoo estimators.
            Every name must be declared in the class's ``_fitted_state``
            (see :mod:`zoo._fitted_state`), which saving and loading check
            the values against.
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
            Fitted attributes, already checked against ``_fitted_state``.

        Raises
        ------
        ValueError
            If a name is not a fitted attribute's (``name_``) or is defined
            by the class (a method, property or class attribute), which a
            loaded value must never replace. Nothing is set in that case.
        """
        cls = type(self)
        for name in state:
            if not (isinstance(name, str) and name.endswith("_") and not name.startswith("__")) \
                    or hasattr(cls, name):
                raise ValueError(
                    f"{cls.__name__}: the saved state names {name!r}, which is not a fitted "
                    "attribute (a name ending in '_' that the class does not define itself)."
                )
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
        return _sklearn_tags(self)


# ----------------------------------------------------------------------- clone


def clone(estimator, *, safe=True):
    """A new, unfitted estimator with the same parameters.

    Model selection fits one copy per fold or per candidate; each must start
    from the parameters alone, never from another copy's fitted state.
    Works for zoo and scikit-learn estimators alike (anything with
    ``get_params``), and for lists, tuples and sets of them.

    Parameters
    ----------
    estimator : estimator, or list, tuple or set of estimators
        What to copy. Parameters that are estimators are cloned in turn;
        other parameter values are deep-copied, so the copy shares no
        mutable state (arrays, callbacks) with the original.
    safe : bool, default=True
        If False, an object without ``get_params`` is deep-copied instead of
        rejected.

    Returns
    -------
    estimator
        Same class, same parameters, no fitted attributes.

    Raises
    ------
    TypeError
        If ``estimator`` has no ``get_params`` (and ``safe`` is True), or is
        a class rather than an instance.
    RuntimeError
        If the class's ``__init__`` changes a parameter instead of storing
        it unchanged, so the copy would not be the same estimator.
    """
    # The exact types only: a subclass (a namedtuple, say) may not be
    # constructible from one iterable, and is deep-copied below instead.
    if type(estimator) in (list, tuple, set, frozenset):
        return type(estimator)(clone(item, safe=safe) for item in estimator)
    # Objects that know how to copy themselves (scikit-learn's
    # FrozenEstimator, for instance) keep that say.
    custom = getattr(estimator, "__sklearn_clone__", None)
    if custom is not None and not isinstance(estimator, (type, BaseEstimator)):
        return custom()
    if isinstance(estimator, type) or not hasattr(estimator, "get_params"):
        if not safe:
            return copy.deepcopy(estimator)
        what = f"the class {estimator.__name__}" if isinstance(estimator, type) else _short_repr(estimator)
        raise TypeError(
            f"clone: estimator must be an estimator instance (an object with "
            f"get_params), got {what}."
        )
    params = estimator.get_params(deep=False)
    new_params = {name: clone(value, safe=False) for name, value in params.items()}
    new = type(estimator)(**new_params)
    if "_output_container" in vars(estimator):  # set_output's choice is configuration, not fitted state
        new._output_container = estimator._output_container
    stored = new.get_params(deep=False)
    for name, value in new_params.items():
        if stored[name] is not value:
            raise RuntimeError(
                f"clone: {type(estimator).__name__}.__init__ does not store parameter "
                f"{name!r} unchanged, so the copy would differ from the original."
            )
    return new


# zoo._registry cannot import this module; hand it the class that registered
# estimators must derive from.
_registry._set_estimator_base(BaseEstimator)


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
        """Coefficient of determination R² of ``self.predict(X)``:
        :func:`zoo.metrics.r2_score`, averaged uniformly over outputs.

        A constant ``y`` scores 1.0 if predicted exactly, else 0.0, instead
        of dividing by zero; fewer than two samples score NaN (with an
        ``UndefinedMetricWarning``), as R² is not defined there.

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
        from .metrics import r2_score  # noqa: PLC0415  (metrics builds on base)

        y_true, y_pred = _paired_targets(y, self.predict(X), dtype=np.float64)
        return float(r2_score(y_true, y_pred, sample_weight=sample_weight))


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

    @property
    def set_output(self):
        """``set_output(*, transform=None)``: choose what ``transform`` and
        ``fit_transform`` return (see :meth:`_set_output`). Only transformers
        that name their output features (``get_feature_names_out``) have it,
        as in scikit-learn: ``hasattr(model, "set_output")`` says which."""
        if not hasattr(self, "get_feature_names_out"):
            raise AttributeError(f"{type(self).__name__} names no output features, so it has no set_output")
        return self._set_output

    def _set_output(self, *, transform=None):
        """Choose what ``transform`` and ``fit_transform`` return.

        Parameters
        ----------
        transform : {"default", "pandas"} or None, default=None
            "pandas": a DataFrame whose columns are
            ``get_feature_names_out()`` (and whose index is X's, for a
            DataFrame X); "default": NumPy arrays; None: leave as it is.

        Returns
        -------
        self
        """
        if transform is not None:
            self._output_container = check_container(transform)
        return self


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
