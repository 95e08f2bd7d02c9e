"""Turning a learner's `env` argument into something it can run.

`env` is a gymnasium id string or any gymnasium `Env`. An id that zoo
implements natively ("CartPole-v1" or "zoo/CartPole-v1") gives the C++
kernel, so a learner can run its whole loop in C++; any other id is made by
gymnasium, and a Python `Env` is stepped from Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium
import numpy as np
from gymnasium import spaces

from zoo import envs as zoo_envs


@dataclass
class EnvHandle:
    """What a learner needs to know about its environment."""

    observation_space: spaces.Space
    action_space: spaces.Space
    max_episode_steps: int | None
    core: object | None = None   # the C++ kernel (zoo._core.Env) when zoo has it natively
    gym_env: gymnasium.Env | None = None
    owned: bool = False          # made here from an id, so closed here

    @property
    def native(self) -> bool:
        return self.core is not None

    def close(self) -> None:
        if self.owned and self.gym_env is not None:
            self.gym_env.close()


def resolve_env(env, *, prefer_native: bool = True) -> EnvHandle:
    """An EnvHandle for an id string or a gymnasium Env."""
    if isinstance(env, str):
        if prefer_native:
            native = zoo_envs.native_env(env)
            if native is not None:
                return EnvHandle(native.observation_space, native.action_space, native.max_episode_steps,
                                 core=native.core)
        try:
            made = gymnasium.make(env)
        except gymnasium.error.Error as error:
            raise ValueError(f"env: gymnasium cannot make {env!r}: {error}") from error
        spec = made.spec
        return EnvHandle(made.observation_space, made.action_space,
                         spec.max_episode_steps if spec else None, gym_env=made, owned=True)
    if isinstance(env, gymnasium.Env):
        spec = getattr(env, "spec", None)
        return EnvHandle(env.observation_space, env.action_space,
                         spec.max_episode_steps if spec else None, gym_env=env)
    raise TypeError(f"env must be a gymnasium id string or a gymnasium.Env, got {type(env).__name__}")


def describe_space(space) -> str:
    return f"{type(space).__name__}{getattr(space, 'shape', '')}"


def require_box_observations(owner, space) -> int:
    """The flat size of a Box observation space, or a clear error."""
    if isinstance(space, spaces.Box) and space.shape and np.issubdtype(space.dtype, np.floating):
        return int(np.prod(space.shape))
    raise ValueError(f"{type(owner).__name__} needs a Box observation space of floats; "
                     f"this environment has {describe_space(space)}")


def require_discrete(owner, space, what: str) -> int:
    if isinstance(space, spaces.Discrete) and int(space.start) == 0:
        return int(space.n)
    raise ValueError(f"{type(owner).__name__} needs a Discrete {what} space starting at 0; "
                     f"this environment has {describe_space(space)}")
