"""Clusters found by k-means and by DBSCAN, side by side.

Two data sets: two interleaved half-moons, and three Gaussian blobs on a
background of uniform noise. k-means cuts space into convex cells around
its centres, so it splits the moons straight across and puts every noise
point in some cluster; DBSCAN follows dense regions of any shape and
labels the sparse points as noise (label -1, drawn grey, as the picture's
legend says).

--quick draws the same picture: the full run takes seconds, and fewer points
would leave the moons too sparse for DBSCAN's radius.

    python examples/clusters.py [--out DIR] [--quick]
"""

from __future__ import annotations

import numpy as np

from zoo import DBSCAN, KMeans
from zoo.datasets import make_blobs
from zoo.metrics import adjusted_rand_score

from _script import parse_args, plt  # matplotlib set to write files only


def two_moons(n_per_moon, noise, rng):
    """Two interleaved half-circles, labelled 0 and 1."""
    angle = rng.uniform(0, np.pi, n_per_moon)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)])
    points = np.vstack([upper, lower]) + rng.normal(scale=noise, size=(2 * n_per_moon, 2))
    return points, np.repeat([0, 1], n_per_moon)


def blobs_with_noise(n_samples, rng):
    """Three blobs plus 10% uniform background points (labelled -1)."""
    blobs, labels = make_blobs(n_samples, 2, centers=3, cluster_std=0.6, random_state=1)
    low, high = blobs.min(axis=0) - 1, blobs.max(axis=0) + 1
    background = rng.uniform(low, high, size=(n_samples // 10, 2))
    return np.vstack([blobs, background]), np.concatenate([labels, -np.ones(len(background), int)])


NOISE_COLOUR = "darkgrey"


def draw(ax, points, labels, title):
    noise = labels == -1
    ax.scatter(points[noise, 0], points[noise, 1], s=6, c=NOISE_COLOUR)
    ax.scatter(points[~noise, 0], points[~noise, 1], s=6, c=labels[~noise], cmap="tab10", vmin=0, vmax=9)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def main():
    args = parse_args(__doc__.splitlines()[0])
    n = 600  # the same with --quick (see the docstring)
    rng = np.random.default_rng(0)
    data = [
        ("two moons", *two_moons(n, 0.06, rng), 2, dict(eps=0.15, min_samples=5)),
        ("blobs on noise", *blobs_with_noise(2 * n, rng), 3, dict(eps=0.6, min_samples=10)),
    ]
    figure, axes = plt.subplots(len(data), 2, figsize=(10, 5 * len(data)))
    for row, (name, points, truth, k, dbscan_settings) in zip(axes, data):
        kmeans = KMeans(n_clusters=k, random_state=0).fit(points)
        dbscan = DBSCAN(**dbscan_settings).fit(points)
        for ax, labels, label in (
            (row[0], kmeans.labels_, f"KMeans(n_clusters={k})"),
            (row[1], dbscan.labels_, "DBSCAN(" + ", ".join(f"{key}={value}" for key, value in dbscan_settings.items()) + ")"),
        ):
            ari = adjusted_rand_score(truth, labels)
            draw(ax, points, labels, f"{name}: {label}\nadjusted Rand index vs truth {ari:.2f}")
            print(f"{name}, {label}: ARI {ari:.3f}")
    # What the colours mean, under the panels.
    noise_marker = plt.Line2D([], [], marker="o", linestyle="", markersize=5, color=NOISE_COLOUR)
    figure.legend([noise_marker], ["noise: DBSCAN's label -1, points in no cluster (k-means has no such label "
                                   "and puts every point in a cluster)"],
                  loc="lower center", bbox_to_anchor=(0.5, 0.025), frameon=False, fontsize=9)
    figure.text(0.5, 0.01, "Other colours are cluster numbers, chosen by each algorithm: the same group can "
                "have different colours in two panels.", ha="center", fontsize=9)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "clusters.png"
    figure.savefig(path, dpi=90)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
