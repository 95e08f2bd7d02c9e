"""What REINFORCE and ActorCritic share: the stochastic policy (a categorical
head over Discrete actions, a diagonal Gaussian with a state-independent
learnable log standard deviation over Box actions, as Stable-Baselines3's),
the optional critic, their flat state arrays, the views of them that the C++
kernels take (cpp/bindings/bind_policy_gradient.cpp), and acting.

State, all NumPy arrays held by the learner (saved with it):
    actor_params_       the actor network: obs -> logits or means (then V(s)
                        when the trunk is shared)
    log_std_            Gaussian policies only: one log standard deviation per action dimension
    critic_params_      a separate value network: obs -> V(s), or None
    *_optimizer_state_  the optimizer's moments for each of the three
    rng_state_          the training generator (xoshiro256++ words)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from gymnasium import spaces

from zoo import _core
from zoo._threads import resolve_n_jobs
from zoo.nn.network import Layout, LayerSpec
from zoo.nn.optimizers import get_optimizer
from zoo.rl._base import RLLearner
from zoo.rl._env import EnvHandle, describe_space, require_box_observations


@dataclass(frozen=True)
class ActionHead:
    """How the actor's outputs become actions."""

    kind: "_core.PgActionKind"
    dim: int                      # number of actions (categorical) or action size (Gaussian)
    low: np.ndarray | None = None  # Gaussian: the Box bounds actions are clipped to for the environment
    high: np.ndarray | None = None

    @property
    def gaussian(self) -> bool:
        return self.kind == _core.PgActionKind.gaussian

    def to_env(self, actions: np.ndarray):
        """Actions as the environment takes them: Gaussian samples clipped into the Box."""
        if self.gaussian:
            return np.clip(actions, self.low, self.high)
        return actions


def action_head(owner, space) -> ActionHead:
    """The policy head for an action space, or a clear ValueError."""
    if isinstance(space, spaces.Discrete) and int(space.start) == 0 and int(space.n) >= 2:
        return ActionHead(_core.PgActionKind.categorical, int(space.n))
    if isinstance(space, spaces.Box) and len(space.shape) == 1 and np.issubdtype(space.dtype, np.floating):
        return ActionHead(_core.PgActionKind.gaussian, int(space.shape[0]), space.low.astype(np.float32),
                          space.high.astype(np.float32))
    raise ValueError(f"{type(owner).__name__} needs a Discrete action space starting at 0 with at least 2 actions, "
                     f"or a 1-D Box of floats; this environment has {describe_space(space)}")


def mlp_layout(n_in: int, hidden, n_out: int, activation: str) -> Layout:
    sizes = [n_in, *map(int, np.atleast_1d(hidden)), n_out]
    return Layout([LayerSpec(a, b, activation if i < len(sizes) - 2 else "identity")
                   for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))])


def orthogonal_params(layout: Layout, output_gains, rng: np.random.Generator) -> np.ndarray:
    """Orthogonal weights (Saxe et al. 2014) with zero biases, as
    Stable-Baselines3 initialises its policies: gain sqrt(2) on hidden
    layers; on the last layer one gain per output row (0.01 for the policy
    head, so that the first policy is near uniform, 1 for a value)."""
    params = np.zeros(layout.n_params, dtype=np.float32)
    last = len(layout.specs) - 1
    for index, (spec, where) in enumerate(zip(layout.specs, layout.slices)):
        # QR of a Gaussian matrix gives orthonormal columns; the sign fix makes the draw uniform.
        rows, cols = spec.n_out, spec.n_in
        gaussian = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(gaussian)
        q *= np.sign(np.diag(r))
        weights = q if rows >= cols else q.T  # (n_out, n_in), the engine's storage order
        gains = np.asarray(output_gains, dtype=np.float64).reshape(-1, 1) if index == last else math.sqrt(2.0)
        params[where.weight] = (weights * gains).ravel()
    return params


class PolicyGradientLearner(RLLearner):
    """Base of REINFORCE and ActorCritic (not public). Subclasses say which
    critic they keep (`_critic_kind`), and how they fill the rest of the
    kernel configuration (`_configure`)."""

    # -- spaces and model ---------------------------------------------------

    def _check_spaces(self, handle: EnvHandle) -> None:
        require_box_observations(self, handle.observation_space)
        action_head(self, handle.action_space)

    def _critic_kind(self) -> "_core.PgCriticKind":
        raise NotImplementedError

    def _optimizers(self):
        """The actor's and the critic's optimizer objects."""
        raise NotImplementedError

    def _head(self) -> ActionHead:
        cached = getattr(self, "_cached_head", None)
        if cached is None or cached[0] is not self.action_space_:
            cached = self._cached_head = (self.action_space_, action_head(self, self.action_space_))
        return cached[1]

    def _layouts(self) -> tuple[Layout, Layout | None]:
        """The actor's layout (and the separate critic's), cached with their C++ networks."""
        kind = self._critic_kind()
        source = (self.hidden_layer_sizes, self.activation, self.observation_space_, self.action_space_)
        cached = getattr(self, "_cached_layouts", None)
        if cached is None or cached[1] != kind or any(a is not b for a, b in zip(cached[0], source)):
            n_in = int(np.prod(self.observation_space_.shape))
            n_heads = self._head().dim + (1 if kind == _core.PgCriticKind.shared else 0)
            actor = mlp_layout(n_in, self.hidden_layer_sizes, n_heads, self.activation)
            critic = (mlp_layout(n_in, self.hidden_layer_sizes, 1, self.activation)
                      if kind == _core.PgCriticKind.separate else None)
            cached = (source, kind, actor, critic, actor.network(), critic.network() if critic else None)
            self._cached_layouts = cached
        return cached[2], cached[3]

    def _networks(self):
        self._layouts()
        return self._cached_layouts[4], self._cached_layouts[5]

    def _setup(self, handle: EnvHandle, seed: int) -> None:
        self.observation_space_ = handle.observation_space
        self.action_space_ = handle.action_space
        rng = np.random.default_rng(seed)
        head = self._head()
        actor, critic = self._layouts()
        actor_optimizer, critic_optimizer = self._optimizers()
        shared = self._critic_kind() == _core.PgCriticKind.shared
        self.actor_params_ = orthogonal_params(actor, [0.01] * head.dim + ([1.0] if shared else []), rng)
        self.actor_optimizer_state_ = np.zeros((actor_optimizer.n_slots(), actor.n_params), dtype=np.float32)
        # Stable-Baselines3 starts the Gaussian's log standard deviations at 0 (sigma = 1).
        self.log_std_ = np.zeros(head.dim, dtype=np.float32) if head.gaussian else None
        self.log_std_optimizer_state_ = (np.zeros((actor_optimizer.n_slots(), head.dim), dtype=np.float32)
                                         if head.gaussian else None)
        if critic is not None:
            self.critic_params_ = orthogonal_params(critic, [1.0], rng)
            self.critic_optimizer_state_ = np.zeros((critic_optimizer.n_slots(), critic.n_params), dtype=np.float32)
        else:
            self.critic_params_ = self.critic_optimizer_state_ = None
        self.n_updates_ = 0
        self.rng_state_ = rng.integers(0, 2**63, size=4, dtype=np.uint64) | np.uint64(1)
        self._episode_seed = int(rng.integers(0, 2**31))
        self._episode = None

    def __getstate__(self):
        # Caches of C++ objects and scratch arrays are rebuilt on demand.
        transient = ("_cached_layouts", "_cached_head", "_act_config", "_grad_scratch", "_predict_rng")
        return {k: v for k, v in super().__getstate__().items() if k not in transient}

    # -- the kernels -------------------------------------------------------

    def _pg_config(self) -> "_core.PgConfig":
        config = _core.PgConfig()
        head = self._head()
        config.action_kind = head.kind
        config.action_dim = head.dim
        config.critic_kind = self._critic_kind()
        actor_optimizer, critic_optimizer = self._optimizers()
        config.actor_optimizer = actor_optimizer.config(float(self.learning_rate))
        config.critic_optimizer = critic_optimizer.config(self._critic_learning_rate())
        config.ent_coef = float(self.ent_coef)
        config.max_grad_norm = float(self.max_grad_norm or 0.0)
        config.normalize_advantage = bool(self.normalize_advantage)
        config.n_threads = resolve_n_jobs(self.n_jobs)
        self._configure(config)
        return config

    def _critic_learning_rate(self) -> float:
        return float(self.learning_rate)

    def _configure(self, config) -> None:
        """Algorithm-specific fields of the kernel configuration."""

    def _grads(self) -> tuple:
        """Gradient scratch arrays of the actor, log_std and critic (None where absent)."""
        wanted = [None if a is None else a.shape for a in (self.actor_params_, self.log_std_, self.critic_params_)]
        grads = getattr(self, "_grad_scratch", None)
        if grads is None or [None if g is None else g.shape for g in grads] != wanted:
            grads = self._grad_scratch = tuple(None if a is None else np.zeros_like(a)
                                               for a in (self.actor_params_, self.log_std_, self.critic_params_))
        return grads

    def _policy_state(self, *, learning: bool = True) -> "_core.PolicyState":
        """The view of the policy's arrays that the kernels take (zero-copy).
        A learning view also holds the gradients, the optimizer moments and the
        update count; an acting one only the parameters."""
        actor_network, critic_network = self._networks()
        grads = self._grads() if learning else (None, None, None)

        def state(network, params, grad, moments):
            return _core.NetworkState(network, params, grad, moments if learning else None)

        return _core.PolicyState(
            state(actor_network, self.actor_params_, grads[0], self.actor_optimizer_state_),
            None if critic_network is None else state(critic_network, self.critic_params_, grads[2],
                                                      self.critic_optimizer_state_),
            log_std=self.log_std_, log_std_grads=grads[1],
            log_std_optimizer_state=self.log_std_optimizer_state_ if learning else None,
            step=int(self.n_updates_) if learning else 0)

    def _act(self, observations: np.ndarray, deterministic: bool) -> np.ndarray:
        head = self._head()
        key = (int(head.kind), head.dim, int(self._critic_kind()))
        cached = getattr(self, "_act_config", None)
        if cached is None or cached[0] != key:
            # Acting reads only the policy's shape from the configuration.
            config = _core.PgConfig()
            config.action_kind, config.action_dim, config.critic_kind = head.kind, head.dim, self._critic_kind()
            cached = self._act_config = (key, config)
        if deterministic:
            rng_state = np.ones(4, dtype=np.uint64)  # not drawn from
        else:
            # predict() draws from a generator of its own, leaving the training generator alone.
            if getattr(self, "_predict_rng", None) is None:
                self._predict_rng = np.random.default_rng().integers(0, 2**63, size=4, dtype=np.uint64) | np.uint64(1)
            rng_state = self._predict_rng
        actions, _ = _core.pg_act(self._policy_state(learning=False), cached[1], observations, deterministic,
                                  rng_state, False)
        return head.to_env(actions)


def summed_logs(parts) -> dict:
    """Mean policy loss, entropy and value loss over a chunk's updates,
    from (number of updates, summed statistics) pairs."""
    n = sum(count for count, _ in parts)
    if n == 0:
        return {}
    totals = np.sum([stats for _, stats in parts], axis=0)
    return {"policy_loss": float(totals[0] / n), "entropy": float(totals[1] / n), "value_loss": float(totals[2] / n)}
