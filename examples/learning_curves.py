"""Learning curves of three networks, with zoo's diagnosis of each.

The same classification problem is fitted three times: with so strong an L2
penalty that the network cannot learn (underfitting), with sensible settings
(good), and with a large network on a seventh of the data (overfitting).
Each panel shows the training and validation loss and accuracy per epoch,
drawn by ``History.plot``, titled with what it is meant to show and the
verdict of ``History.diagnose`` (learning_curves.png). The settings give
those verdicts with the full 60 epochs and with --quick's 8.

A second figure (learning_curve_sizes.png) shows the other kind of learning
curve, from ``zoo.model_selection.learning_curve``: training and
cross-validated scores of an SVM and of a depth-unlimited decision tree as
the training set grows.

    python examples/learning_curves.py [--out DIR] [--quick]
"""

from __future__ import annotations

import textwrap

import numpy as np

from zoo import SVC, DecisionTreeClassifier, MLPClassifier
from zoo.datasets import make_classification
from zoo.model_selection import learning_curve

from _script import parse_args, plt  # matplotlib set to write files only


def epoch_curves(X, y, epochs):
    X_train, y_train, X_val, y_val = X[:2000], y[:2000], X[2000:], y[2000:]

    # (meant to show, settings, training samples). The penalty of the first
    # is so strong that the weights shrink to nothing within the first epoch;
    # the third's 256-256 units memorise 300 samples within a few.
    runs = [
        ("underfitting", "l2=1 (far too strong), 16 units, 2,000 samples",
         dict(hidden_layer_sizes=(16,), l2=1.0, learning_rate=1e-2), 2000),
        ("a good fit", "l2=0.001, 64 units, 2,000 samples",
         dict(hidden_layer_sizes=(64,), l2=1e-3, learning_rate=1e-3), 2000),
        ("overfitting", "no penalty, 256-256 units, 300 samples",
         dict(hidden_layer_sizes=(256, 256), learning_rate=3e-3), 300),
    ]
    names = {"loss": "training loss", "val_loss": "validation loss",
             "accuracy": "training accuracy (right axis)", "val_accuracy": "validation accuracy (right axis)"}
    figure, axes = plt.subplots(1, len(runs), figsize=(6 * len(runs), 5.6))
    for ax, (meant, label, settings, n_samples) in zip(axes, runs):
        model = MLPClassifier(epochs=epochs, validation_data=(X_val, y_val), random_state=0, **settings)
        model.fit(X_train[:n_samples], y_train[:n_samples])
        diagnosis = model.history_.diagnose()
        model.history_.plot(ax=ax)
        # One legend for the figure, above the panels, instead of one on top
        # of each panel's curves.
        legend = ax.get_legend()
        handles = legend.legend_handles
        labels = [names.get(text.get_text(), text.get_text()) for text in legend.get_texts()]
        legend.remove()
        ax.set_ylabel("loss (solid lines)")
        # The same accuracy scale in every panel, with guessing marked.
        accuracy_axis = figure.axes[-1]
        accuracy_axis.set_ylabel("accuracy (dashed lines)")
        accuracy_axis.set_ylim(0.2, 1.0)
        chance = accuracy_axis.axhline(model.history_.baseline["accuracy"], color="grey", linestyle=":")
        ax.set_title(f"meant to show {meant}: {label}\nzoo's verdict: {diagnosis.verdict}", fontsize=10)
        reason = textwrap.fill(diagnosis.reasons[0], 70) if diagnosis.reasons else ""
        ax.set_xlabel(f"epoch\n\n{reason}", fontsize=8)
        print(f"{label}: {diagnosis.verdict}")
    # One loss scale for the three panels, from 0, so their levels compare.
    top = 1.05 * max(ax.get_ylim()[1] for ax in axes)
    for ax in axes:
        ax.set_ylim(0, top)
    figure.legend([*handles, chance], [*labels, "chance accuracy"], loc="upper center", ncol=len(labels) + 1,
                  frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.93))
    return figure


def size_curves(X, y, n_sizes):
    """Accuracy against the number of training samples, 5-fold cross-validated."""
    models = [("SVC (rbf)", SVC()), ("DecisionTreeClassifier (unlimited depth)", DecisionTreeClassifier(random_state=0))]
    figure, axes = plt.subplots(1, len(models), figsize=(6 * len(models), 4.5), sharey=True)
    for ax, (label, model) in zip(axes, models):
        sizes, train, test = learning_curve(model, X, y, cv=5, train_sizes=np.linspace(0.05, 1.0, n_sizes),
                                            shuffle=True, random_state=0)
        for scores, name, colour in ((train, "training", "C0"), (test, "cross-validated", "C1")):
            mean, spread = scores.mean(axis=1), scores.std(axis=1)
            ax.plot(sizes, mean, "o-", color=colour, label=f"{name} accuracy")
            ax.fill_between(sizes, mean - spread, mean + spread, color=colour, alpha=0.2)
        ax.set_title(label)
        ax.set_xlabel("training samples")
        print(f"{label}: cross-validated accuracy {test[0].mean():.3f} with {sizes[0]} samples, "
              f"{test[-1].mean():.3f} with {sizes[-1]}")
    axes[0].set_ylabel("accuracy (mean ± std over 5 folds)")
    # One legend above both panels, clear of the curves.
    figure.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=2, frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.92))
    return figure


def main():
    args = parse_args(__doc__.splitlines()[0])
    X, y = make_classification(3000, 20, n_classes=3, n_informative=8, random_state=0)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, figure in (("learning_curves.png", epoch_curves(X, y, 8 if args.quick else 60)),
                         ("learning_curve_sizes.png", size_curves(X, y, 3 if args.quick else 8))):
        path = args.out / name
        figure.savefig(path, dpi=100)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
