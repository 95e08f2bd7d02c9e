"""Continual learning for the MLP family: each `fit` is one task, and what
was learnt on earlier tasks is protected in two ways.

Elastic weight consolidation (Kirkpatrick et al. 2017, "Overcoming
catastrophic forgetting in neural networks", PNAS) keeps each parameter near
its value after the earlier tasks in proportion to how much those tasks'
log-likelihood depends on it, measured by the diagonal of the Fisher
information F. Its online form (Schwarz et al. 2018, "Progress & Compress")
keeps one running F instead of one per task:

    after task t:  F <- ewc_decay * F + F_t,   anchor <- theta
    later tasks:   loss + (ewc_lambda / 2) * sum_i F_i (theta_i - anchor_i)^2

The penalty acts inside the C++ epoch, next to the l1/l2 penalties, for every
optimizer. Experience replay stores a seeded sample of each task's training
rows and mixes them into every later epoch.

State on the estimator (NumPy / int, saved by save()):
    n_tasks_            tasks finished (consolidated)
    ewc_fisher_         F, float64 (n_params,)          with ewc_lambda > 0
    ewc_anchor_         theta after the last task, float64 (n_params,)
    replay_X_           stored raw input rows            with replay
    replay_targets_     their encoded targets (the engine's form)
    replay_weight_      their sample weights
    _task_start_epoch_  the epoch the current task began (for resume)
    _task_open_         whether a task is under way (interrupted, resumable)
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from zoo import _core
from zoo._threads import resolve_n_jobs
from zoo.nn._model import TrainingSet

# Seeds the Fisher rows' and the replay rows' draws apart from the training ones.
FISHER_STREAM = 0xF15E
REPLAY_STREAM = 0x4E91

TASK_STATE = (
    "n_tasks_",
    "ewc_fisher_",
    "ewc_anchor_",
    "replay_X_",
    "replay_targets_",
    "replay_weight_",
    "_task_start_epoch_",
    "_task_open_",
)


def is_continual(model) -> bool:
    return model.ewc_lambda > 0 or model.replay > 0


def forget_tasks(model) -> None:
    """A fresh fit: no task history."""
    for name in TASK_STATE:
        vars(model).pop(name, None)


def check_continual(model) -> None:
    if model.ewc_lambda > 0 and model.batch_norm:
        # The Fisher information needs per-row gradients, and batch norm in
        # training mode normalises a single row to zero.
        raise ValueError("ewc_lambda > 0 does not support batch_norm=True; use replay, or a network without batch norm")


def start_task(model, resume: bool) -> int | None:
    """The epoch this fit trains up to, opening a new task unless it resumes
    an interrupted one; None when there is nothing left to do (resume after
    the last task ended)."""
    if resume and hasattr(model, "_task_open_"):
        if not model._task_open_:
            return None
    else:
        model.n_tasks_ = getattr(model, "n_tasks_", 0)
        model._task_start_epoch_ = model.n_epochs_
        model._task_open_ = True
    return model._task_start_epoch_ + model.epochs


def with_replay(model, task: TrainingSet) -> TrainingSet:
    """The task's training rows followed by the stored rows of earlier tasks
    (the engine shuffles them together every epoch)."""
    if getattr(model, "replay_X_", None) is None or len(model.replay_X_) == 0:
        return task
    return TrainingSet(
        np.concatenate([task.X, model.replay_X_]),
        np.concatenate([task.targets, model.replay_targets_]),
        np.concatenate([task.weight, model.replay_weight_]),
    )


def replay_count(replay, n_rows: int) -> int:
    """Rows stored per task: `replay` itself (an int) or that fraction of the
    task's training rows (a float in (0, 1), at least one row)."""
    if isinstance(replay, Integral):
        count = int(replay)
        if count > n_rows:
            raise ValueError(f"replay={count} is larger than the task's {n_rows} training rows")
        return count
    return max(1, int(round(float(replay) * n_rows)))


def end_task(model, raw_task: TrainingSet, network_task: TrainingSet) -> None:
    """Consolidate the finished task: online-EWC update of F and the anchor,
    then a seeded sample of its rows into the replay buffer."""
    task_index = model.n_tasks_
    if model.ewc_lambda > 0:
        rng = np.random.default_rng((model._seed_, task_index, FISHER_STREAM))
        fisher = fisher_diagonal(model, network_task, int(model.ewc_samples), rng)
        previous = getattr(model, "ewc_fisher_", None)
        model.ewc_fisher_ = fisher if previous is None else float(model.ewc_decay) * previous + fisher
        model.ewc_anchor_ = model.params_.astype(np.float64)
    if model.replay > 0:
        n_rows = raw_task.X.shape[0]
        count = replay_count(model.replay, n_rows)
        rng = np.random.default_rng((model._seed_, task_index, REPLAY_STREAM))
        rows = np.sort(rng.choice(n_rows, size=count, replace=False))
        stored = [raw_task.X[rows], raw_task.targets[rows], raw_task.weight[rows]]
        if getattr(model, "replay_X_", None) is not None:
            stored = [np.concatenate([old, new]) for old, new in
                      zip((model.replay_X_, model.replay_targets_, model.replay_weight_), stored)]
        model.replay_X_, model.replay_targets_, model.replay_weight_ = (np.ascontiguousarray(a) for a in stored)
    model.n_tasks_ = task_index + 1
    model._task_open_ = False


def fisher_diagonal(model, data: TrainingSet, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Diagonal Fisher information of the model's current parameters on (a
    sample of up to `n_samples` rows of) `data`, float64 (n_params,).

    F_p = sum_i w_i E[(d log p(y | x_i) / d theta_p)^2] / sum_i w_i, with w
    the training sample weights. For softmax classifiers the expectation is
    exact over the classes the model predicts, y ~ p(y | x_i) (the "true"
    Fisher, one per-row gradient per class); for every other loss it uses
    the given targets (the empirical Fisher), with the per-row loss standing
    in for -log p. Per-row gradients come from the C++ engine, the network
    without dropout.
    """
    if not np.isfinite(model.params_).all():
        raise ValueError(
            "training diverged (the weights are not finite), so the task cannot be consolidated; lower "
            "learning_rate or ewc_lambda (plain SGD needs learning_rate * ewc_lambda * max(ewc_fisher_) < 2)"
        )
    n = data.X.shape[0]
    rows = np.arange(n) if n <= n_samples else np.sort(rng.choice(n, size=n_samples, replace=False))
    X, targets, weight = data.X[rows], data.targets[rows], data.weight[rows]
    total_weight = float(weight.astype(np.float64).sum())
    if not total_weight > 0:
        return np.zeros(model.params_.size)
    network = model._network()
    config = model._train_config(0.0, 0, resolve_n_jobs(model.n_jobs))
    fisher = np.zeros(model.params_.size)
    if model._loss_name() == "categorical_crossentropy":
        probabilities = model._targets_.probabilities(model._forward(X))
        for label in range(probabilities.shape[1]):
            label_weight = np.ascontiguousarray(weight * probabilities[:, label], dtype=X.dtype)
            label_targets = np.full((X.shape[0], 1), label, dtype=X.dtype)
            fisher += _core.nn_sample_gradient_squares(
                network, X, label_targets, label_weight, model.params_, model.buffers_, config
            )
    else:
        fisher += _core.nn_sample_gradient_squares(network, X, targets, weight, model.params_, model.buffers_, config)
    return fisher / total_weight
