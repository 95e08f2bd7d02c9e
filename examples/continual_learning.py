"""Catastrophic forgetting, and how EWC and replay reduce it.

One MLP learns three tasks in a row: the same 4-class problem seen
through a different permutation of its 30 input features each time (the
first task keeps the original order). After each task it is scored on the
held-out rows of every task seen so far. Plain fine-tuning
(``warm_start=True``) learns each new task and forgets the earlier ones;
a ``zoo.nn.ContinualLearning`` component with elastic weight consolidation
(``ewc_lambda``) or experience replay (``replay``) keeps them.

    python examples/continual_learning.py [--out DIR] [--quick]
"""

from __future__ import annotations

import numpy as np

from zoo import MLPClassifier
from zoo.datasets import make_classification
from zoo.nn import ContinualLearning

from _script import parse_args, plt  # matplotlib set to write files only


def permuted_tasks(n_tasks, n_train, n_test, n_features=30, seed=0):
    """(X_train, y_train, X_test, y_test) per task: one problem, permuted inputs."""
    X, y = make_classification(n_train + n_test, n_features, n_classes=4, n_informative=8,
                               n_clusters_per_class=1, class_sep=2.0, random_state=seed)
    rng = np.random.default_rng(seed)
    orders = [np.arange(n_features)] + [rng.permutation(n_features) for _ in range(n_tasks - 1)]
    return [(X[:n_train, order], y[:n_train], X[n_train:, order], y[n_train:]) for order in orders]


def accuracy_matrix(model, tasks):
    """scores[j, i]: accuracy on task i after training on tasks 0..j (NaN for i > j)."""
    scores = np.full((len(tasks), len(tasks)), np.nan)
    for j, (X_train, y_train, _, _) in enumerate(tasks):
        model.fit(X_train, y_train)
        for i in range(j + 1):
            scores[j, i] = model.score(tasks[i][2], tasks[i][3])
    return scores


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
    ]
    figure, axes = plt.subplots(1, len(learners), figsize=(5 * len(learners), 4), sharey=True)
    after = np.arange(1, n_tasks + 1)
    for ax, (label, model) in zip(axes, learners):
        scores = accuracy_matrix(model, tasks)
        for i in range(n_tasks):
            ax.plot(after[i:], scores[i:, i], "o-", label=f"task {i + 1}")
        ax.set_title(label)
        ax.set_xticks(after)
        ax.set_xlabel("after training on task")
        ax.set_ylim(0, 1.05)
        chance = ax.axhline(0.25, color="grey", linestyle=":", linewidth=1)   # 4 classes
        print(f"{label}: accuracy on task 1 after each task {np.round(scores[:, 0], 3)}")
    axes[0].set_ylabel("held-out accuracy")
    # One legend above the panels, clear of the curves and of the chance line.
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend([*handles, chance], [*labels, "chance (4 classes)"], loc="upper center", ncol=n_tasks + 1,
                  frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.9))

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "continual_learning.png"
    figure.savefig(path, dpi=100)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
