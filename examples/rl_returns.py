"""Return curves of zoo's reinforcement learners.

Left: DQN, REINFORCE and actor-critic (A2C) learning CartPole-v1 (zoo's
native environment), the return of each training episode against the
environment steps taken so far, smoothed over 20 episodes; each dotted line
is the learner's greedy policy at the end, its mean return over 20
evaluation episodes. DQN keeps the best greedy policy it evaluated
(eval_interval), so its dotted line can lie above the end of its training
curve, which is played with exploration and by networks it moved past.
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


def plot_learner(ax, model, label, window, colour, greedy=None):
    """The training returns (faint), smoothed (solid), and the greedy policy's
    mean return at the end (dotted, its value in the legend), if given."""
    returns = model.history_["episode_return"]
    steps = np.cumsum(model.history_["episode_length"])
    ax.plot(steps, returns, color=colour, alpha=0.15, linewidth=0.8)
    if greedy is None:
        ax.plot(steps, smoothed(returns, window), color=colour, label=label)
        return
    ax.plot(steps, smoothed(returns, window), color=colour, label=f"{label}: greedy {greedy:.0f}")
    ax.axhline(greedy, color=colour, linestyle=":", linewidth=1.5)


def main():
    args = parse_args(__doc__.splitlines()[0])
    scale = 0.1 if args.quick else 1.0
    cartpole = [
        # The recipe docs/reinforcement.md measures: it solves CartPole for each of the seeds 0-9.
        ("DQN (keeps its best greedy policy)", DQN(eval_interval=2_000, random_state=0), 50_000),
        ("REINFORCE", REINFORCE(random_state=0), 150_000),
        ("A2C", ActorCritic(random_state=0), 150_000),
    ]
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    for index, (label, model, steps) in enumerate(cartpole):
        model.fit("CartPole-v1", total_timesteps=max(2_000, int(steps * scale)))
        greedy, _ = model.evaluate("CartPole-v1", n_episodes=20, seed=0)
        print(f"{label}: greedy mean return {greedy:.1f} after {model.num_timesteps_:,} steps")
        plot_learner(left, model, label, 20, f"C{index}", greedy)
    left.plot([], [], color="grey", linestyle=":", label="dotted: greedy policy after fit, mean of 20 episodes")
    left.set_ylim(0, 720)  # room above the maximum for the legend, clear of the curves
    left.set_yticks(range(0, 501, 100))
    left.set_xlabel("environment steps")
    left.set_ylabel("episode return (faint: each episode; solid: mean of 20)")
    left.set_title("CartPole-v1 (500 is the maximum)")
    left.legend(loc="upper left", fontsize="small")

    # Tabular learning is cheap: the whole budget even in quick mode, so that
    # the curves reach the range shown.
    for index, method in enumerate(("q_learning", "sarsa")):
        model = QLearning(method=method, epsilon_min=0.1, random_state=0)
        model.fit("CliffWalking-v1", total_timesteps=30_000)
        plot_learner(right, model, method, 20, f"C{index + 3}")
        # CliffWalking has no time limit: a greedy policy that has not found
        # the goal would walk forever, so evaluation gets one.
        greedy, _ = model.evaluate(gymnasium.make("CliffWalking-v1", max_episode_steps=200), n_episodes=1)
        print(f"{method}: greedy return {greedy:.0f} (the shortest path gives -13)")
    right.set_ylim(-150, 0)
    right.set_xlim(0, None)
    right.set_xlabel("environment steps")
    right.set_ylabel("episode return (faint: each episode; solid: mean of 20)")
    right.set_title("CliffWalking-v1, epsilon 1 to 0.1 (returns below -150 off the chart)")
    right.legend(loc="lower right")
    figure.tight_layout()

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "rl_returns.png"
    figure.savefig(path, dpi=100)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
