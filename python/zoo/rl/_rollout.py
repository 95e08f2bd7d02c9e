"""Playing a learner's policy in an environment from Python: evaluation,
and the stepping loop of learners trained on Python gymnasium environments."""

from __future__ import annotations

import gymnasium
import numpy as np

from zoo import envs as zoo_envs


def make_for_play(env):
    """A gymnasium Env to play in (zoo's native one for ids zoo has), and
    whether it was made here (so is closed here)."""
    if isinstance(env, str):
        native_id = zoo_envs.native_id(env)
        return gymnasium.make(native_id or env), True
    if isinstance(env, gymnasium.Env):
        return env, False
    raise TypeError(f"env must be a gymnasium id string or a gymnasium.Env, got {type(env).__name__}")


def play_episodes(model, env, n_episodes: int, seed, deterministic: bool) -> np.ndarray:
    env, owned = make_for_play(env)
    if env.observation_space != model.observation_space_ or env.action_space != model.action_space_:
        raise ValueError(f"this environment's spaces ({env.observation_space}, {env.action_space}) differ "
                         f"from those the learner was fitted on")
    returns = np.zeros(n_episodes)
    try:
        for episode in range(n_episodes):
            obs, _ = env.reset(seed=seed if episode == 0 else None)
            total, done = 0.0, False
            while not done:
                batch, _ = model._observation_batch(obs)
                action = model._act(batch, deterministic)[0]
                obs, reward, terminated, truncated, _ = env.step(action)
                total += float(reward)
                done = terminated or truncated
            returns[episode] = total
    finally:
        if owned:
            env.close()
    return returns
