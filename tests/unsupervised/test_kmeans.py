"""zoo.KMeans: behaviour, agreement with scikit-learn, errors, persistence."""

import _thread
import pickle
import threading
import time
import warnings

import numpy as np
import pytest

import zoo
from zoo import KMeans, NotFittedError
from zoo.datasets import load_iris, make_blobs
from zoo.metrics import adjusted_rand_score

ALGORITHMS = ["lloyd", "elkan", "hamerly", "auto"]


@pytest.fixture(scope="module")
def separated():
    X, y = make_blobs(3000, 6, centers=5, cluster_std=0.5, random_state=7)
    return X, y


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_recovers_separated_blobs(separated, algorithm, dtype):
    X, y = separated
    km = KMeans(5, algorithm=algorithm, random_state=0).fit(X.astype(dtype))
    assert adjusted_rand_score(y, km.labels_) == pytest.approx(1.0)
    assert km.cluster_centers_.dtype == dtype
    assert km.labels_.shape == (len(X),)
    assert km.n_features_in_ == 6
    assert 1 <= km.n_iter_ <= km.max_iter


def test_integer_input_becomes_float64():
    X = np.array([[0, 0], [0, 1], [10, 10], [10, 11]])
    km = KMeans(2, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float64
    assert sorted(map(tuple, km.cluster_centers_)) == [(0, 0.5), (10, 10.5)]


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan", "hamerly"])
def test_same_iterates_as_scikit_learn_from_the_same_init(algorithm):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X, _ = make_blobs(4000, 8, centers=12, cluster_std=3.0, random_state=1)
    init = X[np.random.default_rng(0).choice(len(X), 12, replace=False)]
    ours = KMeans(12, init=init, algorithm=algorithm, tol=1e-6).fit(X)
    theirs = sklearn_cluster.KMeans(12, init=init, n_init=1, tol=1e-6, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-8, atol=1e-8)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-9)


def test_kmeans_plusplus_quality_matches_scikit_learn():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X, _ = make_blobs(5000, 10, centers=20, cluster_std=2.5, random_state=3)
    ours = np.mean([KMeans(20, random_state=s).fit(X).inertia_ for s in range(8)])
    theirs = np.mean([sklearn_cluster.KMeans(20, n_init=1, random_state=s).fit(X).inertia_ for s in range(8)])
    assert ours <= 1.02 * theirs


def test_more_inits_never_hurt(separated):
    X, _ = separated
    X = X + np.random.default_rng(0).normal(scale=2.0, size=X.shape)
    single = KMeans(8, n_init=1, random_state=4).fit(X).inertia_
    several = KMeans(8, n_init=6, random_state=4).fit(X).inertia_
    assert several <= single


@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly", "elkan"])
def test_same_seed_same_result_bit_for_bit(algorithm):
    X, _ = make_blobs(5000, 5, centers=10, cluster_std=2.0, random_state=2)
    first = KMeans(10, algorithm=algorithm, random_state=11, n_jobs=2).fit(X)
    second = KMeans(10, algorithm=algorithm, random_state=11, n_jobs=2).fit(X)
    np.testing.assert_array_equal(first.cluster_centers_, second.cluster_centers_)
    np.testing.assert_array_equal(first.labels_, second.labels_)
    assert first.inertia_ == second.inertia_
    one_thread = KMeans(10, algorithm=algorithm, random_state=11, n_jobs=1).fit(X)
    np.testing.assert_allclose(one_thread.cluster_centers_, first.cluster_centers_, rtol=1e-10)


def test_random_state_accepts_generators_and_none(separated):
    X, y = separated
    for state in [None, np.random.RandomState(0), np.random.default_rng(0)]:
        km = KMeans(5, random_state=state).fit(X)
        assert adjusted_rand_score(y, km.labels_) > 0.9


def test_init_random_and_explicit_array(separated):
    X, y = separated
    km = KMeans(5, init="random", random_state=0).fit(X)
    assert adjusted_rand_score(y, km.labels_) > 0.9
    centers = np.array([X[y == c].mean(0) for c in range(5)])
    with pytest.warns(RuntimeWarning, match="only one init"):
        km = KMeans(5, init=centers, n_init=3).fit(X)
    assert km.n_iter_ <= 2
    np.testing.assert_allclose(km.cluster_centers_, centers, atol=1e-12)


def test_callable_init_as_scikit_learn_calls_it(separated):
    # A callable init gets the (centred) data, n_clusters and a RandomState,
    # once per run: n_init="auto" means 10 runs for it, as in scikit-learn.
    X, y = separated
    calls = []

    def first_of_each_blob(data, n_clusters, random_state):
        calls.append((data.shape, n_clusters, type(random_state)))
        assert abs(data.mean(axis=0)).max() < 1e-9
        return np.array([data[y == c][random_state.randint(20)] for c in range(n_clusters)])

    km = KMeans(5, init=first_of_each_blob, random_state=0).fit(X)
    assert calls == [(X.shape, 5, np.random.RandomState)] * 10
    assert adjusted_rand_score(y, km.labels_) == pytest.approx(1.0)
    cluster = pytest.importorskip("sklearn.cluster")
    reference = cluster.KMeans(5, init=lambda data, k, random_state: first_of_each_blob(data, k, random_state),
                               n_init=1, random_state=0).fit(X)
    assert km.inertia_ == pytest.approx(reference.inertia_, rel=1e-9)


def test_predict_transform_score_fit_predict(separated):
    X, _ = separated
    km = KMeans(5, random_state=0).fit(X)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    distances = km.transform(X[:50])
    expected = np.linalg.norm(X[:50, None, :] - km.cluster_centers_[None], axis=2)
    np.testing.assert_allclose(distances, expected, rtol=1e-7, atol=1e-7)
    assert km.score(X) == pytest.approx(-km.inertia_)
    np.testing.assert_array_equal(KMeans(5, random_state=0).fit_predict(X), km.labels_)
    np.testing.assert_allclose(KMeans(5, random_state=0).fit_transform(X), km.transform(X))
    assert km.predict(X[:1]).shape == (1,)  # fewer samples than clusters is fine at predict time


def test_integer_sample_weight_equals_repeating_rows():
    X, _ = make_blobs(300, 3, centers=4, cluster_std=1.5, random_state=5)
    weight = np.random.default_rng(0).integers(0, 4, len(X))
    init = X[weight > 0][:4]
    weighted = KMeans(4, init=init).fit(X, sample_weight=weight)
    repeated = KMeans(4, init=init).fit(np.repeat(X, weight, axis=0))
    np.testing.assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_, rtol=1e-10)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-10)


def test_any_layout_and_container_gives_the_same_fit(separated):
    X, _ = separated
    reference = KMeans(5, random_state=0).fit(X)
    strided = np.repeat(X, 2, axis=1)[:, ::2]  # a non-contiguous view of X
    for variant in [np.asfortranarray(X), strided, X.tolist()]:
        km = KMeans(5, random_state=0).fit(variant)
        np.testing.assert_array_equal(km.cluster_centers_, reference.cluster_centers_)
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    km = KMeans(5, random_state=0).fit(frame)
    np.testing.assert_array_equal(km.cluster_centers_, reference.cluster_centers_)
    assert list(km.feature_names_in_) == list(frame.columns)
    np.testing.assert_array_equal(km.predict(frame), reference.labels_)


def test_float32_data_far_from_origin():
    X, y = make_blobs(2000, 4, centers=3, cluster_std=0.3, random_state=0, dtype=np.float32)
    X += np.float32(1e4)
    km = KMeans(3, random_state=0).fit(X)
    assert adjusted_rand_score(y, km.labels_) == pytest.approx(1.0)
    np.testing.assert_array_equal(km.predict(X), km.labels_)


def test_duplicate_points_warn_about_fewer_clusters():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 10, axis=0)
    with pytest.warns(UserWarning, match="distinct clusters"):
        km = KMeans(3, random_state=0).fit(X)
    assert km.inertia_ == pytest.approx(0.0)


def test_iris_reaches_the_known_optimum():
    X, _ = load_iris()
    km = KMeans(3, n_init=10, random_state=0).fit(X)
    assert km.inertia_ == pytest.approx(78.851, abs=0.01)


class TestErrors:
    @pytest.mark.parametrize(
        "params, match",
        [
            ({"n_clusters": 0}, r"n_clusters.*\[1, 2147483647\].*got 0"),
            ({"max_iter": 0}, r"max_iter.*got 0"),
            ({"tol": -1.0}, r"tol.*got -1"),
            ({"n_init": 0}, r"n_init"),
            ({"algorithm": "fast"}, r"algorithm.*'fast'"),
            ({"init": "kmeans"}, r"init"),
            ({"n_jobs": 0}, r"n_jobs"),
        ],
    )
    def test_bad_parameters_name_the_parameter(self, params, match):
        with pytest.raises(ValueError, match=match):
            KMeans(**params).fit(np.random.rand(20, 2))

    def test_parameters_are_checked_at_fit_not_init(self):
        km = KMeans(n_clusters=-3)
        assert km.n_clusters == -3

    def test_fewer_samples_than_clusters(self):
        with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=4"):
            KMeans(4).fit(np.random.rand(3, 2))

    @pytest.mark.parametrize(
        "X, match",
        [
            ([[1.0, np.nan], [2.0, 3.0]], "NaN"),
            ([[1.0, np.inf], [2.0, 3.0]], "infinity"),
            ([1.0, 2.0, 3.0], "2D"),
            (np.empty((0, 3)), "0 sample"),
            (np.empty((5, 0)), "0 feature"),
        ],
    )
    def test_bad_X(self, X, match):
        with pytest.raises(ValueError, match=match):
            KMeans(1).fit(X)

    def test_non_numeric_X(self):
        with pytest.raises((ValueError, TypeError)):
            KMeans(1).fit([["a", "b"], ["c", "d"]])

    def test_bad_init_array(self):
        # scikit-learn's wording, for the clusters and then the features.
        with pytest.raises(ValueError, match=r"initial centers \(3, 2\) does not match the number of clusters 2"):
            KMeans(2, init=np.zeros((3, 2))).fit(np.random.rand(10, 2))
        with pytest.raises(ValueError, match="does not match the number of features of the data 2"):
            KMeans(2, init=np.zeros((2, 3))).fit(np.random.rand(10, 2))
        with pytest.raises(ValueError, match="number of features of the data 2"):
            KMeans(2, init=lambda X, k, random_state: np.zeros((k, 3))).fit(np.random.rand(10, 2))
        with pytest.raises(ValueError, match="NaN"):
            KMeans(1, init=[[np.nan, 0.0]]).fit(np.random.rand(10, 2))

    @pytest.mark.parametrize(
        "weight, match",
        [([1.0, -1.0, 1.0], "non-negative"), ([1.0, 1.0], "sample_weight"), ([1.0, np.nan, 1.0], "NaN")],
    )
    def test_bad_sample_weight(self, weight, match):
        with pytest.raises(ValueError, match=match):
            KMeans(1).fit(np.random.rand(3, 2), sample_weight=weight)

    def test_predict_before_fit(self):
        with pytest.raises(NotFittedError, match="not fitted"):
            KMeans().predict(np.random.rand(3, 2))
        assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)

    def test_predict_with_other_feature_count(self):
        km = KMeans(2, random_state=0).fit(np.random.rand(20, 3))
        with pytest.raises(ValueError, match="3 features"):
            km.predict(np.random.rand(5, 4))

    def test_failed_fit_keeps_previous_model(self):
        km = KMeans(2, random_state=0).fit(np.random.rand(20, 3))
        centers = km.cluster_centers_.copy()
        with pytest.raises(ValueError):
            km.fit(np.full((20, 3), np.nan))
        np.testing.assert_array_equal(km.cluster_centers_, centers)


@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly", "elkan"])
def test_ctrl_c_stops_a_long_fit_and_keeps_the_previous_model(algorithm):
    X = np.random.default_rng(0).random((50_000, 32), dtype=np.float32)
    km = KMeans(8, random_state=0).fit(X[:100])
    previous = km.cluster_centers_.copy()
    # Uniform data with tol=0 keeps Lloyd iterating far longer than the timer.
    km.set_params(n_clusters=64, algorithm=algorithm, tol=0.0, max_iter=100_000)
    timer = threading.Timer(0.05, _thread.interrupt_main)
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            km.fit(X)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 5.0
    np.testing.assert_array_equal(km.cluster_centers_, previous)


class TestPersistence:
    def test_pickle_round_trip(self, separated):
        X, _ = separated
        km = KMeans(5, random_state=0).fit(X)
        restored = pickle.loads(pickle.dumps(km))
        np.testing.assert_array_equal(restored.predict(X), km.labels_)
        assert restored.get_params() == km.get_params()

    def test_save_and_load(self, separated, tmp_path):
        X, _ = separated
        km = KMeans(5, algorithm="elkan", random_state=0).fit(X)
        km.save(tmp_path / "model.npz")
        restored = zoo.load(tmp_path / "model.npz")
        assert isinstance(restored, KMeans)
        assert restored.get_params() == km.get_params()
        np.testing.assert_array_equal(restored.cluster_centers_, km.cluster_centers_)
        np.testing.assert_array_equal(restored.predict(X), km.labels_)
        assert restored.inertia_ == km.inertia_ and restored.n_iter_ == km.n_iter_

    def test_clone_and_repr(self):
        sklearn_base = pytest.importorskip("sklearn.base")
        km = KMeans(4, tol=1e-3, random_state=2)
        copy = sklearn_base.clone(km)
        assert copy.get_params() == km.get_params() and copy is not km
        assert repr(km) == "KMeans(n_clusters=4, tol=0.001, random_state=2)"


def test_works_inside_scikit_learn_pipeline_and_search(separated):
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, _ = separated
    pipe = make_pipeline(StandardScaler(), KMeans(random_state=0))
    search = GridSearchCV(pipe, {"kmeans__n_clusters": [2, 5]}, cv=3).fit(X)
    assert search.best_params_ == {"kmeans__n_clusters": 5}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pipe.fit_predict(X).shape == (len(X),)
