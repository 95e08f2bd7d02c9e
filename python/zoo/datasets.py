"""Small built-in data sets: synthetic Gaussian blobs and Fisher's iris.

Everything here works offline: blobs are generated from a seeded NumPy
``Generator`` and iris is read from a CSV file shipped inside the package.
"""

from __future__ import annotations

from importlib import resources
from numbers import Integral

import numpy as np

__all__ = ["make_blobs", "load_iris"]

IRIS_FEATURE_NAMES = (
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
)
# The CSV stores species as integer codes; this is their order.
IRIS_TARGET_NAMES = ("setosa", "versicolor", "virginica")


class Bunch(dict):
    """A dict whose keys can also be read as attributes (``iris.data``)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def make_blobs(
    n_samples=100,
    n_features=2,
    *,
    centers=3,
    cluster_std=1.0,
    center_box=(-10.0, 10.0),
    shuffle=True,
    random_state=None,
    dtype=np.float64,
    return_centers=False,
):
    """Draw isotropic Gaussian blobs, the standard test data for clustering.

    Parameters
    ----------
    n_samples : int or sequence of int, default=100
        Total number of points, split as evenly as possible between the
        centres (the first ``n_samples % n_centers`` get one more), or the
        number of points for each centre.
    n_features : int, default=2
        Number of features; ignored when ``centers`` is an array.
    centers : int or array-like of shape (n_centers, n_features), default=3
        How many centres to draw uniformly from ``center_box``, or the
        centres themselves.
    cluster_std : float or sequence of float, default=1.0
        Standard deviation of each blob (one value for all, or one per centre).
    center_box : tuple of float (min, max), default=(-10.0, 10.0)
        Bounding box for randomly drawn centres.
    shuffle : bool, default=True
        Shuffle the points; otherwise they are grouped by blob.
    random_state : None, int or numpy.random.Generator, default=None
        Seed; the same seed gives the same data.
    dtype : numpy float dtype, default=numpy.float64
        Float type of ``X`` (and of the returned centres).
    return_centers : bool, default=False
        Also return the centres.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int64
        Index of the blob each point was drawn from.
    centers : ndarray of shape (n_centers, n_features)
        Only when ``return_centers`` is true.
    """
    rng = np.random.default_rng(random_state)
    dtype = _float_dtype(dtype)
    centers = _blob_centers(centers, n_samples, n_features, center_box, rng)
    n_centers, n_features = centers.shape
    counts = _points_per_center(n_samples, n_centers)
    stds = _per_center(cluster_std, n_centers, "cluster_std")
    if np.any(stds < 0) or not np.all(np.isfinite(stds)):
        raise ValueError(f"cluster_std must be finite and >= 0, got {cluster_std!r}")

    y = np.repeat(np.arange(n_centers, dtype=np.int64), counts)
    # Scaling standard normals per row keeps this one vectorised draw.
    noise = rng.standard_normal((y.size, n_features))
    X = centers[y] + stds[y, None] * noise
    if shuffle:
        order = rng.permutation(y.size)
        X, y = X[order], y[order]

    X = np.ascontiguousarray(X, dtype=dtype)
    if return_centers:
        return X, y, centers.astype(dtype)
    return X, y


def load_iris(*, return_X_y=True):
    """Fisher's iris measurements: 150 flowers, 4 features, 3 species of 50.

    Parameters
    ----------
    return_X_y : bool, default=True
        Return ``(X, y)``; otherwise a :class:`Bunch` with ``data``,
        ``target``, ``feature_names`` and ``target_names``.

    Returns
    -------
    X : ndarray of shape (150, 4), float64
        Sepal length, sepal width, petal length, petal width, in cm.
    y : ndarray of shape (150,), int64
        Species code: 0 setosa, 1 versicolor, 2 virginica.
    """
    source = resources.files(__package__).joinpath("_data", "iris.csv")
    with source.open("r", encoding="ascii") as f:
        table = np.loadtxt(f, delimiter=",", skiprows=1)
    X = np.ascontiguousarray(table[:, :4])
    y = table[:, 4].astype(np.int64)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        feature_names=list(IRIS_FEATURE_NAMES),
        target_names=list(IRIS_TARGET_NAMES),
    )


def _float_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def _blob_centers(centers, n_samples, n_features, center_box, rng):
    """Return the centres as a float64 (n_centers, n_features) array."""
    if isinstance(centers, Integral) and not isinstance(centers, bool):
        n_centers = int(centers)
        if not np.isscalar(n_samples) and len(n_samples) != n_centers:
            raise ValueError(
                f"n_samples has {len(n_samples)} entries but centers={n_centers}"
            )
        if n_centers < 1:
            raise ValueError(f"centers must be >= 1, got {centers}")
        if not isinstance(n_features, Integral) or n_features < 1:
            raise ValueError(f"n_features must be an int >= 1, got {n_features!r}")
        low, high = center_box
        if not low < high:
            raise ValueError(f"center_box must be (min, max) with min < max, got {center_box!r}")
        return rng.uniform(low, high, size=(n_centers, int(n_features)))

    array = np.asarray(centers, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(
            f"centers must be an int or a 2-D array (n_centers, n_features), "
            f"got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError("centers must be finite")
    return array


def _points_per_center(n_samples, n_centers):
    if np.isscalar(n_samples):
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be an int >= 1, got {n_samples!r}")
        base, extra = divmod(int(n_samples), n_centers)
        return np.array([base + (i < extra) for i in range(n_centers)], dtype=np.int64)
    counts = np.asarray(n_samples)
    if counts.shape != (n_centers,) or counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise ValueError(
            f"n_samples must be an int or one non-negative int per centre "
            f"({n_centers}), got {n_samples!r}"
        )
    return counts.astype(np.int64)


def _per_center(value, n_centers, name):
    values = np.asarray(value, dtype=np.float64)
    if values.ndim == 0:
        return np.full(n_centers, float(values))
    if values.shape != (n_centers,):
        raise ValueError(
            f"{name} must be a float or one value per centre ({n_centers}), got {value!r}"
        )
    return values
