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
