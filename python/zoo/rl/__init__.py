"""Reinforcement learners: fit(env, total_timesteps), predict, evaluate."""

from zoo.rl.actor_critic import ActorCritic
from zoo.rl.dqn import DQN
from zoo.rl.q_learning import QLearning
from zoo.rl.reinforce import REINFORCE

__all__ = ["ActorCritic", "DQN", "QLearning", "REINFORCE"]
