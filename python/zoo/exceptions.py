"""Exceptions and warnings raised by zoo.

zoo does not depend on scikit-learn, yet scikit-learn's own checks (and user
code written for it) catch ``sklearn.exceptions.NotFittedError``. When
scikit-learn is already imported, :func:`not_fitted_error` therefore raises a
class derived from both zoo's and scikit-learn's ``NotFittedError``, so either
``except`` clause catches it. scikit-learn is never imported just for that.
"""

from __future__ import annotations

import sys

__all__ = ["NotFittedError", "InvalidParameterError", "InconsistentVersionWarning", "convergence_warning"]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before it has been fitted.

    It derives from ``ValueError`` and ``AttributeError`` so that code written
    against either convention (``hasattr`` on fitted attributes, or catching
    ``ValueError``) keeps working.

    Examples
    --------
    >>> from zoo import KMeans
    >>> from zoo.exceptions import NotFittedError
    >>> try:
    ...     KMeans().predict([[1.0, 2.0]])
    ... except NotFittedError as exc:
    ...     print(str(exc).split(".")[0])
    This KMeans instance is not fitted yet
    """


class InvalidParameterError(ValueError, TypeError):
    """Raised by ``fit`` when a constructor parameter has an invalid value.

    It derives from ``ValueError`` (a bad value) and ``TypeError`` (a value of
    the wrong type) because one check covers both cases.
    """


class InconsistentVersionWarning(UserWarning):
    """Warned when unpickling an estimator pickled by another zoo version.

    Parameters
    ----------
    estimator_name : str
        Class name of the unpickled estimator.
    original_version : str
        zoo version that pickled it.
    current_version : str
        zoo version running now.
    """

    def __init__(self, *, estimator_name, original_version, current_version):
        self.estimator_name = estimator_name
        self.original_version = original_version
        self.current_version = current_version
        super().__init__(
            f"Unpickling {estimator_name} from zoo version {original_version} "
            f"with zoo version {current_version}. This might break code or "
            "give invalid results; refit, or use zoo.save/zoo.load, whose "
            "format is versioned."
        )

    def __reduce__(self):
        # Keyword-only __init__: the default reduce would call it positionally.
        return (
            _rebuild_version_warning,
            (self.estimator_name, self.original_version, self.current_version),
        )


def _rebuild_version_warning(estimator_name, original_version, current_version):
    return InconsistentVersionWarning(
        estimator_name=estimator_name,
        original_version=original_version,
        current_version=current_version,
    )


def convergence_warning():
    """The category to warn with when a solver stops at its iteration limit:
    scikit-learn's ``ConvergenceWarning`` when scikit-learn is imported (its
    checks and its users filter on it), ``UserWarning`` otherwise."""
    if "sklearn.exceptions" in sys.modules:
        return sys.modules["sklearn.exceptions"].ConvergenceWarning
    return UserWarning


def not_fitted_error(message):
    """Build the ``NotFittedError`` to raise, bridged to scikit-learn's.

    Parameters
    ----------
    message : str
        The error message.

    Returns
    -------
    NotFittedError
        An instance of :class:`NotFittedError`; also an instance of
        ``sklearn.exceptions.NotFittedError`` when scikit-learn is imported.
    """
    if "sklearn.exceptions" in sys.modules:
        return _sklearn_bridge_class()(message)
    return NotFittedError(message)


_BRIDGE_NAME = "_SklearnCompatibleNotFittedError"


def _sklearn_bridge_class():
    bridge = globals().get(_BRIDGE_NAME)
    if bridge is None:
        from sklearn.exceptions import NotFittedError as SklearnNotFittedError

        bridge = type(
            _BRIDGE_NAME,
            (NotFittedError, SklearnNotFittedError),
            {"__module__": __name__, "__doc__": NotFittedError.__doc__},
        )
        # A module global, so that pickle (e.g. joblib workers sending the
        # error back) finds the class by name.
        globals()[_BRIDGE_NAME] = bridge
    return bridge


class DataConversionWarning(UserWarning):
    """Input was converted to what the estimator expects (a column-vector y
    flattened to 1-D)."""


def data_conversion_warning():
    """The warning class to emit: also scikit-learn's DataConversionWarning
    when scikit-learn is imported, so its estimator checks recognise it."""
    if "sklearn.exceptions" not in sys.modules:
        return DataConversionWarning
    bridge = globals().get("_SklearnCompatibleDataConversionWarning")
    if bridge is None:
        from sklearn.exceptions import DataConversionWarning as SklearnDataConversionWarning

        bridge = type(
            "_SklearnCompatibleDataConversionWarning",
            (DataConversionWarning, SklearnDataConversionWarning),
            {"__module__": __name__, "__doc__": DataConversionWarning.__doc__},
        )
        globals()["_SklearnCompatibleDataConversionWarning"] = bridge
    return bridge


def __getattr__(name):
    # Unpickling a bridged error in a fresh process looks the class up here
    # before anything has created it.
    if name == _BRIDGE_NAME:
        return _sklearn_bridge_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
