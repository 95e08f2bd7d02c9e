"""What the hostile-input suite runs over: every public estimator in zoo's
registry, tiny data to fit it on, and the test of a clear error.

An estimator joins the suite by being registered (every public class in a
``zoo.`` module is); ``SETUPS`` only lists what cannot be guessed from its
tags: fast parameters, required parameters, and the data it takes when that
is not "X, plus y for classifiers and regressors".
"""

from __future__ import annotations

import inspect
import math
import sys
import warnings

import numpy as np
import zoo
import zoo.imbalance
import zoo.model_selection
import zoo.preprocessing
from zoo._registry import _REGISTRY
from zoo.exceptions import NotFittedError

# ------------------------------------------------------------------- the data

N_SAMPLES, N_FEATURES = 24, 3
_rng = np.random.default_rng(0)
X = _rng.normal(size=(N_SAMPLES, N_FEATURES))
Y_CLASSES = np.tile([0, 1], N_SAMPLES // 2)
Y_REGRESSION = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * _rng.normal(size=N_SAMPLES)
# Samplers need a minority to resample.
Y_IMBALANCED = np.array([0] * 16 + [1] * 8)
X_CATEGORIES = _rng.integers(0, 3, size=(N_SAMPLES, 2)).astype(float)

RL_TIMESTEPS = 64


class Setup:
    """How to build, fit and use one estimator class on tiny data.

    kind is "supervised" (fit(X, y)), "unsupervised" (fit(X)), "labels"
    (fit(y)) or "rl" (fit(env, total_timesteps)).
    """

    def __init__(self, kind, params=None, *, X=X, y=None, env=None):
        self.kind = kind
        self.params = dict(params or {})
        self.X = X
        self.y = y
        self.env = env

    def fit_args(self):
        if self.kind == "rl":
            return (self.env, RL_TIMESTEPS)
        if self.kind == "labels":
            return (self.y,)
        if self.kind == "supervised":
            return (self.X, self.y)
        return (self.X,)


_NETWORK = {"epochs": 2, "random_state": 0, "n_jobs": 1}
_SMALL_POLICY = {"hidden_layer_sizes": (4,), "random_state": 0, "n_jobs": 1}

# Estimators whose fast parameters or data cannot be read off their tags.
SETUPS = {
    "KMeans": Setup("unsupervised", {"n_clusters": 2, "n_init": 1, "max_iter": 10, "random_state": 0}),
    "MiniBatchKMeans": Setup(
        "unsupervised", {"n_clusters": 2, "n_init": 1, "max_iter": 5, "batch_size": 8, "random_state": 0}
    ),
    "MLP": Setup("supervised", {"hidden_layer_sizes": (4,), **_NETWORK}, y=Y_REGRESSION),
    "MLPClassifier": Setup("supervised", {"hidden_layer_sizes": (4,), **_NETWORK}, y=Y_CLASSES),
    "MLPRegressor": Setup("supervised", {"hidden_layer_sizes": (4,), **_NETWORK}, y=Y_REGRESSION),
    "Autoencoder": Setup("unsupervised", {"encoder_layer_sizes": (2,), **_NETWORK}),
    "GAN": Setup("unsupervised", {"generator_layers": (4,), "discriminator_layers": (4,), "latent_dim": 2,
                                  "batch_size": 8, **_NETWORK}),
    "SGDClassifier": Setup("supervised", {"epochs": 2, "random_state": 0}, y=Y_CLASSES),
    "SGDRegressor": Setup("supervised", {"epochs": 2, "random_state": 0}, y=Y_REGRESSION),
    "LinearSVC": Setup("supervised", {"max_iter": 100, "random_state": 0}, y=Y_CLASSES),
    "SVC": Setup("supervised", {"max_iter": 1000}, y=Y_CLASSES),
    "PCA": Setup("unsupervised", {"n_components": 2}),
    "IncrementalPCA": Setup("unsupervised", {"n_components": 2}),
    "SMOTE": Setup("supervised", {"k_neighbors": 3, "random_state": 0}, y=Y_IMBALANCED),
    "RandomOverSampler": Setup("supervised", {"random_state": 0}, y=Y_IMBALANCED),
    "RandomUnderSampler": Setup("supervised", {"random_state": 0}, y=Y_IMBALANCED),
    "OneHotEncoder": Setup("unsupervised", X=X_CATEGORIES),
    "LabelEncoder": Setup("labels", y=Y_CLASSES),
    "GridSearchCV": Setup(
        "supervised", {"estimator": zoo.Ridge(), "param_grid": {"alpha": [1.0]}, "cv": 2}, y=Y_REGRESSION
    ),
    "DQN": Setup(
        "rl", {**_SMALL_POLICY, "buffer_size": 100, "learning_starts": 16, "batch_size": 8}, env="CartPole-v1"
    ),
    "REINFORCE": Setup("rl", _SMALL_POLICY, env="CartPole-v1"),
    "ActorCritic": Setup("rl", {**_SMALL_POLICY, "n_envs": 1, "n_steps": 8}, env="CartPole-v1"),
    "QLearning": Setup("rl", {"random_state": 0}, env="FrozenLake-v1"),
}

def _is_public(cls):
    """Whether one of zoo's public packages (zoo, zoo.rl, zoo.preprocessing,
    ...) exports ``cls``: the bases of the RL learners are registered but
    exported by none."""
    for name, module in list(sys.modules.items()):
        parts = name.split(".")
        if parts[0] != "zoo" or any(part.startswith("_") for part in parts) or not hasattr(module, "__path__"):
            continue
        if getattr(module, cls.__name__, None) is cls:
            return True
    return False


def public_estimators():
    """Every registered estimator class a user can import from zoo."""
    return sorted((cls for cls in _REGISTRY.values() if _is_public(cls)), key=lambda cls: cls.__name__)


def setup_of(cls):
    if cls.__name__ in SETUPS:
        return SETUPS[cls.__name__]
    kind = "rl" if cls._estimator_type == "reinforcement_learner" else None
    if kind == "rl":
        return Setup("rl", {"random_state": 0}, env="CartPole-v1")
    if cls._estimator_type == "classifier":
        return Setup("supervised", _seeded(cls), y=Y_CLASSES)
    if cls._estimator_type == "regressor":
        return Setup("supervised", _seeded(cls), y=Y_REGRESSION)
    return Setup("unsupervised", _seeded(cls))


def _seeded(cls):
    return {"random_state": 0} if "random_state" in cls._get_param_names() else {}


def make(cls, **overrides):
    """An instance with the setup's fast parameters and ``overrides``."""
    return cls(**{**setup_of(cls).params, **overrides})


def fit(estimator):
    return estimator.fit(*setup_of(type(estimator)).fit_args())


# ------------------------------------------------------- methods of a fitted model

# Methods that are not "use the fitted model": they fit, configure or persist. lr_find trains (and rolls
# back), so it needs no fitted model and answers with a result object rather than an array.
_NOT_USES = {"fit", "partial_fit", "fit_transform", "fit_predict", "fit_resample", "get_params", "set_params",
             "save", "load", "get_feature_names_out", "lr_find"}


def use_methods(cls):
    """Public methods that need a fitted model (predict, transform, ...)."""
    names = []
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name in _NOT_USES or not callable(member) or isinstance(member, type):
            continue
        if isinstance(inspect.getattr_static(cls, name), (classmethod, staticmethod)):
            continue
        names.append(name)
    return names


def takes_data(cls, name):
    """Whether a fitted-model method reads data (predict(X)) rather than
    only the model (get_depth())."""
    parameters = list(inspect.signature(getattr(cls, name)).parameters)
    return bool(parameters[1:]) and parameters[1] in ("X", "y", "observation", "env")


def valid_input(estimator, name):
    """Data a fitted-model method accepts: the fit data, or for
    inverse_transform what transform returns."""
    setup = setup_of(type(estimator))
    if name == "inverse_transform" and setup.kind != "labels":
        return estimator.transform(setup.X)
    return setup.y if setup.kind == "labels" else setup.X


_DEFAULT = object()


def call_use(estimator, name, data=_DEFAULT):
    """Call a fitted-model method on valid input, or on ``data``."""
    setup = setup_of(type(estimator))
    method = getattr(estimator, name)
    if setup.kind == "rl":
        if name in ("evaluate", "episode_returns"):
            with warnings.catch_warnings():  # "episodes were cut at max_episode_steps"
                warnings.simplefilter("ignore", RuntimeWarning)
                return method(setup.env, n_episodes=1, max_episode_steps=20)
        return method(_observation_for(setup.env) if data is _DEFAULT else data)
    if not takes_data(type(estimator), name):
        return method()
    data = valid_input(estimator, name) if data is _DEFAULT else data
    if "y" in inspect.signature(method).parameters and setup.kind != "labels":
        return method(data, setup.y)
    return method(data)


def _observation_for(env):
    return 0 if env == "FrozenLake-v1" else np.zeros(4, dtype=np.float32)


# --------------------------------------------------------------- clear errors

# Text that only an internal failure produces: the user would have to read
# zoo's source to understand it.
INTERNAL_MESSAGES = (
    "incompatible function arguments",
    "incompatible constructor arguments",
    "potrf",
    "syevr",
    "gesdd",
    "lapack",
    "not subscriptable",
    "has no attribute",
    "not supported between instances",
    "unhashable type",
    "object is not iterable",
    "cannot be interpreted as an integer",
    "index out of bounds",
    "invalid value encountered",
    "divide by zero",
    "python int too large",
    "has no len()",
    "argmin of an empty sequence",
    "could not be broadcast",
    "not enough values to unpack",
)

CLEAR_ERRORS = (ValueError, TypeError, NotFittedError)


def assert_clear_error(error, *, names=(), context=""):
    """``error`` is a ValueError, TypeError or NotFittedError whose message
    mentions one of ``names`` (when given) and leaks no internal message."""
    where = f" ({context})" if context else ""
    assert isinstance(error, CLEAR_ERRORS), f"{type(error).__name__}: {error}{where}"
    message = str(error)
    lowered = message.lower()
    leaked = [text for text in INTERNAL_MESSAGES if text in lowered]
    assert not leaked, f"internal message {leaked} in {type(error).__name__}: {message}{where}"
    if names:
        assert any(name in message for name in names), f"message names none of {names}: {message}{where}"


def has_nan(result):
    """Whether a method's result holds NaN anywhere."""
    if isinstance(result, tuple):
        return any(has_nan(part) for part in result)
    if isinstance(result, float):
        return math.isnan(result)
    array = np.asarray(result) if isinstance(result, (np.ndarray, list, np.generic)) else None
    if array is None or array.dtype.kind not in "fcO":
        return False
    if array.dtype.kind == "O":
        return any(has_nan(item) for item in array.ravel() if isinstance(item, (float, np.ndarray)))
    return bool(np.isnan(array).any())
