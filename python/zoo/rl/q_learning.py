"""Tabular temporal-difference control: zoo.QLearning.

Watkins and Dayan, "Q-learning", Machine Learning 8 (1992); Rummery and
Niranjan, "On-line Q-learning using connectionist systems", CUED/F-INFENG/TR
166 (1994), for SARSA; van Seijen, van Hasselt, Whiteson and Wiering, "A
theoretical and empirical analysis of Expected Sarsa", IEEE ADPRL (2009).

The whole loop runs in C++ (cpp/src/rl/q_learning.cpp), on zoo's native
environments and on Python gymnasium ones alike.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np


from zoo import _core
from zoo._fitted_state import Array, optional
from zoo.base import Interval, Options
from zoo.rl._base import RUN_CONSTRAINTS, RLLearner
from zoo.rl._env import EnvHandle, describe_space, loop_copies, require_discrete

METHODS = {
    "q_learning": _core.TdMethod.q_learning,
    "sarsa": _core.TdMethod.sarsa,
    "expected_sarsa": _core.TdMethod.expected_sarsa,
}
EPSILON_DECAYS = {"linear": _core.EpsilonDecay.linear, "exponential": _core.EpsilonDecay.exponential}


MAX_STATES = 2**24


class QLearning(RLLearner):
    """Tabular Q-learning, SARSA and expected SARSA with epsilon-greedy exploration.

    The model is a table Q(s, a) over a Discrete observation space and a
    Discrete action space. Each step takes an epsilon-greedy action A in
    state S, observes R and S', and moves Q(S, A) towards the target
    R + gamma V(S') by a step of size alpha, where V(S') is

    - ``"q_learning"``: max_a Q(S', a), the greedy policy's value (off-policy;
      Watkins and Dayan 1992);
    - ``"sarsa"``: Q(S', A') for the action A' the policy then takes
      (on-policy; Rummery and Niranjan 1994);
    - ``"expected_sarsa"``: the epsilon-greedy policy's expectation
      sum_a pi(a | S') Q(S', a) (van Seijen et al. 2009).

    A terminal S' is worth 0; an episode cut by a time limit still
    bootstraps from S', since the limit is not part of the task.

    Parameters
    ----------
    learning_rate : float, default=0.1
        The step size alpha.
    gamma : float, default=0.99
        Discount factor.
    method : {"q_learning", "sarsa", "expected_sarsa"}, default="q_learning"
    epsilon : float, default=1.0
        Exploration rate at the start of training.
    epsilon_min : float, default=0.05
        Exploration rate the schedule decays to and stays at.
    epsilon_decay : {"linear", "exponential"}, default="linear"
        "linear": epsilon falls linearly from `epsilon` to `epsilon_min` over
        the first `exploration_fraction` of the steps of the fit, as in
        Stable-Baselines3. "exponential": after e finished episodes epsilon is
        max(epsilon_min, epsilon * epsilon_decay_rate ** e).
    exploration_fraction : float, default=0.5
        Linear schedule only.
    epsilon_decay_rate : float, default=0.999
        Exponential schedule only: the per-episode multiplier, in (0, 1].
    learning_rate_decay : float or None, default=None
        None: alpha stays `learning_rate`. A number in (0, 1]: after e
        finished episodes alpha is max(learning_rate_min,
        learning_rate * learning_rate_decay ** e); a decaying step size lets the
        table settle on stochastic environments.
    learning_rate_min : float, default=0.0
        Floor of the decaying step size.
    initial_q : float, default=0.0
        Every entry of the table at the start. A value above the returns the
        environment can give ("optimism") makes the greedy policy try every
        action.
    callbacks : list of zoo.nn.callbacks.Callback, optional
        Called after every chunk of `chunk_steps` environment steps with logs
        (mean_return over the last 100 episodes, epsilon, learning_rate,
        timesteps).
    verbose : int, default=0
        1 shows a progress bar.
    random_state : int, Generator or None
        Seeds exploration and the environment's first reset.

    Attributes
    ----------
    q_table_ : ndarray of shape (n_states, n_actions), float64
        The action values; ``predict`` is its row-wise argmax.
    rng_state_ : ndarray of shape (4,), uint64
        The exploration generator's state, carried across chunks and fits.
    num_timesteps_ : int
    history_ : dict
        "episode_return" and "episode_length" of every finished training episode.

    Examples
    --------
    >>> from zoo import QLearning
    >>> model = QLearning(random_state=0).fit("CliffWalking-v1", total_timesteps=50_000)  # doctest: +SKIP
    >>> model.evaluate("CliffWalking-v1", n_episodes=1)  # doctest: +SKIP
    (-13.0, 0.0)
    """

    # A native chunk of 10,000 steps takes well under a millisecond, so Python
    # (callbacks, Ctrl-C, the history) still regains control often, and its
    # per-chunk bookkeeping stays small next to the C++ work.
    chunk_steps = 10_000

    _parameter_aliases = {
        **dict.fromkeys(("policy", "policy_kwargs", "net_arch", "activation_fn"),
                        "QLearning keeps a table Q(s, a) over discrete states and actions: there is no "
                        "network to shape (zoo.DQN has one)"),
        "alpha": "the step size alpha is learning_rate=...",
        "discount_factor": "the discount factor is gamma=...",
        "exploration_initial_eps": "the starting exploration rate is epsilon=...",
        "exploration_final_eps": "the final exploration rate is epsilon_min=...",
        "n_episodes": "fit counts environment steps, not episodes: fit(env, total_timesteps=...)",
    }

    _parameter_constraints = {
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "gamma": [Interval(Real, 0, 1, closed="both")],
        "method": [Options(set(METHODS))],
        "epsilon": [Interval(Real, 0, 1, closed="both")],
        "epsilon_min": [Interval(Real, 0, 1, closed="both")],
        "epsilon_decay": [Options(set(EPSILON_DECAYS))],
        "exploration_fraction": [Interval(Real, 0, 1, closed="both")],
        "epsilon_decay_rate": [Interval(Real, 0, 1, closed="right")],
        "learning_rate_decay": [None, Interval(Real, 0, 1, closed="right")],
        "learning_rate_min": [Interval(Real, 0, None, closed="left")],
        "initial_q": [Interval(Real, -math.inf, math.inf, closed="neither")],  # finite
        **{name: RUN_CONSTRAINTS[name] for name in ("callbacks", "verbose", "random_state")},
    }
    _fitted_state = {
        "q_table_": Array(("n_states", "n_actions"), np.float64),
        "_next_action_": optional(Array((1,), np.int64)),  # SARSA's action chosen for the next step
    }

    def __init__(self, *, learning_rate=0.1, gamma=0.99, method="q_learning", epsilon=1.0, epsilon_min=0.05,
                 epsilon_decay="linear", exploration_fraction=0.5, epsilon_decay_rate=0.999,
                 learning_rate_decay=None, learning_rate_min=0.0, initial_q=0.0, callbacks=None, verbose=0,
                 random_state=None):
        self.learning_rate = learning_rate
        self.gamma = gamma
        self.method = method
        self.epsilon = epsilon
        self.epsilon_min = epsilon_min
        self.epsilon_decay = epsilon_decay
        self.exploration_fraction = exploration_fraction
        self.epsilon_decay_rate = epsilon_decay_rate
        self.learning_rate_decay = learning_rate_decay
        self.learning_rate_min = learning_rate_min
        self.initial_q = initial_q
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state

    # -- the model ---------------------------------------------------------

    def _check_spaces(self, handle: EnvHandle) -> None:
        n_states = require_discrete(self, handle.observation_space, "observation")
        require_discrete(self, handle.action_space, "action")
        # States cross the C++ loop as float32 observations, exact up to 2**24.
        if n_states > MAX_STATES:
            raise ValueError(f"QLearning takes at most {MAX_STATES} states; this environment's observation space is "
                             f"{describe_space(handle.observation_space)}")

    def _setup(self, handle: EnvHandle, seed: int) -> None:
        n_states = require_discrete(self, handle.observation_space, "observation")
        n_actions = require_discrete(self, handle.action_space, "action")
        rng = np.random.default_rng(seed)
        self.q_table_ = np.full((n_states, n_actions), float(self.initial_q))
        # xoshiro256++ must not start from the all-zero state; an odd word rules it out.
        self.rng_state_ = rng.integers(0, 2**63, size=4, dtype=np.uint64) | np.uint64(1)
        self._episode_seed = int(rng.integers(0, 2**63))
        self._episode = None
        self._next_action = np.full(1, -1, dtype=np.int64)

    def _config(self, until: int) -> "_core.TabularConfig":
        config = _core.TabularConfig()
        config.method = METHODS[self.method]
        config.gamma = float(self.gamma)
        config.learning_rate = float(self.learning_rate)
        config.learning_rate_decay = 1.0 if self.learning_rate_decay is None else float(self.learning_rate_decay)
        config.learning_rate_min = float(self.learning_rate_min)
        config.epsilon_decay = EPSILON_DECAYS[self.epsilon_decay]
        config.epsilon_start = float(self.epsilon)
        config.epsilon_min = float(self.epsilon_min)
        config.exploration_fraction = float(self.exploration_fraction)
        config.epsilon_decay_rate = float(self.epsilon_decay_rate)
        config.num_timesteps = int(self.num_timesteps_)
        config.total_timesteps = int(until)
        config.num_episodes = len(self.history_["episode_return"])
        return config

    def _runner(self, handle: EnvHandle, until: int):
        return _Runner(self, handle, until)

    def _act(self, observations: np.ndarray, deterministic: bool) -> np.ndarray:
        # np.argmax takes the lowest index among ties, as the C++ loop does.
        greedy = self.q_table_[observations].argmax(axis=1)
        if deterministic:
            return greedy
        # The policy's own exploration: epsilon-greedy at the final epsilon.
        rng = np.random.default_rng()
        explore = rng.random(len(greedy)) < self.epsilon_min
        return np.where(explore, rng.integers(0, self.q_table_.shape[1], len(greedy)), greedy)

    @staticmethod
    def _chunk_logs(config, n_steps: int, n_finished: int) -> dict:
        """The schedules' values where a chunk ended."""
        episodes = config.num_episodes + n_finished
        return {"epsilon": _core.tabular_epsilon(config, config.num_timesteps + n_steps, episodes),
                "learning_rate": _core.tabular_learning_rate(config, episodes)}

    # -- persistence -------------------------------------------------------

    def _save_state(self):
        state = super()._save_state()
        if hasattr(self, "_next_action"):
            state["_next_action_"] = self._next_action  # SARSA's action chosen for the next step
        return state

    def _load_state(self, state):
        state = dict(state)
        if "_next_action_" in state:
            self._next_action = np.array(state.pop("_next_action_"), dtype=np.int64).reshape(1)
        super()._load_state(state)


class _Runner:
    """The whole loop in C++, `n_steps` per call, on either kind of environment."""

    def __init__(self, model: QLearning, handle: EnvHandle, until: int):
        self.model, self.until = model, until
        self.copies, fresh = loop_copies(model, handle)
        if fresh:
            # SARSA's chosen next action belongs to the episode it was chosen in.
            model._next_action[0] = -1

    def run(self, n_steps: int):
        m = self.model
        config = m._config(self.until)
        returns, lengths = _core.tabular_collect(self.copies, m._next_action, m.q_table_, config, n_steps,
                                                 m.rng_state_)
        return returns, lengths, m._chunk_logs(config, n_steps, len(returns))
