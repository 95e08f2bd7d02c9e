"""save/load: round trips, atomic writes, and refusing unsafe or foreign files."""

import json
import os
import pickle
import zipfile

import numpy as np
import pytest

from zoo import _registry, persistence
from zoo._fitted_state import Array, optional
from zoo._validation import check_is_fitted, validate_data
from zoo.base import BaseEstimator, Interval, register_estimator
from zoo.persistence import load, save


@register_estimator
class PersistToy(BaseEstimator):
    """Stores the column mean and a zoo of fitted values of every kind."""

    _fitted_state = {
        "mean_": Array(("n_features_in_",), "f"),
        "n_iter_": [Interval(int, 0, None)],
        "history_": [dict],
        "counts_": [tuple],
        "class_weight_": [dict],
        "converged_": ["boolean"],
        "_rng_": [np.random.Generator],
        "_legacy_rng_": [np.random.RandomState],
        # Set by the tests below, to see what saving does with them.
        "vocabulary_": optional(["no_validation"]),
        "bag_": optional(["no_validation"]),
    }

    def __init__(self, shift=0.0, *, weights=None, options=None, label="toy", inner=None):
        self.shift = shift
        self.weights = weights
        self.options = options
        self.label = label
        self.inner = inner

    def fit(self, X, y=None):
        X = validate_data(self, X, reset=True)
        self.mean_ = X.mean(axis=0) + X.dtype.type(self.shift)
        self.n_iter_ = np.int32(7)
        self.history_ = {"loss": [3.0, 2.5, float("nan")], "best": None}
        self.counts_ = (1, 2)
        self.class_weight_ = {0: 1.0, 1: 2.5}
        self.converged_ = True
        self._rng_ = np.random.default_rng(5)
        self._legacy_rng_ = np.random.RandomState(9)
        self._cache = object()  # transient: no trailing underscore, not saved
        return self

    def predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False) - self.mean_


@register_estimator
class HookedToy(BaseEstimator):
    """Keeps a set, which the format cannot hold, through the hooks."""

    _fitted_state = {"tokens_": [list]}

    def __init__(self, size=2):
        self.size = size

    def fit(self, X=None, y=None):
        self.tokens_ = {"a", "b"}
        return self

    def _save_state(self):
        state = super()._save_state()
        state["tokens_"] = sorted(state["tokens_"])
        return state

    def _load_state(self, state):
        state["tokens_"] = set(state["tokens_"])
        super()._load_state(state)


class Unregistered(BaseEstimator):
    def __init__(self, alpha=1.0):
        self.alpha = alpha


def _fitted(**params):
    X = np.arange(12, dtype=np.float32).reshape(4, 3)
    return PersistToy(**params).fit(X), X


def _leftovers(directory):
    return sorted(name for name in os.listdir(directory) if persistence.TEMPORARY_MARKER in name)


def _write_npz(path, meta=None, **arrays):
    if meta is not None:
        arrays["__meta__"] = np.array(json.dumps(meta))
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _meta_of(path):
    with np.load(path, allow_pickle=False) as archive:
        return json.loads(str(archive["__meta__"][()]))


# -------------------------------------------------------------- round trips


def test_round_trip_restores_params_and_fitted_state(tmp_path):
    toy, X = _fitted(shift=1.5, options={"mode": "fast", "levels": [1, 2]}, label="mine")
    path = tmp_path / "toy.npz"
    assert save(toy, path) == str(path)
    loaded = load(path)
    assert type(loaded) is PersistToy
    assert loaded.get_params() == toy.get_params()
    assert loaded.mean_.dtype == np.float32
    np.testing.assert_array_equal(loaded.mean_, toy.mean_)
    np.testing.assert_array_equal(loaded.predict(X), toy.predict(X))
    assert loaded.n_features_in_ == 3
    assert type(loaded.n_iter_) is np.int32 and loaded.n_iter_ == 7
    assert loaded.history_["loss"][:2] == [3.0, 2.5] and np.isnan(loaded.history_["loss"][2])
    assert loaded.history_["best"] is None
    assert loaded.counts_ == (1, 2)
    assert loaded.class_weight_ == {0: 1.0, 1: 2.5}
    assert loaded.converged_ is True
    assert not hasattr(loaded, "_cache")


def test_random_generators_resume_where_they_were(tmp_path):
    toy, _ = _fitted()
    toy._rng_.random(3)  # move away from the seed
    save(toy, tmp_path / "rng.npz")
    loaded = load(tmp_path / "rng.npz")
    np.testing.assert_array_equal(loaded._rng_.random(5), toy._rng_.random(5))
    np.testing.assert_array_equal(loaded._legacy_rng_.rand(5), toy._legacy_rng_.rand(5))


def test_array_and_estimator_parameters(tmp_path):
    inner = PersistToy(shift=2.0).fit(np.ones((2, 2)))
    toy = PersistToy(weights=np.array([0.25, 0.75]), inner=inner)
    save(toy, tmp_path / "nested.npz")
    loaded = load(tmp_path / "nested.npz")
    np.testing.assert_array_equal(loaded.weights, [0.25, 0.75])
    assert type(loaded.inner) is PersistToy and loaded.inner.shift == 2.0
    np.testing.assert_array_equal(loaded.inner.mean_, inner.mean_)
    meta = _meta_of(tmp_path / "nested.npz")
    assert meta["params"]["weights"] == {"__ndarray__": "params.weights"}


def test_feature_names_keep_their_object_dtype(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(np.ones((3, 2)), columns=["height", "weight"])
    toy = PersistToy().fit(frame)
    save(toy, tmp_path / "names.npz")
    loaded = load(tmp_path / "names.npz")
    assert loaded.feature_names_in_.dtype == object
    assert loaded.feature_names_in_.tolist() == ["height", "weight"]
    loaded.predict(frame)  # names still match


def test_unfitted_estimator_round_trip(tmp_path):
    save(PersistToy(shift=3.0, label=None), tmp_path / "bare.npz")
    loaded = load(tmp_path / "bare.npz")
    assert repr(loaded) == "PersistToy(shift=3.0, label=None)"
    assert not loaded.__sklearn_is_fitted__()


def test_save_and_load_state_hooks(tmp_path):
    save(HookedToy().fit(), tmp_path / "hooked.npz")
    assert load(tmp_path / "hooked.npz").tokens_ == {"a", "b"}


def test_estimator_methods(tmp_path):
    toy, X = _fitted()
    toy.save(tmp_path / "method.npz")
    loaded = PersistToy.load(tmp_path / "method.npz")
    np.testing.assert_array_equal(loaded.predict(X), toy.predict(X))
    with pytest.raises(TypeError, match="holds a PersistToy, not a HookedToy"):
        HookedToy.load(tmp_path / "method.npz")


def test_file_is_plain_npz_with_json_metadata(tmp_path, monkeypatch):
    monkeypatch.setattr(persistence, "zoo_version", lambda: "9.8.7")
    toy, _ = _fitted()
    save(toy, tmp_path / "plain.npz")
    with np.load(tmp_path / "plain.npz", allow_pickle=False) as archive:
        assert archive["state.mean_"].dtype == np.float32
        meta = json.loads(str(archive["__meta__"][()]))
    assert meta["format"] == "zoo-estimator" and meta["format_version"] == persistence.FORMAT_VERSION
    assert meta["zoo_version"] == "9.8.7" and meta["class"] == "PersistToy"
    assert meta["params"]["shift"] == 0.0
    assert meta["state"]["n_features_in_"] == 3


# ---------------------------------------------------------- paths and atomicity


def test_path_without_suffix_is_written_exactly(tmp_path):
    toy, _ = _fitted()
    target = tmp_path / "model.bin"
    save(toy, str(target))
    assert sorted(os.listdir(tmp_path)) == ["model.bin"]
    assert zipfile.is_zipfile(target)
    assert load(str(target)).n_features_in_ == 3


def test_saving_replaces_an_existing_file_and_leaves_no_temporary(tmp_path):
    first, _ = _fitted(shift=1.0)
    second, _ = _fitted(shift=2.0)
    save(first, tmp_path / "model.npz")
    save(second, tmp_path / "model.npz")
    assert load(tmp_path / "model.npz").shift == 2.0
    assert os.listdir(tmp_path) == ["model.npz"]


def test_failed_write_keeps_the_old_file_intact(tmp_path, monkeypatch):
    toy, _ = _fitted()
    target = tmp_path / "model.npz"
    save(toy, target)
    before = target.read_bytes()

    def crash_midway(handle, **entries):
        handle.write(b"PK\x03\x04 partial")
        raise OSError("disk full")

    monkeypatch.setattr(persistence.np, "savez", crash_midway)
    with pytest.raises(OSError, match="disk full"):
        save(_fitted(shift=5.0)[0], target)
    assert target.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_file_mode_follows_the_umask(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    old = os.umask(0o027)
    try:
        save(_fitted()[0], tmp_path / "mode.npz")
    finally:
        os.umask(old)
    assert (tmp_path / "mode.npz").stat().st_mode & 0o777 == 0o640


# ---------------------------------------------------- values that cannot be saved


def test_unsupported_parameter_names_it_and_writes_nothing(tmp_path):
    with pytest.raises(TypeError, match=r"Cannot save PersistToy: parameter 'options' is a builtins.function"):
        save(PersistToy(options=lambda x: x), tmp_path / "bad.npz")
    assert os.listdir(tmp_path) == []


def test_unsupported_nested_value_names_where_it_is(tmp_path):
    toy = PersistToy(options={"metric": {"fn": len}})
    with pytest.raises(TypeError, match=r"parameter 'options' \(at options.metric.fn\) is a builtins"):
        save(toy, tmp_path / "bad.npz")


def test_unsupported_fitted_attribute_is_named(tmp_path):
    toy, _ = _fitted()
    toy.vocabulary_ = {"a", "b"}
    with pytest.raises(TypeError, match="fitted attribute 'vocabulary_' is a builtins.set"):
        save(toy, tmp_path / "bad.npz")


def test_object_array_of_non_strings_is_refused(tmp_path):
    toy, _ = _fitted()
    toy.bag_ = np.array([1, "a"], dtype=object)
    with pytest.raises(TypeError, match="'bag_' is an object array that is not all strings"):
        save(toy, tmp_path / "bad.npz")


def test_unregistered_class_is_refused(tmp_path):
    with pytest.raises(TypeError, match="Cannot save Unregistered: the class is not registered"):
        save(Unregistered(), tmp_path / "bad.npz")
    with pytest.raises(TypeError, match="Only zoo estimators and networks can be saved; got dict"):
        save({"alpha": 1}, tmp_path / "bad.npz")


# ------------------------------------------------------ foreign and hostile files


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        load("/nonexistent/zoo/model.npz")


def test_plain_npz_is_not_a_model(tmp_path):
    _write_npz(tmp_path / "data.npz", weights=np.ones(3))
    with pytest.raises(ValueError, match="not a zoo model file \\(no __meta__ entry\\)"):
        load(tmp_path / "data.npz")


def test_npy_file_is_not_a_model(tmp_path):
    np.save(tmp_path / "array.npy", np.ones(3))
    with pytest.raises(ValueError, match="holds a single array"):
        load(tmp_path / "array.npy")


@pytest.mark.parametrize("content", [b"", b"garbage" * 10, b"PK\x03\x04truncated"])
def test_garbage_is_not_a_model(tmp_path, content):
    (tmp_path / "junk.npz").write_bytes(content)
    with pytest.raises(ValueError, match="junk.npz"):
        load(tmp_path / "junk.npz")


class _Exploit:
    marker = None

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payload_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    exploit = _Exploit()
    exploit.marker = str(marker)
    (tmp_path / "evil.npz").write_bytes(pickle.dumps(exploit))
    with pytest.raises(ValueError, match="not a zoo model file"):
        load(tmp_path / "evil.npz")
    # The same payload hidden in an object array inside a real archive.
    payload = np.empty(1, dtype=object)
    payload[0] = exploit
    good = persistence._Encoder("PersistToy").estimator_record(PersistToy(), ())
    good["params"]["weights"] = {"__ndarray__": "payload"}
    meta = {"format": "zoo-estimator", "format_version": 1, **good}
    with open(tmp_path / "evil2.npz", "wb") as handle:
        np.savez(handle, payload=payload, __meta__=np.array(json.dumps(meta)))
    with pytest.raises(ValueError, match="Cannot load"):
        load(tmp_path / "evil2.npz")
    assert not marker.exists()


def _valid_meta():
    return {
        "format": "zoo-estimator",
        "format_version": 1,
        "zoo_version": "0",
        "class": "PersistToy",
        "params": {},
        "state": {},
    }


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"class": "Popen"}, "'Popen' is not a registered zoo estimator class"),
        ({"class": "os.system"}, "'os.system' is not a registered zoo estimator class"),
        ({"class": 3}, "malformed class name"),
        ({"format": "other"}, "unknown format"),
        ({"format_version": 99}, "format version 99 .* Upgrade zoo"),
        ({"format_version": "1"}, "invalid format version"),
        ({"params": {"shift": {"__ndarray__": "missing"}}}, "missing array entry 'missing'"),
        ({"params": {"shift": {"__ndarray__": "__meta__"}}}, "missing array entry '__meta__'"),
        ({"params": {"shift": {"__exec__": "rm -rf"}}}, "unknown entry type '__exec__'"),
        ({"params": {"bogus": 1}}, "saved parameters do not match PersistToy.__init__"),
        ({"params": []}, "malformed params"),
        ({"state": {"_rng_": {"__generator__": {"bit_generator": "Evil", "state": {}}}}}, "unsupported bit generator 'Evil'"),
        ({"state": {"x_": {"__dict__": [[["unhashable"], 1]]}}}, "Cannot load"),
    ],
)
def test_crafted_metadata_fails_cleanly(tmp_path, change, fragment):
    _write_npz(tmp_path / "crafted.npz", meta={**_valid_meta(), **change})
    with pytest.raises(ValueError, match=fragment):
        load(tmp_path / "crafted.npz")


def test_metadata_that_is_not_json_text(tmp_path):
    with open(tmp_path / "a.npz", "wb") as handle:
        np.savez(handle, __meta__=np.ones(3))
    with pytest.raises(ValueError, match="__meta__ is not a JSON string"):
        load(tmp_path / "a.npz")
    with open(tmp_path / "b.npz", "wb") as handle:
        np.savez(handle, __meta__=np.array("{not json"))
    with pytest.raises(ValueError, match="Cannot load"):
        load(tmp_path / "b.npz")


def test_loading_uses_only_the_registry(tmp_path, monkeypatch):
    save(PersistToy(), tmp_path / "toy.npz")
    monkeypatch.setattr(_registry, "_REGISTRY", {})
    with pytest.raises(ValueError, match="'PersistToy' is not a registered zoo estimator class"):
        load(tmp_path / "toy.npz")


def test_persistence_does_not_import_base():
    # zoo.base imports persistence for BaseEstimator.save/load; persistence
    # finds what it needs in zoo._registry, so the two never import each other.
    import ast
    from pathlib import Path

    tree = ast.parse(Path(persistence.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            imported |= {module, *(f"{module}.{alias.name}".lstrip(".") for alias in node.names)}
    assert not imported & {"base", "zoo.base"}, sorted(imported)
