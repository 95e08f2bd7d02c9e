"""The Dask paths of KMeans and MiniBatchKMeans (issue 17).

KMeans on a row-chunked Dask array:

1. One pass for the column means and variances (Chan et al.'s pairwise
   merge of per-chunk moments from ``_core.column_moments``): the fit works
   on rows centred by the mean, as the in-memory fit does, and ``tol`` is
   scaled by the mean variance.
2. Seeding. ``init="k-means++"`` becomes k-means|| (Bahmani, Moseley,
   Vattani, Kumar & Vassilvitskii, "Scalable k-means++", VLDB 2012): a first
   centre drawn in proportion to the weights, then ``rounds`` passes, each
   drawing every row independently with probability
   ``l * w * d^2 / phi`` (``d`` the distance to the nearest candidate so
   far, ``phi`` the weighted cost of all rows, ``l = 2 n_clusters``); the
   candidates are weighted by the weight of the rows nearest to them and
   reduced to ``n_clusters`` centres on the client by weighted greedy
   k-means++ followed by weighted Lloyd iterations over the candidates.
   ``init="random"`` draws distinct rows in proportion to their weight
   (per-chunk weighted reservoirs, merged); an array is used as given.
3. Lloyd iterations: each task assigns its chunk to the nearest centre
   and sums its points per cluster in one C++ pass (``_core.kmeans_assign_sums``,
   the E-step of ``kmeans_lloyd.cpp``) and returns the per-cluster weighted
   sums, weights and the count of labels that changed; the partials are
   tree-reduced and the client computes the new centres. The labels stay on
   the workers (persisted) between iterations, so "no label changed" is
   told exactly as in memory. Empty clusters take the rows farthest from
   their centres, found by an extra pass only when a cluster is empty.
   The stopping rules, the ordering of the steps and the float types follow
   ``cpp/src/cluster/kmeans_lloyd.cpp``, so the iterates from the same
   initial centres are the in-memory ones to round-off.

``labels_`` is a lazy Dask array (the final assignment, computed chunk by
chunk when asked for); every other fitted attribute is a NumPy value as
after an in-memory fit.

MiniBatchKMeans runs the in-memory ``partial_fit`` step over consecutive
batches of ``batch_size`` rows, chunk after chunk, each task carrying the
model (centres, per-centre weights, random generator, stopping monitor)
to the next, so only that small state travels; ``max_iter`` passes over the
chunks at most, with the in-memory stopping rules.
"""

from __future__ import annotations

import copy
import operator

import numpy as np

from zoo import _core
from zoo._validation import check_array, seed_from_random_state
from zoo.dask._blocks import aligned_rows, compute, delayed, map_blocks_delayed, tree_reduce
from zoo.unsupervised._kmeans_common import (
    check_enough_samples,
    check_init_array,
    n_local_trials,
    run_seeds,
    warn_if_fewer_distinct_centers,
)

__all__ = ["fit_kmeans", "fit_minibatch_kmeans", "kmeans_parallel_init"]

# Rounds of k-means|| (Bahmani et al. find 5 enough with l = 2k).
KMEANS_PARALLEL_ROUNDS = 5


# ----------------------------------------------------------------- blocks


def _float_type(dtype) -> type:
    """The float type a fit keeps: float32 stays float32, the rest float64."""
    return np.float32 if np.dtype(dtype) == np.float32 else np.float64


def _task_threads(n_jobs) -> int:
    # Dask's workers give the parallelism; a task uses one thread unless
    # n_jobs asks for more.
    if n_jobs is None:
        return 1
    from zoo._threads import resolve_n_jobs

    return resolve_n_jobs(n_jobs)


def _rows(block, dtype):
    """A chunk checked in the worker: finite, 2-D, converted to `dtype`."""
    return check_array(block, name="X", dtype=dtype)


def _weights(weight, n, dtype):
    """A chunk of sample_weight (unit weights when None), checked in the worker."""
    if weight is None:
        return np.ones(n, dtype=dtype)
    w = np.ascontiguousarray(weight, dtype=dtype)
    if w.shape != (n,):
        raise ValueError(f"sample_weight must be 1-D with one value per row of X; got a chunk of shape {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("sample_weight must be finite and non-negative")
    return w


def _centred(rows, shift, dtype):
    """Rows (a chunk, or the few drawn from one) centred as
    _core.center_columns does: x - (mean rounded to the float type). The
    chunks were checked by the moments pass, the first over the data."""
    return np.ascontiguousarray(np.asarray(rows).astype(dtype, copy=False) - shift)


def _assigned(block, weight, shift, dtype, centers, n_threads):
    """(nearest centre of each row, weighted inertia) of a chunk, centred
    slab by slab by the kernel (no centred copy of the chunk)."""
    X = _rows(block, dtype)
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    _, _, _, inertia = _core.kmeans_assign_sums(X, _weights(weight, X.shape[0], dtype), shift, centers, labels,
                                                n_threads)
    return labels, float(inertia)


# ------------------------------------------------- pass 1: moments and weights


def _moments(block, weight, dtype):
    X = _rows(block, dtype)
    w = _weights(weight, X.shape[0], dtype)
    count, mean, m2 = _core.column_moments(X, None, 1)
    return float(count), mean, m2, float(w.sum(dtype=np.float64))


def _merge_moments(a, b):
    """Chan, Golub & LeVeque's pairwise update of counts, means and sums of
    squared deviations."""
    na, ma, sa, wa = a
    nb, mb, sb, wb = b
    n = na + nb
    delta = mb - ma
    return n, ma + delta * (nb / n), sa + sb + delta**2 * (na * nb / n), wa + wb


def data_moments(X, weight, dtype):
    """(column means, column variances, per-chunk weight totals) in one pass."""
    partials = map_blocks_delayed(_moments, X, weight, dtype=dtype)
    merged = tree_reduce(partials, _merge_moments)
    chunk_weight = [delayed(operator.getitem)(p, 3) for p in partials]
    (n, mean, m2, total), *per_chunk = compute(merged, *chunk_weight)
    if not total > 0:
        raise ValueError("sample_weight must contain a positive weight")
    return mean, m2 / n, np.asarray(per_chunk)


# ----------------------------------------------------------------- seeding


def _pick_row(block, weight, shift, dtype, seed):
    w = _weights(weight, block.shape[0], dtype).astype(np.float64)
    row = np.random.default_rng(seed).choice(block.shape[0], p=w / w.sum())
    return _centred(np.asarray(block)[row], shift, dtype)


def _nearest_weighted_sq(block, weight, shift, dtype, previous, new_candidates, n_threads):
    """w * squared distance of each row to its nearest candidate, given the
    values for the earlier candidates (or None): one C++ pass per round."""
    X = _rows(block, dtype)  # centred by the kernel, slab by slab
    w = _weights(weight, X.shape[0], dtype)
    # A copy: a task never changes its inputs (Dask may rerun it, or another task read them).
    weighted_sq = np.full(X.shape[0], np.inf) if previous is None else previous.copy()
    _core.kmeans_nearest_weighted_sq(X, w, shift, new_candidates, weighted_sq, n_threads)
    return weighted_sq


def _sample_rows(block, shift, dtype, weighted_sq, phi, oversampling, seed):
    """Rows drawn independently with probability min(1, l * w d^2 / phi)."""
    if not phi > 0:  # every row sits on a candidate: nothing to draw
        return np.empty((0, block.shape[1]), dtype=dtype)
    u = np.random.default_rng(seed).random(block.shape[0])
    return _centred(np.asarray(block)[u < (oversampling / phi) * weighted_sq], shift, dtype)


def _candidate_weights(block, weight, shift, dtype, candidates, n_threads):
    X = _rows(block, dtype)
    w = _weights(weight, X.shape[0], dtype)
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    _, weights, _, _ = _core.kmeans_assign_sums(X, w, shift, candidates, labels, n_threads)
    return weights


def _chunk_seed(seed, *keys):
    # One independent stream per (seed, round, chunk): the draws do not
    # depend on which worker runs which task or in what order.
    return np.random.SeedSequence([seed, *keys])


def _random_keys(block, weight, shift, dtype, k, seed):
    """Efraimidis & Spirakis' weighted reservoir: key log(u) / w per row, the
    k largest keys are k distinct rows drawn in proportion to w."""
    w = _weights(weight, block.shape[0], dtype).astype(np.float64)
    u = np.random.default_rng(seed).random(block.shape[0])
    with np.errstate(divide="ignore"):
        keys = np.where(w > 0, np.log(u) / w, -np.inf)
    top = np.argsort(-keys, kind="stable")[:k]
    return keys[top], _centred(np.asarray(block)[top], shift, dtype)


def _merge_keys(a, b, k):
    keys = np.concatenate((a[0], b[0]))
    rows = np.concatenate((a[1], b[1]))
    top = np.argsort(-keys, kind="stable")[:k]
    return keys[top], rows[top]


def random_rows(X, weight, shift, dtype, k, seed):
    partials = [
        delayed(_random_keys)(xb, wb, shift, dtype, k, _chunk_seed(seed, i))
        for i, (xb, wb) in enumerate(_blocks(X, weight))
    ]
    keys, rows = compute(tree_reduce(partials, lambda a, b: _merge_keys(a, b, k)))[0]
    return np.ascontiguousarray(rows[np.isfinite(keys)])


def _blocks(X, weight):
    """(X block, weight block or None) per row chunk, as delayed objects."""
    xs = X.to_delayed().ravel()
    ws = weight.to_delayed().ravel() if weight is not None else [None] * len(xs)
    return list(zip(xs, ws))


def kmeans_parallel_init(X, weight, shift, dtype, n_clusters, seed, chunk_weight, *, oversampling=None,
                         rounds=KMEANS_PARALLEL_ROUNDS, n_threads=1):
    """k-means|| seeds (Bahmani et al. 2012) in centred coordinates, as a
    (n_clusters, n_features) array of `dtype`.

    ``oversampling`` is l, the expected rows drawn per round (2 n_clusters
    by default); ``chunk_weight`` the total weight of each chunk.
    """
    import dask

    l = 2 * n_clusters if oversampling is None else oversampling
    blocks = _blocks(X, weight)
    rng = np.random.default_rng(_chunk_seed(seed))
    # Step 1: one row drawn in proportion to its weight.
    first_chunk = int(rng.choice(len(blocks), p=chunk_weight / chunk_weight.sum()))
    xb, wb = blocks[first_chunk]
    candidates = compute(delayed(_pick_row)(xb, wb, shift, dtype, _chunk_seed(seed, 0, first_chunk)))[0][None, :]
    new = candidates
    weighted_sq = [None] * len(blocks)
    for round_ in range(1, rounds + 1):
        # The distances to the candidates so far stay on the workers; each
        # round adds only the distances to the rows it drew.
        weighted_sq = dask.persist(*[
            delayed(_nearest_weighted_sq)(xb, wb, shift, dtype, previous, new, n_threads)
            for (xb, wb), previous in zip(blocks, weighted_sq)
        ])
        # phi and the draws in one round trip: the draws wait for phi on the workers.
        phi = tree_reduce([delayed(np.sum)(d) for d in weighted_sq], operator.add)
        phi, *drawn = compute(phi, *[
            delayed(_sample_rows)(xb, shift, dtype, d, phi, l, _chunk_seed(seed, round_, i))
            for i, ((xb, _), d) in enumerate(zip(blocks, weighted_sq))
        ])
        if not phi > 0:  # every row sits on a candidate
            break
        new = np.concatenate(drawn).astype(dtype, copy=False)
        if len(new) == 0:
            continue
        candidates = np.concatenate((candidates, new))
    del weighted_sq
    candidates = np.ascontiguousarray(candidates, dtype=dtype)
    if len(candidates) < n_clusters:
        # Too few rows drawn (tiny or duplicated data): distinct weighted rows instead.
        return random_rows(X, weight, shift, dtype, n_clusters, seed)
    # Step 7: each candidate weighted by the weight of the rows nearest to it.
    partials = [delayed(_candidate_weights)(xb, wb, shift, dtype, candidates, n_threads) for xb, wb in blocks]
    counts = compute(tree_reduce(partials, operator.add))[0].astype(dtype)
    # Step 8: recluster the weighted candidates into n_clusters, in memory.
    seed_step8 = int(np.random.default_rng(_chunk_seed(seed, rounds + 1)).integers(0, 2**63))
    centers, _ = _core.kmeans_plusplus(candidates, counts, n_clusters, n_local_trials(n_clusters), seed_step8,
                                       n_threads)
    labels = np.empty(len(candidates), dtype=np.int32)
    _core.kmeans_fit(candidates, counts, centers, labels, 100, 0.0, "lloyd", n_threads)
    return centers


# ------------------------------------------------------------------ Lloyd


def _lloyd_chunk(block, weight, shift, dtype, centers, previous, n_threads):
    """Assignment of one chunk: (labels, (sums, weights, changed, inertia)),
    the sums in float64 whatever the data, as the in-memory fit keeps them."""
    X = _rows(block, dtype)  # centred by the kernel, slab by slab
    w = _weights(weight, X.shape[0], dtype)
    labels = np.full(X.shape[0], -1, dtype=np.int32) if previous is None else previous[0].copy()
    sums, weights, changed, inertia = _core.kmeans_assign_sums(X, w, shift, centers, labels, n_threads)
    return labels, (sums, weights, int(changed), float(inertia))


def _merge_lloyd(a, b):
    return a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]


def _farthest_rows(block, weight, shift, dtype, centers, state, offset, take):
    """The `take` rows of positive weight farthest from their centre:
    (squared distances, global row indices, rows, weights, labels)."""
    X = _centred(block, shift, dtype)
    w = _weights(weight, X.shape[0], dtype)
    labels = state[0]
    diff = X - centers[labels]
    dist = np.einsum("ij,ij->i", diff, diff).astype(dtype)
    rows = np.flatnonzero(w > 0)
    order = np.lexsort((rows, -dist[rows]))[:take]
    rows = rows[order]
    return dist[rows].astype(np.float64), rows + offset, X[rows], w[rows].astype(np.float64), labels[rows]


def _merge_farthest(a, b, take):
    merged = [np.concatenate((x, y)) for x, y in zip(a, b)]
    order = np.lexsort((merged[1], -merged[0]))[:take]
    return tuple(m[order] for m in merged)


def _relabel(state, rows, labels):
    new = state[0].copy()
    new[rows] = labels
    return new, state[1]


def _lloyd(X, weight, shift, dtype, centers, max_iter, tol, n_threads):
    """Lloyd iterations from `centers` (centred coordinates, modified in
    place), as kmeans_lloyd.cpp runs them: (n_iter, inertia)."""
    import dask

    blocks = _blocks(X, weight)
    offsets = np.concatenate(([0], np.cumsum(X.chunks[0])[:-1]))
    k, d = centers.shape
    states = [None] * len(blocks)
    stable = False
    iteration = 0
    inertia = None
    while iteration < max_iter:
        iteration += 1
        # E-step per chunk, the labels kept on the workers for the next
        # iteration's change count; only the sums travel.
        states = list(dask.persist(*[
            delayed(_lloyd_chunk)(xb, wb, shift, dtype, centers.copy(), previous, n_threads)
            for (xb, wb), previous in zip(blocks, states)
        ]))
        summaries = [delayed(operator.getitem)(s, 1) for s in states]
        sums, weights, changed, inertia = compute(tree_reduce(summaries, _merge_lloyd))[0]
        empty = np.flatnonzero(weights <= 0.0)
        if len(empty):
            # Empty clusters take the rows farthest from their centres
            # (ties to the lowest row), which change label.
            take = len(empty)
            found = [
                delayed(_farthest_rows)(xb, wb, shift, dtype, centers.copy(), s, offset, take)
                for (xb, wb), s, offset in zip(blocks, states, offsets)
            ]
            _, rows, points, w, old = compute(tree_reduce(found, lambda a, b: _merge_farthest(a, b, take)))[0]
            for e, (row, point, weight_, label) in enumerate(zip(rows, points, w, old)):
                sums[label] -= weight_ * point.astype(np.float64)
                weights[label] -= weight_
                sums[empty[e]] += weight_ * point.astype(np.float64)
                weights[empty[e]] += weight_
            chunk_of = np.searchsorted(offsets, rows, side="right") - 1
            for c in np.unique(chunk_of):
                mine = chunk_of == c
                states[c] = dask.persist(
                    delayed(_relabel)(states[c], rows[mine] - offsets[c], empty[: len(rows)][mine].astype(np.int32))
                )[0]
        # M-step: as update_centers in kmeans_common.hpp.
        shift_sq = 0.0
        for j in range(k):
            if weights[j] <= 0.0:
                continue
            updated = (sums[j] / weights[j]).astype(dtype)
            shift_sq += float(((updated.astype(np.float64) - centers[j].astype(np.float64)) ** 2).sum())
            centers[j] = updated
        if changed == 0:
            stable = True
            break
        if shift_sq <= tol:
            break
    if not stable:
        # Centres moved after the last assignment: the inertia under the final centres.
        partials = [
            delayed(_assign_inertia)(xb, wb, shift, dtype, centers.copy(), n_threads) for xb, wb in blocks
        ]
        inertia = compute(tree_reduce(partials, operator.add))[0]
    return iteration, float(inertia)


def _assign_inertia(block, weight, shift, dtype, centers, n_threads):
    return _assigned(block, weight, shift, dtype, centers, n_threads)[1]


def _labels_block(block, shift, dtype, centers, n_threads):
    return _assigned(block, None, shift, dtype, centers, n_threads)[0]


def fit_kmeans(estimator, X, y=None, sample_weight=None):
    """KMeans.fit on a row-chunked Dask array (see the module docstring)."""
    est = estimator
    n, d = X.shape
    check_enough_samples(n, est.n_clusters)
    dtype = _float_type(X.dtype)
    weight = aligned_rows(sample_weight, X, "sample_weight")
    n_threads = _task_threads(est.n_jobs)
    mean, variance, chunk_weight = data_moments(X, weight, dtype)
    shift = mean.astype(dtype)
    tol = float(variance.mean()) * est.tol
    init = est.init
    if callable(init):
        raise ValueError(
            "KMeans: a callable init takes X in memory; on a Dask array pass the starting centres, "
            "'k-means++' (k-means||) or 'random'."
        )
    if not isinstance(init, str):
        init = check_init_array(init, est.n_clusters, d, dtype) - shift

    best = None
    for seed in run_seeds(seed_from_random_state(est.random_state), est._resolved_n_init()):
        if isinstance(init, str) and init == "k-means++":
            centers = kmeans_parallel_init(X, weight, shift, dtype, est.n_clusters, seed, chunk_weight,
                                           n_threads=n_threads)
        elif isinstance(init, str):
            centers = random_rows(X, weight, shift, dtype, est.n_clusters, seed)
            if len(centers) < est.n_clusters:
                raise ValueError(
                    f"KMeans: only {len(centers)} rows have a positive sample_weight, fewer than "
                    f"n_clusters={est.n_clusters}"
                )
        else:
            centers = init.copy()
        centers = np.ascontiguousarray(centers, dtype=dtype)
        n_iter, inertia = _lloyd(X, weight, shift, dtype, centers, est.max_iter, tol, n_threads)
        if best is None or inertia < best[2]:
            best = (centers, n_iter, inertia)

    centers, n_iter, inertia = best
    est.n_features_in_ = d
    est.__dict__.pop("feature_names_in_", None)
    est.cluster_centers_ = centers + shift
    est.labels_ = X.map_blocks(_labels_block, shift, dtype, centers, n_threads, dtype=np.int32, drop_axis=1,
                               chunks=(X.chunks[0],))
    est.n_iter_ = int(n_iter)
    est.inertia_ = float(inertia)
    warn_if_fewer_distinct_centers(est.cluster_centers_, est.n_clusters, stacklevel=3)
    return est


# --------------------------------------------------------- MiniBatchKMeans


class _MiniBatchState:
    """What travels from task to task: the model being fitted, the rows of
    a batch not yet complete (fewer than a batch), and the stopping rules."""

    def __init__(self, model, batch_size, tol, monitor):
        self.model = model
        self.batch_size = batch_size
        self.tol = tol
        self.monitor = monitor
        self.pending_x = None
        self.pending_w = None
        self.stopped = False
        self.steps = 0

    def batch_wanted(self) -> int:
        # The first batch seeds the centres: it needs n_clusters rows.
        first = not hasattr(self.model, "cluster_centers_")
        return max(self.batch_size, self.model.n_clusters) if first else self.batch_size

    def step(self, X, w, n_threads):
        model = self.model
        previous = model.cluster_centers_.copy() if self.tol > 0 and hasattr(model, "cluster_centers_") else None
        if not hasattr(model, "cluster_centers_"):
            # The first step is partial_fit's first call: seed, then step.
            model.partial_fit(X, sample_weight=w)
            batch_inertia = None
        else:
            labels = np.empty(X.shape[0], dtype=np.int32)
            batch_inertia = model._step(X, w, labels, model._rng_, n_threads)
            model.n_steps_ += 1
        self.steps += 1
        if previous is not None and self.steps > 1:
            if float(((model.cluster_centers_ - previous) ** 2).sum()) <= self.tol:
                self.stopped = True
                return
        if batch_inertia is not None and self.monitor.should_stop(batch_inertia / X.shape[0]):
            self.stopped = True

    def feed(self, X, w, n_threads, flush=False):
        """Steps on the full batches of the pending rows and X; the rest
        waits for the next chunk, or with `flush` (the end of a pass) makes
        a last, smaller batch."""
        if self.pending_x is not None:
            X = np.concatenate((self.pending_x, X))
            w = np.concatenate((self.pending_w, w))
            self.pending_x = self.pending_w = None
        start = 0
        while not self.stopped and start < X.shape[0]:
            size = self.batch_wanted()
            remaining = X.shape[0] - start
            seeded = hasattr(self.model, "cluster_centers_")
            if remaining < size and not (flush and (seeded or remaining >= self.model.n_clusters)):
                break
            stop = start + min(size, remaining)
            self.step(np.ascontiguousarray(X[start:stop]), np.ascontiguousarray(w[start:stop]), n_threads)
            start = stop
        if not self.stopped and start < X.shape[0]:
            self.pending_x, self.pending_w = X[start:], w[start:]


def _minibatch_chunk(state, block, weight, dtype, n_threads):
    state = copy.deepcopy(state)  # a task must not change its input
    if state.stopped:
        return state
    X = _rows(block, dtype)
    state.feed(X, _weights(weight, X.shape[0], dtype), n_threads)
    return state


def _minibatch_flush(state, n_threads):
    state = copy.deepcopy(state)
    if not state.stopped and state.pending_x is not None:
        state.feed(np.empty((0, state.pending_x.shape[1]), state.pending_x.dtype), np.empty(0, state.pending_w.dtype),
                   n_threads, flush=True)
    return state


def _minibatch_inertia(block, weight, dtype, model):
    X = _rows(block, dtype)
    return float(model._assign(X, _weights(weight, X.shape[0], dtype))[1])


def fit_minibatch_kmeans(estimator, X, y=None, sample_weight=None):
    """MiniBatchKMeans.fit on a row-chunked Dask array (see the module docstring)."""
    from zoo.unsupervised.minibatch_kmeans import _ConvergenceMonitor

    est = estimator
    n, d = X.shape
    check_enough_samples(n, est.n_clusters)
    dtype = _float_type(X.dtype)
    weight = aligned_rows(sample_weight, X, "sample_weight")
    n_threads = _task_threads(est.n_jobs)
    tol = 0.0
    if est.tol > 0:
        _, variance, _ = data_moments(X, weight, dtype)
        tol = float(variance.mean()) * est.tol
    batch_size = min(est.batch_size, n)
    model = type(est)(**est.get_params())
    state = _MiniBatchState(model, batch_size, tol, _ConvergenceMonitor(n, batch_size, est.max_no_improvement))
    blocks = _blocks(X, weight)
    epochs = 0
    for _ in range(est.max_iter):
        # One pass: a chain of tasks, each continuing from the last one's state.
        epochs += 1
        for xb, wb in blocks:
            state = delayed(_minibatch_chunk)(state, xb, wb, dtype, n_threads)
        state = compute(delayed(_minibatch_flush)(state, n_threads))[0]
        if state.stopped:
            break
    model = state.model
    if not hasattr(model, "cluster_centers_"):
        raise ValueError(f"MiniBatchKMeans: fewer than n_clusters={est.n_clusters} rows with which to seed")
    for name in ("cluster_centers_", "_weight_sums_", "_since_reassign_", "n_steps_", "_rng_"):
        setattr(est, name, getattr(model, name))
    est.n_features_in_ = d
    est.__dict__.pop("feature_names_in_", None)
    est.n_iter_ = int(epochs)
    partials = [delayed(_minibatch_inertia)(xb, wb, dtype, model) for xb, wb in blocks]
    est.inertia_ = float(compute(tree_reduce(partials, operator.add))[0])
    centers = np.ascontiguousarray(model.cluster_centers_)
    shift = centers.mean(axis=0)
    est.labels_ = X.map_blocks(_labels_block, shift, dtype, np.ascontiguousarray(centers - shift), n_threads,
                               dtype=np.int32, drop_axis=1, chunks=(X.chunks[0],))
    return est
