"""Vector environments stepped in C++: zoo.envs.make_vec.

``make_vec("CartPole-v1", num_envs=1024)`` behaves like
``gymnasium.vector.SyncVectorEnv`` over ``gymnasium.make("CartPole-v1")``
copies -- same observations, rewards, terminations and truncations for the
same seeds and actions, next-step autoreset, the registered time limit --
but one call steps every copy in C++, in parallel over ``n_jobs`` threads.

The copies' state lives in NumPy arrays held by the object: ``states``
(one uint64 record per copy: its NumPy generator, then its variables),
``elapsed_steps`` (TimeLimit's counters) and ``needs_reset`` (1 where a copy
ended on the last step, so the next step resets it).
"""

from __future__ import annotations

import numbers
from copy import deepcopy
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.envs.classic_control.utils import maybe_parse_reset_bounds
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from zoo import _core
from zoo._threads import resolve_n_jobs
from zoo.envs import native, physics

__all__ = ["AcrobotVectorEnv", "CartPoleVectorEnv", "MountainCarVectorEnv", "NativeVectorEnv", "make_vec"]

_REGISTERED = object()  # max_episode_steps not given: the registered time limit


def _check_seed_value(seed, name: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative int or None, got {seed!r} of type {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"{name} must be a non-negative int or None, got {seed}")
    return int(seed)


def _shared_or_each(values):
    """A per-copy reading (first axis: copies) as one value when all agree."""
    first = values[0]
    if np.all(values == first):
        return first.item() if isinstance(first, np.generic) else first
    return values


def _entropy_rows(seeds: list[int | None]) -> tuple[np.ndarray, np.ndarray]:
    """Each copy's seed as SeedSequence words: a (num_envs, max_words) table and the words used per row."""
    n = len(seeds)
    if all(s is not None for s in seeds) and max(seeds) < (1 << 64):
        # The common case (seed + i below 2^64), without a Python loop over copies.
        values = np.array(seeds, dtype=np.uint64)
        entropy = np.stack([values & np.uint64(0xFFFFFFFF), values >> np.uint64(32)], axis=1).astype(np.uint32)
        return entropy, np.where(entropy[:, 1] > 0, 2, 1).astype(np.int64)
    words = [native.seed_words(s) if s is not None else [] for s in seeds]
    width = max(1, max(len(w) for w in words))
    entropy = np.zeros((n, width), dtype=np.uint32)
    n_words = np.zeros(n, dtype=np.int64)
    for i, w in enumerate(words):
        entropy[i, : len(w)] = w
        n_words[i] = len(w)
    return entropy, n_words


class NativeVectorEnv(VectorEnv):
    """``num_envs`` copies of a zoo-native environment, stepped together in C++.

    Parameters
    ----------
    env_id : str
        A gymnasium id zoo implements natively, with or without the "zoo/"
        prefix: "CartPole-v1", "MountainCar-v0", "Acrobot-v1",
        "FrozenLake-v1", "FrozenLake8x8-v1", "Taxi-v4", "CliffWalking-v1".
    num_envs : int, default=1
    seed : int, optional
        Seeds copy ``i`` with ``seed + i`` now, so that a first ``reset()``
        equals ``reset(seed=seed)``; without it each copy starts from fresh
        OS entropy.
    n_jobs : int, optional
        Threads stepping the copies; None uses ``zoo.get_num_threads()``.
    max_episode_steps : int or None, optional
        Time limit of each episode (truncation); defaults to the registered one.
    **env_kwargs
        The environment's options (``sutton_barto_reward``, ``goal_velocity``,
        ``map_name``, ``is_slippery``, ...).

    Attributes
    ----------
    states : ndarray of shape (num_envs, state_bytes / 8), dtype uint64
    elapsed_steps : ndarray of shape (num_envs,), dtype int64
    needs_reset : ndarray of shape (num_envs,), dtype uint8
    """

    def __init__(
        self,
        env_id: str,
        num_envs: int = 1,
        *,
        seed: int | None = None,
        n_jobs: int | None = None,
        max_episode_steps=_REGISTERED,
        render_mode: str | None = None,
        **env_kwargs,
    ) -> None:
        full_id = native.native_id(env_id)
        if full_id is None:
            raise ValueError(
                f"env_id: zoo has no native environment {env_id!r}; native ids are "
                f"{sorted(native.REGISTRATIONS)} (use gymnasium.make_vec for others)"
            )
        if isinstance(num_envs, bool) or not isinstance(num_envs, numbers.Integral):
            raise TypeError(f"num_envs must be a positive int, got {num_envs!r} of type {type(num_envs).__name__}")
        if num_envs < 1:
            raise ValueError(f"num_envs must be a positive int, got {num_envs}")
        if render_mode is not None:
            raise ValueError(f"render_mode must be None, got {render_mode!r}: zoo's vector environments do not render")
        found = native.native_env(full_id, **env_kwargs)
        if max_episode_steps is _REGISTERED:
            max_episode_steps = found.max_episode_steps
        elif max_episode_steps is not None:
            if isinstance(max_episode_steps, bool) or not isinstance(max_episode_steps, numbers.Integral):
                raise TypeError(f"max_episode_steps must be a positive int or None, got {max_episode_steps!r}")
            if max_episode_steps < 1:
                raise ValueError(f"max_episode_steps must be a positive int or None, got {max_episode_steps}")
            max_episode_steps = int(max_episode_steps)

        self.env_id = full_id
        self.num_envs = int(num_envs)
        self.n_jobs = n_jobs
        self.max_episode_steps = max_episode_steps
        self._env_kwargs = dict(env_kwargs)
        self._attach(found)

        cls = native.env_class(full_id)
        self.metadata = {
            "render_modes": [],
            "render_fps": cls.metadata.get("render_fps"),
            "autoreset_mode": AutoresetMode.NEXT_STEP,
        }
        self.render_mode = None
        self.spec = deepcopy(gym.spec(full_id))
        self.spec.max_episode_steps = max_episode_steps
        self.spec.kwargs = found.kwargs

        self.states = native.new_state(self._kernel, self.num_envs)
        self.elapsed_steps = np.zeros(self.num_envs, dtype=np.int64)
        self.needs_reset = np.zeros(self.num_envs, dtype=np.uint8)
        self._observations = np.zeros((self.num_envs, self._kernel.observation_size), dtype=np.float32)
        self._has_reset = False
        # Seed every copy's generator now; reset() without a seed carries on from it.
        if seed is None:
            seeds = [native.fresh_entropy() for _ in range(self.num_envs)]
        else:
            seed = _check_seed_value(seed, "seed")
            seeds = [seed + i for i in range(self.num_envs)]
        self._seed_only(seeds)

    def _attach(self, found: native.NativeEnv) -> None:
        self._kernel = found.core
        self._n_threads = resolve_n_jobs(self.n_jobs)
        self.single_observation_space = found.observation_space
        self.single_action_space = found.action_space
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self._discrete_observations = isinstance(found.observation_space, spaces.Discrete)
        self._action_masks = getattr(found.core, "action_masks", None)
        self._physics_names = frozenset(physics.attribute_names(found.core))

    def _seed_only(self, seeds: list[int]) -> None:
        for i, s in enumerate(seeds):
            _core.env_seed(self.states[i], native.seed_words(s))

    # -- gymnasium VectorEnv API -----------------------------------------------------
    def reset(self, *, seed: int | list[int | None] | None = None, options: dict[str, Any] | None = None):
        """Reset every copy (or those in ``options["reset_mask"]``).

        Parameters
        ----------
        seed : int, list of (int or None), or None
            An int seeds copy ``i`` with ``seed + i``; a list gives each
            copy's seed (None: that copy's generator carries on).
        options : dict, optional
            ``"reset_mask"``: bool array of shape (num_envs,), the copies to
            reset (the others keep their state and observation);
            ``"low"``/``"high"``: the start-state interval of the
            classic-control environments.

        Returns
        -------
        observations : ndarray of shape (num_envs, ...)
        infos : dict
        """
        seeds = self._seeds_of(seed)
        options = dict(options) if options is not None else {}
        mask = None
        if "reset_mask" in options:
            mask = options.pop("reset_mask")
            if not isinstance(mask, np.ndarray):
                raise TypeError(f"options['reset_mask'] must be a numpy array, got {type(mask).__name__}")
            if mask.shape != (self.num_envs,):
                raise ValueError(f"options['reset_mask'] must have shape ({self.num_envs},), got {mask.shape}")
            if mask.dtype != np.bool_:
                raise TypeError(f"options['reset_mask'] must have dtype bool, got {mask.dtype}")
            if not mask.any():
                raise ValueError("options['reset_mask'] must select at least one copy")
            mask = mask.view(np.uint8)
        low = high = None
        if ("low" in options or "high" in options) and self._has_reset_bounds():
            low, high = maybe_parse_reset_bounds(options, *native.env_class(self.env_id)._default_bounds)
        if seeds is not None:
            entropy, n_words = _entropy_rows(seeds)
        else:
            entropy = n_words = None
        observations = self._observations.copy()
        _core.vector_reset(
            self._kernel, self.states, self.elapsed_steps, self.needs_reset, observations,
            entropy, n_words, mask, low, high, self._n_threads,
        )
        self._observations = observations
        self._has_reset = True
        return self._public(observations.copy()), self._reset_infos(observations, mask)

    def step(self, actions):
        """Step every copy; copies that ended on the previous step are reset instead.

        Parameters
        ----------
        actions : array-like of int, shape (num_envs,)

        Returns
        -------
        observations, rewards (float64), terminations (bool), truncations (bool), infos
        """
        if not self._has_reset:
            raise gym.error.ResetNeeded("Cannot call step() before calling reset()")
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,):
            raise ValueError(f"actions must have shape ({self.num_envs},), got {actions.shape}")
        if actions.dtype.kind not in "iu":
            raise TypeError(f"actions must be integers, got dtype {actions.dtype}")
        probabilities = np.empty(self.num_envs) if self._discrete_observations else None
        observations, rewards, terminations, truncations = _core.vector_step(
            self._kernel, self.states, self.elapsed_steps, self.needs_reset, actions,
            self.max_episode_steps or 0, self._n_threads, probabilities,
        )
        self._observations = observations
        infos = {} if probabilities is None else self._discrete_infos(observations, probabilities)
        return self._public(observations.copy()), rewards, terminations, truncations, infos

    def close_extras(self, **kwargs) -> None:
        pass

    # -- helpers ------------------------------------------------------------------------
    def _seeds_of(self, seed) -> list[int | None] | None:
        if seed is None:
            return None
        if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
            seed = _check_seed_value(seed, "seed")
            return [seed + i for i in range(self.num_envs)]
        if isinstance(seed, (list, tuple)):
            if len(seed) != self.num_envs:
                raise ValueError(
                    f"If seeds are passed as a list the length must match num_envs={self.num_envs} "
                    f"but got length={len(seed)}."
                )
            return [None if s is None else _check_seed_value(s, f"seed[{i}]") for i, s in enumerate(seed)]
        raise TypeError(f"seed must be an int, a list of ints/None, or None; got {type(seed).__name__}")

    def _has_reset_bounds(self) -> bool:
        return hasattr(native.env_class(self.env_id), "_default_bounds")

    def _public(self, observations: np.ndarray) -> np.ndarray:
        # A Discrete observation (toy text) is the state index, carried as a float by the driver.
        return observations[:, 0].astype(np.int64) if self._discrete_observations else observations

    def _reset_infos(self, observations: np.ndarray, mask) -> dict[str, Any]:
        if not self._discrete_observations:
            return {}
        return self._discrete_infos(observations, np.ones(self.num_envs), mask)

    def _discrete_infos(self, observations, probabilities, mask=None) -> dict[str, Any]:
        present = np.ones(self.num_envs, dtype=bool) if mask is None else mask.view(bool).copy()
        infos = {"prob": probabilities, "_prob": present}
        if self._action_masks is not None:
            infos["action_mask"] = self._action_masks[observations[:, 0].astype(np.int64)]
            infos["_action_mask"] = present.copy()
        return infos

    # -- pickling: the kernel is rebuilt from the id and options ------------------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        for key in ("_kernel", "_action_masks"):
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._attach(native.native_env(self.env_id, **self._env_kwargs))
        self.states = physics.upgraded(self._kernel, self.states)

    # -- gymnasium's physical attributes (gravity, tau, ...), one value per copy ----------------
    def __getattr__(self, name: str):
        # Called only when ordinary lookup fails. As on gymnasium's own vector
        # CartPole: one value when every copy shares it, else one per copy.
        if name in self.__dict__.get("_physics_names", ()):
            return _shared_or_each(physics.read(self._kernel, self.states, name))
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        # One value for every copy, or an array with one per copy; the next step uses them.
        if name in self.__dict__.get("_physics_names", ()):
            physics.write(self._kernel, self.states, name, value)
        else:
            super().__setattr__(name, value)

    def get_attr(self, name: str) -> tuple:
        """Each copy's value of a physical attribute, as ``SyncVectorEnv.get_attr``."""
        self._check_physics_name(name)
        return tuple(physics.read(self._kernel, self.states[i], name) for i in range(self.num_envs))

    def set_attr(self, name: str, values) -> None:
        """Set a physical attribute as ``SyncVectorEnv.set_attr`` does: a list
        or tuple gives each copy its value, anything else goes to every copy."""
        self._check_physics_name(name)
        if isinstance(values, (list, tuple)):
            if len(values) != self.num_envs:
                raise ValueError(
                    f"Values must be a list or tuple with length equal to the number of environments. "
                    f"Got `{len(values)}` values for {self.num_envs} environments."
                )
            for i, value in enumerate(values):  # per copy: each checked on its own
                physics.write(self._kernel, self.states[i], name, value)
        else:
            physics.write(self._kernel, self.states, name, values)

    def _check_physics_name(self, name: str) -> None:
        if name not in self._physics_names:
            available = ", ".join(sorted(self._physics_names)) or "none"
            raise AttributeError(
                f"{self.env_id} copies have no attribute {name!r} to get or set per copy; "
                f"their physical attributes are: {available}"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.env_id}, num_envs={self.num_envs})"


def make_vec(
    id: str,
    num_envs: int = 1,
    *,
    seed: int | None = None,
    n_jobs: int | None = None,
    max_episode_steps=_REGISTERED,
    **env_kwargs,
) -> NativeVectorEnv:
    """``num_envs`` copies of a zoo-native environment as one gymnasium VectorEnv stepped in C++.

    Equivalent to ``gymnasium.vector.SyncVectorEnv([lambda: gymnasium.make(id)] * num_envs)``
    (next-step autoreset, the registered time limit), without a Python loop over copies.

    Parameters
    ----------
    id : str
        "CartPole-v1", "MountainCar-v0", "Acrobot-v1" (or with the "zoo/"
        prefix), or a zoo toy-text id.
    num_envs : int, default=1
    seed : int, optional
        Seeds copy ``i`` with ``seed + i``.
    n_jobs : int, optional
        Threads; None uses ``zoo.get_num_threads()``.
    max_episode_steps : int or None, optional
        Overrides the registered time limit (None: no limit).
    **env_kwargs
        The environment's constructor options.

    Returns
    -------
    NativeVectorEnv
    """
    return NativeVectorEnv(id, num_envs, seed=seed, n_jobs=n_jobs, max_episode_steps=max_episode_steps, **env_kwargs)


class CartPoleVectorEnv(NativeVectorEnv):
    """``gymnasium.make_vec("zoo/CartPole-v1", n)`` (the registered vector
    entry point): gymnasium's own ``CartPoleVectorEnv``, stepped in C++.

    Unlike :func:`make_vec` (``SyncVectorEnv``'s semantics: copy ``i``
    seeded with ``seed + i``), the copies draw their start states from one
    generator, as gymnasium's class does: ``reset(seed=s)`` seeds it and
    draws a (4, num_envs) uniform block; each step first moves every copy,
    then redraws the copies that ended on the previous step, in copy order.
    The same seed, options and actions give gymnasium's observations,
    rewards (float32), terminations and truncations.

    Parameters
    ----------
    num_envs : int, default=1
    max_episode_steps : int, default=500
    render_mode : None
    sutton_barto_reward : bool, default=False
    **kwargs
        ``seed`` and ``n_jobs``, as for :class:`NativeVectorEnv`.
    """

    def __init__(self, num_envs: int = 1, max_episode_steps: int = 500, render_mode: str | None = None,
                 sutton_barto_reward: bool = False, **kwargs) -> None:
        super().__init__("CartPole-v1", num_envs, max_episode_steps=max_episode_steps, render_mode=render_mode,
                         sutton_barto_reward=sutton_barto_reward, **kwargs)
        self._low, self._high = -0.05, 0.05

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Draw every copy's start state from the shared generator (seeded
        by ``seed``), from [-0.05, 0.05] or ``options["low"]``/``["high"]``."""
        if options and "reset_mask" in options:
            raise ValueError("gymnasium's CartPoleVectorEnv resets every copy; options['reset_mask'] is not taken")
        if seed is not None:
            self._np_random, self._np_random_seed = gym.utils.seeding.np_random(seed)
        self._low, self._high = maybe_parse_reset_bounds(options, -0.05, 0.05)
        self.elapsed_steps[:] = 0
        self.needs_reset[:] = 0
        observations = self._redraw(np.arange(self.num_envs))
        self._observations = observations
        self._has_reset = True
        return observations.copy(), {}

    def step(self, actions):
        """Move every copy, then redraw those that ended on the previous step
        (their reward 0, not terminated, not truncated)."""
        ended = self.needs_reset.astype(bool)
        self.needs_reset[:] = 0  # every copy moves; the ended ones are redrawn after
        observations, rewards, terminations, truncations, infos = super().step(actions)
        rows = np.flatnonzero(ended)
        if rows.size:
            observations[rows] = self._redraw(rows)[rows]
            rewards[rows] = 0.0
            terminations[rows] = truncations[rows] = False
            self.elapsed_steps[rows] = 0
            self.needs_reset[rows] = 0
            self._observations = observations
        return observations, rewards.astype(np.float32), terminations, truncations, infos

    def _redraw(self, rows: np.ndarray) -> np.ndarray:
        """Fresh start states for copies ``rows`` from the shared generator;
        every copy's observation, with those rows updated."""
        draws = self.np_random.uniform(low=self._low, high=self._high, size=(4, rows.size))
        variables = slice(native.RNG_WORDS, native.RNG_WORDS + 4)
        self.states[rows, variables] = np.ascontiguousarray(draws.T).view(np.uint64)
        self.states[rows, native.RNG_WORDS + 4] = np.uint64(2**64 - 1)  # steps_beyond_terminated: None
        observations = self._observations.copy()
        observations[rows] = draws.T.astype(np.float32)
        return observations


class MountainCarVectorEnv(NativeVectorEnv):
    """``gymnasium.make_vec("zoo/MountainCar-v0", n)`` (the registered vector entry point)."""

    def __init__(self, num_envs: int = 1, **kwargs) -> None:
        super().__init__("MountainCar-v0", num_envs, **kwargs)


class AcrobotVectorEnv(NativeVectorEnv):
    """``gymnasium.make_vec("zoo/Acrobot-v1", n)`` (the registered vector entry point)."""

    def __init__(self, num_envs: int = 1, **kwargs) -> None:
        super().__init__("Acrobot-v1", num_envs, **kwargs)
