"""Data augmentation for images, text and time series.

Every augmentation is a callable object, ``aug(X, random_state=None) ->
X_aug``, returning a new batch of the same shape and dtype (a new list for
text) and leaving ``X`` untouched; the same int seed gives the same result
bit for bit, whatever the thread count. :class:`Compose` chains them and
:class:`RandomApply` applies one to a random subset of the samples.

    >>> from zoo.augment import Compose, RandomTranslation, RandomRotation
    >>> aug = Compose([RandomTranslation(1), RandomRotation(10)], image_shape=(8, 8, 1))
    >>> MLPClassifier(...).fit(X, y, augment=aug)        # doctest: +SKIP
"""

from ._base import Compose, RandomApply, Transform
from .image import (
    ColorJitter,
    GaussianNoise,
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    RandomTranslation,
    RandomVerticalFlip,
)
from .text import BackTranslation, RandomDeletion, RandomInsertion, RandomSwap, SynonymReplacement
from .timeseries import Jitter, MagnitudeWarp, Scaling, TimeWarp, WindowSlice

__all__ = [
    # contract and combinators
    "Compose",
    "RandomApply",
    "Transform",
    # images
    "ColorJitter",
    "GaussianNoise",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomHorizontalFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomVerticalFlip",
    # text
    "BackTranslation",
    "RandomDeletion",
    "RandomInsertion",
    "RandomSwap",
    "SynonymReplacement",
    # time series
    "Jitter",
    "MagnitudeWarp",
    "Scaling",
    "TimeWarp",
    "WindowSlice",
]
