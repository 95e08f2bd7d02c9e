"""What REINFORCE and ActorCritic share: the stochastic policy (a categorical
head over Discrete actions, a diagonal Gaussian with a state-independent
learnable log standard deviation over Box actions, as Stable-Baselines3's),
the optional critic, the views of their state that the C++ kernels take
(cpp/bindings/bind_policy_gradient.cpp), and acting.

State held by the learner (saved with it):
    actor_network_      a zoo.nn.Network: obs -> logits or means (then V(s)
                        when the trunk is shared), with its optimizer state
    critic_network_     a separate value network obs -> V(s), or None
    log_std_            Gaussian policies only: one log standard deviation
                        per action dimension, and log_std_optimizer_state_
    rng_state_          the training generator (xoshiro256++ words)
actor_params_, critic_params_, their optimizer states and n_updates_ read
the networks' arrays.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from numbers import Integral

import numpy as np
from gymnasium import spaces

from zoo import _core
from zoo._fitted_state import Array, Either, optional
from zoo._threads import resolve_n_jobs
from zoo.base import Interval
from zoo.nn._model import check_saved_network, network_attribute
from zoo.nn.network import LayerSpec, Network, dense_layers, layer_sizes
from zoo.rl._base import RLLearner, space_from_state
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


def mlp_layers(n_in: int, hidden, n_out: int, activation: str) -> list[LayerSpec]:
    return dense_layers([n_in, *layer_sizes(hidden), n_out], activation)


class PolicyGradientLearner(RLLearner):
    """Base of REINFORCE and ActorCritic (not public). Subclasses say which
    critic they keep (`_critic_kind`), and how they fill the rest of the
    kernel configuration (`_configure`)."""

    _parameter_aliases = {
        **dict.fromkeys(("use_sde", "sde_sample_freq"),
                        "zoo's policies explore by sampling their action distribution; there is no "
                        "state-dependent exploration (gSDE)"),
    }

    # The Gaussian head's log standard deviations and their optimizer
    # moments are None for Discrete actions. Files written before the
    # Network component hold the networks' arrays (actor_params_, ...)
    # instead, which _load_state builds them from.
    _fitted_state = {
        "actor_network_": optional([Network]),
        "critic_network_": optional([Network, None]),
        "log_std_": Either([None], Array(("action_dim",), np.float32)),
        "log_std_optimizer_state_": Either([None], Array((None, "action_dim"), np.float32)),
        "actor_params_": optional(Array((None,), np.float32)),
        "actor_optimizer_state_": optional(Array((None, "actor_params_"), np.float32)),
        "critic_params_": optional(Either([None], Array((None,), np.float32))),
        "critic_optimizer_state_": optional(Either([None], Array((None, None), np.float32))),
        "n_updates_": optional([Interval(Integral, 0, None)]),
    }

    actor_params_ = network_attribute("actor_network_", "params", "The actor's parameters.")
    actor_optimizer_state_ = network_attribute("actor_network_", "optimizer_state", "The actor's optimizer moments.")
    critic_params_ = network_attribute("critic_network_", "params", "A separate critic's parameters, or None.")
    critic_optimizer_state_ = network_attribute("critic_network_", "optimizer_state",
                                                "A separate critic's optimizer moments, or None.")
    n_updates_ = network_attribute("actor_network_", "n_steps", "Updates taken (every part's optimizer step).")

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

    def _layers(self) -> tuple[list[LayerSpec], list[LayerSpec] | None]:
        """The actor's layers and the separate critic's (None without one)."""
        kind = self._critic_kind()
        n_in = int(np.prod(self.observation_space_.shape))
        n_heads = self._head().dim + (1 if kind == _core.PgCriticKind.shared else 0)
        actor = mlp_layers(n_in, self.hidden_layer_sizes, n_heads, self.activation)
        critic = mlp_layers(n_in, self.hidden_layer_sizes, 1, self.activation) if kind == _core.PgCriticKind.separate \
            else None
        return actor, critic

    def _setup(self, handle: EnvHandle, seed: int) -> None:
        self.observation_space_ = handle.observation_space
        self.action_space_ = handle.action_space
        rng = np.random.default_rng(seed)
        head = self._head()
        actor, critic = self._layers()
        actor_optimizer, critic_optimizer = self._optimizers()
        shared = self._critic_kind() == _core.PgCriticKind.shared
        # Orthogonal weights as Stable-Baselines3's policies: gain 0.01 on the
        # policy head, so that the first policy is near uniform, 1 on a value.
        self.actor_network_ = Network(actor).initialize("orthogonal", rng,
                                                        output_gains=[0.01] * head.dim + ([1.0] if shared else []))
        self.actor_network_.attach_optimizer(actor_optimizer)
        # Stable-Baselines3 starts the Gaussian's log standard deviations at 0 (sigma = 1).
        self.log_std_ = np.zeros(head.dim, dtype=np.float32) if head.gaussian else None
        self.log_std_optimizer_state_ = (np.zeros((actor_optimizer.n_slots(), head.dim), dtype=np.float32)
                                         if head.gaussian else None)
        self.critic_network_ = None
        if critic is not None:
            self.critic_network_ = Network(critic).initialize("orthogonal", rng, output_gains=[1.0])
            self.critic_network_.attach_optimizer(critic_optimizer)
        self.rng_state_ = rng.integers(0, 2**63, size=4, dtype=np.uint64) | np.uint64(1)
        self._episode_seed = int(rng.integers(0, 2**31))
        self._episode = None

    def __getstate__(self):
        # Caches of C++ objects and scratch arrays are rebuilt on demand.
        transient = ("_cached_head", "_act_config", "_log_std_grads", "_predict_rng")
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

    def _policy_state(self, *, learning: bool = True) -> "_core.PolicyState":
        """The view of the policy's arrays that the kernels take (zero-copy).
        A learning view also holds the gradients, the optimizer moments and the
        update count; an acting one only the parameters."""
        critic = self.critic_network_
        log_std_grads = None
        if learning and self.log_std_ is not None:
            if getattr(self, "_log_std_grads", None) is None or self._log_std_grads.shape != self.log_std_.shape:
                self._log_std_grads = np.zeros_like(self.log_std_)  # scratch, not state
            log_std_grads = self._log_std_grads
        return _core.PolicyState(
            self.actor_network_.kernel_state(learning=learning),
            None if critic is None else critic.kernel_state(learning=learning),
            log_std=self.log_std_, log_std_grads=log_std_grads,
            log_std_optimizer_state=self.log_std_optimizer_state_ if learning else None,
            step=int(self.n_updates_) if learning else 0)

    def _count_updates(self, policy: "_core.PolicyState") -> None:
        """After a kernel call: every part took policy.step optimizer steps."""
        for network in (self.actor_network_, self.critic_network_):
            if network is not None:
                network.n_steps = int(policy.step)

    def _load_state(self, state):
        state = dict(state)
        # Files written before the Network component kept the arrays on the learner.
        if "actor_params_" in state:
            self.observation_space_ = space_from_state(state["observation_space_"])
            self.action_space_ = space_from_state(state["action_space_"])
            actor, critic = self._layers()
            steps = int(state.pop("n_updates_"))
            self.actor_network_ = _legacy_network(actor, state.pop("actor_params_"),
                                                  state.pop("actor_optimizer_state_"), steps)
            params, moments = state.pop("critic_params_"), state.pop("critic_optimizer_state_")
            self.critic_network_ = None if critic is None else _legacy_network(critic, params, moments, steps)
        super()._load_state(state)
        if "actor_network_" in vars(self):  # the networks must fit the spaces and hidden_layer_sizes
            for name, layers in zip(("actor_network_", "critic_network_"), self._layers()):
                check_saved_network(self, name, layers)

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


def _legacy_network(layers, params, moments, steps) -> Network:
    return Network.from_config({"layers": [asdict(spec) for spec in layers], "params": params,
                                "buffers": np.zeros(0, np.float32), "optimizer_state": moments, "n_steps": steps})


def summed_logs(parts) -> dict:
    """Mean policy loss, entropy and value loss over a chunk's updates,
    from (number of updates, summed statistics) pairs."""
    n = sum(count for count, _ in parts)
    if n == 0:
        return {}
    totals = np.sum([stats for _, stats in parts], axis=0)
    return {"policy_loss": float(totals[0] / n), "entropy": float(totals[1] / n), "value_loss": float(totals[2] / n)}
