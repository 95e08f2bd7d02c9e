"""Copies of a native environment with their running episodes: the arrays a
learner's C++ loop carries between chunks -- each copy's state record,
current observation, elapsed steps and running return. The learner owns
them and saves them, so a loaded learner carries on its episodes exactly.
"""

from __future__ import annotations

import numpy as np

from zoo import _core
from zoo.envs import native as native_envs


class NativeEpisode:
    """`n_copies` copies of a native environment, copy i first reset with seed + i."""

    def __init__(self, core, seed: int, n_copies: int = 1):
        self.env_states = native_envs.new_state(core, n_copies)
        self.observations = np.zeros((n_copies, core.observation_size), dtype=np.float32)
        self.elapsed = np.zeros(n_copies, dtype=np.int64)
        self.episode_returns = np.zeros(n_copies, dtype=np.float64)
        # As Stable-Baselines3's make_vec_env: copy i is seeded with seed + i.
        for i in range(n_copies):
            native_envs.reset(core, self.env_states[i], self.observations[i], seed=seed + i)

    @classmethod
    def from_arrays(cls, env_states, observations, elapsed, episode_returns) -> "NativeEpisode":
        """Copies restored from saved arrays (see arrays()); a single copy may
        come as 1-D arrays, as zoo 0.1 saved it."""
        episode = cls.__new__(cls)
        episode.env_states = np.array(env_states, dtype=np.uint64, ndmin=2)
        episode.observations = np.array(observations, dtype=np.float32, ndmin=2)
        episode.elapsed = np.array(elapsed, dtype=np.int64).reshape(-1)
        episode.episode_returns = np.array(episode_returns, dtype=np.float64).reshape(-1)
        return episode

    def arrays(self) -> tuple:
        return (self.env_states, self.observations, self.elapsed, self.episode_returns)

    def fits(self, core, n_copies: int) -> bool:
        return self.env_states.shape == (n_copies, core.state_bytes // 8)

    def copies(self, core, max_episode_steps: int | None) -> "_core.NativeEnvCopies":
        """The view the C++ loops step, over these arrays."""
        return _core.NativeEnvCopies(core, *self.arrays(), int(max_episode_steps or 0))

    @classmethod
    def resume_or_start(cls, model, handle, n_copies: int = 1) -> "NativeEpisode":
        """The learner's episodes in progress (a continued fit on the same
        environment carries on from them), or new ones seeded from the
        learner's random_state."""
        episode = getattr(model, "_episode", None)
        if episode is None or not episode.fits(handle.core, n_copies):
            episode = cls(handle.core, model._episode_seed, n_copies)
            model._episode = episode
        return episode
