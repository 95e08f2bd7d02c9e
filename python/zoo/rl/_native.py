"""A native environment's running episode, as the arrays C++ loops carry
between chunks: the environment's state record, the current observation,
the episode's elapsed steps and its running return."""

from __future__ import annotations

import numpy as np

from zoo.envs import native as native_envs


class NativeEpisode:
    def __init__(self, core, seed: int):
        self.env_state = native_envs.new_state(core)
        self.observation = np.zeros(core.observation_size, dtype=np.float32)
        self.counters = np.zeros(1, dtype=np.int64)
        self.episode_return = np.zeros(1, dtype=np.float64)
        native_envs.reset(core, self.env_state, self.observation, seed=seed)

    @classmethod
    def from_arrays(cls, env_state, observation, counters, episode_return) -> "NativeEpisode":
        """An episode restored from saved arrays (see arrays())."""
        episode = cls.__new__(cls)
        episode.env_state = np.array(env_state, dtype=np.uint64)
        episode.observation = np.array(observation, dtype=np.float32)
        episode.counters = np.array(counters, dtype=np.int64).reshape(1)
        episode.episode_return = np.array(episode_return, dtype=np.float64).reshape(1)
        return episode

    def arrays(self) -> tuple:
        return (self.env_state, self.observation, self.counters, self.episode_return)

    @classmethod
    def resume_or_start(cls, model, handle) -> "NativeEpisode":
        """The learner's episode in progress (a continued fit on the same
        environment carries on from it), or a new one seeded from the
        learner's random_state."""
        episode = getattr(model, "_episode", None)
        if episode is None or episode.env_state.shape != native_envs.new_state(handle.core).shape:
            episode = cls(handle.core, model._episode_seed)
            model._episode = episode
        return episode
