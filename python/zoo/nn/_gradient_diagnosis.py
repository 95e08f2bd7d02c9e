"""The rules of :meth:`zoo.nn.history.History.diagnose` that read the
per-layer statistics :class:`zoo.nn.callbacks.GradientMonitor` records:
exploding gradients, dead ReLU units and vanishing gradients.

A History without those keys yields no finding here, so it diagnoses as it
did before monitoring existed. The thresholds are stated in
``History.diagnose``'s docstring.
"""

from __future__ import annotations

import numpy as np

from zoo.nn._layer_statistics import DEAD_FRACTION, GRAD_NORM, WEIGHT_NORM, layer_columns

EXPLODING, DEAD_UNITS, VANISHING = "exploding gradients", "dead units", "vanishing gradients"

_EXPLODING_GROWTH = 10.0    # growth of the gradient norm that, with a diverging loss, is an explosion
_UNBOUNDED_GROWTH = 1e3     # growth that is one whatever the loss does
_VANISHING_RATIO = 100.0    # last layer's gradient norm over the first layer's
_STUCK_NORM = 1e-6          # every layer's gradient norm below this: no signal at all
_FLAT_DROP = 0.1            # "the loss barely moved": less than 10% below its first value
_DEAD_SHARE = 0.5           # share of a relu layer's units that are dead

# zoo's remedies, by finding; the estimators' parameters are named as users type them.
REMEDIES = {
    EXPLODING: [
        "lower the learning rate (learning_rate, try 10 times smaller)",
        "clip the gradients: clip_norm=1.0 bounds their global norm (clip_value bounds each value)",
        "batch_norm=True keeps every layer's inputs at a steady scale",
        "a variance-preserving initialisation: init='he_normal' for relu layers, init='glorot_uniform' for "
        "tanh or sigmoid ones",
    ],
    DEAD_UNITS: [
        "activation='leaky_relu' (or 'elu'): a unit whose input is negative still passes a gradient and can recover",
        "a lower learning rate: large steps push a unit's input below zero for every row",
        "init='he_normal' and batch_norm=True keep the units' inputs centred",
    ],
    VANISHING: [
        "activation='relu' or 'leaky_relu' instead of 'sigmoid' or 'tanh', whose slope (at most 1/4 for the "
        "sigmoid) shrinks the gradient at every layer",
        "init='he_normal' for relu layers (init='glorot_uniform' for tanh), which keeps the gradient's scale from "
        "layer to layer",
        "batch_norm=True",
        "fewer layers",
    ],
}


def gradient_findings(history, loss: np.ndarray, *, loss_diverged: bool) -> list[tuple[str, str]]:
    """(finding, reason) pairs, exploding gradients first, then dead units,
    then vanishing gradients (dead units above a layer starve it of gradient,
    so they are the likelier cause when both are found). `loss_diverged`:
    whether the curve rules found the training loss diverging."""
    grad = layer_columns(history, GRAD_NORM)
    if not grad and not layer_columns(history, DEAD_FRACTION):
        return []
    findings = [(EXPLODING, reason) for reason in _exploding(history, grad, loss, loss_diverged)]
    findings += [(DEAD_UNITS, reason) for reason in _dead_units(layer_columns(history, DEAD_FRACTION))]
    findings += [(VANISHING, reason) for reason in _vanishing(grad, loss)]
    return findings


def remedies(findings) -> list[str]:
    """The remedies of each kind of finding in `findings`, in their order, once each."""
    kinds = list(dict.fromkeys(kind for kind, _ in findings if kind in REMEDIES))
    return [remedy for kind in kinds for remedy in REMEDIES[kind]]


def _monitored(grad: dict) -> tuple[np.ndarray, np.ndarray]:
    """The norms as an (epochs, layers) array and the indices of the epochs
    that were monitored (a key recorded from a later epoch on reads NaN before)."""
    norms = np.column_stack(list(grad.values()))
    return norms, np.flatnonzero(~np.all(np.isnan(norms), axis=1))


def _exploding(history, grad: dict, loss: np.ndarray, loss_diverged: bool) -> list[str]:
    if not grad:
        return []
    norms, epochs = _monitored(grad)
    weights = np.column_stack(list(layer_columns(history, WEIGHT_NORM).values()) or [np.zeros(len(loss))])
    overflow = [e for e in epochs if not np.all(np.isfinite(norms[e])) or np.any(np.isinf(weights[e]))]
    if overflow:
        e = overflow[0]
        return [f"the gradient or weight norms overflowed at epoch {e + 1} (gradient norms by layer: "
                f"{_by_layer(norms[e])})"]
    if epochs.size < 2:
        return []
    total = np.sqrt(np.sum(norms[epochs] ** 2, axis=1))  # all layers together
    first, last = total[0], total[-1]
    growth = last / first if first > 0 else np.inf
    if growth < _UNBOUNDED_GROWTH and not (growth >= _EXPLODING_GROWTH and loss_diverged):
        return []
    while_loss = (f", while the training loss went from {_num(loss[0])} to {_num(loss[-1])}"
                  if loss_diverged else "")
    return [f"the gradient norm (all layers together) grew from {_num(first)} at epoch {epochs[0] + 1} to "
            f"{_num(last)} at epoch {epochs[-1] + 1} ({_num(growth)} times){while_loss}; by layer at epoch "
            f"{epochs[-1] + 1}: {_by_layer(norms[epochs[-1]])}"]


def _vanishing(grad: dict, loss: np.ndarray) -> list[str]:
    if len(grad) < 2:
        return []
    norms, epochs = _monitored(grad)
    if epochs.size == 0:
        return []
    first_layer, last_layer = norms[epochs, 0], norms[epochs, -1]
    defined = (last_layer > 0) & np.isfinite(last_layer) & np.isfinite(first_layer)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(defined, last_layer / np.where(first_layer > 0, first_layer, 0.0), np.nan)
    vanished = ratio >= _VANISHING_RATIO
    reasons = []
    if vanished[0] or np.count_nonzero(vanished) * 2 >= epochs.size:
        shown = 0 if vanished[0] else int(np.flatnonzero(vanished)[0])
        e = epochs[shown]
        reasons.append(
            f"the first layer's gradient norm was {_num(_VANISHING_RATIO)} or more times below the last layer's in "
            f"{np.count_nonzero(vanished)} of {epochs.size} monitored epochs; at epoch {e + 1} it was "
            f"{_num(first_layer[shown])} against {_num(last_layer[shown])} ({_times(ratio[shown])}); by layer: "
            f"{_by_layer(norms[e])}"
        )
    last = norms[epochs[-1]]
    barely_moved = loss[0] > 0 and np.nanmin(loss) > (1 - _FLAT_DROP) * loss[0]
    if not reasons and np.all(last < _STUCK_NORM) and barely_moved:
        reasons.append(
            f"every layer's gradient norm is below {_num(_STUCK_NORM)} at epoch {epochs[-1] + 1} (by layer: "
            f"{_by_layer(last)}) while the training loss barely moved ({_num(loss[0])} -> {_num(np.nanmin(loss))} "
            "at best)"
        )
    return reasons


def _dead_units(dead: dict) -> list[str]:
    reasons = []
    for layer, fractions in dead.items():
        measured = np.flatnonzero(np.isfinite(fractions))
        if measured.size == 0 or fractions[measured[-1]] < _DEAD_SHARE:
            continue
        e, e0 = measured[-1], measured[0]
        since = f" (it was {fractions[e0]:.0%} at epoch {e0 + 1})" if e0 != e else ""
        reasons.append(
            f"{fractions[e]:.0%} of layer {layer}'s relu units are dead at epoch {e + 1}: they output 0 on every "
            f"monitored row, so no gradient passes through them{since}"
        )
    return reasons


def _by_layer(values) -> str:
    return ", ".join(_num(value) for value in values)


def _times(ratio: float) -> str:
    return "no gradient reached it" if np.isinf(ratio) else f"{_num(ratio)} times smaller"


def _num(value) -> str:
    return f"{value:.3g}"
