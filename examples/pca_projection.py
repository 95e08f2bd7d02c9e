"""Iris projected on its first two principal components, and how much
variance each component explains.

Left: the 150 flowers in the plane of the first two principal components
(of the standardised measurements), coloured by species, which PCA never
sees. Right: the share of the variance along each component and its running
total, the plot used to choose how many components to keep.

    python examples/pca_projection.py [--out DIR] [--quick]
"""

from __future__ import annotations

import numpy as np

from zoo import PCA
from zoo.datasets import load_iris
from zoo.preprocessing import StandardScaler

from _script import parse_args, plt  # matplotlib set to write files only


def main():
    args = parse_args(__doc__.splitlines()[0])  # --quick changes nothing: PCA of iris is instant
    iris = load_iris(return_X_y=False)
    # Standardised, so that no measurement dominates by its units alone.
    X = StandardScaler().fit_transform(iris.data)
    pca = PCA().fit(X)
    projected = pca.transform(X)[:, :2]

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for code, name in enumerate(iris.target_names):
        chosen = iris.target == code
        left.scatter(projected[chosen, 0], projected[chosen, 1], s=14, label=name)
    ratio = pca.explained_variance_ratio_
    left.set_xlabel(f"first component ({ratio[0]:.0%} of the variance)")
    left.set_ylabel(f"second component ({ratio[1]:.0%})")
    left.set_title("iris, standardised, on its first two principal components")
    left.legend()

    components = np.arange(1, len(ratio) + 1)
    right.bar(components, ratio, label="this component")
    right.plot(components, np.cumsum(ratio), "o-", color="C1", label="running total")
    right.axhline(0.95, color="grey", linestyle=":", label="95%")
    right.set_xticks(components)
    right.set_xlabel("component")
    right.set_ylabel("share of the variance")
    right.set_title("explained variance ratio")
    right.legend(loc="center right")
    figure.tight_layout()

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "pca_projection.png"
    figure.savefig(path, dpi=100)
    print(f"explained variance ratios: {np.round(ratio, 3)}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
