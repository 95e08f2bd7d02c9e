"""Catastrophic forgetting, and how EWC, replay and progressive networks prevent it.

One MLP learns three tasks in a row: the same 4-class problem seen
through a different permutation of its 30 input features each time (the
first task keeps the original order). After each task it is scored on the
held-out rows of every task seen so far. Plain fine-tuning
(``warm_start=True``) learns each new task and forgets the earlier ones; a
``zoo.nn.ContinualLearning`` component keeps them, with elastic weight
consolidation (``ewc_lambda``), experience replay (``replay``) or
progressive networks (``progressive=True``, a column per task; it is told
which task it answers for, ``score(X, y, task=i)``, and never forgets).
Each remedy has a price in what the model holds, printed and drawn: EWC
two values per weight, replay the stored rows, progressive networks a
column (with lateral weights) per task.

    python examples/continual_learning.py [--out DIR] [--quick]
"""

from __future__ import annotations

import numpy as np

from zoo import MLPClassifier
from zoo.datasets import make_classification
from zoo.nn import ContinualLearning

from _script import parse_args, plt  # matplotlib set to write files only

# What a model stores for continual learning besides its parameters.
STORED = ("ewc_fisher_", "ewc_anchor_", "replay_X_", "replay_targets_", "replay_weight_")


def permuted_tasks(n_tasks, n_train, n_test, n_features=30, seed=0):
    """(X_train, y_train, X_test, y_test) per task: one problem, permuted inputs."""
    X, y = make_classification(n_train + n_test, n_features, n_classes=4, n_informative=8,
                               n_clusters_per_class=1, class_sep=2.0, random_state=seed)
    rng = np.random.default_rng(seed)
    orders = [np.arange(n_features)] + [rng.permutation(n_features) for _ in range(n_tasks - 1)]
    return [(X[:n_train, order], y[:n_train], X[n_train:, order], y[n_train:]) for order in orders]


def held_values(model):
    """(parameters, other stored values) of a fitted model: a progressive
    network's parameters grow by a column per task; EWC keeps F and theta*
    (two values per parameter), replay the stored rows."""
    progressive = getattr(model, "n_columns_", None) is not None
    parameters = model.n_params_per_task_[-1] if progressive else model.params_.size
    stored = sum(getattr(model, name).size for name in STORED if getattr(model, name, None) is not None)
    return parameters, stored


def run_tasks(model, tasks):
    """scores[j, i]: accuracy on task i after training on tasks 0..j (NaN
    for i > j), and the model's held values after each task."""
    scores = np.full((len(tasks), len(tasks)), np.nan)
    sizes = np.zeros((len(tasks), 2), dtype=int)
    progressive = model.continual is not None and model.continual.progressive
    for j, (X_train, y_train, _, _) in enumerate(tasks):
        model.fit(X_train, y_train)
        for i in range(j + 1):
            # A progressive network answers with task i's column and head.
            scores[j, i] = model.score(tasks[i][2], tasks[i][3], **({"task": i} if progressive else {}))
        sizes[j] = held_values(model)
    return scores, sizes


def main():
    args = parse_args(__doc__.splitlines()[0])
    n_tasks = 3
    tasks = permuted_tasks(n_tasks, n_train=300 if args.quick else 800, n_test=200 if args.quick else 400)
    epochs = 10 if args.quick else 30
    settings = dict(hidden_layer_sizes=(64,), epochs=epochs, learning_rate=0.01, random_state=0)
    learners = [
        ("fine-tuning (warm_start=True)", MLPClassifier(warm_start=True, **settings)),
        ("EWC (ewc_lambda=100)", MLPClassifier(continual=ContinualLearning(ewc_lambda=100.0), **settings)),
        ("replay (replay=100)", MLPClassifier(continual=ContinualLearning(replay=100), **settings)),
        ("progressive (progressive=True)", MLPClassifier(continual=ContinualLearning(progressive=True), **settings)),
    ]
    figure = plt.figure(figsize=(5 * len(learners), 8.5))
    grid = figure.add_gridspec(2, len(learners), height_ratios=(1, 0.8))
    accuracy_axes = [figure.add_subplot(grid[0, k]) for k in range(len(learners))]
    size_ax = figure.add_subplot(grid[1, :])
    after = np.arange(1, n_tasks + 1)
    rows = []
    for ax, (label, model) in zip(accuracy_axes, learners):
        scores, sizes = run_tasks(model, tasks)
        for i in range(n_tasks):
            ax.plot(after[i:], scores[i:, i], "o-", label=f"task {i + 1}")
        ax.set_title(label)
        ax.set_xticks(after)
        ax.set_xlabel("after training on task")
        ax.set_ylim(0, 1.05)
        chance = ax.axhline(0.25, color="grey", linestyle=":", linewidth=1)   # 4 classes
        # Bars side by side per task: parameters, and stored values on top (hatched).
        k, width = len(rows), 0.8 / len(learners)
        x = after + (k - (len(learners) - 1) / 2) * width
        bars = size_ax.bar(x, sizes[:, 0], width, label=label.split(" (")[0])
        size_ax.bar(x, sizes[:, 1], width, bottom=sizes[:, 0], color=bars.patches[0].get_facecolor(), alpha=0.45,
                    hatch="//", edgecolor="white")
        rows.append((label, scores, sizes))
    accuracy_axes[0].set_ylabel("held-out accuracy")
    for ax in accuracy_axes[1:]:
        ax.sharey(accuracy_axes[0])
        ax.tick_params(labelleft=False)
    size_ax.set_xticks(after)
    size_ax.set_xlabel("after training on task")
    size_ax.set_ylabel("values the model holds")
    size_ax.set_title("what each method holds: parameters (solid) and stored values, F and theta* or rows (hatched)")
    size_ax.legend(loc="upper left", frameon=False)
    # One legend above the accuracy panels, clear of the curves and of the chance line.
    handles, labels = accuracy_axes[0].get_legend_handles_labels()
    figure.legend([*handles, chance], [*labels, "chance (4 classes)"], loc="upper center", ncol=n_tasks + 1,
                  frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.95))

    print(f"{'method':<32} {'task 1 after each task':<24} {'mean, all tasks':>15} {'parameters':>11} "
          f"{'+ stored':>9}")
    for label, scores, sizes in rows:
        history = " ".join(f"{s:.3f}" for s in scores[:, 0])
        print(f"{label:<32} {history:<24} {np.nanmean(scores[-1]):>15.3f} {sizes[-1, 0]:>11,} {sizes[-1, 1]:>9,}")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "continual_learning.png"
    figure.savefig(path, dpi=100)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
