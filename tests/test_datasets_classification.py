import numpy as np
import pytest

from zoo.datasets import make_classification


def linear_accuracy(X, y, n_train):
    """Test accuracy of least squares on one-hot targets (with an intercept),
    trained on the first n_train points and scored on the rest."""
    n_classes = int(y.max()) + 1

    def design(A):
        return np.c_[A.astype(np.float64), np.ones(len(A))]

    weights = np.linalg.lstsq(design(X[:n_train]), np.eye(n_classes)[y[:n_train]], rcond=None)[0]
    predicted = np.argmax(design(X[n_train:]) @ weights, axis=1)
    return float(np.mean(predicted == y[n_train:]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shapes_and_dtypes(dtype):
    X, y = make_classification(101, 7, n_classes=3, n_informative=4, random_state=0, dtype=dtype)
    assert X.shape == (101, 7) and X.dtype == dtype and X.flags.c_contiguous
    assert y.shape == (101,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1, 2}


def test_defaults():
    X, y = make_classification(random_state=0)
    assert X.shape == (1000, 20) and X.dtype == np.float64
    assert np.bincount(y).tolist() == [500, 500]


def test_same_seed_same_data_other_seed_other_data():
    X1, y1 = make_classification(200, 10, n_informative=5, noise=0.3, random_state=7)
    X2, y2 = make_classification(200, 10, n_informative=5, noise=0.3, random_state=7)
    X3, y3 = make_classification(200, 10, n_informative=5, noise=0.3, random_state=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)
    assert not np.array_equal(y1, y3)


def test_accepts_a_generator():
    X1, y1 = make_classification(50, 5, n_informative=3, random_state=np.random.default_rng(3))
    X2, y2 = make_classification(50, 5, n_informative=3, random_state=np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


def test_classes_are_balanced_and_shuffled():
    _, y = make_classification(1003, 5, n_classes=10, n_informative=5, random_state=0)
    # 1003 = 10 * 100 + 3: three classes get one more point.
    assert sorted(np.bincount(y).tolist()) == [100] * 7 + [101] * 3
    # Not grouped by class: labels change often along the array.
    assert np.count_nonzero(np.diff(y)) > 800


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("noise", [0.0, 1.0])
def test_features_are_standardised(dtype, tol, noise):
    X, _ = make_classification(5000, 64, n_classes=5, n_informative=12, noise=noise,
                               random_state=1, dtype=dtype)
    X = X.astype(np.float64)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=tol)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=tol)


def test_one_sample_is_finite():
    X, y = make_classification(1, 3, n_informative=2, random_state=0)
    assert X.shape == (1, 3) and np.all(np.isfinite(X)) and y.shape == (1,)


def test_a_linear_model_beats_chance_but_is_not_perfect():
    # Two overlapping Gaussian clusters per class: learnable, not linearly separable.
    X, y = make_classification(3000, 30, n_classes=4, n_informative=8, random_state=0)
    accuracy = linear_accuracy(X, y, n_train=2000)
    assert 0.4 < accuracy < 0.9  # chance is 0.25


def test_class_sep_and_noise_set_the_difficulty():
    def accuracy(**kwargs):
        params = dict(n_classes=4, n_informative=8, random_state=0) | kwargs
        X, y = make_classification(3000, 30, **params)
        return linear_accuracy(X, y, n_train=2000)

    hard, default, easy = accuracy(class_sep=0.3), accuracy(), accuracy(class_sep=3.0)
    assert hard < default < easy
    assert easy > 0.95
    assert accuracy(noise=1.0) < default
    # One well separated cluster per class is (almost) linearly separable.
    assert accuracy(n_clusters_per_class=1, class_sep=3.0) > 0.99


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": 2.5}, "n_samples"),
        ({"n_features": 0}, "n_features"),
        ({"n_classes": 1}, "n_classes"),
        ({"n_informative": 0}, "n_informative"),
        ({"n_informative": 21}, "n_informative"),
        ({"n_clusters_per_class": 0}, "n_clusters_per_class"),
        ({"class_sep": -1.0}, "class_sep"),
        ({"class_sep": np.inf}, "class_sep"),
        ({"noise": -0.1}, "noise"),
        ({"noise": np.nan}, "noise"),
    ],
)
def test_rejects_bad_parameters_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_classification(**kwargs)


def test_rejects_integer_dtype():
    with pytest.raises(TypeError, match="dtype"):
        make_classification(10, dtype=np.int32)
