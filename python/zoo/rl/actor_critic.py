"""Advantage actor-critic (A2C): zoo.ActorCritic.

Mnih et al., "Asynchronous Methods for Deep Reinforcement Learning", ICML
2016, in its synchronous form (A2C, as OpenAI Baselines and
Stable-Baselines3 run it): `n_envs` copies of the environment step together
for `n_steps`; the rollout's advantages are n-step returns minus the
critic's values, or generalised advantage estimates (Schulman et al., ICLR
2016) with gae_lambda < 1; then one gradient step on
    -mean(A log pi(a|s)) - ent_coef mean(H[pi(.|s)]) + vf_coef mean((V(s) - G)^2).

With a native environment the whole loop (acting, stepping every copy,
recording, advantages, updates) runs in C++
(cpp/src/rl/policy_gradient_collect.cpp); with a Python gymnasium
environment, a gymnasium SyncVectorEnv steps the copies and C++ acts and
learns.
"""

from __future__ import annotations

from numbers import Integral, Real

import gymnasium
import numpy as np
from gymnasium.vector import AutoresetMode, SyncVectorEnv

from zoo import _core
from zoo.base import Interval
from zoo.envs import native as native_envs
from zoo.nn.optimizers import RMSprop, get_optimizer
from zoo.rl._env import EnvHandle
from zoo.rl._base import NETWORK_CONSTRAINTS, RUN_CONSTRAINTS
from zoo.rl._policy import PolicyGradientLearner, flat_observations, summed_logs


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
        self._copies = self._rollout = None

    def _runner(self, handle: EnvHandle, until: int):
        if handle.native:
            return _NativeRunner(self, handle)
        return _PythonRunner(self, handle)

    # -- persistence -------------------------------------------------------

    def _save_state(self):
        # The native copies' episodes and the rollout in progress, so that a
        # loaded learner carries on exactly.
        state = super()._save_state()
        if getattr(self, "_copies", None) is not None:
            state["_copies_arrays_"] = list(self._copies.arrays())
            state["_rollout_arrays_"] = list(self._rollout.arrays())
        return state

    def _load_state(self, state):
        state = dict(state)
        copies, rollout = state.pop("_copies_arrays_", None), state.pop("_rollout_arrays_", None)
        self._copies = _Copies.from_arrays(*copies) if copies is not None else None
        self._rollout = _Rollout.from_arrays(*rollout) if rollout is not None else None
        super()._load_state(state)


class _Copies:
    """Copies of a native environment with their running episodes: the
    arrays a2c_collect carries between chunks."""

    def __init__(self, core, n: int, seed: int):
        self.env_states = np.zeros((n, core.state_bytes // 8), dtype=np.uint64)
        self.observations = np.zeros((n, core.observation_size), dtype=np.float32)
        self.elapsed = np.zeros(n, dtype=np.int64)
        self.episode_returns = np.zeros(n, dtype=np.float64)
        # As Stable-Baselines3's make_vec_env: copy i is seeded with seed + i.
        for i in range(n):
            native_envs.reset(core, self.env_states[i], self.observations[i], seed=seed + i)

    def arrays(self) -> tuple:
        return (self.env_states, self.observations, self.elapsed, self.episode_returns)

    @classmethod
    def from_arrays(cls, env_states, observations, elapsed, episode_returns) -> "_Copies":
        copies = cls.__new__(cls)
        dtypes = (np.uint64, np.float32, np.int64, np.float64)
        (copies.env_states, copies.observations, copies.elapsed,
         copies.episode_returns) = (np.array(a, dtype=t) for a, t in zip((env_states, observations, elapsed,
                                                                          episode_returns), dtypes))
        return copies


class _Rollout:
    """n_steps x n_envs steps of experience, filled across chunks."""

    def __init__(self, n_steps: int, n_envs: int, obs_size: int):
        self.observations = np.zeros((n_steps, n_envs, obs_size), dtype=np.float32)
        self.actions = np.zeros((n_steps, n_envs), dtype=np.int64)
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

    def fits(self, n_steps: int, n_envs: int, obs_size: int) -> bool:
        return self.observations.shape == (n_steps, n_envs, obs_size)

    @classmethod
    def from_arrays(cls, *arrays) -> "_Rollout":
        rollout = cls.__new__(cls)
        names = ("observations", "actions", "rewards", "episode_starts", "values", "advantages", "returns",
                 "next_starts", "meta")
        for name, array in zip(names, arrays):
            setattr(rollout, name, np.array(array, dtype=np.int64 if name in ("actions", "meta") else np.float32))
        return rollout


class _NativeRunner:
    """The whole loop in C++: every copy stepped, recorded and learned from."""

    def __init__(self, model: ActorCritic, handle: EnvHandle):
        self.model, self.handle = model, handle
        self.config = model._pg_config()
        core = handle.core
        n_envs, obs_size = int(model.n_envs), int(core.observation_size)
        copies = getattr(model, "_copies", None)
        if copies is None or copies.env_states.shape != (n_envs, core.state_bytes // 8):
            model._copies, model._rollout = _Copies(core, n_envs, model._episode_seed), None
        if model._rollout is None or not model._rollout.fits(int(model.n_steps), n_envs, obs_size):
            model._rollout = _Rollout(int(model.n_steps), n_envs, obs_size)
        self.copies, self.rollout = model._copies, model._rollout

    def run(self, n_steps: int):
        m = self.model
        actor, critic = m._networks()
        _, returns, lengths, n_updates, stats_sum, m.n_updates_ = _core.a2c_collect(
            self.handle.core, *self.copies.arrays(), actor, critic, *m._policy_arrays(), self.config,
            *self.rollout.arrays(), float(m.gamma), float(m.gae_lambda), int(self.handle.max_episode_steps or 0),
            m.n_updates_, n_steps, m.rng_state_)
        return returns, lengths, summed_logs([(n_updates, stats_sum)])


def _vector_env(model: ActorCritic, handle: EnvHandle) -> SyncVectorEnv:
    """n_envs copies of a gymnasium environment, reset on the step that ends
    an episode (the final observation comes in the infos)."""
    env = handle.gym_env
    n = int(model.n_envs)
    if n > 1 and getattr(env, "spec", None) is None:
        raise ValueError(f"n_envs={n} needs copies of the environment, made from its spec, and this environment "
                         "has none; pass a gymnasium id or n_envs=1")
    makers = [lambda: env] + [lambda: gymnasium.make(env.spec) for _ in range(n - 1)]
    return SyncVectorEnv(makers, autoreset_mode=AutoresetMode.SAME_STEP)


class _PythonRunner:
    """A gymnasium SyncVectorEnv steps the copies; C++ acts and learns. The
    same steps as a2c_collect in C++."""

    def __init__(self, model: ActorCritic, handle: EnvHandle):
        self.model = model
        self.config = model._pg_config()
        self.head = model._head()
        self.envs = _vector_env(model, handle)
        n_envs, n_steps = int(model.n_envs), int(model.n_steps)
        self.obs_size = int(np.prod(model.observation_space_.shape))
        # As Stable-Baselines3's make_vec_env: copy i is seeded with seed + i.
        self.obs = flat_observations(self.envs.reset(seed=[model._episode_seed + i for i in range(n_envs)])[0],
                                     self.obs_size)
        self.episode_returns = np.zeros(n_envs)
        self.episode_lengths = np.zeros(n_envs, dtype=np.int64)
        self.rollout = _Rollout(n_steps, n_envs, self.obs_size)
        if self.head.gaussian:
            self.rollout.actions = np.zeros((n_steps, n_envs, self.head.dim), dtype=np.float32)

    def run(self, n_steps: int):
        m, r = self.model, self.rollout
        n_envs = int(m.n_envs)
        returns, lengths, stats = [], [], []
        # Whole vector steps only; a remainder is owed to the next chunk.
        owed = int(r.meta[1]) + n_steps
        r.meta[1] = owed % n_envs
        for _ in range(owed // n_envs):
            t = int(r.meta[0])
            # Act in every copy: a ~ pi(.|s), with V(s) for the advantages.
            r.observations[t] = self.obs
            r.episode_starts[t] = r.next_starts
            actions, r.values[t] = m._sample(self.config, self.obs, with_values=True)
            r.actions[t] = actions
            obs, rewards, terminated, truncated, infos = self.envs.step(self.head.to_env(actions))
            rewards = np.asarray(rewards, dtype=np.float32)
            self.episode_returns += rewards
            self.episode_lengths += 1
            # A time limit is not the MDP's end: the return goes on as gamma V(s_final).
            cut = np.flatnonzero(np.logical_and(truncated, np.logical_not(terminated)))
            if len(cut):
                final = flat_observations(np.stack([infos["final_obs"][i] for i in cut]), self.obs_size)
                rewards[cut] += np.float32(m.gamma) * m._values(self.config, final)
            r.rewards[t] = rewards
            done = np.logical_or(terminated, truncated)
            for i in np.flatnonzero(done):
                returns.append(float(self.episode_returns[i]))
                lengths.append(int(self.episode_lengths[i]))
            self.episode_returns[done] = 0.0
            self.episode_lengths[done] = 0
            self.obs = flat_observations(obs, self.obs_size)
            r.next_starts[:] = done
            r.meta[0] = t + 1
            if r.meta[0] == int(m.n_steps):
                r.meta[0] = 0
                stats.append(self._learn())
        return returns, lengths, summed_logs([(1, s) for s in stats])

    def _learn(self):
        m, r = self.model, self.rollout
        # Bootstrap from V(s_T) (unless s_T starts an episode) and estimate the advantages ...
        last_values = m._values(self.config, self.obs)
        advantages, returns = _core.pg_gae(r.rewards, r.values, r.episode_starts, last_values, r.next_starts,
                                           float(m.gamma), float(m.gae_lambda))
        # ... then one step on the actor-critic loss over the whole rollout.
        n = r.rewards.size
        actions = r.actions.reshape(n, -1) if self.head.gaussian else r.actions.reshape(n)
        return m._update(self.config, r.observations.reshape(n, self.obs_size), actions, advantages.reshape(n),
                         returns.reshape(n))
