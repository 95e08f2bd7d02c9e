"""verbose=1 without tqdm: RL's progress lines count environment steps and
episodes as integers and name the chunk's numbers in words, while the
networks' epoch lines stay as they were."""

import re
import sys

import pytest

from zoo import DQN, REINFORCE, ActorCritic, MLPClassifier, QLearning


@pytest.fixture
def no_tqdm(monkeypatch):
    # A None entry makes `import tqdm...` raise ImportError.
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)


NUMBER = r"-?\d+(\.\d+)?(e[-+]\d+)?"


def test_dqn_prints_timesteps_and_episodes_as_integers(no_tqdm, capsys):
    DQN((16,), learning_starts=100, verbose=1, random_state=0, n_jobs=1).fit("CartPole-v1", 3_000)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" - ")[0] for line in lines] == [
        "timesteps 1,000/3,000", "timesteps 2,000/3,000", "timesteps 3,000/3,000"]
    for line in lines:
        assert re.fullmatch(rf"timesteps [\d,]+/3,000 - episodes \d+ - mean return {NUMBER} - "
                            rf"mean length {NUMBER} - loss {NUMBER} - \d+\.\d\ds", line), line
        assert "epoch" not in line and ".0000" not in line


def test_episode_counts_get_thousands_separators_and_a_continued_fit_counts_on(no_tqdm, capsys):
    model = QLearning(verbose=1, random_state=0).fit("FrozenLake-v1", 20_000)
    episodes = len(model.history_["episode_return"])
    assert episodes > 1_000
    first = capsys.readouterr().err.splitlines()
    assert first[-1].startswith(f"timesteps 20,000/20,000 - episodes {episodes:,} - mean return ")
    assert " - epsilon 0.05 - learning rate 0.1 - " in first[-1]

    model.fit("FrozenLake-v1", 10_000, reset_num_timesteps=False)
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("timesteps 30,000/30,000 - episodes ")


@pytest.mark.parametrize("learner", [REINFORCE, ActorCritic])
def test_policy_gradient_lines_name_their_losses_in_words(no_tqdm, capsys, learner):
    learner(verbose=1, random_state=0, n_jobs=1).fit("CartPole-v1", 2_000)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and lines[1].startswith("timesteps 2,000/2,000 - episodes ")
    assert re.search(rf" - policy loss {NUMBER} - entropy {NUMBER} - value loss {NUMBER} - ", lines[1])


def test_network_epoch_lines_are_unchanged(no_tqdm, capsys):
    MLPClassifier((4,), epochs=2, verbose=1, random_state=0).fit([[0, 1], [1, 0], [1, 1], [0, 0]], [0, 1, 1, 0])
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"epoch 2/2 - loss \d\.\d{4} - accuracy \d\.\d{4} - \d+\.\d\ds", lines[1]), lines[1]


def test_tqdm_counts_environment_steps(monkeypatch):
    import types

    bars = []

    class FakeTqdm:
        def __init__(self, **kwargs):
            self.kwargs, self.updates, self.postfix = kwargs, [], None
            bars.append(self)

        def set_postfix(self, values, refresh=True):
            self.postfix = values

        def update(self, n):
            self.updates.append(n)

        def close(self):
            pass

    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = FakeTqdm
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    model = DQN((16,), learning_starts=100, verbose=1, random_state=0, n_jobs=1).fit("CartPole-v1", 2_500)
    model.fit("CartPole-v1", 1_000, reset_num_timesteps=False)
    first, second = bars
    assert (first.kwargs["total"], first.kwargs["initial"], first.kwargs["unit"]) == (2_500, 0, "step")
    assert first.updates == [1_000, 1_000, 500]
    assert (second.kwargs["total"], second.kwargs["initial"]) == (3_500, 2_500) and second.updates == [1_000]
    assert "timesteps" not in second.postfix
    assert second.postfix["episodes"] == f"{len(model.history_['episode_return']):,}"
