"""Turning a learner's `env` argument into what its C++ loop steps.

`env` is a gymnasium id string or any gymnasium `Env`. An id that zoo
implements natively ("CartPole-v1" or "zoo/CartPole-v1") gives the C++
kernel, whose copies live in state records the learner owns; any other id
is made by gymnasium, and a Python `Env` is stepped from the same C++ loop
through zoo._core.PythonEnvCopies (cpp/bindings/bind_env_copies.cpp).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gymnasium
import numpy as np
from gymnasium import spaces

from zoo import _core
from zoo import envs as zoo_envs
from zoo.rl._native import NativeEpisode


@dataclass
class EnvHandle:
    """What a learner needs to know about its environment."""

    observation_space: spaces.Space
    action_space: spaces.Space
    max_episode_steps: int | None
    core: object | None = None   # the C++ kernel (zoo._core.Env) when zoo has it natively
    gym_env: gymnasium.Env | None = None
    owned: bool = False          # made here from an id, so closed here
    made: list = field(default_factory=list)  # copies made from gym_env's spec, closed here
    env_id: str | None = None    # the id the environment was made from, if any

    @property
    def native(self) -> bool:
        return self.core is not None

    def gym_copies(self, n: int) -> list:
        """`n` Python environments: gym_env, then copies made from its spec."""
        if n > 1 and getattr(self.gym_env, "spec", None) is None:
            raise ValueError(f"n_envs={n} needs copies of the environment, made from its spec, and this environment "
                             "has none; pass a gymnasium id or n_envs=1")
        made = [gymnasium.make(self.gym_env.spec) for _ in range(n - 1)]
        self.made.extend(made)
        return [self.gym_env, *made]

    def evaluation_env(self):
        """An environment to play greedy episodes in beside training: the id
        (made afresh for each evaluation), or a copy made from the spec."""
        if self.env_id is not None:
            return self.env_id
        if getattr(self.gym_env, "spec", None) is None:
            raise ValueError("eval_interval needs a separate copy of the environment to evaluate in, made from its "
                             "spec, and this environment has none; pass a gymnasium id or eval_interval=None")
        copy = gymnasium.make(self.gym_env.spec)
        self.made.append(copy)
        return copy

    def close(self) -> None:
        for env in self.made:
            env.close()
        self.made.clear()
        if self.owned and self.gym_env is not None:
            self.gym_env.close()


def resolve_env(env, *, prefer_native: bool = True) -> EnvHandle:
    """An EnvHandle for an id string or a gymnasium Env."""
    if isinstance(env, str):
        if prefer_native:
            native = zoo_envs.native_env(env)
            if native is not None:
                return EnvHandle(native.observation_space, native.action_space, native.max_episode_steps,
                                 core=native.core, env_id=env)
        try:
            made = gymnasium.make(env)
        except gymnasium.error.Error as error:
            raise ValueError(f"env: gymnasium cannot make {env!r}: {error}") from error
        spec = made.spec
        return EnvHandle(made.observation_space, made.action_space,
                         spec.max_episode_steps if spec else None, gym_env=made, owned=True, env_id=env)
    if isinstance(env, gymnasium.Env):
        spec = getattr(env, "spec", None)
        return EnvHandle(env.observation_space, env.action_space,
                         spec.max_episode_steps if spec else None, gym_env=env)
    raise TypeError(f"env must be a gymnasium id string or a gymnasium.Env, got {type(env).__name__}")


def describe_space(space) -> str:
    """A gymnasium space on one readable line, for error messages:
    Discrete(16), Box(0, 255, (96, 96, 3), uint8),
    Tuple(Discrete(32), Discrete(11), Discrete(2)), Dict('position': Box(...)), ...

    gymnasium's own str() is close, but prints a Box's per-element bounds
    as whole NumPy arrays (over several lines for an image) and
    MultiDiscrete's sizes without commas."""
    if isinstance(space, spaces.Box):
        return f"Box({_bounds(space.low)}, {_bounds(space.high)}, {space.shape}, {space.dtype})"
    if isinstance(space, spaces.Tuple):
        return f"Tuple({', '.join(describe_space(part) for part in space.spaces)})"
    if isinstance(space, spaces.Dict):
        return f"Dict({', '.join(f'{key!r}: {describe_space(part)}' for key, part in space.spaces.items())})"
    if isinstance(space, spaces.MultiDiscrete):
        start = getattr(space, "start", None)  # gymnasium >= 1.0
        shifted = start is not None and np.any(start != 0)
        return f"MultiDiscrete({space.nvec.tolist()}" + (f", start={start.tolist()})" if shifted else ")")
    if isinstance(space, spaces.MultiBinary):
        return f"MultiBinary({list(space.shape) if len(space.shape) > 1 else space.shape[0]})"
    if isinstance(space, spaces.Space):
        # Discrete(16), Discrete(3, start=1), Text(...), Graph(...), Sequence(...)
        text = " ".join(str(space).split())
        return text if len(text) <= 120 else text[:117] + "..."
    return f"{type(space).__name__} (not a gymnasium space)"


def _bounds(values: np.ndarray) -> str:
    """A Box's low or high: one number when every element shares it, else the
    elements (the first and last three of a long Box)."""
    flat = np.asarray(values).ravel()
    if flat.size and np.all(flat == flat[0]):
        return str(flat[0])
    shown = [str(v) for v in flat] if flat.size <= 8 else [*map(str, flat[:3]), "...", *map(str, flat[-3:])]
    return f"[{', '.join(shown)}]"


def require_box_observations(owner, space) -> int:
    """The flat size of a Box observation space, or a clear error."""
    if isinstance(space, spaces.Box) and space.shape and np.issubdtype(space.dtype, np.floating):
        return int(np.prod(space.shape))
    if isinstance(space, spaces.Box) and space.shape:
        hint = "; gymnasium.wrappers.DtypeObservation(env, np.float32) gives its observations as floats"
    elif isinstance(space, (spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary, spaces.Tuple, spaces.Dict)):
        hint = ("; DtypeObservation(FlattenObservation(env), np.float32), from gymnasium.wrappers, "
                "makes it a Box of floats")
        if isinstance(space, spaces.Discrete):
            hint += ", and QLearning learns Discrete observations as they are"
    else:
        hint = ""
    raise ValueError(f"{type(owner).__name__} needs a Box observation space of floats; "
                     f"this environment has {describe_space(space)}{hint}")


def require_discrete(owner, space, what: str) -> int:
    if isinstance(space, spaces.Discrete) and int(space.start) == 0:
        return int(space.n)
    hint = ""
    if isinstance(space, spaces.Box):
        hint = (" (DQN, REINFORCE and ActorCritic learn from Box observations)" if what == "observation"
                else " (REINFORCE and ActorCritic learn continuous actions)")
    raise ValueError(f"{type(owner).__name__} needs a Discrete {what} space starting at 0; "
                     f"this environment has {describe_space(space)}{hint}")


def loop_copies(model, handle: EnvHandle, n_copies: int = 1):
    """The copies of the environment that the learner's C++ loop steps, and
    whether their episodes start afresh (False: a native fit carries on the
    learner's episodes in progress).

    Seeding is the same for both kinds: a fresh learner first resets copy i
    with its episode seed + i; later resets continue each copy's generator.
    A Python environment's episodes last one fit; a continued fit resets it
    without a seed (the copies it makes from the spec are new, so they get
    seeds drawn from the learner's)."""
    if handle.native:
        previous = getattr(model, "_episode", None)
        episode = NativeEpisode.resume_or_start(model, handle, n_copies)
        return episode.copies(handle.core, handle.max_episode_steps), episode is not previous
    model._episode = None  # native episodes in progress end here: the learner moves on with these
    envs = handle.gym_copies(n_copies)
    seed = int(model._episode_seed)
    if model.num_timesteps_ == 0:
        seeds = [seed + i for i in range(n_copies)]
    else:
        fresh = np.random.SeedSequence([seed, int(model.num_timesteps_)]).generate_state(n_copies)
        seeds = [None, *map(int, fresh[1:])]
    observations, actions = handle.observation_space, handle.action_space
    spaces_ = {"observation_size": int(np.prod(observations.shape)) if isinstance(observations, spaces.Box) else 1,
               "n_states": int(observations.n) if isinstance(observations, spaces.Discrete) else 0}
    if isinstance(actions, spaces.Discrete):
        spaces_["n_actions"] = int(actions.n)
    else:
        spaces_["action_low"] = np.asarray(actions.low, dtype=np.float32).ravel().tolist()
        spaces_["action_high"] = np.asarray(actions.high, dtype=np.float32).ravel().tolist()
    return _core.PythonEnvCopies(envs, seeds, **spaces_), True
