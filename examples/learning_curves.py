"""Learning curves of three networks, with zoo's diagnosis of each.

The same classification problem is fitted three times: with so strong an L2
penalty that the network cannot learn (underfitting), with sensible settings
(good), and with a large network on a tenth of the data (overfitting). Each
panel shows the training and validation loss and accuracy per epoch, drawn
by ``History.plot``, titled with the verdict of ``History.diagnose``.

    python examples/learning_curves.py [--out DIR] [--quick]
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt  # noqa: E402

from zoo import MLPClassifier  # noqa: E402
from zoo.datasets import make_classification  # noqa: E402


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="folder for the PNG files (default: examples/output)")
    parser.add_argument("--quick", action="store_true", help="tiny budgets, for tests")
    return parser.parse_args()


def main():
    args = parse_args(__doc__.splitlines()[0])
    epochs = 8 if args.quick else 60
    X, y = make_classification(3000, 20, n_classes=3, n_informative=8, random_state=0)
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
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "learning_curves.png"
    figure.savefig(path, dpi=100)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
