"""Wrong constructor arguments name the public class and zoo's own name for
what was asked (scikit-learn's and Stable-Baselines3's names included)."""

import inspect
import re

import numpy as np
import pytest

import zoo
import zoo.nn
from zoo._parameter_names import parameter_aliases
from zoo._registry import _REGISTRY
from zoo.base import BaseEstimator

ESTIMATORS = sorted(_REGISTRY.items())
REQUIRED = {"GridSearchCV": lambda: {"estimator": zoo.Ridge(), "param_grid": {"alpha": [1.0]}}}


def _make(name, cls):
    return cls(**REQUIRED.get(name, dict)())


def _private_bases(cls):
    return [klass.__name__ for klass in cls.__mro__ if klass.__name__.startswith("_")]


def _unknown_keyword_message(cls):
    with pytest.raises(TypeError) as error:
        cls(zoo_has_no_such_parameter=1)
    return str(error.value)


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=[name for name, _ in ESTIMATORS])
def test_an_unknown_keyword_names_the_public_class(name, cls):
    message = _unknown_keyword_message(cls)
    assert message.startswith(f"{name}()"), message
    if cls.__init__ is object.__init__:  # an abstract base: Python's "RLLearner() takes no arguments"
        assert "takes no arguments" in message
    else:
        assert "zoo_has_no_such_parameter" in message
    for private in _private_bases(cls):
        assert private not in message, message


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=[name for name, _ in ESTIMATORS])
def test_too_many_positional_arguments_name_the_public_class(name, cls):
    init = cls.__init__
    positional = 0
    if init is not object.__init__:
        positional = sum(
            p.kind is p.POSITIONAL_OR_KEYWORD for p in list(inspect.signature(init).parameters.values())[1:]
        )
    with pytest.raises(TypeError) as error:
        cls(*([None] * (positional + 1)))
    message = str(error.value)
    assert message.startswith(f"{name}()"), message
    for private in _private_bases(cls):
        assert private not in message, message


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=[name for name, _ in ESTIMATORS])
def test_set_params_with_an_unknown_name_names_the_class(name, cls):
    estimator = _make(name, cls)
    with pytest.raises(ValueError, match=rf"Invalid parameter 'zoo_has_no_such_parameter' for estimator {name}\("):
        estimator.set_params(zoo_has_no_such_parameter=1)


@pytest.mark.parametrize(
    "cls, foreign, zoo_name",
    [
        (zoo.MLPClassifier, "max_iter", "epochs=..."),
        (zoo.MLPClassifier, "alpha", "l2=..."),
        (zoo.MLPClassifier, "solver", "optimizer=..."),
        (zoo.MLPClassifier, "learning_rate_init", "learning_rate=..."),
        (zoo.MLPClassifier, "n_iter_no_change", "early_stopping=zoo.nn.EarlyStopping(patience=...)"),
        (zoo.MLPClassifier, "validation_fraction", "validation_split=..."),
        (zoo.MLPClassifier, "beta_1", "optimizer=zoo.nn.Adam(beta1=..."),
        (zoo.MLPClassifier, "momentum", "optimizer=zoo.nn.SGD(momentum=..."),
        (zoo.MLPRegressor, "max_iter", "epochs=..."),
        (zoo.MLP, "alpha", "l2=..."),
        (zoo.Autoencoder, "hidden_layer_sizes", "encoder_layer_sizes=..."),
        (zoo.Autoencoder, "max_iter", "epochs=..."),
        (zoo.SGDClassifier, "max_iter", "epochs=..."),
        (zoo.SGDRegressor, "eta0", "learning_rate=..."),
        (zoo.DQN, "policy", "hidden_layer_sizes=..."),
        (zoo.DQN, "seed", "random_state=..."),
        (zoo.DQN, "replay_buffer_kwargs", "buffer_size=..."),
        (zoo.ActorCritic, "policy_kwargs", "hidden_layer_sizes=..."),
        (zoo.ActorCritic, "use_rms_prop", "optimizer=..."),
        (zoo.REINFORCE, "n_steps", "n_episodes_per_update=..."),
        (zoo.QLearning, "alpha", "learning_rate=..."),
        (zoo.QLearning, "exploration_final_eps", "epsilon_min=..."),
    ],
)
def test_foreign_names_point_to_zoo_s_parameter(cls, foreign, zoo_name):
    with pytest.raises(TypeError) as error:
        cls(**{foreign: 1})
    message = str(error.value)
    assert message.startswith(f"{cls.__name__}() got an unexpected keyword argument {foreign!r}; ")
    assert zoo_name in message
    # set_params gives the same hint.
    with pytest.raises(ValueError) as error:
        cls().set_params(**{foreign: 1})
    assert zoo_name in str(error.value)
    assert str(error.value).startswith(f"Invalid parameter {foreign!r} for estimator {cls.__name__}(")


def test_the_mlp_message_says_whose_names_zoo_follows():
    with pytest.raises(TypeError, match=r"^MLPClassifier\(\) got an unexpected keyword argument 'max_iter'; "
                                        r".*epochs=\.\.\. .*Keras' names, not scikit-learn's"):
        zoo.MLPClassifier(max_iter=50)


def test_a_real_parameter_is_never_aliased():
    # SGD's alpha is its own penalty strength, not the networks' l2.
    assert "alpha" not in parameter_aliases(zoo.SGDClassifier)
    assert zoo.SGDClassifier(alpha=0.01).alpha == 0.01
    # QLearning has no network: the RL learners' network hints are replaced.
    with pytest.raises(TypeError, match="QLearning keeps a table Q\\(s, a\\)") as error:
        zoo.QLearning(policy="MlpPolicy")
    assert "hidden_layer_sizes" not in str(error.value)


def test_a_typo_gets_the_closest_parameter():
    with pytest.raises(TypeError, match=r"^MLPClassifier\(\) got an unexpected keyword argument 'epoch'; "
                                        r"did you mean 'epochs'\?$"):
        zoo.MLPClassifier(epoch=5)
    with pytest.raises(TypeError, match="did you mean 'random_state'"):
        zoo.KMeans(random_sate=0)
    with pytest.raises(ValueError, match=r"^Invalid parameter 'alpah' for estimator Ridge\(\): did you mean 'alpha'\?$"):
        zoo.Ridge().set_params(alpah=1.0)
    # A misspelt foreign name still reaches its hint.
    with pytest.raises(TypeError, match="if you meant 'max_iter': .*epochs="):
        zoo.MLPClassifier(max_iters=50)


def test_an_unrelated_name_lists_the_parameters():
    with pytest.raises(TypeError) as error:
        zoo.DBSCAN(zzz=1)
    assert str(error.value) == (
        "DBSCAN() got an unexpected keyword argument 'zzz'; DBSCAN's parameters are "
        "eps, min_samples, metric, algorithm, leaf_size, p, n_jobs."
    )


def test_positional_arguments_say_what_to_do():
    with pytest.raises(TypeError) as error:
        zoo.MLPClassifier((10,), "tanh")
    assert str(error.value) == (
        "MLPClassifier() takes 1 positional argument (hidden_layer_sizes) but 2 were given; give the others "
        "by name, e.g. MLPClassifier(hidden_layer_sizes, activation=...)."
    )
    with pytest.raises(TypeError, match=r"^SVC\(\) takes no positional arguments but 1 was given; .*SVC\(C=\.\.\.\)"):
        zoo.SVC(1.0)
    with pytest.raises(TypeError, match=r"^GridSearchCV\(\): missing a required argument: 'param_grid'"):
        zoo.model_selection.GridSearchCV(zoo.Ridge())
    with pytest.raises(TypeError, match=r"^Ridge\(\): multiple values for argument 'alpha'"):
        zoo.Ridge(1.0, alpha=2.0)


# ------------------------------------------------------------ the mechanism


class _Base(BaseEstimator):
    _parameter_aliases = {"old": "the new name is new=...", "other": "other's hint"}

    def __init__(self, new=1, *, shared=2):
        self.new = new
        self.shared = shared


class Derived(_Base):
    _parameter_aliases = {"old": "Derived calls it new=... too", "extra": "extra's hint"}

    def __init__(self, new=1, *, shared=2, own=3):
        super().__init__(new, shared=shared)  # a subset of Derived's arguments: not refused
        self.own = own


class Plain(_Base):
    pass


def test_aliases_are_inherited_and_extended():
    assert parameter_aliases(Derived) == {
        "old": "Derived calls it new=... too", "other": "other's hint", "extra": "extra's hint", "verbose":
        BaseEstimator._parameter_aliases["verbose"]}
    with pytest.raises(TypeError, match=r"^Derived\(\) got an unexpected keyword argument 'other'; other's hint$"):
        Derived(other=1)
    with pytest.raises(TypeError, match=r"^Plain\(\) got an unexpected keyword argument 'extra'; "):
        Plain(extra=1)  # Derived's entries are not Plain's
    with pytest.raises(TypeError, match=r"^Plain\(\) got an unexpected keyword argument 'own'"):
        Plain(own=1)  # Plain is checked against the __init__ it inherits
    assert Derived(5, own=4).get_params() == {"new": 5, "shared": 2, "own": 4}
    assert list(inspect.signature(Derived).parameters) == ["new", "shared", "own"]


def test_errors_raised_inside_init_are_left_alone():
    class Strict(BaseEstimator):
        def __init__(self, value=None):
            raise TypeError("my own message")

    with pytest.raises(TypeError, match="^my own message$"):
        Strict(value=1)


def test_malformed_aliases_are_refused_when_the_class_is_defined():
    with pytest.raises(TypeError, match="_parameter_aliases must map parameter names to hint strings"):
        class Broken(BaseEstimator):
            _parameter_aliases = {"max_iter": None}


_ASSIGNMENT = re.compile(r"\b([A-Za-z_]\w*)=")
_ZOO_CALL = re.compile(r"\bzoo((?:\.\w+)+)\(([^()]*)\)")


def _callable_parameters(function):
    return set(inspect.signature(function).parameters)


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=[name for name, _ in ESTIMATORS])
def test_every_hint_names_parameters_that_exist(name, cls):
    """`name=` in a hint is a parameter of the class or of its fit, and inside
    `zoo.X(...)` or `zoo.nn.X(...)` one of X's."""
    if cls.__init__ is object.__init__:
        pytest.skip(f"{name} is an abstract base with no parameters")
    own = set(cls._get_param_names()) | (_callable_parameters(cls.fit) if hasattr(cls, "fit") else set())
    for foreign, hint in parameter_aliases(cls).items():
        for called, arguments in _ZOO_CALL.findall(hint):
            target = zoo
            for part in called.strip(".").split("."):
                target = getattr(target, part)
            unknown = set(_ASSIGNMENT.findall(arguments)) - _callable_parameters(target)
            assert not unknown, f"{name}: the hint for {foreign!r} gives {called} {sorted(unknown)}"
        outside = _ZOO_CALL.sub("", hint)
        unknown = set(_ASSIGNMENT.findall(outside)) - own
        assert not unknown, f"{name}: the hint for {foreign!r} names {sorted(unknown)}, not parameters of {name}"


@pytest.mark.parametrize(
    "make",
    [zoo.LinearRegression, zoo.Ridge, zoo.Lasso, zoo.ElasticNet, lambda: zoo.SGDRegressor(epochs=2),
     lambda: zoo.KMeans(3, n_init=1, random_state=0), lambda: zoo.PCA(2), lambda: zoo.IncrementalPCA(2)],
)
def test_the_copy_hint_is_true_x_is_never_written(make):
    estimator = make()
    assert any(alias in parameter_aliases(type(estimator)) for alias in ("copy", "copy_X", "copy_x"))
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4)) * 3.0 + 5.0
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 1.0
    before = X.copy()
    estimator.fit(X, y)
    np.testing.assert_array_equal(X, before)
