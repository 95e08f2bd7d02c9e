"""Time-series augmentations: jitter, scaling, magnitude and time warping,
window slicing (after Um et al., "Data Augmentation of Wearable Sensor Data
for Parkinson's Disease Monitoring using Convolutional Neural Networks",
ICMI 2017, and Le Guennec et al., "Data Augmentation for Time Series
Classification using Convolutional Neural Networks", 2016).

Batches are ``(N, T)`` (one channel) or ``(N, T, C)``: ``N`` series of ``T``
time steps. Everything is vectorised NumPy over the batch; the smooth random
curves are natural cubic splines through a few random knots, and resampling
is linear interpolation.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_in_range
from ._base import Transform, _real
from ._layout import as_float_array

__all__ = ["Jitter", "Scaling", "MagnitudeWarp", "TimeWarp", "WindowSlice", "natural_cubic_spline"]


class _SeriesTransform(Transform):
    """Hands ``_apply`` an (N, T, C) float batch; restores shape and dtype."""

    def _augment(self, X, rng):
        owner = type(self).__name__
        array, cast_back = as_float_array(X, owner)
        if array.ndim not in (2, 3):
            raise ValueError(
                f"{owner}: X must be (N, T) or (N, T, C) (series, time steps, channels); "
                f"got an array of shape {array.shape}."
            )
        series = array if array.ndim == 3 else array[:, :, None]
        out = self._apply(series, rng).astype(array.dtype, copy=False)
        return cast_back(out.reshape(array.shape))

    def _apply(self, series, rng):
        raise NotImplementedError


def _knots(value, owner):
    return int(check_in_range(value, name="knots", low=0, integral=True, estimator=owner))


# ------------------------------------------------------------- interpolation


def natural_cubic_spline(values, n_points):
    """Evaluate natural cubic splines through evenly spaced knots.

    Parameters
    ----------
    values : ndarray of shape (B, K), K >= 2
        Each row holds a curve's values at ``K`` knots spread evenly over
        ``[0, n_points - 1]`` (the first at 0, the last at ``n_points - 1``).
    n_points : int
        The curves are evaluated at ``0, 1, ..., n_points - 1``.

    Returns
    -------
    ndarray of shape (B, n_points)

    Notes
    -----
    A natural spline has zero second derivative at both ends. With knot
    spacing ``h`` its second derivatives ``M`` at the interior knots solve
    ``M[i-1] + 4 M[i] + M[i+1] = 6 (y[i-1] - 2 y[i] + y[i+1]) / h**2``, one
    tridiagonal system shared by every row (so one solve covers the batch).
    """
    values = np.asarray(values, dtype=np.float64)
    n_curves, n_knots = values.shape
    if n_points == 1:
        return values[:, :1].copy()
    h = (n_points - 1) / (n_knots - 1)
    second = np.zeros_like(values)
    if n_knots > 2:
        inner = n_knots - 2
        system = 4.0 * np.eye(inner) + np.eye(inner, k=1) + np.eye(inner, k=-1)
        rhs = 6.0 / h**2 * (values[:, :-2] - 2.0 * values[:, 1:-1] + values[:, 2:])
        second[:, 1:-1] = np.linalg.solve(system, rhs.T).T
    t = np.arange(n_points, dtype=np.float64)
    segment = np.minimum((t / h).astype(np.int64), n_knots - 2)
    to_right = (segment + 1) * h - t  # distance to the segment's right knot
    from_left = t - segment * h
    m_left, m_right = second[:, segment], second[:, segment + 1]
    y_left, y_right = values[:, segment], values[:, segment + 1]
    return (
        (m_left * to_right**3 + m_right * from_left**3) / (6.0 * h)
        + (y_left - m_left * h**2 / 6.0) * to_right / h
        + (y_right - m_right * h**2 / 6.0) * from_left / h
    )


def _resample(series, positions):
    """series (N, T, C) read at fractional time positions (N, T') by linear interpolation."""
    n_steps = series.shape[1]
    if n_steps == 1:
        return np.repeat(series[:, :1], positions.shape[1], axis=1)
    left = np.clip(np.floor(positions).astype(np.int64), 0, n_steps - 2)
    weight = (positions - left)[:, :, None]
    at_left = np.take_along_axis(series, left[:, :, None], axis=1)
    at_right = np.take_along_axis(series, left[:, :, None] + 1, axis=1)
    return at_left * (1.0 - weight) + at_right * weight


# ---------------------------------------------------------------- transforms


class Jitter(_SeriesTransform):
    """Add Gaussian noise to every value.

    Parameters
    ----------
    sigma : float >= 0, default=0.03
        Standard deviation of the noise, in the data's units.
    """

    def __init__(self, sigma=0.03):
        self.sigma = _real(sigma, "sigma", type(self).__name__, low=0.0)

    def _apply(self, series, rng):
        return series + self.sigma * rng.standard_normal(series.shape, dtype=series.dtype)


class Scaling(_SeriesTransform):
    """Multiply each channel of each series by a random factor ``N(1, sigma)``.

    Parameters
    ----------
    sigma : float >= 0, default=0.1
        Standard deviation of the factor.
    """

    def __init__(self, sigma=0.1):
        self.sigma = _real(sigma, "sigma", type(self).__name__, low=0.0)

    def _apply(self, series, rng):
        n, _, channels = series.shape
        factors = rng.normal(1.0, self.sigma, size=(n, 1, channels))
        return series * factors


class MagnitudeWarp(_SeriesTransform):
    """Multiply each channel by a smooth random curve around 1.

    Parameters
    ----------
    sigma : float >= 0, default=0.2
        Standard deviation of the curve's values at its knots (mean 1).
    knots : int >= 0, default=4
        Interior knots; the curve passes through ``knots + 2`` random values
        evenly spaced from the first time step to the last, joined by a
        natural cubic spline (:func:`natural_cubic_spline`).
    """

    def __init__(self, sigma=0.2, knots=4):
        self.sigma = _real(sigma, "sigma", type(self).__name__, low=0.0)
        self.knots = _knots(knots, type(self).__name__)

    def _apply(self, series, rng):
        n, n_steps, channels = series.shape
        knot_values = rng.normal(1.0, self.sigma, size=(n, channels, self.knots + 2))
        curves = natural_cubic_spline(knot_values.reshape(n * channels, -1), n_steps)
        return series * curves.reshape(n, channels, n_steps).transpose(0, 2, 1)


class TimeWarp(_SeriesTransform):
    """Stretch and compress time smoothly, keeping the first and last steps.

    Each series gets a random speed curve (``knots + 2`` values from
    ``N(1, sigma)`` joined by a natural cubic spline, floored at a small
    positive speed); its running sum, rescaled to end at ``T - 1``, is a
    strictly increasing time path from 0 to ``T - 1``. The output at step
    ``t`` is the series read at that path's ``t``-th point by linear
    interpolation. All channels of a series share the path.

    Parameters
    ----------
    sigma : float >= 0, default=0.2
        Spread of the speed; 0 leaves the series unchanged.
    knots : int >= 0, default=4
        Interior knots of the speed curve.
    """

    _MIN_SPEED = 0.05  # keeps the path strictly increasing for any sigma

    def __init__(self, sigma=0.2, knots=4):
        self.sigma = _real(sigma, "sigma", type(self).__name__, low=0.0)
        self.knots = _knots(knots, type(self).__name__)

    def _apply(self, series, rng):
        n, n_steps, _ = series.shape
        speed = natural_cubic_spline(rng.normal(1.0, self.sigma, size=(n, self.knots + 2)), n_steps)
        return _resample(series, self.time_paths(speed))

    @classmethod
    def time_paths(cls, speed):
        """Strictly increasing paths from 0 to T - 1 from speeds (N, T)."""
        n, n_steps = speed.shape
        if n_steps == 1:
            return np.zeros((n, 1))
        steps = np.maximum(speed[:, 1:], cls._MIN_SPEED)
        path = np.concatenate([np.zeros((n, 1)), np.cumsum(steps, axis=1)], axis=1)
        path *= (n_steps - 1) / path[:, -1:]
        path[:, -1] = n_steps - 1  # exact end, whatever the rounding
        return path


class WindowSlice(_SeriesTransform):
    """Cut a random window and stretch it back to the full length.

    Parameters
    ----------
    ratio : float in (0, 1], default=0.9
        Window length as a fraction of ``T`` (rounded up, at least two
        steps); the window's start is uniform over the positions where it
        fits. It is resampled to ``T`` steps by linear interpolation.
    """

    def __init__(self, ratio=0.9):
        self.ratio = float(check_in_range(ratio, name="ratio", low=0.0, high=1.0, closed="right",
                                          estimator=type(self).__name__))

    def window_length(self, n_steps):
        """Length of the window cut from series of ``n_steps`` steps."""
        return min(n_steps, max(2, math.ceil(self.ratio * n_steps - 1e-9)))

    def _apply(self, series, rng):
        n, n_steps, _ = series.shape
        if n_steps < 2:
            return series.copy()
        length = self.window_length(n_steps)
        start = rng.integers(0, n_steps - length, size=n, endpoint=True)
        positions = start[:, None] + np.linspace(0.0, length - 1, n_steps)[None, :]
        return _resample(series, positions)

