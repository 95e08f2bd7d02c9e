"""The learning-rate range test (Leslie N. Smith, "Cyclical Learning Rates
for Training Neural Networks", WACV 2017; popularised by fastai's
``lr_find``): train for a short run while the learning rate grows
exponentially, watch where the loss falls fastest and where it blows up,
and pick a rate below the blow-up.

Every network estimator runs it as ``model.lr_find(X, y)``
(:meth:`zoo.nn._model.NetworkModelMixin.lr_find` delegates here). The test
goes through the estimator's own ``fit``, so the data are read, checked,
split (``validation_split``), standardised (``normalize``), augmented and
corrupted (a denoising autoencoder) exactly as a fit would, and bad inputs
raise the errors ``fit`` raises. Only the epoch loop is replaced: instead
of whole epochs at one rate, the engine's epoch call runs on one mini-batch
at a time, each at the next rate. The whole run is one fit transaction
(:mod:`zoo._transaction`) that always rolls back, so the model comes out
exactly as it went in: parameters, buffers, optimizer state, step count,
history, fitted or not.
"""

from __future__ import annotations

import dataclasses
import warnings
from numbers import Integral, Real

import numpy as np

from zoo._threads import resolve_n_jobs
from zoo._transaction import _transactional

__all__ = ["LRFinderResult", "find_learning_rate"]

# Separates the finder's shuffles and dropout masks from those of fit.
LR_FINDER_STREAM = 0x1F1DE2
# Fewer rates than this cannot show the loss falling and then rising.
MIN_STEPS = 10


@dataclasses.dataclass(frozen=True, repr=False)
class LRFinderResult:
    """What a learning-rate range test measured, and the rate it suggests.

    Attributes
    ----------
    learning_rates : ndarray of shape (n_steps,)
        The rate of each mini-batch step: geometric from `start_lr` towards
        `end_lr`, cut short where the loss diverged.
    losses : ndarray of shape (n_steps,)
        The training loss of each step's mini-batch (before that step's
        update, penalties included), as the engine reports it.
    smoothed_losses : ndarray of shape (n_steps,)
        `losses` under an exponential moving average with weight
        `smoothing` on the past, bias-corrected (divided by
        ``1 - smoothing**(i + 1)``, as Adam corrects its moments) so that the
        first steps are not pulled towards zero. The default 0.9 averages
        about the last 10 batches, under a decade of rates at the default
        100 steps over 8 decades: enough to tame the batches' noise, short
        enough for the curve to follow the loss (fastai's 0.98 averages
        about 50 steps, half of such a run, and lags the loss by as much).
    suggestion : float
        The rate at the minimum of the smoothed loss, divided by 10. At the
        minimum the rate is already at the edge of instability (the loss
        turns up right after it); an order of magnitude below, training is
        still fast and safely stable. This rule reads only the curve's
        lowest point, which noise moves little, where the "steepest descent"
        rule reads its derivative, which noise moves a lot. The first tenth
        of the planned steps is left out of the minimum: there the average
        has seen only a few batches, and one easy batch would make the
        start of the range, where nothing is learnt yet, look best.
    diverged : bool
        Whether the run stopped early because the loss diverged (non-finite,
        or above `diverge_threshold` times the best smoothed loss).
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggestion: float
    diverged: bool

    def __repr__(self):
        rates = self.learning_rates
        end = f"diverged at step {len(rates)}" if self.diverged else "did not diverge"
        return (f"LRFinderResult(suggestion={self.suggestion:.3g}, {len(rates)} steps from {rates[0]:.3g} "
                f"to {rates[-1]:.3g}, {end})")

    def plot(self, ax=None):
        """Plot the loss against the learning rate (log axis), raw and
        smoothed, with the suggestion marked.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib Axes

        Raises
        ------
        ImportError
            If matplotlib is not installed.
        """
        try:
            import matplotlib.pyplot as plt  # noqa: PLC0415  (optional dependency)
        except ImportError as exc:
            raise ImportError(
                "LRFinderResult.plot needs matplotlib, which is not installed; "
                "install it with `pip install matplotlib`."
            ) from exc
        if ax is None:
            _, ax = plt.subplots()
        rates, smoothed = self.learning_rates, self.smoothed_losses
        raw_line = ax.plot(rates, self.losses, alpha=0.3, label="loss per mini-batch")[0]
        ax.plot(rates, smoothed, color=raw_line.get_color(), label="smoothed loss")
        # The smoothed loss at the suggested rate (between two measured rates).
        at = float(np.interp(np.log(self.suggestion), np.log(rates), smoothed))
        ax.axvline(self.suggestion, color="grey", linestyle="--", linewidth=1)
        ax.plot([self.suggestion], [at], "o", color="C3", label=f"suggestion {self.suggestion:.2g}")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("training loss")
        # Keep the readable part in view: a diverged tail may be orders of
        # magnitude above the rest and would flatten the curve.
        lowest = int(np.argmin(smoothed))
        top = float(np.max(smoothed[: lowest + 1]))
        bottom = float(np.min(self.losses))
        ax.set_ylim(bottom - 0.05 * (top - bottom), top + 0.25 * (top - bottom) if top > bottom else None)
        ax.legend(loc="best")
        return ax


def find_learning_rate(model, X, y, sample_weight, *, start_lr, end_lr, num_steps, smoothing,
                       diverge_threshold) -> LRFinderResult:
    """Run the range test on `model` (a network estimator) and leave it as
    it was; the parameters are those of ``NetworkModelMixin.lr_find``."""
    check_range_arguments(start_lr, end_lr, num_steps, smoothing, diverge_threshold)
    rates = np.geomspace(float(start_lr), float(end_lr), int(num_steps))

    def range_test(train, validation, until_epoch, epoch_data=None, extra_callbacks=()):
        # Stands in for NetworkModelMixin._run_epochs: fit has prepared the
        # data; the exception carries the curve out of fit.
        raise _RangeTestDone(run_range_test(model, train, epoch_data, extra_callbacks, rates, float(smoothing),
                                            float(diverge_threshold)))

    def trial(model):
        # The instance attribute shadows the method for this call only: the
        # transaction's rollback removes it with everything else.
        model._run_epochs = range_test
        model.fit(X, y, sample_weight=sample_weight)
        raise RuntimeError(f"{type(model).__name__}.fit returned without training, so there is no range test")

    try:
        _transactional(trial)(model)  # always raises, so always rolls back
    except _RangeTestDone as done:
        tried, losses, smoothed, diverged = done.curve
    else:
        raise AssertionError("unreachable: the trial always raises")
    return LRFinderResult(tried, losses, smoothed, suggest(tried, smoothed, diverged, len(rates)), diverged)


class _RangeTestDone(Exception):
    def __init__(self, curve):
        super().__init__("the range test finished")
        self.curve = curve


def check_range_arguments(start_lr, end_lr, num_steps, smoothing, diverge_threshold) -> None:
    """ValueError or TypeError naming the argument that is not usable."""
    for name, value in (("start_lr", start_lr), ("end_lr", end_lr), ("smoothing", smoothing),
                        ("diverge_threshold", diverge_threshold)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name} must be a real number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if not start_lr > 0:
        raise ValueError(f"start_lr must be > 0, got {start_lr!r}")
    if not end_lr > start_lr:
        raise ValueError(f"end_lr must be greater than start_lr ({start_lr!r}), got {end_lr!r}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, Integral):
        raise TypeError(f"num_steps must be an integer, got {num_steps!r}")
    if num_steps < MIN_STEPS:
        raise ValueError(f"num_steps must be at least {MIN_STEPS} to show the loss fall and rise, got {num_steps!r}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing!r}")
    if not diverge_threshold > 1:
        raise ValueError(f"diverge_threshold must be > 1 (a multiple of the best smoothed loss), "
                         f"got {diverge_threshold!r}")


def run_range_test(model, train, epoch_data, extra_callbacks, rates, smoothing, diverge_threshold):
    """One mini-batch step per rate in `rates` on `model`'s network, from
    the TrainingSet `train` as fit prepared it (`epoch_data` and
    `extra_callbacks` as NetworkModelMixin._run_epochs takes them), until
    the loss diverges. Returns the rates tried, their losses, the smoothed
    losses and whether the loss diverged."""
    network = model.network_
    network.set_layers(model._layout_specs())
    network.attach_optimizer(model._optimizer())
    n_threads = resolve_n_jobs(model.n_jobs)
    anchor = model._anchor_arrays()
    batches = _mini_batches(model, train, epoch_data, extra_callbacks)
    losses, smoothed = [], []
    average, best, diverged = 0.0, np.inf, False
    for step, rate in enumerate(rates):
        batch = next(batches)
        config = model._train_config(float(rate), _step_seed(model._seed_, step), n_threads)
        config.batch_size = batch.X.shape[0]  # the engine's epoch is then this one step
        loss = float(network.train_epoch(batch, config, anchor)[0])
        if not np.isfinite(loss):
            diverged = True
            break
        average = smoothing * average + (1 - smoothing) * loss
        losses.append(loss)
        smoothed.append(average / (1 - smoothing ** (step + 1)))
        best = min(best, smoothed[-1])
        if smoothed[-1] > diverge_threshold * best:
            diverged = True
            break
    if not losses:
        raise ValueError(
            f"{type(model).__name__}: the training loss was not finite at the first step (learning rate "
            f"{rates[0]:.3g}); scale the inputs or lower start_lr"
        )
    return rates[: len(losses)].copy(), np.asarray(losses), np.asarray(smoothed), diverged


def suggest(rates: np.ndarray, smoothed: np.ndarray, diverged: bool, planned_steps: int) -> float:
    """The rate at the smoothed loss's minimum past the first tenth of the
    planned steps, over 10 (see LRFinderResult.suggestion), with a warning
    when the curve does not bracket a minimum."""
    skip = min(planned_steps // 10, len(smoothed) - 1)
    lowest = skip + int(np.argmin(smoothed[skip:]))
    # stacklevel: this function, find_learning_rate, lr_find, the caller.
    if lowest == skip:
        warnings.warn(
            f"lr_find: the smoothed loss was lowest at the start of the range (rate {rates[lowest]:.3g}), so the "
            "suggestion is a guess. Try a lower start_lr, or check the data and the model",
            RuntimeWarning, stacklevel=4)
    elif lowest == len(smoothed) - 1 and not diverged:
        warnings.warn(
            f"lr_find: the loss was still falling at the last rate ({rates[-1]:.3g}); raise end_lr to find "
            "where it turns up", RuntimeWarning, stacklevel=4)
    return float(rates[lowest] / 10)


def _step_seed(base_seed: int, step: int) -> int:
    """The engine's seed (dropout masks) for one step of the range test."""
    sequence = np.random.SeedSequence([base_seed, LR_FINDER_STREAM, step])
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


def _mini_batches(model, train, epoch_data, extra_callbacks):
    """Mini-batches of the training rows, pass after pass over them (each
    pass shuffled unless `shuffle=False`), for as many steps as asked.

    A pass starts as an epoch of fit would: the epoch's data (augmented)
    and the callbacks that prepare it (a denoising autoencoder's noise).
    Every batch has the same size (the last partial one of a pass is left
    out), so that the losses of the steps are comparable; batches without
    weight teach nothing and are left out too."""
    rng = np.random.default_rng((model._seed_, LR_FINDER_STREAM))
    n = train.X.shape[0]
    size = min(int(model.batch_size), n)
    for epoch in range(np.iinfo(np.int64).max):
        for callback in extra_callbacks:
            callback.on_epoch_begin(model, epoch, {})
        data = train if epoch_data is None else epoch_data(epoch)
        order = rng.permutation(n) if model.shuffle else np.arange(n)
        taken = 0
        for start in range(0, n - size + 1, size):
            rows = order[start:start + size]
            weight = data.weight[rows]
            if not weight.sum() > 0:
                continue
            taken += 1
            yield dataclasses.replace(data, X=data.X[rows], targets=data.targets[rows], weight=weight, derived={})
        if not taken:
            raise ValueError(f"every mini-batch of {size} rows has zero total sample_weight; there is nothing to "
                             "learn from")
