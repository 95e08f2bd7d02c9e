"""Type stub for zoo's C++ extension (private: use the estimators in zoo).

Every kernel exists for float32 and float64; `Float` stands for either, and
one call uses one of them throughout. Arrays marked "in place" are written
by the kernel and must already have the exact dtype and C layout.
"""

from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

Float = TypeVar("Float", np.float32, np.float64)

__version__: str

def omp_max_threads() -> int: ...
def blas_num_threads() -> int: ...
def team_size(work: int, n_threads: int) -> int: ...
def min_work_per_thread() -> int: ...
def _threads_in_parallel_chunks(n_chunks: int, n_threads: int) -> int: ...
def blas_config() -> str: ...
def _raise_inside_parallel_region(n_threads: int, kind: str) -> None: ...

# -- statistics -------------------------------------------------------------
def center_columns(
    X: NDArray[Float], n_threads: int
) -> tuple[NDArray[Float], NDArray[np.float64], NDArray[np.float64]]: ...
def column_moments(
    X: NDArray[Float], sample_weight: NDArray[np.float64] | None, n_threads: int
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]: ...
def standardize_columns(
    X: NDArray[Float],
    mean: NDArray[np.float64] | None,
    scale: NDArray[np.float64] | None,
    out: NDArray[Float],
    n_threads: int,
) -> NDArray[Float]: ...
def largest_magnitude(X: NDArray[Float], n_threads: int) -> tuple[bool, float]: ...  # (all finite, max |X|)
def column_range(
    X: NDArray[Float], n_threads: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def scale_shift_columns(
    X: NDArray[Float],
    scale: NDArray[np.float64],
    shift: NDArray[np.float64],
    clip: tuple[float, float] | None,
    out: NDArray[Float],
    n_threads: int,
) -> NDArray[Float]: ...

# -- k-means ------------------------------------------------------------------
def kmeans_plusplus(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    n_clusters: int,
    n_local_trials: int,
    seed: int,
    n_threads: int,
) -> tuple[NDArray[Float], NDArray[np.int64]]: ...
def kmeans_fit(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    centers: NDArray[Float],  # in place: initial centres in, final centres out
    labels: NDArray[np.int32],  # in place
    max_iter: int,
    tol: float,
    algorithm: str,  # "lloyd" | "elkan" | "hamerly"
    n_threads: int,
) -> tuple[int, float]: ...
def kmeans_assign(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    centers: NDArray[Float],
    labels: NDArray[np.int32],  # in place
    n_threads: int,
) -> float: ...
def kmeans_assign_sums(
    X: NDArray[Float],  # uncentred: each row is taken as row - shift
    sample_weight: NDArray[Float],
    shift: NDArray[Float],
    centers: NDArray[Float],
    labels: NDArray[np.int32],  # in place: the previous labels (or -1) in, the nearest centres out
    n_threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, float]: ...
def kmeans_nearest_weighted_sq(
    X: NDArray[Float],  # uncentred: each row is taken as row - shift
    sample_weight: NDArray[Float],
    shift: NDArray[Float],
    centers: NDArray[Float],
    weighted_sq: NDArray[np.float64],  # in place: lowered to w * squared distance to the nearest centre
    n_threads: int,
) -> None: ...
def kmeans_transform(X: NDArray[Float], centers: NDArray[Float], n_threads: int) -> NDArray[Float]: ...
def minibatch_step(
    X: NDArray[Float],
    sample_weight: NDArray[Float],
    centers: NDArray[Float],  # in place
    weight_sums: NDArray[Float],  # in place
    labels: NDArray[np.int32],  # in place
    n_threads: int,
) -> float: ...

# -- neural-network engine (zoo.nn; layouts built by zoo.nn.network) ---
class Activation:
    identity: Activation
    relu: Activation
    leaky_relu: Activation
    elu: Activation
    gelu: Activation
    tanh: Activation
    sigmoid: Activation

class Loss:
    mse: Loss
    mae: Loss
    huber: Loss
    binary_crossentropy: Loss
    categorical_crossentropy: Loss

class OptimizerKind:
    sgd: OptimizerKind
    adam: OptimizerKind
    adamw: OptimizerKind
    rmsprop: OptimizerKind
    adagrad: OptimizerKind

class OptimizerConfig:
    kind: OptimizerKind
    learning_rate: float
    beta1: float
    beta2: float
    epsilon: float
    weight_decay: float
    nesterov: bool

class TrainConfig:
    loss: Loss
    huber_delta: float
    optimizer: OptimizerConfig
    l1: float
    l2: float
    clip_norm: float
    clip_value: float
    batch_size: int
    shuffle: bool
    bn_momentum: float
    bn_epsilon: float
    seed: int
    n_threads: int
    anchor_strength: float  # EWC: the penalty's lambda; active when anchor_weight and anchor are passed

class Network:
    def __init__(
        self, layer_table: NDArray[np.int64], layer_parameters: NDArray[np.float64], n_params: int, n_buffers: int
    ) -> None: ...
    @property
    def n_inputs(self) -> int: ...
    @property
    def n_outputs(self) -> int: ...
    n_params: int
    n_buffers: int

def optimizer_slots(config: OptimizerConfig) -> int: ...
def nn_train_epoch(
    network: Network,
    X: NDArray[Float],
    y: NDArray[Float],
    sample_weight: NDArray[Float],
    params: NDArray[Float],  # in place
    grads: NDArray[Float],  # scratch
    state: NDArray[Float],  # in place, (optimizer_slots, n_params)
    step: int,
    buffers: NDArray[Float],  # in place
    config: TrainConfig,
    anchor_weight: NDArray[np.float64] | None = None,  # EWC importance F, (n_params,)
    anchor: NDArray[np.float64] | None = None,  # EWC anchor theta*, (n_params,)
) -> tuple[float, float, float, float, int]: ...
def nn_predict(
    network: Network, X: NDArray[Float], params: NDArray[Float], buffers: NDArray[Float], n_threads: int
) -> NDArray[Float]: ...
class PassConfig:
    """How a whole-batch pass runs (nn_forward, nn_backward)."""
    training: bool  # batch statistics and dropout; else running statistics, no dropout
    seed: int  # the dropout masks' seed
    bn_momentum: float
    bn_epsilon: float
    n_threads: int
    def __init__(self) -> None: ...

def nn_forward(
    network: Network,
    X: NDArray[Float],
    params: NDArray[Float],
    buffers: NDArray[Float],  # written only with update_statistics
    config: PassConfig,
    update_statistics: bool = False,
) -> NDArray[Float]: ...
def nn_backward(
    network: Network,
    X: NDArray[Float],
    grad_output: NDArray[Float],  # (n, n_outputs): d loss / d outputs
    params: NDArray[Float],
    buffers: NDArray[Float],
    grads: NDArray[Float],  # in place, (n_params,)
    input_gradient: bool,
    config: PassConfig,
) -> NDArray[Float] | None: ...  # d loss / d X when input_gradient
def nn_sample_losses(
    loss: Loss, outputs: NDArray[Float], targets: NDArray[Float], huber_delta: float = 1.0
) -> NDArray[np.float64]: ...
def nn_evaluate(
    network: Network,
    X: NDArray[Float],
    y: NDArray[Float],
    sample_weight: NDArray[Float],
    params: NDArray[Float],
    buffers: NDArray[Float],
    config: TrainConfig,
    anchor_weight: NDArray[np.float64] | None = None,
    anchor: NDArray[np.float64] | None = None,
) -> tuple[float, float, float, float]: ...
def nn_loss_and_gradient(
    network: Network,
    X: NDArray[Float],
    y: NDArray[Float],
    sample_weight: NDArray[Float],
    params: NDArray[Float],
    grads: NDArray[Float],  # out
    buffers: NDArray[Float],
    config: TrainConfig,
    anchor_weight: NDArray[np.float64] | None = None,
    anchor: NDArray[np.float64] | None = None,
) -> float: ...
def nn_sample_gradient_squares(
    network: Network,
    X: NDArray[Float],
    y: NDArray[Float],
    sample_weight: NDArray[Float],
    params: NDArray[Float],
    buffers: NDArray[Float],
    config: TrainConfig,
) -> NDArray[np.float64]: ...  # sum_i w_i (per-row loss gradient)^2, (n_params,)
def nn_optimizer_step(
    network: Network,
    params: NDArray[Float],  # in place
    grads: NDArray[Float],
    state: NDArray[Float],  # in place
    step: int,
    config: OptimizerConfig,
) -> None: ...

# -- native environments (zoo.envs) -------------------------------------------------
# An Env holds fixed configuration; each copy's state is a uint64 record of
# state_bytes / 8 words (its NumPy generator first), owned by Python.
class Env:
    @property
    def state_bytes(self) -> int: ...
    @property
    def observation_size(self) -> int: ...
    @property
    def n_states(self) -> int: ...  # Discrete(n_states) observations when > 0; 0 for a Box
    @property
    def n_actions(self) -> int: ...
    @property
    def parameters(self) -> list[tuple[str, float]]: ...  # physical parameters per record, with defaults
    @property
    def parameters_word(self) -> int: ...  # where they start in a record (uint64 words)

class CartPole(Env):
    def __init__(self, sutton_barto_reward: bool = False) -> None: ...
    @property
    def sutton_barto_reward(self) -> bool: ...

class MountainCar(Env):
    def __init__(self, goal_velocity: float = 0.0) -> None: ...
    @property
    def goal_velocity(self) -> float: ...

class Acrobot(Env):
    def __init__(self) -> None: ...

def env_seed(state: NDArray[np.uint64], entropy: list[int]) -> None: ...  # state in place; 32-bit words
def env_reset(
    env: Env,
    state: NDArray[np.uint64],  # in place
    observation: NDArray[np.float32],  # in place, (observation_size,)
    low: float | None = None,  # with high: the classic-control start-state interval
    high: float | None = None,
) -> None: ...
def env_step(
    env: Env,
    state: NDArray[np.uint64],  # in place
    action: int,
    observation: NDArray[np.float32],  # in place
) -> tuple[float, bool, float]: ...  # reward, terminated, probability
def vector_reset(
    env: Env,
    states: NDArray[np.uint64],  # in place, (num_envs, state_bytes / 8)
    elapsed_steps: NDArray[np.int64],  # in place
    needs_reset: NDArray[np.uint8],  # in place
    observations: NDArray[np.float32],  # in place, rows of the reset copies
    entropy: NDArray[np.uint32] | None = None,  # (num_envs, max_words) seed words
    n_words: NDArray[np.int64] | None = None,  # words used per copy; 0: no new seed
    mask: NDArray[np.uint8] | None = None,  # copies to reset; None: all
    low: float | None = None,
    high: float | None = None,
    n_threads: int = 1,
) -> None: ...
def vector_step(
    env: Env,
    states: NDArray[np.uint64],  # in place
    elapsed_steps: NDArray[np.int64],  # in place
    needs_reset: NDArray[np.uint8],  # in place
    actions: NDArray[np.int64],
    max_episode_steps: int,  # <= 0: no time limit
    n_threads: int,
    probabilities: NDArray[np.float64] | None = None,  # out: the toy-text info["prob"]
) -> tuple[NDArray[np.float32], NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]]: ...
def _numpy_random_draws(
    entropy: list[int], method: str, size: int, low: float = 0.0, high: float = 1.0
) -> NDArray[np.float64] | NDArray[np.int64]: ...

# -- toy-text environments (gymnasium's FrozenLake-v1, Taxi-v4, CliffWalking-v1) --
# Kernels over a record of (generator, position); seed/reset/step through env_*.
class FrozenLake(Env):
    def __init__(
        self,
        desc: list[str],  # rows of S, F, H, G; rectangular, at least one S and one G
        is_slippery: bool,
        success_rate: float,
        reward_schedule: tuple[float, float, float],  # goal, hole, other
    ) -> None: ...
    @property
    def desc(self) -> list[str]: ...
    @property
    def is_slippery(self) -> bool: ...
    @property
    def success_rate(self) -> float: ...
    @property
    def reward_schedule(self) -> tuple[float, float, float]: ...
    def transitions(self, state: int, action: int) -> list[tuple[float, int, float, bool]]: ...

class Taxi(Env):
    def __init__(
        self, is_rainy: bool, fickle_passenger: bool, rainy_probability: float, fickle_probability: float
    ) -> None: ...
    @property
    def action_masks(self) -> NDArray[np.int8]: ...  # (500, 6), a fresh copy
    @property
    def is_rainy(self) -> bool: ...
    @property
    def fickle_passenger(self) -> bool: ...
    @property
    def rainy_probability(self) -> float: ...
    @property
    def fickle_probability(self) -> float: ...
    def transitions(self, state: int, action: int) -> list[tuple[float, int, float, bool]]: ...

class CliffWalking(Env):
    def __init__(self, is_slippery: bool) -> None: ...
    @property
    def is_slippery(self) -> bool: ...
    def transitions(self, state: int, action: int) -> list[tuple[float, int, float, bool]]: ...

# -- what the RL learners' C++ loops take (zoo.rl) ----------------------------------
# Views over a learner's arrays, held zero-copy and checked once when built;
# a loop writes the arrays in place.
class EnvCopies:
    """Copies of an environment with their running episodes, as a loop steps them."""
    @property
    def n_copies(self) -> int: ...

class NativeEnvCopies(EnvCopies):
    def __init__(
        self,
        env: Env,
        states: NDArray[np.uint64],  # in place, (n_copies, state words)
        observations: NDArray[np.float32],  # in place, (n_copies, obs_size): each copy's current observation
        elapsed: NDArray[np.int64],  # in place, (n_copies,): steps of each running episode
        episode_returns: NDArray[np.float64],  # in place, (n_copies,)
        max_episode_steps: int,  # the time limit applied here; 0: none
    ) -> None: ...

class PythonEnvCopies(EnvCopies):
    """Python gymnasium environments stepped from the C++ loops (the GIL is
    taken only around each call; their exceptions propagate as themselves).
    Each copy is reset here once, with its seed."""
    def __init__(
        self,
        envs: list,  # gymnasium Envs (their own time limits truncate)
        seeds: list[int | None],  # one per copy; None: the copy's generator carries on
        observation_size: int,
        n_states: int = 0,  # Discrete observations (the state index) when > 0
        n_actions: int = 0,  # Discrete actions when > 0 ...
        action_low: list[float] = ...,  # ... else a Box, whose bounds actions are clipped to
        action_high: list[float] = ...,
    ) -> None: ...
    @property
    def observations(self) -> NDArray[np.float32]: ...
    @property
    def elapsed(self) -> NDArray[np.int64]: ...
    @property
    def episode_returns(self) -> NDArray[np.float64]: ...

class NetworkState:
    """A network's state: params (n_params,), grads (n_params,) and
    optimizer_state (n_slots, n_params), all in place (grads and
    optimizer_state None for a state that only acts), buffers (n_buffers,)."""
    step: int  # optimizer steps taken so far, advanced by the kernels
    def __init__(
        self,
        network: Network,
        params: NDArray[Float],
        grads: NDArray[Float] | None = None,
        optimizer_state: NDArray[Float] | None = None,
        buffers: NDArray[Float] | None = None,
        step: int = 0,
    ) -> None: ...
    @property
    def network(self) -> Network: ...
    @property
    def params(self) -> NDArray[Float]: ...
    @property
    def grads(self) -> NDArray[Float] | None: ...
    @property
    def optimizer_state(self) -> NDArray[Float] | None: ...
    @property
    def buffers(self) -> NDArray[Float] | None: ...

# -- tabular TD control (zoo.QLearning) --------------------------------------------
class TdMethod:
    q_learning: TdMethod  # bootstraps from max_a' Q(s', a')
    sarsa: TdMethod  # from Q(s', a') for the action the policy takes next
    expected_sarsa: TdMethod  # from the epsilon-greedy expectation over a'

class EpsilonDecay:
    linear: EpsilonDecay  # start -> min over exploration_fraction of total_timesteps
    exponential: EpsilonDecay  # start * epsilon_decay_rate ** episodes, floored at min

class TabularConfig:
    method: TdMethod
    gamma: float
    learning_rate: float
    learning_rate_decay: float  # per finished episode; 1: constant
    learning_rate_min: float
    epsilon_decay: EpsilonDecay
    epsilon_start: float
    epsilon_min: float
    exploration_fraction: float
    epsilon_decay_rate: float
    num_timesteps: int  # steps before this chunk
    total_timesteps: int  # of the whole fit
    num_episodes: int  # episodes finished before this chunk
    def __init__(self) -> None: ...

def tabular_epsilon(config: TabularConfig, t: int, episodes: int) -> float: ...
def tabular_learning_rate(config: TabularConfig, episodes: int) -> float: ...
def tabular_collect(
    copies: EnvCopies,  # one copy; Discrete observations and actions
    next_action: NDArray[np.int64],  # in place, (1,): SARSA's chosen next action, -1: none
    q: NDArray[np.float64],  # in place, (n_states, n_actions)
    config: TabularConfig,
    n_steps: int,
    rng: NDArray[np.uint64],  # in place, (4,): xoshiro256++ state
) -> tuple[NDArray[np.float64], NDArray[np.int64]]: ...  # finished episodes' returns, lengths

# -- policy gradients (zoo.REINFORCE, zoo.ActorCritic) ----------------------------
class PgActionKind:
    categorical: PgActionKind
    gaussian: PgActionKind

class PgCriticKind:
    none: PgCriticKind
    separate: PgCriticKind
    shared: PgCriticKind

class PgConfig:
    action_kind: PgActionKind
    critic_kind: PgCriticKind
    action_dim: int  # categorical: number of actions; gaussian: action size
    ent_coef: float
    vf_coef: float
    max_grad_norm: float  # 0: no clipping
    clip_jointly: bool  # one global norm over every parameter, or policy and value apart
    baseline_advantage: bool  # advantages = returns - V(s) (REINFORCE's baseline)
    normalize_advantage: bool
    actor_optimizer: OptimizerConfig
    critic_optimizer: OptimizerConfig
    n_threads: int
    def __init__(self) -> None: ...

class PolicyState:
    """A policy: the actor's (and a separate critic's) NetworkState and a
    Gaussian policy's log standard deviations (action_dim,) with their
    gradients and optimizer state (n_slots, action_dim), all of the actor's
    dtype."""
    step: int  # updates taken so far (every part's optimizer step), advanced by the kernels
    def __init__(
        self,
        actor: NetworkState,
        critic: NetworkState | None = None,
        log_std: NDArray[Float] | None = None,
        log_std_grads: NDArray[Float] | None = None,
        log_std_optimizer_state: NDArray[Float] | None = None,
        step: int = 0,
    ) -> None: ...

class EpisodeBuffer:
    """REINFORCE's steps since its last update, in place."""
    def __init__(
        self,
        observations: NDArray[np.float32],  # (capacity, obs_size)
        actions: NDArray[np.int64] | NDArray[np.float32],  # (capacity,) or (capacity, action_dim)
        rewards: NDArray[np.float32],  # (capacity,)
        episode_ends: NDArray[np.float32],
        returns: NDArray[np.float32],  # scratch
        meta: NDArray[np.int64],  # (2,): steps stored, episodes finished in them
    ) -> None: ...

class Rollout:
    """A2C's rollout, in place."""
    def __init__(
        self,
        observations: NDArray[np.float32],  # (n_steps, n_envs, obs_size)
        actions: NDArray[np.int64] | NDArray[np.float32],  # (n_steps, n_envs) or (n_steps, n_envs, action_dim)
        rewards: NDArray[np.float32],  # (n_steps, n_envs)
        episode_starts: NDArray[np.float32],
        values: NDArray[np.float32],
        advantages: NDArray[np.float32],  # scratch
        returns: NDArray[np.float32],  # scratch
        next_starts: NDArray[np.float32],  # (n_envs,)
        meta: NDArray[np.int64],  # (2,): position, steps owed
    ) -> None: ...

class ReinforceSchedule:
    gamma: float
    n_episodes_per_update: int
    batch_steps: int  # > 0: update once the finished episodes hold this many steps
    def __init__(self) -> None: ...

class A2cSchedule:
    gamma: float
    gae_lambda: float
    def __init__(self) -> None: ...

def pg_update(
    policy: PolicyState,  # float32 or float64; policy.step advances
    config: PgConfig,
    observations: NDArray[Float],  # (n, obs_size)
    actions: NDArray[np.int64] | NDArray[Float],  # (n,) indices or (n, action_dim) samples
    advantages: NDArray[Float],  # (n,)
    returns: NDArray[Float],  # (n,): value targets
) -> tuple[float, float, float, float]: ...  # policy loss, entropy, value loss, gradient norm
def pg_gradients(
    policy: PolicyState,
    config: PgConfig,
    observations: NDArray[Float],
    actions: NDArray[np.int64] | NDArray[Float],
    advantages: NDArray[Float],
    returns: NDArray[Float],
) -> tuple[float, float, float, float]: ...  # as pg_update, grads only
def pg_act(
    policy: PolicyState,  # float32; parameters only are read
    config: PgConfig,
    observations: NDArray[np.float32],  # (n, obs_size)
    deterministic: bool,
    rng: NDArray[np.uint64],  # in place, (4,): xoshiro256++ state
    with_values: bool,
) -> tuple[NDArray[np.int64] | NDArray[np.float32], NDArray[np.float32] | None]: ...
def pg_discounted_returns(
    rewards: NDArray[np.float32], episode_ends: NDArray[np.float32], gamma: float
) -> NDArray[np.float32]: ...
def pg_gae(
    rewards: NDArray[np.float32],  # (n_steps, n_envs)
    values: NDArray[np.float32],
    episode_starts: NDArray[np.float32],
    last_values: NDArray[np.float32],  # (n_envs,)
    last_dones: NDArray[np.float32],
    gamma: float,
    gae_lambda: float,
) -> tuple[NDArray[np.float32], NDArray[np.float32]]: ...  # advantages, returns
def reinforce_collect(
    copies: EnvCopies,  # one copy
    policy: PolicyState,  # float32; policy.step advances
    config: PgConfig,
    buffer: EpisodeBuffer,
    schedule: ReinforceSchedule,
    n_steps: int,
    rng: NDArray[np.uint64],  # in place, (4,)
) -> tuple[int, NDArray[np.float64], NDArray[np.int64], int, tuple[float, float, float, float]]: ...
# steps taken, episode returns, episode lengths, updates, summed (policy loss, entropy, value loss, grad norm)
def a2c_collect(
    copies: EnvCopies,  # n_envs copies
    policy: PolicyState,
    config: PgConfig,
    rollout: Rollout,
    schedule: A2cSchedule,
    n_steps: int,
    rng: NDArray[np.uint64],
) -> tuple[int, NDArray[np.float64], NDArray[np.int64], int, tuple[float, float, float, float]]: ...

# -- DQN (zoo.rl.dqn) --------------------------------------------------------------
class DqnConfig:
    gamma: float
    double_q: bool
    batch_size: int
    train: TrainConfig
    def __init__(self) -> None: ...

class DqnSchedule:
    num_timesteps: int
    total_timesteps: int
    epsilon_start: float
    epsilon_end: float
    exploration_fraction: float
    learning_starts: int
    train_freq: int
    gradient_steps: int
    target_update_interval: int
    tau: float
    def __init__(self) -> None: ...

class ReplayBuffer:
    """The replay ring (zoo.rl._replay.ReplayBuffer's arrays), in place."""
    def __init__(
        self,
        observations: NDArray[np.float32],  # (capacity, obs_size)
        next_observations: NDArray[np.float32],
        actions: NDArray[np.int64],  # (capacity,)
        rewards: NDArray[np.float32],
        terminated: NDArray[np.float32],
        meta: NDArray[np.int64],  # (2,): next position, size
    ) -> None: ...
    def __len__(self) -> int: ...
    def add(
        self, obs: NDArray[np.float32], next_obs: NDArray[np.float32], action: int, reward: float, terminal: bool
    ) -> None: ...

def dqn_train(
    online: NetworkState,  # float32, trainable; online.step advances
    target: NetworkState,  # the target network's params
    replay: ReplayBuffer,
    config: DqnConfig,
    gradient_steps: int,
    rng: NDArray[np.uint64],  # in place, (4,)
) -> float: ...  # mean loss
def dqn_greedy(
    network: Network, params: NDArray[np.float32], buffers: NDArray[np.float32], observations: NDArray[np.float32]
) -> NDArray[np.int64]: ...
def dqn_collect(
    copies: EnvCopies,  # one copy
    online: NetworkState,
    target: NetworkState,  # in place: target updates
    replay: ReplayBuffer,
    config: DqnConfig,
    schedule: DqnSchedule,
    n_steps: int,
    rng: NDArray[np.uint64],  # in place, (4,)
) -> tuple[NDArray[np.float64], NDArray[np.int64], float, int]: ...  # returns, lengths, loss sum, gradient steps

# -- GANs (zoo.GAN) -----------------------------------------------------------------
# The generator and the discriminator's body, projection (None without
# mini-batch discrimination) and head are NetworkStates of one dtype.
class GanLoss:
    minimax: GanLoss
    non_saturating: GanLoss
    least_squares: GanLoss
    hinge: GanLoss
    wasserstein: GanLoss

class BatchFeature:
    none: BatchFeature
    minibatch_std: BatchFeature
    minibatch_discrimination: BatchFeature

class GanConfig:
    loss: GanLoss
    feature: BatchFeature
    kernel_dim: int  # mini-batch discrimination's values per kernel
    spectral_norm: bool
    weight_clip: float  # 0: off; else discriminator values clipped to [-c, c] after each step
    n_critic: int
    batch_size: int
    latent_dim: int
    n_conditions: int  # one-hot condition columns (a conditional GAN); 0: unconditional
    generator_optimizer: OptimizerConfig
    discriminator_optimizer: OptimizerConfig
    seed: int  # shuffling and latent draws of this call
    n_threads: int
    def __init__(self) -> None: ...

def gan_train_epoch(
    generator: NetworkState,  # trainable; the states' steps advance
    body: NetworkState,
    projection: NetworkState | None,
    head: NetworkState,
    spectral_u: NDArray[Float] | None,  # in place: one value per output of every body and head layer
    X: NDArray[Float],  # (n, n_features)
    conditions: NDArray[Float] | None,  # (n, n_conditions), or None when unconditional
    critic_phase: int,
    config: GanConfig,
) -> dict[str, float | int]: ...  # losses, real/fake accuracies, step counts, the next critic_phase
def gan_discriminate(
    generator: NetworkState,
    body: NetworkState,
    projection: NetworkState | None,
    head: NetworkState,
    spectral_u: NDArray[Float] | None,
    X: NDArray[Float],
    conditions: NDArray[Float] | None,
    config: GanConfig,
) -> NDArray[Float]: ...  # (n,) logits
def gan_loss_and_gradients(
    generator: NetworkState,
    body: NetworkState,
    projection: NetworkState | None,
    head: NetworkState,
    spectral_u: NDArray[Float] | None,
    X: NDArray[Float],
    conditions: NDArray[Float] | None,
    latent: NDArray[Float],  # (n, latent_dim)
    latent_conditions: NDArray[Float] | None,
    config: GanConfig,
    generator_side: bool,  # the generator's loss and gradients, else the discriminator's
) -> float: ...  # the loss; gradients into the states' grads, no update

# -- linear least squares, ridge, lasso, elastic net (zoo.supervised.linear) ---------
# Y is (n, k); moments, factorisations and coefficients are float64 whatever Float is.
def linear_moments(
    X: NDArray[Float], Y: NDArray[Float], sample_weight: NDArray[Float], center: bool, n_threads: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]: ...
def linear_nnls_gram(
    gram: NDArray[np.float64],
    xty: NDArray[np.float64],
    ridge: float,
    max_iter: int,
) -> tuple[NDArray[np.float64], int, bool]: ...  # coef >= 0, least-squares solves, converged
def linear_cholesky_solve(
    gram: NDArray[np.float64], xty: NDArray[np.float64], ridge: float, min_rcond: float
) -> tuple[NDArray[np.float64], float]: ...
def linear_factor_solve(
    X: NDArray[Float],
    Y: NDArray[Float],
    sample_weight: NDArray[Float],
    x_mean: NDArray[np.float64],
    y_mean: NDArray[np.float64],
    method: str,  # "qr" | "svd"
    ridge: float,
    qr_min_rcond: float,
    rank_rcond: float,
    n_threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, int, bool]: ...
def linear_centered_columns(
    X: NDArray[Float], sample_weight: NDArray[Float], x_mean: NDArray[np.float64], n_threads: int
) -> NDArray[Float]: ...
def enet_cd_gram(
    gram: NDArray[np.float64],
    xty: NDArray[np.float64],
    yty: float,
    coef: NDArray[np.float64],  # in place
    l1: float,
    l2: float,
    max_iter: int,
    tol: float,
    positive: bool,
    random: bool,
    seed: int,
) -> tuple[int, float, float]: ...
def enet_cd_columns(
    Xt: NDArray[Float],
    y: NDArray[Float],
    coef: NDArray[np.float64],  # in place
    l1: float,
    l2: float,
    max_iter: int,
    tol: float,
    positive: bool,
    random: bool,
    seed: int,
) -> tuple[int, float, float]: ...

# -- logistic regression (zoo.supervised.logistic) -----------------------------------
# theta is float64 (rows, n_features + fit_intercept): rows = 1 for two classes,
# n_classes otherwise; row c holds coef_[c] then intercept_[c]. The smooth
# objective is scale * sum_i w_i loss_i + l2/2 ||W||^2 (+ l1 ||W||_1 in logistic_fit).
def logistic_fit(
    X: NDArray[Float],
    y: NDArray[np.int32],  # class indices in [0, n_classes)
    sample_weight: NDArray[Float],
    theta: NDArray[np.float64],  # in place: start point in, solution out
    n_classes: int,
    fit_intercept: bool,
    scale: float,
    l2: float,
    l1: float,
    solver: str,  # "lbfgs" | "newton-cg" | "newton-cd" | "fista" (l1 > 0: the last two)
    max_iter: int,
    tol: float,
    n_threads: int,
) -> tuple[int, float, str]: ...  # (n_iter, objective, "converged" | "max_iter" | "line_search_failed")
def logistic_loss_gradient(
    X: NDArray[Float],
    y: NDArray[np.int32],
    sample_weight: NDArray[Float],
    theta: NDArray[np.float64],
    n_classes: int,
    fit_intercept: bool,
    scale: float,
    l2: float,
    n_threads: int,
) -> tuple[float, NDArray[np.float64]]: ...
def logistic_hessian_vector(
    X: NDArray[Float],
    y: NDArray[np.int32],
    sample_weight: NDArray[Float],
    theta: NDArray[np.float64],
    v: NDArray[np.float64],
    n_classes: int,
    fit_intercept: bool,
    scale: float,
    l2: float,
    n_threads: int,
) -> NDArray[np.float64]: ...

# -- decision trees (zoo.supervised.tree) --------------------------------------------
# Returns children_left, children_right, feature, n_node_samples (int64), threshold,
# impurity, weighted_n_node_samples (float64), value (node_count, n_values) and max_depth.
def tree_fit(
    X: NDArray[Float],
    labels: NDArray[np.int32],  # class indices (gini, entropy); empty for regression
    y: NDArray[np.float64],  # targets (squared_error, absolute_error); empty for classification
    sample_weight: NDArray[np.float64],
    n_classes: int,
    criterion: str,  # "gini" | "entropy" | "squared_error" | "absolute_error"
    histogram: bool,
    max_bins: int,
    histogram_min_node: int,
    max_depth: int,  # -1: unlimited
    min_samples_split: int,
    min_samples_leaf: int,
    min_weight_leaf: float,
    max_features: int,  # 0: all
    min_impurity_decrease: float,
    max_leaf_nodes: int,  # -1: depth-first without a limit
    seed: int,
    n_threads: int,
) -> dict[str, NDArray[np.int64] | NDArray[np.float64] | int]: ...
def tree_apply(
    X: NDArray[Float],
    children_left: NDArray[np.int64],
    children_right: NDArray[np.int64],
    feature: NDArray[np.int64],
    threshold: NDArray[np.float64],
    n_threads: int,
) -> NDArray[np.int64]: ...
def tree_decision_path(
    X: NDArray[Float],
    children_left: NDArray[np.int64],
    children_right: NDArray[np.int64],
    feature: NDArray[np.int64],
    threshold: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]: ...

# -- support vector machines (zoo.supervised.svm) ------------------------------------
# Pair p = (a, b), a < b in lexicographic order, holds the samples of class a
# (label +1) then those of b (-1); decision = sum coef K - rho.
def svc_fit_ovo(
    X: NDArray[Float],  # float32: dot products in float32
    labels: NDArray[np.int32],  # class index of each sample
    upper: NDArray[np.float64],  # C_i of each sample
    n_classes: int,
    kernel: str,  # "linear" | "poly" | "rbf" | "sigmoid"
    gamma: float,
    coef0: float,
    degree: int,
    tol: float,
    shrinking: bool,
    cache_mb: float,
    max_iter: int,  # -1: no limit
    n_threads: int,
    decomposition: str = "auto",  # "auto" | "pairs" | "working_sets"
) -> tuple[list[NDArray[np.float64]], NDArray[np.float64], NDArray[np.int64], bool]: ...
def svm_kernel_matrix(
    X: NDArray[np.float64], Y: NDArray[np.float64], kernel: str, gamma: float, coef0: float, degree: int, n_threads: int
) -> NDArray[np.float64]: ...
def linear_svm_fit(
    X: NDArray[np.float64],
    targets: NDArray[np.float64],  # (n_problems, n_samples) of +1/-1
    upper: NDArray[np.float64],  # C_i of each sample
    squared_hinge: bool,
    tol: float,
    max_iter: int,
    bias_scale: float,  # 0: no intercept
    seed: int,
    n_threads: int,
    primal: bool = False,  # True: Newton's method in the primal (squared hinge only)
    # (W, dual objectives or NaN, n_iter, reached max_iter, stalled: steps stopped lowering f short of tol)
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, bool, bool]: ...
def platt_fit(decision: NDArray[np.float64], labels: NDArray[np.float64]) -> tuple[float, float]: ...
def svm_pairwise_coupling(pairwise: NDArray[np.float64], n_classes: int, n_threads: int) -> NDArray[np.float64]: ...

# -- principal component analysis (zoo.unsupervised.pca) -----------------------------
# Components come back as rows, by decreasing variance, each with its
# largest-magnitude loading positive.
def pca_covariance_eigh(
    X: NDArray[Float], n_components: int, n_threads: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[Float], float]: ...  # mean, variances, components, total variance
def pca_svd(
    A: NDArray[Float],  # in place: destroyed
    n_threads: int,
) -> tuple[NDArray[Float], NDArray[Float]]: ...  # singular values, right singular vectors (min(m, d) rows)
def pca_randomized(
    Xc: NDArray[Float],  # centred
    n_components: int,
    n_oversamples: int,
    n_iter: int,
    normalizer: str,  # "none" | "LU" | "QR"
    seed: int,
    n_threads: int,
) -> tuple[NDArray[Float], NDArray[Float]]: ...  # singular values, components
def pca_project(
    X: NDArray[Float],
    mean: NDArray[Float],
    components: NDArray[Float],
    scale: NDArray[Float] | None,  # per component, or None
    n_threads: int,
) -> NDArray[Float]: ...

# -- DBSCAN (zoo.unsupervised.dbscan) -------------------------------------------------
# Returns is_core (uint8), labels (int64, -1 for noise) and the search used.
def dbscan_fit(
    X: NDArray[np.float64],
    sample_weight: NDArray[np.float64],
    eps: float,
    min_samples: float,
    metric: str,  # "euclidean" | "manhattan" | "chebyshev"
    algorithm: str,  # "auto" | "grid" | "kd_tree" | "brute"
    leaf_size: int,
    n_threads: int,
) -> tuple[NDArray[np.uint8], NDArray[np.int64], str]: ...

def dbscan_precomputed(
    distances: NDArray[np.float64],  # n x n, or a CSR graph's data
    indptr: NDArray[np.int64] | None,  # None for a dense matrix
    indices: NDArray[np.int64] | None,
    sample_weight: NDArray[np.float64],
    n: int,
    eps: float,
    min_samples: float,
    n_threads: int,
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]: ...

# -- sparse input (zoo/sparse.hpp): a CSR matrix as data, indices, indptr --------------
def csr_times_dense(
    data: NDArray[np.float64],
    indices: NDArray[np.int64],
    indptr: NDArray[np.int64],
    n_cols: int,
    B: NDArray[np.float64],  # (n_cols, k)
    n_threads: int,
) -> NDArray[np.float64]: ...  # (n_rows, k)
def csr_column_moments(
    data: NDArray[np.float64],
    indices: NDArray[np.int64],
    indptr: NDArray[np.int64],
    n_cols: int,
    sample_weight: NDArray[np.float64] | None,
    n_threads: int,
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]: ...  # total weight, means, sums of squared deviations
def csr_column_max_abs(
    data: NDArray[np.float64],
    indices: NDArray[np.int64],
    indptr: NDArray[np.int64],
    n_cols: int,
    n_threads: int,
) -> NDArray[np.float64]: ...
def linear_svm_fit_sparse(
    data: NDArray[np.float64],
    indices: NDArray[np.int64],
    indptr: NDArray[np.int64],
    n_features: int,
    targets: NDArray[np.float64],
    upper: NDArray[np.float64],
    squared_hinge: bool,
    tol: float,
    max_iter: int,
    bias_scale: float,
    seed: int,
    n_threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, bool, bool]: ...

# -- image augmentation (zoo.augment.image) -------------------------------------------
# X is a 4-D batch (N, H, W, C), or (N, C, H, W) with channels_first; each
# function returns a new array and never writes X. Per-sample parameters
# come from Python; noise depends on (seed, sample index) only.
def augment_flip(
    X: NDArray[Float],
    channels_first: bool,
    flip_horizontal: NDArray[np.uint8],  # (N,) 0/1
    flip_vertical: NDArray[np.uint8],  # (N,) 0/1
    n_threads: int,
) -> NDArray[Float]: ...
def augment_crop(
    X: NDArray[Float],
    channels_first: bool,
    out_height: int,
    out_width: int,
    top: NDArray[np.int64],  # (N,) first source row, may be negative (padding)
    left: NDArray[np.int64],  # (N,) first source column
    padding_mode: str,  # "constant" | "reflect" | "edge"
    fill: float,
    n_threads: int,
) -> NDArray[Float]: ...
def augment_affine(
    X: NDArray[Float],
    channels_first: bool,
    matrices: NDArray[np.float64],  # (N, 6): source col, row = M @ (col, row, 1)
    interpolation: str,  # "nearest" | "bilinear"
    fill: float,
    n_threads: int,
) -> NDArray[Float]: ...
def augment_adjust(
    X: NDArray[Float],
    contrast: NDArray[np.float64],  # (N,) factor about each image's mean
    brightness: NDArray[np.float64],  # (N,) added
    clip: bool,
    low: float,
    high: float,
    n_threads: int,
) -> NDArray[Float]: ...
def augment_gaussian_noise(
    X: NDArray[Float],
    std: float,
    seed: int,
    clip: bool,
    low: float,
    high: float,
    n_threads: int,
) -> NDArray[Float]: ...
def knn_brute(
    points: NDArray[np.float64],  # (n, d), finite
    queries: NDArray[np.int64],  # (m,) row indices into points
    k: int,  # 1 <= k <= n - 1
    block_rows: int,  # GEMM tile: queries by points; 0 = automatic (the result does not depend on it)
    block_cols: int,
    n_threads: int,
) -> NDArray[np.int64]: ...  # (m, k): nearest other rows first, equal distances by lower index
def smote_interpolate(
    samples: NDArray[Float],  # (n, d)
    start: NDArray[np.int64],  # (m,) rows of samples
    end: NDArray[np.int64],  # (m,) rows of samples
    step: NDArray[np.float64],  # (m,) rounded to Float
    out: NDArray[Float],  # (m, d), C-contiguous, written: samples[start] + step * (samples[end] - samples[start])
    n_threads: int,
) -> None: ...
