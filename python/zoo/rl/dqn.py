"""Deep Q-Network: zoo.DQN.

Mnih et al., "Human-level control through deep reinforcement learning",
Nature 518 (2015): a network Q(s, .) trained on transitions replayed from a
buffer towards r + gamma * max_a' Q_target(s', a'), with a target network
refreshed every `target_update_interval` steps. Double DQN (van Hasselt,
Guez and Silver, AAAI 2016), on by default, picks a' with the online network
and values it with the target network.

The whole loop (acting, stepping, storing, learning, target updates) runs
in C++ (cpp/src/rl/dqn.cpp), on zoo's native environments and on Python
gymnasium ones alike (the loop calls a Python environment's step/reset).
"""

from __future__ import annotations

from dataclasses import asdict
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, optional
from zoo._threads import resolve_n_jobs
from zoo.base import Interval, Options
from zoo.nn._model import check_saved_network, network_attribute
from zoo.nn.network import LOSSES, Network, dense_layers, layer_sizes
from zoo.nn.optimizers import get_optimizer
from zoo.rl._base import NETWORK_CONSTRAINTS, RUN_CONSTRAINTS, RLLearner
from zoo.rl._env import EnvHandle, loop_copies, require_box_observations, require_discrete
from zoo.rl._replay import ReplayBuffer

# The engine's losses DQN's temporal-difference errors take.
TD_LOSSES = {name: LOSSES[name] for name in ("huber", "mse")}


class DQN(RLLearner):
    """Deep Q-learning with experience replay, a target network and double DQN.

    Parameters follow Stable-Baselines3's DQN where it has them. The defaults
    are for classic-control tasks (CartPole, Acrobot, MountainCar):
    rl-baselines3-zoo's tuned CartPole-v1 settings, with a learning rate of
    1e-3 instead of 2.3e-3 (which loses the solved policy more often), not
    Stable-Baselines3's Atari defaults. DQN's greedy policy is unstable even
    so: `DQN().fit("CartPole-v1", 50_000)` solves CartPole-v1 (mean greedy
    return >= 475 over 100 episodes) for 15 of 20 seeds, and with
    `eval_interval=2_000`, which keeps the best policy evaluated, for 19 of 20
    (bench/dqn_reliability.py; docs/reinforcement.md).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 64)
        The Q-network's hidden layers; it maps an observation to one value per action.
    activation : str, default="relu"
    optimizer : str or zoo.nn optimizer, default="adam"
    learning_rate : float, default=1e-3
    buffer_size : int, default=1_000_000
        Replay capacity in transitions.
    learning_starts : int, default=1_000
        Steps of uniformly random actions before learning begins.
    batch_size : int, default=64
    tau : float, default=1.0
        Target update coefficient: 1 copies the online network, below 1 is Polyak averaging.
    gamma : float, default=0.99
    train_freq : int, default=256
        Environment steps between learning phases.
    gradient_steps : int, default=128
        Gradient steps per learning phase.
    target_update_interval : int, default=10
        Environment steps between target updates (with learning phases every
        `train_freq` steps, the target is refreshed before each phase).
    exploration_fraction : float, default=0.16
        Fraction of `total_timesteps` over which epsilon falls linearly.
    exploration_initial_eps, exploration_final_eps : float, default=1.0, 0.04
    max_grad_norm : float or None, default=10
        Gradient clipping by global norm.
    double_q : bool, default=True
    loss : {"huber", "mse"}, default="huber"
    eval_interval : int or None, default=None
        Every `eval_interval` environment steps (checked after each chunk of
        `chunk_steps`, so in effect a multiple of 1,000), and at the end of
        the fit, play `eval_episodes` episodes with the greedy policy on a
        separate copy of the environment, and end the fit with the Q-network
        that scored best (the later one on a tie). DQN's greedy policy often
        reaches the best return and then loses it; this keeps it. Training
        itself is unchanged. A gymnasium Env passed to fit needs a spec to be
        copied from. None: no evaluation, the fit ends with the last network.
    eval_episodes : int, default=10
        Greedy episodes per evaluation (all starting from the same seed).
    callbacks : list of zoo.nn.callbacks.Callback, optional
        Called after every chunk of `chunk_steps` environment steps with logs
        (mean_return over the last 100 episodes, loss, timesteps).
    verbose : int, default=0
        1 shows a progress bar.
    random_state : int, Generator or None
    n_jobs : int or None
        Threads for the gradient steps.

    Attributes
    ----------
    q_network_, target_network_ : zoo.nn.Network
        The online Q-network (with the optimizer's state) and the target network.
    params_, target_params_, buffers_, optimizer_state_ : ndarray
        Their arrays (q_network_.params, target_network_.params, ...).
    n_updates_ : int
        Gradient steps taken (q_network_.n_steps).
    best_eval_return_, best_eval_timestep_ : float and int, or None
        With `eval_interval`: the best evaluation's mean greedy return and the
        step count it was made at, whose Q-network the fit ended with (None
        without evaluation). Each fit call evaluates afresh.
    num_timesteps_ : int
    history_ : zoo.nn.EpisodeHistory
        Per-chunk logs, and "episode_return" and "episode_length" of every
        finished training episode.
    """

    params_ = network_attribute("q_network_", "params", "The online Q-network's parameters.")
    target_params_ = network_attribute("target_network_", "params", "The target network's parameters.")
    buffers_ = network_attribute("q_network_", "buffers", "The Q-network's batch-norm statistics (none).")
    optimizer_state_ = network_attribute("q_network_", "optimizer_state", "The optimizer's moments.")
    n_updates_ = network_attribute("q_network_", "n_steps", "Gradient steps taken.")

    _parameter_aliases = {
        "n_steps": "zoo's DQN learns from one-step targets (no n-step returns)",
        **dict.fromkeys(("replay_buffer_class", "replay_buffer_kwargs", "optimize_memory_usage"),
                        "the replay buffer is built in; its capacity is buffer_size=..."),
    }
    _parameter_constraints = {
        **NETWORK_CONSTRAINTS,
        "buffer_size": [Interval(Integral, 1, None, closed="left")],
        "learning_starts": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "tau": [Interval(Real, 0, 1, closed="right")],
        "gamma": [Interval(Real, 0, 1, closed="both")],
        "train_freq": [Interval(Integral, 1, None, closed="left")],
        "gradient_steps": [Interval(Integral, 0, None, closed="left")],
        "target_update_interval": [Interval(Integral, 1, None, closed="left")],
        "exploration_fraction": [Interval(Real, 0, 1, closed="both")],
        "exploration_initial_eps": [Interval(Real, 0, 1, closed="both")],
        "exploration_final_eps": [Interval(Real, 0, 1, closed="both")],
        "max_grad_norm": [None, Interval(Real, 0, None, closed="neither")],
        "double_q": ["boolean"],
        "loss": [Options(set(TD_LOSSES))],
        "eval_interval": [None, Interval(Integral, 1, None, closed="left")],
        "eval_episodes": [Interval(Integral, 1, None, closed="left")],
        **RUN_CONSTRAINTS,
    }
    # Files written before the Network component hold the networks' arrays
    # (params_, ...) instead, which _load_state builds them from.
    _fitted_state = {
        "q_network_": optional([Network]),
        "target_network_": optional([Network]),
        "params_": optional(Array((None,), np.float32)),
        "target_params_": optional(Array(("params_",), np.float32)),
        "buffers_": optional(Array((None,), np.float32)),
        "optimizer_state_": optional(Array((None, "params_"), np.float32)),
        "n_updates_": optional([Interval(Integral, 0, None)]),
        "best_eval_return_": optional([None, Real]),
        "best_eval_timestep_": optional([None, Interval(Integral, 0, None)]),
    }

    def __init__(self, hidden_layer_sizes=(64, 64), *, activation="relu", optimizer="adam", learning_rate=1e-3,
                 buffer_size=1_000_000, learning_starts=1_000, batch_size=64, tau=1.0, gamma=0.99, train_freq=256,
                 gradient_steps=128, target_update_interval=10, exploration_fraction=0.16,
                 exploration_initial_eps=1.0, exploration_final_eps=0.04, max_grad_norm=10.0, double_q=True,
                 loss="huber", eval_interval=None, eval_episodes=10, callbacks=None, verbose=0, random_state=None,
                 n_jobs=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.buffer_size = buffer_size
        self.learning_starts = learning_starts
        self.batch_size = batch_size
        self.tau = tau
        self.gamma = gamma
        self.train_freq = train_freq
        self.gradient_steps = gradient_steps
        self.target_update_interval = target_update_interval
        self.exploration_fraction = exploration_fraction
        self.exploration_initial_eps = exploration_initial_eps
        self.exploration_final_eps = exploration_final_eps
        self.max_grad_norm = max_grad_norm
        self.double_q = double_q
        self.loss = loss
        self.eval_interval = eval_interval
        self.eval_episodes = eval_episodes
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- the model ---------------------------------------------------------

    def _check_spaces(self, handle: EnvHandle) -> None:
        require_box_observations(self, handle.observation_space)
        require_discrete(self, handle.action_space, "action")

    def _layers(self):
        n_inputs = int(np.prod(self.observation_space_.shape))
        return dense_layers([n_inputs, *layer_sizes(self.hidden_layer_sizes), int(self.action_space_.n)],
                            self.activation)

    def _setup(self, handle: EnvHandle, seed: int) -> None:
        self.observation_space_ = handle.observation_space
        self.action_space_ = handle.action_space
        rng = np.random.default_rng(seed)
        # PyTorch's default nn.Linear initialisation, which Stable-Baselines3's
        # tuned hyperparameters assume (He-uniform would start 2.4 times larger).
        self.q_network_ = Network(self._layers()).initialize("torch_default", rng)
        self.q_network_.attach_optimizer(self.optimizer)
        self.target_network_ = Network(self._layers())
        self.target_network_.params[:] = self.q_network_.params
        self.rng_state_ = rng.integers(0, 2**63, size=4, dtype=np.uint64) | np.uint64(1)
        self._episode_seed = int(rng.integers(0, 2**63))
        self._replay = None
        self._episode = None

    def _dqn_config(self) -> "_core.DqnConfig":
        config = _core.DqnConfig()
        config.gamma = float(self.gamma)
        config.double_q = bool(self.double_q)
        config.batch_size = int(self.batch_size)
        train = _core.TrainConfig()
        train.loss = TD_LOSSES[self.loss]
        train.optimizer = get_optimizer(self.optimizer).config(float(self.learning_rate))
        train.clip_norm = float(self.max_grad_norm or 0.0)
        # The kernel shrinks the team for small networks (zoo/nn_passes.hpp's team_size_for).
        train.n_threads = resolve_n_jobs(self.n_jobs)
        config.train = train
        return config

    def _schedule(self, total: int) -> "_core.DqnSchedule":
        schedule = _core.DqnSchedule()
        schedule.num_timesteps = int(self.num_timesteps_)
        schedule.total_timesteps = int(total)
        schedule.epsilon_start = float(self.exploration_initial_eps)
        schedule.epsilon_end = float(self.exploration_final_eps)
        schedule.exploration_fraction = float(self.exploration_fraction)
        schedule.learning_starts = int(self.learning_starts)
        schedule.train_freq = int(self.train_freq)
        schedule.gradient_steps = int(self.gradient_steps)
        schedule.target_update_interval = int(self.target_update_interval)
        schedule.tau = float(self.tau)
        return schedule

    def _replay_buffer(self) -> ReplayBuffer:
        if getattr(self, "_replay", None) is None:  # a loaded model starts with an empty buffer
            self._replay = ReplayBuffer(int(self.buffer_size), self.q_network_.n_inputs)
        return self._replay

    def _runner(self, handle: EnvHandle, until: int):
        return _Runner(self, handle, until)

    def _act(self, observations: np.ndarray, deterministic: bool) -> np.ndarray:
        network = self.q_network_
        greedy = _core.dqn_greedy(network.core, network.params, network.buffers, observations)
        if deterministic:
            return greedy
        # The policy's own exploration: epsilon-greedy at the final epsilon.
        rng = np.random.default_rng()
        explore = rng.random(len(greedy)) < self.exploration_final_eps
        return np.where(explore, rng.integers(0, self.action_space_.n, len(greedy)), greedy)

    # The online network's parameters, for keeping the best policy (eval_interval).
    def _get_weights(self) -> dict:
        return {"params_": self.q_network_.params.copy()}

    def _set_weights(self, weights: dict) -> None:
        # The target network restarts from the restored network, as after a target update.
        self.q_network_.params[...] = weights["params_"]
        self.target_network_.params[...] = weights["params_"]

    def _load_state(self, state):
        state = dict(state)
        # Files written before the Network component kept the arrays on the learner.
        if "params_" in state:
            layers = self._layers_of(state)
            self.q_network_ = Network.from_config({
                "layers": layers, "params": state.pop("params_"), "buffers": state.pop("buffers_"),
                "optimizer_state": state.pop("optimizer_state_"), "n_steps": int(state.pop("n_updates_"))})
            self.target_network_ = Network.from_config({
                "layers": layers, "params": state.pop("target_params_"), "buffers": self.q_network_.buffers.copy(),
                "optimizer_state": np.zeros((0, self.q_network_.n_params), np.float32), "n_steps": 0})
        super()._load_state(state)
        if "q_network_" in vars(self):  # the networks must fit the spaces and hidden_layer_sizes
            for name in ("q_network_", "target_network_"):
                check_saved_network(self, name, self._layers())

    def _layers_of(self, state) -> list[dict]:
        """The layers a legacy file's arrays were laid out for."""
        from zoo.rl._base import space_from_state  # noqa: PLC0415

        self.observation_space_ = space_from_state(state["observation_space_"])
        self.action_space_ = space_from_state(state["action_space_"])
        return [asdict(spec) for spec in self._layers()]


class _Runner:
    """DQN's loop in C++, `n_steps` per call, on either kind of environment.
    The views over the learner's arrays are built once per fit."""

    def __init__(self, model: DQN, handle: EnvHandle, until: int):
        self.model, self.until = model, until
        self.copies, _ = loop_copies(model, handle)
        self.config = model._dqn_config()
        self.online = model.q_network_.kernel_state()
        self.target = model.target_network_.kernel_state(learning=False)
        self.replay = model._replay_buffer().view()

    def run(self, n_steps: int):
        m = self.model
        returns, lengths, loss_sum, n_updates = _core.dqn_collect(
            self.copies, self.online, self.target, self.replay, self.config, m._schedule(self.until), n_steps,
            m.rng_state_)
        m.q_network_.n_steps = self.online.step
        logs = {"loss": loss_sum / n_updates} if n_updates else {}
        return returns, lengths, logs
