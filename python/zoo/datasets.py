"""Small built-in data sets: synthetic Gaussian blobs, a synthetic
classification problem, the 2-D Gaussian mixtures that test generative
models for mode collapse, and Fisher's iris.

Everything here works offline: the synthetic sets are generated from a seeded
NumPy ``Generator`` and iris is read from a CSV file shipped inside the package.
"""

from __future__ import annotations

from importlib import resources
from numbers import Integral, Real

import numpy as np

__all__ = ["make_blobs", "make_classification", "make_gaussian_ring", "make_gaussian_grid", "load_iris"]

IRIS_FEATURE_NAMES = (
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
)
# make_classification computes its features by blocks of this many rows.
_BLOCK_ROWS = 2048
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


def make_classification(
    n_samples=1000,
    n_features=20,
    *,
    n_classes=2,
    n_informative=10,
    n_clusters_per_class=2,
    class_sep=1.0,
    noise=0.0,
    random_state=None,
    dtype=np.float64,
):
    """Draw a learnable, not linearly separable classification problem.

    Each class is a mixture of ``n_clusters_per_class`` unit-variance
    Gaussian clusters in an ``n_informative``-dimensional latent space, their
    centres drawn from a normal distribution of standard deviation
    ``class_sep``. The latent points are embedded into ``n_features``
    dimensions by one random linear map followed by a mild nonlinearity
    (``tanh`` of inputs with standard deviation about 1), Gaussian noise of
    standard deviation ``noise`` is added to every feature independently, and
    each feature is then standardised to mean 0 and standard deviation 1.

    Classes overlap, so even the best classifier errs; the error falls as
    ``class_sep`` or ``n_informative`` grows. With several clusters per class
    a linear model does clearly worse than a neural network. For example
    ``make_classification(70_000, 784, n_classes=10, n_informative=16,
    n_clusters_per_class=6, class_sep=1.5, noise=0.5)`` is a digits-sized
    problem on which a linear model scores about 70% and a small MLP 95-96%
    (the best possible is about 98%).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points, split as evenly as possible between the classes.
    n_features : int, default=20
        Number of features.
    n_classes : int, default=2
        Number of classes, at least 2.
    n_informative : int, default=10
        Dimension of the latent space the classes are drawn in, from 1 to
        ``n_features``.
    n_clusters_per_class : int, default=2
        Gaussian clusters making up each class.
    class_sep : float, default=1.0
        Standard deviation of the cluster centres in units of the clusters'
        own standard deviation: larger is easier.
    noise : float, default=0.0
        Standard deviation of the independent Gaussian noise added to each
        feature, relative to the feature's signal (whose standard deviation
        is about 1), before standardisation.
    random_state : None, int or numpy.random.Generator, default=None
        Seed; the same seed and dtype give the same data.
    dtype : numpy float dtype, default=numpy.float64
        Float type of ``X``; float32 is also the precision the features are
        computed in, which makes large problems faster to draw.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        C-contiguous, each column with mean 0 and standard deviation 1.
    y : ndarray of shape (n_samples,), int64
        Class of each point, from 0 to ``n_classes - 1``, in random order.
    """
    n_samples = _positive_int(n_samples, "n_samples")
    n_features = _positive_int(n_features, "n_features")
    n_classes = _positive_int(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(f"n_classes must be >= 2, got {n_classes}")
    n_informative = _positive_int(n_informative, "n_informative")
    if n_informative > n_features:
        raise ValueError(
            f"n_informative must be <= n_features ({n_features}), got {n_informative}"
        )
    n_clusters = _positive_int(n_clusters_per_class, "n_clusters_per_class")
    class_sep = _non_negative_float(class_sep, "class_sep")
    noise = _non_negative_float(noise, "noise")
    dtype = _float_dtype(dtype)
    rng = np.random.default_rng(random_state)

    # Cluster c of class k has centre row k * n_clusters + c.
    centres = class_sep * rng.standard_normal((n_classes * n_clusters, n_informative))
    y = np.arange(n_samples, dtype=np.int64) % n_classes
    rng.shuffle(y)
    cluster = rng.integers(0, n_clusters, size=n_samples)
    latent = centres[y * n_clusters + cluster] + rng.standard_normal((n_samples, n_informative))

    # Latent coordinates have variance class_sep**2 + 1; scaling the map so
    # its outputs have variance about 1 keeps tanh mildly nonlinear.
    embedding = rng.standard_normal((n_informative, n_features))
    embedding /= np.sqrt(n_informative * (class_sep**2 + 1.0))
    latent = latent.astype(dtype)
    embedding = embedding.astype(dtype)
    X = np.empty((n_samples, n_features), dtype=dtype)
    noise_block = None
    if noise > 0:
        noise_block = np.empty((min(n_samples, _BLOCK_ROWS), n_features), dtype=dtype)
    # By blocks of rows, so that the noise (most of the time of a large
    # problem) is drawn into one small reused buffer, not a second X.
    for start in range(0, n_samples, _BLOCK_ROWS):
        rows = slice(start, min(start + _BLOCK_ROWS, n_samples))
        block = X[rows]
        np.matmul(latent[rows], embedding, out=block)
        np.tanh(block, out=block)
        if noise_block is not None:
            drawn = noise_block[: block.shape[0]]
            rng.standard_normal(out=drawn, dtype=dtype)
            drawn *= noise
            block += drawn

    X -= X.mean(axis=0)
    std = X.std(axis=0)
    std[std == 0] = 1  # one sample, or a constant feature
    X /= std
    return np.ascontiguousarray(X), y


def make_gaussian_ring(
    n_samples=2500,
    *,
    n_modes=8,
    radius=2.0,
    std=0.02,
    random_state=None,
    dtype=np.float64,
    return_centers=False,
):
    """Draw a ring of equally spaced 2-D Gaussians, a test of mode collapse.

    The standard benchmark of generative adversarial networks since Metz et
    al., "Unrolled generative adversarial networks" (2017) and Srivastava et
    al., "VEEGAN" (2017): with the defaults, 8 modes on a circle of radius 2,
    each with standard deviation 0.02. The modes are far apart compared with
    their width, so a generator that collapses onto a few of them is easy to
    see, and :func:`zoo.metrics.mode_coverage` counts how many it covers.

    Parameters
    ----------
    n_samples : int, default=2500
        Number of points, split as evenly as possible between the modes (the
        first ``n_samples % n_modes`` get one more).
    n_modes : int, default=8
        Number of Gaussians; mode ``k`` is centred at angle ``2 pi k / n_modes``.
    radius : float, default=2.0
        Distance of every centre from the origin.
    std : float, default=0.02
        Standard deviation of each Gaussian along each axis.
    random_state : None, int or numpy.random.Generator, default=None
        Seed; the same seed gives the same data.
    dtype : numpy float dtype, default=numpy.float64
        Float type of ``X`` (and of the returned centres).
    return_centers : bool, default=False
        Also return the centres.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points, in random order.
    y : ndarray of shape (n_samples,), int64
        Index of the mode each point was drawn from.
    centers : ndarray of shape (n_modes, 2)
        Only when ``return_centers`` is true.

    Examples
    --------
    >>> X, y, centers = make_gaussian_ring(800, random_state=0, return_centers=True)
    >>> X.shape, centers.shape
    ((800, 2), (8, 2))
    """
    n_modes = _positive_int(n_modes, "n_modes")
    radius = _positive_float(radius, "radius")
    std = _non_negative_float(std, "std")
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    centers = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    return _mixture(n_samples, centers, std, random_state, dtype, return_centers)


def make_gaussian_grid(
    n_samples=2500,
    *,
    side=5,
    spacing=2.0,
    std=0.05,
    random_state=None,
    dtype=np.float64,
    return_centers=False,
):
    """Draw a square grid of 2-D Gaussians, a test of mode collapse.

    The harder companion of :func:`make_gaussian_ring` (Srivastava et al.,
    "VEEGAN", 2017): with the defaults, 25 modes on a 5 x 5 grid centred on
    the origin, from -4 to 4 in steps of 2 along each axis, each with
    standard deviation 0.05.

    Parameters
    ----------
    n_samples : int, default=2500
        Number of points, split as evenly as possible between the modes (the
        first ``n_samples % side**2`` get one more).
    side : int, default=5
        Modes along each axis; there are ``side**2`` in all, mode
        ``row * side + column`` at ``(x[column], x[row])``.
    spacing : float, default=2.0
        Distance between neighbouring centres along an axis.
    std : float, default=0.05
        Standard deviation of each Gaussian along each axis.
    random_state : None, int or numpy.random.Generator, default=None
        Seed; the same seed gives the same data.
    dtype : numpy float dtype, default=numpy.float64
        Float type of ``X`` (and of the returned centres).
    return_centers : bool, default=False
        Also return the centres.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points, in random order.
    y : ndarray of shape (n_samples,), int64
        Index of the mode each point was drawn from.
    centers : ndarray of shape (side**2, 2)
        Only when ``return_centers`` is true.

    Examples
    --------
    >>> X, y, centers = make_gaussian_grid(1000, random_state=0, return_centers=True)
    >>> float(centers.min()), float(centers.max()), len(centers)
    (-4.0, 4.0, 25)
    """
    side = _positive_int(side, "side")
    spacing = _positive_float(spacing, "spacing")
    std = _non_negative_float(std, "std")
    # Centred on the origin, so the grid's scale is the data's scale.
    axis = spacing * (np.arange(side) - (side - 1) / 2)
    rows, columns = np.meshgrid(axis, axis, indexing="ij")
    centers = np.column_stack([columns.ravel(), rows.ravel()])
    return _mixture(n_samples, centers, std, random_state, dtype, return_centers)


def _mixture(n_samples, centers, std, random_state, dtype, return_centers):
    """Equal-weight isotropic Gaussians around ``centers``: blobs with fixed
    centres, so make_blobs does the drawing, the shuffling and the checks of
    n_samples, random_state and dtype."""
    return make_blobs(
        n_samples,
        centers=centers,
        cluster_std=std,
        random_state=random_state,
        dtype=dtype,
        return_centers=return_centers,
    )


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


def _positive_int(value, name):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return int(value)


def _positive_float(value, name):
    finite = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
    if not finite or value <= 0:
        raise ValueError(f"{name} must be a finite float > 0, got {value!r}")
    return float(value)


def _non_negative_float(value, name):
    finite = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
    if not finite or value < 0:
        raise ValueError(f"{name} must be a finite float >= 0, got {value!r}")
    return float(value)


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
