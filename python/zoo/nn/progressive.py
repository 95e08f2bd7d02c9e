"""Progressive neural networks (Rusu et al. 2016, "Progressive Neural
Networks", arXiv:1606.04671) for the MLP family: the estimator side of
``ContinualLearning(progressive=True)``.

Each task adds a column, a fresh stack of the estimator's hidden layers.
Column k's hidden layer i reads its own layer i-1 and, through lateral
connections, layer i-1 of every earlier column (the paper's equation 1,
with linear laterals); earlier columns are frozen, so what they compute,
and every earlier task's predictions, never change.

zoo runs this as ONE wide network on the ordinary dense engine. With C
columns and hidden sizes h_1..h_L, hidden layer i has C * h_i units, column
c's being [c h_i, (c+1) h_i). Its weight matrix (n_out x n_in, as stored)
is block lower-triangular: column c's rows read columns 0..c of the layer
below (the first hidden layer reads every input) and hold zeros where they
would read a later column. Training the newest column freezes the rows of
the earlier ones (``LayerSpec.first_trainable_unit``): zero gradients, no
penalty, no optimizer update, so the zero blocks stay zero and the old
weights stay as they were, bit for bit. The output layer is the newest
task's head, which reads every column's last hidden units; the heads of
earlier tasks are kept on the estimator. Task k's network is the wide one
cut to its first (k+1) h_i units per layer, plus head k.

State (saved by save()):
    n_columns_                  columns in the network (tasks begun)
    progressive_head_weights_   heads of tasks 0..n_columns_-2, task k's
                                (n_outputs_, (k+1) h_L); the newest head is
                                the network's output layer
    progressive_head_biases_    their biases, (n_outputs_,) each
"""

from __future__ import annotations

import dataclasses
import functools
import types
from numbers import Integral

import numpy as np

from zoo._fitted_state import Array, Derived, ListOf, optional
from zoo._threads import resolve_n_jobs
from zoo._validation import check_in_range, check_is_fitted, validate_data
from zoo.base import Interval
from zoo.nn.network import Network, layer_sizes

__all__ = ["ProgressiveColumnsMixin", "PROGRESSIVE_STATE", "column_parameter_count"]

# Seeds each new column's initial weights apart from every other draw.
COLUMN_STREAM = 0xC01A
PROGRESSIVE_STATE = ("n_columns_", "progressive_head_weights_", "progressive_head_biases_")
# The heads set aside: every task's but the newest (its head is the network's output layer).
EARLIER_TASKS = Derived("n_columns_ - 1", lambda n_columns: n_columns - 1, "n_columns_")


def layer_matrices(network: Network):
    """Each layer's weight matrix (n_out, n_in), as the network stores it,
    and its bias: views of network.params."""
    for spec, where in zip(network.layout.specs, network.layout.slices):
        yield network.params[where.weight].reshape(spec.n_out, spec.n_in), network.params[where.bias]


def column_parameter_count(n_inputs: int, hidden: list[int], n_outputs: int, column: int) -> int:
    """Parameters that column `column` (0-based) adds: its own weights and
    biases, its lateral weights from the `column` earlier columns, and its
    task's head, which reads the last hidden layer of columns 0..column.
    (The wide matrices also hold the zero blocks where earlier columns would
    read later ones; those are structure, not parameters.)"""
    reads = column + 1  # columns whose units a layer of this column reads
    count = hidden[0] * n_inputs + hidden[0]
    for below, size in zip(hidden[:-1], hidden[1:]):
        count += size * reads * below + size
    return count + n_outputs * reads * hidden[-1] + n_outputs


class ProgressiveColumnsMixin:
    """Mixed into the MLP estimators before their shared base: the wide
    network's layers, a new column per task, and prediction for any task
    (``predict(X, task=k)``). Inert for a model not fitted with
    ``ContinualLearning(progressive=True)`` (no ``n_columns_``)."""

    _fitted_state = {
        "n_columns_": optional([Interval(Integral, 1, None)]),
        # Each head's width grows with its task: _check_heads checks it.
        "progressive_head_weights_": optional(ListOf(Array(("n_outputs_", None), "f"), EARLIER_TASKS)),
        "progressive_head_biases_": optional(ListOf(Array(("n_outputs_",), "f"), EARLIER_TASKS)),
    }

    @property
    def _progressive(self) -> bool:
        """Whether the network is a progressive one (columns per task)."""
        return "n_columns_" in vars(self)

    # -- the wide network ---------------------------------------------------------

    def _layout_specs(self):
        specs = super()._layout_specs()
        if not self._progressive:
            return specs
        # The estimator's plain stack, widened to n_columns_ columns; the
        # earlier columns' units (the leading ones) are frozen.
        columns, hidden = self.n_columns_, layer_sizes(self.hidden_layer_sizes)
        widths = [self.n_features_in_, *(columns * size for size in hidden), self.n_outputs_]
        frozen_units = [(columns - 1) * size for size in hidden] + [0]
        return [dataclasses.replace(spec, n_in=n_in, n_out=n_out, first_trainable_unit=frozen)
                for spec, n_in, n_out, frozen in zip(specs, widths[:-1], widths[1:], frozen_units)]

    def _initialise_state(self, rng, dtype):
        # A fresh network has no columns yet: the first task's is the plain network.
        for name in PROGRESSIVE_STATE:
            vars(self).pop(name, None)
        super()._initialise_state(rng, dtype)

    def _open_column(self) -> None:
        """Start a new task's column. The first task's is the network the
        first fit built; every later one widens the network by a column
        (drawn with `init`), keeps the earlier columns' weights in its
        leading rows, and sets the head it replaces aside."""
        if not self._progressive:
            self.n_columns_ = 1
            self.progressive_head_weights_, self.progressive_head_biases_ = [], []
            return
        old = self.network_
        *old_hidden, (head_weight, head_bias) = layer_matrices(old)
        self.n_columns_ += 1
        rng = np.random.default_rng((self._seed_, self.n_columns_ - 1, COLUMN_STREAM))
        grown = Network(self._layout_specs(), dtype=old.dtype).initialize(self.init, rng)
        for (old_weight, old_bias), (weight, bias) in zip(old_hidden, layer_matrices(grown)):
            rows, inputs = old_weight.shape
            weight[:rows, :inputs] = old_weight
            weight[:rows, inputs:] = 0  # earlier columns never read the new one
            bias[:rows] = old_bias
        # The new column's parameters start training from scratch: fresh
        # moments, and Adam's bias correction counts from step 0 again.
        grown.attach_optimizer(self._optimizer())
        self.network_ = grown
        # New lists, not appends: a failed fit puts the old ones back.
        self.progressive_head_weights_ = [*self.progressive_head_weights_, head_weight.copy()]
        self.progressive_head_biases_ = [*self.progressive_head_biases_, head_bias.copy()]

    # -- one task's network -----------------------------------------------------------

    def _task_column(self, task) -> int | None:
        """The column of `task` when it is not the newest one (whose network
        is the whole one); None for the whole network."""
        if task is None:
            return None
        check_is_fitted(self, "params_")
        if not self._progressive:
            raise ValueError(
                f"{type(self).__name__}: task={task!r} selects a task's column of a progressive network, but this "
                "model was not fitted with continual=ContinualLearning(progressive=True); leave task=None"
            )
        check_in_range(task, name="task", low=0, high=self.n_columns_ - 1, integral=True, estimator=self)
        return None if task == self.n_columns_ - 1 else int(task)

    def _task_network(self, column: int) -> Network:
        """Columns 0..`column` and that task's head, as a network of their own:
        a copy of the wide network's leading blocks, the very network (same
        shapes, same values) the task predicted with when it was trained."""
        wide = self.network_
        hidden = layer_sizes(self.hidden_layer_sizes)
        widths = [self.n_features_in_, *((column + 1) * size for size in hidden), self.n_outputs_]
        specs = [dataclasses.replace(spec, n_in=n_in, n_out=n_out, first_trainable_unit=0)
                 for spec, n_in, n_out in zip(wide.layout.specs, widths[:-1], widths[1:])]
        network = Network(specs, dtype=wide.dtype)
        *hidden_layers, (head_weight, head_bias) = layer_matrices(network)
        for (weight, bias), (wide_weight, wide_bias) in zip(hidden_layers, layer_matrices(wide)):
            weight[...] = wide_weight[:weight.shape[0], :weight.shape[1]]
            bias[...] = wide_bias[:bias.size]
        head_weight[...] = self.progressive_head_weights_[column]
        head_bias[...] = self.progressive_head_biases_[column]
        return network

    def _outputs(self, X, task=None):
        column = self._task_column(task)
        if column is None:
            return super()._outputs(X)
        X = validate_data(self, X, reset=False, dtype=self.params_.dtype)
        return self._task_network(column).predict(self._scaled(X), resolve_n_jobs(self.n_jobs))

    def _task_score(self, score, X, y, sample_weight, task):
        """`score` (ClassifierMixin.score or RegressorMixin.score) of `task`'s
        predictions: those scores read nothing but ``predict``."""
        self._task_column(task)  # a bad task fails here, whatever the scorer does first
        one_task = types.SimpleNamespace(predict=functools.partial(self.predict, task=task))
        return score(one_task if task is not None else self, X, y, sample_weight)

    # -- growth and persistence ------------------------------------------------------

    @property
    def n_params_per_task_(self) -> list[int]:
        """Parameters the model holds once each task's column is in: entry k
        counts columns 0..k (own and lateral weights, biases) and the heads
        of tasks 0..k. A progressive model only; the growth of its size."""
        check_is_fitted(self, "params_")
        if not self._progressive:
            raise AttributeError(f"{type(self).__name__} has n_params_per_task_ only when fitted with "
                                 "continual=ContinualLearning(progressive=True)")
        hidden = layer_sizes(self.hidden_layer_sizes)
        added = [column_parameter_count(self.n_features_in_, hidden, self.n_outputs_, column)
                 for column in range(self.n_columns_)]
        return [int(total) for total in np.cumsum(added)]

    def _save_state(self):
        self._check_heads()
        return super()._save_state()

    def _load_state(self, state):
        super()._load_state(state)
        self._check_heads()

    def _check_heads(self) -> None:
        """Each stored head must read its task's columns: (n_outputs_,
        (k+1) h_L) for task k, in the network's dtype (what _fitted_state
        cannot say: the width grows with the task)."""
        if not self._progressive:
            return
        hidden = layer_sizes(self.hidden_layer_sizes)
        for task, (weight, bias) in enumerate(zip(self.progressive_head_weights_, self.progressive_head_biases_)):
            expected = (self.n_outputs_, (task + 1) * hidden[-1])
            if weight.shape != expected or weight.dtype != self.network_.dtype or bias.dtype != weight.dtype:
                raise ValueError(
                    f"{type(self).__name__}: progressive_head_weights_[{task}] has shape {weight.shape} and dtype "
                    f"{weight.dtype} (its bias {bias.dtype}); task {task}'s head needs {expected} of "
                    f"{self.network_.dtype}"
                )
