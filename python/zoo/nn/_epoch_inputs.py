"""What a network sees of its training inputs each epoch: the user's
augmentation, then the model's own input standardisation.

Both belong to the estimator, not to the C++ engine: augmentation is any
Python callable (zoo.augment pipelines or the user's own), and the
standardisation statistics are NumPy state saved with the model.
"""

from __future__ import annotations

import numpy as np

from zoo._validation import _short_repr

# Seeds the augmentation's draws apart from the engine's shuffling and dropout.
AUGMENT_STREAM = 0xA061


def check_augment(augment):
    """None or a callable `augment(X, random_state=seed) -> X_aug`."""
    if augment is not None and not callable(augment):
        raise TypeError(
            f"augment must be a callable augment(X, random_state=seed) returning an array shaped like X, "
            f"or None; got {_short_repr(augment)}"
        )
    return augment


def augmented(augment, X: np.ndarray, seed: int) -> np.ndarray:
    """`augment(X, random_state=seed)`, checked: same shape, cast to X's
    dtype, finite, C-contiguous. X is handed over read-only, so an
    augmentation that writes into the training data fails at once instead of
    corrupting every later epoch."""
    source = X.view()
    source.flags.writeable = False
    try:
        out = augment(source, random_state=seed)
    except ValueError as exc:
        if "read-only" in str(exc):
            raise ValueError(
                "augment must return a new array; it tried to write into the training data X"
            ) from exc
        raise
    if not isinstance(out, np.ndarray):
        try:
            out = np.asarray(out)
        except Exception as exc:  # noqa: BLE001 - any failure to convert is the callable's fault
            raise TypeError(f"augment returned {type(out).__name__}, not an array") from exc
    if out.shape != X.shape:
        raise ValueError(f"augment returned an array of shape {out.shape}; expected X's shape {X.shape}")
    if out.dtype.kind not in "biuf":
        raise TypeError(f"augment returned an array of dtype {out.dtype}; expected a numeric array like X ({X.dtype})")
    out = np.ascontiguousarray(out, dtype=X.dtype)
    if not np.isfinite(out).all():
        raise ValueError("augment returned NaN or infinite values")
    if np.shares_memory(out, X):
        out = out.copy()  # the engine's input must not alias the training data
    return out


def standardisation(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and standard deviation of X in float64; a constant
    feature gets scale 1, so it maps to 0 instead of dividing by zero."""
    X64 = np.asarray(X, dtype=np.float64)
    mean = X64.mean(axis=0)
    scale = X64.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def standardised(X: np.ndarray, mean: np.ndarray | None, scale: np.ndarray | None) -> np.ndarray:
    """(X - mean) / scale computed in float64 and returned in X's dtype; X
    itself when the model does not standardise."""
    if mean is None:
        return X
    return np.ascontiguousarray((np.asarray(X, dtype=np.float64) - mean) / scale, dtype=X.dtype)
