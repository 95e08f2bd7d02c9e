"""Image augmentations: flips, crops, translations, rotations, colour and noise.

Each transform draws its per-sample parameters (flip or not, offset, angle,
factor) with NumPy from ``random_state`` and hands them to a C++ kernel that
processes the batch in parallel (``n_jobs`` threads), so the result does not
depend on the thread count. Batches are ``(N, H, W, C)`` (default) or ``(N, C,
H, W)`` with ``data_format="channels_first"``; with ``image_shape`` set, 2-D
batches of flattened images ``(N, H*W*C)`` work too (that is what
``MLP.fit(..., augment=...)`` passes).
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _core
from .._threads import resolve_n_jobs
from .._validation import _short_repr
from ._base import Transform, _real
from ._layout import as_image_batch, check_data_format, check_image_shape, spatial_size

__all__ = [
    "ImageTransform",
    "RandomHorizontalFlip",
    "RandomVerticalFlip",
    "RandomCrop",
    "RandomTranslation",
    "RandomRotation",
    "RandomBrightness",
    "RandomContrast",
    "ColorJitter",
    "GaussianNoise",
]

_PADDING_MODES = ("constant", "reflect", "edge")


class ImageTransform(Transform):
    """Base of the image augmentations: batch layout, threads, dtype round trip.

    Subclasses call ``_init_layout`` from ``__init__`` and implement
    ``_apply(batch, rng, channels_first, n_threads)`` on a 4-D float batch.
    """

    def _init_layout(self, image_shape, data_format, n_jobs):
        owner = type(self).__name__
        self.data_format = check_data_format(data_format, owner)
        self.image_shape = check_image_shape(image_shape, owner)
        if n_jobs is not None:
            resolve_n_jobs(n_jobs)  # rejects 0 and non-integers now, not at the first call
        self.n_jobs = n_jobs

    def _augment(self, X, rng):
        batch, restore = as_image_batch(X, self.image_shape, self.data_format, type(self).__name__)
        channels_first = self.data_format == "channels_first"
        return restore(self._apply(batch, rng, channels_first, resolve_n_jobs(self.n_jobs)))

    def _apply(self, batch, rng, channels_first, n_threads):
        raise NotImplementedError


# ----------------------------------------------------------------- parameters


def _interval(value, name, owner, *, symmetric_about, low=None):
    """A (low, high) pair from a scalar (``center -/+ value``) or a pair."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        spread = _real(value, name, owner, low=0.0)
        start = symmetric_about - spread
        return (start if low is None else max(start, low), symmetric_about + spread)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        lo = _real(value[0], f"{name}[0]", owner, low=low)
        hi = _real(value[1], f"{name}[1]", owner, low=low)
        if lo > hi:
            raise ValueError(f"{owner}: {name} must be (low, high) with low <= high; got {value!r}.")
        return (lo, hi)
    raise ValueError(f"{owner}: {name} must be a non-negative number or a (low, high) pair; got {_short_repr(value)}.")


def _value_range(value_range, owner):
    if value_range is None:
        return None
    if isinstance(value_range, (tuple, list)) and len(value_range) == 2:
        low = _real(value_range[0], "value_range[0]", owner)
        high = _real(value_range[1], "value_range[1]", owner)
        if low <= high:
            return (low, high)
    raise ValueError(
        f"{owner}: value_range must be None or (low, high) with low <= high; got {_short_repr(value_range)}."
    )


def _pair_of_counts(value, name, owner):
    """An int, or a pair of ints, each >= 0, as (rows, cols)."""
    values = value if isinstance(value, (tuple, list)) and len(value) == 2 else (value, value)
    for v in values:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < 0:
            raise ValueError(f"{owner}: {name} must be an int >= 0 or a pair of them; got {_short_repr(value)}.")
    return (int(values[0]), int(values[1]))


def _option(value, name, options, owner):
    if value not in options:
        raise ValueError(f"{owner}: {name} must be one of {', '.join(map(repr, options))}; got {_short_repr(value)}.")
    return value


# ---------------------------------------------------------------------- flips


class RandomHorizontalFlip(ImageTransform):
    """Mirror each image left-right with probability ``p``.

    Parameters
    ----------
    p : float in [0, 1], default=0.5
        Probability per image.
    image_shape : tuple of 3 ints or None, default=None
        ``(H, W, C)`` (``(C, H, W)`` for channels_first) of one image; needed
        for 2-D batches of flattened images.
    data_format : {"channels_last", "channels_first"}, default="channels_last"
        ``(N, H, W, C)`` or ``(N, C, H, W)``.
    n_jobs : int or None, default=None
        Threads; None uses :func:`zoo.set_num_threads`' setting. The result
        does not depend on it.
    """

    _axis = "horizontal"

    def __init__(self, p=0.5, *, image_shape=None, data_format="channels_last", n_jobs=None):
        self.p = _real(p, "p", type(self).__name__, low=0.0, high=1.0)
        self._init_layout(image_shape, data_format, n_jobs)

    def _apply(self, batch, rng, channels_first, n_threads):
        flip = (rng.random(batch.shape[0]) < self.p).astype(np.uint8)
        keep = np.zeros_like(flip)
        horizontal, vertical = (flip, keep) if self._axis == "horizontal" else (keep, flip)
        return _core.augment_flip(batch, channels_first, horizontal, vertical, n_threads)


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror each image top-bottom with probability ``p``.

    Parameters are those of :class:`RandomHorizontalFlip`.
    """

    _axis = "vertical"


# ------------------------------------------------------- crops and translation


class RandomCrop(ImageTransform):
    """Crop a random window from each image, optionally padded first.

    Parameters
    ----------
    size : int, (int, int) or None, default=None
        Output ``(height, width)``; an int means a square. None keeps the
        image's own size, which with ``padding`` is the classic "pad and
        crop back" augmentation. A size other than the image's changes the
        output shape, so it needs a 4-D batch (flattened rows must keep
        their length).
    padding : int or (int, int), default=0
        Pixels added on each side (rows, columns) before cropping.
    padding_mode : {"constant", "reflect", "edge"}, default="constant"
        What the padding holds: ``fill``; the image mirrored about its border
        pixel (as ``numpy.pad``'s "reflect"); or the border pixel repeated.
    fill : float, default=0.0
        Padding value for ``padding_mode="constant"``.
    image_shape, data_format, n_jobs
        As for :class:`RandomHorizontalFlip`.

    Notes
    -----
    The window's top-left corner is uniform over every position where it
    fits inside the padded image.
    """

    def __init__(self, size=None, padding=0, padding_mode="constant", fill=0.0, *,
                 image_shape=None, data_format="channels_last", n_jobs=None):
        owner = type(self).__name__
        # Parameters are kept as given (for repr); the checked forms are private.
        self.size, self.padding = size, padding
        self._size = None if size is None else _pair_of_counts(size, "size", owner)
        if self._size is not None and min(self._size) < 1:
            raise ValueError(f"{owner}: size must be at least 1; got {size!r}.")
        self._padding = _pair_of_counts(padding, "padding", owner)
        self.padding_mode = _option(padding_mode, "padding_mode", _PADDING_MODES, owner)
        self.fill = _real(fill, "fill", owner)
        self._init_layout(image_shape, data_format, n_jobs)
        if self.image_shape is not None:
            self._output_size(*_image_hw(self.image_shape, self.data_format))

    def _output_size(self, height, width):
        out_height, out_width = (height, width) if self._size is None else self._size
        pad_rows, pad_cols = self._padding
        if out_height > height + 2 * pad_rows or out_width > width + 2 * pad_cols:
            raise ValueError(
                f"{type(self).__name__}: size {(out_height, out_width)} is larger than the padded image "
                f"{(height + 2 * pad_rows, width + 2 * pad_cols)} (image {(height, width)}, padding {self._padding})."
            )
        return out_height, out_width

    def _augment(self, X, rng):
        if np.ndim(X) == 2 and self._size is not None and self.image_shape is not None:
            height, width = _image_hw(self.image_shape, self.data_format)
            if self._size != (height, width):
                raise ValueError(
                    f"{type(self).__name__}: size {self._size} differs from the image size {(height, width)}, "
                    "which would change the length of the flattened rows; pass a 4-D batch instead."
                )
        return super()._augment(X, rng)

    def _apply(self, batch, rng, channels_first, n_threads):
        height, width, _ = spatial_size(batch, self.data_format)
        out_height, out_width = self._output_size(height, width)
        pad_rows, pad_cols = self._padding
        n = batch.shape[0]
        top = rng.integers(-pad_rows, height + pad_rows - out_height, size=n, endpoint=True)
        left = rng.integers(-pad_cols, width + pad_cols - out_width, size=n, endpoint=True)
        return _core.augment_crop(batch, channels_first, out_height, out_width, top.astype(np.int64),
                                  left.astype(np.int64), self.padding_mode, self.fill, n_threads)


def _image_hw(image_shape, data_format):
    return tuple(image_shape[1:]) if data_format == "channels_first" else tuple(image_shape[:2])


class RandomTranslation(ImageTransform):
    """Shift each image by a random whole number of pixels.

    Parameters
    ----------
    max_shift : float, int or pair of them
        Largest shift. A float in [0, 1) is a fraction of the height and
        width (rounded to whole pixels); an int is a number of pixels. A
        pair gives (rows, cols) separately. Each image is shifted by
        integers drawn uniformly from ``[-max, max]`` along each axis.
    fill : float, default=0.0
        Value of the pixels shifted in, for ``padding_mode="constant"``.
    padding_mode : {"constant", "reflect", "edge"}, default="constant"
        How the uncovered border is filled (see :class:`RandomCrop`).
    image_shape, data_format, n_jobs
        As for :class:`RandomHorizontalFlip`.
    """

    def __init__(self, max_shift, fill=0.0, padding_mode="constant", *,
                 image_shape=None, data_format="channels_last", n_jobs=None):
        owner = type(self).__name__
        values = max_shift if isinstance(max_shift, (tuple, list)) and len(max_shift) == 2 else (max_shift,)
        for v in values:
            is_int = isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
            is_fraction = isinstance(v, numbers.Real) and not is_int and not isinstance(v, (bool, np.bool_))
            if not ((is_int and v >= 0) or (is_fraction and 0.0 <= v < 1.0)):
                raise ValueError(
                    f"{owner}: max_shift must be a fraction in [0, 1), a number of pixels >= 0, or a "
                    f"(rows, cols) pair of them; got {_short_repr(max_shift)}."
                )
        self.max_shift = tuple(max_shift) if isinstance(max_shift, (tuple, list)) else max_shift
        self.fill = _real(fill, "fill", owner)
        self.padding_mode = _option(padding_mode, "padding_mode", _PADDING_MODES, owner)
        self._init_layout(image_shape, data_format, n_jobs)

    def _shift_pixels(self, height, width):
        rows, cols = self.max_shift if isinstance(self.max_shift, tuple) else (self.max_shift,) * 2
        return (_pixels(rows, height), _pixels(cols, width))

    def _apply(self, batch, rng, channels_first, n_threads):
        height, width, _ = spatial_size(batch, self.data_format)
        max_rows, max_cols = self._shift_pixels(height, width)
        n = batch.shape[0]
        shift_rows = rng.integers(-max_rows, max_rows, size=n, endpoint=True)
        shift_cols = rng.integers(-max_cols, max_cols, size=n, endpoint=True)
        # Content moved down/right by (dr, dc) is the window starting at (-dr, -dc).
        return _core.augment_crop(batch, channels_first, height, width, (-shift_rows).astype(np.int64),
                                  (-shift_cols).astype(np.int64), self.padding_mode, self.fill, n_threads)


def _pixels(shift, extent):
    if isinstance(shift, numbers.Integral):
        return int(shift)
    return int(round(shift * extent))


# -------------------------------------------------------------------- rotation


class RandomRotation(ImageTransform):
    """Rotate each image about its centre by a random angle.

    Parameters
    ----------
    degrees : float or (float, float)
        Angles are drawn uniformly from ``[-degrees, degrees]`` (or the
        given range), in degrees; positive turns counter-clockwise as the
        image is displayed (row 0 at the top).
    fill : float, default=0.0
        Value of the pixels that come from outside the image.
    interpolation : {"bilinear", "nearest"}, default="bilinear"
        How a rotated pixel is read from the source image.
    image_shape, data_format, n_jobs
        As for :class:`RandomHorizontalFlip`.

    Notes
    -----
    Output pixel (row r, column c) reads the source at
    ``col = cx + cos(a)(c - cx) - sin(a)(r - cy)``,
    ``row = cy + sin(a)(c - cx) + cos(a)(r - cy)``, with the centre
    ``(cx, cy) = ((W - 1) / 2, (H - 1) / 2)``. Bilinear reading weights the
    four neighbouring pixels; one outside the image counts as ``fill``.
    Nearest reading rounds half up.
    """

    def __init__(self, degrees, fill=0.0, interpolation="bilinear", *,
                 image_shape=None, data_format="channels_last", n_jobs=None):
        owner = type(self).__name__
        self.degrees = degrees
        self._degrees = _interval(degrees, "degrees", owner, symmetric_about=0.0)
        self.fill = _real(fill, "fill", owner)
        self.interpolation = _option(interpolation, "interpolation", ("bilinear", "nearest"), owner)
        self._init_layout(image_shape, data_format, n_jobs)

    def _apply(self, batch, rng, channels_first, n_threads):
        height, width, _ = spatial_size(batch, self.data_format)
        angles = np.deg2rad(rng.uniform(self._degrees[0], self._degrees[1], size=batch.shape[0]))
        matrices = rotation_matrices(angles, height, width)
        return _core.augment_affine(batch, channels_first, matrices, self.interpolation, self.fill, n_threads)


def rotation_matrices(angles, height, width):
    """Inverse maps (N, 6) of rotations by ``angles`` (radians) about the image centre."""
    center_col, center_row = (width - 1) / 2.0, (height - 1) / 2.0
    cos, sin = np.cos(angles), np.sin(angles)
    matrices = np.empty((len(angles), 6))
    matrices[:, 0], matrices[:, 1] = cos, -sin
    matrices[:, 2] = center_col - cos * center_col + sin * center_row
    matrices[:, 3], matrices[:, 4] = sin, cos
    matrices[:, 5] = center_row - sin * center_col - cos * center_row
    return matrices


# ------------------------------------------------------------------- colour


class ColorJitter(ImageTransform):
    """Random brightness and contrast per image.

    Each image becomes ``(x - m) * c + m + b`` where ``m`` is its mean over
    all pixels and channels, ``c`` its contrast factor and ``b`` its
    brightness offset, then is clipped to ``value_range`` if given.

    Parameters
    ----------
    brightness : float or (float, float), default=0.0
        Offset ``b`` drawn uniformly from ``[-brightness, brightness]`` (or
        the range), in the images' own units (0.1 for images in [0, 1]).
    contrast : float or (float, float), default=0.0
        Factor ``c`` drawn uniformly from ``[max(0, 1 - contrast), 1 +
        contrast]`` (or the range, both ends >= 0).
    value_range : (float, float) or None, default=None
        Clip the result to ``[low, high]``, e.g. ``(0, 1)``.
    image_shape, data_format, n_jobs
        As for :class:`RandomHorizontalFlip`.
    """

    def __init__(self, brightness=0.0, contrast=0.0, value_range=None, *,
                 image_shape=None, data_format="channels_last", n_jobs=None):
        owner = type(self).__name__
        self.brightness, self.contrast = brightness, contrast
        self._brightness = _interval(brightness, "brightness", owner, symmetric_about=0.0)
        self._contrast = _interval(contrast, "contrast", owner, symmetric_about=1.0, low=0.0)
        self.value_range = _value_range(value_range, owner)
        self._init_layout(image_shape, data_format, n_jobs)

    def _apply(self, batch, rng, channels_first, n_threads):
        n = batch.shape[0]
        contrast = rng.uniform(self._contrast[0], self._contrast[1], size=n)
        brightness = rng.uniform(self._brightness[0], self._brightness[1], size=n)
        low, high = self.value_range or (0.0, 0.0)
        return _core.augment_adjust(batch, contrast, brightness, self.value_range is not None, low, high,
                                    n_threads)


class RandomBrightness(ColorJitter):
    """Add a random offset to each image.

    Parameters
    ----------
    delta : float or (float, float)
        Offset drawn uniformly from ``[-delta, delta]`` (or the range).
    value_range : (float, float) or None, default=None
        Clip the result to ``[low, high]``.
    image_shape, data_format, n_jobs
        As for :class:`RandomHorizontalFlip`.
    """

    def __init__(self, delta, value_range=None, *, image_shape=None, data_format="channels_last", n_jobs=None):
        super().__init__(brightness=delta, value_range=value_range, image_shape=image_shape,
                         data_format=data_format, n_jobs=n_jobs)
        self.delta = delta


class RandomContrast(ColorJitter):
    """Scale each image's deviations from its mean by a random factor.

    Parameters
    ----------
    factor : float or (float, float)
        Factor drawn uniformly from ``[max(0, 1 - factor), 1 + factor]`` (or
        the range, both ends >= 0).
    value_range : (float, float) or None, default=None
        Clip the result to ``[low, high]``.
    image_shape, data_format, n_jobs
        As for :class:`RandomHorizontalFlip`.
    """

    def __init__(self, factor, value_range=None, *, image_shape=None, data_format="channels_last", n_jobs=None):
        super().__init__(contrast=factor, value_range=value_range, image_shape=image_shape,
                         data_format=data_format, n_jobs=n_jobs)
        self.factor = factor


# --------------------------------------------------------------------- noise


class GaussianNoise(ImageTransform):
    """Add independent Gaussian noise to every pixel.

    Parameters
    ----------
    std : float >= 0
        Standard deviation of the noise, in the images' own units.
    value_range : (float, float) or None, default=None
        Clip the result to ``[low, high]``.
    image_shape, data_format, n_jobs
        As for :class:`RandomHorizontalFlip`.

    Notes
    -----
    The noise of image ``i`` comes from a generator seeded by one 64-bit
    seed (drawn from ``random_state``) and ``i``, so it does not depend on
    the thread count.
    """

    def __init__(self, std, value_range=None, *, image_shape=None, data_format="channels_last", n_jobs=None):
        owner = type(self).__name__
        self.std = _real(std, "std", owner, low=0.0)
        self.value_range = _value_range(value_range, owner)
        self._init_layout(image_shape, data_format, n_jobs)

    def _apply(self, batch, rng, channels_first, n_threads):
        seed = int(rng.integers(0, 2**64, dtype=np.uint64))
        low, high = self.value_range or (0.0, 0.0)
        return _core.augment_gaussian_noise(batch, self.std, seed, self.value_range is not None, low, high,
                                            n_threads)

