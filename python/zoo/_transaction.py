"""Transactional fitting: a fit that fails leaves the model it started from.

Every method that fits (``fit``, ``partial_fit``, ``fit_transform``,
``fit_predict``, ``fit_resample``) of every zoo estimator runs as a
transaction (:class:`zoo.base.BaseEstimator` wraps them when a subclass is
defined). If it raises anything at all, KeyboardInterrupt included, the
instance gets back exactly what it held before the call: the previous model
after a re-fit, or no fitted attribute after a first fit, so that ``predict``
raises NotFittedError instead of meeting half a model. A fit whose model
comes out with NaN or infinity in it (an overflow, a diverged training) is
a failed fit as well: it raises ValueError and is rolled back the same way.

What is restored is the instance's attribute dictionary, and a copy of the
fitted state as :meth:`~zoo.base.BaseEstimator.save` defines it (attributes
whose names end with ``_``), taken before the call, because kernels update
some of it in place (warm starts, ``partial_fit``, network weights, RL
learners continuing their training). An attribute the failed call did not
change keeps its original object, so references held outside stay valid.
Only an estimator that already holds fitted state pays for the copy, and
the copy is the size of the model, not of the data. Private training scratch that ``save`` does not store either
(a DQN's replay buffer) is restored by reference, not copied: the model is
whole, the scratch may hold the failed call's transitions.

A network's first Ctrl-C is not a failure: training stops at the end of the
round and ``fit`` returns normally with ``interrupted_ = True`` (see
:mod:`zoo.nn._driver`), so that model is kept. A second Ctrl-C raises
KeyboardInterrupt and rolls the fit back like any other failure.
"""

from __future__ import annotations

import copy
import functools
import inspect
import pickle
import threading

from ._validation import check_finite_fitted_state, check_finite_result

__all__ = ["FIT_METHODS", "make_fit_methods_transactional"]

FIT_METHODS = ("fit", "partial_fit", "fit_transform", "fit_predict", "fit_resample")

# Instances whose fit is running in this thread: a fit that calls another
# (fit_transform calling fit, a subclass calling super().fit) is one
# transaction, snapshotted once by the outermost call.
_running = threading.local()


def make_fit_methods_transactional(cls) -> None:
    """Wrap each fitting method ``cls`` has (its own or inherited from a
    mixin) that is a plain function not wrapped yet."""
    for name in FIT_METHODS:
        method = inspect.getattr_static(cls, name, None)
        if inspect.isfunction(method) and not getattr(method, "_zoo_transactional", False):
            setattr(cls, name, _transactional(method))


def _transactional(method):
    @functools.wraps(method)
    def fit_as_transaction(self, *args, **kwargs):
        running = _running.__dict__.setdefault("ids", set())
        if id(self) in running:
            return method(self, *args, **kwargs)
        before = _snapshot(self)
        running.add(id(self))
        try:
            result = method(self, *args, **kwargs)
            # An overflow is a failed fit too: NaN state is never kept.
            check_finite_fitted_state(self)
            return check_finite_result(result, estimator=self, method=method.__name__)
        except BaseException:
            _restore(self, before)
            raise
        finally:
            running.discard(id(self))

    fit_as_transaction._zoo_transactional = True
    return fit_as_transaction


def _is_fitted_state(name: str) -> bool:
    return name.endswith("_") and not name.startswith("__")


@functools.cache
def _param_names(cls) -> frozenset:
    # Reading the signature costs more than a small partial_fit step.
    return frozenset(cls._get_param_names())


def _snapshot(estimator):
    attributes = dict(vars(estimator))
    params = _param_names(type(estimator))
    fitted = {name: value for name, value in attributes.items() if _is_fitted_state(name) and name not in params}
    if not fitted:
        return attributes, {}
    try:
        # One deepcopy call for all of it keeps arrays that share memory
        # (views of one buffer) sharing it in the copy.
        return attributes, copy.deepcopy(fitted)
    except Exception:  # noqa: BLE001  (whatever it is, fit must still run)
        # Something a user put there cannot be copied (a fitted scikit-learn
        # estimator holding a lock, say): copy what can be, keep the rest
        # by reference rather than refuse to fit.
        return attributes, {name: _copy_or_keep(value) for name, value in fitted.items()}


def _copy_or_keep(value):
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001  (see _snapshot)
        return value


def _restore(estimator, before) -> None:
    attributes, fitted = before
    state = vars(estimator)
    state.clear()
    state.update(attributes)
    for name, saved in fitted.items():
        # The object the caller may hold a reference to, where the failed
        # call left it as it was; the copy where it was changed in place.
        if not _unchanged(attributes[name], saved):
            state[name] = saved


def _unchanged(original, saved) -> bool:
    if original is saved:
        return True
    try:
        return pickle.dumps(original) == pickle.dumps(saved)
    except Exception:  # noqa: BLE001  (cannot tell: the copy is the safe answer)
        return False
