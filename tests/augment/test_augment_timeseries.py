"""Time-series augmentations: the spline against SciPy, invariants of each
transform (monotone time warp, window-slice shape and content), statistics,
seeding, dtypes and errors."""

import numpy as np
import pytest

from zoo.augment import Jitter, MagnitudeWarp, Scaling, TimeWarp, WindowSlice
from zoo.augment.timeseries import natural_cubic_spline


def walks(n=20, steps=50, channels=None, dtype=np.float64, seed=0):
    shape = (n, steps) if channels is None else (n, steps, channels)
    return np.cumsum(np.random.default_rng(seed).normal(size=shape), axis=1).astype(dtype)


def all_transforms():
    return [Jitter(0.1), Scaling(0.2), MagnitudeWarp(0.3, 3), TimeWarp(0.3, 3), WindowSlice(0.7)]


# ----------------------------------------------------------------- spline


@pytest.mark.parametrize("n_knots, n_points", [(2, 10), (3, 7), (6, 100), (9, 9)])
def test_natural_cubic_spline_matches_scipy(n_knots, n_points):
    interpolate = pytest.importorskip("scipy.interpolate")
    values = np.random.default_rng(n_knots).normal(size=(4, n_knots))
    knots = np.linspace(0, n_points - 1, n_knots)
    expected = interpolate.CubicSpline(knots, values, axis=1, bc_type="natural")(np.arange(n_points))
    np.testing.assert_allclose(natural_cubic_spline(values, n_points), expected, atol=1e-10)


def test_spline_passes_through_knots_and_keeps_lines():
    values = np.array([[0.0, 2.0, 4.0, 6.0, 8.0], [1.0, -1.0, 3.0, 0.5, 2.0]])
    curves = natural_cubic_spline(values, 41)  # knots at 0, 10, 20, 30, 40
    np.testing.assert_allclose(curves[:, ::10], values, atol=1e-12)
    np.testing.assert_allclose(curves[0], np.arange(41) * 0.2, atol=1e-12)


# ------------------------------------------------------------- invariants


@pytest.mark.parametrize("knots", [0, 4])
def test_time_warp_is_a_strictly_monotone_path_from_start_to_end(knots):
    ramp = np.tile(np.arange(60, dtype=np.float64), (200, 1))  # a series equal to its time index
    paths = TimeWarp(sigma=1.0, knots=knots)(ramp, random_state=0)  # so the output is the path itself
    assert np.all(np.diff(paths, axis=1) > 0)
    np.testing.assert_array_equal(paths[:, 0], 0.0)
    np.testing.assert_array_equal(paths[:, -1], 59.0)
    assert np.abs(paths - ramp).max() > 1.0  # time really moved


def test_time_warp_resamples_by_linear_interpolation_shared_across_channels():
    X = walks(n=10, steps=30, channels=3)
    ramp = np.tile(np.arange(30, dtype=np.float64)[:, None], (10, 1, 3))
    paths = TimeWarp(0.5)(ramp, random_state=7)[:, :, 0]
    np.testing.assert_array_equal(TimeWarp(0.5)(ramp, random_state=7), np.repeat(paths[:, :, None], 3, axis=2))
    out = TimeWarp(0.5)(X, random_state=7)
    for series, path, result in zip(X, paths, out):
        for channel in range(3):
            expected = np.interp(path, np.arange(30), series[:, channel])
            np.testing.assert_allclose(result[:, channel], expected, atol=1e-12)


def test_time_warp_with_zero_sigma_is_the_identity():
    X = walks()
    np.testing.assert_allclose(TimeWarp(0.0)(X, random_state=0), X, atol=1e-12)


@pytest.mark.parametrize("ratio", [0.5, 0.9, 1.0])
def test_window_slice_keeps_the_shape_and_stretches_one_window(ratio):
    X = walks(n=30, steps=40, channels=2)
    out = WindowSlice(ratio)(X, random_state=3)
    assert out.shape == X.shape
    length = int(np.ceil(ratio * 40))
    starts = set()
    for series, result in zip(X, out):
        # First and last outputs are the window's ends, read exactly.
        start = int(np.flatnonzero(np.all(series == result[0], axis=1))[0])
        starts.add(start)
        np.testing.assert_allclose(result[-1], series[start + length - 1], atol=1e-12)
        positions = start + np.linspace(0, length - 1, 40)
        for channel in range(2):
            np.testing.assert_allclose(result[:, channel], np.interp(positions, np.arange(40), series[:, channel]), atol=1e-12)
    if ratio == 1.0:
        assert starts == {0}
    else:
        assert len(starts) >= min(5, 41 - length) and max(starts) <= 40 - length


def test_jitter_and_scaling_statistics():
    X = np.ones((400, 100, 2))
    noise = Jitter(0.2)(X, random_state=0) - X
    assert abs(noise.std() - 0.2) < 0.005 and abs(noise.mean()) < 0.005
    scaled = Scaling(0.3)(X, random_state=0)
    factors = scaled[:, :1, :]
    np.testing.assert_array_equal(scaled, np.broadcast_to(factors, scaled.shape))  # one factor per channel
    assert abs(factors.std() - 0.3) < 0.03 and abs(factors.mean() - 1.0) < 0.03


def test_magnitude_warp_multiplies_by_smooth_curves_around_one():
    X = np.ones((300, 80, 2))
    curves = MagnitudeWarp(0.2, knots=4)(X, random_state=0)
    assert abs(curves.mean() - 1.0) < 0.02
    assert np.abs(np.diff(curves, 2, axis=1)).max() < 0.05  # smooth: small second differences
    assert not np.array_equal(curves[:, :, 0], curves[:, :, 1])  # a curve per channel
    X2 = walks(n=300, steps=80, channels=2)
    np.testing.assert_allclose(MagnitudeWarp(0.2, knots=4)(X2, random_state=0), X2 * curves, atol=1e-12)


# --------------------------------------------------------------- contract


@pytest.mark.parametrize("transform", all_transforms(), ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels", [None, 3])
def test_contract_shape_dtype_seed_and_input(transform, dtype, channels):
    X = walks(channels=channels, dtype=dtype)
    X.setflags(write=False)
    before = X.copy()
    out = transform(X, random_state=5)
    assert out.shape == X.shape and out.dtype == X.dtype
    np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(out, transform(X, random_state=5))
    assert not np.array_equal(out, transform(X, random_state=6))


def test_a_generator_is_advanced():
    rng = np.random.default_rng(0)
    X = walks()
    assert not np.array_equal(Jitter()(X, random_state=rng), Jitter()(X, random_state=rng))


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: Jitter(sigma=-0.1), "sigma"),
        (lambda: Scaling(sigma=float("nan")), "sigma"),
        (lambda: MagnitudeWarp(knots=-1), "knots"),
        (lambda: TimeWarp(knots=2.5), "knots"),
        (lambda: WindowSlice(ratio=0.0), "ratio"),
        (lambda: WindowSlice(ratio=1.5), "ratio"),
    ],
)
def test_bad_parameters(build, name):
    with pytest.raises(ValueError, match=name):
        build()


def test_wrong_ndim_is_a_clear_error():
    with pytest.raises(ValueError, match=r"\(N, T\) or \(N, T, C\)"):
        Jitter()(np.zeros(10), random_state=0)
    with pytest.raises(ValueError, match=r"\(N, T\) or \(N, T, C\)"):
        Jitter()(np.zeros((2, 3, 4, 5)), random_state=0)
