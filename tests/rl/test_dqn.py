import gymnasium
import numpy as np
import pytest

import zoo
from zoo import DQN
from zoo.nn.callbacks import LambdaCallback

# rl-baselines3-zoo's tuned CartPole-v1 hyperparameters; the budget is 50,000 steps.
TUNED = dict(learning_rate=2.3e-3, batch_size=64, buffer_size=100_000, learning_starts=1_000, gamma=0.99,
             target_update_interval=10, train_freq=256, gradient_steps=128, exploration_fraction=0.16,
             exploration_final_eps=0.04)


def tuned_dqn(seed=0, **overrides):
    return DQN((256, 256), random_state=seed, **{**TUNED, **overrides})


# The recipe docs/reinforcement.md recommends: the defaults, keeping the best
# greedy policy. DQN on CartPole is seed-sensitive (in Stable-Baselines3 too);
# this solves it for each of the seeds 0-9 (bench/dqn_reliability.py --recipe dqn).
def recommended_dqn(seed):
    return DQN(eval_interval=2_000, random_state=seed)


def test_solves_cartpole_on_the_native_environment():
    model = recommended_dqn(0).fit("CartPole-v1", 50_000)
    mean, std = model.evaluate("CartPole-v1", n_episodes=100, seed=0)
    assert mean >= 475, (mean, std)
    assert len(model.history_["episode_return"]) == len(model.history_["episode_length"]) > 50
    assert model.num_timesteps_ == 50_000


def test_learns_on_gymnasiums_own_cartpole():
    env = gymnasium.make("CartPole-v1")
    model = recommended_dqn(1).fit(env, 50_000)
    mean, _ = model.evaluate(gymnasium.make("CartPole-v1"), n_episodes=20, seed=0)
    assert mean >= 475


def test_same_seed_same_model():
    a = tuned_dqn(seed=3).fit("CartPole-v1", 3_000)
    b = tuned_dqn(seed=3).fit("CartPole-v1", 3_000)
    np.testing.assert_array_equal(a.params_, b.params_)
    np.testing.assert_array_equal(a.history_["episode_return"], b.history_["episode_return"])


def test_targets_match_a_numpy_reference():
    """One gradient step by SGD: the C++ update equals the Huber-loss gradient
    of the double-DQN target computed in NumPy from the same sampled batch."""
    from zoo import _core
    from zoo.rl._replay import ReplayBuffer

    rng = np.random.default_rng(0)
    model = DQN((8,), optimizer="sgd", learning_rate=0.1, batch_size=16, max_grad_norm=None, gamma=0.9,
                random_state=0, n_jobs=1)
    model.fit("CartPole-v1", 1)  # builds the networks
    model.target_params_[:] = model.params_ + rng.normal(0, 0.1, model.params_.shape)
    replay = ReplayBuffer(16, 4)
    for _ in range(16):
        replay.add(rng.normal(size=4), rng.normal(size=4), rng.integers(2), rng.normal(), rng.random() < 0.3)
    before = model.params_.copy()
    rng_state = model.rng_state_.copy()
    online = model.q_network_.kernel_state()
    _core.dqn_train(online, model.target_network_.kernel_state(learning=False), replay.view(), model._dqn_config(), 1,
                    model.rng_state_)
    assert online.step == 1
    # The batch the kernel drew: xoshiro256++ from the same state, Lemire's bounded draw.
    picked = _xoshiro_below(rng_state, 16, 16)

    def q(params, x):
        w1 = params[:32].reshape(8, 4); b1 = params[32:40]
        w2 = params[40:56].reshape(2, 8); b2 = params[56:58]
        return np.maximum(x @ w1.T + b1, 0) @ w2.T + b2

    def loss(params):
        x, nx = replay.observations[picked].astype(np.float64), replay.next_observations[picked].astype(np.float64)
        a, r, t = replay.actions[picked], replay.rewards[picked], replay.terminated[picked]
        best = q(before.astype(np.float64), nx).argmax(axis=1)
        target = r + 0.9 * (1 - t) * q(model.target_params_.astype(np.float64), nx)[np.arange(16), best]
        error = q(params, x)[np.arange(16), a] - target
        return np.mean(np.where(np.abs(error) <= 1, 0.5 * error**2, np.abs(error) - 0.5))

    p0 = before.astype(np.float64)
    grad = np.zeros_like(p0)
    for i in range(len(p0)):
        step = np.zeros_like(p0); step[i] = 1e-6
        grad[i] = (loss(p0 + step) - loss(p0 - step)) / 2e-6
    np.testing.assert_allclose(model.params_, p0 - 0.1 * grad, atol=2e-5)


def _xoshiro_below(state, n, count):
    s = [int(w) for w in state]
    mask = (1 << 64) - 1
    out = []
    for _ in range(count):
        result = (((s[0] + s[3]) & mask) << 23 | ((s[0] + s[3]) & mask) >> 41) & mask
        result = (result + s[0]) & mask
        t = (s[1] << 17) & mask
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & mask
        out.append((result * n) >> 64)
    return np.array(out)


def test_continuing_fit_carries_the_step_count():
    model = tuned_dqn(learning_starts=100).fit("CartPole-v1", 1_500)
    episodes = len(model.history_["episode_return"])
    model.fit("CartPole-v1", 1_000, reset_num_timesteps=False)
    assert model.num_timesteps_ == 2_500
    assert len(model.history_["episode_return"]) > episodes


def test_callbacks_see_each_chunk_and_can_stop():
    seen = []

    def on_epoch_end(model, chunk, logs):
        seen.append(logs["timesteps"])
        return chunk == 1

    model = DQN(callbacks=[LambdaCallback(on_epoch_end=on_epoch_end)], random_state=0).fit("CartPole-v1", 10_000)
    assert seen == [1_000, 2_000]
    assert model.num_timesteps_ == 2_000


def test_predict_shapes_and_errors():
    model = DQN(random_state=0).fit("CartPole-v1", 200)
    obs = np.zeros(4, dtype=np.float32)
    assert model.predict(obs) in (0, 1)
    assert model.predict(np.zeros((5, 4))).shape == (5,)
    with pytest.raises(ValueError, match="shape"):
        model.predict(np.zeros(3))
    with pytest.raises(zoo.NotFittedError):
        DQN().predict(obs)


@pytest.mark.parametrize("bad", [0, -5, 2.5, True])
def test_bad_total_timesteps(bad):
    with pytest.raises(ValueError, match="total_timesteps"):
        DQN().fit("CartPole-v1", bad)


def test_unsupported_spaces_are_refused():
    with pytest.raises(ValueError, match="Box observation"):
        DQN().fit("FrozenLake-v1", 100)
    with pytest.raises(ValueError, match="Discrete action"):
        DQN().fit("Pendulum-v1", 100)


def test_save_and_load_keep_the_policy(tmp_path):
    model = DQN(random_state=0).fit("CartPole-v1", 2_000)
    path = tmp_path / "dqn.zoo"
    model.save(path)
    loaded = zoo.load(path)
    obs = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(obs), model.predict(obs))
    np.testing.assert_array_equal(loaded.params_, model.params_)

