"""gymnasium's writable physical attributes on zoo's native environments.

gymnasium's classic-control classes read their constants from attributes
(``env.unwrapped.gravity = 12.0`` changes the dynamics from the next step),
which is how domain randomisation is written. zoo's kernels keep these
constants in each copy's state record, after the physical variables (see
``Env.parameters`` in cpp/include/zoo/envs.hpp), so a single environment and
every copy of a vector environment can each have their own.

This module maps gymnasium's attribute names onto those float64 words. Two
attributes are strings in gymnasium and one is a list; they are stored as
numbers and converted here.
"""

from __future__ import annotations

import numpy as np

from zoo.envs import native

__all__ = ["RecordAttribute", "attribute_names", "read", "upgraded", "write"]

# gymnasium name -> (word name, {gymnasium value: stored number}).
_CHOICES = {
    "kinematics_integrator": ("semi_implicit", {"euler": 0.0, "semi-implicit euler": 1.0}),
    "book_or_nips": ("nips", {"book": 0.0, "nips": 1.0}),
}
# gymnasium name -> the words holding its elements.
_SEQUENCES = {"AVAIL_TORQUE": ("AVAIL_TORQUE_0", "AVAIL_TORQUE_1", "AVAIL_TORQUE_2")}


def _word_names(core) -> list[str]:
    return [name for name, _ in core.parameters]


def attribute_names(core) -> list[str]:
    """gymnasium's names for the parameters of kernel ``core``."""
    words = _word_names(core)
    names = [name for name in words if not any(name == stored for stored, _ in _CHOICES.values())
             and not any(name in parts for parts in _SEQUENCES.values())]
    names += [name for name, (stored, _) in _CHOICES.items() if stored in words]
    names += [name for name, parts in _SEQUENCES.items() if parts[0] in words]
    return names


def upgraded(core, records: np.ndarray) -> np.ndarray:
    """Records pickled before they held the parameters (shorter by exactly
    those words, which came last), extended with the defaults."""
    words = core.state_bytes // 8
    if records.shape[-1] >= words:
        return records
    fresh = native.new_state(core, None if records.ndim == 1 else records.shape[0])
    fresh[..., : records.shape[-1]] = records
    return fresh


def _words(core, records: np.ndarray, word_name: str) -> np.ndarray:
    """The float64 view, one value per record, of a parameter's word."""
    index = core.parameters_word + _word_names(core).index(word_name)
    return records[..., index : index + 1].view(np.float64)[..., 0]


def read(core, records: np.ndarray, name: str):
    """Attribute ``name`` of every record: a scalar (float, str, or for a
    sequence an array) for one record, an array over the leading axis for several."""
    if name in _CHOICES:
        stored, choices = _CHOICES[name]
        by_number = {number: label for label, number in choices.items()}
        values = _words(core, records, stored)
        labels = np.vectorize(by_number.__getitem__, otypes=[object])(values)
        return labels.item() if labels.ndim == 0 else labels
    if name in _SEQUENCES:
        values = np.stack([_words(core, records, part) for part in _SEQUENCES[name]], axis=-1)
        values.setflags(write=False)  # a copy: item assignment would change nothing
        return values
    values = _words(core, records, name).copy()
    return float(values) if values.ndim == 0 else values


def write(core, records: np.ndarray, name: str, value) -> None:
    """Set attribute ``name`` in every record: one value for all, or (for
    several records) one per record along the leading axis."""
    n_copies = None if records.ndim == 1 else records.shape[0]
    if name in _CHOICES:
        stored, choices = _CHOICES[name]
        labels = np.asarray(value, dtype=object)
        for label in labels.ravel():
            if label not in choices:
                raise ValueError(f"{name} must be one of {sorted(choices)}, got {label!r}")
        stored_values = np.vectorize(choices.__getitem__, otypes=[np.float64])(labels)
        _words(core, records, stored)[...] = _per_copy(name, stored_values, n_copies)
        return
    if name in _SEQUENCES:
        parts = _SEQUENCES[name]
        values = _finite(name, value)
        if values.shape[-1:] != (len(parts),):
            raise ValueError(f"{name} must hold {len(parts)} numbers (one per action), got shape {values.shape}")
        # Every element checked before any is written: a refused value changes nothing.
        columns = [_per_copy(name, values[..., i], n_copies) for i in range(len(parts))]
        for part, column in zip(parts, columns):
            _words(core, records, part)[...] = column
        return
    _words(core, records, name)[...] = _per_copy(name, _finite(name, value), n_copies)


def _finite(name: str, value) -> np.ndarray:
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    try:
        values = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return values


def _per_copy(name: str, values: np.ndarray, n_copies: int | None) -> np.ndarray:
    if values.ndim == 0:
        return values
    if n_copies is None:
        raise ValueError(f"{name} takes one number here, got an array of shape {values.shape}")
    if values.shape != (n_copies,):
        raise ValueError(f"{name}: give one value, or one per copy ({n_copies}), got shape {values.shape}")
    return values


class RecordAttribute:
    """A gymnasium attribute of a single environment, read from and written
    to its record (``env.state_record``) through its kernel (``env._kernel``)."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, env, owner=None):
        if env is None:
            return self
        return read(env._kernel, env.state_record, self.name)

    def __set__(self, env, value):
        write(env._kernel, env.state_record, self.name, value)
