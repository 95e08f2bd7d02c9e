"""The public names of zoo.metrics: documented, and called like scikit-learn's."""

import inspect

import pytest

import zoo.metrics

FUNCTIONS = [name for name in zoo.metrics.__all__ if not isinstance(getattr(zoo.metrics, name), type)]

# Parameters of scikit-learn's functions that zoo leaves out on purpose.
LEFT_OUT = {
    "log_loss": {"y_pred"},  # scikit-learn's deprecated alias of y_proba
    "mutual_info_score": {"contingency"},
    "silhouette_samples": {"kwds"},  # options of other distance metrics
    "silhouette_score": {"kwds"},
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_functions_have_numpydoc_docstrings(name):
    doc = inspect.getdoc(getattr(zoo.metrics, name))
    assert "Parameters\n----------" in doc and "Returns\n-------" in doc
    assert "{shared}" not in doc and "{multioutput}" not in doc  # templates filled in


@pytest.mark.parametrize("name", FUNCTIONS)
def test_signatures_match_scikit_learn(name):
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    ours = inspect.signature(getattr(zoo.metrics, name)).parameters
    theirs = inspect.signature(getattr(sklearn_metrics, name)).parameters
    assert set(ours) == set(theirs) - LEFT_OUT.get(name, set())
    for parameter in ours.values():
        reference = theirs[parameter.name]
        assert parameter.kind == reference.kind, parameter.name
        # y_proba is required here; scikit-learn defaults it to None only to
        # detect its deprecated alias y_pred.
        if parameter.name != "y_proba":
            assert parameter.default == reference.default, parameter.name
