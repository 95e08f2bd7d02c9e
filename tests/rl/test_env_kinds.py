"""One C++ loop per learner, whatever the environment: zoo's native
environments and Python gymnasium ones are stepped by the same loop
(cpp/include/zoo/env_copies.hpp; the Python adapter in
cpp/bindings/bind_env_copies.cpp), so the same seed gives the same model,
bit for bit. Also: the seeding protocol, terminated against truncated, and
what happens when a Python environment raises."""

import os
import signal
import warnings

import gymnasium
import numpy as np
import pytest

from zoo import DQN, REINFORCE, ActorCritic, QLearning
from zoo.nn import Network

# Small networks and budgets that still take many updates and episodes.
CASES = [
    pytest.param(DQN, dict(hidden_layer_sizes=(32, 32), learning_starts=500, train_freq=4, gradient_steps=2,
                           target_update_interval=250, learning_rate=1e-3, buffer_size=4_000),
                 "CartPole-v1", 6_001, id="dqn"),
    pytest.param(DQN, dict(hidden_layer_sizes=(16,), learning_starts=100, tau=0.1, target_update_interval=1,
                           double_q=False, loss="mse", optimizer="rmsprop"),
                 "CartPole-v1", 3_001, id="dqn-polyak-mse"),
    pytest.param(REINFORCE, {}, "CartPole-v1", 20_001, id="reinforce"),
    pytest.param(REINFORCE, dict(baseline=False, batch_steps=700, normalize_advantage=False, max_grad_norm=1.0),
                 "CartPole-v1", 20_001, id="reinforce-batch-steps"),
    pytest.param(ActorCritic, {}, "CartPole-v1", 20_001, id="a2c"),
    pytest.param(ActorCritic, dict(n_envs=3, n_steps=7, gae_lambda=0.9, shared=True, optimizer="adam"),
                 "CartPole-v1", 20_001, id="a2c-shared-gae"),
    pytest.param(QLearning, dict(method="sarsa"), "CliffWalking-v1", 30_000, id="sarsa"),
    pytest.param(QLearning, {}, "FrozenLake-v1", 30_000, id="q-learning-slippery"),
]


def fitted_arrays(model) -> dict:
    """Every array the fit produced: the networks' parameters and optimizer
    moments, tables, generators."""
    arrays = {}
    for name, value in vars(model).items():
        if name.endswith("_") and isinstance(value, np.ndarray):
            arrays[name] = value
        elif isinstance(value, Network):
            arrays.update({f"{name}.{part}": getattr(value, part) for part in ("params", "optimizer_state", "buffers")})
    return arrays


def assert_same_model(a, b):
    arrays_a, arrays_b = fitted_arrays(a), fitted_arrays(b)
    assert arrays_a.keys() == arrays_b.keys() and len(arrays_a) >= 2
    for name in arrays_a:
        assert np.array_equal(arrays_a[name], arrays_b[name]), name
    for key in ("episode_return", "episode_length"):
        np.testing.assert_array_equal(a.history_[key], b.history_[key])
    assert a.num_timesteps_ == b.num_timesteps_
    assert getattr(a, "n_updates_", None) == getattr(b, "n_updates_", None)


@pytest.mark.parametrize("learner,params,env_id,steps", CASES)
def test_native_and_gymnasium_environments_give_the_same_model(learner, params, env_id, steps):
    """The same loop steps zoo's environment and gymnasium's, which zoo's
    reproduces step for step: the same draws, episodes and updates."""
    n_jobs = {} if learner is QLearning else {"n_jobs": 1}
    native = learner(random_state=0, **n_jobs, **params).fit(env_id, steps)
    python = learner(random_state=0, **n_jobs, **params).fit(gymnasium.make(env_id), steps)
    assert_same_model(native, python)
    assert len(native.history_["episode_return"]) > 10
    if hasattr(native, "n_updates_"):
        assert native.n_updates_ > 10


class _Recorder(gymnasium.Wrapper):
    """Records the seed of every reset."""

    def __init__(self, env):
        super().__init__(env)
        self.seeds = []

    def reset(self, *, seed=None, options=None):
        self.seeds.append(seed)
        return self.env.reset(seed=seed, options=options)


@pytest.mark.parametrize("learner", [DQN, REINFORCE, ActorCritic])
def test_a_fresh_learner_seeds_the_first_reset_and_only_that(learner):
    env = _Recorder(gymnasium.make("CartPole-v1"))
    extra = {"n_envs": 1} if learner is ActorCritic else {}
    model = learner(random_state=0, **extra).fit(env, 2_000)
    assert env.seeds[0] == model._episode_seed
    assert len(env.seeds) > 5 and set(env.seeds[1:]) == {None}
    model.fit(env, 1_000, reset_num_timesteps=False)  # a continued fit carries on the env's generator
    assert set(env.seeds[1:]) == {None}


def test_actor_critic_seeds_copy_i_with_seed_plus_i():
    model = ActorCritic(n_envs=4, random_state=0).fit(gymnasium.make("CartPole-v1"), 4)
    seed = model._episode_seed
    native = ActorCritic(n_envs=4, random_state=0).fit("CartPole-v1", 4)
    # Gymnasium's copies, made from the spec, start where the native copies seeded with seed + i do.
    expected = [gymnasium.make("CartPole-v1").reset(seed=seed + i)[0] for i in range(4)]
    np.testing.assert_array_equal(native._rollout.observations[0], np.stack(expected))
    np.testing.assert_array_equal(model._rollout.observations[0], np.stack(expected))


class _Countdown(gymnasium.Env):
    """Observes how many steps are left; ends after `length` steps, either
    terminated by the MDP or truncated (as a time limit would)."""

    observation_space = gymnasium.spaces.Box(0.0, 100.0, (2,), dtype=np.float32)
    action_space = gymnasium.spaces.Discrete(2)

    def __init__(self, length=5, truncate=False, fail_at=None, error=RuntimeError):
        self.length, self.truncate, self.fail_at, self.error = length, truncate, fail_at, error
        self.total = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.left = self.length
        return np.array([self.left, 0.0], dtype=np.float32), {}

    def step(self, action):
        self.total += 1
        if self.fail_at is not None and self.total == self.fail_at:
            raise self.error("the environment broke")
        self.left -= 1
        done = self.left == 0
        obs = np.array([self.left, float(action)], dtype=np.float64)  # converted to float32 by the adapter
        return obs, 1.0, done and not self.truncate, done and self.truncate, {}


@pytest.mark.parametrize("truncate", [False, True], ids=["terminated", "truncated"])
def test_terminated_and_truncated_come_from_the_python_environment(truncate):
    model = DQN((8,), learning_starts=10, buffer_size=100, random_state=0).fit(_Countdown(5, truncate), 100)
    np.testing.assert_array_equal(model.history_["episode_length"], [5] * 20)
    np.testing.assert_array_equal(model.history_["episode_return"], [5.0] * 20)
    replay = model._replay
    ends = replay.next_observations[:, 0] == 0
    assert ends.sum() == 20
    # A time limit is not a terminal state: the replay keeps bootstrapping from it.
    np.testing.assert_array_equal(replay.terminated[ends], 0.0 if truncate else 1.0)
    np.testing.assert_array_equal(replay.terminated[~ends], 0.0)


@pytest.mark.parametrize("learner", [DQN, REINFORCE, ActorCritic, QLearning])
def test_an_exception_in_the_environment_propagates_as_itself(learner):
    if learner is QLearning:
        env = gymnasium.make("CliffWalking-v1")
        broken = _FailingStep(env, fail_at=1_500)
    else:
        broken = _Countdown(20, fail_at=1_500)
    extra = {"n_envs": 1} if learner is ActorCritic else {}
    model = learner(random_state=0, **extra)
    with pytest.raises(RuntimeError, match="the environment broke"):
        model.fit(broken, 3_000)
    # Nothing is left locked or half-called: the learner fits again.
    fixed = gymnasium.make("CliffWalking-v1") if learner is QLearning else _Countdown(20)
    assert model.fit(fixed, 1_000).num_timesteps_ == 1_000


class _FailingStep(gymnasium.Wrapper):
    def __init__(self, env, fail_at, error=RuntimeError):
        super().__init__(env)
        self.fail_at, self.error, self.total = fail_at, error, 0

    def step(self, action):
        self.total += 1
        if self.total == self.fail_at:
            raise self.error("the environment broke")
        return self.env.step(action)


def test_keyboard_interrupt_raised_by_the_environment_propagates():
    with pytest.raises(KeyboardInterrupt):
        REINFORCE(random_state=0).fit(_Countdown(20, fail_at=700, error=KeyboardInterrupt), 3_000)


def test_ctrl_c_during_a_python_environment_step_stops_after_the_chunk():
    class _CtrlC(_Countdown):
        def step(self, action):
            if self.total == 1_500:
                os.kill(os.getpid(), signal.SIGINT)
            return super().step(action)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = DQN((8,), random_state=0).fit(_CtrlC(20), 10_000)
    assert model.num_timesteps_ == 2_000  # the chunk in progress (1,000 steps) finished
    assert model.predict(np.zeros(2, dtype=np.float32)) in (0, 1)


def test_a_malformed_step_is_a_clear_error():
    class _FourTuple(_Countdown):
        def step(self, action):
            return super().step(action)[:4]

    with pytest.raises(TypeError, match=r"env.step\(\) must return gymnasium's"):
        DQN((8,), random_state=0).fit(_FourTuple(), 100)

    class _WrongSize(_Countdown):
        def step(self, action):
            return (np.zeros(3),) + super().step(action)[1:]

    with pytest.raises(ValueError, match="observation of 3 values"):
        REINFORCE((8,), random_state=0).fit(_WrongSize(), 100)
