"""``sampling_strategy``: how many samples of each class a resampler produces.

The values and their meaning follow imbalanced-learn, so that code written
for it reads the same here. The result is a dict ``{class: count}`` sorted by
class: for over-samplers the number of samples to *add*, for under-samplers
the number to *keep*.
"""

from __future__ import annotations

import numbers

import numpy as np

OVER = "over-sampling"
UNDER = "under-sampling"

STRATEGY_NAMES = {"auto", "minority", "majority", "not minority", "not majority", "all"}
_NAMES_FOR = {
    # "auto" means "not majority" for over-samplers and "not minority" for
    # under-samplers: every class but the one that is already the target size.
    OVER: {"auto", "minority", "not minority", "not majority", "all"},
    UNDER: {"auto", "majority", "not minority", "not majority", "all"},
}


def resolve_sampling_strategy(strategy, y, counts, kind, owner):
    """Turn a ``sampling_strategy`` parameter into ``{class: count}``.

    Parameters
    ----------
    strategy : str, float, dict or callable
        The parameter value (already checked for its type).
    y : ndarray of shape (n_samples,)
        The labels, passed to a callable strategy.
    counts : dict
        ``{class: number of samples}``, sorted by class.
    kind : {"over-sampling", "under-sampling"}
    owner : str
        Class name for error messages.

    Returns
    -------
    dict
        Sorted by class. Over-sampling: samples to generate per targeted
        class; under-sampling: samples to keep per targeted class (classes
        left out are kept whole).

    Raises
    ------
    ValueError
        For a name that does not apply to ``kind``, a float with more than
        two classes or one that would shrink (grow) a class, and a dict that
        names unknown classes, asks an over-sampler to shrink a class or an
        under-sampler to grow one.
    """
    if callable(strategy):
        strategy = strategy(y)
        if not isinstance(strategy, dict):
            raise ValueError(
                f"{owner}: a callable sampling_strategy must return a dict {{class: n_samples}}; "
                f"got {type(strategy).__name__}."
            )
    if isinstance(strategy, str):
        return _from_name(strategy, counts, kind, owner)
    if isinstance(strategy, dict):
        return _from_dict(strategy, counts, kind, owner)
    return _from_ratio(float(strategy), counts, kind, owner)


def _majority_and_minority(counts):
    # Ties go to the first class in sorted order, whatever the order of y.
    classes = list(counts)
    sizes = np.array([counts[c] for c in classes])
    return classes[int(np.argmax(sizes))], classes[int(np.argmin(sizes))]


def _from_name(name, counts, kind, owner):
    if name not in _NAMES_FOR[kind]:
        raise ValueError(
            f"{owner}: sampling_strategy={name!r} does not apply to {kind}; use one of "
            f"{sorted(_NAMES_FOR[kind])}, a float or a dict."
        )
    majority, minority = _majority_and_minority(counts)
    if name == "auto":
        name = "not majority" if kind == OVER else "not minority"
    targeted = {
        "minority": [minority],
        "majority": [majority],
        "not minority": [c for c in counts if c != minority],
        "not majority": [c for c in counts if c != majority],
        "all": list(counts),
    }[name]
    if kind == OVER:
        goal = counts[majority]
        return {c: goal - counts[c] for c in counts if c in targeted}
    goal = counts[minority]
    return {c: goal for c in counts if c in targeted}


def _from_dict(wanted, counts, kind, owner):
    unknown = [c for c in wanted if not _has_class(counts, c)]
    if unknown:
        raise ValueError(
            f"{owner}: sampling_strategy names classes that are not in y: {unknown}; "
            f"y holds {list(counts)}."
        )
    result = {}
    for c in counts:
        matches = [key for key in wanted if _same_class(key, c)]
        if not matches:
            continue
        target = wanted[matches[0]]
        if isinstance(target, bool) or not isinstance(target, numbers.Integral) or target < 0:
            raise ValueError(
                f"{owner}: sampling_strategy[{c!r}] must be a non-negative int (a number of "
                f"samples); got {target!r}."
            )
        target = int(target)
        if kind == OVER and target < counts[c]:
            raise ValueError(
                f"{owner}: sampling_strategy asks for {target} samples of class {c!r}, which "
                f"already has {counts[c]}; an over-sampler only adds samples. Ask for at least "
                f"{counts[c]}, or shrink the class with RandomUnderSampler."
            )
        if kind == UNDER and target > counts[c]:
            raise ValueError(
                f"{owner}: sampling_strategy asks for {target} samples of class {c!r}, which "
                f"has only {counts[c]}; an under-sampler only removes samples. Ask for at most "
                f"{counts[c]}, or grow the class with an over-sampler."
            )
        result[c] = target - counts[c] if kind == OVER else target
    return result


def _from_ratio(ratio, counts, kind, owner):
    if len(counts) != 2:
        raise ValueError(
            f"{owner}: a float sampling_strategy (the wanted minority/majority ratio) only "
            f"applies to two classes; y has {len(counts)} ({list(counts)[:10]}). Pass a dict "
            "{class: n_samples} or a name such as 'auto' instead."
        )
    majority, minority = _majority_and_minority(counts)
    if kind == OVER:
        n_new = int(ratio * counts[majority] - counts[minority])
        if n_new < 0:
            raise ValueError(
                f"{owner}: sampling_strategy={ratio} asks for {int(ratio * counts[majority])} "
                f"samples of the minority class {minority!r}, which already has "
                f"{counts[minority]}: over-sampling cannot remove samples. Increase the ratio "
                f"to at least {counts[minority] / counts[majority]:.4g}."
            )
        return {minority: n_new}
    n_keep = int(counts[minority] / ratio)
    if n_keep > counts[majority]:
        raise ValueError(
            f"{owner}: sampling_strategy={ratio} asks to keep {n_keep} samples of the majority "
            f"class {majority!r}, which has only {counts[majority]}: under-sampling cannot add "
            f"samples. Increase the ratio to at least {counts[minority] / counts[majority]:.4g}."
        )
    return {majority: n_keep}


def _same_class(key, label):
    # Keys may be Python ints for NumPy int labels (or str for np.str_):
    # compare values, but never a bool with an int or a str with a number.
    if isinstance(key, (bool, np.bool_)) != isinstance(label, (bool, np.bool_)):
        return False
    if isinstance(key, str) != isinstance(label, str):
        return False
    try:
        return bool(key == label)
    except Exception:
        return False


def _has_class(counts, key):
    return any(_same_class(key, c) for c in counts)
