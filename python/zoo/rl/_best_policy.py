"""Keeping the best greedy policy a fit went through (`eval_interval`).

A value-based learner's greedy policy does not improve monotonically: DQN
on CartPole-v1 reaches the maximum return and then, as its replay buffer
fills with nothing but balanced poles, often forgets how to recover and
falls back, so the policy at the last step is a lottery. Evaluating the
greedy policy every `eval_interval` steps on a separate copy of the
environment and keeping the parameters that scored best (Stable-Baselines3's
EvalCallback with best_model_save_path; Keras' restore_best_weights) turns
"solved at some point" into "solved at the end".

The evaluation episodes are played apart from training: the training
episodes, the replay buffer and the learner's generator are untouched, so a
fit with evaluation learns exactly what the same fit without it learns.
"""

from __future__ import annotations

import numpy as np

from zoo.rl._env import EnvHandle
from zoo.rl._rollout import play_episodes


class BestPolicy:
    """Evaluates a learner's greedy policy during one fit and keeps the best.

    The learner declares `eval_interval` (None: no evaluation) and
    `eval_episodes`, the attributes `best_eval_return_` and
    `best_eval_timestep_`, and `_get_weights()` / `_set_weights()`.
    """

    @classmethod
    def for_fit(cls, model, handle: EnvHandle, until: int) -> BestPolicy | None:
        if not hasattr(model, "eval_interval"):
            return None
        model.best_eval_return_ = model.best_eval_timestep_ = None
        if model.eval_interval is None:
            return None
        return cls(model, handle, until)

    def __init__(self, model, handle: EnvHandle, until: int):
        self.env = handle.evaluation_env()
        self.interval, self.n_episodes = int(model.eval_interval), int(model.eval_episodes)
        self.next_due = model.num_timesteps_ + self.interval
        self.until = until
        # Every evaluation of a fit starts from the same seed, so that policies
        # are compared on the same first episode.
        self.seed = int(np.random.SeedSequence([int(model._episode_seed), int(model.num_timesteps_)])
                        .generate_state(1)[0])
        self.best = None  # (mean return, timestep, weights)

    def after_chunk(self, model) -> dict:
        """Evaluate when an interval has passed, and at the end of the fit;
        the logs gain "eval_return" when it did."""
        now = model.num_timesteps_
        if now < self.next_due and now < self.until:
            return {}
        while self.next_due <= now:
            self.next_due += self.interval
        mean = float(play_episodes(model, self.env, self.n_episodes, self.seed, True).mean())
        # On a tie the later policy wins: it has learned from more experience.
        if self.best is None or mean >= self.best[0]:
            self.best = (mean, now, model._get_weights())
        return {"eval_return": mean}

    def restore(self, model) -> None:
        """Leave the learner with the best policy evaluated (unless none was)."""
        if self.best is None:
            return
        mean, timestep, weights = self.best
        model.best_eval_return_, model.best_eval_timestep_ = mean, timestep
        if timestep != model.num_timesteps_:
            model._set_weights(weights)
