"""The fit loop, evaluation and bookkeeping every zoo RL learner shares.

A learner implements four hooks:
    _check_spaces(handle)    raise ValueError for spaces it cannot learn
    _setup(handle, seed)     fresh model state (networks, tables, moments)
    _runner(handle, total)   an object whose run(n_steps) takes n_steps
                             environment steps of learning and returns the
                             finished episodes and the chunk's logs
    _act(obs, deterministic) actions for a batch of observations

`fit` drives the runner chunk by chunk on the training driver every zoo
learner shares (zoo.nn._driver): between chunks Python runs the callbacks
(`on_epoch_end(model, chunk, logs)` may stop training) and the progress
bar, records the chunk's logs and finished episodes in `history_` (an
EpisodeHistory), and honours Ctrl-C, which stops after the current chunk
and leaves a usable model.
"""

from __future__ import annotations

from numbers import Integral, Number

import numpy as np
from gymnasium import spaces

from zoo._fitted_state import Array, Either, Items, Record, Size, optional
from zoo._param_validation import INT64_MAX
from zoo._validation import check_array, check_in_range, seed_from_random_state
from zoo.base import BaseEstimator, Interval, Options
from zoo.exceptions import NotFittedError
from zoo.nn._constraints import (  # noqa: F401  (RUN_CONSTRAINTS is re-exported)
    HIDDEN_LAYER_CONSTRAINTS,
    OPTIMIZER_CONSTRAINTS,
    RUN_CONSTRAINTS,
)
from zoo.nn._driver import callback_list, run_rounds
from zoo.nn._episodes import EpisodeHistory
from zoo.nn.history import HistoryStateMixin
from zoo.rl._best_policy import BestPolicy
from zoo.rl._env import EnvHandle, describe_space, resolve_env
from zoo.rl._native import NativeEpisode

# Parameter constraints every network learner shares (its network and
# optimizer); every learner also shares RUN_CONSTRAINTS (how a fit runs).
NETWORK_CONSTRAINTS = {**HIDDEN_LAYER_CONSTRAINTS, **OPTIMIZER_CONSTRAINTS}

# Mean return is reported over this many latest episodes, as Stable-Baselines3 does.
RECENT_EPISODES = 100


def space_to_state(space) -> dict:
    if isinstance(space, spaces.Discrete):
        return {"kind": "discrete", "n": int(space.n), "start": int(space.start)}
    if isinstance(space, spaces.Box):
        return {"kind": "box", "low": space.low, "high": space.high, "dtype": str(space.dtype)}
    raise TypeError(f"cannot save a learner fitted on a {type(space).__name__} space")


def space_from_state(state: dict):
    if state["kind"] == "discrete":
        return spaces.Discrete(int(state["n"]), start=int(state["start"]))
    low, high = np.asarray(state["low"]), np.asarray(state["high"])
    return spaces.Box(low, high, shape=low.shape, dtype=np.dtype(state["dtype"]))


def _space_state(n_name, size_name):
    """A space as space_to_state writes it: a Discrete one has `n_name`
    values, a Box one `size_name` elements."""
    return Either(
        Record({"kind": [Options({"discrete"})], "n": Size(n_name), "start": [Integral]}),
        Record({"kind": [Options({"box"})], "low": Array(None, "biuf", size=size_name),
                "high": Array(None, "biuf", size=size_name), "dtype": [str]}),
    )


# The episodes in progress (NativeEpisode.arrays()): per copy, the
# environment's state words, observation, steps taken and return so far.
# zoo 0.1 saved a single copy as 1-D arrays.
EPISODE_ARRAYS = Either(
    Items(Array(("n_copies", "env_state_words"), np.uint64), Array(("n_copies", "obs_size"), np.float32),
          Array(("n_copies",), np.int64), Array(("n_copies",), np.float64)),
    Items(Array(("env_state_words",), np.uint64), Array(("obs_size",), np.float32),
          Array((1,), np.int64), Array((1,), np.float64)),
)


class RLLearner(HistoryStateMixin, BaseEstimator):
    """Base class of the reinforcement learners (not public)."""

    # Stable-Baselines3's names of what zoo's learners do otherwise.
    _parameter_aliases = {
        "policy": "zoo's learners build their policy network themselves, shaped by hidden_layer_sizes=... "
                  "and activation=...",
        "policy_kwargs": "the network's shape is hidden_layer_sizes=... and activation=... "
                         "(Stable-Baselines3's net_arch and activation_fn)",
        "net_arch": "the hidden layers are hidden_layer_sizes=..., e.g. (64, 64)",
        "activation_fn": "the activation is activation=... by name, e.g. \"relu\" or \"tanh\"",
        "env": "the environment is given to fit: fit(env, total_timesteps=...)",
        "total_timesteps": "the number of steps is given to fit: fit(env, total_timesteps=...)",
        "seed": "the seed is random_state=... (scikit-learn's name)",
        "device": "zoo's learners compute on the CPU, in its C++ engine; there is no device parameter",
        "tensorboard_log": "zoo writes no TensorBoard logs: fit records every episode in history_, and "
                           "callbacks=[...] receive each chunk's logs",
        "stats_window_size": "the logged mean_return covers the last 100 episodes; history_ keeps every "
                             "episode's return",
    }

    _fitted_state = {
        "observation_space_": _space_state("n_states", "obs_size"),
        "action_space_": _space_state("n_actions", "action_dim"),
        "num_timesteps_": [Interval(Integral, 0, None)],
        "rng_state_": Array((4,), np.uint64),
        "interrupted_": optional(["boolean"]),
        "_episode_seed_": optional([Interval(Integral, 0, None)]),
        "_episode_arrays_": optional(EPISODE_ARRAYS),
    }

    _estimator_type = "reinforcement_learner"
    # Environment steps per chunk: Python regains control this often.
    chunk_steps = 1000

    # -- training ----------------------------------------------------------

    def fit(self, env, total_timesteps, *, reset_num_timesteps=True):
        """Learn from `total_timesteps` environment steps.

        Parameters
        ----------
        env : str or gymnasium.Env
            A gymnasium id (zoo's native environment when zoo has one, for
            example "CartPole-v1", else gymnasium's) or any gymnasium Env.
        total_timesteps : int
            Environment steps to take, at least 1.
        reset_num_timesteps : bool, default=True
            False continues a fitted learner's training (its step count,
            schedules and history carry on).

        Returns
        -------
        self
        """
        self._validate_params()
        # The C++ loops count steps in int64, the learner's total included.
        done = getattr(self, "num_timesteps_", 0) if not reset_num_timesteps else 0
        check_in_range(total_timesteps, name="total_timesteps", low=1, high=INT64_MAX - done, integral=True,
                       estimator=self)
        handle = resolve_env(env)
        try:
            self._check_spaces(handle)
            continuing = not reset_num_timesteps and hasattr(self, "num_timesteps_")
            if continuing:
                self._check_same_spaces(handle)
            else:
                self._setup(handle, seed_from_random_state(self.random_state))
                self.observation_space_ = handle.observation_space
                self.action_space_ = handle.action_space
                self.num_timesteps_ = 0
                self.history_ = EpisodeHistory()
            self._train(handle, self.num_timesteps_ + int(total_timesteps))
        finally:
            handle.close()
        return self

    def _train(self, handle: EnvHandle, until: int) -> None:
        runner = self._runner(handle, until)
        n_chunks = -(-(until - self.num_timesteps_) // self.chunk_steps)
        best = BestPolicy.for_fit(self, handle, until)  # None unless the learner has eval_interval set

        def run_chunk(chunk: int, previous_logs: dict) -> dict:
            n_steps = min(self.chunk_steps, until - self.num_timesteps_)
            returns, lengths, logs = runner.run(n_steps)
            self.history_.add_episodes(returns, lengths)
            self.num_timesteps_ += n_steps
            logs = {**self._recent_logs(), **logs, "timesteps": self.num_timesteps_}
            return {**logs, **best.after_chunk(self)} if best is not None else logs

        run_rounds(self, range(n_chunks), run_chunk, callback_list(self, self.callbacks, n_chunks),
                   resume_hint="fit(env, more_timesteps, reset_num_timesteps=False) continues it",
                   begin_logs={"total_timesteps": until, "initial_timesteps": self.num_timesteps_})
        if best is not None:  # also after Ctrl-C or a callback's stop: the best policy so far
            best.restore(self)

    def _recent_logs(self) -> dict:
        returns, lengths = self.history_.recent(RECENT_EPISODES)
        if len(returns) == 0:
            return {}
        return {"episodes": int(self.history_.n_episodes), "mean_return": float(returns.mean()),
                "mean_length": float(lengths.mean())}

    def _check_same_spaces(self, handle: EnvHandle) -> None:
        if handle.observation_space != self.observation_space_ or handle.action_space != self.action_space_:
            raise ValueError("reset_num_timesteps=False needs the environment the learner was fitted on; "
                             f"got spaces {describe_space(handle.observation_space)}, "
                             f"{describe_space(handle.action_space)}")

    # -- persistence -------------------------------------------------------

    def _persisted_params(self):
        # Callbacks are run-time hooks, not model state; they load as None.
        return {**super()._persisted_params(), "callbacks": None}

    def _save_state(self):
        # gymnasium spaces are not arrays: store what defines them.
        state = super()._save_state()
        for name in ("observation_space_", "action_space_"):
            if isinstance(state.get(name), spaces.Space):
                state[name] = space_to_state(state[name])
        # The native episode in progress, so that a loaded learner continues
        # training exactly where the saved one stopped.
        if hasattr(self, "_episode_seed"):
            state["_episode_seed_"] = self._episode_seed
        if getattr(self, "_episode", None) is not None:
            state["_episode_arrays_"] = list(self._episode.arrays())
        return state

    def _load_state(self, state):
        state = dict(state)
        if isinstance(state.get("history_"), dict):  # EpisodeHistory.to_dict(), or the plain dict of older files
            state["history_"] = EpisodeHistory.from_dict(state["history_"])
        for name in ("observation_space_", "action_space_"):
            if isinstance(state.get(name), dict):
                state[name] = space_from_state(state[name])
        if "_episode_seed_" in state:
            self._episode_seed = int(state.pop("_episode_seed_"))
        arrays = state.pop("_episode_arrays_", None)
        self._episode = NativeEpisode.from_arrays(*arrays) if arrays is not None else None
        super()._load_state(state)

    # -- acting ------------------------------------------------------------

    def predict(self, observation, deterministic=True):
        """The action for one observation, or actions for a batch.

        Parameters
        ----------
        observation : array-like
            One observation of the environment's observation space, or a
            batch of them stacked along a first axis.
        deterministic : bool, default=True
            True: the greedy action; False: an action drawn from the policy.

        Returns
        -------
        int, ndarray or array of actions
            One action for one observation, an array for a batch.
        """
        if not hasattr(self, "num_timesteps_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit(env, total_timesteps) first.")
        batch, single = self._observation_batch(observation)
        actions = self._act(batch, bool(deterministic))
        return actions[0] if single else actions

    def _environment_observation(self, observation) -> np.ndarray:
        """An observation an environment returned, as a batch of one, checked
        as the C++ training loop checks it (bind_env_copies.cpp): a Box
        observation has exactly the space's number of values, so that a
        stack of them is refused rather than read as a batch."""
        space = self.observation_space_
        if not isinstance(space, spaces.Box):
            batch, single = self._observation_batch(observation)
            if not single:
                raise ValueError(f"env.step() returned the observation {observation!r}, which is not in the "
                                 f"environment's observation space {describe_space(space)}")
            return batch
        try:
            values = np.asarray(observation, dtype=np.float32)
        except (TypeError, ValueError):
            raise TypeError("env.step() returned an observation that is not an array of numbers") from None
        expected = int(np.prod(space.shape))
        if values.size != expected:
            raise ValueError(f"env.step() returned an observation of {values.size} values; the observation space "
                             f"{describe_space(space)} has {expected}")
        return values.reshape(1, -1)

    def _observation_batch(self, observation):
        space = self.observation_space_
        discrete = isinstance(space, spaces.Discrete)
        scalar = isinstance(observation, (Number, np.generic)) or (
            isinstance(observation, np.ndarray) and observation.ndim == 0)
        # check_array refuses NaN, strings, ragged lists and objects clearly; the
        # Discrete states keep their integer dtype so floats can be refused.
        values = check_array([observation] if scalar else observation, name="observation",
                             dtype=None if discrete else np.float32, ensure_2d=False, estimator=self)
        if discrete:
            if not np.issubdtype(values.dtype, np.integer) or values.ndim > 1:
                raise ValueError(f"observation must be an integer state or a 1-D array of them, got {observation!r}")
            if values.min() < space.start or values.max() >= space.start + space.n:
                raise ValueError(f"observation {observation!r} is out of range for the observation space "
                                 f"{describe_space(space)}")
            return values.astype(np.int64), scalar
        shape = tuple(space.shape)
        if values.shape == shape:
            return values.reshape(1, -1), True
        if values.ndim == len(shape) + 1 and values.shape[1:] == shape:
            return values.reshape(len(values), -1), False
        raise ValueError(f"observation has shape {values.shape}; this learner expects {shape} "
                         f"or (n, {', '.join(map(str, shape))})")

    # -- evaluation --------------------------------------------------------

    def evaluate(self, env, n_episodes=100, *, seed=None, deterministic=True, max_episode_steps=None):
        """Mean and standard deviation of the return over whole episodes.

        Parameters
        ----------
        env : str or gymnasium.Env
            As for fit; an id is made afresh (native when zoo has it).
        n_episodes : int, default=100
        seed : int, optional
            Seeds the first reset; later episodes continue the environment's generator.
        deterministic : bool, default=True
        max_episode_steps : int, optional
            Cut each episode after this many steps (with a RuntimeWarning
            saying how many were cut). By default, episodes run until the
            environment ends them, and for an environment with no time limit
            of its own they are cut at 10,000 steps, so that a policy that
            never reaches a terminal state cannot hang the evaluation.

        Returns
        -------
        (float, float)
            Mean and standard deviation of the episode returns.
        """
        returns = self.episode_returns(env, n_episodes, seed=seed, deterministic=deterministic,
                                       max_episode_steps=max_episode_steps)
        return float(np.mean(returns)), float(np.std(returns))

    def episode_returns(self, env, n_episodes, *, seed=None, deterministic=True, max_episode_steps=None) -> np.ndarray:
        """The return of each of `n_episodes` episodes played by the policy."""
        if not hasattr(self, "num_timesteps_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit first.")
        check_in_range(n_episodes, name="n_episodes", low=1, integral=True, estimator=self)
        if max_episode_steps is not None:
            check_in_range(max_episode_steps, name="max_episode_steps", low=1, high=INT64_MAX, integral=True,
                           estimator=self)
        if seed is not None:
            # gymnasium seeds a 128-bit generator from a non-negative int.
            check_in_range(seed, name="seed", low=0, high=2**128 - 1, integral=True, estimator=self)
        from zoo.rl._rollout import play_episodes  # noqa: PLC0415  (keeps the import graph acyclic)

        return play_episodes(self, env, int(n_episodes), seed, bool(deterministic), max_episode_steps)
