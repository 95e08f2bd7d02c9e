"""Policy gradients on CartPole-v1: zoo.ActorCritic against
Stable-Baselines3's A2C, and zoo.REINFORCE against a plain PyTorch
REINFORCE, each pair with the same hyperparameters.

zoo runs on its native CartPole (the loop in C++) and, as a variant, on
gymnasium's CartPole-v1 (the same C++ loop calling the Python environment);
the references run on gymnasium's. The timed call is the whole `learn`/`fit`
of a fixed number of environment steps from a fresh model; the report's unit
is one environment step. Quality is bench_rl's: the mean return of the
greedy policy over gymnasium's own CartPole-v1, played untimed by one helper
for every library.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import math

import gymnasium
import numpy as np

import zoo

from .bench_rl import EVAL_EPISODES, SOLVED, Problem, Trained, greedy_return
from .harness import Case

# PyTorch is imported by the cases' setup, not here (see bench_nn).
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_SB3 = HAVE_TORCH and importlib.util.find_spec("stable_baselines3") is not None

ENV_ID = "CartPole-v1"
HIDDEN = (64, 64)

# -- A2C -----------------------------------------------------------------------

A2C_TIMESTEPS = 100_000
A2C_QUICK_TIMESTEPS = 400  # ten updates of 8 copies x 5 steps
A2C_N_ENVS = 8
# rl-baselines3-zoo, hyperparams/a2c.yml, CartPole-v1: n_envs 8, ent_coef 0.0,
# the rest Stable-Baselines3's A2C defaults, spelled out for both libraries.
A2C_HYPERPARAMETERS = dict(
    learning_rate=7e-4,
    n_steps=5,
    gamma=0.99,
    gae_lambda=1.0,
    ent_coef=0.0,
    vf_coef=0.5,
    max_grad_norm=0.5,
    normalize_advantage=False,
)
RMSPROP_ALPHA, RMSPROP_EPS = 0.99, 1e-5  # Stable-Baselines3's A2C optimizer

# -- REINFORCE -----------------------------------------------------------------

REINFORCE_TIMESTEPS = 50_000
REINFORCE_QUICK_TIMESTEPS = 500
# zoo.REINFORCE's defaults, spelled out: one update per finished episode on
# its whole reward-to-go, a learned value baseline (separate network, same
# optimizer and learning rate), advantages normalised, no entropy bonus, no
# gradient clipping.
REINFORCE_HYPERPARAMETERS = dict(
    learning_rate=1e-3,
    gamma=0.99,
    baseline=True,
    n_episodes_per_update=1,
    normalize_advantage=True,
    ent_coef=0.0,
    max_grad_norm=None,
)
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8  # zoo's and PyTorch's Adam defaults
ADVANTAGE_EPS = 1e-8  # (A - mean) / (std + eps), unbiased std, as zoo
VALUE_LOSS_SCALE = 0.5  # zoo's value loss: 0.5 mean((V(s) - G)^2)


@functools.lru_cache(maxsize=1)
def _torch():
    return importlib.import_module("torch")


def _setup(timesteps: int, quick_timesteps: int, reference: str | None):
    def setup(quick: bool) -> Problem:
        if reference is not None:
            importlib.import_module(reference)  # import untimed
        return Problem(timesteps=quick_timesteps if quick else timesteps)

    return setup


def _zoo(learner, env_factory, **params):
    def run(p: Problem, threads: int, seed: int) -> Trained:
        model = learner(HIDDEN, activation="tanh", random_state=seed, n_jobs=threads, **params)
        model.fit(env_factory(), p.timesteps)
        return Trained(lambda obs: int(model.predict(obs)))

    return run


def _zoo_variants(learner, **params) -> dict:
    return {
        "zoo (native env)": _zoo(learner, lambda: ENV_ID, **params),
        "zoo (gymnasium env)": _zoo(learner, lambda: gymnasium.make(ENV_ID), **params),
    }


# -- A2C: Stable-Baselines3 ----------------------------------------------------


def sb3_a2c(p: Problem, threads: int, seed: int) -> Trained:
    torch = _torch()
    from stable_baselines3 import A2C  # noqa: PLC0415  (optional, loaded by setup)
    from stable_baselines3.common.env_util import make_vec_env  # noqa: PLC0415

    torch.set_num_threads(threads)
    env = make_vec_env(ENV_ID, n_envs=A2C_N_ENVS, seed=seed)  # a DummyVecEnv
    # MlpPolicy's default: separate actor and critic, orthogonal initialisation.
    policy_kwargs = dict(net_arch=dict(pi=list(HIDDEN), vf=list(HIDDEN)), activation_fn=torch.nn.Tanh)
    model = A2C("MlpPolicy", env, use_rms_prop=True, rms_prop_eps=RMSPROP_EPS, policy_kwargs=policy_kwargs,
                seed=seed, device="cpu", verbose=0, **A2C_HYPERPARAMETERS)
    model.learn(p.timesteps)
    return Trained(lambda obs: int(model.predict(obs, deterministic=True)[0]))


def a2c_contenders() -> dict:
    runs = _zoo_variants(zoo.ActorCritic, optimizer="rmsprop", n_envs=A2C_N_ENVS, shared=False,
                         **A2C_HYPERPARAMETERS)
    if HAVE_SB3:
        runs["Stable-Baselines3"] = sb3_a2c
    return runs


# -- REINFORCE: plain PyTorch --------------------------------------------------


def _torch_mlp(torch, n_in: int, n_out: int, output_gain: float):
    """n_in-64-64-n_out tanh, initialised as zoo's (and Stable-Baselines3's)
    policies: orthogonal weights, gain sqrt(2) on hidden layers and
    `output_gain` on the last, zero biases."""
    nn = torch.nn
    sizes = (n_in, *HIDDEN, n_out)
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        last = index == len(sizes) - 2
        nn.init.orthogonal_(linear.weight, gain=output_gain if last else math.sqrt(2.0))
        nn.init.zeros_(linear.bias)
        layers += [linear] if last else [linear, nn.Tanh()]
    return nn.Sequential(*layers)


def reward_to_go(rewards: list, gamma: float) -> np.ndarray:
    """G_t = r_t + gamma G_{t+1}, with G = 0 after the episode's last step
    (a time limit ends the return as termination does, as zoo.REINFORCE)."""
    returns = np.empty(len(rewards), dtype=np.float32)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


def torch_reinforce(p: Problem, threads: int, seed: int) -> Trained:
    """REINFORCE with a learned value baseline, as zoo.REINFORCE computes it:
    after each finished episode, A_t = G_t - V(s_t) normalised over the
    episode, one Adam step on -mean(A_t log pi(a_t|s_t)) and one on
    0.5 mean((V(s_t) - G_t)^2). Acting runs one observation at a time under
    inference mode; the update runs the whole episode as one batch."""
    torch = _torch()
    hp = REINFORCE_HYPERPARAMETERS
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    env = gymnasium.make(ENV_ID)
    n_obs, n_actions = env.observation_space.shape[0], int(env.action_space.n)
    policy = _torch_mlp(torch, n_obs, n_actions, 0.01)
    value = _torch_mlp(torch, n_obs, 1, 1.0)
    # Adam keeps per-parameter state, so one optimizer over both networks
    # takes the same steps as one per network at the same learning rate.
    optimizer = torch.optim.Adam([*policy.parameters(), *value.parameters()], lr=hp["learning_rate"],
                                 betas=ADAM_BETAS, eps=ADAM_EPS)

    steps, reset_seed = 0, seed
    while steps < p.timesteps:
        obs, _ = env.reset(seed=reset_seed)
        reset_seed = None
        observations, actions, rewards = [], [], []
        done = False
        with torch.inference_mode():
            while not done and steps < p.timesteps:
                probabilities = policy(torch.from_numpy(obs)).softmax(-1)
                action = int(torch.multinomial(probabilities, 1))
                observations.append(obs)
                actions.append(action)
                obs, reward, terminated, truncated, _ = env.step(action)
                rewards.append(reward)
                steps += 1
                done = terminated or truncated
        if not done:
            break  # the step budget ran out mid-episode: no update, as zoo

        batch = torch.from_numpy(np.stack(observations))
        returns = torch.from_numpy(reward_to_go(rewards, hp["gamma"]))
        log_probs = policy(batch).log_softmax(-1).gather(1, torch.tensor(actions).unsqueeze(1)).squeeze(1)
        values = value(batch).squeeze(1)
        advantages = returns - values.detach()
        if len(advantages) > 1:
            advantages = (advantages - advantages.mean()) / (advantages.std() + ADVANTAGE_EPS)
        loss = -(advantages * log_probs).mean() + VALUE_LOSS_SCALE * (values - returns).square().mean()
        optimizer.zero_grad()
        loss.backward()  # the two terms reach disjoint networks
        optimizer.step()

    policy.eval()

    def act(obs):
        with torch.inference_mode():
            return int(policy(torch.from_numpy(np.asarray(obs, dtype=np.float32))).argmax())

    return Trained(act)


def reinforce_contenders() -> dict:
    runs = _zoo_variants(zoo.REINFORCE, optimizer="adam", **REINFORCE_HYPERPARAMETERS)
    if HAVE_TORCH:
        runs["PyTorch"] = torch_reinforce
    return runs


# -- the cases -----------------------------------------------------------------

_QUALITY = (f"Quality: mean greedy return over {EVAL_EPISODES} episodes of gymnasium's CartPole-v1 (seeds "
            f"10,000+), and the fraction of runs whose mean reaches {SOLVED:.0f} (solved).")
_VARIANTS = ("zoo (native env) runs the loop in C++ on zoo's CartPole; zoo (gymnasium env) runs the same C++ "
             "loop, which calls gymnasium's CartPole.")

A2C_DESCRIPTION = (
    f"A2C on CartPole-v1 for {A2C_TIMESTEPS:,} environment steps from a fresh model, time per step: "
    f"rl-baselines3-zoo's tuned settings ({A2C_N_ENVS} environment copies, ent_coef 0) and Stable-Baselines3's "
    "A2C defaults for the rest, the same for both libraries: n_steps 5, learning rate 7e-4, gamma 0.99, "
    "gae_lambda 1 (n-step returns), vf_coef 0.5, gradient norm clipped at 0.5 over all parameters, no "
    f"advantage normalisation, RMSprop (alpha {RMSPROP_ALPHA}, eps {RMSPROP_EPS:g}); separate actor and critic "
    "networks 4-64-64-{2,1} tanh with orthogonal initialisation. Stable-Baselines3: A2C('MlpPolicy', device='cpu') "
    f"on make_vec_env('CartPole-v1', n_envs={A2C_N_ENVS}) (a DummyVecEnv), torch.set_num_threads(threads). "
    f"{_VARIANTS} {_QUALITY}"
)

REINFORCE_DESCRIPTION = (
    f"REINFORCE on CartPole-v1 for {REINFORCE_TIMESTEPS:,} environment steps from a fresh model, time per step: "
    "one update after every episode over its whole discounted reward-to-go (gamma 0.99, a time limit ends the "
    "return), advantage G_t - V(s_t) from a learned value network, normalised over the episode (unbiased std "
    "+ 1e-8); policy loss -mean(A log pi), value loss 0.5 mean((V - G)^2), Adam (learning rate 1e-3 for both "
    "networks, betas 0.9/0.999, eps 1e-8), no entropy bonus, no gradient clipping; policy and value networks "
    "4-64-64-{2,1} tanh with orthogonal initialisation (gains sqrt 2, 0.01 and 1). PyTorch: the same algorithm "
    "written by hand on gymnasium's CartPole-v1, acting one observation at a time under inference mode, one "
    f"batched forward and backward pass per episode, torch.set_num_threads(threads). {_VARIANTS} {_QUALITY}"
)


def _case(name: str, description: str, timesteps: int, quick_timesteps: int, reference: str | None,
          contenders: dict) -> Case:
    return Case(
        name=name,
        description=description,
        setup=_setup(timesteps, quick_timesteps, reference),
        contenders=contenders,
        quality=greedy_return,
        compare=("return",),
        per=timesteps,
        unit="step",
    )


CASES = [
    _case("a2c-cartpole", A2C_DESCRIPTION, A2C_TIMESTEPS, A2C_QUICK_TIMESTEPS,
          "stable_baselines3" if HAVE_SB3 else None, a2c_contenders()),
    _case("reinforce-cartpole", REINFORCE_DESCRIPTION, REINFORCE_TIMESTEPS, REINFORCE_QUICK_TIMESTEPS,
          "torch" if HAVE_TORCH else None, reinforce_contenders()),
]
