"""zoo.imbalance: sampling strategies, the three resamplers, SMOTE's exact
neighbour search, and minority recall on an imbalanced problem."""

import os

import numpy as np
import pytest

import zoo
from zoo.imbalance import SMOTE, RandomOverSampler, RandomUnderSampler
from zoo.imbalance import _neighbors

# Three classes of 50, 20 and 10 rows, shuffled.
COUNTS = {0: 50, 1: 20, 2: 10}


def three_classes(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(list(COUNTS), list(COUNTS.values())))
    X = (rng.normal(size=(y.shape[0], 3)) + y[:, None]).astype(dtype)
    return X, y


def binary(seed=0, n_major=40, n_minor=10):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_major + n_minor, 2))
    return X, np.repeat([0, 1], [n_major, n_minor])


# ------------------------------------------------------------- sampling_strategy


OVER_NAMES = {
    "auto": {1: 30, 2: 40},
    "not majority": {1: 30, 2: 40},
    "minority": {2: 40},
    "not minority": {0: 0, 1: 30},
    "all": {0: 0, 1: 30, 2: 40},
}
UNDER_NAMES = {
    "auto": {0: 10, 1: 10},
    "not minority": {0: 10, 1: 10},
    "majority": {0: 10},
    "not majority": {1: 10, 2: 10},
    "all": {0: 10, 1: 10, 2: 10},
}


@pytest.mark.parametrize("sampler", [RandomOverSampler, SMOTE])
@pytest.mark.parametrize("name", sorted(OVER_NAMES))
def test_over_sampling_names(sampler, name):
    X, y = three_classes()
    X_res, y_res = sampler(sampling_strategy=name, random_state=0).fit_resample(X, y)
    est = sampler(sampling_strategy=name).fit(X, y)
    assert est.sampling_strategy_ == OVER_NAMES[name]
    expected = {c: n + OVER_NAMES[name].get(c, 0) for c, n in COUNTS.items()}
    assert dict(zip(*np.unique(y_res, return_counts=True))) == expected
    assert X_res.shape == (sum(expected.values()), 3)


@pytest.mark.parametrize("name", sorted(UNDER_NAMES))
def test_under_sampling_names(name):
    X, y = three_classes()
    sampler = RandomUnderSampler(sampling_strategy=name, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_ == UNDER_NAMES[name]
    expected = {c: UNDER_NAMES[name].get(c, n) for c, n in COUNTS.items()}
    assert dict(zip(*np.unique(y_res, return_counts=True))) == expected


def test_names_that_do_not_apply():
    X, y = three_classes()
    with pytest.raises(ValueError, match="'majority' does not apply to over-sampling"):
        RandomOverSampler(sampling_strategy="majority").fit_resample(X, y)
    with pytest.raises(ValueError, match="'minority' does not apply to under-sampling"):
        RandomUnderSampler(sampling_strategy="minority").fit_resample(X, y)
    with pytest.raises(ValueError, match="sampling_strategy"):
        SMOTE(sampling_strategy="most").fit_resample(X, y)


def test_float_ratio_binary():
    X, y = binary(n_major=40, n_minor=10)
    over = RandomOverSampler(sampling_strategy=0.5, random_state=0)
    _, y_res = over.fit_resample(X, y)
    assert over.sampling_strategy_ == {1: 10} and np.bincount(y_res).tolist() == [40, 20]
    under = RandomUnderSampler(sampling_strategy=0.5, random_state=0)
    _, y_res = under.fit_resample(X, y)
    assert under.sampling_strategy_ == {0: 20} and np.bincount(y_res).tolist() == [20, 10]


def test_float_ratio_errors():
    X, y = three_classes()
    with pytest.raises(ValueError, match="only applies to two classes; y has 3"):
        SMOTE(sampling_strategy=0.5).fit_resample(X, y)
    X, y = binary(n_major=40, n_minor=10)
    with pytest.raises(ValueError, match="cannot remove samples"):
        RandomOverSampler(sampling_strategy=0.1).fit_resample(X, y)
    with pytest.raises(ValueError, match="cannot add samples"):
        RandomUnderSampler(sampling_strategy=0.1).fit_resample(X, y)
    with pytest.raises(ValueError, match="sampling_strategy"):
        RandomOverSampler(sampling_strategy=1.5).fit_resample(X, y)


def test_dict_and_callable():
    X, y = three_classes()
    over = RandomOverSampler(sampling_strategy={np.int64(2): 25, 1: 20}, random_state=0)
    _, y_res = over.fit_resample(X, y)
    assert over.sampling_strategy_ == {1: 0, 2: 15}
    assert np.bincount(y_res).tolist() == [50, 20, 25]
    under = RandomUnderSampler(sampling_strategy=lambda labels: {0: int((labels == 2).sum())})
    _, y_res = under.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [10, 20, 10]


def test_dict_errors_name_the_class():
    X, y = three_classes()
    with pytest.raises(ValueError, match="5 samples of class 1, which already has 20; an over-sampler only adds"):
        RandomOverSampler(sampling_strategy={1: 5}).fit_resample(X, y)
    with pytest.raises(ValueError, match="5 samples of class 1, which already has 20"):
        SMOTE(sampling_strategy={1: 5}).fit_resample(X, y)
    with pytest.raises(ValueError, match="30 samples of class 1, which has only 20"):
        RandomUnderSampler(sampling_strategy={1: 30}).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"not in y: \[7\]"):
        RandomOverSampler(sampling_strategy={7: 30}).fit_resample(X, y)
    with pytest.raises(ValueError, match="non-negative int"):
        RandomOverSampler(sampling_strategy={1: 30.5}).fit_resample(X, y)
    with pytest.raises(ValueError, match="must return a dict"):
        RandomOverSampler(sampling_strategy=lambda labels: 3).fit_resample(X, y)


def test_string_labels():
    X, y = three_classes()
    names = np.array(["cat", "dog", "eel"])[y]
    for sampler in (RandomOverSampler(random_state=0), SMOTE(random_state=0)):
        X_res, y_res = sampler.fit_resample(X, names)
        assert sampler.sampling_strategy_ == {"dog": 30, "eel": 40}
        assert y_res.dtype == names.dtype
        assert {c: (y_res == c).sum() for c in ("cat", "dog", "eel")} == {"cat": 50, "dog": 50, "eel": 50}
    _, y_res = SMOTE(sampling_strategy={"eel": 12}, random_state=0).fit_resample(X, names.astype(object))
    assert y_res.dtype == object and (y_res == "eel").sum() == 12


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize("sampler", [RandomOverSampler(), RandomUnderSampler(), SMOTE()])
def test_bad_input(sampler):
    X, y = three_classes()
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sampler.fit_resample(X_nan, y)
    with pytest.raises(ValueError, match="NaN"):
        sampler.fit_resample(X, np.where(y == 2, np.nan, y))
    with pytest.raises(ValueError, match="continuous"):
        sampler.fit_resample(X, y + 0.5)
    with pytest.raises(ValueError, match="at least 2 classes"):
        sampler.fit_resample(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        sampler.fit_resample(X, y[:-1])
    with pytest.raises(ValueError, match="requires y"):
        sampler.fit_resample(X, None)
    with pytest.raises(ValueError, match="random_state"):
        type(sampler)(random_state=-1).fit_resample(X, y)


def test_smote_class_too_small_names_it():
    X, y = three_classes()  # class 2 has 10 samples
    with pytest.raises(ValueError, match=r"k_neighbors=10 needs at least 11 .* class 2 has 10"):
        SMOTE(k_neighbors=10).fit_resample(X, y)
    # A class that is not over-sampled may be small.
    X_res, _ = SMOTE(k_neighbors=15, sampling_strategy={1: 40}, random_state=0).fit_resample(X, y)
    assert X_res.shape[0] == 100
    with pytest.raises(ValueError, match="k_neighbors"):
        SMOTE(k_neighbors=0).fit_resample(X, y)


# ------------------------------------------------------------ random samplers


def test_random_over_sampler_repeats_rows_of_each_class():
    X, y = three_classes()
    sampler = RandomOverSampler(random_state=3)
    X_res, y_res = sampler.fit_resample(X, y)
    n = y.shape[0]
    np.testing.assert_array_equal(X_res[:n], X)  # originals first, unchanged
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])
    np.testing.assert_array_equal(y_res, y[sampler.sample_indices_])
    added = sampler.sample_indices_[n:]
    assert np.all(np.diff(y[added]) >= 0)  # grouped by class, in class order
    # Different seeds draw different rows; the same seed the same rows.
    again = RandomOverSampler(random_state=3).fit_resample(X, y)
    np.testing.assert_array_equal(again[0], X_res)
    other = RandomOverSampler(random_state=4).fit_resample(X, y)
    assert not np.array_equal(other[0], X_res)


def test_random_over_sampler_keeps_integer_features():
    X, y = three_classes()
    X_int = np.round(X * 10).astype(np.int32)
    X_res, _ = RandomOverSampler(random_state=0).fit_resample(X_int, y)
    assert X_res.dtype == np.int32


def test_shrinkage_noise_has_the_bandwidth_spread():
    rng = np.random.default_rng(1)
    n_major, n_minor = 4000, 400
    X = rng.normal(scale=[1.0, 3.0], size=(n_major + n_minor, 2))
    y = np.repeat([0, 1], [n_major, n_minor])
    sampler = RandomOverSampler(shrinkage=2.0, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    added = slice(y.shape[0], None)
    noise = X_res[added] - X[sampler.sample_indices_[added]]
    d = 2
    bandwidth = (4 / ((d + 2) * n_minor)) ** (1 / (d + 4))
    expected = 2.0 * bandwidth * X[y == 1].std(axis=0, ddof=1)
    np.testing.assert_allclose(noise.std(axis=0), expected, rtol=0.05)
    assert np.all(y_res[added] == 1)
    assert sampler.shrinkage_ == {1: 2.0}
    zero = RandomOverSampler(shrinkage=0.0, random_state=0).fit_resample(X, y)[0]
    np.testing.assert_array_equal(zero, X[sampler.sample_indices_])


def test_shrinkage_dict_must_cover_the_over_sampled_classes():
    X, y = three_classes()
    X_res, _ = RandomOverSampler(shrinkage={1: 0.5, 2: 0.0}, random_state=0).fit_resample(X, y)
    assert X_res.shape[0] == 150
    with pytest.raises(ValueError, match=r"missing \[2\]"):
        RandomOverSampler(shrinkage={1: 0.5}).fit_resample(X, y)
    with pytest.raises(ValueError, match="shrinkage"):
        RandomOverSampler(shrinkage=-1.0).fit_resample(X, y)


@pytest.mark.parametrize("replacement", [False, True])
def test_random_under_sampler_keeps_a_subset_in_order(replacement):
    X, y = three_classes()
    sampler = RandomUnderSampler(random_state=0, replacement=replacement)
    X_res, y_res = sampler.fit_resample(X, y)
    indices = sampler.sample_indices_
    assert np.all(np.diff(indices) >= 0)
    np.testing.assert_array_equal(X_res, X[indices])
    np.testing.assert_array_equal(y_res, y[indices])
    np.testing.assert_array_equal(np.sort(indices[y[indices] == 2]), np.flatnonzero(y == 2))
    if not replacement:
        assert np.unique(indices).shape[0] == indices.shape[0]


def test_under_sampling_with_replacement_repeats_rows():
    X, y = binary(n_major=40, n_minor=30)
    sampler = RandomUnderSampler(random_state=0, replacement=True)
    sampler.fit_resample(X, y)
    majority = sampler.sample_indices_[y[sampler.sample_indices_] == 0]
    assert majority.shape[0] == 30 and np.unique(majority).shape[0] < 30


# ---------------------------------------------------------------------- SMOTE


def brute_force_neighbors(points, k):
    difference = points[:, None, :] - points[None, :, :]
    distances = np.einsum("ijk,ijk->ij", difference, difference)
    np.fill_diagonal(distances, np.inf)
    index = np.arange(points.shape[0])
    return np.array([np.lexsort((index, row))[:k] for row in distances])


@pytest.mark.parametrize("tile", [(0, 0), (1, 1), (7, 50)])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_neighbors_are_exact_with_ties(tile, n_threads):
    rng = np.random.default_rng(0)
    grid = np.round(rng.normal(scale=2.0, size=(300, 2)))  # many equal distances
    far = rng.normal(size=(200, 5)) + 1e4  # cancellation in |q|^2 + |p|^2 - 2 q.p
    far[7] = far[3]
    far[11] = far[3]
    for points in (grid, far, far.astype(np.float32)):
        expected = brute_force_neighbors(points.astype(np.float64), 6)
        found = _neighbors.nearest_neighbors(points, np.arange(points.shape[0]), 6, n_threads, *tile)
        np.testing.assert_array_equal(found, expected)
    subset = np.array([5, 3, 250, 5])
    found = _neighbors.nearest_neighbors(grid, subset, 4, n_threads, *tile)
    np.testing.assert_array_equal(found, brute_force_neighbors(grid, 4)[subset])


def test_knn_kernel_matches_brute_force_and_ignores_threads_and_blocks():
    # Duplicated rows and a coarse grid: many exact ties, which must go to
    # the lower index whatever the blocking and the thread count.
    rng = np.random.default_rng(3)
    points = np.round(rng.normal(scale=1.5, size=(257, 3)))
    points[rng.integers(0, 257, 40)] = points[rng.integers(0, 257, 40)]
    queries = rng.permutation(257)[:200]
    for k in (1, 5, 256):
        expected = brute_force_neighbors(points, k)[queries]
        results = [
            zoo._core.knn_brute(points, queries, k, block_rows, block_cols, n_threads)
            for block_rows, block_cols in ((0, 0), (1, 1), (13, 16), (13, 100), (300, 300))
            for n_threads in (1, 2)
        ]
        for found in results:
            assert found.dtype == np.int64 and found.shape == (200, k)
            np.testing.assert_array_equal(found, expected)
    # Hundreds of equal distances per query overflow the kernel's buffer of
    # pending candidates, which must then be ranked early, not lost.
    same = np.zeros((400, 4))
    same[::7] = 1.0
    for k in (3, 150):
        expected = brute_force_neighbors(same, k)
        for block_rows, block_cols in ((0, 0), (5, 64)):
            np.testing.assert_array_equal(zoo._core.knn_brute(same, np.arange(400), k, block_rows, block_cols, 2), expected)
    empty = zoo._core.knn_brute(points, np.zeros(0, dtype=np.int64), 3, 0, 0, 2)
    assert empty.shape == (0, 3)


def test_knn_kernel_refuses_bad_input():
    points = np.random.default_rng(0).normal(size=(10, 2))
    queries = np.arange(10)
    knn = zoo._core.knn_brute
    for k in (0, -1, 10):
        with pytest.raises(ValueError, match="at least"):
            knn(points, queries, k, 0, 0, 1)
    with pytest.raises(ValueError, match="2-D"):
        knn(points[:, 0], queries, 3, 0, 0, 1)
    with pytest.raises(ValueError, match="1-D"):
        knn(points, queries[:, None], 3, 0, 0, 1)
    with pytest.raises(ValueError, match="at least one feature"):
        knn(np.zeros((10, 0)), queries, 3, 0, 0, 1)
    for bad in (-1, 10):
        with pytest.raises(IndexError, match=f"query index {bad} is outside"):
            knn(points, np.array([0, bad]), 3, 0, 0, 1)
    for value in (np.nan, np.inf):
        broken = points.copy()
        broken[4, 1] = value
        with pytest.raises(ValueError, match="finite"):
            knn(broken, queries, 3, 0, 0, 1)
    with pytest.raises(ValueError, match="n_threads"):
        knn(points, queries, 3, 0, 0, 0)
    for tile in ((-2, 0), (0, -1)):
        with pytest.raises(ValueError, match="block_rows and block_cols"):
            knn(points, queries, 3, *tile, 1)


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_neighbors_of_huge_and_tiny_coordinates(scale):
    # Their squared distances overflow (an IndexError before) or underflow
    # to 0 (every point a tie); the neighbours are those of the unscaled data.
    grid = np.round(np.random.default_rng(1).normal(scale=2.0, size=(60, 2)))
    found = _neighbors.nearest_neighbors(grid * scale, np.arange(60), 5)
    # Exact neighbours, compared by their distances in the unscaled grid:
    # the grid's ties (integer coordinates) are no ties once multiplied by
    # `scale`, whose products round, so which tied point comes first is up
    # to that rounding (and to FMA use, which differs between builds).
    unscaled = ((grid[:, None, :] - grid[None, :, :]) ** 2).sum(-1)
    rows = np.arange(60)[:, None]
    np.testing.assert_array_equal(unscaled[rows, found], unscaled[rows, brute_force_neighbors(grid, 5)])
    X, y = grid * scale, np.array([0] * 40 + [1] * 20)
    X_res, _ = SMOTE(random_state=0).fit_resample(X, y)
    assert np.isfinite(X_res).all() and X_res.shape == (80, 2)


def test_neighbors_refuse_too_few_points():
    with pytest.raises(ValueError, match="at least 6 points"):
        _neighbors.nearest_neighbors(np.zeros((5, 2)), np.arange(5), 5)


def test_smote_points_lie_between_a_sample_and_one_of_its_neighbours():
    X, y = three_classes(seed=2)
    k = 3
    X_res, y_res = SMOTE(k_neighbors=k, random_state=0).fit_resample(X, y)
    n = y.shape[0]
    np.testing.assert_array_equal(X_res[:n], X)
    np.testing.assert_array_equal(y_res[:n], y)
    for label in (1, 2):
        members = X[y == label]
        neighbors = brute_force_neighbors(members, k)
        synthetic = X_res[n:][y_res[n:] == label]
        assert synthetic.shape[0] == 50 - COUNTS[label]
        for point in synthetic:
            # Some (sample, neighbour) segment contains the point.
            start = members[:, None, :]
            direction = members[neighbors] - start
            u = np.einsum("ijk,ijk->ij", point - start, direction) / np.einsum("ijk,ijk->ij", direction, direction)
            residual = np.linalg.norm(start + u[..., None] * direction - point, axis=-1)
            on_segment = (residual < 1e-9) & (u >= -1e-12) & (u < 1)
            assert on_segment.any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_smote_rows_are_the_documented_draws_bit_for_bit(dtype):
    # Per over-sampled class, in sorted order: the samples, the neighbour
    # slots and the steps, drawn in that order; each new row is
    # x + u * (n - x) in X's float type, as NumPy evaluates it.
    X, y = three_classes(dtype=dtype, seed=4)
    X_res, y_res = SMOTE(k_neighbors=3, random_state=np.random.default_rng(7), n_jobs=2).fit_resample(X, y)
    rng = np.random.default_rng(7)
    expected = [X]
    for label, n_new in ((1, 30), (2, 40)):
        members = X[y == label]
        base = rng.integers(0, members.shape[0], size=n_new)
        slot = rng.integers(0, 3, size=n_new)
        step = rng.random(n_new).astype(dtype)[:, None]
        partner = brute_force_neighbors(members.astype(np.float64), 3)[base, slot]
        expected.append(members[base] + step * (members[partner] - members[base]))
    expected = np.vstack(expected)
    assert X_res.dtype == dtype
    np.testing.assert_array_equal(X_res, expected)
    np.testing.assert_array_equal(y_res, np.concatenate([y, [1] * 30, [2] * 40]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_interpolation_kernel_matches_numpy_and_checks_rows(dtype):
    rng = np.random.default_rng(5)
    samples = rng.normal(scale=1e3, size=(50, 7)).astype(dtype)
    start, end = rng.integers(0, 50, 3000), rng.integers(0, 50, 3000)
    step = rng.random(3000)
    expected = samples[start] + step.astype(dtype)[:, None] * (samples[end] - samples[start])
    for n_threads in (1, 2):
        out = np.full((3000, 7), np.nan, dtype=dtype)
        zoo._core.smote_interpolate(samples, start, end, step, out, n_threads)
        np.testing.assert_array_equal(out, expected)
    out = np.empty((3000, 7), dtype=dtype)
    with pytest.raises(IndexError, match="end row 50 is outside"):
        zoo._core.smote_interpolate(samples, start, np.where(end == end[9], 50, end), step, out, 1)
    with pytest.raises(IndexError, match="start row -1 is outside"):
        zoo._core.smote_interpolate(samples, np.full(3000, -1), end, step, out, 1)
    with pytest.raises(ValueError, match="out has shape"):
        zoo._core.smote_interpolate(samples, start, end, step, np.empty((3000, 6), dtype=dtype), 1)
    with pytest.raises(TypeError):  # a strided view cannot be written in place
        zoo._core.smote_interpolate(samples, start, end, step, np.empty((3000, 14), dtype=dtype)[:, ::2], 1)
    with pytest.raises(ValueError, match="step has shape"):
        zoo._core.smote_interpolate(samples, start, end, step[:-1], out, 1)
    with pytest.raises(ValueError, match="n_threads"):
        zoo._core.smote_interpolate(samples, start, end, step, out, 0)


def test_smote_steps_are_uniform():
    # One feature, two minority points: each synthetic value is the start
    # plus a uniform fraction of the gap towards the other point.
    X = np.array([[0.0], [1.0]] + [[5.0 + i] for i in range(40)])
    y = np.array([1, 1] + [0] * 40)
    X_res, _ = SMOTE(k_neighbors=1, random_state=0).fit_resample(X, y)
    values = X_res[42:, 0]
    assert values.shape == (38,) and np.all((values >= 0) & (values <= 1))
    fractions = np.concatenate([values, 1 - values])  # from either end
    assert 0.35 < fractions.mean() / 1.0 < 0.65 and fractions.min() < 0.1


def test_smote_is_seeded_and_independent_of_threads():
    X, y = three_classes(seed=1)
    first = SMOTE(random_state=5, n_jobs=1).fit_resample(X, y)
    second = SMOTE(random_state=5, n_jobs=2).fit_resample(X, y)
    np.testing.assert_array_equal(first[0], second[0])
    other = SMOTE(random_state=6).fit_resample(X, y)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_smote_keeps_the_float_type(dtype):
    X, y = three_classes(dtype=dtype)
    X_res, _ = SMOTE(random_state=0).fit_resample(X, y)
    assert X_res.dtype == dtype


def test_nothing_to_do_returns_the_data():
    X, y = binary(n_major=20, n_minor=20)
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)


def test_pandas_in_pandas_out():
    pd = pytest.importorskip("pandas")
    X, y = three_classes()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    labels = pd.Series(y, name="label")
    for sampler in (RandomOverSampler(random_state=0), RandomUnderSampler(random_state=0), SMOTE(random_state=0)):
        X_res, y_res = sampler.fit_resample(frame, labels)
        assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["a", "b", "c"]
        assert isinstance(y_res, pd.Series) and y_res.name == "label"
        assert list(sampler.feature_names_in_) == ["a", "b", "c"]


def test_samplers_save_and_load(tmp_path):
    X, y = three_classes()
    for sampler in (
        RandomOverSampler(sampling_strategy={1: 30, 2: 30}, random_state=0, shrinkage=0.5),
        RandomUnderSampler(random_state=1, replacement=True),
        SMOTE(k_neighbors=3, random_state=2),
    ):
        sampler.fit_resample(X, y)
        path = os.fspath(tmp_path / f"{type(sampler).__name__}.npz")
        loaded = zoo.load(sampler.save(path))
        assert type(loaded) is type(sampler)
        assert loaded.get_params() == sampler.get_params()
        assert loaded.sampling_strategy_ == sampler.sampling_strategy_
        np.testing.assert_array_equal(loaded.fit_resample(X, y)[0], sampler.fit_resample(X, y)[0])


# ------------------------------------------- minority recall on imbalanced data


def imbalanced_split(seed, n_major=1900, n_minor=100):
    """Two overlapping Gaussians, 5% minority; a stratified half for testing."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0.0, 1.0, size=(n_major, 2)), rng.normal(1.5, 1.0, size=(n_minor, 2))])
    y = np.repeat([0, 1], [n_major, n_minor])
    test = np.concatenate(
        [rng.permutation(n_major)[: n_major // 2], n_major + rng.permutation(n_minor)[: n_minor // 2]]
    )
    train = np.setdiff1d(np.arange(y.shape[0]), test)
    return X[train], y[train], X[test], y[test]


def minority_recall(model, X, y):
    return float(np.mean(model.predict(X)[y == 1] == 1))


@pytest.mark.parametrize("seed", [0, 1])
def test_rebalancing_raises_minority_recall(seed):
    X_train, y_train, X_test, y_test = imbalanced_split(seed)
    plain = minority_recall(zoo.LogisticRegression().fit(X_train, y_train), X_test, y_test)
    recalls = {
        name: minority_recall(zoo.LogisticRegression().fit(*sampler.fit_resample(X_train, y_train)), X_test, y_test)
        for name, sampler in {
            "RandomOverSampler": RandomOverSampler(random_state=0),
            "SMOTE": SMOTE(random_state=0),
            "RandomUnderSampler": RandomUnderSampler(random_state=0),
        }.items()
    }
    recalls["balanced"] = minority_recall(
        zoo.LogisticRegression(class_weight="balanced").fit(X_train, y_train), X_test, y_test
    )
    # Without rebalancing the model calls most minority samples majority
    # (recall about 0.4); rebalanced, it finds about 0.8 of them.
    assert plain < 0.55
    for name, recall in recalls.items():
        assert recall >= plain + 0.25, (name, plain, recall)
