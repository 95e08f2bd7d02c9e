"""How well samples from a generative model cover a known mixture: the
modes it reaches and the share of its samples that land on a mode. The
measures of the 2-D mode-collapse benchmarks (:func:`zoo.datasets.make_gaussian_ring`,
:func:`zoo.datasets.make_gaussian_grid`).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array

__all__ = ["ModeCoverage", "mode_coverage"]

# Rows of samples per block of the (rows, modes) distance table, so that
# millions of samples against many modes need little memory.
_BLOCK_ROWS = 8192


class ModeCoverage(NamedTuple):
    """The result of :func:`mode_coverage`; unpacks as a tuple."""

    modes_covered: int
    """Number of modes with at least the required number of high-quality samples."""
    high_quality_fraction: float
    """Share of all samples within ``n_std`` standard deviations of their nearest mode."""
    mode_counts: np.ndarray
    """High-quality samples per mode, int64 of shape (n_modes,)."""


def mode_coverage(samples, centers, std, *, n_std=3.0, min_fraction=0.008):
    """Modes covered and share of high-quality samples, as in the GAN literature.

    Each sample is assigned to its nearest centre (Euclidean distance). It is
    *high quality* when it lies within ``n_std`` standard deviations of that
    centre, i.e. at distance at most ``n_std * std``. A mode is *covered*
    when at least ``ceil(min_fraction * n_samples)`` high-quality samples
    (and at least one) are assigned to it. These are the measures of
    Srivastava et al., "VEEGAN" (NeurIPS 2017), used since on the ring and
    grid of Gaussians; the default ``min_fraction`` is the usual threshold of
    20 samples out of 2,500 (e.g. Lin et al., "PacGAN", NeurIPS 2018), a
    fifth of what each of 25 equal modes would receive.

    A collapsed generator covers few modes; a generator that spreads mass
    between the modes covers many but has a low high-quality fraction, so
    the two numbers are read together.

    Parameters
    ----------
    samples : array-like of shape (n_samples, n_features)
        Generated points, e.g. ``gan.sample(2500)``.
    centers : array-like of shape (n_modes, n_features)
        Centres of the true mixture's components.
    std : float or array-like of shape (n_modes,)
        Standard deviation of the components along each axis, one for all
        or one per mode (the per-mode value of the nearest mode is used).
    n_std : float, default=3.0
        Radius, in standard deviations, within which a sample counts as high
        quality.
    min_fraction : float, default=0.008
        Share of all samples, in (0, 1], that a mode needs among its
        high-quality samples to count as covered (0.008 is 20 of 2,500).

    Returns
    -------
    ModeCoverage
        A named tuple ``(modes_covered, high_quality_fraction, mode_counts)``:
        the number of covered modes (int), the share of high-quality samples
        (float in [0, 1]) and the high-quality samples per mode (int64
        array of shape (n_modes,)).

    Examples
    --------
    >>> from zoo.datasets import make_gaussian_ring
    >>> X, _, centers = make_gaussian_ring(2500, random_state=0, return_centers=True)
    >>> coverage = mode_coverage(X, centers, std=0.02)
    >>> coverage.modes_covered, round(coverage.high_quality_fraction, 2)
    (8, 0.99)
    """
    samples = check_array(samples, name="samples", dtype=np.float64, estimator="mode_coverage")
    centers = check_array(centers, name="centers", dtype=np.float64, estimator="mode_coverage")
    if samples.shape[1] != centers.shape[1]:
        raise ValueError(
            f"mode_coverage: samples have {samples.shape[1]} feature(s) and centers "
            f"{centers.shape[1]}; they must match."
        )
    stds = _per_mode_std(std, len(centers))
    n_std = _positive_real(n_std, "n_std")
    if not isinstance(min_fraction, Real) or isinstance(min_fraction, bool) or not 0 < min_fraction <= 1:
        raise ValueError(f"mode_coverage: min_fraction must be a float in (0, 1], got {min_fraction!r}.")

    nearest, distance = _nearest_centers(samples, centers)
    high_quality = distance <= n_std * stds[nearest]
    mode_counts = np.bincount(nearest[high_quality], minlength=len(centers)).astype(np.int64)
    # At least one sample, so that a tiny min_fraction never counts a mode
    # that nothing reached.
    needed = max(1, math.ceil(min_fraction * len(samples)))
    return ModeCoverage(
        modes_covered=int(np.count_nonzero(mode_counts >= needed)),
        high_quality_fraction=float(np.count_nonzero(high_quality) / len(samples)),
        mode_counts=mode_counts,
    )


def _nearest_centers(samples, centers):
    """Index of each sample's nearest centre and the distance to it."""
    nearest = np.empty(len(samples), dtype=np.int64)
    distance = np.empty(len(samples))
    for start in range(0, len(samples), _BLOCK_ROWS):
        block = slice(start, start + _BLOCK_ROWS)
        # Differences rather than the |a|^2 - 2ab + |b|^2 expansion: exact
        # for a sample sitting on a centre, where the threshold is decided.
        squared = np.square(samples[block, None, :] - centers[None, :, :]).sum(axis=2)
        nearest[block] = np.argmin(squared, axis=1)
        distance[block] = np.sqrt(squared[np.arange(squared.shape[0]), nearest[block]])
    return nearest, distance


def _per_mode_std(std, n_modes):
    stds = np.asarray(std, dtype=np.float64) if _is_numeric(std) else None
    if stds is None or stds.ndim > 1 or (stds.ndim == 1 and stds.shape != (n_modes,)):
        raise ValueError(
            f"mode_coverage: std must be a float or one value per mode ({n_modes}), got {std!r}."
        )
    if not np.all(np.isfinite(stds)) or np.any(stds <= 0):
        raise ValueError(f"mode_coverage: std must be finite and > 0, got {std!r}.")
    return np.broadcast_to(stds, (n_modes,))


def _is_numeric(value):
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return False
    return array.dtype.kind in "iuf"


def _positive_real(value, name):
    if not isinstance(value, Real) or isinstance(value, bool) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"mode_coverage: {name} must be a finite float > 0, got {value!r}.")
    return float(value)
