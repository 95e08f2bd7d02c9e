import pytest

import zoo


@pytest.mark.parametrize("name", ["DQN", "QLearning", "REINFORCE", "ActorCritic"])
def test_learners_follow_the_estimator_contract(name):
    """clone/get_params/set_params as scikit-learn's tools use them, and
    parameters checked in fit, not in __init__."""
    sklearn_base = pytest.importorskip("sklearn.base")
    cls = getattr(zoo, name)
    model = cls(random_state=3, gamma=0.9)
    copy = sklearn_base.clone(model)
    assert copy is not model and copy.get_params() == model.get_params()
    assert cls().set_params(gamma=0.5).gamma == 0.5
    bad = cls(gamma=1.5)  # stored as given ...
    with pytest.raises(ValueError, match="gamma"):
        bad.fit("CliffWalking-v1" if name == "QLearning" else "CartPole-v1", 10)  # ... refused by fit


def test_evaluation_cuts_endless_episodes_instead_of_hanging():
    """CliffWalking has no time limit: an untrained greedy policy that walks
    into a wall forever must not hang evaluate."""
    model = zoo.QLearning(random_state=0).fit("CliffWalking-v1", 10)
    with pytest.warns(RuntimeWarning, match="2 of 2 evaluation episodes were cut at max_episode_steps=30"):
        mean, std = model.evaluate("CliffWalking-v1", n_episodes=2, max_episode_steps=30)
    # Each step costs -1 (or -100 off the cliff): 30 steps return at most -30.
    assert mean <= -30 and std >= 0
    with pytest.warns(RuntimeWarning, match="max_episode_steps=10000"):
        model.evaluate("CliffWalking-v1", n_episodes=1)
    with pytest.raises(ValueError, match="max_episode_steps"):
        model.evaluate("CliffWalking-v1", n_episodes=1, max_episode_steps=0)
