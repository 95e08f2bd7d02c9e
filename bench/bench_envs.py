"""Vectorised CartPole-v1 with random actions: zoo.envs.make_vec against
gymnasium's own vector CartPole and EnvPool.

Every library steps NUM_ENVS copies CALLS times with uniformly random
actions drawn by NumPy before each call (inside the timed loop, as an agent
would pass them). The report's unit is one environment step; the quality
columns count the episodes finished, whose mean length (about 22 steps under
random actions) shows that every library simulates the same task.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import gymnasium
import numpy as np

import zoo.envs

from .harness import Case

HAVE_ENVPOOL = importlib.util.find_spec("envpool") is not None

NUM_ENVS = 4096
CALLS = 500


@dataclass(frozen=True)
class Problem:
    num_envs: int
    calls: int


@dataclass(frozen=True)
class Stepped:
    episodes: int
    steps: int


def episode_quality(problem: Problem, result: Stepped) -> dict:
    return {"episodes": result.episodes, "mean length": result.steps / max(result.episodes, 1)}


def setup(quick: bool) -> Problem:
    if HAVE_ENVPOOL:
        importlib.import_module("envpool")  # import untimed
    return Problem(num_envs=64 if quick else NUM_ENVS, calls=20 if quick else CALLS)


def _run(envs, p: Problem, seed: int, reset) -> Stepped:
    rng = np.random.default_rng(seed)
    reset()
    episodes = 0
    for _ in range(p.calls):
        _, _, terminated, truncated, _ = envs.step(rng.integers(0, 2, size=p.num_envs))
        episodes += int(np.count_nonzero(terminated | truncated))
    return Stepped(episodes, p.num_envs * p.calls)


def zoo_vec(p: Problem, threads: int, seed: int) -> Stepped:
    envs = zoo.envs.make_vec("CartPole-v1", p.num_envs, seed=seed, n_jobs=threads)
    return _run(envs, p, seed, lambda: envs.reset(seed=seed))


def gymnasium_vec(p: Problem, threads: int, seed: int) -> Stepped:
    # gymnasium's fastest CartPole: its NumPy-vectorised CartPoleVectorEnv (one process).
    envs = gymnasium.make_vec("CartPole-v1", num_envs=p.num_envs, vectorization_mode="vector_entry_point")
    return _run(envs, p, seed, lambda: envs.reset(seed=seed))


def envpool_vec(p: Problem, threads: int, seed: int) -> Stepped:
    import envpool  # noqa: PLC0415  (optional, loaded by setup)

    envs = envpool.make_gymnasium("CartPole-v1", num_envs=p.num_envs, batch_size=p.num_envs, num_threads=threads,
                                  seed=seed)
    return _run(envs, p, seed, envs.reset)


def contenders() -> dict:
    runs = {"zoo": zoo_vec, "gymnasium": gymnasium_vec}
    if HAVE_ENVPOOL:
        runs["EnvPool"] = envpool_vec
    return runs


CASES = [
    Case(
        name="cartpole-vec",
        description=(
            f"CartPole-v1, {NUM_ENVS:,} copies stepped {CALLS} times with uniformly random actions drawn by "
            "NumPy before each call, time per environment step (construction and reset included). zoo: "
            "zoo.envs.make_vec (C++, next-step autoreset, time limit 500), n_jobs = threads. gymnasium: "
            "gymnasium.make_vec(vectorization_mode='vector_entry_point'), its NumPy-vectorised CartPole. EnvPool: "
            "envpool.make_gymnasium with num_threads = threads, batch_size = num_envs."
        ),
        setup=setup,
        contenders=contenders(),
        quality=episode_quality,
        per=NUM_ENVS * CALLS,
        unit="step",
    )
]
