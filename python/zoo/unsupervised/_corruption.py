"""The denoising autoencoder's corruption (Vincent et al. 2008): a noisy
copy of the training inputs, redrawn before every epoch, while the clean
inputs stay the targets."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from zoo.nn.callbacks import Callback

NOISES = ("gaussian", "mask")
_NOISE_STREAM = 0xD0152E  # the corruption's draws, apart from the engine's shuffles and dropout
_NOISE_BLOCK = 8192  # rows per noise stream


class Corruption(Callback):
    """Refills the noisy copy of the training inputs before every epoch.

    The noise of epoch e is drawn from (model seed, e), so a resumed or
    warm-started run corrupts exactly as an uninterrupted one would. Blocks
    of _NOISE_BLOCK rows draw from their own streams, filled in parallel
    (NumPy releases the GIL while filling): the result does not depend on
    the number of threads.
    """

    def __init__(self, clean: np.ndarray, noisy: np.ndarray, kind: str, level: float, n_threads: int):
        self.clean, self.noisy, self.kind, self.level = clean, noisy, kind, level
        self.n_threads = n_threads

    def on_epoch_begin(self, model, epoch, logs):
        starts = range(0, self.clean.shape[0], _NOISE_BLOCK)

        def fill(start):
            self._fill(start, np.random.default_rng([model._seed_, epoch, _NOISE_STREAM, start]))

        if self.n_threads > 1 and len(starts) > 1:
            with ThreadPoolExecutor(self.n_threads) as pool:
                list(pool.map(fill, starts))
        else:
            for start in starts:
                fill(start)

    def _fill(self, start, rng):
        rows = slice(start, start + _NOISE_BLOCK)
        clean, noisy = self.clean[rows], self.noisy[rows]
        if self.kind == "gaussian":
            rng.standard_normal(dtype=noisy.dtype, out=noisy)
            noisy *= noisy.dtype.type(self.level)
            noisy += clean
        else:  # masking noise: each input is zeroed with probability `level`
            keep = rng.random(clean.shape, dtype=noisy.dtype) >= self.level
            np.multiply(clean, keep, out=noisy)
