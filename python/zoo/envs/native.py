"""zoo's native environments as the learners see them: C++ kernels plus state records.

A kernel (``zoo._core.Env``: ``CartPole``, ``FrozenLake``, ...) holds only
fixed configuration. Each copy of an environment is a ``uint64`` record
(``new_state``) that begins with the copy's NumPy generator -- PCG64's
128-bit state and increment as high/low words, then the buffered 32-bit half
and its flag in one word -- followed by the environment's own variables and,
for the classic-control ones, its physical constants (zoo.envs.physics).

``native_env(id)`` answers whether zoo implements a gymnasium id natively
and, if so, gives the kernel and the spaces, so that a learner can run its
whole loop in C++ on records it owns.
"""

from __future__ import annotations

import importlib
import numbers
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.error import Error as GymnasiumError

from zoo import _core

__all__ = [
    "NativeEnv",
    "checked_seed",
    "fresh_entropy",
    "generator_of",
    "is_native",
    "is_seeded",
    "native_env",
    "native_id",
    "new_state",
    "reset",
    "seed_words",
    "store_generator",
]

RNG_WORDS = 5
_LOW_64 = (1 << 64) - 1

# gymnasium's registrations that zoo reproduces, under "zoo/<id>": entry
# point in zoo.envs, then kwargs, max_episode_steps and reward_threshold
# exactly as gymnasium 1.4 registers the id without the prefix.
REGISTRATIONS: dict[str, tuple[str, dict[str, Any], int | None, float | None]] = {
    "CartPole-v1": ("zoo.envs.classic_control:CartPoleEnv", {}, 500, 475.0),
    "MountainCar-v0": ("zoo.envs.classic_control:MountainCarEnv", {}, 200, -110.0),
    "Acrobot-v1": ("zoo.envs.classic_control:AcrobotEnv", {}, 500, -100.0),
    "FrozenLake-v1": ("zoo.envs.toy_text:FrozenLakeEnv", {"map_name": "4x4"}, 100, 0.70),
    "FrozenLake8x8-v1": ("zoo.envs.toy_text:FrozenLakeEnv", {"map_name": "8x8"}, 200, 0.85),
    "Taxi-v4": ("zoo.envs.toy_text:TaxiEnv", {}, 200, 8),
    "CliffWalking-v1": ("zoo.envs.toy_text:CliffWalkingEnv", {}, None, None),
    "CliffWalkingSlippery-v1": ("zoo.envs.toy_text:CliffWalkingEnv", {"is_slippery": True}, None, None),
}
PREFIX = "zoo/"
# gymnasium.make_vec("zoo/<id>", n) builds these (zoo's C++ vector driver)
# instead of a SyncVectorEnv of Python copies.
VECTOR_ENTRY_POINTS = {
    "CartPole-v1": "zoo.envs.vector:CartPoleVectorEnv",
    "MountainCar-v0": "zoo.envs.vector:MountainCarVectorEnv",
    "Acrobot-v1": "zoo.envs.vector:AcrobotVectorEnv",
}


# -- seeds and the record's generator ---------------------------------------------
def checked_seed(seed: Any) -> int:
    """gymnasium's rule for a seed (seeding.np_random): a non-negative Python int."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise GymnasiumError(f"Seed must be a python integer, actual type: {type(seed)}")
    if seed < 0:
        raise GymnasiumError(f"Seed must be greater or equal to zero, actual value: {seed}")
    return seed


def seed_words(seed: int) -> list[int]:
    """The little-endian 32-bit words NumPy's SeedSequence makes of an int (0 -> [0])."""
    words = [seed & 0xFFFFFFFF]
    seed >>= 32
    while seed:
        words.append(seed & 0xFFFFFFFF)
        seed >>= 32
    return words


def fresh_entropy() -> int:
    """What np.random.SeedSequence() draws from the OS when no seed is given."""
    return int(np.random.SeedSequence().entropy)


def is_seeded(record: np.ndarray) -> bool:
    # PCG64's increment is odd once seeded; a zeroed record's is 0.
    return bool(int(record[3]) & 1)


def generator_of(record: np.ndarray) -> np.random.Generator:
    """A NumPy Generator in the state of the record's generator (a snapshot)."""
    w = [int(x) for x in record[:RNG_WORDS]]
    bit_generator = np.random.PCG64()
    bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": (w[0] << 64) | w[1], "inc": (w[2] << 64) | w[3]},
        "has_uint32": w[4] >> 32,
        "uinteger": w[4] & 0xFFFFFFFF,
    }
    return np.random.Generator(bit_generator)


def store_generator(record: np.ndarray, generator: np.random.Generator) -> None:
    """Puts a PCG64-driven Generator's state into the record."""
    state = generator.bit_generator.state
    if state.get("bit_generator") != "PCG64":
        raise TypeError(
            f"np_random must be driven by PCG64 (NumPy's default), got {state.get('bit_generator')!r}: "
            "zoo's C++ environments reproduce PCG64 only"
        )
    inner = state["state"]
    record[:RNG_WORDS] = [
        inner["state"] >> 64,
        inner["state"] & _LOW_64,
        inner["inc"] >> 64,
        inner["inc"] & _LOW_64,
        (int(state["has_uint32"]) << 32) | int(state["uinteger"]),
    ]


def action_index(action: Any, n_actions: int) -> int:
    """An action as gymnasium's Discrete(n).contains accepts it (an integer, or an integer array of one element)."""
    if isinstance(action, np.ndarray) and action.size == 1 and np.issubdtype(action.dtype, np.integer):
        action = action.reshape(()).item()
    if not isinstance(action, numbers.Integral):
        raise TypeError(
            f"action must be an integer in [0, {n_actions}), got {action!r} of type {type(action).__name__}"
        )
    index = int(action)
    if not 0 <= index < n_actions:
        raise ValueError(f"action must be an integer in [0, {n_actions}), got {index}")
    return index


# -- one record, for learners that run their own loop --------------------------------
def new_state(core, n_copies: int | None = None) -> np.ndarray:
    """Unseeded state records for kernel ``core``, holding its physical
    parameters at their defaults (zoo.envs.physics): one record of shape
    (state_bytes / 8,) when ``n_copies`` is None, else (n_copies, state_bytes / 8)."""
    words = core.state_bytes // 8
    records = np.zeros(words if n_copies is None else (n_copies, words), dtype=np.uint64)
    defaults = np.array([value for _, value in core.parameters], dtype=np.float64)
    if defaults.size:
        start = core.parameters_word
        records[..., start : start + defaults.size] = defaults.view(np.uint64)
    return records


def reset(core, state: np.ndarray, observation: np.ndarray, seed: int | None = None) -> None:
    """gymnasium's ``reset(seed=seed)`` on a record, writing ``observation`` in place.

    Without a seed the record's generator carries on, or, if the record was
    never seeded, starts from fresh OS entropy (as gymnasium's does).
    """
    if seed is not None:
        _core.env_seed(state, seed_words(checked_seed(seed)))
    elif not is_seeded(state):
        _core.env_seed(state, seed_words(fresh_entropy()))
    _core.env_reset(core, state, observation)


# -- which ids zoo has ------------------------------------------------------------------
@dataclass(frozen=True)
class NativeEnv:
    """A gymnasium id that zoo implements in C++, ready for a learner's loop.

    ``core`` is the kernel (``zoo._core.Env``); the spaces equal those of
    ``gymnasium.make(id)``; ``max_episode_steps`` is the registered time
    limit (None: none), which the caller applies, as gymnasium's TimeLimit does.
    """

    id: str
    core: Any
    observation_space: spaces.Space
    action_space: spaces.Space
    max_episode_steps: int | None
    reward_threshold: float | None
    kwargs: dict[str, Any] = field(default_factory=dict)


def native_id(env_id: str) -> str | None:
    """``"zoo/<id>"`` when zoo implements ``env_id`` (with or without the prefix) natively, else None."""
    if not isinstance(env_id, str):
        return None
    base = env_id.removeprefix(PREFIX)
    return PREFIX + base if base in REGISTRATIONS else None


def is_native(env_id: str) -> bool:
    """Whether zoo implements the gymnasium id natively ("CartPole-v1" or "zoo/CartPole-v1")."""
    return native_id(env_id) is not None


def env_class(env_id: str):
    """The gymnasium.Env class zoo registers for a native id."""
    entry_point = REGISTRATIONS[env_id.removeprefix(PREFIX)][0]
    module, name = entry_point.split(":")
    return getattr(importlib.import_module(module), name)


def native_env(env_id: str, **kwargs) -> NativeEnv | None:
    """The kernel and spaces of a gymnasium id zoo implements natively, or None.

    Parameters
    ----------
    env_id : str
        ``"CartPole-v1"`` or ``"zoo/CartPole-v1"``; any other id gives None.
    **kwargs
        Constructor options over the registered ones (``sutton_barto_reward``,
        ``goal_velocity``, ``map_name``, ``is_slippery``, ...).
    """
    full_id = native_id(env_id)
    if full_id is None:
        return None
    _, registered_kwargs, max_episode_steps, reward_threshold = REGISTRATIONS[full_id.removeprefix(PREFIX)]
    options = {**registered_kwargs, **kwargs}
    env = env_class(full_id)(**options)
    return NativeEnv(
        id=full_id,
        core=env._kernel,
        observation_space=env.observation_space,
        action_space=env.action_space,
        max_episode_steps=max_episode_steps,
        reward_threshold=reward_threshold,
        kwargs=options,
    )


def register_all() -> None:
    """Registers every "zoo/<id>" with gymnasium (idempotent)."""
    for base, (entry_point, kwargs, max_episode_steps, reward_threshold) in REGISTRATIONS.items():
        if PREFIX + base in gym.registry:
            continue
        gym.register(
            id=PREFIX + base,
            entry_point=entry_point,
            vector_entry_point=VECTOR_ENTRY_POINTS.get(base),
            kwargs=dict(kwargs),
            max_episode_steps=max_episode_steps,
            reward_threshold=reward_threshold,
        )
