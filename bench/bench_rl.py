"""DQN on CartPole-v1: zoo (native and gymnasium environments) against
Stable-Baselines3, with rl-baselines3-zoo's tuned hyperparameters.

The timed call is the whole `learn`/`fit` of TIMESTEPS environment steps
from a fresh model; the report's unit is one environment step. Quality is
the mean return of the greedy policy over EVAL_EPISODES episodes of
gymnasium's own CartPole-v1, played untimed by one helper for every library.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Callable

import gymnasium
import numpy as np

import zoo

from .harness import Case

HAVE_SB3 = importlib.util.find_spec("stable_baselines3") is not None

TIMESTEPS = 50_000
EVAL_EPISODES = 20
SOLVED = 475.0
# rl-baselines3-zoo, hyperparams/dqn.yml, CartPole-v1.
HYPERPARAMETERS = dict(
    learning_rate=2.3e-3,
    batch_size=64,
    buffer_size=100_000,
    learning_starts=1_000,
    gamma=0.99,
    target_update_interval=10,
    train_freq=256,
    gradient_steps=128,
    exploration_fraction=0.16,
    exploration_final_eps=0.04,
)
HIDDEN = (256, 256)
# The same hyperparameters with a smaller network: less arithmetic per
# gradient step, so the libraries' own overheads weigh more.
SMALL_HIDDEN = (64, 64)


@dataclass(frozen=True)
class Problem:
    timesteps: int


@dataclass(frozen=True)
class Trained:
    act: Callable[[np.ndarray], int]


def greedy_return(problem: Problem, result: Trained) -> dict:
    env = gymnasium.make("CartPole-v1")
    returns = []
    for episode in range(EVAL_EPISODES):
        obs, _ = env.reset(seed=10_000 + episode)
        total, done = 0.0, False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(result.act(obs))
            total += reward
            done = terminated or truncated
        returns.append(total)
    mean = float(np.mean(returns))
    return {"return": mean, "solved": float(mean >= SOLVED)}


def setup(quick: bool) -> Problem:
    if HAVE_SB3:
        importlib.import_module("stable_baselines3")  # import untimed
    return Problem(timesteps=2_000 if quick else TIMESTEPS)


def _zoo_dqn(env_factory, hidden):
    def run(p: Problem, threads: int, seed: int) -> Trained:
        model = zoo.DQN(hidden, random_state=seed, n_jobs=threads, double_q=False, max_grad_norm=10.0,
                        **HYPERPARAMETERS)
        model.fit(env_factory(), p.timesteps)
        return Trained(lambda obs: int(model.predict(obs)))

    return run


def _sb3_dqn(hidden):
    def run(p: Problem, threads: int, seed: int) -> Trained:
        import torch  # noqa: PLC0415  (optional, loaded by setup)
        from stable_baselines3 import DQN  # noqa: PLC0415

        torch.set_num_threads(threads)
        model = DQN("MlpPolicy", "CartPole-v1", policy_kwargs=dict(net_arch=list(hidden)), seed=seed, verbose=0,
                    device="cpu", **HYPERPARAMETERS)
        model.learn(p.timesteps)
        return Trained(lambda obs: int(model.predict(obs, deterministic=True)[0]))

    return run


def contenders(hidden) -> dict:
    runs = {
        "zoo (native env)": _zoo_dqn(lambda: "CartPole-v1", hidden),
        "zoo (gymnasium env)": _zoo_dqn(lambda: gymnasium.make("CartPole-v1"), hidden),
    }
    if HAVE_SB3:
        runs["Stable-Baselines3"] = _sb3_dqn(hidden)
    return runs


def _description(hidden) -> str:
    sizes = "-".join(map(str, (4, *hidden, 2)))
    return (
        f"DQN on CartPole-v1 for {TIMESTEPS:,} environment steps from a fresh model, time per step: "
        "rl-baselines3-zoo's tuned hyperparameters (learning rate 2.3e-3, batch 64, buffer 100,000, "
        "learning_starts 1,000, gamma 0.99, target update every 10 steps, train_freq 256, gradient_steps "
        "128, exploration fraction 0.16, final epsilon 0.04, Adam, Huber loss, gradient norm clipped at 10), "
        f"network {sizes} ReLU; plain DQN targets for every library (Stable-Baselines3 has no double "
        "DQN). zoo (native env) runs the loop in C++ on zoo's CartPole; zoo (gymnasium env) runs the same C++ "
        "loop, which calls gymnasium's CartPole. Quality: mean greedy return over "
        f"{EVAL_EPISODES} episodes of gymnasium's CartPole-v1 (seeds 10,000+), and the fraction of runs "
        f"whose mean reaches {SOLVED:.0f} (solved)."
    )


CASES = [
    Case(
        name=f"dqn-cartpole{suffix}",
        description=_description(hidden),
        setup=setup,
        contenders=contenders(hidden),
        quality=greedy_return,
        compare=("return",),
        per=TIMESTEPS,
        unit="step",
    )
    for suffix, hidden in (("", HIDDEN), ("-64", SMALL_HIDDEN))
]
