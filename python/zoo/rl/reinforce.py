"""REINFORCE: zoo.REINFORCE.

Williams, "Simple statistical gradient-following algorithms for
connectionist reinforcement learning", Machine Learning 8 (1992): play whole
episodes with the stochastic policy pi(a|s), then ascend
    sum_t (G_t - b(s_t)) grad log pi(a_t|s_t),
where G_t is the discounted reward-to-go and b(s_t) an optional learned
baseline, a value network fitted to the returns (Sutton and Barto,
"Reinforcement Learning: An Introduction", 2nd ed., section 13.4).

The whole loop (acting, stepping, recording, returns, updates) runs in C++
(cpp/src/rl/policy_gradient_collect.cpp), on zoo's native environments and
on Python gymnasium ones alike.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, Either, Items, optional
from zoo.base import Interval
from zoo.nn.optimizers import get_optimizer
from zoo.rl._env import EnvHandle, loop_copies
from zoo.rl._base import NETWORK_CONSTRAINTS, RUN_CONSTRAINTS
from zoo.rl._policy import PolicyGradientLearner, summed_logs


class REINFORCE(PolicyGradientLearner):
    """Monte-Carlo policy gradient with an optional learned value baseline.

    Williams (1992). The policy is a network over observations: a softmax
    over logits for Discrete actions, a Gaussian with learned,
    state-independent log standard deviations for Box actions (as
    Stable-Baselines3's policies). After every `n_episodes_per_update`
    finished episodes (or, with `batch_steps`, once the finished episodes
    hold that many steps), one gradient step on
    ``-mean((G_t - V(s_t)) log pi(a_t|s_t)) - ent_coef * mean(entropy)``,
    and with `baseline` one step of the value network on ``mean((V(s_t) - G_t)^2)``.
    A time limit ends an episode like termination does.

    Step budget: on CartPole-v1 the defaults reach a mean return of at
    least 475 over 100 evaluation episodes within 200,000 steps (checked
    for random_state 0 to 4; about 1.5 s with the native environment).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 64)
        Hidden layers of the policy network (and of the value network).
    activation : str, default="tanh"
    optimizer : str or zoo.nn optimizer, default="adam"
        For both networks.
    learning_rate : float, default=1e-3
        The policy's learning rate.
    gamma : float, default=0.99
        Discount factor of the returns.
    baseline : bool, default=True
        Learn a value network V(s) and use G_t - V(s_t) as the advantage.
    value_learning_rate : float or None, default=None
        The value network's learning rate; None uses `learning_rate`.
    n_episodes_per_update : int, default=1
        Finished episodes per gradient step.
    batch_steps : int or None, default=None
        When set, update as soon as the finished episodes hold at least this
        many steps instead (`n_episodes_per_update` is then unused).
    ent_coef : float, default=0.0
        Weight of the entropy bonus.
    normalize_advantage : bool, default=True
        Scale each batch's advantages to zero mean and unit variance.
    max_grad_norm : float or None, default=None
        Clip each network's gradient to this global norm.
    callbacks : list of zoo.nn.callbacks.Callback, optional
        Called after every chunk of `chunk_steps` environment steps with logs
        (mean_return over the last 100 episodes, policy_loss, entropy, value_loss).
    verbose : int, default=0
        1 shows a progress bar.
    random_state : int, Generator or None
    n_jobs : int or None
        Threads for the gradient steps.

    Attributes
    ----------
    actor_params_ : ndarray
        The policy network's flat parameters (logits or Gaussian means).
    log_std_ : ndarray or None
        Gaussian policies: the log standard deviation of each action dimension.
    critic_params_ : ndarray or None
        The value network's flat parameters (with `baseline`).
    actor_optimizer_state_, log_std_optimizer_state_, critic_optimizer_state_ : ndarray or None
    n_updates_ : int
    num_timesteps_ : int
    history_ : dict
        "episode_return" and "episode_length" of every finished training episode.
    """

    _parameter_aliases = {
        "n_steps": "REINFORCE learns from whole episodes: n_episodes_per_update=... of them per update, "
                   "or batch_steps=... steps' worth",
        "gae_lambda": "REINFORCE uses full Monte-Carlo returns; zoo.ActorCritic(gae_lambda=...) estimates "
                      "advantages with GAE",
        "vf_coef": "the value network takes its own steps, at value_learning_rate=...",
    }
    _parameter_constraints = {
        **NETWORK_CONSTRAINTS,
        "gamma": [Interval(Real, 0, 1, closed="both")],
        "baseline": ["boolean"],
        "value_learning_rate": [None, Interval(Real, 0, None, closed="neither")],
        "n_episodes_per_update": [Interval(Integral, 1, None, closed="left")],
        "batch_steps": [None, Interval(Integral, 1, None, closed="left")],
        "ent_coef": [Interval(Real, 0, None, closed="left")],
        "normalize_advantage": ["boolean"],
        "max_grad_norm": [None, Interval(Real, 0, None, closed="neither")],
        **RUN_CONSTRAINTS,
    }
    # The steps recorded since the last update (_EpisodeBuffer.recorded()).
    _fitted_state = {
        "_buffer_arrays_": optional(Items(
            Array(("n_recorded", "obs_size"), np.float32),
            Either(Array(("n_recorded",), np.int64), Array(("n_recorded", "action_dim"), np.float32)),
            Array(("n_recorded",), np.float32),
            Array(("n_recorded",), np.float32),
            Array((2,), np.int64),
        )),
    }

    def __init__(self, hidden_layer_sizes=(64, 64), *, activation="tanh", optimizer="adam", learning_rate=1e-3,
                 gamma=0.99, baseline=True, value_learning_rate=None, n_episodes_per_update=1, batch_steps=None,
                 ent_coef=0.0, normalize_advantage=True, max_grad_norm=None, callbacks=None, verbose=0,
                 random_state=None, n_jobs=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.gamma = gamma
        self.baseline = baseline
        self.value_learning_rate = value_learning_rate
        self.n_episodes_per_update = n_episodes_per_update
        self.batch_steps = batch_steps
        self.ent_coef = ent_coef
        self.normalize_advantage = normalize_advantage
        self.max_grad_norm = max_grad_norm
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- the model ---------------------------------------------------------

    def _critic_kind(self):
        return _core.PgCriticKind.separate if self.baseline else _core.PgCriticKind.none

    def _optimizers(self):
        optimizer = get_optimizer(self.optimizer)
        return optimizer, optimizer

    def _critic_learning_rate(self) -> float:
        return float(self.value_learning_rate if self.value_learning_rate is not None else self.learning_rate)

    def _configure(self, config) -> None:
        # The advantage is G_t - V(s_t) with the value network's current estimate.
        config.baseline_advantage = bool(self.baseline)
        # The two networks learn at their own rates: each gradient is clipped on its own.
        config.clip_jointly = False
        config.vf_coef = 0.5

    def _setup(self, handle: EnvHandle, seed: int) -> None:
        super()._setup(handle, seed)
        self._buffer = None

    def _runner(self, handle: EnvHandle, until: int):
        return _Runner(self, handle)

    # -- persistence -------------------------------------------------------

    def _save_state(self):
        # The steps recorded since the last update, so that a loaded learner
        # carries on with the episode in progress exactly.
        state = super()._save_state()
        if getattr(self, "_buffer", None) is not None:
            state["_buffer_arrays_"] = self._buffer.recorded()
        return state

    def _load_state(self, state):
        state = dict(state)
        arrays = state.pop("_buffer_arrays_", None)
        self._buffer = _EpisodeBuffer.from_recorded(*arrays) if arrays is not None else None
        super()._load_state(state)


class _EpisodeBuffer:
    """The steps since the last update, in arrays C++ writes; grown by
    doubling when an episode outlasts them. Actions are int64 for Discrete
    action spaces, float32 rows of `action_dim` values for Box ones."""

    def __init__(self, capacity: int, obs_size: int, action_dim: int | None = None):
        self.observations = np.zeros((capacity, obs_size), dtype=np.float32)
        self.actions = (np.zeros(capacity, dtype=np.int64) if action_dim is None
                        else np.zeros((capacity, action_dim), dtype=np.float32))
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.episode_ends = np.zeros(capacity, dtype=np.float32)
        self.returns = np.zeros(capacity, dtype=np.float32)
        self.meta = np.zeros(2, dtype=np.int64)  # steps stored, episodes finished in them

    def arrays(self) -> tuple:
        return (self.observations, self.actions, self.rewards, self.episode_ends, self.returns, self.meta)

    def view(self) -> "_core.EpisodeBuffer":
        """The arrays as the C++ loop takes them (zero-copy)."""
        return _core.EpisodeBuffer(*self.arrays())

    def _action_dim(self) -> int | None:
        return None if self.actions.ndim == 1 else self.actions.shape[1]

    def fits(self, obs_size: int, action_dim: int | None) -> bool:
        return self.observations.shape[1] == obs_size and self._action_dim() == action_dim

    def grow(self) -> None:
        stored = int(self.meta[0])
        bigger = _EpisodeBuffer(2 * len(self.actions), self.observations.shape[1], self._action_dim())
        for old, new in zip(self.arrays()[:4], bigger.arrays()[:4]):
            new[:stored] = old[:stored]
        bigger.meta[:] = self.meta
        self.__dict__.update(bigger.__dict__)

    def drop_unfinished(self) -> None:
        """Forgets the steps of an episode that will not be continued (its
        environment starts new episodes), keeping the finished ones."""
        ends = np.flatnonzero(self.episode_ends[: int(self.meta[0])])
        self.meta[0] = ends[-1] + 1 if len(ends) else 0

    def recorded(self) -> list:
        stored = int(self.meta[0])
        return [a[:stored] for a in self.arrays()[:4]] + [self.meta]

    @classmethod
    def from_recorded(cls, observations, actions, rewards, episode_ends, meta) -> "_EpisodeBuffer":
        observations, actions = np.asarray(observations, dtype=np.float32), np.asarray(actions)
        buffer = cls(max(1024, 2 * len(observations)), observations.shape[1],
                     None if actions.ndim == 1 else actions.shape[1])
        stored = len(observations)
        buffer.observations[:stored], buffer.actions[:stored] = observations, actions
        buffer.rewards[:stored], buffer.episode_ends[:stored] = rewards, episode_ends
        buffer.meta[:] = meta
        return buffer


class _Runner:
    """REINFORCE's loop in C++, up to `n_steps` per call, on either kind of
    environment. The views over the learner's arrays are built once per fit
    (the buffer's again when it grows)."""

    def __init__(self, model: REINFORCE, handle: EnvHandle):
        self.model = model
        self.config = model._pg_config()
        self.copies, fresh = loop_copies(model, handle)
        head = model._head()
        obs_size, action_dim = int(np.prod(model.observation_space_.shape)), head.dim if head.gaussian else None
        buffer = getattr(model, "_buffer", None)
        if buffer is None or not buffer.fits(obs_size, action_dim):
            episode_steps = handle.max_episode_steps or 1000
            batch = model.batch_steps or 0
            model._buffer = _EpisodeBuffer(max(batch, model.n_episodes_per_update * episode_steps) + episode_steps,
                                           obs_size, action_dim)
        elif fresh:
            model._buffer.drop_unfinished()
        self.buffer = model._buffer.view()
        self.policy = model._policy_state()
        self.schedule = _core.ReinforceSchedule()
        self.schedule.gamma = float(model.gamma)
        self.schedule.n_episodes_per_update = int(model.n_episodes_per_update)
        self.schedule.batch_steps = int(model.batch_steps or 0)

    def run(self, n_steps: int):
        m = self.model
        returns, lengths, stats = [], [], []
        left = n_steps
        while left > 0:
            taken, r, lengths_, n_updates, stats_sum = _core.reinforce_collect(
                self.copies, self.policy, self.config, self.buffer, self.schedule, left, m.rng_state_)
            m._count_updates(self.policy)
            returns.extend(r)
            lengths.extend(lengths_)
            stats.append((n_updates, stats_sum))
            left -= taken
            if left > 0:
                m._buffer.grow()  # an episode outgrew the buffer
                self.buffer = m._buffer.view()
        return returns, lengths, summed_logs(stats)
