"""Learning curves of three networks, with zoo's diagnosis of each.

The same classification problem is fitted three times: with so strong an L2
penalty that the network cannot learn (underfitting), with sensible settings
(good), and with a large network on a tenth of the data (overfitting). Each
panel shows the training and validation loss and accuracy per epoch, drawn
by ``History.plot``, titled with the verdict of ``History.diagnose``
(learning_curves.png).

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

    runs = [
        ("L2 penalty 0.5, 2,000 samples", dict(hidden_layer_sizes=(16,), l2=0.5), 2000),
        ("64 units, 2,000 samples", dict(hidden_layer_sizes=(64,), l2=1e-3), 2000),
        ("256-256 units, 300 samples", dict(hidden_layer_sizes=(256, 256)), 300),
    ]
    figure, axes = plt.subplots(1, len(runs), figsize=(6 * len(runs), 5.4))
    for ax, (label, settings, n_samples) in zip(axes, runs):
        model = MLPClassifier(epochs=epochs, learning_rate=1e-3, validation_data=(X_val, y_val),
                              random_state=0, **settings)
        model.fit(X_train[:n_samples], y_train[:n_samples])
        diagnosis = model.history_.diagnose()
        model.history_.plot(ax=ax)
        ax.set_title(f"{label}\nverdict: {diagnosis.verdict}")
        reason = textwrap.fill(diagnosis.reasons[0], 70) if diagnosis.reasons else ""
        ax.set_xlabel(f"epoch\n\n{reason}", fontsize=8)
        print(f"{label}: {diagnosis.verdict}")
    figure.tight_layout()
    return figure


def size_curves(X, y, n_sizes):
    """Accuracy against the number of training samples, 5-fold cross-validated."""
    models = [("SVC (rbf)", SVC()), ("DecisionTreeClassifier (unlimited depth)", DecisionTreeClassifier(random_state=0))]
    figure, axes = plt.subplots(1, len(models), figsize=(6 * len(models), 4.2), sharey=True)
    for ax, (label, model) in zip(axes, models):
        sizes, train, test = learning_curve(model, X, y, cv=5, train_sizes=np.linspace(0.05, 1.0, n_sizes),
                                            shuffle=True, random_state=0)
        for scores, name, colour in ((train, "training", "C0"), (test, "cross-validated", "C1")):
            mean, spread = scores.mean(axis=1), scores.std(axis=1)
            ax.plot(sizes, mean, "o-", color=colour, label=f"{name} accuracy")
            ax.fill_between(sizes, mean - spread, mean + spread, color=colour, alpha=0.2)
        ax.set_title(label)
        ax.set_xlabel("training samples")
        ax.legend(loc="center right")
        print(f"{label}: cross-validated accuracy {test[0].mean():.3f} with {sizes[0]} samples, "
              f"{test[-1].mean():.3f} with {sizes[-1]}")
    axes[0].set_ylabel("accuracy (mean ± std over 5 folds)")
    figure.tight_layout()
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
