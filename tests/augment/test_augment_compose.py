"""Compose and RandomApply: order, seeding from SeedSequence children, image
reshaping of flattened rows, per-sample probability, and errors."""

import numpy as np
import pytest

from zoo.augment import (
    Compose,
    GaussianNoise,
    Jitter,
    RandomApply,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    RandomSwap,
    RandomTranslation,
)


def images(n=12, shape=(6, 6, 2), seed=0):
    return np.random.default_rng(seed).random((n,) + shape).astype(np.float32)


def steps():
    return [RandomTranslation(1), RandomRotation(15), GaussianNoise(0.05)]


def test_compose_applies_steps_in_order_with_spawned_seeds():
    X = images()
    children = np.random.SeedSequence(42).spawn(3)
    expected = X
    for step, child in zip(steps(), children):
        expected = step(expected, random_state=np.random.default_rng(child))
    np.testing.assert_array_equal(Compose(steps())(X, random_state=42), expected)


def test_compose_order_matters_and_seed_repeats():
    X = images()
    forward = Compose([RandomHorizontalFlip(1.0), RandomTranslation((0, 1), fill=9.0)])
    backward = Compose([RandomTranslation((0, 1), fill=9.0), RandomHorizontalFlip(1.0)])
    np.testing.assert_array_equal(forward(X, 3), forward(X, 3))
    assert not np.array_equal(forward(X, 3), backward(X, 3))
    assert not np.array_equal(forward(X, 3), forward(X, 4))


def test_appending_a_step_keeps_what_earlier_steps_draw():
    X = images()
    short = Compose([RandomRotation(20), RandomTranslation(1)])
    longer = Compose([RandomRotation(20), RandomTranslation(1), RandomHorizontalFlip(0.0)])
    np.testing.assert_array_equal(short(X, 8), longer(X, 8))


def test_compose_with_image_shape_reshapes_flattened_rows_once():
    X = images()
    rows = X.reshape(len(X), -1)
    flat = Compose(steps(), image_shape=(6, 6, 2))(rows, random_state=5)
    assert flat.shape == rows.shape and flat.dtype == rows.dtype
    np.testing.assert_array_equal(flat, Compose(steps())(X, random_state=5).reshape(len(X), -1))
    first = X.transpose(0, 3, 1, 2).copy()
    flat_first = Compose([RandomHorizontalFlip(1.0, data_format="channels_first")], image_shape=(2, 6, 6),
                         data_format="channels_first")(first.reshape(len(X), -1), random_state=0)
    np.testing.assert_array_equal(flat_first.reshape(first.shape), first[..., ::-1])


def test_compose_input_untouched_and_new_array():
    X = images()
    before = X.copy()
    for compose in (Compose(steps()), Compose([])):
        out = compose(X, random_state=0)
        assert not np.shares_memory(out, X)
        np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(Compose([])(X, random_state=0), X)


def test_empty_compose_with_image_shape_returns_a_new_array():
    # It used to hand back X itself (4-D) or a view of it (flattened rows).
    X = images()
    rows = X.reshape(X.shape[0], -1)
    for batch in (X, rows):
        out = Compose([], image_shape=X.shape[1:])(batch, random_state=0)
        assert not np.shares_memory(out, batch)
        np.testing.assert_array_equal(out, batch)
        assert out.dtype == batch.dtype


def test_compose_works_for_text_and_series_and_generators():
    texts = ["a b c d", "e f g h"]
    assert Compose([RandomSwap(1), RandomSwap(1)])(texts, random_state=0) == Compose(
        [RandomSwap(1), RandomSwap(1)]
    )(texts, random_state=0)
    series = np.zeros((5, 20))
    rng = np.random.default_rng(0)
    compose = Compose([Jitter(0.1)])
    assert not np.array_equal(compose(series, random_state=rng), compose(series, random_state=rng))


def test_random_apply_changes_about_p_of_the_samples():
    X = np.zeros((1000, 3, 3, 1))
    out = RandomApply(GaussianNoise(1.0), p=0.3)(X, random_state=0)
    changed = np.any(out != 0, axis=(1, 2, 3))
    assert 240 < changed.sum() < 360  # Binomial(1000, 0.3): sd 14.5
    np.testing.assert_array_equal(RandomApply(GaussianNoise(1.0), p=0.0)(X, random_state=0), X)
    assert np.all(np.any(RandomApply(GaussianNoise(1.0), p=1.0)(X, random_state=0) != 0, axis=(1, 2, 3)))
    again = RandomApply(GaussianNoise(1.0), p=0.3)(X, random_state=0)
    np.testing.assert_array_equal(out, again)


def test_random_apply_on_flattened_rows_and_text():
    X = images(n=200).reshape(200, -1)
    flip = RandomHorizontalFlip(1.0, image_shape=(6, 6, 2))
    out = RandomApply(flip, p=0.5)(X, random_state=1)
    mirrored = flip(X, random_state=0)
    is_mirror = np.all(out == mirrored, axis=1)
    assert np.all(is_mirror | np.all(out == X, axis=1)) and 60 < is_mirror.sum() < 140
    texts = [f"w{i} x{i} y{i}" for i in range(100)]
    swapped = RandomApply(RandomSwap(1), p=0.5)(texts, random_state=0)
    assert len(swapped) == 100 and 20 < sum(a != b for a, b in zip(texts, swapped)) < 80


@pytest.mark.parametrize(
    "build, error, name",
    [
        (lambda: Compose("flip"), TypeError, "transforms"),
        (lambda: Compose([RandomHorizontalFlip(), 3]), TypeError, r"transforms\[1\]"),
        (lambda: Compose([], image_shape=(4, 4)), ValueError, "image_shape"),
        (lambda: Compose([RandomHorizontalFlip(data_format="channels_first")], image_shape=(4, 4, 1)), ValueError,
         "data_format"),
        (lambda: RandomApply(GaussianNoise(0.1), p=2.0), ValueError, "p"),
        (lambda: RandomApply(None), TypeError, "transform"),
    ],
)
def test_bad_parameters(build, error, name):
    with pytest.raises(error, match=name):
        build()


def test_bad_inputs():
    with pytest.raises(ValueError, match="keep their length"):
        Compose([RandomCrop(4)], image_shape=(6, 6, 2))(images().reshape(12, -1), random_state=0)
    with pytest.raises(ValueError, match="image_shape"):
        Compose(steps(), image_shape=(5, 5, 1))(np.zeros((2, 30)), random_state=0)
    with pytest.raises(ValueError, match="random_state"):
        Compose(steps())(images(), random_state="seed")


def test_random_apply_refuses_a_transform_that_changes_shape_or_length():
    # These used to surface as numpy's broadcast error or a bare StopIteration.
    with pytest.raises(ValueError, match="RandomApply.*shape"):
        RandomApply(RandomCrop(size=2), p=1.0)(images(), random_state=0)
    with pytest.raises(ValueError, match="RandomApply.*one per input"):
        RandomApply(lambda texts, random_state=None: texts[:1], p=1.0)(["a b", "c d"], random_state=0)


def test_pipelines_pickle_and_give_the_same_result():
    import pickle

    pipeline = Compose([RandomApply(RandomTranslation(1), p=0.5), RandomRotation(10), GaussianNoise(0.05)],
                       image_shape=(6, 6, 2))
    rows = images().reshape(12, -1)
    copy = pickle.loads(pickle.dumps(pipeline))
    np.testing.assert_array_equal(copy(rows, random_state=9), pipeline(rows, random_state=9))
    assert repr(copy) == repr(pipeline)
