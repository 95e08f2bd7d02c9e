"""EpisodeHistory: the RL learners' record, its persistence and diagnosis."""

import numpy as np
import pytest

from zoo.nn import EpisodeHistory, History


def history(returns):
    h = EpisodeHistory()
    h.add_episodes(returns, np.full(len(returns), 10))
    return h


def test_episodes_are_arrays_and_recent_is_the_tail():
    h = history([1.0, 2.0, 3.0])
    h.add_episodes([4.0], [7])
    np.testing.assert_array_equal(h["episode_return"], [1, 2, 3, 4])
    np.testing.assert_array_equal(h["episode_length"], [10, 10, 10, 7])
    returns, lengths = h.recent(2)
    np.testing.assert_array_equal(returns, [3, 4])
    np.testing.assert_array_equal(lengths, [10, 7])
    assert h.n_episodes == 4 and "episode_return" in h and len(h) == 0  # no driver round yet
    with pytest.raises(ValueError, match="lengths"):
        h.add_episodes([1.0, 2.0], [3])


def test_round_trip_and_the_older_plain_dict():
    h = history([1.0, 5.0])
    h.append({"loss": 0.5, "mean_return": 3.0})
    again = History.from_dict(h.to_dict())
    assert isinstance(again, EpisodeHistory) and again["loss"] == [0.5]
    np.testing.assert_array_equal(again["episode_return"], [1, 5])
    old = EpisodeHistory.from_dict({"episode_return": np.array([2.0]), "episode_length": np.array([4])})
    np.testing.assert_array_equal(old["episode_length"], [4])


rng = np.random.default_rng(0)
RISING = np.linspace(10, 500, 200) + rng.normal(0, 5, 200)
PLATEAU = np.concatenate([np.linspace(10, 500, 60), np.full(140, 500.0)]) + rng.normal(0, 5, 200)
COLLAPSE = np.concatenate([np.linspace(10, 500, 100), np.linspace(500, 30, 30), np.full(70, 30.0)])
FLAT = 20 + rng.normal(0, 5, 200)


@pytest.mark.parametrize("returns,verdict", [(RISING, "learning"), (PLATEAU, "plateaued"),
                                             (COLLAPSE, "collapsed"), (FLAT, "not learning"),
                                             (np.ones(5), "too short")])
def test_diagnose_tells_the_curves_apart(returns, verdict):
    diagnosis = history(returns).diagnose()
    assert diagnosis.verdict == verdict, diagnosis
    assert diagnosis.reasons and diagnosis.suggestions
