"""Playing a learner's policy in an environment from Python, for evaluation
(training runs in each learner's C++ loop, on either kind of environment)."""

from __future__ import annotations

import warnings

import gymnasium
import numpy as np

from zoo import envs as zoo_envs
from zoo.rl._env import describe_space


def make_for_play(env):
    """A gymnasium Env to play in (zoo's native one for ids zoo has), and
    whether it was made here (so is closed here)."""
    if isinstance(env, str):
        native_id = zoo_envs.native_id(env)
        return gymnasium.make(native_id or env), True
    if isinstance(env, gymnasium.Env):
        return env, False
    raise TypeError(f"env must be a gymnasium id string or a gymnasium.Env, got {type(env).__name__}")


# Evaluation's step cap for environments that never truncate an episode
# themselves (no TimeLimit): without one, a policy that never reaches a
# terminal state (CliffWalking walked into a wall) would loop forever.
DEFAULT_EVALUATION_STEPS = 10_000


def play_episodes(model, env, n_episodes: int, seed, deterministic: bool, max_episode_steps=None) -> np.ndarray:
    env, owned = make_for_play(env)
    if env.observation_space != model.observation_space_ or env.action_space != model.action_space_:
        raise ValueError(f"this environment's spaces ({describe_space(env.observation_space)}, "
                         f"{describe_space(env.action_space)}) differ "
                         f"from those the learner was fitted on")
    cap = max_episode_steps
    if cap is None:
        cap = None if env.spec is not None and env.spec.max_episode_steps else DEFAULT_EVALUATION_STEPS
    returns = np.zeros(n_episodes)
    cut = 0
    try:
        for episode in range(n_episodes):
            obs, _ = env.reset(seed=seed if episode == 0 else None)
            total, done, steps = 0.0, False, 0
            while not done:
                action = model._act(model._environment_observation(obs), deterministic)[0]
                obs, reward, terminated, truncated, _ = env.step(action)
                total += float(reward)
                steps += 1
                done = terminated or truncated
                if not done and cap is not None and steps >= cap:
                    cut += 1
                    done = True
            returns[episode] = total
    finally:
        if owned:
            env.close()
    if cut:
        warnings.warn(
            f"{cut} of {n_episodes} evaluation episodes were cut at max_episode_steps={cap} without ending; "
            "their returns cover only those steps",
            RuntimeWarning,
            stacklevel=4,
        )
    return returns
