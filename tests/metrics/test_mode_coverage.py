"""zoo.metrics.mode_coverage: modes covered and high-quality samples."""

import math

import numpy as np
import pytest

from zoo.datasets import make_gaussian_grid, make_gaussian_ring
from zoo.metrics import ModeCoverage, mode_coverage


def reference_mode_coverage(samples, centers, stds, n_std, min_fraction):
    """The definition, written out with a full distance matrix and a loop."""
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    nearest = distances.argmin(axis=1)
    counts = np.zeros(len(centers), dtype=np.int64)
    high_quality = 0
    for row, mode in enumerate(nearest):
        if distances[row, mode] <= n_std * stds[mode]:
            counts[mode] += 1
            high_quality += 1
    needed = max(1, math.ceil(min_fraction * len(samples)))
    return int((counts >= needed).sum()), high_quality / len(samples), counts


@pytest.mark.parametrize("n_samples", [500, 20_000])  # 20,000: several blocks of rows
def test_matches_the_numpy_reference_on_a_partly_collapsed_generator(n_samples):
    rng = np.random.default_rng(0)
    _, _, centers = make_gaussian_grid(25, return_centers=True, random_state=0)
    stds = rng.uniform(0.03, 0.08, size=25)
    # A generator that reaches 10 modes, too widely, plus points in between.
    modes = rng.integers(0, 10, size=n_samples)
    samples = centers[modes] + rng.normal(scale=0.06, size=(n_samples, 2))
    between = rng.random(n_samples) < 0.2
    samples[between] = rng.uniform(-5, 5, size=(between.sum(), 2))

    for n_std, min_fraction in [(3.0, 0.008), (2.0, 0.05), (1.0, 1e-6)]:
        covered, fraction, counts = mode_coverage(samples, centers, stds, n_std=n_std, min_fraction=min_fraction)
        expected = reference_mode_coverage(samples, centers, stds, n_std, min_fraction)
        assert covered == expected[0]
        assert fraction == pytest.approx(expected[1], abs=1e-12)
        np.testing.assert_array_equal(counts, expected[2])
    # The scenario is not trivial: with the defaults, some but not all
    # samples count, and the points in between reach a few more modes.
    covered, fraction, _ = mode_coverage(samples, centers, stds)
    assert 0.3 < fraction < 0.9 and 10 <= covered < 25


def test_samples_exactly_on_the_centres_cover_every_mode():
    _, _, centers = make_gaussian_ring(8, return_centers=True, random_state=0)
    result = mode_coverage(np.repeat(centers, 30, axis=0), centers, 0.02)
    assert isinstance(result, ModeCoverage)
    assert result.modes_covered == 8 and result.high_quality_fraction == 1.0
    np.testing.assert_array_equal(result.mode_counts, np.full(8, 30))


def test_true_mixture_covers_every_mode_with_the_gaussian_share_within_three_std():
    X, _, centers = make_gaussian_ring(20_000, return_centers=True, random_state=3)
    covered, fraction, _ = mode_coverage(X, centers, 0.02)
    # The radius of an isotropic 2-D Gaussian is Rayleigh distributed:
    # P(r <= 3 std) = 1 - exp(-9 / 2).
    assert covered == 8
    assert fraction == pytest.approx(1 - math.exp(-4.5), abs=4 * math.sqrt(0.011 * 0.989 / 20_000))


def test_a_generator_collapsed_onto_one_mode_covers_one():
    _, _, centers = make_gaussian_ring(8, return_centers=True, random_state=0)
    samples = centers[3] + np.random.default_rng(1).normal(scale=0.01, size=(2500, 2))
    covered, fraction, counts = mode_coverage(samples, centers, 0.02)
    assert covered == 1 and fraction == 1.0
    assert counts[3] == 2500 and counts.sum() == 2500


def test_uniform_noise_covers_no_mode_and_hits_modes_in_proportion_to_their_area():
    _, _, centers = make_gaussian_ring(8, return_centers=True, random_state=0)
    n = 200_000
    noise = np.random.default_rng(2).uniform(-3, 3, size=(n, 2))
    # 8 disjoint discs of radius 3 * 0.02 inside the 6 x 6 square.
    share = 8 * math.pi * 0.06**2 / 36
    covered, fraction, _ = mode_coverage(noise, centers, 0.02)
    assert covered == 0
    assert fraction == pytest.approx(share, abs=5 * math.sqrt(share * (1 - share) / n))
    # The usual 2,500 samples of noise leave far fewer than 20 on any mode.
    assert mode_coverage(noise[:2500], centers, 0.02).modes_covered == 0


def test_the_radius_is_inclusive_and_counted_in_the_nearest_modes_std():
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    stds = np.array([0.5, 2.0])
    # 1.5 is exactly 3 * 0.5 from mode 0; 1.6 is not, though it is within
    # 3 * 2.0 of nothing nearer: mode 1's wider std does not apply to it.
    samples = np.array([[1.5, 0.0], [1.6, 0.0], [0.0, -1.5], [4.0, 0.0], [10.0, 5.9]])
    covered, fraction, counts = mode_coverage(samples, centers, stds, min_fraction=0.2)
    np.testing.assert_array_equal(counts, [2, 1])
    assert fraction == pytest.approx(3 / 5)
    assert covered == 2


def test_a_mode_needs_min_fraction_of_the_samples():
    _, _, centers = make_gaussian_grid(25, return_centers=True, random_state=0)
    # 2,500 samples: mode 0 receives exactly 20 (covered at 20 / 2,500), mode 1 19.
    samples = np.concatenate([np.repeat(centers[:1], 20, axis=0), np.repeat(centers[1:2], 19, axis=0),
                              np.full((2461, 2), 100.0)])
    assert mode_coverage(samples, centers, 0.05).modes_covered == 1
    assert mode_coverage(samples, centers, 0.05, min_fraction=19 / 2500).modes_covered == 2
    assert mode_coverage(samples, centers, 0.05, min_fraction=21 / 2500).modes_covered == 0
    # However small the fraction, a mode nothing reached is not covered.
    assert mode_coverage(samples, centers, 0.05, min_fraction=1e-9).modes_covered == 2


def test_accepts_lists_and_float32():
    covered, fraction, counts = mode_coverage(np.zeros((4, 2), np.float32), [[0, 0], [5, 5]], [0.1, 0.1])
    assert (covered, fraction, counts.tolist()) == (1, 1.0, [4, 0])


@pytest.mark.parametrize(
    "samples, centers, std, kwargs, message",
    [
        (np.zeros((3, 2)), np.zeros((2, 3)), 0.1, {}, "feature"),
        (np.zeros((3, 2)), np.zeros((2, 2)), [0.1, 0.1, 0.1], {}, "std"),
        (np.zeros((3, 2)), np.zeros((2, 2)), 0.0, {}, "std"),
        (np.zeros((3, 2)), np.zeros((2, 2)), "wide", {}, "std"),
        (np.zeros((3, 2)), np.zeros((2, 2)), 0.1, {"n_std": 0}, "n_std"),
        (np.zeros((3, 2)), np.zeros((2, 2)), 0.1, {"min_fraction": 0}, "min_fraction"),
        (np.zeros((3, 2)), np.zeros((2, 2)), 0.1, {"min_fraction": 1.5}, "min_fraction"),
        (np.full((3, 2), np.nan), np.zeros((2, 2)), 0.1, {}, "samples"),
        (np.zeros((0, 2)), np.zeros((2, 2)), 0.1, {}, "samples"),
        (np.zeros((3, 2)), np.zeros(2), 0.1, {}, "centers"),
    ],
)
def test_rejects_bad_input_naming_the_parameter(samples, centers, std, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mode_coverage(samples, centers, std, **kwargs)
