"""Advantage actor-critic (A2C): zoo.ActorCritic.

Mnih et al., "Asynchronous Methods for Deep Reinforcement Learning", ICML
2016, in its synchronous form (A2C, as OpenAI Baselines and
Stable-Baselines3 run it): `n_envs` copies of the environment step together
for `n_steps`; the rollout's advantages are n-step returns minus the
critic's values, or generalised advantage estimates (Schulman et al., ICLR
2016) with gae_lambda < 1; then one gradient step on
    -mean(A log pi(a|s)) - ent_coef mean(H[pi(.|s)]) + vf_coef mean((V(s) - G)^2).

The whole loop (acting, stepping every copy, recording, advantages,
updates) runs in C++ (cpp/src/rl/policy_gradient_collect.cpp), on copies of
zoo's native environments and of Python gymnasium ones alike.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, Either, Items, optional
from zoo.base import Interval
from zoo.nn.optimizers import RMSprop, get_optimizer
from zoo.rl._env import EnvHandle, loop_copies
from zoo.rl._base import EPISODE_ARRAYS, NETWORK_CONSTRAINTS, RUN_CONSTRAINTS
from zoo.rl._native import NativeEpisode
from zoo.rl._policy import PolicyGradientLearner, summed_logs


class ActorCritic(PolicyGradientLearner):
    """Synchronous advantage actor-critic (A2C).

    Mnih et al. (2016); generalised advantage estimation from Schulman et
    al. (2016). Parameters follow Stable-Baselines3's A2C. The policy is a
    softmax over logits for Discrete actions, a Gaussian with learned,
    state-independent log standard deviations for Box actions. A time limit
    does not end the return: the reward of a truncated step gains gamma
    V(s_final), as Stable-Baselines3 does.

    Step budget: on CartPole-v1 the defaults (8 copies, as
    rl-baselines3-zoo's tuned settings) reach a mean return of 500 over 100
    evaluation episodes within 200,000 steps (checked for random_state 0
    to 4; about 2 s with the native environment).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 64)
        Hidden layers of the actor and of the critic (or of their shared trunk).
    activation : str, default="tanh"
    optimizer : str or zoo.nn optimizer, default="rmsprop"
        "rmsprop" is Stable-Baselines3's A2C optimizer, RMSprop(rho=0.99,
        epsilon=1e-5); other names and optimizer objects as in zoo.nn.
    learning_rate : float, default=7e-4
    n_steps : int, default=5
        Steps per environment copy between updates.
    n_envs : int, default=8
        Environment copies stepped together. With a gymnasium Env object,
        the extra copies are made from its spec.
    gamma : float, default=0.99
    gae_lambda : float, default=1.0
        1 gives A2C's n-step returns; below 1, generalised advantage estimation.
    ent_coef : float, default=0.0
    vf_coef : float, default=0.5
        Weight of the value loss.
    max_grad_norm : float or None, default=0.5
        Clip the gradient of all parameters together to this global norm.
    normalize_advantage : bool, default=False
    shared : bool, default=False
        One network for both: the critic is one more output of the actor's
        last layer. False (Stable-Baselines3's default) keeps two networks.
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
        The actor's flat parameters (logits or means, then V(s) when shared).
    log_std_ : ndarray or None
        Gaussian policies: the log standard deviation of each action dimension.
    critic_params_ : ndarray or None
        The separate critic's flat parameters (None when shared).
    actor_optimizer_state_, log_std_optimizer_state_, critic_optimizer_state_ : ndarray or None
    n_updates_ : int
    num_timesteps_ : int
        Environment steps over all copies.
    history_ : dict
        "episode_return" and "episode_length" of every finished training episode.
    """

    _parameter_aliases = {
        "use_rms_prop": "the optimizer is optimizer=... (\"rmsprop\", the default, is Stable-Baselines3's "
                        "RMSprop, with rho 0.99 and epsilon 1e-5; \"adam\" or an object such as zoo.nn.Adam() "
                        "also work)",
        "rms_prop_eps": "RMSprop's epsilon belongs to the optimizer: "
                        "optimizer=zoo.nn.RMSprop(rho=0.99, epsilon=...)",
        **dict.fromkeys(("rollout_buffer_class", "rollout_buffer_kwargs"),
                        "the rollout buffer is built in; it holds n_steps=... steps of each of the n_envs=... "
                        "environment copies"),
    }
    _parameter_constraints = {
        **NETWORK_CONSTRAINTS,
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "n_envs": [Interval(Integral, 1, None, closed="left")],
        "gamma": [Interval(Real, 0, 1, closed="both")],
        "gae_lambda": [Interval(Real, 0, 1, closed="both")],
        "ent_coef": [Interval(Real, 0, None, closed="left")],
        "vf_coef": [Interval(Real, 0, None, closed="left")],
        "max_grad_norm": [None, Interval(Real, 0, None, closed="neither")],
        "normalize_advantage": ["boolean"],
        "shared": ["boolean"],
        **RUN_CONSTRAINTS,
    }
    # The rollout in progress (_Rollout.arrays()): observations, actions,
    # rewards, episode starts, values, advantages, returns, next starts,
    # and the steps filled. zoo 0.1 saved the episodes as _copies_arrays_.
    _fitted_state = {
        "_rollout_arrays_": optional(Items(
            Array(("n_steps", "n_envs", "obs_size"), np.float32),
            Either(Array(("n_steps", "n_envs"), np.int64), Array(("n_steps", "n_envs", "action_dim"), np.float32)),
            *[Array(("n_steps", "n_envs"), np.float32)] * 5,
            Array(("n_envs",), np.float32),
            Array((2,), np.int64),
        )),
        "_copies_arrays_": optional(EPISODE_ARRAYS),
    }

    def __init__(self, hidden_layer_sizes=(64, 64), *, activation="tanh", optimizer="rmsprop", learning_rate=7e-4,
                 n_steps=5, n_envs=8, gamma=0.99, gae_lambda=1.0, ent_coef=0.0, vf_coef=0.5, max_grad_norm=0.5,
                 normalize_advantage=False, shared=False, callbacks=None, verbose=0, random_state=None, n_jobs=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.n_steps = n_steps
        self.n_envs = n_envs
        self.gamma = gamma
        self.gae_lambda = gae_lambda
        self.ent_coef = ent_coef
        self.vf_coef = vf_coef
        self.max_grad_norm = max_grad_norm
        self.normalize_advantage = normalize_advantage
        self.shared = shared
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- the model ---------------------------------------------------------

    def _critic_kind(self):
        return _core.PgCriticKind.shared if self.shared else _core.PgCriticKind.separate

    def _optimizers(self):
        # Stable-Baselines3's A2C: RMSprop with alpha 0.99 and eps 1e-5.
        optimizer = RMSprop(rho=0.99, epsilon=1e-5) if self.optimizer == "rmsprop" else get_optimizer(self.optimizer)
        return optimizer, optimizer

    def _configure(self, config) -> None:
        # One loss, one optimizer step, one norm over every parameter, as A2C.
        config.vf_coef = float(self.vf_coef)
        config.clip_jointly = True

    def _setup(self, handle: EnvHandle, seed: int) -> None:
        super()._setup(handle, seed)
        self._rollout = None

    def _runner(self, handle: EnvHandle, until: int):
        return _Runner(self, handle)

    # -- persistence -------------------------------------------------------

    def _save_state(self):
        # The rollout in progress (the copies' episodes are saved as every
        # learner's are), so that a loaded learner carries on exactly.
        state = super()._save_state()
        if getattr(self, "_rollout", None) is not None:
            state["_rollout_arrays_"] = list(self._rollout.arrays())
        return state

    def _load_state(self, state):
        state = dict(state)
        copies, rollout = state.pop("_copies_arrays_", None), state.pop("_rollout_arrays_", None)
        self._rollout = _Rollout.from_arrays(*rollout) if rollout is not None else None
        super()._load_state(state)
        if copies is not None:  # saved by zoo 0.1, before every learner saved its copies alike
            self._episode = NativeEpisode.from_arrays(*copies)


class _Rollout:
    """n_steps x n_envs steps of experience, filled across chunks. Actions
    are int64 for Discrete action spaces, float32 rows of `action_dim`
    values for Box ones."""

    def __init__(self, n_steps: int, n_envs: int, obs_size: int, action_dim: int | None = None):
        self.observations = np.zeros((n_steps, n_envs, obs_size), dtype=np.float32)
        self.actions = (np.zeros((n_steps, n_envs), dtype=np.int64) if action_dim is None
                        else np.zeros((n_steps, n_envs, action_dim), dtype=np.float32))
        self.rewards = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.episode_starts = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.values = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.advantages = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.returns = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.next_starts = np.ones(n_envs, dtype=np.float32)  # the first observations start episodes
        self.meta = np.zeros(2, dtype=np.int64)  # steps of each copy recorded, steps owed (< n_envs)

    def arrays(self) -> tuple:
        return (self.observations, self.actions, self.rewards, self.episode_starts, self.values, self.advantages,
                self.returns, self.next_starts, self.meta)

    def view(self) -> "_core.Rollout":
        """The arrays as the C++ loop takes them (zero-copy)."""
        return _core.Rollout(*self.arrays())

    def fits(self, n_steps: int, n_envs: int, obs_size: int, action_dim: int | None) -> bool:
        actions = (n_steps, n_envs) if action_dim is None else (n_steps, n_envs, action_dim)
        return self.observations.shape == (n_steps, n_envs, obs_size) and self.actions.shape == actions

    @classmethod
    def from_arrays(cls, *arrays) -> "_Rollout":
        rollout = cls.__new__(cls)
        names = ("observations", "actions", "rewards", "episode_starts", "values", "advantages", "returns",
                 "next_starts", "meta")
        for name, array in zip(names, arrays):
            array = np.asarray(array)
            integral = name == "meta" or (name == "actions" and np.issubdtype(array.dtype, np.integer))
            setattr(rollout, name, np.array(array, dtype=np.int64 if integral else np.float32))
        return rollout


class _Runner:
    """A2C's loop in C++ over n_envs copies, on either kind of environment.
    The views over the learner's arrays are built once per fit."""

    def __init__(self, model: ActorCritic, handle: EnvHandle):
        self.model = model
        self.config = model._pg_config()
        n_envs, n_steps = int(model.n_envs), int(model.n_steps)
        self.copies, fresh = loop_copies(model, handle, n_envs)
        head = model._head()
        obs_size, action_dim = int(np.prod(model.observation_space_.shape)), head.dim if head.gaussian else None
        rollout = getattr(model, "_rollout", None)
        if fresh or rollout is None or not rollout.fits(n_steps, n_envs, obs_size, action_dim):
            model._rollout = _Rollout(n_steps, n_envs, obs_size, action_dim)
        self.rollout = model._rollout.view()
        self.policy = model._policy_state()
        self.schedule = _core.A2cSchedule()
        self.schedule.gamma = float(model.gamma)
        self.schedule.gae_lambda = float(model.gae_lambda)

    def run(self, n_steps: int):
        m = self.model
        _, returns, lengths, n_updates, stats_sum = _core.a2c_collect(
            self.copies, self.policy, self.config, self.rollout, self.schedule, n_steps, m.rng_state_)
        m._count_updates(self.policy)
        return returns, lengths, summed_logs([(n_updates, stats_sum)])
