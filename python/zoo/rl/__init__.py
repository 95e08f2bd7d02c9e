"""Reinforcement learners: fit(env, total_timesteps), predict, evaluate."""

from zoo.rl.dqn import DQN

__all__ = ["DQN"]
