"""gymnasium's classic-control environments on zoo's C++ kernels.

CartPoleEnv, MountainCarEnv and AcrobotEnv take gymnasium's constructor
arguments and, for the same seeds, options and actions, return exactly what
gymnasium 1.4's CartPole-v1, MountainCar-v0 and Acrobot-v1 return: the
kernels repeat gymnasium's float64 arithmetic operation for operation and
draw from the same NumPy generator (PCG64 seeded through SeedSequence).

The changing state -- the generator, the physical variables and gymnasium's
writable constants (``gravity``, ``tau``, ...; see zoo.envs.physics) -- is a
NumPy record (``env.state_record``) that the kernel reads and writes; the
Python object holds only configuration. ``env.unwrapped.np_random`` is a snapshot of
the record's generator, and assigning a Generator to it reseeds the record.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import logger, spaces
from gymnasium.envs.classic_control import acrobot as gym_acrobot
from gymnasium.envs.classic_control import cartpole as gym_cartpole
from gymnasium.envs.classic_control import mountain_car as gym_mountain_car
from gymnasium.envs.classic_control.utils import maybe_parse_reset_bounds

from zoo import _core
from zoo.envs import native, physics

__all__ = ["AcrobotEnv", "CartPoleEnv", "MountainCarEnv"]


class _ClassicControlEnv(gym.Env):
    """A Box-observation environment whose state is a record for a C++ kernel.

    Subclasses give the kernel, the spaces, the default start-state interval
    and how many float64 variables follow the generator in the record.
    """

    metadata: dict[str, Any] = {"render_modes": ["human", "rgb_array"], "render_fps": 50}
    _default_bounds: tuple[float, float]
    _n_variables: int
    _kernel_type = None  # the _core class; its parameters become attributes
    # gymnasium's class of the same environment: it draws the frames (see render).
    _painter_type = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._kernel_type is None:
            return
        # gymnasium's constants (gravity, tau, ...) as attributes that read
        # and write the record, so that writing one changes the dynamics.
        for name in physics.attribute_names(cls._kernel_type()):
            setattr(cls, name, physics.RecordAttribute())
            getattr(cls, name).__set_name__(cls, name)

    def __init__(self, render_mode: str | None = None) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode must be None or one of {self.metadata['render_modes']}, got {render_mode!r}"
            )
        self.render_mode = render_mode
        self._painter = None
        self._kernel = self._make_kernel()
        self.state_record = native.new_state(self._kernel)
        self.observation_space, self.action_space = self._spaces()
        self._seeded = False
        self._has_reset = False

    # -- subclass hooks -----------------------------------------------------------
    def _make_kernel(self):
        return self._kernel_type()

    @classmethod
    def _spaces(cls) -> tuple[spaces.Box, spaces.Discrete]:
        raise NotImplementedError

    # -- gymnasium API --------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Start an episode: gymnasium's ``reset``.

        Parameters
        ----------
        seed : int, optional
            Seeds the environment's generator as gymnasium does
            (``np.random.default_rng(seed)``); without it the generator
            carries on from the previous episode.
        options : dict, optional
            ``{"low": ..., "high": ...}`` moves the interval the start state
            is drawn from, as in gymnasium.
        """
        if seed is not None:
            _core.env_seed(self.state_record, native.seed_words(native.checked_seed(seed)))
            self._np_random_seed = seed
            self._seeded = True
        elif not self._seeded:
            # Never seeded: fresh OS entropy, as gymnasium's seeding.np_random(None).
            entropy = native.fresh_entropy()
            _core.env_seed(self.state_record, native.seed_words(entropy))
            self._np_random_seed = entropy
            self._seeded = True
        observation = np.empty(self._kernel.observation_size, dtype=np.float32)
        if options is None:
            _core.env_reset(self._kernel, self.state_record, observation)
        else:
            low, high = maybe_parse_reset_bounds(options, *self._default_bounds)
            if not math.isfinite(high - low):
                raise ValueError(f"options 'low' and 'high' must span a finite interval, got [{low}, {high}]")
            _core.env_reset(self._kernel, self.state_record, observation, low, high)
        self._has_reset = True
        if self.render_mode == "human":
            self.render()
        return observation, {}

    def step(self, action):
        a = native.action_index(action, self._kernel.n_actions)
        if not self._has_reset:
            raise gym.error.ResetNeeded("Cannot call env.step() before calling env.reset()")
        observation = np.empty(self._kernel.observation_size, dtype=np.float32)
        reward, terminated, _ = _core.env_step(self._kernel, self.state_record, a, observation)
        if self.render_mode == "human":
            self.render()
        # The time limit is gymnasium's TimeLimit wrapper's business, as in gymnasium.
        return observation, reward, terminated, False, {}

    def render(self):
        """The current frame, drawn as gymnasium draws it: an RGB array of
        shape (height, width, 3) with ``render_mode="rgb_array"``, a window
        with ``"human"``; None before the first reset.

        gymnasium's own class of this environment draws it, given this
        environment's state and attributes, so every frame is gymnasium's
        pixel for pixel. It needs pygame (``pip install pygame``).
        """
        if self.render_mode is None:
            # As gymnasium's classes do without a render mode: warn, return None.
            gym.logger.warn(
                "You are calling render method without specifying any render mode. You can specify the "
                f'render_mode at initialization, e.g. {type(self).__name__}(render_mode="rgb_array")'
            )
            return None
        if self._painter is None:
            self._painter = self._painter_type(render_mode=self.render_mode)
        painter = self._painter
        painter.state = self.state
        for name in physics.attribute_names(self._kernel):
            setattr(painter, name, getattr(self, name))
        return painter.render()

    def close(self):
        """Close the window ``render_mode="human"`` opened, if any."""
        if self._painter is not None:
            self._painter.close()
            self._painter = None

    # -- the generator, seen through gymnasium's attributes ---------------------------
    @property
    def _np_random(self) -> np.random.Generator | None:
        # A snapshot: drawing from it leaves the environment's generator as it was.
        return native.generator_of(self.state_record) if self._seeded else None

    @_np_random.setter
    def _np_random(self, generator: np.random.Generator | None) -> None:
        if generator is None:
            self._seeded = False
            return
        native.store_generator(self.state_record, generator)
        self._seeded = True

    # -- the physical state, as gymnasium's `state` --------------------------------------
    @property
    def state(self) -> np.ndarray | None:
        """The float64 variables after the generator in the record (None before the first reset)."""
        if not self._has_reset:
            return None
        return self._variables().copy()

    @state.setter
    def state(self, value) -> None:
        value = np.asarray(value, dtype=np.float64)
        if value.shape != (self._n_variables,):
            raise ValueError(f"state must have shape ({self._n_variables},), got {value.shape}")
        if not np.isfinite(value).all():
            raise ValueError(f"state must be finite, got {value}")
        self._variables()[:] = value

    def _variables(self) -> np.ndarray:
        return self.state_record[native.RNG_WORDS : native.RNG_WORDS + self._n_variables].view(np.float64)

    # -- pickling: the kernel is rebuilt from the configuration ---------------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        del state["_kernel"]
        state["_painter"] = None  # pygame surfaces: drawn again on the next render
        return state

    def __setstate__(self, state):
        if "goal_velocity" in state:  # pickled before the record held it
            state["_goal_velocity"] = state.pop("goal_velocity")
        state.setdefault("_painter", None)
        self.__dict__.update(state)
        self._kernel = self._make_kernel()
        self.state_record = physics.upgraded(self._kernel, self.state_record)


class CartPoleEnv(_ClassicControlEnv):
    """gymnasium's CartPole-v1 (Barto, Sutton & Anderson 1983): balance a pole on a cart.

    Parameters
    ----------
    sutton_barto_reward : bool, default False
        Reward 0 per step and -1 on termination, instead of +1 per step.
    render_mode : {None, "rgb_array", "human"}
        "rgb_array": render() returns gymnasium's frame as an RGB array;
        "human": a window, redrawn after every step (both need pygame).

    Observation: cart position, cart velocity, pole angle, pole angular
    velocity (float32); actions: 0 push left, 1 push right. The episode
    terminates when the angle leaves +-12 degrees or the cart +-2.4.
    """

    metadata = {"render_modes": ["human", "rgb_array"], "render_fps": 50}
    _default_bounds = (-0.05, 0.05)
    _n_variables = 4
    _kernel_type = _core.CartPole
    _painter_type = gym_cartpole.CartPoleEnv
    # The record: generator, x, x_dot, theta, theta_dot, steps_beyond_terminated, parameters.
    _STEPS_BEYOND_WORD = native.RNG_WORDS + 4

    def __init__(self, sutton_barto_reward: bool = False, render_mode: str | None = None) -> None:
        self._sutton_barto_reward = bool(sutton_barto_reward)
        super().__init__(render_mode)

    def _make_kernel(self):
        return _core.CartPole(self._sutton_barto_reward)

    @classmethod
    def _spaces(cls):
        theta_threshold_radians = 12 * 2 * math.pi / 360
        high = np.array([2.4 * 2, np.inf, theta_threshold_radians * 2, np.inf], dtype=np.float32)
        return spaces.Box(-high, high, dtype=np.float32), spaces.Discrete(2)

    def step(self, action):
        steps_beyond = int(self.state_record.view(np.int64)[self._STEPS_BEYOND_WORD])
        result = super().step(action)
        if result[2] and steps_beyond == 0:
            logger.warn(
                "You are calling 'step()' even though this environment has already returned terminated = True. "
                "You should always call 'reset()' once you receive 'terminated = True' -- any further steps are "
                "undefined behavior."
            )
        return result


class MountainCarEnv(_ClassicControlEnv):
    """gymnasium's MountainCar-v0 (Moore 1990): drive an under-powered car up a hill.

    Parameters
    ----------
    render_mode : {None, "rgb_array", "human"}
        "rgb_array": render() returns gymnasium's frame as an RGB array;
        "human": a window, redrawn after every step (both need pygame).
    goal_velocity : float, default 0
        The episode ends at the flag (position >= 0.5) only at this speed or more.

    Observation: position, velocity (float32); actions: 0 accelerate left,
    1 coast, 2 accelerate right. Reward -1 per step.
    """

    metadata = {"render_modes": ["human", "rgb_array"], "render_fps": 30}
    _default_bounds = (-0.6, -0.4)
    _n_variables = 2
    _kernel_type = _core.MountainCar
    _painter_type = gym_mountain_car.MountainCarEnv

    def __init__(self, render_mode: str | None = None, goal_velocity: float = 0) -> None:
        if isinstance(goal_velocity, bool) or not isinstance(goal_velocity, numbers.Real):
            raise TypeError(f"goal_velocity must be a number, got {goal_velocity!r}")
        self._goal_velocity = goal_velocity  # the record's goal_velocity starts from it
        super().__init__(render_mode)

    def _make_kernel(self):
        return _core.MountainCar(float(self._goal_velocity))

    @classmethod
    def _spaces(cls):
        low = np.array([-1.2, -0.07], dtype=np.float32)
        high = np.array([0.6, 0.07], dtype=np.float32)
        return spaces.Box(low, high, dtype=np.float32), spaces.Discrete(3)


class AcrobotEnv(_ClassicControlEnv):
    """gymnasium's Acrobot-v1 (Sutton 1996): swing a two-link arm's tip above the bar.

    Parameters
    ----------
    render_mode : {None, "rgb_array", "human"}
        "rgb_array": render() returns gymnasium's frame as an RGB array;
        "human": a window, redrawn after every step (both need pygame).

    Observation: cos and sin of both joint angles, then both angular
    velocities (float32); actions: torque -1, 0 or +1 on the middle joint.
    Reward -1 per step, 0 on the terminating step.
    """

    metadata = {"render_modes": ["human", "rgb_array"], "render_fps": 15}
    _default_bounds = (-0.1, 0.1)
    _n_variables = 4
    _kernel_type = _core.Acrobot
    _painter_type = gym_acrobot.AcrobotEnv

    @classmethod
    def _spaces(cls):
        high = np.array([1.0, 1.0, 1.0, 1.0, 4 * math.pi, 9 * math.pi], dtype=np.float32)
        return spaces.Box(low=-high, high=high, dtype=np.float32), spaces.Discrete(3)
