"""Tabular Q-learning on Taxi-v4 and FrozenLake8x8-v1: zoo.QLearning (the
loop in C++ on zoo's native environment) against the plain NumPy loop over
gymnasium's environment that users write by hand.

Both run Watkins' Q-learning with the same hyperparameters and step budget
from a zero table: a constant step size, epsilon falling linearly from 1 to
0.05 over the first half of the steps (Stable-Baselines3's schedule), no
bootstrap from terminal states, bootstrap through time-limit truncations.
The timed call is the whole training run; the report's unit is one
environment step, and the quality columns add the training episodes per
second each run achieved and the mean return of its greedy policy over
gymnasium's own environment (untimed, one helper for both).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import gymnasium
import numpy as np

import zoo

from .harness import Case

ALPHA = 0.1
EPSILON_START, EPSILON_END, EXPLORATION_FRACTION = 1.0, 0.05, 0.5


@dataclass(frozen=True)
class Problem:
    env_id: str
    timesteps: int
    gamma: float
    eval_episodes: int


@dataclass(frozen=True)
class Trained:
    q_table: np.ndarray
    episodes: int
    seconds: float


def epsilon_at(t: int, total: int) -> float:
    progress = t / total
    if progress > EXPLORATION_FRACTION:
        return EPSILON_END
    return EPSILON_START + progress * (EPSILON_END - EPSILON_START) / EXPLORATION_FRACTION


def greedy_quality(problem: Problem, result: Trained) -> dict:
    env = gymnasium.make(problem.env_id)
    returns = np.zeros(problem.eval_episodes)
    for episode in range(problem.eval_episodes):
        state, _ = env.reset(seed=10_000 + episode)
        done = False
        while not done:
            state, reward, terminated, truncated, _ = env.step(int(result.q_table[state].argmax()))
            returns[episode] += reward
            done = terminated or truncated
    return {"greedy return": float(returns.mean()), "train episodes": result.episodes,
            "episodes/s": result.episodes / result.seconds}


def zoo_q_learning(p: Problem, threads: int, seed: int) -> Trained:
    start = time.perf_counter()
    model = zoo.QLearning(learning_rate=ALPHA, gamma=p.gamma, epsilon=EPSILON_START, epsilon_min=EPSILON_END,
                          exploration_fraction=EXPLORATION_FRACTION, random_state=seed)
    model.fit(p.env_id, p.timesteps)
    seconds = time.perf_counter() - start
    return Trained(model.q_table_, len(model.history_["episode_return"]), seconds)


def numpy_q_learning(p: Problem, threads: int, seed: int) -> Trained:
    start = time.perf_counter()
    env = gymnasium.make(p.env_id)
    rng = np.random.default_rng(seed)
    n_actions = int(env.action_space.n)
    q = np.zeros((int(env.observation_space.n), n_actions))
    state, _ = env.reset(seed=seed)
    episodes = 0
    for t in range(p.timesteps):
        if rng.random() < epsilon_at(t, p.timesteps):
            action = int(rng.integers(n_actions))
        else:
            action = int(q[state].argmax())
        next_state, reward, terminated, truncated, _ = env.step(action)
        target = reward if terminated else reward + p.gamma * q[next_state].max()
        q[state, action] += ALPHA * (target - q[state, action])
        if terminated or truncated:
            episodes += 1
            state, _ = env.reset()
        else:
            state = next_state
    seconds = time.perf_counter() - start
    return Trained(q, episodes, seconds)


def problem(env_id: str, timesteps: int, gamma: float, eval_episodes: int):
    def setup(quick: bool) -> Problem:
        return Problem(env_id, 2_000 if quick else timesteps, gamma, 5 if quick else eval_episodes)

    return setup


CONTENDERS = {"zoo (native env)": zoo_q_learning, "NumPy loop (gymnasium env)": numpy_q_learning}
TAXI_STEPS, LAKE_STEPS = 200_000, 1_000_000


def _description(env_id: str, steps: int, gamma: float, eval_episodes: int, note: str) -> str:
    return (f"Q-learning on {env_id} for {steps:,} steps from a zero table, time per step: alpha {ALPHA}, "
            f"gamma {gamma}, epsilon {EPSILON_START} -> {EPSILON_END} linearly over the first "
            f"{EXPLORATION_FRACTION:.0%} of the steps. zoo: QLearning on zoo's native {env_id}, the loop in C++; "
            f"NumPy: a Python loop over gymnasium's {env_id} updating a NumPy table. {note} Quality: mean "
            f"greedy return over {eval_episodes:,} episodes of gymnasium's {env_id} (seeds 10,000+), training "
            "episodes finished, and training episodes per second of wall time.")


CASES = [
    Case(
        name="q-learning-taxi",
        description=_description("Taxi-v4", TAXI_STEPS, 0.99, 100, "Episodes end at the drop-off or after 200 steps."),
        setup=problem("Taxi-v4", TAXI_STEPS, 0.99, 100),
        contenders=CONTENDERS,
        quality=greedy_quality,
        compare=("greedy return", "episodes/s"),
        per=TAXI_STEPS,
        unit="step",
    ),
    Case(
        name="q-learning-frozenlake8x8",
        description=_description("FrozenLake8x8-v1", LAKE_STEPS, 0.995, 1_000,
                                 "Slippery; episodes end in a hole, at the goal or after 200 steps; the "
                                 "greedy return is the success rate."),
        setup=problem("FrozenLake8x8-v1", LAKE_STEPS, 0.995, 1_000),
        contenders=CONTENDERS,
        quality=greedy_quality,
        compare=("greedy return", "episodes/s"),
        per=LAKE_STEPS,
        unit="step",
    ),
]
