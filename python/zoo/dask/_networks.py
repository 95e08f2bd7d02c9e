"""Neural networks on Dask arrays: data-parallel training by local SGD.

MLPClassifier, MLPRegressor, MLP and Autoencoder fit a Dask array this way:

- The rows are split into shards, one per worker (with a distributed
  Client: the chunks each worker already holds; ``n_workers=k``: k
  contiguous runs of chunks, each on the worker holding most of it).
- Each epoch, every shard shuffles its own rows with the engine's
  generator and the epoch's seed, exactly as the in-memory epoch shuffles
  all rows, and cuts them into mini-batches of `batch_size`.
- A *window* is `sync_every` consecutive mini-batches. Each worker trains
  its copy of the network on its next window with the engine's own epoch
  kernel (``_core.nn_train_epoch`` on those rows, in that order, shuffle
  off), and returns the network: parameters, batch-norm statistics,
  optimizer moments and step count.
- The client averages them, weighted by the rows each worker trained on
  (FedAvg), and sends the average out for the next window. The optimizer's
  moments are averaged with the weights, so that Adam or momentum carries
  on from a consistent state instead of restarting; the step count (for
  Adam's bias correction) advances by the longest worker's steps.

``sync_every=1`` is synchronous data-parallel SGD on a batch of
``n_workers * batch_size`` rows. A large `sync_every` exchanges weights
rarely (less communication: one round trip per window) but lets the copies
drift apart between exchanges, which averaging only partly undoes on
non-convex losses. With one worker the averaging is the identity and the
epoch is the in-memory one window after window: the same shuffle, the
same batches, the same steps, so the fit equals ``fit`` on the NumPy data
bit for bit (without dropout: its masks are drawn per batch index, which
restarts at every window). With several workers it is a different
(parallel) algorithm that reaches comparable loss, not the same weights.

Only networks travel (a copy per worker per window, both ways); no chunk
of X is gathered on the client. The chunks are checked once in the
workers and persisted there for the epochs.
"""

from __future__ import annotations

import copy
import functools

import numpy as np

from zoo import _core
from zoo._threads import resolve_n_jobs
from zoo._transaction import _transactional
from zoo._validation import check_array, is_dask_collection, seed_from_random_state
from zoo.dask._blocks import aligned_rows, compute, map_blocks_delayed, row_chunked, tree_reduce
from zoo.dask._logistic import _class_weights, _label_totals, _merge_label_totals, checked_weights
from zoo.nn._driver import callback_list, run_rounds
from zoo.nn._epoch_inputs import standardised
from zoo.nn._model import TrainingSet, epoch_seed
from zoo.nn.continual import forget_tasks
from zoo.nn.history import History
from zoo.nn.schedules import get_schedule

__all__ = ["DEFAULT_SYNC_EVERY", "epoch_order", "fit_data_parallel"]

# Mini-batch steps between weight exchanges when fit() routes a Dask array here.
DEFAULT_SYNC_EVERY = 16

_MASK = (1 << 64) - 1


# -- the engine's shuffle, reproduced ---------------------------------------------------------


@functools.lru_cache(maxsize=4)
def epoch_order(n: int, seed: int) -> np.ndarray:
    """The order in which ``_core.nn_train_epoch`` visits n rows with
    shuffle on and `seed`: Fisher-Yates driven by zoo's generator
    (xoshiro256++ seeded through splitmix64, Lemire's bounded draws;
    cpp/include/zoo/rng.hpp and cpp/src/nn/train.cpp). Cached: the windows
    of one epoch share it."""
    state = []
    x = seed & _MASK
    for _ in range(4):
        x = (x + 0x9E3779B97F4A7C15) & _MASK
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        state.append(z ^ (z >> 31))
    s0, s1, s2, s3 = state
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        total = (s0 + s3) & _MASK
        result = ((((total << 23) | (total >> 41)) & _MASK) + s0) & _MASK
        t = (s1 << 17) & _MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & _MASK
        j = (result * (i + 1)) >> 64
        order[i], order[j] = order[j], order[i]
    result = np.array(order, dtype=np.int64)
    result.flags.writeable = False
    return result


def _shard_seed(seed: int, shard: int, n_shards: int) -> int:
    # One shard shuffles as the in-memory epoch does; several draw apart.
    if n_shards == 1:
        return seed
    return int(np.random.SeedSequence([seed, shard]).generate_state(1, dtype=np.uint64)[0])


# -- training configuration, as data (TrainConfig does not pickle) -------------------------

_CONFIG_FIELDS = ("loss", "huber_delta", "l1", "l2", "clip_norm", "clip_value", "batch_size", "shuffle",
                  "bn_momentum", "bn_epsilon", "seed", "n_threads", "anchor_strength")
_OPTIMIZER_FIELDS = ("kind", "learning_rate", "beta1", "beta2", "epsilon", "weight_decay", "nesterov")


def _config_fields(config) -> dict:
    fields = {name: getattr(config, name) for name in _CONFIG_FIELDS}
    fields["loss"] = int(fields["loss"])
    optimizer = {name: getattr(config.optimizer, name) for name in _OPTIMIZER_FIELDS}
    optimizer["kind"] = int(optimizer["kind"])
    fields["optimizer"] = optimizer
    return fields


def _config_from(fields: dict):
    config = _core.TrainConfig()
    for name in _CONFIG_FIELDS:
        value = fields[name]
        setattr(config, name, _core.Loss(value) if name == "loss" else value)
    optimizer = config.optimizer
    for name, value in fields["optimizer"].items():
        setattr(optimizer, name, _core.OptimizerKind(value) if name == "kind" else value)
    config.optimizer = optimizer
    return config


# -- blocks, in the workers ----------------------------------------------------------------


def _checked_inputs(block, float_dtype):
    return check_array(block, dtype=float_dtype)


def _encoded_targets(block, reader, float_dtype):
    return reader.encode(block, dtype=float_dtype)


def _checked_weight_block(w_block, x_block, float_dtype):
    return checked_weights(w_block, x_block.shape[0], float_dtype)


def _gather(chunks, offsets, rows):
    """Rows (indices into the shard's concatenated chunks) of the shard's
    chunks, in the order given."""
    owner = np.searchsorted(offsets, rows, side="right") - 1
    out = np.empty((rows.shape[0], *chunks[0].shape[1:]), dtype=chunks[0].dtype)
    for c in np.unique(owner):
        where = owner == c
        out[where] = chunks[c][rows[where] - offsets[c]]
    return out


def _train_window(network, fields, seed, window, sync_every, prepare, n_chunks, *chunks):
    """Train `network` on one shard's window `window` of the epoch; returns
    the trained network and (loss * weight, correct, weight, squared error,
    steps, rows)."""
    X_chunks, T_chunks, W_chunks = chunks[:n_chunks], chunks[n_chunks:2 * n_chunks], chunks[2 * n_chunks:]
    sizes = np.array([c.shape[0] for c in X_chunks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    n = int(sizes.sum())
    order = epoch_order(n, seed) if fields["shuffle"] else np.arange(n, dtype=np.int64)
    batch = min(int(fields["batch_size"]), n)
    rows = order[window * sync_every * batch:(window + 1) * sync_every * batch]
    if rows.shape[0] == 0:
        return network, (0.0, 0.0, 0.0, 0.0, 0, 0)
    X = _gather(X_chunks, offsets, rows)
    targets = X if prepare["autoencoder"] else _gather(T_chunks, offsets, rows)
    weight = _gather(W_chunks, offsets, rows)
    if prepare["per_class"] is not None:
        weight = np.ascontiguousarray(weight * prepare["per_class"][targets[:, 0].astype(np.int64)].astype(weight.dtype))
    X = standardised(X, prepare["mean"], prepare["scale"])
    if prepare["autoencoder"] and prepare["mean"] is not None:
        targets = X
    # The window's rows are already in the epoch's order: the kernel must not shuffle them again.
    config = _config_from({**fields, "shuffle": False, "seed": seed})
    before = int(network.n_steps)
    loss, correct, weight_sum, squared_error = network.train_epoch(TrainingSet(X, targets, weight), config)
    return network, (float(loss) * float(weight_sum), float(correct), float(weight_sum), float(squared_error),
                     int(network.n_steps) - before, int(rows.shape[0]))


# -- where the shards run ---------------------------------------------------------------------


def _current_client():
    """The distributed Client Dask would compute on, or None (Dask's local
    schedulers, or a scheduler chosen by dask.config.set(scheduler=...))."""
    import dask

    if dask.config.get("scheduler", None) not in (None, "dask.distributed", "distributed"):
        return None
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


def _split_contiguous(sizes, n_shards):
    """Runs of consecutive chunks with about equal rows, n_shards of them (fewer if there are fewer chunks)."""
    n_shards = max(1, min(n_shards, len(sizes)))
    bounds = np.cumsum(sizes)
    targets = bounds[-1] * np.arange(1, n_shards) / n_shards
    cuts = sorted(set(int(np.searchsorted(bounds, t, side="left")) + 1 for t in targets))
    cuts = [c for c in cuts if 0 < c < len(sizes)]
    edges = [0, *cuts, len(sizes)]
    return [list(range(a, b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


class _Shards:
    """The shards (lists of chunk indices) and how to run a window on each:
    on the worker holding the shard's chunks (a distributed Client), else
    here, one after the other."""

    def __init__(self, arrays, n_workers):
        X = arrays[0]
        self.sizes = [int(s) for s in X.chunks[0]]
        self.client = _current_client()
        if self.client is None:
            self.chunks = [[b.compute() for b in a.to_delayed().ravel()] for a in arrays]
            self.shards = _split_contiguous(self.sizes, 1 if n_workers is None else n_workers)
            self.workers = [None] * len(self.shards)
            return
        from dask.core import flatten
        from distributed import futures_of, wait

        self.chunks = []
        for array in arrays:
            by_key = {future.key: future for future in futures_of(array)}
            keys = list(flatten(array.__dask_keys__()))
            self.chunks.append([by_key[k] for k in keys])
        wait(self.chunks[0])  # who holds a chunk is known once it is computed
        holders = self.client.who_has(self.chunks[0])
        first_holder = [sorted(holders[f.key])[0] if holders.get(f.key) else None for f in self.chunks[0]]
        if n_workers is None:
            groups = {}
            for index, holder in enumerate(first_holder):
                groups.setdefault(holder, []).append(index)
            self.shards = sorted(groups.values())
            self.workers = [first_holder[shard[0]] for shard in self.shards]
        else:
            self.shards = _split_contiguous(self.sizes, n_workers)
            self.workers = []
            for shard in self.shards:
                rows = {}
                for index in shard:
                    rows[first_holder[index]] = rows.get(first_holder[index], 0) + self.sizes[index]
                self.workers.append(max(sorted(rows, key=str), key=lambda w: rows[w]))

    def rows(self, shard):
        return sum(self.sizes[i] for i in self.shards[shard])

    def run(self, calls):
        """calls: (shard, args) pairs; `_train_window(*args, *chunks of the shard)` for each."""
        if self.client is None:  # each shard trains its own copy, as a worker would
            return [_train_window(copy.deepcopy(args[0]), *args[1:], *self._shard_chunks(shard))
                    for shard, args in calls]
        futures = [
            self.client.submit(_train_window, *args, *self._shard_chunks(shard), pure=False,
                               workers=[self.workers[shard]] if self.workers[shard] else None,
                               allow_other_workers=True)
            for shard, args in calls
        ]
        return self.client.gather(futures)

    def _shard_chunks(self, shard):
        return [part[i] for part in self.chunks for i in self.shards[shard]]


def _average_into(network, results):
    """Write into `network` (whose arrays the caller and its callbacks may
    hold) the workers' networks averaged by rows trained; one worker's is
    copied as it is, bit for bit."""
    trained = [(net, stats) for net, stats in results if stats[5] > 0]
    if not trained:
        return
    total = float(sum(stats[5] for _, stats in trained))
    for name in ("params", "buffers", "optimizer_state"):
        target = getattr(network, name)
        if target is None or target.size == 0:
            continue
        if len(trained) == 1:
            target[...] = getattr(trained[0][0], name)
        else:
            mean = sum(getattr(net, name).astype(np.float64) * (stats[5] / total) for net, stats in trained)
            target[...] = mean.astype(target.dtype)
    network.n_steps = int(network.n_steps) + max(stats[4] for _, stats in trained)


# -- statistics over the chunks (targets' baseline, R^2's denominator, input scaling) ------------


def _moments(block, weight):
    """(weight sum, weighted mean, weighted M2 per column) of a 2-D block in float64."""
    values = np.asarray(block, dtype=np.float64)
    w = np.ones(values.shape[0]) if weight is None else np.asarray(weight, dtype=np.float64)
    total = float(w.sum())
    mean = (w @ values) / total if total > 0 else np.zeros(values.shape[1])
    m2 = w @ ((values - mean) ** 2)
    return total, mean, m2


def _merge_moments(a, b):
    """Chan et al.'s parallel update."""
    (wa, ma, sa), (wb, mb, sb) = a, b
    total = wa + wb
    if total == 0:
        return 0.0, ma, sa + sb
    delta = mb - ma
    return total, ma + delta * (wb / total), sa + sb + delta**2 * (wa * wb / total)


def _block_statistics(X_block, T_block, W_block, scale_inputs, target_moments):
    """Per chunk: the inputs' unweighted moments (for normalize) and the
    targets' weighted moments (regression and autoencoders)."""
    inputs = _moments(X_block, None) if scale_inputs else None
    targets = _moments(X_block if T_block is None else T_block, W_block) if target_moments else None
    return inputs, targets


def _merge_statistics(a, b):
    return tuple(None if x is None else _merge_moments(x, y) for x, y in zip(a, b))


# -- the fit ------------------------------------------------------------------------------------


@_transactional  # like fit: a failed run leaves the model it started from
def fit_data_parallel(estimator, X, y=None, sample_weight=None, *, sync_every=DEFAULT_SYNC_EVERY, n_workers=None,
                      resume=False):
    """Fit a zoo network model (MLPClassifier, MLPRegressor, MLP, Autoencoder)
    on a Dask array by local SGD (see the module docstring).

    Parameters
    ----------
    estimator : the model; its parameters (epochs, batch_size, optimizer,
        learning rate, schedule, callbacks, ...) apply as in ``fit``.
    X : dask.array.Array or Dask DataFrame, chunked along rows only
    y : Dask or NumPy array of targets (None for an Autoencoder)
    sample_weight : Dask or NumPy array of shape (n_samples,), optional
    sync_every : int, default=DEFAULT_SYNC_EVERY
        Mini-batch steps each worker takes between weight averages; 1 is
        synchronous data-parallel SGD.
    n_workers : int or None
        Number of shards, each trained by one worker. None: one per worker
        holding chunks of X (a distributed Client), else 1. With 1 the fit
        equals the in-memory fit bit for bit (without dropout).
    resume : bool
        As in ``fit``.

    Returns
    -------
    estimator
    """
    if int(sync_every) < 1:
        raise ValueError(f"sync_every must be a positive number of mini-batch steps; got {sync_every!r}")
    if n_workers is not None and int(n_workers) < 1:
        raise ValueError(f"n_workers must be a positive number of shards or None; got {n_workers!r}")
    estimator._validate_params()
    return _fit(estimator, row_chunked(X), y, sample_weight, sync_every=int(sync_every),
                n_workers=None if n_workers is None else int(n_workers), resume=resume)


def fit_network(estimator, X, y, sample_weight, *, resume=False, augment=None):
    """What ``fit`` runs on a Dask array: fit_data_parallel with the defaults."""
    if augment is not None:
        raise ValueError("augment is not supported on Dask arrays: fit augmented data in memory, or augment the "
                         "Dask array itself (X.map_blocks) before fit")
    return _fit(estimator, X, y, sample_weight, sync_every=DEFAULT_SYNC_EVERY, n_workers=None, resume=resume)


def _fit(estimator, X, y, sample_weight, *, sync_every, n_workers, resume):
    import dask.array as da

    name = type(estimator).__name__
    autoencoder = hasattr(estimator, "_encoder_sizes")
    _refuse_unsupported(estimator, autoencoder)
    continuing = (resume or estimator.warm_start) and hasattr(estimator, "params_")
    if continuing:
        if not autoencoder:
            estimator._check_input_scaling_kept()
        if X.shape[1] != estimator.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {name} is expecting {estimator.n_features_in_} "
                             "features as input.")
    dtype = np.dtype(estimator.dtype)
    weight = aligned_rows(sample_weight, X, "sample_weight")
    if autoencoder:
        y = None
    else:
        if y is None:
            raise ValueError(f"{name} requires y to be passed, but the target y is None")
        y = aligned_rows(y, X, "y")

    # Readers of the targets (from reduced label statistics: y stays in the workers).
    counts = None
    if not autoencoder:
        reader, counts = _targets_reader(estimator, y, weight, dtype, fit=not continuing)
        if not continuing:
            estimator._targets_ = reader
            estimator.n_outputs_ = reader.n_outputs
            estimator._check_loss_fits_targets()
            if getattr(reader, "classes", None) is not None:
                estimator.classes_ = reader.classes
    elif estimator.loss == "binary_crossentropy" and estimator.output_activation != "sigmoid":
        raise ValueError("loss='binary_crossentropy' needs output_activation='sigmoid' "
                         f"(got {estimator.output_activation!r})")

    # Checked once in the workers and kept there.
    inputs = X.map_blocks(_checked_inputs, float_dtype=dtype, dtype=dtype, meta=np.empty((0, 0), dtype=dtype))
    if weight is None:
        weight = da.ones(X.shape[0], chunks=(X.chunks[0],), dtype=dtype)
    weights = da.map_blocks(_checked_weight_block, weight, inputs[:, 0], float_dtype=dtype, dtype=dtype,
                            meta=np.empty((0,), dtype=dtype))
    if autoencoder:
        inputs, weights = _persist(inputs, weights)
        if estimator.loss == "binary_crossentropy":
            low, high = compute(inputs.min(), inputs.max())
            if low < 0 or high > 1:
                raise ValueError("loss='binary_crossentropy' needs X in [0, 1]; scale X or use loss='mse'")
        targets = inputs
        arrays = (inputs, inputs, weights)
    else:
        reader = estimator._targets_
        n_out = 1 if getattr(reader, "classes", None) is not None else reader.n_outputs  # class index, or values
        targets = y.map_blocks(_encoded_targets, reader=reader, float_dtype=dtype, dtype=dtype,
                               chunks=(X.chunks[0], (n_out,)), new_axis=1 if y.ndim == 1 else None,
                               meta=np.empty((0, 0), dtype=dtype))
        inputs, targets, weights = _persist(inputs, targets, weights)
        arrays = (inputs, targets, weights)

    per_class = None
    if not autoencoder and estimator.class_weight is not None:
        if counts is None:
            raise ValueError("class_weight applies to classification only")
        per_class = _class_weights(estimator, estimator._targets_, counts[0])

    # Statistics: the inputs' scaling (normalize), the targets' spread (R^2, the baseline).
    scale_inputs = not continuing and bool(getattr(estimator, "normalize", False))
    regression = autoencoder or type(estimator._targets_).__name__ == "RegressionTargets"
    partials = map_blocks_delayed(_block_statistics, inputs, None if autoencoder else targets, weights,
                                  scale_inputs=scale_inputs, target_moments=regression)
    ((input_moments, target_moments),) = compute(tree_reduce(partials, _merge_statistics))
    if scale_inputs:
        n_rows, mean, m2 = input_moments
        scale = np.sqrt(m2 / n_rows)
        scale[scale == 0] = 1.0
        estimator.input_mean_, estimator.input_scale_ = mean, scale
    elif not continuing and not autoencoder:
        vars(estimator).pop("input_mean_", None)
        vars(estimator).pop("input_scale_", None)
    tss = None if target_moments is None else float(target_moments[2].sum())
    weight_total = None
    if target_moments is not None:
        weight_total = float(target_moments[0])
    elif counts is not None:
        weight_total = float((counts[1] * (per_class if per_class is not None else 1.0)).sum())
    if weight_total is not None and not weight_total > 0:
        raise ValueError("the sample weights (times class_weight) sum to zero; nothing to fit")

    if not continuing:
        estimator.n_features_in_ = X.shape[1]
        vars(estimator).pop("feature_names_in_", None)
        rng = np.random.default_rng(seed_from_random_state(estimator.random_state))
        estimator._initialise_state(rng, dtype)
        estimator._transfer_layers()
        if autoencoder:
            estimator.n_components_ = estimator._encoder_sizes()[-1]
            estimator.n_encoder_layers_ = len(estimator._encoder_sizes())
        else:
            forget_tasks(estimator)
        estimator.history_ = History(baseline=_baseline(estimator, autoencoder, counts, per_class, tss,
                                                        weight_total))
    validation = _validation_set(estimator, autoencoder, dtype)
    until = estimator.epochs if resume else estimator.n_epochs_ + estimator.epochs

    shards = _Shards(arrays, n_workers)
    prepare = {
        "autoencoder": autoencoder,
        "per_class": per_class,
        "mean": getattr(estimator, "input_mean_", None),
        "scale": getattr(estimator, "input_scale_", None),
    }
    _run_epochs(estimator, shards, prepare, validation, until, sync_every, {"total_sum_squares": tss})
    return estimator


def _persist(*arrays):
    import dask

    return dask.persist(*arrays)


def _refuse_unsupported(estimator, autoencoder):
    name = type(estimator).__name__
    if getattr(estimator, "device", "cpu") != "cpu":
        raise ValueError(f"{name}: device='cuda' trains arrays in memory; a Dask fit runs on the workers' CPUs")
    if getattr(estimator, "validation_split", 0):
        raise ValueError(f"{name}: validation_split is not supported on Dask arrays (it would draw rows from "
                         "every chunk); pass validation_data=(X_val, y_val) held in memory instead")
    data = estimator.validation_data
    if data is not None and any(is_dask_collection(part) for part in (data if isinstance(data, (tuple, list))
                                                                      else (data,))):
        raise ValueError(f"{name}: validation_data must be in memory (NumPy); compute it first")
    if any(callable(getattr(callback, "measure_epoch", None)) for callback in estimator.callbacks or ()):
        raise ValueError(f"{name}: callbacks that measure the network on its training rows (GradientMonitor) "
                         "need the data in memory; they are not supported on Dask arrays")
    if not autoencoder and estimator._continual_learning() is not None:
        raise ValueError(f"{name}: continual learning is not supported on Dask arrays")
    if autoencoder and estimator.denoising > 0:
        raise ValueError(f"{name}: denoising is not supported on Dask arrays yet; fit with denoising=0")


def _targets_reader(estimator, y, weight, dtype, *, fit):
    """(the targets reader, (counts, weight sums) per class or None)."""
    classification = _classifies(estimator, y.dtype)
    if classification and (y.ndim == 1 or y.shape[1] == 1):
        labels = y if y.ndim == 1 else y[:, 0]
        partials = map_blocks_delayed(_label_totals, labels, weight, dtype=dtype)
        ((values, counts, sums),) = compute(tree_reduce(partials, _merge_label_totals))
        if fit:
            reader = estimator._target_reader(values)
        else:
            reader = estimator._targets_
        if getattr(reader, "classes", None) is None:
            return reader, None
        where = np.searchsorted(reader.classes, values)
        where = np.clip(where, 0, reader.classes.shape[0] - 1)
        unseen = values[reader.classes[where] != values]
        if unseen.size:
            raise ValueError(f"y contains labels not seen at fit: {unseen.tolist()}")
        full_counts = np.zeros(reader.classes.shape[0], dtype=np.int64)
        full_sums = np.zeros(reader.classes.shape[0])
        full_counts[where] = counts
        full_sums[where] = sums
        return reader, (full_counts, full_sums)
    if not fit:
        return estimator._targets_, None
    probe = np.zeros((1, *y.shape[1:]), dtype=np.int64 if classification else np.float64)
    return estimator._target_reader(probe), None


def _classifies(estimator, dtype) -> bool:
    from zoo.supervised.mlp import MLPClassifier, MLPRegressor
    from zoo.supervised._mlp_base import CLASSIFICATION_LOSSES

    if isinstance(estimator, MLPClassifier):
        return True
    if isinstance(estimator, MLPRegressor):
        return False
    return estimator.loss in CLASSIFICATION_LOSSES or (estimator.loss is None and np.dtype(dtype).kind in "biuOSU")


def _baseline(estimator, autoencoder, counts, per_class, tss, weight_total) -> dict:
    """What the in-memory fit's History records as its baseline."""
    loss = estimator.loss if autoencoder else estimator._loss_name()
    if counts is not None:
        sums = counts[1] * (per_class if per_class is not None else 1.0)
        share = sums / sums.sum()
        present = share[share > 0]
        return {"loss": float(-(present * np.log(present)).sum()), "accuracy": float(share.max())}
    if tss is None or loss != "mse" or not weight_total > 0:
        return {}
    n_outputs = estimator.n_features_in_ if autoencoder else estimator.n_outputs_
    return {"loss": tss / weight_total / n_outputs}


def _validation_set(estimator, autoencoder, dtype):
    from zoo._validation import check_sample_weight, validate_data

    data = estimator.validation_data
    if data is None:
        return None
    if autoencoder:
        X_val = validate_data(estimator, data, reset=False, dtype=dtype, name="validation_data")
        X_val = standardised(X_val, None, None)
        return TrainingSet(X_val, X_val, np.ones(X_val.shape[0], dtype=dtype))
    X_val = validate_data(estimator, data[0], reset=False, dtype=dtype, name="validation_data[0]")
    targets = estimator._targets_.encode(data[1], dtype=dtype)
    weight = np.ones(X_val.shape[0], dtype=dtype)
    if len(data) > 2:
        weight = check_sample_weight(data[2], X_val.shape[0], dtype, name="validation_data[2]")
    X_val = estimator._scaled(X_val)
    return TrainingSet(X_val, targets, weight)


def _run_epochs(estimator, shards, prepare, validation, until_epoch, sync_every, derived):
    """The in-memory epoch loop (NetworkModelMixin._run_epochs: schedule,
    callbacks, early stopping, history, Ctrl-C), each epoch run as windows
    across the shards."""
    estimator.network_.set_layers(estimator._layout_specs())
    estimator.network_.attach_optimizer(estimator._optimizer())
    n_threads = resolve_n_jobs(estimator.n_jobs)
    schedule = get_schedule(estimator.lr_schedule, total_epochs=until_epoch)
    if estimator.n_epochs_ > 0 and getattr(estimator, "_schedule_state_", None):
        schedule.load_state_dict(estimator._schedule_state_)
    learning_rate = [float(getattr(estimator, "_last_lr_", estimator.learning_rate))]
    early = estimator._early_stopping(has_validation=validation is not None)
    callbacks = callback_list(estimator, estimator.callbacks, until_epoch, *early)
    n_shards = len(shards.shards)
    statistics_set = TrainingSet(None, None, None, derived)

    def run_epoch(epoch, previous_logs):
        learning_rate[0] = float(schedule(epoch, base_lr=float(estimator.learning_rate), current_lr=learning_rate[0],
                                          logs=previous_logs))
        config = estimator._train_config(learning_rate[0], epoch_seed(estimator._seed_, epoch), n_threads)
        fields = _config_fields(config)
        seeds = [_shard_seed(config.seed, s, n_shards) for s in range(n_shards)]
        batches = [-(-shards.rows(s) // min(int(estimator.batch_size), shards.rows(s))) for s in range(n_shards)]
        n_windows = max(-(-b // sync_every) for b in batches)
        totals = np.zeros(4)
        network = estimator.network_
        for window in range(n_windows):
            calls = [(s, (network, fields, seeds[s], window, sync_every, prepare, len(shards.shards[s])))
                     for s in range(n_shards) if window * sync_every < batches[s]]
            results = shards.run(calls)
            _average_into(network, results)
            for _, stats in results:
                totals += stats[:4]
        loss = totals[0] / totals[2] if totals[2] > 0 else 0.0
        if not np.isfinite(loss):
            raise ValueError(estimator._divergence_message(epoch, float(loss), previous_logs))
        estimator.n_epochs_ = epoch + 1
        logs = {"loss": float(loss), **estimator._epoch_metrics(statistics_set, totals[1], totals[2], totals[3])}
        if validation is not None:
            logs.update(estimator._validation_logs(validation, config))
        logs["lr"] = learning_rate[0]
        estimator._last_lr_ = learning_rate[0]
        estimator._schedule_state_ = schedule.state_dict()
        return logs

    logs = estimator.history_.epoch_logs(-1) if len(estimator.history_) else {}
    run_rounds(estimator, range(estimator.n_epochs_, until_epoch), run_epoch, callbacks, logs=logs,
               resume_hint="fit(..., resume=True) continues it")
