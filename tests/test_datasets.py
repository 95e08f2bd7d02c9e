import numpy as np
import pytest

from zoo.datasets import load_iris, make_blobs, make_gaussian_grid, make_gaussian_ring


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_make_blobs_shapes_and_dtypes(dtype):
    X, y = make_blobs(101, 5, centers=4, random_state=0, dtype=dtype)
    assert X.shape == (101, 5) and X.dtype == dtype and X.flags.c_contiguous
    assert y.shape == (101,) and y.dtype == np.int64
    # 101 = 4 * 25 + 1: the first centre takes the extra point.
    assert np.bincount(y).tolist() == [26, 25, 25, 25]


def test_make_blobs_same_seed_same_data_other_seed_other_data():
    X1, y1 = make_blobs(50, 3, random_state=7)
    X2, y2 = make_blobs(50, 3, random_state=7)
    X3, _ = make_blobs(50, 3, random_state=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_make_blobs_accepts_a_generator():
    X1, _ = make_blobs(20, random_state=np.random.default_rng(3))
    X2, _ = make_blobs(20, random_state=np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)


def test_make_blobs_points_gather_around_their_centres():
    X, y, centers = make_blobs(
        30_000, 4, centers=3, cluster_std=0.5, random_state=1, return_centers=True
    )
    assert centers.shape == (3, 4)
    assert np.all((centers >= -10) & (centers <= 10))
    for label in range(3):
        members = X[y == label]
        np.testing.assert_allclose(members.mean(axis=0), centers[label], atol=0.03)
        np.testing.assert_allclose(members.std(axis=0), 0.5, rtol=0.05)


def test_make_blobs_given_centres_and_per_centre_counts_and_stds():
    centers = np.array([[0.0, 0.0], [100.0, 100.0]])
    X, y = make_blobs([10, 30], centers=centers, cluster_std=[0.0, 1.0], random_state=0)
    assert X.shape == (40, 2)
    assert np.bincount(y).tolist() == [10, 30]
    # A zero standard deviation puts every point exactly on its centre.
    np.testing.assert_array_equal(X[y == 0], 0.0)
    assert np.abs(X[y == 1] - 100).max() < 6


def test_make_blobs_unshuffled_is_grouped_by_blob():
    _, y = make_blobs(9, centers=3, shuffle=False, random_state=0)
    assert y.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"centers": 0}, "centers"),
        ({"n_features": 0}, "n_features"),
        ({"cluster_std": -1.0}, "cluster_std"),
        ({"center_box": (1, -1)}, "center_box"),
        ({"centers": np.zeros(3)}, "centers"),
        ({"n_samples": [5, 5], "centers": 3}, "n_samples"),
    ],
)
def test_make_blobs_rejects_bad_parameters_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_blobs(**kwargs)


def test_make_blobs_rejects_integer_dtype():
    with pytest.raises(TypeError, match="dtype"):
        make_blobs(10, dtype=np.int32)


def test_load_iris_content():
    X, y = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    # The first flower of Fisher's table, and known per-species facts:
    # setosa petals are short, virginica's are the longest on average.
    np.testing.assert_array_equal(X[0], [5.1, 3.5, 1.4, 0.2])
    petal_length = [X[y == k, 2].mean() for k in range(3)]
    assert petal_length[0] < 2 < petal_length[1] < petal_length[2]
    assert X.min() > 0 and X.max() < 8


def test_load_iris_matches_scikit_learn_copy():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    X, y = load_iris()
    X_ref, y_ref = sklearn_datasets.load_iris(return_X_y=True)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_load_iris_bunch_names_columns_and_species():
    iris = load_iris(return_X_y=False)
    assert iris.data.shape == (150, 4)
    assert iris.target_names == ["setosa", "versicolor", "virginica"]
    assert len(iris.feature_names) == 4 and "petal length (cm)" in iris.feature_names
    with pytest.raises(AttributeError):
        iris.no_such_field


# ------------------------------------------------- mode-collapse mixtures


def test_make_gaussian_ring_centres_lie_equally_spaced_on_the_circle():
    _, _, centers = make_gaussian_ring(16, n_modes=8, radius=2.0, random_state=0, return_centers=True)
    assert centers.shape == (8, 2)
    np.testing.assert_allclose(np.hypot(centers[:, 0], centers[:, 1]), 2.0)
    angles = np.unwrap(np.arctan2(centers[:, 1], centers[:, 0]))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8)
    np.testing.assert_allclose(centers[0], [2.0, 0.0])


def test_make_gaussian_grid_centres_span_minus_four_to_four_in_steps_of_two():
    _, _, centers = make_gaussian_grid(25, random_state=0, return_centers=True)
    assert centers.shape == (25, 2)
    expected = [(x, y) for y in (-4, -2, 0, 2, 4) for x in (-4, -2, 0, 2, 4)]
    np.testing.assert_array_equal(centers, expected)
    _, _, small = make_gaussian_grid(4, side=2, spacing=3.0, random_state=0, return_centers=True)
    np.testing.assert_array_equal(small, [[-1.5, -1.5], [1.5, -1.5], [-1.5, 1.5], [1.5, 1.5]])


@pytest.mark.parametrize(
    "make, kwargs, n_modes",
    [(make_gaussian_ring, {"n_modes": 6, "std": 0.1}, 6), (make_gaussian_grid, {"side": 3, "std": 0.2}, 9)],
)
def test_gaussian_mixtures_draw_balanced_modes_with_the_given_spread(make, kwargs, n_modes):
    X, y, centers = make(30_001, random_state=1, return_centers=True, **kwargs)
    assert X.shape == (30_001, 2) and X.dtype == np.float64 and X.flags.c_contiguous
    counts = np.bincount(y, minlength=n_modes)
    assert counts.max() - counts.min() <= 1 and counts.sum() == 30_001
    for mode in range(n_modes):
        members = X[y == mode]
        np.testing.assert_allclose(members.mean(axis=0), centers[mode], atol=0.02)
        np.testing.assert_allclose(members.std(axis=0), kwargs["std"], rtol=0.06)
    # Shuffled: the modes are not grouped.
    assert np.count_nonzero(np.diff(y[:100])) > 50


@pytest.mark.parametrize("make", [make_gaussian_ring, make_gaussian_grid])
def test_gaussian_mixtures_same_seed_same_data_and_float32(make):
    X1, y1 = make(200, random_state=5)
    X2, y2 = make(200, random_state=np.random.default_rng(5))
    X3, _ = make(200, random_state=6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)
    X32, _, centers32 = make(50, random_state=0, dtype=np.float32, return_centers=True)
    assert X32.dtype == np.float32 and centers32.dtype == np.float32


def test_gaussian_mixtures_with_zero_std_put_points_on_the_centres():
    X, y, centers = make_gaussian_ring(40, std=0.0, random_state=0, return_centers=True)
    np.testing.assert_array_equal(X, centers[y])


@pytest.mark.parametrize(
    "make, kwargs, message",
    [
        (make_gaussian_ring, {"n_samples": 0}, "n_samples"),
        (make_gaussian_ring, {"n_modes": 0}, "n_modes"),
        (make_gaussian_ring, {"n_modes": 2.5}, "n_modes"),
        (make_gaussian_ring, {"radius": 0.0}, "radius"),
        (make_gaussian_ring, {"radius": float("nan")}, "radius"),
        (make_gaussian_ring, {"std": -0.1}, "std"),
        (make_gaussian_grid, {"side": 0}, "side"),
        (make_gaussian_grid, {"spacing": -2.0}, "spacing"),
        (make_gaussian_grid, {"std": float("inf")}, "std"),
    ],
)
def test_gaussian_mixtures_reject_bad_parameters_naming_them(make, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make(**kwargs)
