"""Saving and loading estimators: NumPy ``.npz`` plus JSON metadata, no pickle.

A saved file is an ordinary ``.npz`` archive. Every array (fitted weights,
array-valued parameters, generator keys) is one entry; the entry
``__meta__`` is a JSON document (stored as a 0-d unicode array) holding the
format version, the zoo version, the class name, the constructor parameters
and the non-array fitted state, with references to the array entries.

Loading reads arrays with ``allow_pickle=False`` and rebuilds only classes
from zoo's estimator registry (``zoo.base.register_estimator``), so opening an
untrusted file cannot run code. Saving writes a temporary file in the target
directory and renames it over the target, so a crash never leaves a
half-written model behind.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import inspect
import json
import math
import os
import re
import secrets
import stat

import numpy as np

from ._fitted_state import check_fitted_state
from ._registry import is_estimator, registered_config_class, registered_estimator, zoo_version

__all__ = ["save", "load", "FORMAT_VERSION"]

FORMAT_NAME = "zoo-estimator"
FORMAT_VERSION = 1
# Temporary files are named ".<target name>.zoo-tmp-<random>".
TEMPORARY_MARKER = ".zoo-tmp-"
_META_KEY = "__meta__"
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.\-]+")
# Bit generators a file may ask for; anything else is refused.
_BIT_GENERATORS = {
    name: getattr(np.random, name)
    for name in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
    if hasattr(np.random, name)
}
# A zoo file stores its arrays uncompressed (np.savez), so loading one reads
# about as many bytes as it holds. An archive whose entries would inflate to
# more than MAX_INFLATION times its size, and to more than
# _ALWAYS_READABLE_BYTES in all, is refused before anything is decompressed.
MAX_INFLATION = 10
_ALWAYS_READABLE_BYTES = 64 * 2**20
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a file's first entry, or an empty archive
_NPY_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
_SAVEZ_REFUSES_PICKLE = (
    {"allow_pickle": False}
    if "allow_pickle" in inspect.signature(np.savez).parameters
    else {}
)


def save(estimator, path):
    """Save an estimator to ``path`` as ``.npz`` with JSON metadata.

    Parameters
    ----------
    estimator : BaseEstimator or zoo.nn.Network
        A registered zoo estimator, fitted or not, or a component that
        persists on its own (a network: ``network.save(path)`` calls this).
    path : str or os.PathLike
        Destination, written exactly as given (no ``.npz`` is appended). The
        file is replaced atomically: readers see the old or the new content,
        never a mix, and a failed save leaves an existing file untouched.
        Replacing a file keeps its permission bits (and its owner and group
        where the process may set them); a new file gets the permissions
        ``open()`` would give it (0o666 less the umask). A symbolic link is
        followed: the file it points to is replaced and the link stays.
        The content is first written to ``.<name>.zoo-tmp-<random>`` in the
        target's directory, which is removed on any error or interrupt;
        only a process killed outright (SIGKILL, power loss) can leave one
        behind, and it can be deleted.

    Returns
    -------
    str
        The path written.

    Raises
    ------
    TypeError
        If the class is not registered, or a parameter or fitted attribute
        holds a value the format cannot store (the message names it).
    PermissionError
        If ``path`` is an existing file this process may not write (as
        ``open(path, "wb")`` would raise), or its directory is not writable.
    """
    encoder = _Encoder(type(estimator).__name__)
    if is_estimator(estimator):
        record = encoder.estimator_record(estimator, ())
    elif _is_registered_object(estimator):
        record = {"object": encoder.encode(estimator, ("object",))}
    else:
        raise TypeError(f"Only zoo estimators and networks can be saved; got {type(estimator).__name__}.")
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "zoo_version": zoo_version(),
        **record,
    }
    # Encoding happens before the file is opened, so an unsupported value
    # fails without touching the disk.
    entries = dict(encoder.arrays)
    entries[_META_KEY] = np.array(json.dumps(meta))
    path = os.fspath(path)
    _write_atomically(path, entries)
    return path


def load(path):
    """Load an estimator saved by :func:`save`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    BaseEstimator
        A new instance built as ``cls(**params)``, with its fitted state
        restored.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not a zoo model file, is corrupted, was written by a
        newer format, or names a class that is not a registered estimator;
        if a fitted attribute is not one the class declares, or does not
        match the estimator's parameters and other fitted values (the
        message names the attribute, what it holds and what was expected);
        or if the archive would inflate to more than ``MAX_INFLATION``
        times its size (a "zip bomb").
    """
    where = os.fspath(path)
    with open(path, "rb") as handle:
        prefix = handle.read(len(_NPY_MAGIC))
        if prefix.startswith(_NPY_MAGIC):
            raise ValueError(f"{where!s} is not a zoo model file: it holds a single array (.npy), not an .npz archive.")
        if not prefix.startswith(_ZIP_MAGICS):
            raise ValueError(f"{where!s} is not a zoo model file: it is not an .npz (zip) archive.")
        handle.seek(0)
        try:
            archive = np.load(handle, allow_pickle=False)
        except Exception as exc:
            raise ValueError(f"{where!s} is not a zoo model file: {exc}") from exc
        with archive:
            try:
                _check_members(archive.zip, os.fstat(handle.fileno()).st_size)
                meta = _read_meta(archive)
                if "object" in meta:  # a component saved on its own (a network)
                    return _Decoder(archive).decode(_expect(meta["object"], dict, "object"))
                return _Decoder(archive).estimator(meta)
            except MemoryError:
                raise
            except Exception as exc:
                raise ValueError(f"Cannot load {where!s}: {exc}") from exc


# -------------------------------------------------------------------- encoding


class _Encoder:
    """Turns values into JSON, moving arrays into ``self.arrays``."""

    def __init__(self, owner):
        self.owner = owner
        self.arrays = {}

    def estimator_record(self, estimator, path):
        cls = type(estimator)
        if registered_estimator(cls.__name__) is not cls:
            raise TypeError(
                f"Cannot save {cls.__name__}: the class is not registered; decorate "
                "it with zoo.base.register_estimator so that load can find it."
            )
        state = estimator._save_state()
        try:
            check_fitted_state(cls, estimator.get_params(deep=False), state)
        except ValueError as exc:
            raise ValueError(f"Cannot save {exc}") from None
        return {
            "class": cls.__name__,
            "params": {
                name: self.encode(value, (*path, "params", name))
                for name, value in estimator._persisted_params().items()
            },
            "state": {
                name: self.encode(value, (*path, "state", name))
                for name, value in state.items()
            },
        }

    def encode(self, value, path):
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if isinstance(value, np.ndarray):
            return self._store_array(value, path)
        if isinstance(value, np.generic):
            return {"__scalar__": self._store_array(np.asarray(value), path)["__ndarray__"]}
        if kind is list:
            return [self.encode(item, (*path, str(index))) for index, item in enumerate(value)]
        if kind is tuple:
            return {
                "__tuple__": [
                    self.encode(item, (*path, str(index))) for index, item in enumerate(value)
                ]
            }
        if kind is dict:
            return self._encode_dict(value, path)
        if is_estimator(value):
            return {"__estimator__": self.estimator_record(value, path)}
        registered = registered_config_class(kind.__name__)
        if registered is not None and registered[0] is kind:
            config = self.encode(value.to_config(), (*path, "config"))
            return {"__object__": {"class": kind.__name__, "config": config}}
        if kind is np.random.Generator:
            if type(value.bit_generator).__name__ not in _BIT_GENERATORS:
                self._refuse(value, path)
            return {"__generator__": self.encode(value.bit_generator.state, (*path, "state"))}
        if kind is np.random.RandomState:
            state = value.get_state(legacy=False)
            return {"__random_state__": self.encode(state, (*path, "state"))}
        self._refuse(value, path)

    def _encode_dict(self, value, path):
        plain = all(isinstance(key, str) and not key.startswith("__") for key in value)
        if plain:
            return {key: self.encode(item, (*path, key)) for key, item in value.items()}
        # Non-string keys (e.g. class_weight={0: 1.0}) and keys that look like
        # our markers are kept as a list of pairs.
        return {
            "__dict__": [
                [self.encode(key, (*path, "key")), self.encode(item, (*path, str(key)))]
                for key, item in value.items()
            ]
        }

    def _store_array(self, array, path):
        array = np.asarray(array)
        reference = {}
        if array.dtype.hasobject:
            # feature_names_in_ is an object array of str: store it as unicode.
            if array.dtype != object or not all(isinstance(item, str) for item in array.flat):
                self._refuse(array, path, detail="an object array that is not all strings")
            array = array.astype(str)
            reference["dtype"] = "object"
        key = ".".join(path)
        if not _SAFE_KEY.fullmatch(key) or key in self.arrays:
            key = f"array_{len(self.arrays)}"
        self.arrays[key] = array
        return {"__ndarray__": key, **reference}

    def _refuse(self, value, path, detail=None):
        section, name, *inner = _outermost(path)
        what = "parameter" if section == "params" else "fitted attribute"
        where = f" (at {'.'.join([name, *inner])})" if inner else ""
        detail = detail or f"a {type(value).__module__}.{type(value).__qualname__}"
        raise TypeError(
            f"Cannot save {self.owner}: {what} {name!r}{where} is {detail}, which "
            "zoo's .npz format cannot store (it stores arrays, numbers, strings, "
            "None, lists, tuples, dicts, numpy random generators, zoo "
            "estimators and zoo configuration objects such as optimizers). "
            "Override _save_state/_load_state to convert it."
        )


def _outermost(path):
    # Errors inside a nested estimator still name the top-level entry.
    index = next(i for i, part in enumerate(path) if part in ("params", "state"))
    return path[index:]


# -------------------------------------------------------------------- decoding


def _is_registered_object(value):
    registered = registered_config_class(type(value).__name__)
    return registered is not None and registered[0] is type(value)


def _read_meta(archive):
    if _META_KEY not in archive.files:
        raise ValueError("not a zoo model file (no __meta__ entry).")
    raw = archive[_META_KEY]
    if raw.dtype.kind != "U" or raw.ndim != 0:
        raise ValueError("not a zoo model file (__meta__ is not a JSON string).")
    meta = json.loads(str(raw[()]))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise ValueError("not a zoo model file (unknown format).")
    version = meta.get("format_version")
    if type(version) is not int or version < 1:
        raise ValueError(f"invalid format version {version!r}.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"written with format version {version} by zoo {meta.get('zoo_version')}; "
            f"this zoo ({zoo_version()}) reads up to version {FORMAT_VERSION}. "
            "Upgrade zoo to load it."
        )
    return meta


class _Decoder:
    """Inverse of :class:`_Encoder`, reading arrays from an open archive."""

    def __init__(self, archive):
        self.archive = archive
        self.read = set()

    def estimator(self, record):
        name = _expect(record.get("class"), str, "class name")
        cls = registered_estimator(name)
        if cls is None:
            # zoo's estimators register when their modules are imported; the
            # package imports them all. Nothing outside zoo is imported.
            with contextlib.suppress(ImportError):
                importlib.import_module("zoo")
            cls = registered_estimator(name)
        if cls is None:
            raise ValueError(f"{name!r} is not a registered zoo estimator class.")
        params = cls._upgrade_saved_params(self.decode(_expect(record.get("params"), dict, "params")))
        state = self.decode(_expect(record.get("state"), dict, "state"))
        try:
            estimator = cls(**params)
        except TypeError as exc:
            raise ValueError(
                f"the saved parameters do not match {name}.__init__ ({exc}); the "
                f"file was written by zoo {record.get('zoo_version', 'of another version')}."
            ) from exc
        check_fitted_state(cls, estimator.get_params(deep=False), state)
        estimator._load_state(state)
        return estimator

    def decode(self, value):
        if isinstance(value, list):
            return [self.decode(item) for item in value]
        if not isinstance(value, dict):
            return value  # JSON scalars: None, bool, int, float, str
        markers = [key for key in value if key.startswith("__")]
        if not markers:
            return {key: self.decode(item) for key, item in value.items()}
        marker = markers[0]
        if marker == "__ndarray__":
            array = self._array(value[marker])
            if value.get("dtype") == "object":
                array = array.astype(object)
            return array
        if len(value) != 1:
            raise ValueError(f"malformed entry with keys {sorted(value)}.")
        content = value[marker]
        if marker == "__scalar__":
            array = self._array(content)
            if array.ndim != 0:
                raise ValueError("a scalar entry holds an array.")
            return array[()]
        if marker == "__tuple__":
            return tuple(self.decode(_expect(content, list, "tuple")))
        if marker == "__dict__":
            pairs = _expect(content, list, "dict")
            return {self.decode(key): self.decode(item) for key, item in pairs}
        if marker == "__estimator__":
            return self.estimator(_expect(content, dict, "estimator"))
        if marker == "__object__":
            record = _expect(content, dict, "object")
            name = _expect(record.get("class"), str, "object class")
            registered = registered_config_class(name)
            if registered is None:
                raise ValueError(f"{name!r} is not a registered zoo configuration class.")
            return registered[1](self.decode(_expect(record.get("config"), dict, "object config")))
        if marker == "__generator__":
            return self._generator(self.decode(content))
        if marker == "__random_state__":
            random_state = np.random.RandomState()
            random_state.set_state(self.decode(content))
            return random_state
        raise ValueError(f"unknown entry type {marker!r}.")

    def _array(self, key):
        if not isinstance(key, str) or key == _META_KEY or key not in self.archive.files:
            raise ValueError(f"missing array entry {key!r}.")
        # Each entry is read once: references repeated in the metadata would
        # otherwise multiply what a small file makes loading allocate.
        if key in self.read:
            raise ValueError(f"array entry {key!r} is referenced more than once.")
        self.read.add(key)
        return self.archive[key]

    @staticmethod
    def _generator(state):
        name = _expect(state, dict, "generator state").get("bit_generator")
        if name not in _BIT_GENERATORS:
            raise ValueError(f"unsupported bit generator {name!r}.")
        bit_generator = _BIT_GENERATORS[name]()
        bit_generator.state = state
        return np.random.Generator(bit_generator)


def _check_members(archive, file_size):
    """Refuse, before decompressing anything, an archive that would inflate
    far beyond its size or whose entries are not the arrays they claim.

    Each entry must be a ``.npy`` array whose header's shape and dtype
    account for exactly its uncompressed size (NumPy allocates the array
    the header describes before reading it), with no Python objects."""
    members = archive.infolist()
    inflated = sum(member.file_size for member in members)
    limit = max(MAX_INFLATION * file_size, _ALWAYS_READABLE_BYTES)
    if inflated > limit:
        raise ValueError(
            f"its entries would inflate to {inflated:,} bytes from a {file_size:,}-byte file; zoo reads "
            f"at most {MAX_INFLATION} times a file's size (or {_ALWAYS_READABLE_BYTES:,} bytes), and "
            "writes its arrays uncompressed, so this is not a file zoo wrote."
        )
    for member in members:
        name = member.filename
        if not name.endswith(".npy"):
            raise ValueError(f"entry {name!r} is not a .npy array.")
        with archive.open(member) as stream:
            version = np.lib.format.read_magic(stream)
            if version not in _NPY_HEADER_READERS:
                raise ValueError(f"entry {name!r} is a .npy file of version {version}, which zoo does not write.")
            shape, _, dtype = _NPY_HEADER_READERS[version](stream)
            header_size = stream.tell()
        if dtype.hasobject:
            raise ValueError(f"entry {name!r} holds Python objects (dtype {dtype}); zoo files hold plain arrays only.")
        data_size = math.prod(shape) * dtype.itemsize
        if header_size + data_size != member.file_size:
            raise ValueError(
                f"entry {name!r} claims shape {shape} of {dtype} ({data_size:,} bytes) but holds "
                f"{member.file_size - header_size:,} bytes of data."
            )


def _expect(value, kind, what):
    if not isinstance(value, kind):
        raise ValueError(f"malformed {what}: expected {kind.__name__}, got {type(value).__name__}.")
    return value


# --------------------------------------------------------------------- writing


def _write_atomically(path, entries):
    # Saving through a symbolic link updates the file it points to and
    # leaves the link in place, as open(path, "wb") would.
    target = os.path.realpath(path)
    directory, basename = os.path.split(target)
    existing = _existing_file_status(target)
    temporary, descriptor = _create_temporary(directory, basename)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if existing is not None:
                _copy_permissions(handle.fileno(), existing)
            # A file object, not a name: np.savez would append ".npz" to a name.
            np.savez(handle, **entries, **_SAVEZ_REFUSES_PICKLE)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:  # KeyboardInterrupt too: never leave the temporary behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _existing_file_status(target):
    """The existing regular file's status, whose permissions the new file
    keeps, or None for a new file (which gets the umask's permissions, as
    open() gives them).

    A file that open() could not write is refused the same way, rather than
    replaced behind its permissions."""
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(status.st_mode) and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied: cannot replace a read-only file", target)
    return status if stat.S_ISREG(status.st_mode) else None


def _copy_permissions(descriptor, status):
    if not hasattr(os, "fchmod"):  # Windows: no POSIX permission bits to keep
        return
    # The group first: chown may clear the set-group-ID bit that chmod sets.
    # Changing the owner needs privileges; without them the new file is ours,
    # as any file replaced by rename is.
    with contextlib.suppress(OSError):
        os.fchown(descriptor, status.st_uid, status.st_gid)
    os.fchmod(descriptor, stat.S_IMODE(status.st_mode))


def _create_temporary(directory, basename):
    # O_EXCL with mode 0o666 gives the permissions a plain open() would
    # (the umask applies), unlike tempfile's private 0o600. The name says
    # what it is: only a process killed outright (SIGKILL, power loss)
    # between creating and renaming it can leave one behind, and such a
    # leftover ".<name>.zoo-tmp-<random>" can be deleted safely.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = os.path.join(directory, f".{basename}{TEMPORARY_MARKER}{secrets.token_hex(6)}")
        try:
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue


def _fsync_directory(directory):
    # Makes the rename itself durable on POSIX; not possible on Windows.
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
