"""What zoo.augment's image transforms do, on one small picture.

Each row applies one transform (or a Compose of several) to the same
24x24 colour image; each column is another random draw (another seed).
The picture, a letter F on a two-colour background, is asymmetric so
that flips and rotations are easy to tell apart. A second figure shows the
time-series transforms on a sine wave.

    python examples/augmentation.py [--out DIR] [--quick]
"""

from __future__ import annotations

import numpy as np

from zoo.augment import (
    ColorJitter,
    Compose,
    GaussianNoise,
    Jitter,
    MagnitudeWarp,
    RandomContrast,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    RandomTranslation,
    RandomVerticalFlip,
    Scaling,
    TimeWarp,
    WindowSlice,
)

from _script import parse_args, plt  # matplotlib set to write files only


def letter_f(size=24):
    """An orange F on a blue-to-green background, (size, size, 3) in [0, 1]."""
    image = np.zeros((size, size, 3), dtype=np.float32)
    image[..., 1] = np.linspace(0.2, 0.7, size)[None, :]   # green grows to the right
    image[..., 2] = 0.6
    stroke = np.zeros((size, size), dtype=bool)
    stroke[4:20, 6:9] = True      # the stem
    stroke[4:7, 6:18] = True      # the top bar
    stroke[11:14, 6:15] = True    # the middle bar
    image[stroke] = (1.0, 0.55, 0.1)
    return image


def image_figure(n_draws):
    image = letter_f()
    batch = np.repeat(image[None], n_draws, axis=0)   # one copy per draw, each transformed anew
    rows = [
        ("RandomHorizontalFlip(p=0.5)", RandomHorizontalFlip(p=0.5)),
        ("RandomVerticalFlip(p=0.5)", RandomVerticalFlip(p=0.5)),
        ("RandomRotation(30)", RandomRotation(30)),
        ("RandomTranslation(4)", RandomTranslation(4)),
        ("RandomCrop(padding=4)", RandomCrop(padding=4, padding_mode="reflect")),
        ("ColorJitter(0.3, 0.5)", ColorJitter(brightness=0.3, contrast=0.5, value_range=(0, 1))),
        ("RandomContrast(0.8)", RandomContrast(0.8, value_range=(0, 1))),
        ("GaussianNoise(0.1)", GaussianNoise(0.1, value_range=(0, 1))),
        ("Compose: rotate, shift, jitter", Compose([RandomRotation(15), RandomTranslation(3),
                                                   ColorJitter(brightness=0.2, value_range=(0, 1))])),
    ]
    figure, axes = plt.subplots(len(rows), n_draws + 1, figsize=(1.3 * (n_draws + 1) + 2, 1.35 * len(rows)))
    for row, (name, transform) in zip(axes, rows):
        augmented = transform(batch, random_state=0)
        assert augmented.shape == batch.shape
        row[0].imshow(image)
        row[0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
        for ax, picture in zip(row[1:], augmented):
            ax.imshow(np.clip(picture, 0, 1))
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_title("original", fontsize=8)
    for column in range(1, n_draws + 1):
        axes[0, column].set_title(f"draw {column}", fontsize=8)
    figure.tight_layout()
    return figure


def series_figure(n_draws):
    time = np.linspace(0, 4 * np.pi, 200)
    wave = np.sin(time) + 0.3 * np.sin(3 * time)
    batch = np.repeat(wave[None], n_draws, axis=0)   # (N, T)
    rows = [
        ("Jitter(0.05)", Jitter(0.05)),
        ("Scaling(0.2)", Scaling(0.2)),
        ("MagnitudeWarp(0.3)", MagnitudeWarp(0.3)),
        ("TimeWarp(0.3)", TimeWarp(0.3)),
        ("WindowSlice(0.8)", WindowSlice(0.8)),
    ]
    figure, axes = plt.subplots(1, len(rows), figsize=(3.2 * len(rows), 3.1), sharey=True)
    for ax, (name, transform) in zip(axes, rows):
        # The original underneath, so that a draw close to it still shows.
        ax.plot(time, wave, color="lightgrey", linewidth=4, label="original")
        for index, series in enumerate(transform(batch, random_state=0)):
            ax.plot(time, series, linewidth=1, label=f"draw {index + 1}")
        ax.set_title(name, fontsize=9)
        ax.set_xticks([])
    figure.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=n_draws + 1, frameon=False,
                  fontsize=8)
    figure.tight_layout(rect=(0, 0, 1, 0.86))
    return figure


def main():
    args = parse_args(__doc__.splitlines()[0])
    n_draws = 3 if args.quick else 6
    args.out.mkdir(parents=True, exist_ok=True)
    for name, figure in (("augmentation_images.png", image_figure(n_draws)),
                         ("augmentation_series.png", series_figure(n_draws))):
        path = args.out / name
        figure.savefig(path, dpi=100)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
