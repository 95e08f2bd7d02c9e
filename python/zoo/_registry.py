"""The estimator registry and the installed zoo version.

Persistence (:mod:`zoo.persistence`) rebuilds estimators from this registry
only, and records :func:`zoo_version` in what it saves (as pickling does).
It needs nothing from :mod:`zoo.base` beyond this module (:func:`is_estimator`
stands in for ``isinstance(value, BaseEstimator)``), so that ``zoo.base``
imports persistence and not the other way round.

This module must not import :mod:`zoo.base` (which imports it);
:class:`~zoo.base.BaseEstimator` hands itself over with
:func:`_set_estimator_base` as soon as it is defined.
"""

from __future__ import annotations

import importlib.metadata
import sys


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

# zoo.base.BaseEstimator, set by zoo.base right after the class is defined
# (before any subclass can exist and register itself).
_ESTIMATOR_BASE: type | None = None


def _set_estimator_base(cls):
    global _ESTIMATOR_BASE
    _ESTIMATOR_BASE = cls


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
    if not (
        isinstance(cls, type)
        and _ESTIMATOR_BASE is not None
        and issubclass(cls, _ESTIMATOR_BASE)
    ):
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


def is_estimator(value):
    """Whether ``value`` is an instance of :class:`zoo.base.BaseEstimator`.

    Parameters
    ----------
    value : object

    Returns
    -------
    bool
    """
    return _ESTIMATOR_BASE is not None and isinstance(value, _ESTIMATOR_BASE)


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


# ------------------------------------------------------- configuration objects
#
# Small objects given as parameters (optimizers, learning-rate schedules)
# are saved as their `to_config()` dict and rebuilt by `from_config(dict)`.
# Only classes registered here can be rebuilt, so loading a file still runs
# no code that zoo did not define.

_CONFIG_CLASSES: dict = {}


def register_config_class(cls, rebuild=None):
    """Register `cls`, whose objects have `to_config()`, so they may appear as
    parameters of a saved estimator. `rebuild(config)` makes the object again
    from that config (default: `cls.from_config`)."""
    if not hasattr(cls, "to_config"):
        raise TypeError(f"{cls.__name__} needs to_config() to be registered")
    previous = _CONFIG_CLASSES.get(cls.__name__)
    if previous is not None and previous[0] is not cls:
        raise TypeError(f"two configuration classes are named {cls.__name__!r}")
    _CONFIG_CLASSES[cls.__name__] = (cls, rebuild or cls.from_config)
    return cls


def registered_config_class(name):
    """(class, rebuild) registered under `name`, or None."""
    return _CONFIG_CLASSES.get(name)
