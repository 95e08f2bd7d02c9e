"""REINFORCE and ActorCritic: the loss gradients against finite differences,
the return estimates against NumPy, learning CartPole and a continuous task,
repeatability, bad input and persistence."""

import gymnasium
import numpy as np
import pytest
from gymnasium import spaces

import zoo
from zoo import _core
from zoo.rl import REINFORCE, ActorCritic
from zoo.nn.network import Layout
from zoo.rl._policy import mlp_layers

# -- the loss and its gradient ----------------------------------------------------

HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


def _mlp(params, layout, x):
    h = x
    for spec, where in zip(layout.specs, layout.slices):
        h = h @ params[where.weight].reshape(spec.n_out, spec.n_in).T + params[where.bias]
        if spec.activation == "tanh":
            h = np.tanh(h)
    return h


class _Problem:
    """A small policy (and critic) in float64 with a random batch."""

    def __init__(self, gaussian, critic, *, ent_coef=0.05, vf_coef=0.7, normalize=False, baseline=False, seed=0):
        rng = np.random.default_rng(seed)
        self.gaussian, self.critic, self.n, self.d, self.dim = gaussian, critic, 13, 3, 2 if gaussian else 3
        self.ent_coef, self.vf_coef, self.normalize, self.baseline = ent_coef, vf_coef, normalize, baseline
        heads = self.dim + (critic == "shared")
        self.actor = Layout(mlp_layers(self.d, (5, 4), heads, "tanh"))
        self.value = Layout(mlp_layers(self.d, (6,), 1, "tanh")) if critic == "separate" else None
        self.actor_p = rng.normal(0, 0.6, self.actor.n_params)
        self.log_std = rng.normal(0, 0.3, self.dim) if gaussian else np.zeros(0)
        self.critic_p = rng.normal(0, 0.6, self.value.n_params) if self.value else np.zeros(0)
        self.x = rng.normal(size=(self.n, self.d))
        self.actions = (rng.normal(size=(self.n, self.dim)) if gaussian else rng.integers(0, self.dim, self.n))
        self.advantages = rng.normal(size=self.n)
        self.returns = rng.normal(size=self.n)

    def config(self, optimizer="adam", lr=1e-3, max_grad_norm=0.0, clip_jointly=True):
        c = _core.PgConfig()
        c.action_kind = _core.PgActionKind.gaussian if self.gaussian else _core.PgActionKind.categorical
        c.critic_kind = {"none": _core.PgCriticKind.none, "separate": _core.PgCriticKind.separate,
                         "shared": _core.PgCriticKind.shared}[self.critic]
        c.action_dim = self.dim
        c.ent_coef, c.vf_coef = self.ent_coef, self.vf_coef
        c.normalize_advantage, c.baseline_advantage = self.normalize, self.baseline
        c.max_grad_norm, c.clip_jointly = max_grad_norm, clip_jointly
        c.actor_optimizer = zoo.nn.optimizers.get_optimizer(optimizer).config(lr)
        c.critic_optimizer = zoo.nn.optimizers.get_optimizer(optimizer).config(lr)
        return c

    def arrays(self, dtype, config):
        slots = _core.optimizer_slots(config.actor_optimizer)

        def trio(p):
            p = p.astype(dtype)
            return p, np.zeros_like(p), np.zeros((slots if p.size else 0, p.size), dtype=dtype)

        return (*trio(self.actor_p), *trio(self.log_std), *trio(self.critic_p))

    def values(self, actor_p, critic_p):
        if self.critic == "shared":
            return _mlp(actor_p, self.actor, self.x)[:, self.dim]
        if self.critic == "separate":
            return _mlp(critic_p, self.value, self.x)[:, 0]
        return None

    def loss(self, actor_p, log_std, critic_p, advantages=None):
        """(total, policy loss, entropy, value loss) in NumPy."""
        head = _mlp(actor_p, self.actor, self.x)[:, : self.dim]
        if self.gaussian:
            z = (self.actions - head) / np.exp(log_std)
            log_prob = (-0.5 * z**2 - log_std - HALF_LOG_2PI).sum(axis=1)
            entropy = np.full(self.n, (0.5 + HALF_LOG_2PI + log_std).sum())
        else:
            log_softmax = head - head.max(axis=1, keepdims=True)
            log_softmax -= np.log(np.exp(log_softmax).sum(axis=1, keepdims=True))
            log_prob = log_softmax[np.arange(self.n), self.actions]
            entropy = -(np.exp(log_softmax) * log_softmax).sum(axis=1)
        a = self.advantages if advantages is None else advantages
        if self.normalize:
            a = (a - a.mean()) / (a.std(ddof=1) + 1e-8)
        values = self.values(actor_p, critic_p)
        value_loss = 0.0 if values is None else np.mean((values - self.returns) ** 2)
        policy_loss = -np.mean(a * log_prob)
        total = policy_loss - self.ent_coef * entropy.mean() + self.vf_coef * value_loss
        return total, policy_loss, entropy.mean(), value_loss

    def policy(self, arrays):
        """The kernels' view of the nine arrays (the empty ones are absent parts)."""
        present = [a if a.size else None for a in arrays]
        critic = self.value.network() if self.value else None
        return _core.PolicyState(
            _core.NetworkState(self.actor.network(), *present[0:3]),
            _core.NetworkState(critic, *present[6:9]) if critic else None,
            log_std=present[3], log_std_grads=present[4], log_std_optimizer_state=present[5])

    def kernel(self, config):
        arrays = self.arrays(np.float64, config)
        stats = _core.pg_gradients(self.policy(arrays), config, self.x, self.actions, self.advantages, self.returns)
        return stats, arrays


def _numeric_gradient(f, p, h=1e-6):
    grad = np.zeros_like(p)
    for i in range(p.size):
        step = np.zeros_like(p)
        step[i] = h
        grad[i] = (f(p + step) - f(p - step)) / (2 * h)
    return grad


CASES = [(g, c) for g in (False, True) for c in ("none", "separate", "shared")]


@pytest.mark.parametrize("gaussian,critic", CASES)
@pytest.mark.parametrize("normalize", [False, True])
def test_loss_gradient_matches_finite_differences(gaussian, critic, normalize):
    """float64: the kernel's loss terms equal NumPy's and its gradients
    equal central differences of that loss, for every head and critic."""
    problem = _Problem(gaussian, critic, normalize=normalize)
    (policy_loss, entropy, value_loss, _), arrays = problem.kernel(problem.config())
    _, np_policy, np_entropy, np_value = problem.loss(problem.actor_p, problem.log_std, problem.critic_p)
    np.testing.assert_allclose([policy_loss, entropy, value_loss], [np_policy, np_entropy, np_value], rtol=1e-10)
    a, ls, c = problem.actor_p, problem.log_std, problem.critic_p
    np.testing.assert_allclose(arrays[1], _numeric_gradient(lambda p: problem.loss(p, ls, c)[0], a), atol=1e-8)
    if gaussian:
        np.testing.assert_allclose(arrays[4], _numeric_gradient(lambda p: problem.loss(a, p, c)[0], ls), atol=1e-8)
    if critic == "separate":
        np.testing.assert_allclose(arrays[7], _numeric_gradient(lambda p: problem.loss(a, ls, p)[0], c), atol=1e-8)


@pytest.mark.parametrize("gaussian", [False, True])
def test_baseline_advantage_is_returns_minus_values_held_constant(gaussian):
    """REINFORCE's baseline: A = G - V(s), with no gradient through V in the policy term."""
    problem = _Problem(gaussian, "separate", baseline=True, normalize=True)
    (policy_loss, _, _, _), arrays = problem.kernel(problem.config())
    held = problem.returns - problem.values(problem.actor_p, problem.critic_p)
    a, ls, c = problem.actor_p, problem.log_std, problem.critic_p
    assert policy_loss == pytest.approx(problem.loss(a, ls, c, held)[1], rel=1e-10)
    np.testing.assert_allclose(arrays[1], _numeric_gradient(lambda p: problem.loss(p, ls, c, held)[0], a), atol=1e-8)
    np.testing.assert_allclose(arrays[7], _numeric_gradient(lambda p: problem.loss(a, ls, p, held)[0], c), atol=1e-8)


def test_float32_gradients_agree_with_float64():
    problem = _Problem(False, "separate")
    config = problem.config(optimizer="sgd", lr=0.1)
    _, exact = problem.kernel(config)
    arrays = problem.arrays(np.float32, config)
    before = arrays[0].copy()
    policy = problem.policy(arrays)
    _core.pg_update(policy, config, problem.x, problem.actions, problem.advantages, problem.returns)
    assert policy.step == 1
    np.testing.assert_allclose(arrays[1], exact[1], atol=1e-5)
    np.testing.assert_allclose(arrays[0], before - 0.1 * arrays[1], atol=1e-6)  # plain SGD step


@pytest.mark.parametrize("jointly", [True, False])
def test_clipping_by_global_norm(jointly):
    problem = _Problem(True, "separate")
    config = problem.config(optimizer="sgd", lr=1.0, max_grad_norm=0.05, clip_jointly=jointly)
    _, g = problem.kernel(config)
    policy_norm = np.sqrt(np.sum(g[1] ** 2) + np.sum(g[4] ** 2))
    value_norm = np.sqrt(np.sum(g[7] ** 2))
    arrays = problem.arrays(np.float64, config)
    _, _, _, norm = _core.pg_update(problem.policy(arrays), config, problem.x, problem.actions, problem.advantages,
                                    problem.returns)
    assert norm == pytest.approx(np.hypot(policy_norm, value_norm), rel=1e-4)
    scales = [0.05 / norm] * 2 if jointly else [0.05 / policy_norm, 0.05 / value_norm]
    np.testing.assert_allclose(arrays[0], problem.actor_p - scales[0] * g[1], atol=1e-6)
    np.testing.assert_allclose(arrays[3], problem.log_std - scales[0] * g[4], atol=1e-6)
    np.testing.assert_allclose(arrays[6], problem.critic_p - scales[1] * g[7], atol=1e-6)


def test_gradients_agree_across_thread_counts():
    """A batch large enough for a team of threads gives the gradients of one
    thread (up to BLAS's summation order over a member's columns)."""
    problem = _Problem(True, "separate")
    n = 2500
    rng = np.random.default_rng(1)
    problem.n, problem.x = n, rng.normal(size=(n, problem.d))
    problem.actions = rng.normal(size=(n, problem.dim))
    problem.advantages, problem.returns = rng.normal(size=n), rng.normal(size=n)
    results = []
    for n_threads in (1, 2, 3):
        config = problem.config()
        config.n_threads = n_threads
        results.append(problem.kernel(config))
    for stats, arrays in results[1:]:
        np.testing.assert_allclose(stats, results[0][0], rtol=1e-12)
        for a, b in zip(results[0][1], arrays):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


# -- returns and advantages ---------------------------------------------------

def test_discounted_returns_restart_at_episode_ends():
    rewards = np.array([1, 2, 3, 4, 5], dtype=np.float32)
    ends = np.array([0, 1, 0, 0, 1], dtype=np.float32)
    expected = [1 + 0.5 * 2, 2, 3 + 0.5 * 4 + 0.25 * 5, 4 + 0.5 * 5, 5]
    np.testing.assert_allclose(_core.pg_discounted_returns(rewards, ends, 0.5), expected)


def _gae_reference(rewards, values, starts, last_values, last_dones, gamma, lam):
    """Stable-Baselines3's RolloutBuffer.compute_returns_and_advantage."""
    n_steps = len(rewards)
    advantages = np.zeros_like(rewards, dtype=np.float64)
    running = 0.0
    for t in reversed(range(n_steps)):
        live = 1.0 - (last_dones if t == n_steps - 1 else starts[t + 1])
        next_values = last_values if t == n_steps - 1 else values[t + 1]
        delta = rewards[t] + gamma * next_values * live - values[t]
        running = delta + gamma * lam * live * running
        advantages[t] = running
    return advantages, advantages + values


@pytest.mark.parametrize("lam", [1.0, 0.95, 0.0])
def test_gae_matches_stable_baselines_formula(lam):
    rng = np.random.default_rng(0)
    shape = (7, 3)
    rewards, values = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
    starts = (rng.random(shape) < 0.3).astype(np.float32)
    last_values, last_dones = rng.normal(size=3).astype(np.float32), np.array([0, 1, 0], dtype=np.float32)
    advantages, returns = _core.pg_gae(rewards, values, starts, last_values, last_dones, 0.9, lam)
    ref_a, ref_r = _gae_reference(rewards.astype(np.float64), values.astype(np.float64), starts, last_values,
                                  last_dones, 0.9, lam)
    np.testing.assert_allclose(advantages, ref_a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(returns, ref_r, rtol=1e-5, atol=1e-6)


# -- learning CartPole --------------------------------------------------------------
# Step budgets: REINFORCE 200,000 steps, A2C 200,000 steps, both with their
# defaults; seeds 0-4 all reach a mean evaluation return >= 475. n_jobs=1
# keeps the tests fast on a busy machine (a team of threads changes only
# the last bits of large REINFORCE batches).


def test_reinforce_solves_cartpole():
    model = REINFORCE(random_state=0, n_jobs=1).fit("CartPole-v1", 200_000)
    mean, std = model.evaluate("CartPole-v1", n_episodes=100, seed=0)
    assert mean >= 475, (mean, std)
    assert model.num_timesteps_ == 200_000
    assert model.n_updates_ == len(model.history_["episode_return"])  # one update per episode


def test_actor_critic_solves_cartpole():
    """Stable-Baselines3's A2C defaults (RMSprop, 5 steps) over 8 copies."""
    model = ActorCritic(random_state=0, n_jobs=1).fit("CartPole-v1", 200_000)
    mean, std = model.evaluate("CartPole-v1", n_episodes=100, seed=0)
    assert mean >= 475, (mean, std)
    assert model.n_updates_ == 200_000 // 40


def test_actor_critic_with_a_shared_trunk_solves_cartpole():
    model = ActorCritic(shared=True, learning_rate=2e-3, random_state=0, n_jobs=1).fit("CartPole-v1", 100_000)
    assert model.critic_params_ is None and model.actor_params_.size == 4 * 64 + 64 + 64 * 64 + 64 + 3 * 64 + 3
    mean, std = model.evaluate("CartPole-v1", n_episodes=20, seed=0)
    assert mean >= 475, (mean, std)


@pytest.mark.parametrize("learner", [REINFORCE, ActorCritic])
def test_same_seed_same_model(learner):
    a = learner(random_state=3).fit("CartPole-v1", 5_000)
    b = learner(random_state=3).fit("CartPole-v1", 5_000)
    np.testing.assert_array_equal(a.actor_params_, b.actor_params_)
    np.testing.assert_array_equal(a.critic_params_, b.critic_params_)
    np.testing.assert_array_equal(a.history_["episode_return"], b.history_["episode_return"])


@pytest.mark.parametrize("learner", [REINFORCE, ActorCritic])
def test_saving_and_continuing_equals_one_long_fit(learner, tmp_path):
    """The episodes in progress, REINFORCE's unfinished episode and A2C's
    partial rollout are saved, so a loaded learner carries on exactly."""
    whole = learner(n_envs=3, random_state=1).fit("CartPole-v1", 9_001) if learner is ActorCritic else \
        learner(random_state=1).fit("CartPole-v1", 9_001)
    first = learner(**whole.get_params()).fit("CartPole-v1", 4_000)
    first.save(tmp_path / "half.zoo")
    resumed = zoo.load(tmp_path / "half.zoo").fit("CartPole-v1", 5_001, reset_num_timesteps=False)
    np.testing.assert_array_equal(resumed.actor_params_, whole.actor_params_)
    np.testing.assert_array_equal(resumed.history_["episode_return"], whole.history_["episode_return"])
    assert resumed.num_timesteps_ == 9_001


def test_reinforce_grows_its_episode_buffer():
    from zoo.rl.reinforce import _EpisodeBuffer

    whole = REINFORCE(random_state=2).fit("CartPole-v1", 3_000)
    model = REINFORCE(random_state=2).fit("CartPole-v1", 10)
    recorded = model._buffer.recorded()
    model._buffer = _EpisodeBuffer(12, 4)  # smaller than an episode
    model._buffer.observations[:10], model._buffer.actions[:10] = recorded[0], recorded[1]
    model._buffer.rewards[:10], model._buffer.episode_ends[:10] = recorded[2], recorded[3]
    model._buffer.meta[:] = recorded[4]
    model.fit("CartPole-v1", 2_990, reset_num_timesteps=False)
    assert len(model._buffer.actions) > 12
    np.testing.assert_array_equal(model.actor_params_, whole.actor_params_)


def test_callbacks_see_the_losses():
    seen = []
    callback = zoo.nn.callbacks.LambdaCallback(on_epoch_end=lambda model, chunk, logs: seen.append(logs))
    ActorCritic(callbacks=[callback], random_state=0).fit("CartPole-v1", 3_000)
    assert len(seen) == 3 and {"policy_loss", "entropy", "value_loss", "mean_return"} <= set(seen[-1])
    assert 0 < seen[0]["entropy"] <= np.log(2)


def test_actor_critic_needs_a_spec_to_copy_an_environment():
    with pytest.raises(ValueError, match="n_envs"):
        ActorCritic(n_envs=2).fit(_Target(), 100)


class _Target(gymnasium.Env):
    """A one-step continuous task: observe x in [-1, 1], earn -(a - x)^2."""

    observation_space = spaces.Box(-1.0, 1.0, (1,), dtype=np.float32)
    action_space = spaces.Box(-2.0, 2.0, (1,), dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.x = self.np_random.uniform(-1, 1, size=1).astype(np.float32)
        return self.x, {}

    def step(self, action):
        return self.x, -float((action[0] - self.x[0]) ** 2), True, False, {}


def test_reinforce_learns_a_gaussian_policy():
    model = REINFORCE((16,), learning_rate=1e-2, n_episodes_per_update=32, random_state=0).fit(_Target(), 20_000)
    x = np.linspace(-0.9, 0.9, 19, dtype=np.float32).reshape(-1, 1)
    np.testing.assert_allclose(model.predict(x).ravel(), x.ravel(), atol=0.15)
    assert model.log_std_[0] < -0.5  # the policy grew confident
    sampled = model.predict(np.zeros((2000, 1), dtype=np.float32), deterministic=False)
    assert sampled.std() == pytest.approx(np.exp(model.log_std_[0]), rel=0.1)


def test_actor_critic_learns_a_gaussian_policy():
    model = ActorCritic((16,), n_envs=1, n_steps=16, learning_rate=3e-3, random_state=0).fit(_Target(), 20_000)
    x = np.linspace(-0.9, 0.9, 19, dtype=np.float32).reshape(-1, 1)
    np.testing.assert_allclose(model.predict(x).ravel(), x.ravel(), atol=0.15)
    assert model.log_std_[0] < -0.5


def test_deterministic_predict_is_the_argmax_and_sampling_follows_softmax():
    model = REINFORCE((8,), random_state=0).fit("CartPole-v1", 500)
    layout = Layout(mlp_layers(4, (8,), 2, "tanh"))
    obs = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    logits = _mlp(model.actor_params_.astype(np.float64), layout, obs.astype(np.float64))
    np.testing.assert_array_equal(model.predict(obs), logits.argmax(axis=1))
    one = obs[:1].repeat(4000, axis=0)
    p = np.exp(logits[0] - logits[0].max())
    p /= p.sum()
    assert model.predict(one, deterministic=False).mean() == pytest.approx(p[1], abs=0.03)


class _DictObservations(gymnasium.Env):
    observation_space = spaces.Dict({"x": spaces.Box(-1, 1, (2,))})
    action_space = spaces.Discrete(2)


class _MultiDiscreteActions(gymnasium.Env):
    observation_space = spaces.Box(-1, 1, (2,))
    action_space = spaces.MultiDiscrete([2, 3])


@pytest.mark.parametrize("learner", [REINFORCE, ActorCritic])
def test_unsupported_spaces_are_refused(learner):
    with pytest.raises(ValueError, match="Box observation"):
        learner().fit(_DictObservations(), 10)
    with pytest.raises(ValueError, match="Discrete action"):
        learner().fit(_MultiDiscreteActions(), 10)


@pytest.mark.parametrize("learner", [REINFORCE, ActorCritic])
def test_predict_checks_its_input(learner):
    model = learner(random_state=0).fit("CartPole-v1", 200)
    assert model.predict(np.zeros(4)) in (0, 1)
    assert model.predict(np.zeros((5, 4))).shape == (5,)
    with pytest.raises(ValueError, match="shape"):
        model.predict(np.zeros(3))
    with pytest.raises(zoo.NotFittedError):
        learner().predict(np.zeros(4))


@pytest.mark.parametrize("learner", [REINFORCE, ActorCritic])
def test_save_and_load_keep_the_policy(learner, tmp_path):
    model = learner(random_state=0).fit("CartPole-v1", 2_000)
    path = tmp_path / "policy.zoo"
    model.save(path)
    loaded = zoo.load(path)
    obs = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(obs), model.predict(obs))
    np.testing.assert_array_equal(loaded.actor_params_, model.actor_params_)
    assert loaded.observation_space_ == model.observation_space_ and loaded.action_space_ == model.action_space_
