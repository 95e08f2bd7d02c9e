"""Reinforcement learners: fit(env, total_timesteps), predict, evaluate."""

from zoo.rl.dqn import DQN
from zoo.rl.q_learning import QLearning

__all__ = ["DQN", "QLearning"]
