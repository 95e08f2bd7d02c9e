"""The augmentation contract, and the combinators built on it.

Every augmentation is a callable object::

    X_aug = aug(X, random_state=None)

returning a new array (or list, for text) of the same shape and dtype as
``X``, never modifying ``X``. ``random_state`` is an int seed, a
``numpy.random.Generator`` (advanced by the call) or None (fresh entropy). The
same int seed gives the same output bit for bit, whatever the thread count:
every random choice is either drawn in Python with NumPy or, inside the C++
kernels, by a generator that depends only on the seed and the sample index.
"""

from __future__ import annotations

import inspect
import math
import numbers

import numpy as np

from .._validation import _short_repr, check_array, check_in_range, check_random_state

__all__ = ["Transform", "Compose", "RandomApply"]


class Transform:
    """Base class of the augmentations: ``aug(X, random_state=None) -> X_aug``.

    Subclasses check their parameters in ``__init__`` (so a bad value fails
    where it was written, not an epoch later inside ``fit``), store them under
    their own names, and implement ``_augment(X, rng)``.
    """

    def __call__(self, X, random_state=None):
        """Return an augmented copy of ``X``.

        Parameters
        ----------
        X : array-like or list of str
            The batch; its expected form is described by the subclass.
        random_state : int, numpy.random.Generator or None, default=None
            Seed of every random choice of this call. An int gives the same
            result on every call; a Generator is advanced.

        Returns
        -------
        ndarray or list of str
            A new object of the same shape (length) and dtype as ``X``.
        """
        rng = check_random_state(random_state)
        return self._augment(X, rng)

    def _augment(self, X, rng):
        raise NotImplementedError

    def __repr__(self):
        parameters = inspect.signature(type(self).__init__).parameters
        shown = []
        for name, parameter in parameters.items():
            if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            value = getattr(self, name, parameter.default)
            if parameter.default is parameter.empty or not _same(value, parameter.default):
                shown.append(f"{name}={_short_repr(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _same(value, default):
    try:
        return bool(value == default)
    except (TypeError, ValueError):
        return value is default


def _check_transform(transform, name, owner):
    if not callable(transform):
        raise TypeError(
            f"{owner}: {name} must be a callable aug(X, random_state=None); "
            f"got {_short_repr(transform)}."
        )
    return transform


def _seed_sequence(random_state, name="random_state"):
    """A SeedSequence from any accepted ``random_state`` (a Generator is advanced)."""
    if isinstance(random_state, np.random.SeedSequence):
        return random_state
    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, (bool, np.bool_)):
        check_random_state(random_state, name=name)  # rejects negative seeds
        return np.random.SeedSequence(int(random_state))
    rng = check_random_state(random_state, name=name)
    # Four 32-bit words from the caller's generator: 128 bits of seed.
    return np.random.SeedSequence(rng.integers(0, 2**32, size=4, dtype=np.uint64).tolist())


class Compose(Transform):
    """Apply several augmentations in order.

    Parameters
    ----------
    transforms : sequence of callables
        Each ``t(X, random_state=...) -> X``: zoo's augmentations or any
        function following the same contract.
    image_shape : tuple of 3 ints or None, default=None
        Shape of one image, ``(H, W, C)`` (or ``(C, H, W)`` with
        ``data_format="channels_first"``). When set, a 2-D batch of flattened
        images ``(N, H*W*C)`` (what ``MLP.fit`` passes) is reshaped to
        ``(N, H, W, C)`` once, every step sees the 4-D batch, and the result
        is flattened back. 4-D input is passed through as it is.
    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Layout that ``image_shape`` describes. Image steps must use the same.

    Notes
    -----
    Step ``k`` is seeded with the ``k``-th child of
    ``numpy.random.SeedSequence(random_state).spawn(len(transforms))``, so
    adding a step at the end does not change what the earlier steps draw.

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.augment import Compose, RandomTranslation, RandomRotation
    >>> aug = Compose([RandomTranslation(0.1), RandomRotation(10)], image_shape=(8, 8, 1))
    >>> aug(np.zeros((5, 64), np.float32), random_state=0).shape
    (5, 64)
    """

    def __init__(self, transforms, *, image_shape=None, data_format="channels_last"):
        from ._layout import check_data_format, check_image_shape

        if isinstance(transforms, (str, bytes)) or not hasattr(transforms, "__iter__"):
            raise TypeError(f"Compose: transforms must be a list of callables; got {_short_repr(transforms)}.")
        self.transforms = [
            _check_transform(t, f"transforms[{i}]", "Compose") for i, t in enumerate(transforms)
        ]
        self.data_format = check_data_format(data_format, "Compose")
        self.image_shape = check_image_shape(image_shape, "Compose")
        for i, step in enumerate(self.transforms):
            step_format = getattr(step, "data_format", None)
            if self.image_shape is not None and step_format not in (None, self.data_format):
                raise ValueError(
                    f"Compose: transforms[{i}] has data_format={step_format!r} but Compose has "
                    f"data_format={self.data_format!r}; image_shape is read in one layout for all steps."
                )

    def __call__(self, X, random_state=None):
        children = _seed_sequence(random_state).spawn(len(self.transforms))
        if self.image_shape is None:
            for step, child in zip(self.transforms, children):
                X = step(X, random_state=np.random.default_rng(child))
            return X if self.transforms else _copy(X)
        from ._layout import as_image_batch

        batch, restore = as_image_batch(X, self.image_shape, self.data_format, owner="Compose")
        shape = batch.shape
        for step, child in zip(self.transforms, children):
            batch = step(batch, random_state=np.random.default_rng(child))
        if np.ndim(X) == 2 and np.shape(batch) != shape:
            raise ValueError(
                f"Compose: the steps turned images of shape {shape[1:]} into {np.shape(batch)[1:]}; "
                "flattened rows must keep their length (use RandomCrop without size, or pass 4-D images)."
            )
        # No steps: restore(batch) would be X itself (or a view of it).
        return restore(batch) if self.transforms else _copy(X)

    def __len__(self):
        return len(self.transforms)

    def __getitem__(self, index):
        return self.transforms[index]

    def __repr__(self):
        steps = ",\n".join(f"    {step!r}" for step in self.transforms)
        extra = "" if self.image_shape is None else f", image_shape={self.image_shape}"
        if self.data_format != "channels_last":
            extra += f", data_format={self.data_format!r}"
        return f"Compose([\n{steps}\n]{extra})"


def _copy(X):
    return list(X) if isinstance(X, (list, tuple)) else np.array(X, copy=True)


class RandomApply(Transform):
    """Apply an augmentation to each sample with probability ``p``.

    Parameters
    ----------
    transform : callable
        ``t(X, random_state=...) -> X``, applied once to the chosen samples
        (a sub-batch, or a sub-list for text).
    p : float in [0, 1], default=0.5
        Probability, independently per sample, that the sample is augmented;
        the others are copied unchanged.

    Examples
    --------
    >>> from zoo.augment import RandomApply, GaussianNoise
    >>> aug = RandomApply(GaussianNoise(0.1), p=0.3)
    """

    def __init__(self, transform, p=0.5):
        self.transform = _check_transform(transform, "transform", "RandomApply")
        self.p = check_in_range(p, name="p", low=0.0, high=1.0, estimator="RandomApply")

    def _augment(self, X, rng):
        if isinstance(X, str):
            return self.transform(X, random_state=rng) if rng.random() < self.p else X
        if isinstance(X, (list, tuple)):
            chosen = rng.random(len(X)) < self.p
            picked = [text for text, keep in zip(X, chosen) if keep]
            changed = list(self.transform(picked, random_state=rng)) if picked else []
            if len(changed) != len(picked):
                raise ValueError(
                    f"RandomApply: transform returned {len(changed)} items for the {len(picked)} chosen; "
                    "it must return one per input."
                )
            changed = iter(changed)
            return [next(changed) if keep else text for text, keep in zip(X, chosen)]
        X = check_array(X, ensure_2d=False, dtype=None, name="X", estimator="RandomApply")
        if X.ndim == 0:
            raise ValueError("RandomApply: X must have a sample axis; got a 0-d array.")
        chosen = rng.random(X.shape[0]) < self.p
        out = X.copy()
        if chosen.any():
            changed = np.asarray(self.transform(X[chosen], random_state=rng))
            if changed.shape != out[chosen].shape:
                raise ValueError(
                    f"RandomApply: transform turned samples of shape {X.shape[1:]} into {changed.shape[1:]}; "
                    "it must keep the shape (the samples it skips are copied unchanged)."
                )
            out[chosen] = changed
        return out


def _real(value, name, owner, low=None, high=None, closed="both"):
    """A finite float parameter in the given range (check_in_range lets inf through)."""
    value = float(check_in_range(value, name=name, low=low, high=high, closed=closed, estimator=owner))
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be finite; got {value!r}.")
    return value
