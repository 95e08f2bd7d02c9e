"""Return curves of zoo's reinforcement learners.

Left: DQN, REINFORCE and actor-critic (A2C) learning CartPole-v1 (zoo's
native environment), the return of each training episode against the
environment steps taken so far, smoothed over 20 episodes; the dotted line
is the greedy policy's mean return over 20 evaluation episodes at the end.
Right: Q-learning and SARSA on CliffWalking-v1, the classic comparison:
SARSA learns a safer path and so earns more while it still explores.

    python examples/rl_returns.py [--out DIR] [--quick]
"""

from __future__ import annotations

import gymnasium
import numpy as np

from zoo import DQN, REINFORCE, ActorCritic, QLearning

from _script import parse_args, plt  # matplotlib set to write files only


def smoothed(values, window):
    """Mean of each value and the window - 1 before it (fewer at the start)."""
    sums = np.cumsum(np.insert(np.asarray(values, dtype=float), 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (sums[1:] - sums[np.arange(1, len(values) + 1) - counts]) / counts


def plot_learner(ax, model, label, env_id, window, colour):
    returns = model.history_["episode_return"]
    steps = np.cumsum(model.history_["episode_length"])
    ax.plot(steps, returns, color=colour, alpha=0.15, linewidth=0.8)
    ax.plot(steps, smoothed(returns, window), color=colour, label=label)
    if env_id is not None:
        mean, _ = model.evaluate(env_id, n_episodes=20, seed=0)
        ax.axhline(mean, color=colour, linestyle=":", linewidth=1)
        print(f"{label}: greedy mean return {mean:.1f} after {model.num_timesteps_:,} steps")


def main():
    args = parse_args(__doc__.splitlines()[0])
    scale = 0.1 if args.quick else 1.0
    cartpole = [
        ("DQN", DQN((64, 64), learning_rate=2.3e-3, batch_size=64, learning_starts=1_000, train_freq=256,
                    gradient_steps=128, target_update_interval=10, exploration_fraction=0.16,
                    exploration_final_eps=0.04, random_state=0), 50_000),
        ("REINFORCE", REINFORCE(random_state=0), 150_000),
        ("ActorCritic (A2C)", ActorCritic(random_state=0), 150_000),
    ]
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    for index, (label, model, steps) in enumerate(cartpole):
        model.fit("CartPole-v1", total_timesteps=max(2_000, int(steps * scale)))
        plot_learner(left, model, label, "CartPole-v1", 20, f"C{index}")
    left.set_xlabel("environment steps")
    left.set_ylabel("episode return")
    left.set_title("CartPole-v1 (500 is the maximum)")
    left.legend(loc="upper left")

    for index, method in enumerate(("q_learning", "sarsa")):
        model = QLearning(method=method, epsilon_min=0.1, random_state=0)
        model.fit("CliffWalking-v1", total_timesteps=max(5_000, int(30_000 * scale)))
        plot_learner(right, model, method, None, 20, f"C{index + 3}")
        # CliffWalking has no time limit: a greedy policy that has not found
        # the goal would walk forever, so evaluation gets one.
        greedy, _ = model.evaluate(gymnasium.make("CliffWalking-v1", max_episode_steps=200), n_episodes=1)
        print(f"{method}: greedy return {greedy:.0f} (the shortest path gives -13)")
    right.set_ylim(-150, 0)
    right.set_xlabel("environment steps")
    right.set_ylabel("episode return (smoothed over 20 episodes)")
    right.set_title("CliffWalking-v1, epsilon falling from 1 to 0.1")
    right.legend(loc="lower right")
    figure.tight_layout()

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "rl_returns.png"
    figure.savefig(path, dpi=100)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
