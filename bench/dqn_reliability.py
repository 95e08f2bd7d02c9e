"""How reliably a reinforcement-learning recipe solves its task: one fit per
seed (`random_state`), then the greedy policy's mean return over evaluation
episodes, and how many seeds reach the bar.

One seed says little: DQN on CartPole-v1 can score 500 with one
`random_state` and 160 with the next. This script measures the recipes the
README, the tour, the docs and the examples show (and any variant of them),
so that what they promise is measured, not hoped.

    python bench/dqn_reliability.py                          # the DQN recipe, seeds 0-9
    python bench/dqn_reliability.py --recipe dqn-defaults --steps 100000
    python bench/dqn_reliability.py --recipe dqn --set learning_rate=1e-3 --set tau=0.005
    python bench/dqn_reliability.py --recipe dqn --curve 10000  # greedy return during training
    python bench/dqn_reliability.py --list                   # the recipes

Each fit uses one thread (n_jobs=1); --processes runs that many seeds at
once. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import gymnasium

import zoo
from zoo.nn import LambdaCallback


@dataclasses.dataclass(frozen=True)
class Recipe:
    learner: str                 # a zoo class name
    params: dict
    env: str
    steps: int
    solved: float                # the bar a seed's mean greedy return must reach
    episodes: int = 100          # greedy evaluation episodes, from seed 0
    eval_env: dict = dataclasses.field(default_factory=dict)   # gymnasium.make keywords for evaluation
    note: str = ""


# rl-baselines3-zoo's tuned CartPole hyperparameters, which the README showed.
SB3_ZOO_CARTPOLE = {"hidden_layer_sizes": (256, 256), "learning_rate": 2.3e-3, "batch_size": 64,
                    "learning_starts": 1_000, "train_freq": 256, "gradient_steps": 128, "target_update_interval": 10,
                    "exploration_fraction": 0.16, "exploration_final_eps": 0.04}
# Stable-Baselines3's DQN defaults, tuned for Atari, which were zoo 0.1's.
SB3_DEFAULTS = {"learning_rate": 1e-4, "learning_starts": 100, "batch_size": 32, "train_freq": 4,
                "gradient_steps": 1, "target_update_interval": 10_000, "exploration_fraction": 0.1,
                "exploration_final_eps": 0.05}
# The optimal policy's chance of reaching FrozenLake8x8's goal within its
# 200-step limit (finite-horizon value iteration on gymnasium's transition table).
FROZENLAKE8X8_OPTIMUM = 0.913

RECIPES = {
    "dqn": Recipe("DQN", {"eval_interval": 2_000}, "CartPole-v1", 50_000, 475.0,
                  note="the recommended CartPole recipe: the defaults, keeping the best greedy policy"),
    "dqn-defaults": Recipe("DQN", {}, "CartPole-v1", 50_000, 475.0, note="DQN() as it comes"),
    "dqn-sb3-zoo": Recipe("DQN", SB3_ZOO_CARTPOLE, "CartPole-v1", 50_000, 475.0,
                          note="rl-baselines3-zoo's hyperparameters (zoo 0.1's README; slow: a 256-256 network)"),
    "dqn-sb3-defaults": Recipe("DQN", SB3_DEFAULTS, "CartPole-v1", 50_000, 475.0,
                               note="Stable-Baselines3's DQN defaults (for Atari), zoo 0.1's defaults"),
    "dqn-acrobot": Recipe("DQN", {}, "Acrobot-v1", 100_000, -100.0, episodes=20, note="the defaults on Acrobot"),
    "dqn-mountaincar": Recipe("DQN", {}, "MountainCar-v0", 100_000, -199.0, episodes=20,
                              note="the defaults on MountainCar (-200: never reaches the flag)"),
    "reinforce": Recipe("REINFORCE", {}, "CartPole-v1", 150_000, 475.0, note="examples/rl_returns.py"),
    "reinforce-docs": Recipe("REINFORCE", {"learning_rate": 1e-3, "baseline": True}, "CartPole-v1", 20_000, 475.0,
                             note="docs/reinforcement.md (shows learning, not a solved task)"),
    "a2c-docs": Recipe("ActorCritic", {"n_envs": 8, "n_steps": 5, "learning_rate": 7e-4}, "CartPole-v1", 20_000,
                       475.0, note="docs/reinforcement.md (shows learning, not a solved task)"),
    "a2c": Recipe("ActorCritic", {}, "CartPole-v1", 150_000, 475.0, note="examples/rl_returns.py"),
    "a2c-tour": Recipe("ActorCritic", {"shared": True, "learning_rate": 2e-3}, "CartPole-v1", 100_000, 475.0,
                       episodes=20, note="python/zoo/_tour.py"),
    "frozenlake8x8": Recipe("QLearning", {"method": "expected_sarsa", "gamma": 0.995}, "FrozenLake8x8-v1",
                            2_000_000, 0.8, episodes=1_000,
                            note=f"the README; solved: reaches the goal in 80% of episodes (the optimum is "
                                 f"{FROZENLAKE8X8_OPTIMUM:.0%} within the 200-step limit)"),
    "cliff-q": Recipe("QLearning", {"method": "q_learning", "epsilon_min": 0.1}, "CliffWalking-v1", 30_000, -13.0,
                      episodes=1, eval_env={"max_episode_steps": 200},
                      note="docs and examples: the shortest path (-13)"),
    "cliff-sarsa": Recipe("QLearning", {"method": "sarsa", "epsilon_min": 0.1}, "CliffWalking-v1", 30_000, -17.0,
                          episodes=1, eval_env={"max_episode_steps": 200},
                          note="docs and examples: a safer path (-15 or -17), still reaching the goal"),
    "cliff-tour": Recipe("QLearning", {}, "CliffWalking-v1", 30_000, -13.0, episodes=1,
                         eval_env={"max_episode_steps": 200}, note="python/zoo/_tour.py: the shortest path"),
}


def fit_and_evaluate(recipe: Recipe, params: dict, steps: int, seed: int, curve: int) -> dict:
    learner = getattr(zoo, recipe.learner)
    points = []

    def evaluation_env():
        return gymnasium.make(recipe.env, **recipe.eval_env) if recipe.eval_env else recipe.env

    def evaluate_now(model, chunk, logs):
        if curve and model.num_timesteps_ % curve == 0:
            points.append((model.num_timesteps_, model.evaluate(evaluation_env(), n_episodes=10, seed=0)[0]))

    threads = {"n_jobs": 1} if "n_jobs" in learner().get_params() else {}  # QLearning is single-threaded
    model = learner(**params, random_state=seed, **threads,
                    callbacks=[LambdaCallback(on_epoch_end=evaluate_now)] if curve else None)
    started = time.perf_counter()
    model.fit(recipe.env, steps)
    seconds = time.perf_counter() - started
    mean, std = model.evaluate(evaluation_env(), n_episodes=recipe.episodes, seed=0)
    return {"seed": seed, "mean": mean, "std": std, "seconds": seconds, "curve": points}


def parse_value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare word: a string option such as loss=mse


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--recipe", default="dqn", choices=sorted(RECIPES))
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override one of the recipe's parameters (a Python literal)")
    parser.add_argument("--steps", type=int, help="environment steps per fit (default: the recipe's)")
    parser.add_argument("--env", help="another gymnasium id to fit and evaluate on (default: the recipe's)")
    parser.add_argument("--solved", type=float, help="the mean return that counts as solved (default: the recipe's)")
    parser.add_argument("--seeds", type=int, default=10, help="random_state 0 .. SEEDS-1 (default 10)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=1, help="seeds fitted at once (default 1)")
    parser.add_argument("--curve", type=int, default=0, metavar="STEPS",
                        help="also print the greedy return (10 episodes) every STEPS steps of training")
    parser.add_argument("--list", action="store_true", help="list the recipes and exit")
    args = parser.parse_args(argv)

    if args.list:
        for name, recipe in RECIPES.items():
            print(f"{name:17} {recipe.learner}({recipe.params}) on {recipe.env}, {recipe.steps:,} steps: {recipe.note}")
        return 0
    recipe = RECIPES[args.recipe]
    params = dict(recipe.params)
    for item in args.set:
        name, _, value = item.partition("=")
        params[name] = parse_value(value)
    params = {name: value for name, value in params.items() if value is not None}
    steps = args.steps or recipe.steps
    if args.env:
        recipe = dataclasses.replace(recipe, env=args.env)
    if args.solved is not None:
        recipe = dataclasses.replace(recipe, solved=args.solved)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"{recipe.learner}({', '.join(f'{k}={v!r}' for k, v in params.items())})")
    print(f"on {recipe.env}, {steps:,} steps; greedy mean return over {recipe.episodes} episode(s) from seed 0; "
          f"solved: mean >= {recipe.solved:g}", flush=True)

    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        futures = [pool.submit(fit_and_evaluate, recipe, params, steps, seed, args.curve) for seed in seeds]
        results = []
        for future in futures:
            result = future.result()
            results.append(result)
            mark = "solved" if result["mean"] >= recipe.solved else ""
            curve = "  curve " + " ".join(f"{t // 1000}k:{r:.0f}" for t, r in result["curve"]) if args.curve else ""
            print(f"random_state {result['seed']:3}  mean {result['mean']:8.2f} ± {result['std']:6.2f}  "
                  f"fit {result['seconds']:5.1f} s  {mark:6}{curve}", flush=True)
    means = [result["mean"] for result in results]
    solved = sum(mean >= recipe.solved for mean in means)
    print(f"solved in {solved} of {len(means)} seeds; median {statistics.median(means):.2f}, "
          f"min {min(means):.2f}, mean {statistics.fmean(means):.2f}; "
          f"mean fit {statistics.fmean(r['seconds'] for r in results):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
