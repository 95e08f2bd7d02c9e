"""Continual learning: the ContinualLearning component an MLP holds
(`MLPClassifier(continual=ContinualLearning(...))`), which makes each `fit`
one task and protects what earlier tasks taught: elastic weight
consolidation, experience replay, or progressive networks (the estimator's
side of those lives in zoo.nn.progressive).

The component holds only its settings. The task state lives on the
estimator (NumPy arrays and ints, saved by save()); the component reads and
writes it through the model it is given:

    n_tasks_            tasks finished (consolidated)
    ewc_fisher_         F, float64 (n_params,)          with ewc_lambda > 0
    ewc_anchor_         theta after the last task, float64 (n_params,)
    replay_X_           stored raw input rows            with replay
    replay_targets_     their encoded targets (the engine's form)
    replay_weight_      their sample weights
    _task_start_epoch_  the epoch the current task began (for resume)
    _task_open_         whether a task is under way (interrupted, resumable)
    n_columns_, progressive_head_weights_, progressive_head_biases_
                        with progressive (see zoo.nn.progressive)
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._registry import register_config_class
from zoo._threads import resolve_n_jobs
from zoo._validation import _short_repr, check_in_range
from zoo.nn._model import TrainingSet
from zoo.nn.progressive import PROGRESSIVE_STATE

__all__ = ["ContinualLearning"]

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
    *PROGRESSIVE_STATE,
)


def forget_tasks(model) -> None:
    """A fresh fit: no task history."""
    for name in TASK_STATE:
        vars(model).pop(name, None)


class ContinualLearning:
    """Continual learning for the MLP family: each `fit` is one task, and
    what was learnt on earlier tasks is protected by elastic weight
    consolidation, experience replay (or both), or progressive networks.

    Give one to MLP, MLPClassifier or MLPRegressor as ``continual=``. With
    ewc_lambda > 0, replay > 0 or progressive, fitting is continual: every
    fit after the first continues from the current weights, optimizer state
    and input statistics (warm_start is implied) and starts a new task;
    classes must all appear in the first task. ``fit(..., resume=True)``
    finishes an interrupted task. To start over, fit a clone, or set
    ``continual=None`` with warm_start=False: a fresh fit forgets every
    task. partial_fit trains under the current EWC penalty (or the newest
    column) but does not mix in replay rows or end a task.

    With ewc_lambda and replay both 0 and progressive False (the defaults)
    the component does nothing: the model fits exactly as with
    ``continual=None``, each fit starting afresh unless warm_start. So a
    grid search can include "off" among its settings.

    Elastic weight consolidation (Kirkpatrick et al. 2017, "Overcoming
    catastrophic forgetting in neural networks", PNAS) keeps each parameter
    near its value after the earlier tasks in proportion to how much those
    tasks' log-likelihood depends on it, measured by the diagonal of the
    Fisher information F. Its online form (Schwarz et al. 2018, "Progress &
    Compress") keeps one running F instead of one per task::

        after task t:  F <- ewc_decay * F + F_t,   anchor <- theta
        later tasks:   loss + (ewc_lambda / 2) * sum_i F_i (theta_i - anchor_i)^2

    The penalty acts inside the C++ epoch, next to the l1/l2 penalties, for
    every optimizer. Experience replay stores a seeded sample of each task's
    training rows and mixes them into every later epoch.

    Progressive networks (Rusu et al. 2016, "Progressive Neural Networks")
    forget nothing by construction: each task adds a column, a fresh copy of
    the hidden layers whose layer i reads layer i-1 of its own and of every
    earlier column (lateral connections), and its own output head; earlier
    columns and heads are frozen. ``predict(X, task=k)`` (and
    ``predict_proba``, ``score``) answers with columns 0..k and head k,
    exactly as the model did right after task k; the default is the newest
    task. The price is size: the model grows by a column per task (and its
    lateral weights grow with the number of columns), ``n_params_per_task_``
    counts it, and prediction needs to be told the task.

    Parameters
    ----------
    ewc_lambda : float >= 0, default=0
        Strength of elastic weight consolidation. When > 0, at the end of
        each task the diagonal Fisher information F of the parameters is
        estimated on the task's training rows, and later fits add
        (ewc_lambda / 2) * sum_i F_i (theta_i - theta*_i)^2 to the loss
        (theta*: the parameters after the last task); the logged loss and
        val_loss include it, as they do l1/l2. F is the expected squared
        per-row gradient of the log-likelihood: for softmax classifiers the
        expectation is taken exactly over the classes the model predicts
        (the true Fisher); for other losses it uses the given targets (the
        empirical Fisher, the per-row loss standing in for -log p). Weighted
        by sample_weight, without dropout. Not with batch_norm. Typical
        values: 1 to 10^3 (F shrinks as a task is learnt); plain SGD
        diverges unless learning_rate * ewc_lambda * max(F) < 2.
    ewc_decay : float in (0, 1], default=1
        Online EWC: F <- ewc_decay * F + F_task after each task. 1 weighs
        every earlier task alike; smaller values let old tasks fade.
    ewc_samples : int >= 1, default=500
        Rows (a seeded sample) on which F is estimated; one per-row gradient
        each (one per class for softmax classifiers).
    replay : int >= 0 or float in (0, 1), default=0
        Experience replay: after each task, store this many of its training
        rows (an int; at most the task's rows) or this fraction of them (a
        float), drawn with the model's seed, and mix all stored rows into
        every epoch of later tasks. Memory: the stored rows (raw inputs,
        encoded targets, weights) stay on the estimator and are saved with
        it, replay x n_tasks rows in all.
    progressive : bool, default=False
        Progressive networks: every fit after the first adds a column of
        the estimator's hidden_layer_sizes, with lateral connections from
        the earlier columns, and trains only that column and its new head
        (fresh optimizer moments); the earlier columns keep their weights
        bit for bit. Not with ewc_lambda or replay (frozen columns need no
        protection), nor with batch_norm (the frozen columns' running
        statistics would drift). A fit interrupted and not resumed keeps its
        column: task k is always the k-th fit's column. partial_fit, or a
        later fit with continual=None and warm_start, trains the newest column.

    Examples
    --------
    >>> from zoo import MLPClassifier
    >>> from zoo.nn import ContinualLearning
    >>> model = MLPClassifier((64,), continual=ContinualLearning(ewc_lambda=100.0, replay=200))
    >>> columns = MLPClassifier((64,), continual=ContinualLearning(progressive=True))
    """

    _PARAMETERS = ("ewc_lambda", "ewc_decay", "ewc_samples", "replay", "progressive")

    def __init__(self, ewc_lambda=0.0, ewc_decay=1.0, ewc_samples=500, replay=0, progressive=False):
        self.ewc_lambda = ewc_lambda
        self.ewc_decay = ewc_decay
        self.ewc_samples = ewc_samples
        self.replay = replay
        self.progressive = progressive
        self._check()

    @property
    def active(self) -> bool:
        """Whether fitting is continual (ewc_lambda > 0, replay > 0 or progressive)."""
        return self.ewc_lambda > 0 or self.replay > 0 or bool(self.progressive)

    # -- settings -----------------------------------------------------------------

    def _check(self) -> None:
        # Checked when built and again at every fit: the attributes may have been changed since.
        check_in_range(self.ewc_lambda, name="ewc_lambda", low=0, estimator=self)
        check_in_range(self.ewc_decay, name="ewc_decay", low=0, high=1, closed="right", estimator=self)
        check_in_range(self.ewc_samples, name="ewc_samples", low=1, integral=True, estimator=self)
        replay = self.replay
        if isinstance(replay, Integral) and not isinstance(replay, bool):
            valid = replay >= 0
        else:
            valid = isinstance(replay, Real) and 0 < replay < 1  # False for NaN and booleans
        if not valid:
            raise ValueError(
                "ContinualLearning: replay must be an int >= 0 (rows stored per task) or a float in (0, 1) "
                f"(that fraction of each task's rows); got {_short_repr(replay)}."
            )
        if not isinstance(self.progressive, (bool, np.bool_)):
            raise TypeError(
                f"ContinualLearning: progressive must be True or False; got {_short_repr(self.progressive)}."
            )
        if self.progressive and (self.ewc_lambda > 0 or self.replay > 0):
            raise ValueError(
                "ContinualLearning: progressive=True does not combine with ewc_lambda > 0 or replay > 0; a "
                "progressive network freezes the earlier tasks' columns, so there is nothing left for them to "
                f"protect (got ewc_lambda={_short_repr(self.ewc_lambda)}, replay={_short_repr(self.replay)})."
            )

    def to_config(self) -> dict:
        config = {name: getattr(self, name) for name in self._PARAMETERS}
        # progressive is written only when on: other settings then save (and
        # print) as they did before it existed, and older zoo reads them.
        if config["progressive"]:
            config["progressive"] = True  # not a NumPy bool: the config is saved as JSON
        else:
            del config["progressive"]
        return config

    @classmethod
    def from_config(cls, config: dict) -> "ContinualLearning":
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.to_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self.to_config() == other.to_config()

    __hash__ = None  # mutable settings: equal now, maybe not later

    # -- one task -----------------------------------------------------------------

    def check(self, model) -> None:
        """Refuse settings `model` cannot train with, before fit changes anything."""
        self._check()
        if self.ewc_lambda > 0 and model.batch_norm:
            # The Fisher information needs per-row gradients, and batch norm in
            # training mode normalises a single row to zero.
            raise ValueError(
                "ewc_lambda > 0 does not support batch_norm=True; use replay, or a network without batch norm"
            )
        fitted = hasattr(model, "params_")
        if self.progressive and model.batch_norm:
            raise ValueError(
                "progressive=True does not support batch_norm=True: the frozen columns' batch-norm running "
                "statistics would drift while later tasks train; use a network without batch norm"
            )
        if self.progressive and fitted and not model._progressive:
            raise ValueError(
                "progressive=True builds its columns from a model's first fit, but this model was fitted without "
                "it; fit a fresh model (a clone) to start a progressive one"
            )
        if not self.progressive and self.active and model._progressive:
            raise ValueError(
                "this model is a progressive network (fitted with progressive=True); ewc_lambda and replay cannot "
                "continue it. Keep progressive=True, or fit a fresh model (a clone)"
            )

    def fit_task(self, model, raw_train: TrainingSet, raw_validation: TrainingSet | None, *, resume: bool,
                 augment) -> None:
        """Train `model` on one task (or finish an interrupted one with
        `resume`), on the task's rows and the stored rows of earlier ones,
        then consolidate the task unless training was interrupted."""
        if self.replay > 0:
            self._replay_count(raw_train.X.shape[0])  # a task too small fails before training, not after
        until = self._start_task(model, resume)
        if until is None:  # resume=True after the last task had ended
            return
        train = model._train(self._with_replay(model, raw_train), raw_validation, until, augment)
        if not model.interrupted_:
            # _with_replay puts the task's rows first, so their network view is train's head.
            n = raw_train.X.shape[0]
            self._end_task(model, raw_train, TrainingSet(train.X[:n], train.targets[:n], train.weight[:n]))

    def anchor_strength(self) -> float:
        """The engine's `anchor_strength`: ewc_lambda."""
        return float(self.ewc_lambda)

    def anchor_arrays(self, model) -> dict:
        """The EWC penalty's arrays once a task has been consolidated (and
        unless ewc_lambda was set back to 0)."""
        if self.ewc_lambda > 0 and getattr(model, "ewc_fisher_", None) is not None:
            return {"anchor_weight": model.ewc_fisher_, "anchor": model.ewc_anchor_}
        return {}

    def _start_task(self, model, resume: bool) -> int | None:
        """The epoch this fit trains up to, opening a new task unless it
        resumes an interrupted one; None when there is nothing left to do
        (resume after the last task ended)."""
        if resume and hasattr(model, "_task_open_"):
            if not model._task_open_:
                return None
        else:
            model.n_tasks_ = getattr(model, "n_tasks_", 0)
            model._task_start_epoch_ = model.n_epochs_
            model._task_open_ = True
            if self.progressive:
                model._open_column()
        return model._task_start_epoch_ + model.epochs

    def _with_replay(self, model, task: TrainingSet) -> TrainingSet:
        """The task's training rows followed by the stored rows of earlier
        tasks (the engine shuffles them together every epoch)."""
        if getattr(model, "replay_X_", None) is None or len(model.replay_X_) == 0:
            return task
        return TrainingSet(
            np.concatenate([task.X, model.replay_X_]),
            np.concatenate([task.targets, model.replay_targets_]),
            np.concatenate([task.weight, model.replay_weight_]),
        )

    def _replay_count(self, n_rows: int) -> int:
        """Rows stored per task: `replay` itself (an int) or that fraction of
        the task's training rows (a float in (0, 1), at least one row)."""
        if isinstance(self.replay, Integral):
            count = int(self.replay)
            if count > n_rows:
                raise ValueError(f"replay={count} is larger than the task's {n_rows} training rows")
            return count
        return max(1, int(round(float(self.replay) * n_rows)))

    def _end_task(self, model, raw_task: TrainingSet, network_task: TrainingSet) -> None:
        """Consolidate the finished task: online-EWC update of F and the
        anchor, then a seeded sample of its rows into the replay buffer."""
        task_index = model.n_tasks_
        if self.ewc_lambda > 0:
            rng = np.random.default_rng((model._seed_, task_index, FISHER_STREAM))
            fisher = self.fisher_diagonal(model, network_task, rng)
            previous = getattr(model, "ewc_fisher_", None)
            model.ewc_fisher_ = fisher if previous is None else float(self.ewc_decay) * previous + fisher
            model.ewc_anchor_ = model.params_.astype(np.float64)
        if self.replay > 0:
            n_rows = raw_task.X.shape[0]
            count = self._replay_count(n_rows)
            rng = np.random.default_rng((model._seed_, task_index, REPLAY_STREAM))
            rows = np.sort(rng.choice(n_rows, size=count, replace=False))
            stored = [raw_task.X[rows], raw_task.targets[rows], raw_task.weight[rows]]
            if getattr(model, "replay_X_", None) is not None:
                stored = [np.concatenate([old, new]) for old, new in
                          zip((model.replay_X_, model.replay_targets_, model.replay_weight_), stored)]
            model.replay_X_, model.replay_targets_, model.replay_weight_ = (np.ascontiguousarray(a) for a in stored)
        model.n_tasks_ = task_index + 1
        model._task_open_ = False

    def fisher_diagonal(self, model, data: TrainingSet, rng: np.random.Generator) -> np.ndarray:
        """Diagonal Fisher information of the model's current parameters on
        (a sample of up to `ewc_samples` rows of) `data`, float64 (n_params,).

        F_p = sum_i w_i E[(d log p(y | x_i) / d theta_p)^2] / sum_i w_i, with
        w the training sample weights. For softmax classifiers the
        expectation is exact over the classes the model predicts,
        y ~ p(y | x_i) (the "true" Fisher, one per-row gradient per class);
        for every other loss it uses the given targets (the empirical
        Fisher), with the per-row loss standing in for -log p. Per-row
        gradients come from the C++ engine, the network without dropout.
        """
        if not np.isfinite(model.params_).all():
            raise ValueError(
                "training diverged (the weights are not finite), so the task cannot be consolidated; lower "
                "learning_rate or ewc_lambda (plain SGD needs learning_rate * ewc_lambda * max(ewc_fisher_) < 2)"
            )
        n_samples = int(self.ewc_samples)
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
            fisher += _core.nn_sample_gradient_squares(network, X, targets, weight, model.params_, model.buffers_,
                                                       config)
        return fisher / total_weight


# Given as a parameter, a ContinualLearning is saved by its config.
register_config_class(ContinualLearning)
