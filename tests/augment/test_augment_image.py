"""Image augmentations against NumPy references: flips and integer shifts
exactly, rotations against np.rot90 and a NumPy bilinear warp, colour and
noise by their statistics; seeding, threads, dtypes, layouts and errors."""

import numpy as np
import pytest

import zoo
from zoo.augment import (
    ColorJitter,
    GaussianNoise,
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    RandomTranslation,
    RandomVerticalFlip,
)

FLOATS = [np.float32, np.float64]
LAYOUTS = ["channels_last", "channels_first"]


def images(n=6, height=7, width=5, channels=3, dtype=np.float64, seed=0):
    """Distinct random pixels, so every window or rotation is recognisable."""
    return np.random.default_rng(seed).random((n, height, width, channels)).astype(dtype)


def to_layout(batch, data_format):
    return batch.transpose(0, 3, 1, 2).copy() if data_format == "channels_first" else batch


def from_layout(batch, data_format):
    return batch.transpose(0, 2, 3, 1) if data_format == "channels_first" else batch


def every_transform(**layout):
    return [
        RandomHorizontalFlip(**layout),
        RandomVerticalFlip(**layout),
        RandomCrop(padding=2, padding_mode="reflect", **layout),
        RandomTranslation(2, fill=0.5, **layout),
        RandomRotation(30, **layout),
        RandomRotation(30, interpolation="nearest", **layout),
        ColorJitter(0.2, 0.3, value_range=(0, 1), **layout),
        GaussianNoise(0.1, **layout),
    ]


# ------------------------------------------------------------------- flips


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("data_format", LAYOUTS)
def test_flips_are_exact_mirrors_chosen_with_probability_p(dtype, data_format):
    X = images(n=400, height=4, width=3, channels=2, dtype=dtype)
    given = to_layout(X, data_format)
    for transform, axis in ((RandomHorizontalFlip, 2), (RandomVerticalFlip, 1)):
        out = from_layout(transform(0.5, data_format=data_format)(given, random_state=1), data_format)
        mirrored = np.flip(X, axis=axis)
        is_mirror = np.all(out == mirrored, axis=(1, 2, 3))
        is_same = np.all(out == X, axis=(1, 2, 3))
        assert np.all(is_mirror | is_same)
        assert 140 < is_mirror.sum() < 260  # Binomial(400, 0.5): mean 200, sd 10
        always = from_layout(transform(1.0, data_format=data_format)(given, random_state=1), data_format)
        np.testing.assert_array_equal(always, mirrored)
        np.testing.assert_array_equal(transform(0.0, data_format=data_format)(given, random_state=1), given)


# ------------------------------------------------------- crops and shifts


def windows_of(padded, height, width):
    """Every height x width window of one padded image, keyed by its top-left corner."""
    return {
        (top, left): padded[top : top + height, left : left + width]
        for top in range(padded.shape[0] - height + 1)
        for left in range(padded.shape[1] - width + 1)
    }


def matching_corner(out, windows, unique=True):
    hits = [corner for corner, window in windows.items() if np.array_equal(out, window)]
    assert len(hits) == 1 if unique else hits, "the output is not exactly one window of the padded image"
    return hits[0]


@pytest.mark.parametrize("padding_mode", ["constant", "reflect", "edge"])
@pytest.mark.parametrize("data_format", LAYOUTS)
def test_crop_is_a_window_of_the_numpy_padded_image(padding_mode, data_format):
    X = images(n=200, height=6, width=5, channels=2)
    crop = RandomCrop((5, 4), padding=(1, 2), padding_mode=padding_mode, fill=-3.0, data_format=data_format)
    out = from_layout(crop(to_layout(X, data_format), random_state=3), data_format)
    assert out.shape == (200, 5, 4, 2)
    corners = set()
    for image, result in zip(X, out):
        pad = ((1, 1), (2, 2), (0, 0))
        padded = np.pad(image, pad, constant_values=-3.0) if padding_mode == "constant" else np.pad(image, pad, mode=padding_mode)
        corners.add(matching_corner(result, windows_of(padded, 5, 4)))
    assert len(corners) == (8 - 5 + 1) * (9 - 4 + 1)  # every position is drawn


def test_crop_without_size_keeps_the_shape_and_padding_reflects_beyond_the_image():
    X = images(n=50, height=3, width=3, channels=1)
    out = RandomCrop(padding=4, padding_mode="reflect")(X, random_state=0)
    assert out.shape == X.shape
    for image, result in zip(X, out):
        padded = np.pad(image, ((4, 4), (4, 4), (0, 0)), mode="reflect")
        # Reflection repeats with period 2 (3 - 1), so windows recur.
        matching_corner(result, windows_of(padded, 3, 3), unique=False)


def test_one_pixel_crops_of_channels_first_images_keep_each_pixel_whole():
    X = images(n=40, height=4, width=3, channels=3)
    out = RandomCrop(1, padding=1, padding_mode="edge", data_format="channels_first")(
        to_layout(X, "channels_first"), random_state=0
    )
    assert out.shape == (40, 3, 1, 1)
    for image, pixel in zip(X, out[:, :, 0, 0]):
        padded = np.pad(image, ((1, 1), (1, 1), (0, 0)), mode="edge").reshape(-1, 3)
        assert np.any(np.all(padded == pixel, axis=1))


@pytest.mark.parametrize("dtype", FLOATS)
def test_translation_is_an_integer_shift_with_fill(dtype):
    X = images(n=300, height=8, width=8, channels=1, dtype=dtype)
    out = RandomTranslation(0.25, fill=7.0)(X, random_state=5)  # 0.25 of 8 pixels: up to 2
    shifts = set()
    for image, result in zip(X, out):
        padded = np.pad(image, ((2, 2), (2, 2), (0, 0)), constant_values=7.0)
        top, left = matching_corner(result, windows_of(padded, 8, 8))
        shifts.add((2 - top, 2 - left))  # content moved down/right by this much
    assert shifts == {(r, c) for r in range(-2, 3) for c in range(-2, 3)}


def test_translation_per_axis_in_pixels():
    X = images(n=100, height=6, width=6, channels=1)
    out = RandomTranslation((0, 1))(X, random_state=2)
    for image, result in zip(X, out):
        padded = np.pad(image, ((0, 0), (1, 1), (0, 0)))
        matching_corner(result, windows_of(padded, 6, 6))


# ------------------------------------------------------------------ rotation


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("data_format", LAYOUTS)
@pytest.mark.parametrize("degrees, quarter_turns", [(90, 1), (-90, -1), (180, 2)])
def test_nearest_rotation_by_quarter_turns_equals_rot90(dtype, data_format, degrees, quarter_turns):
    X = images(n=4, height=6, width=6, channels=3, dtype=dtype)
    rotate = RandomRotation((degrees, degrees), interpolation="nearest", data_format=data_format)
    out = from_layout(rotate(to_layout(X, data_format), random_state=0), data_format)
    np.testing.assert_array_equal(out, np.rot90(X, k=quarter_turns, axes=(1, 2)))


def bilinear_rotation_reference(image, degrees, fill):
    """The documented formula, in NumPy: inverse rotation about the centre,
    four neighbours weighted, each outside neighbour counting as fill."""
    height, width, _ = image.shape
    angle = np.deg2rad(degrees)
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    cy, cx = (height - 1) / 2, (width - 1) / 2
    src_col = cx + np.cos(angle) * (cols - cx) - np.sin(angle) * (rows - cy)
    src_row = cy + np.sin(angle) * (cols - cx) + np.cos(angle) * (rows - cy)
    col0, row0 = np.floor(src_col), np.floor(src_row)
    out = np.zeros(image.shape)
    for d_row in (0, 1):
        for d_col in (0, 1):
            weight = (src_row - row0 if d_row else 1 - (src_row - row0)) * (src_col - col0 if d_col else 1 - (src_col - col0))
            r, c = (row0 + d_row).astype(int), (col0 + d_col).astype(int)
            inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
            value = np.where(inside[..., None], image[np.clip(r, 0, height - 1), np.clip(c, 0, width - 1)], fill)
            out += weight[..., None] * value
    return out


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("data_format", LAYOUTS)
def test_bilinear_rotation_matches_numpy_formula(dtype, tolerance, data_format):
    X = images(n=3, height=9, width=6, channels=2, dtype=dtype)
    rotate = RandomRotation((23.0, 23.0), fill=0.25, data_format=data_format)
    out = from_layout(rotate(to_layout(X, data_format), random_state=0), data_format)
    for image, result in zip(X, out):
        expected = bilinear_rotation_reference(image.astype(np.float64), 23.0, 0.25)
        np.testing.assert_allclose(result, expected, rtol=0, atol=tolerance)


def test_rotation_angles_differ_per_image_and_stay_in_range():
    X = np.repeat(images(n=1, height=9, width=9, channels=1), 40, axis=0)
    out = RandomRotation(20)(X, random_state=4)
    assert len({result.tobytes() for result in out}) == 40
    # Each output matches the reference at some angle within [-20, 20]: find
    # it by scanning a fine grid, then require a close match.
    angles = np.linspace(-20, 20, 401)
    references = np.stack([bilinear_rotation_reference(X[0], a, 0.0) for a in angles])
    for result in out[:5]:
        errors = np.abs(references - result).max(axis=(1, 2, 3))
        assert errors.min() < 0.02


# ------------------------------------------------------- brightness, contrast


def test_brightness_adds_one_offset_per_image_uniform_in_range():
    X = images(n=2000, height=3, width=3, channels=1)
    out = RandomBrightness(0.2)(X, random_state=0)
    offsets = (out - X).reshape(len(X), -1)
    np.testing.assert_allclose(offsets, offsets[:, :1].repeat(9, axis=1), atol=1e-12)
    offsets = offsets[:, 0]
    assert offsets.min() >= -0.2 and offsets.max() <= 0.2
    assert abs(offsets.mean()) < 0.01  # sd of the mean: 0.2/sqrt(3)/sqrt(2000) = 0.0026
    assert abs(offsets.std() - 0.2 / np.sqrt(3)) < 0.01


def test_contrast_scales_about_the_image_mean():
    X = images(n=500, height=4, width=4, channels=3)
    out = RandomContrast(0.5)(X, random_state=1)
    means = X.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3), keepdims=True), means, atol=1e-12)
    factors = ((out - means) / (X - means)).reshape(len(X), -1)
    np.testing.assert_allclose(factors, factors[:, :1].repeat(48, axis=1), rtol=1e-9)
    assert factors.min() >= 0.5 and factors.max() <= 1.5
    assert abs(factors[:, 0].mean() - 1.0) < 0.03


def test_color_jitter_clips_to_value_range_and_matches_formula():
    X = images(n=300, height=4, width=4, channels=1)
    out = ColorJitter(brightness=0.5, contrast=(1.5, 2.0), value_range=(0.0, 1.0))(X, random_state=2)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert np.any(out == 0.0) and np.any(out == 1.0)
    # Unclipped pixels satisfy out = (x - m) c + m + b for one (c, b) per image.
    free = ColorJitter(brightness=0.5, contrast=(1.5, 2.0))(X, random_state=2)
    np.testing.assert_array_equal(out, np.clip(free, 0.0, 1.0))
    means = X.mean(axis=(1, 2, 3), keepdims=True)
    b = free.mean(axis=(1, 2, 3), keepdims=True) - means
    c = (free - means - b)[:, 0, 0, 0] / (X - means)[:, 0, 0, 0]
    np.testing.assert_allclose(free, (X - means) * c[:, None, None, None] + means + b, atol=1e-10)
    assert c.min() >= 1.5 and c.max() <= 2.0 and np.abs(b).max() <= 0.5


# --------------------------------------------------------------------- noise


@pytest.mark.parametrize("dtype", FLOATS)
def test_gaussian_noise_statistics(dtype):
    X = np.full((200, 10, 10, 1), 3.0, dtype=dtype)
    noise = (GaussianNoise(0.5)(X, random_state=0) - X).astype(np.float64).ravel()
    n = noise.size  # 20,000
    assert abs(noise.mean()) < 5 * 0.5 / np.sqrt(n)
    assert abs(noise.std() - 0.5) < 0.02
    assert abs(np.mean(np.abs(noise) < 0.5) - 0.6827) < 0.02
    assert abs(np.mean(noise**4) / noise.var() ** 2 - 3.0) < 0.25  # normal kurtosis
    clipped = GaussianNoise(0.5, value_range=(2.5, 3.5))(X, random_state=0)
    assert clipped.min() == 2.5 and clipped.max() == 3.5


def test_noise_differs_between_images_and_pixels():
    out = GaussianNoise(1.0)(np.zeros((50, 4, 4, 1)), random_state=0)
    assert len({image.tobytes() for image in out}) == 50
    assert np.corrcoef(out[:, 0, 0, 0], out[:, 0, 1, 0])[0, 1] < 0.5


# ----------------------------------------------------------- the contract


@pytest.mark.parametrize("data_format", LAYOUTS)
def test_same_seed_same_output_whatever_the_thread_count(data_format):
    X = to_layout(images(n=40, height=8, width=7, channels=3, dtype=np.float32), data_format)
    for one, two in zip(every_transform(data_format=data_format, n_jobs=1), every_transform(data_format=data_format, n_jobs=2)):
        first = one(X, random_state=11)
        np.testing.assert_array_equal(first, two(X, random_state=11), err_msg=repr(one))
        np.testing.assert_array_equal(first, one(X, random_state=11), err_msg=repr(one))
        assert not np.array_equal(first, one(X, random_state=12)), repr(one)


def test_process_thread_setting_does_not_change_results():
    X = images(n=30, height=6, width=6, channels=1)
    results = []
    try:
        for threads in (1, 2):
            zoo.set_num_threads(threads)
            results.append([t(X, random_state=3) for t in every_transform()])
    finally:
        zoo.set_num_threads(None)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_dtype_and_shape_kept_and_input_untouched(dtype):
    X = (images(n=5, height=6, width=6, channels=3) * (255 if dtype == np.uint8 else 1)).astype(dtype)
    X.setflags(write=False)
    before = X.copy()
    for transform in every_transform():
        out = transform(X, random_state=0)
        assert out.dtype == X.dtype and out.shape == X.shape, repr(transform)
        assert not np.shares_memory(out, X)
        np.testing.assert_array_equal(X, before)


def test_uint8_results_are_rounded_and_clipped():
    X = np.full((4, 3, 3, 1), 250, dtype=np.uint8)
    out = RandomBrightness((10.0, 10.0))(X, random_state=0)
    np.testing.assert_array_equal(out, 255)


@pytest.mark.parametrize("data_format", LAYOUTS)
def test_flattened_rows_with_image_shape_match_the_4d_batch(data_format):
    X = to_layout(images(n=10, height=5, width=4, channels=2), data_format)
    image_shape = X.shape[1:]
    rows = X.reshape(10, -1)
    for flat, batch in zip(every_transform(image_shape=image_shape, data_format=data_format),
                           every_transform(data_format=data_format)):
        out = flat(rows, random_state=4)
        assert out.shape == rows.shape
        np.testing.assert_array_equal(out, batch(X, random_state=4).reshape(10, -1))


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: RandomHorizontalFlip(p=1.5), "p"),
        (lambda: RandomVerticalFlip(p=-0.1), "p"),
        (lambda: GaussianNoise(std=-1.0), "std"),
        (lambda: GaussianNoise(std=float("inf")), "std"),
        (lambda: RandomRotation(degrees=-5), "degrees"),
        (lambda: RandomRotation(10, interpolation="cubic"), "interpolation"),
        (lambda: RandomTranslation(max_shift=1.5), "max_shift"),
        (lambda: RandomTranslation(max_shift=-1), "max_shift"),
        (lambda: RandomCrop(padding=-1), "padding"),
        (lambda: RandomCrop(size=4, padding_mode="wrap"), "padding_mode"),
        (lambda: RandomCrop(size=10, image_shape=(8, 8, 1)), "size"),
        (lambda: ColorJitter(contrast=(2.0, 1.0)), "contrast"),
        (lambda: ColorJitter(contrast=(-1.0, 1.0)), "contrast"),
        (lambda: RandomBrightness(0.1, value_range=(1.0, 0.0)), "value_range"),
        (lambda: GaussianNoise(0.1, data_format="nhwc"), "data_format"),
        (lambda: GaussianNoise(0.1, image_shape=(8, 8)), "image_shape"),
        (lambda: GaussianNoise(0.1, n_jobs=0), "n_jobs"),
    ],
)
def test_bad_parameters_raise_value_errors_naming_them(build, name):
    with pytest.raises(ValueError, match=name):
        build()


def test_bad_inputs_raise_clear_value_errors():
    flip = RandomHorizontalFlip()
    with pytest.raises(ValueError, match="image_shape"):
        flip(np.zeros((3, 64)), random_state=0)
    with pytest.raises(ValueError, match="image_shape"):
        RandomHorizontalFlip(image_shape=(8, 8, 3))(np.zeros((3, 64)), random_state=0)
    with pytest.raises(ValueError, match="batch axis"):
        flip(np.zeros((8, 8, 1)), random_state=0)
    with pytest.raises(ValueError, match="image_shape"):
        RandomHorizontalFlip(image_shape=(4, 4, 1))(np.zeros((2, 8, 8, 1)), random_state=0)
    with pytest.raises(ValueError, match="larger than the padded image"):
        RandomCrop(size=9, padding=0)(np.zeros((2, 8, 8, 1)), random_state=0)
    with pytest.raises(ValueError, match="size"):
        RandomCrop(size=4, image_shape=(8, 8, 1))(np.zeros((2, 64)), random_state=0)
    with pytest.raises(ValueError, match="NaN"):
        flip(np.full((1, 2, 2, 1), np.nan), random_state=0)
    with pytest.raises(ValueError, match="random_state"):
        flip(np.zeros((1, 2, 2, 1)), random_state=-1)
