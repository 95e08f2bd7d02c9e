"""``set_output(transform="pandas")``: a transformer's ``transform`` and
``fit_transform`` return pandas DataFrames, as scikit-learn's do.

Every transformer with ``get_feature_names_out`` gets ``set_output`` (from
TransformerMixin); its ``transform`` and ``fit_transform`` are wrapped once,
when the class is created (BaseEstimator.__init_subclass__), so that each
returns the configured container. The columns are the output feature names;
a DataFrame given as X lends its index. The choice is kept in
``_output_container`` and survives :func:`zoo.clone` (a grid search's
copies return what the original would).
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

__all__ = ["CONTAINERS", "check_container", "class_prefixed_names", "make_output_configurable"]

CONTAINERS = ("default", "pandas")
_WRAPPED = ("transform", "fit_transform")


def check_container(transform) -> str:
    """The container name set_output takes, or a clear error."""
    if transform not in CONTAINERS:
        raise ValueError(
            f"set_output: transform must be one of {list(CONTAINERS)} or None, got {transform!r}"
            + (" (zoo has no polars output yet)" if transform == "polars" else "")
        )
    if transform == "pandas":
        try:
            import pandas  # noqa: F401, PLC0415  (checked now, not at the first transform)
        except ImportError:
            raise ImportError("set_output(transform='pandas') needs pandas: pip install pandas") from None
    return transform


def class_prefixed_names(estimator, count: int) -> np.ndarray:
    """Output feature names of a transformer whose outputs are new
    quantities (components, code units, distances to centres): its class
    name in lower case and an index, "pca0", "pca1", ..., as scikit-learn names them."""
    prefix = type(estimator).__name__.lower()
    return np.asarray([f"{prefix}{i}" for i in range(count)], dtype=object)


def make_output_configurable(cls) -> None:
    """Wrap ``cls``'s transform and fit_transform (own or inherited, not
    wrapped yet) when it names its output features."""
    if not hasattr(cls, "get_feature_names_out"):
        return
    for name in _WRAPPED:
        method = inspect.getattr_static(cls, name, None)
        if inspect.isfunction(method) and not getattr(method, "_zoo_output_wrapped", False):
            setattr(cls, name, _wrapped(method))


def _wrapped(method):
    @functools.wraps(method)
    def configured_output(self, X, *args, **kwargs):
        return _as_configured(self, method(self, X, *args, **kwargs), X)

    configured_output._zoo_output_wrapped = True
    return configured_output


def _as_configured(estimator, result, X):
    if getattr(estimator, "_output_container", "default") != "pandas" or not isinstance(result, np.ndarray):
        return result  # lazy Dask results stay lazy
    import pandas  # noqa: PLC0415  (checked by set_output)

    index = X.index if isinstance(X, pandas.DataFrame) and len(X.index) == len(result) else None
    return pandas.DataFrame(result, columns=estimator.get_feature_names_out(), index=index, copy=False)
