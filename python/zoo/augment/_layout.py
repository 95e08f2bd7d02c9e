"""Batches as the augmentations see them: checking, reshaping, dtype round trips.

Image transforms work on 4-D batches; a 2-D batch of flattened images (one
row per sample, what ``MLP.fit`` trains on) is reshaped with ``image_shape``
and flattened back. Kernels compute in float32 or float64; other numeric
dtypes go through float64 and come back rounded and clipped to their range,
so every transform returns the dtype it was given.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import _short_repr, check_array

DATA_FORMATS = ("channels_last", "channels_first")


def check_data_format(data_format, owner):
    if data_format not in DATA_FORMATS:
        raise ValueError(
            f"{owner}: data_format must be 'channels_last' (N, H, W, C) or "
            f"'channels_first' (N, C, H, W); got {_short_repr(data_format)}."
        )
    return data_format


def check_image_shape(image_shape, owner):
    """None, or a tuple of three positive ints."""
    if image_shape is None:
        return None
    if (
        isinstance(image_shape, (str, bytes))
        or not hasattr(image_shape, "__len__")
        or len(image_shape) != 3
        or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) and v >= 1
            for v in image_shape
        )
    ):
        raise ValueError(
            f"{owner}: image_shape must be None or three positive ints, (H, W, C) for "
            f"channels_last or (C, H, W) for channels_first; got {_short_repr(image_shape)}."
        )
    return tuple(int(v) for v in image_shape)


def spatial_size(batch, data_format):
    """(height, width, channels) of a 4-D batch."""
    if data_format == "channels_first":
        _, channels, height, width = batch.shape
    else:
        _, height, width, channels = batch.shape
    return height, width, channels


def as_float_array(X, owner, *, name="X"):
    """X as a C-contiguous float32/float64 array, and a function that casts results back.

    float32 and float64 pass through (no copy when already C-contiguous);
    bool, integer and float16 data are computed in float64 and returned
    rounded and clipped to the original dtype's range.
    """
    original = getattr(X, "dtype", None)
    array = check_array(X, ensure_2d=False, name=name, estimator=owner)
    if original is None or np.dtype(original) == array.dtype or np.dtype(original).kind not in "biuf":
        return array, lambda result: result
    original = np.dtype(original)

    def cast_back(result):
        if original.kind in "iu":
            info = np.iinfo(original)
            return np.clip(np.rint(result), info.min, info.max).astype(original)
        if original.kind == "b":
            return np.rint(np.clip(result, 0, 1)).astype(bool)
        return result.astype(original)

    return array, cast_back


def as_image_batch(X, image_shape, data_format, owner):
    """A 4-D float batch from 4-D images or 2-D flattened rows, and the way back.

    Returns
    -------
    batch : ndarray of shape (N, H, W, C) or (N, C, H, W)
    restore : callable
        Maps a result of ``batch``'s shape back to ``X``'s shape and dtype.
    """
    array, cast_back = as_float_array(X, owner)
    if array.ndim == 4:
        if image_shape is not None and tuple(array.shape[1:]) != image_shape:
            raise ValueError(
                f"{owner}: X holds images of shape {tuple(array.shape[1:])} but "
                f"image_shape={image_shape}."
            )
        return array, cast_back
    if array.ndim == 2:
        if image_shape is None:
            raise ValueError(
                f"{owner}: X is 2-D (N, {array.shape[1]}); pass image_shape=(H, W, C) "
                "(or (C, H, W) with data_format='channels_first') so each row can be "
                "read as an image, or pass a 4-D batch."
            )
        if int(np.prod(image_shape)) != array.shape[1]:
            raise ValueError(
                f"{owner}: image_shape={image_shape} holds {int(np.prod(image_shape))} "
                f"values but each row of X has {array.shape[1]}."
            )
        n_rows = array.shape[0]
        batch = array.reshape((n_rows,) + image_shape)
        return batch, lambda result: cast_back(result.reshape(n_rows, -1))
    layout = "(N, C, H, W)" if data_format == "channels_first" else "(N, H, W, C)"
    hint = " For one image, add a batch axis: X[None]." if array.ndim == 3 else ""
    raise ValueError(
        f"{owner}: X must be a 4-D batch of images {layout}, or 2-D rows of "
        f"flattened images with image_shape set; got an array of shape {array.shape}.{hint}"
    )
