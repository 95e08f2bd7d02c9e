"""EpisodeHistory: the History of a reinforcement learner.

Like every History it holds one row of logs per round of the training
driver (a chunk of environment steps: loss, mean_return, timesteps,
epoch_time, ...). Besides, it keeps every finished training episode's
return and length: ``history["episode_return"]`` and
``history["episode_length"]`` are NumPy arrays with one value per episode
(they are long, so arrays rather than lists), and :meth:`diagnose` and
:meth:`plot` judge and draw those returns.
"""

from __future__ import annotations

import numpy as np

from zoo.nn._diagnosis import Diagnosis, _num
from zoo.nn.history import History

EPISODE_KEYS = ("episode_return", "episode_length")

# Thresholds of EpisodeHistory.diagnose; its docstring states the rules.
_MIN_EPISODES = 10
_WINDOW_SHARE, _WINDOW_MIN = 0.1, 5
_SIGNIFICANT = 4.0   # standard errors of a smoothed return: what counts as a real change
_COLLAPSE = 0.5      # of the gain from the start: what a fall from the best must lose
_STILL_RISING = 0.1  # of the whole gain, made within the last fifth of the episodes

_SUGGESTIONS = {
    "too short": ["train for more timesteps: at least 10 finished episodes are needed to judge"],
    "not learning": [
        "train longer; check the reward signal and the observation scale",
        "try a larger learning rate, or more exploration (a longer exploration_fraction, an entropy bonus)",
    ],
    "learning": ["returns are still rising: more timesteps should help"],
    "plateaued": [
        "returns stopped improving: lower the learning rate or decay it, or use a larger network",
        "if the plateau is the best return the environment allows, training is done",
    ],
    "collapsed": [
        "returns fell well below their best: lower the learning rate, clip gradients (max_grad_norm)",
        "for DQN a larger buffer or a slower target update (target_update_interval, tau) often helps",
        "keep the best policy with a checkpoint callback",
    ],
}


class EpisodeHistory(History):
    """A reinforcement learner's History: per-round logs plus every episode.

    Examples
    --------
    >>> h = EpisodeHistory()
    >>> h.add_episodes([9.0, 11.0], [9, 11])
    >>> h["episode_return"], h.n_episodes
    (array([ 9., 11.]), 2)
    """

    kind = "episodes"

    def __init__(self, baseline=None):
        super().__init__(baseline)
        self._returns = np.zeros(0)
        self._lengths = np.zeros(0, dtype=np.int64)

    def add_episodes(self, returns, lengths) -> None:
        """Record finished episodes (their returns and lengths, in order)."""
        returns = np.asarray(returns, dtype=np.float64).reshape(-1)
        lengths = np.asarray(lengths, dtype=np.int64).reshape(-1)
        if returns.shape != lengths.shape:
            raise ValueError(f"{returns.size} episode returns but {lengths.size} lengths")
        self._returns = np.concatenate([self._returns, returns])
        self._lengths = np.concatenate([self._lengths, lengths])

    def recent(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The returns and lengths of the last `n` episodes (copies of the
        tail only: the training driver reads them after every chunk)."""
        return self._returns[-n:].copy(), self._lengths[-n:].copy()

    @property
    def n_episodes(self) -> int:
        return int(self._returns.size)

    def __getitem__(self, key):
        if key == "episode_return":
            return self._returns.copy()
        if key == "episode_length":
            return self._lengths.copy()
        return super().__getitem__(key)

    def __contains__(self, key):
        return key in EPISODE_KEYS or super().__contains__(key)

    def __repr__(self):
        if self.n_episodes == 0:
            return f"EpisodeHistory({len(self)} rounds, no finished episode)"
        window = self._returns[-100:]
        return (f"EpisodeHistory({len(self)} rounds, {self.n_episodes} episodes: mean return of the last "
                f"{window.size} {_num(window.mean())})")

    # -- persistence --------------------------------------------------------

    def to_dict(self):
        return {**super().to_dict(), "kind": self.kind,
                "episode_return": self._returns, "episode_length": self._lengths}

    @classmethod
    def from_dict(cls, data):
        """Rebuild from :meth:`to_dict` output; a plain dict of the two
        episode arrays (what learners saved before EpisodeHistory) works too."""
        if not isinstance(data, dict):
            raise ValueError("EpisodeHistory.from_dict expects a dict.")
        history = super().from_dict(data) if "metrics" in data else cls()
        returns, lengths = data.get("episode_return"), data.get("episode_length")
        returns = np.zeros(0) if returns is None else np.asarray(returns)
        lengths = np.zeros(0, dtype=np.int64) if lengths is None else np.asarray(lengths)
        if returns.ndim != 1 or lengths.ndim != 1 or returns.size != lengths.size \
                or not np.issubdtype(lengths.dtype, np.integer):
            raise ValueError("EpisodeHistory: episode_return and episode_length must be 1-D arrays of equal "
                             "length, the lengths integers")
        history.add_episodes(returns, lengths)
        return history

    # -- analysis -------------------------------------------------------------

    def moving_average(self, window: int | None = None) -> np.ndarray:
        """Mean return over the last `window` episodes at each episode
        (fewer at the start); by default a tenth of the episodes, at least 5."""
        window = window or max(_WINDOW_MIN, int(_WINDOW_SHARE * self.n_episodes))
        sums = np.cumsum(np.concatenate([[0.0], self._returns]))
        ends = np.arange(1, self.n_episodes + 1)
        starts = np.maximum(0, ends - window)
        return (sums[ends] - sums[starts]) / (ends - starts)

    def diagnose(self):
        """Judge the episode returns: learning, plateaued, collapsed, ...

        The returns are smoothed by :meth:`moving_average`; "significant"
        means more than 4 standard errors of a smoothed value (the returns'
        scatter about the moving average over the square root of its
        window), so that noise alone is not read as a trend. The checks run
        in this order:

        1. **too short**: fewer than 10 finished episodes.
        2. **not learning**: neither the final nor the best smoothed return
           is significantly above the first.
        3. **collapsed**: the best smoothed return lies significantly above
           the final one, which has lost at least half of the gain from the
           start to the best.
        4. **learning**: in the last fifth of the episodes the smoothed
           return rose significantly, by at least a tenth of the whole gain:
           returns are still rising.
        5. **plateaued**: otherwise; the gain came earlier and has held.

        Returns
        -------
        Diagnosis
        """
        n = self.n_episodes
        if n < _MIN_EPISODES:
            return Diagnosis("too short", [f"only {n} finished episode{'s' if n != 1 else ''}; judging the "
                                           f"returns needs at least {_MIN_EPISODES}"], list(_SUGGESTIONS["too short"]))
        smooth = self.moving_average()
        window = max(_WINDOW_MIN, int(_WINDOW_SHARE * n))
        # The noise of one smoothed value: the returns' scatter about the
        # moving average, over the square root of the window.
        scatter = float(np.std(self._returns - smooth))
        significant = max(_SIGNIFICANT * scatter / np.sqrt(window), 1e-12)
        first, final = smooth[min(window, n) - 1], smooth[-1]
        best_at = int(np.argmax(smooth))
        best = smooth[best_at]
        said = (f"mean return over {window} episodes: {_num(first)} at the start, best {_num(best)} "
                f"(episode {best_at + 1}), {_num(final)} at the end ({n} episodes)")
        if not final - first > significant and not best - first > significant:
            return Diagnosis("not learning", [said], list(_SUGGESTIONS["not learning"]))
        if best - final > significant and final - first <= (1 - _COLLAPSE) * (best - first):
            return Diagnosis("collapsed", [said], list(_SUGGESTIONS["collapsed"]))
        recent = smooth[n - max(1, n // 5) - 1]  # just before the last fifth
        gain = final - first
        if gain > 0 and final - recent >= _STILL_RISING * gain and final - recent > significant:
            return Diagnosis("learning", [said + f"; {_num(final - recent)} of the gain came in the last fifth"],
                             list(_SUGGESTIONS["learning"]))
        return Diagnosis("plateaued", [said], list(_SUGGESTIONS["plateaued"]))

    def plot(self, ax=None, metrics=None):
        """Episode returns against the environment steps taken, with their
        moving average (matplotlib). `metrics` is accepted for History's
        signature; per-round logs are plotted by History.plot(self, ...)."""
        if metrics is not None:
            return History.plot(self, ax, metrics)
        try:
            import matplotlib.pyplot as plt  # noqa: PLC0415  (optional dependency)
        except ImportError as exc:
            raise ImportError("EpisodeHistory.plot needs matplotlib, which is not installed; "
                              "install it with `pip install matplotlib`.") from exc
        if ax is None:
            _, ax = plt.subplots()
        steps = np.cumsum(self._lengths)
        ax.plot(steps, self._returns, ".", alpha=0.3, label="episode return")
        if self.n_episodes:
            ax.plot(steps, self.moving_average(), label="moving average")
        ax.set_xlabel("environment steps")
        ax.set_ylabel("return")
        ax.legend(loc="best")
        return ax
