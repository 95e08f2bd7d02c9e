"""Tampered and hostile model files: load checks the model against its
estimator's declared fitted state, and bounds what it decompresses."""

import json
import tracemalloc
import zipfile

import numpy as np
import pytest
from _persistence_cases import CASES

import zoo
from zoo.base import BaseEstimator
from zoo.persistence import load, save

X = np.random.default_rng(0).normal(size=(30, 4))


def _entries(path):
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _write(path, entries, meta=None):
    if meta is not None:
        entries = {**entries, "__meta__": np.array(json.dumps(meta))}
    with open(path, "wb") as handle:
        np.savez(handle, **entries)


def _kmeans_file(tmp_path):
    path = tmp_path / "kmeans.npz"
    save(zoo.KMeans(3, n_init=1, random_state=0).fit(X), path)
    return path


def _meta(entries):
    return json.loads(str(entries["__meta__"][()]))


# ------------------------------------------------------- the examples


@pytest.mark.parametrize("rows", [2, 3000])
def test_kmeans_with_centres_cut_or_padded_is_refused(tmp_path, rows):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    centres = entries["state.cluster_centers_"]
    entries["state.cluster_centers_"] = np.resize(centres, (rows, 4))
    _write(path, entries)
    expected = rf"cluster_centers_ has shape \({rows}, 4\); expected \(n_clusters, n_features_in_\) = \(3, 4\)"
    with pytest.raises(ValueError, match=expected):
        load(path)


def test_centres_that_disagree_with_n_features_in_are_refused(tmp_path):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    meta = _meta(entries)
    meta["state"]["n_features_in_"] = 5
    _write(path, entries, meta)
    with pytest.raises(ValueError, match=r"cluster_centers_ has shape \(3, 4\); expected .* = \(3, 5\)"):
        load(path)


def test_a_state_key_named_predict_is_refused(tmp_path):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    meta = _meta(entries)
    meta["state"]["predict"] = 1
    _write(path, entries, meta)
    with pytest.raises(ValueError, match="holds 'predict', which KMeans does not declare"):
        load(path)


def test_an_undeclared_key_is_refused_and_the_message_lists_what_is_declared(tmp_path):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    meta = _meta(entries)
    meta["state"]["backdoor_"] = {"__ndarray__": "state.cluster_centers_"}
    meta["state"].pop("cluster_centers_")
    _write(path, entries, meta)
    declared = r"'backdoor_', which KMeans does not declare; it declares \[.*'cluster_centers_'"
    with pytest.raises(ValueError, match=declared):
        load(path)


def test_a_fitted_model_missing_a_required_attribute_is_refused(tmp_path):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    meta = _meta(entries)
    meta["state"].pop("cluster_centers_")
    _write(path, entries, meta)
    with pytest.raises(ValueError, match="lacks 'cluster_centers_', which a fitted KMeans has"):
        load(path)


@pytest.mark.parametrize(
    "key, value, fragment",
    [
        ("state.cluster_centers_", lambda a: a.astype(np.int64), "cluster_centers_ has dtype int64; expected a float"),
        ("state.cluster_centers_", lambda a: a.astype(str), "cluster_centers_ has dtype <U"),
        ("state.labels_", lambda a: a.astype(np.float64), "labels_ has dtype float64; expected a signed int"),
    ],
)
def test_wrong_dtype_is_refused(tmp_path, key, value, fragment):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    entries[key] = value(entries[key])
    _write(path, entries)
    with pytest.raises(ValueError, match=fragment):
        load(path)


def test_a_scalar_where_an_array_belongs_is_refused(tmp_path):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    meta = _meta(entries)
    meta["state"]["cluster_centers_"] = "centres"
    _write(path, entries, meta)
    with pytest.raises(ValueError, match="cluster_centers_ must be an array"):
        load(path)


def test_a_network_for_another_model_is_refused(tmp_path):
    # A Q-network with three outputs for CartPole's two actions would pick action 2.
    model = zoo.DQN(hidden_layer_sizes=(8,), learning_starts=10, buffer_size=100, random_state=0, n_jobs=1)
    model.fit("CartPole-v1", 50)
    other = zoo.nn.Network(zoo.nn.dense_layers([4, 8, 3], "relu")).initialize("he_normal", 0)
    model.q_network_ = other
    save(model, tmp_path / "dqn.npz")
    with pytest.raises(ValueError, match="the saved q_network_ is Network.*need layers of sizes 4 -> 8 -> 2"):
        load(tmp_path / "dqn.npz")


# ---------------------------------------------------- never shadow the class


class ShadowToy(BaseEstimator):
    """Declares a fitted name that its class also defines."""

    _fitted_state = {"summary_": [int]}

    @property
    def summary_(self):
        return "computed"


def test_a_declared_name_never_replaces_what_the_class_defines():
    toy = ShadowToy()
    with pytest.raises(ValueError, match="'summary_', which is not a fitted attribute"):
        toy._load_state({"summary_": 3})
    with pytest.raises(ValueError, match="'predict', which is not a fitted attribute"):
        zoo.KMeans()._load_state({"predict": 1, "cluster_centers_": np.ones((8, 2))})
    assert ShadowToy().summary_ == "computed"


def test_a_refused_state_sets_nothing():
    model = zoo.KMeans()
    with pytest.raises(ValueError):
        model._load_state({"cluster_centers_": np.ones((8, 2)), "fit": 1})
    assert "cluster_centers_" not in vars(model) and callable(model.fit)


# ------------------------------------------------------------ what load reads


def _zip_bomb(path, tmp_path, inflated_bytes):
    """A KMeans file whose centres entry inflates to `inflated_bytes` of
    zeros, written compressed (zoo writes entries uncompressed)."""
    source = _kmeans_file(tmp_path)
    rows = inflated_bytes // (8 * 4)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name in original.namelist():
            if name != "state.cluster_centers_.npy":
                bomb.writestr(name, original.read(name))
                continue
            header = np.lib.format.header_data_from_array_1_0(np.zeros((0, 4)))
            header["shape"] = (rows, 4)
            with bomb.open(name, "w", force_zip64=True) as entry:
                np.lib.format.write_array_header_1_0(entry, header)
                chunk = bytes(2**20)
                for _ in range(inflated_bytes // len(chunk)):
                    entry.write(chunk)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = tmp_path / "bomb.npz"
    _zip_bomb(path, tmp_path, 256 * 2**20)
    assert path.stat().st_size < 2**20  # small on disk
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"would inflate to 268,4\d\d,\d+ bytes from a [\d,]+-byte file"):
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20


def test_a_header_that_claims_more_than_its_entry_holds_is_refused(tmp_path):
    # NumPy allocates what the header claims before reading the data.
    source = _kmeans_file(tmp_path)
    path = tmp_path / "liar.npz"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as liar:
        for name in original.namelist():
            data = original.read(name)
            if name == "state.cluster_centers_.npy":
                header = np.lib.format.header_data_from_array_1_0(np.zeros((0, 4)))
                header["shape"] = (10**12, 4)
                with liar.open(name, "w") as entry:
                    np.lib.format.write_array_header_1_0(entry, header)
                    entry.write(bytes(96))
            else:
                liar.writestr(name, data)
    with pytest.raises(ValueError, match=r"claims shape \(1000000000000, 4\) of float64 .* but holds 96 bytes"):
        load(path)


def test_an_entry_that_is_not_an_array_is_refused(tmp_path):
    source = _kmeans_file(tmp_path)
    path = tmp_path / "extra.npz"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as extra:
        for name in original.namelist():
            extra.writestr(name, original.read(name))
        extra.writestr("notes.txt", b"hello")
    with pytest.raises(ValueError, match="entry 'notes.txt' is not a .npy array"):
        load(path)


def test_an_array_entry_referenced_twice_is_refused(tmp_path):
    path = _kmeans_file(tmp_path)
    entries = _entries(path)
    meta = _meta(entries)
    meta["state"]["labels_"] = {"__ndarray__": "state.cluster_centers_"}
    _write(path, entries, meta)
    with pytest.raises(ValueError, match="'state.cluster_centers_' is referenced more than once"):
        load(path)


def test_saving_refuses_state_its_class_does_not_declare(tmp_path):
    model = zoo.KMeans(2, n_init=1, random_state=0).fit(X)
    model.extra_ = np.ones(3)
    with pytest.raises(ValueError, match="Cannot save KMeans: the fitted state holds 'extra_'"):
        save(model, tmp_path / "model.npz")
    model = zoo.KMeans(2, n_init=1, random_state=0).fit(X)
    model.cluster_centers_ = model.cluster_centers_[:1]
    with pytest.raises(ValueError, match=r"Cannot save KMeans: cluster_centers_ has shape \(1, 4\)"):
        save(model, tmp_path / "model.npz")


# ------------------------------------------- every array of every estimator

# Tamperings a declaration does not catch, on purpose: sizes that belong to
# the training data or are free by nature (one label per training sample,
# any number of categories or classes of any type), and training state that
# only a resumed fit reads, which refuses it then (the optimizer's slots,
# the environment's state words).
_FREE = {
    ("labels_", "cut"), ("labels_", "pad"),
    ("sample_indices_", "cut"), ("sample_indices_", "pad"),
    ("categories_", "cut"), ("categories_", "pad"), ("categories_", "kind"),
    ("classes", "kind"),
    ("optimizer_state", "cut"), ("optimizer_state", "pad"),
    ("log_std_optimizer_state_", "cut"), ("log_std_optimizer_state_", "pad"),
    ("_episode_arrays_.0", "columns"),
    ("replay_targets_", "columns"),
    ("cv_results_", "kind"), ("history_", "kind"), ("space_", "kind"), ("noise_variance_", "kind"),
}
_FREE_CASES = {("LabelEncoder", "classes_")}  # a LabelEncoder's classes are whatever it was given
_DISCRETE_OBSERVATIONS = {"QLearning"}  # their episodes' observation width is checked by the environment


def _tamperings(array):
    if array.ndim >= 1 and array.shape[0] > 0:
        yield "cut", array[:-1]
        yield "pad", np.concatenate([array, array[-1:]])
    if array.ndim >= 2 and array.shape[1] > 0:
        yield "columns", array[:, :-1]
    yield "axis", array[..., None]
    if array.dtype.kind == "f":
        with np.errstate(invalid="ignore"):  # infinite bounds of a space
            yield "kind", array.astype(np.int64)
    elif array.dtype.kind in "iub":
        yield "kind", array.astype(np.float64)
    elif array.dtype.kind == "U":
        yield "kind", np.zeros(array.shape)


def _is_free(case, key, how):
    name = case.name.split("-")[0]
    if any(part in key and how == free_how for part, free_how in _FREE):
        return True
    if name in _DISCRETE_OBSERVATIONS and key.endswith("_episode_arrays_.1") and how == "columns":
        return True
    return any(name == free_name and key.endswith(part) for free_name, part in _FREE_CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_tampered_array_is_refused(tmp_path, case):
    path = tmp_path / "model.npz"
    save(case.fitted(), path)
    entries = _entries(path)
    loaded_anyway = []
    for key, array in entries.items():
        if key == "__meta__":
            continue
        for how, tampered in _tamperings(array):
            _write(tmp_path / "tampered.npz", {**entries, key: tampered})
            try:
                load(tmp_path / "tampered.npz")
            except ValueError:
                continue
            if not _is_free(case, key, how):
                loaded_anyway.append(f"{key} ({how})")
    assert not loaded_anyway, "loaded despite tampering: " + ", ".join(loaded_anyway)
