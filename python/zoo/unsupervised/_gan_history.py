"""A GAN's History and its diagnosis: mode collapse, a vanishing generator
gradient, oscillation.

`GAN.history_` records per epoch the discriminator's and the generator's
losses, the discriminator's accuracy on real and generated rows, the
generator's gradient norm (its last step's) and `diversity`: the mean
pairwise distance of a fixed set of generated samples over that of a fixed
set of real rows (1: as spread out as the data; near 0: every sample alike).
"""

from __future__ import annotations

import numpy as np

from zoo.nn._diagnosis import Diagnosis
from zoo.nn.history import History

# Thresholds of GANHistory.diagnose; its docstring states the rules.
_MIN_EPOCHS = 3
_COLLAPSED_DIVERSITY = 0.5    # of its best value, and of the data's spread
_WINNING_ACCURACY = 0.8       # the discriminator tells most rows apart
_VANISHED_GRADIENT = 1e-3     # generator gradient norm over its largest value
_OSCILLATION_SWITCHES = 0.6   # share of direction changes among successive losses
_OSCILLATION_SWING = 0.25     # mean |step| over the level of the losses
_RUN_SCALE = 0.1              # the level is at least this share of the run's largest |loss|

_REMEDIES = {
    # In the order they fared on bench/bench_gan.py's ring and grid.
    "mode collapse": [
        "constrain the discriminator: spectral_norm=True (zoo's default)",
        "give the discriminator a view of the whole batch: minibatch_std=True, or minibatch_discrimination=8",
        "loss='wasserstein' with spectral_norm=True and n_critic=5, or loss='hinge'",
    ],
    "vanishing generator gradient": [
        "use loss='non_saturating' (the minimax generator's gradient vanishes when the discriminator wins)",
        "slow the discriminator down: a lower discriminator_learning_rate, or spectral_norm=True",
        "loss='wasserstein' with spectral_norm=True keeps the generator's gradient informative",
    ],
    "oscillation": [
        "lower both learning rates (e.g. 10 times)",
        "two time-scale updates: discriminator_learning_rate about 4 times generator_learning_rate",
        "spectral_norm=True, or loss='hinge' with spectral_norm",
    ],
}


class GANHistory(History):
    """A GAN's per-epoch record (see the module docstring for the keys).

    Examples
    --------
    >>> h = GANHistory()
    >>> for d in (1.2, 1.0, 0.9):
    ...     h.append({"discriminator_loss": d, "generator_loss": 0.8, "real_accuracy": 0.6,
    ...               "fake_accuracy": 0.6, "diversity": 0.9, "generator_grad_norm": 0.1})
    >>> h.diagnose().verdict
    'good'
    """

    kind = "gan"

    def to_dict(self):
        return {**super().to_dict(), "kind": self.kind}

    def diagnose(self):
        """Judge a GAN's training from its curves.

        Rules, in order (the thresholds are module constants):

        1. **too short**: fewer than 3 epochs recorded.
        2. **mode collapse**: the sample diversity at the last epoch is below
           half its best value and below half the data's spread, while the
           discriminator wins (mean of real and fake accuracy at least 0.8).
        3. **vanishing generator gradient**: the generator's gradient norm
           at the last epoch is below 1e-3 of its largest value while the
           discriminator wins.
        4. **oscillation**: over the last half of the epochs (at least 6),
           the discriminator loss changes direction in at least 60% of the
           steps and its mean step is at least 25% of its level (the mean
           absolute loss over that half, or a tenth of the run's largest
           absolute loss where larger).
        5. **good**: none of the above.

        Returns
        -------
        zoo.nn.history.Diagnosis
            The verdict, the numbers behind it and the remedies to try.
        """
        n = len(self)
        if n < _MIN_EPOCHS:
            return Diagnosis("too short", [f"only {n} epochs recorded; judging a GAN needs at least {_MIN_EPOCHS}"],
                             ["train for more epochs"])
        findings = [*_mode_collapse(self), *_vanishing_generator_gradient(self), *_oscillation(self)]
        if not findings:
            diversity = _column(self, "diversity")
            return Diagnosis("good", [f"sample diversity {_num(diversity[-1])} of the data's spread, the "
                                      f"discriminator's accuracy {_num(_discriminator_accuracy(self)[-1])}"])
        verdict = findings[0][0]
        suggestions = []
        for name in dict.fromkeys(name for name, _ in findings):
            suggestions += _REMEDIES[name]
        return Diagnosis(verdict, [reason for _, reason in findings], suggestions)


def _column(history, key):
    return np.asarray(history.get(key, [np.nan] * len(history)), dtype=float)


def _discriminator_accuracy(history):
    return (_column(history, "real_accuracy") + _column(history, "fake_accuracy")) / 2


def _mode_collapse(history):
    diversity, accuracy = _column(history, "diversity"), _discriminator_accuracy(history)
    if not np.isfinite(diversity).any():
        return []
    best, last = np.nanmax(diversity), diversity[-1]
    if last < _COLLAPSED_DIVERSITY * best and last < _COLLAPSED_DIVERSITY and accuracy[-1] >= _WINNING_ACCURACY:
        return [("mode collapse",
                 f"sample diversity fell to {_num(last)} of the data's spread (best {_num(best)}, epoch "
                 f"{int(np.nanargmax(diversity)) + 1}) while the discriminator tells "
                 f"{_num(100 * accuracy[-1])}% of rows apart: the generator covers few of the data's modes")]
    return []


def _vanishing_generator_gradient(history):
    norm, accuracy = _column(history, "generator_grad_norm"), _discriminator_accuracy(history)
    if not np.isfinite(norm).any() or not np.nanmax(norm) > 0:
        return []
    largest, last = np.nanmax(norm), norm[-1]
    if last < _VANISHED_GRADIENT * largest and accuracy[-1] >= _WINNING_ACCURACY:
        return [("vanishing generator gradient",
                 f"the generator's gradient norm fell to {_num(last)} from {_num(largest)} (epoch "
                 f"{int(np.nanargmax(norm)) + 1}) while the discriminator tells {_num(100 * accuracy[-1])}% of "
                 "rows apart: the generator gets almost no signal")]
    return []


def _oscillation(history):
    loss = _column(history, "discriminator_loss")
    tail = loss[len(loss) // 2:]
    tail = tail[np.isfinite(tail)]
    if len(tail) < 6:
        return []
    steps = np.diff(tail)
    switches = np.mean(np.sign(steps[1:]) * np.sign(steps[:-1]) < 0)
    # The level the swings are measured against: the tail's, or a tenth of the run's largest loss where that is
    # larger, since a Wasserstein critic's loss can settle near 0 and make ordinary noise look like a swing.
    level = max(np.mean(np.abs(tail)), _RUN_SCALE * np.nanmax(np.abs(loss)), 1e-12)
    swing = np.mean(np.abs(steps)) / level
    if switches >= _OSCILLATION_SWITCHES and swing >= _OSCILLATION_SWING:
        return [("oscillation",
                 f"over the last {len(tail)} epochs the discriminator loss changed direction in "
                 f"{_num(100 * switches)}% of the steps, by {_num(100 * swing)}% of its level on average: "
                 "the two networks chase each other instead of settling")]
    return []


def _num(value):
    return f"{value:.3g}"
