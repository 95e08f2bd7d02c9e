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

What is restored is the instance's attribute dictionary, and the contents
of the fitted state as :meth:`~zoo.base.BaseEstimator.save` defines it
(attributes whose names end with ``_``), recorded before the call because
kernels update some of it in place (warm starts, ``partial_fit``, network
weights, RL learners continuing their training). It is put back in place:
arrays are copied back into themselves, lists, dictionaries and zoo's
objects get their old items and attributes back, a random generator its old
state, so every reference held outside (a network, a view of its weights)
stays valid and sees the old model. Only an estimator that already holds
fitted state pays for the record, which is the size of the model, not of
the data, and costs one memory copy of its arrays: no pickling, and the
copies of arrays up to 16 MiB are kept for the next call (a fresh copy
faults in new pages, which cost more than a small ``partial_fit`` step), so
a ``partial_fit`` loop stays fast. Private training scratch that ``save`` does
not store either (a DQN's replay buffer) is not recorded: the model is
whole, the scratch may hold the failed call's transitions.

A network's first Ctrl-C is not a failure: training stops at the end of the
round and ``fit`` returns normally with ``interrupted_ = True`` (see
:mod:`zoo.nn._driver`), so that model is kept. A second Ctrl-C raises
KeyboardInterrupt and rolls the fit back like any other failure.
"""

from __future__ import annotations

import functools
import inspect
import threading
import weakref

import numpy as np

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
            _keep_spares(before)

    fit_as_transaction._zoo_transactional = True
    return fit_as_transaction


def _is_fitted_state(name: str) -> bool:
    return name.endswith("_") and not name.startswith("__")


@functools.cache
def _param_names(cls) -> frozenset:
    # Reading the signature costs more than a small partial_fit step.
    return frozenset(cls._get_param_names())


class _Snapshot:
    def __init__(self, attributes):
        self.attributes = attributes
        self.put_backs = []
        self.copies = []  # (array, its copy), to keep as spares afterwards


def _snapshot(estimator):
    snapshot = _Snapshot(dict(vars(estimator)))
    params = _param_names(type(estimator))
    seen: set = set()
    for name, value in snapshot.attributes.items():
        if _is_fitted_state(name) and name not in params:
            put_back = _memento(value, seen, snapshot.copies)
            if put_back is not None:
                snapshot.put_backs.append(put_back)
    return snapshot


def _restore(estimator, snapshot) -> None:
    attributes, put_backs = snapshot.attributes, snapshot.put_backs
    state = vars(estimator)
    state.clear()
    state.update(attributes)
    for put_back in put_backs:
        put_back()


# Values a fit cannot change in place.
_IMMUTABLE = (type(None), bool, int, float, complex, str, bytes, np.generic, np.dtype, type)


def _memento(value, seen, copies):
    """A function that puts `value` back, in place, as it is now (None when
    there is nothing to put back). `seen` holds the ids already recorded,
    so an object reached twice (arrays sharing a network) is recorded once."""
    if isinstance(value, _IMMUTABLE) or id(value) in seen:
        return None
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        if not value.flags.writeable or value.size == 0:
            return None
        saved = _copy_of(value)
        copies.append((value, saved))
        return lambda: np.copyto(value, saved)
    if isinstance(value, np.random.Generator):
        state = value.bit_generator.state
        return lambda: setattr(value.bit_generator, "state", state)
    if isinstance(value, tuple):
        return _inside(value, seen, copies)
    if isinstance(value, list):
        items = list(value)
        return _then(lambda: value.__setitem__(slice(None), items), _inside(items, seen, copies))
    if isinstance(value, dict):
        items = dict(value)
        return _then(lambda: (value.clear(), value.update(items)), _inside(items.values(), seen, copies))
    if type(value).__module__.startswith("zoo.") and hasattr(value, "__dict__"):
        # zoo's own objects: a Network, a History, a Tree, a target encoder.
        # Their attributes go back by reference; what they hold, in place,
        # or by their own _rollback_point (a History only grows).
        attributes = dict(vars(value))
        rollback_point = getattr(value, "_rollback_point", None)
        if rollback_point is not None:
            return _then(lambda: (vars(value).clear(), vars(value).update(attributes)), rollback_point())
        scratch = getattr(type(value), "_scratch", ())
        inner = _inside((item for name, item in attributes.items() if name not in scratch), seen, copies)
        return _then(lambda: (vars(value).clear(), vars(value).update(attributes)), inner)
    # Anything else (a user's object, a bound C++ view over arrays recorded
    # elsewhere) is restored by reference.
    return None


# Copies of arrays up to this size outlive the call, one per array, ready
# for the next call on the same array. A snapshot takes its spare out of
# the pool while it holds it, so a nested fit (a search fitting its best
# estimator) never overwrites the outer snapshot's copy.
_SPARE_LIMIT = 16 * 2**20
_spares: dict[int, np.ndarray] = {}
_tracked: set[int] = set()


def _copy_of(array):
    spare = _spares.pop(id(array), None)
    if spare is not None and spare.shape == array.shape and spare.dtype == array.dtype:
        np.copyto(spare, array)
        return spare
    return array.copy()


def _keep_spares(snapshot) -> None:
    for array, saved in snapshot.copies:
        if array.nbytes > _SPARE_LIMIT:
            continue
        key = id(array)
        if key not in _tracked:
            _tracked.add(key)
            weakref.finalize(array, _forget, key)
        _spares[key] = saved


def _forget(key) -> None:
    _spares.pop(key, None)
    _tracked.discard(key)


def _inside(items, seen, copies):
    """One function putting back every item of a container (a history's
    long lists of floats cost one test each)."""
    put_backs = []
    for item in items:
        if not isinstance(item, _IMMUTABLE):
            put_back = _memento(item, seen, copies)
            if put_back is not None:
                put_backs.append(put_back)
    if not put_backs:
        return None
    return lambda: [put_back() for put_back in put_backs]


def _then(first, second):
    if second is None:
        return first
    return lambda: (first(), second())
