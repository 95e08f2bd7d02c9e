"""The pieces of every Dask path (zoo.dask._blocks): the wide merge tree
keeps the partials' order, and per-worker groups cover every chunk once."""

import operator

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

from zoo.dask._blocks import chunk_groups, compute, delayed, map_grouped, tree_reduce  # noqa: E402


@pytest.mark.parametrize("n_partials", [1, 2, 15, 16, 17, 40, 300])
@pytest.mark.parametrize("split_every", [2, 3, 16])
def test_tree_reduce_folds_in_order(n_partials, split_every):
    # String concatenation is order-sensitive: any reordering shows.
    partials = [delayed(str)(i) + "," for i in range(n_partials)]
    (merged,) = compute(tree_reduce(partials, operator.add, split_every=split_every))
    assert merged == "".join(f"{i}," for i in range(n_partials))


def test_tree_reduce_refuses_nothing_and_a_split_below_two():
    with pytest.raises(ValueError, match="nothing to reduce"):
        tree_reduce([], operator.add)
    with pytest.raises(ValueError, match="split_every"):
        tree_reduce([delayed(int)(1), delayed(int)(2)], operator.add, split_every=1)


def _rows_and_sum(block):
    return block.shape[0], float(block.sum())


def _add(a, b):
    return a[0] + b[0], a[1] + b[1]


def test_chunk_groups_cover_each_chunk_once_per_worker(dask_client):
    X = np.arange(60.0).reshape(30, 2)
    Xd = da.from_array(X, chunks=((7, 1, 10, 4, 8), 2))
    parts = list(dask.persist(*[delayed(lambda b: (b,))(b) for b in Xd.to_delayed().ravel()]))
    groups = chunk_groups(parts)
    assert sorted(i for group in groups for i in group) == list(range(5))
    assert 1 <= len(groups) <= len(dask_client.scheduler_info()["workers"])
    assert all(group == sorted(group) for group in groups)
    (rows, total), = compute(tree_reduce(map_grouped(_rows_and_sum, _add, groups, parts), _add))
    assert rows == 30 and total == X.sum()


def test_chunk_groups_of_lazy_parts_are_single_chunks():
    # Parts not held by a cluster (lazy, whether or not a client exists):
    # each chunk is its own group, and a task is placed by its inputs.
    Xd = da.from_array(np.ones((10, 2)), chunks=(3, 2))
    parts = [delayed(tuple)([b]) for b in Xd.to_delayed().ravel()]
    assert chunk_groups(parts) == [[0], [1], [2], [3]]
