"""The experience replay buffer (Lin 1992; Mnih et al. 2015): a ring of
transitions in NumPy arrays, written and sampled by C++ (cpp/src/rl/dqn.cpp)."""

from __future__ import annotations

import numpy as np

from zoo import _core


class ReplayBuffer:
    """`capacity` transitions of `obs_size` float32 observations.

    `terminated` is 1 only where the MDP ended the episode; a time limit is
    stored as 0 so that learning still bootstraps from the next state.
    """

    def __init__(self, capacity: int, obs_size: int):
        self.observations = np.zeros((capacity, obs_size), dtype=np.float32)
        self.next_observations = np.zeros((capacity, obs_size), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.terminated = np.zeros(capacity, dtype=np.float32)
        self.meta = np.zeros(2, dtype=np.int64)  # next write position, number stored

    def __len__(self) -> int:
        return int(self.meta[1])

    def arrays(self) -> tuple:
        return (self.observations, self.next_observations, self.actions, self.rewards, self.terminated, self.meta)

    def view(self) -> "_core.ReplayBuffer":
        """The arrays as the C++ kernels take them (zero-copy)."""
        return _core.ReplayBuffer(*self.arrays())

    def add(self, obs, next_obs, action, reward, terminated) -> None:
        self.view().add(np.asarray(obs, dtype=np.float32).ravel(), np.asarray(next_obs, dtype=np.float32).ravel(),
                        int(action), float(reward), bool(terminated))
