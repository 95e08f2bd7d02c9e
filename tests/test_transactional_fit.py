"""A fit that fails, KeyboardInterrupt included, leaves the previous model
whole, or the estimator cleanly unfitted (zoo._transaction)."""

import inspect
import math
import os
import signal

import numpy as np
import pytest
import zoo
from zoo import _core, _registry
from zoo.base import BaseEstimator
from zoo.imbalance import SMOTE, RandomOverSampler, RandomUnderSampler
from zoo.model_selection import GridSearchCV
from zoo.nn import Network
from zoo.nn.callbacks import Callback
from zoo.preprocessing import LabelEncoder, MaxAbsScaler, MinMaxScaler, OneHotEncoder, StandardScaler

RNG = np.random.default_rng(0)
X_A = RNG.normal(size=(40, 3))
X_B = RNG.normal(size=(40, 3)) * 3 + 1
X_PROBE = RNG.normal(size=(7, 3))
Y_CLASS_A = (X_A[:, 0] > 0).astype(int)
Y_CLASS_B = (X_B[:, 1] > 1).astype(int)
Y_REG_A = X_A @ [1.0, -2.0, 0.5]
Y_REG_B = X_B @ [-1.0, 0.3, 2.0] + 4
OBS_PROBE = RNG.uniform(-0.05, 0.05, size=(5, 4)).astype(np.float32)


class Interrupted(KeyboardInterrupt):
    """Raised by the tests where a kernel or a step was interrupted."""


def interrupt(*args, **kwargs):
    raise Interrupted


# ------------------------------------------------------------ specific cases


def test_kmeans_interrupted_refit_on_wider_data_keeps_the_old_model(monkeypatch):
    model = zoo.KMeans(n_clusters=3, n_init=1, random_state=0).fit(X_A)
    centers, labels = model.cluster_centers_.copy(), model.predict(X_PROBE)
    monkeypatch.setattr(_core, "kmeans_fit", interrupt)
    with pytest.raises(Interrupted):
        model.fit(RNG.normal(size=(40, 5)))
    assert model.n_features_in_ == 3
    np.testing.assert_array_equal(model.cluster_centers_, centers)
    np.testing.assert_array_equal(model.predict(X_PROBE), labels)


def test_kmeans_interrupted_first_fit_is_unfitted(monkeypatch):
    model = zoo.KMeans(n_clusters=3, n_init=1, random_state=0)
    monkeypatch.setattr(_core, "kmeans_fit", interrupt)
    with pytest.raises(Interrupted):
        model.fit(X_A)
    assert not hasattr(model, "n_features_in_")
    with pytest.raises(zoo.NotFittedError):
        model.predict(X_PROBE)


@pytest.mark.parametrize(
    "make, kernels, predict",
    [
        (lambda: zoo.Lasso(alpha=0.01), ["enet_cd_gram", "enet_cd_columns"], "predict"),
        (lambda: zoo.ElasticNet(alpha=0.01), ["enet_cd_gram", "enet_cd_columns"], "predict"),
        (lambda: zoo.PCA(n_components=2), ["pca_covariance_eigh", "pca_svd", "pca_randomized"], "transform"),
        (lambda: zoo.DecisionTreeRegressor(random_state=0), ["tree_fit"], "predict"),
        (lambda: zoo.DecisionTreeClassifier(random_state=0), ["tree_fit"], "predict_proba"),
    ],
    ids=["Lasso", "ElasticNet", "PCA", "DecisionTreeRegressor", "DecisionTreeClassifier"],
)
def test_kernel_interrupted_first_fit_and_refit(monkeypatch, make, kernels, predict):
    y_a = Y_CLASS_A if "Classifier" in type(make()).__name__ else Y_REG_A
    y_b = Y_CLASS_B if "Classifier" in type(make()).__name__ else Y_REG_B
    first = make()
    with monkeypatch.context() as patch:
        for kernel in kernels:
            patch.setattr(_core, kernel, interrupt)
        with pytest.raises(Interrupted):
            first.fit(X_A, y_a)
    with pytest.raises(zoo.NotFittedError):
        getattr(first, predict)(X_PROBE)

    fitted = make().fit(X_A, y_a)
    expected = getattr(fitted, predict)(X_PROBE)
    with monkeypatch.context() as patch:
        for kernel in kernels:
            patch.setattr(_core, kernel, interrupt)
        with pytest.raises(Interrupted):
            fitted.fit(X_B, y_b)
    np.testing.assert_array_equal(getattr(fitted, predict)(X_PROBE), expected)


def _fail_on_call(monkeypatch, owner, name, call_number, error=Interrupted):
    """Make `owner.name` raise `error` at the end of its `call_number`-th
    call (1-based), after it has done its work."""
    original = getattr(owner, name)
    calls = [0]

    def patched(*args, **kwargs):
        calls[0] += 1
        result = original(*args, **kwargs)
        if calls[0] == call_number:
            raise error
        return result

    monkeypatch.setattr(owner, name, patched)


@pytest.mark.parametrize("error", [Interrupted, RuntimeError])
def test_mlp_warm_start_failing_after_an_epoch_restores_the_weights(monkeypatch, error):
    # Epochs update the network's arrays in place; the re-fit fails after
    # its second epoch has changed them.
    model = zoo.MLPRegressor((8,), epochs=3, warm_start=True, random_state=0).fit(X_A, Y_REG_A)
    params, moments = model.params_.copy(), model.optimizer_state_.copy()
    expected, n_epochs, history = model.predict(X_PROBE), model.n_epochs_, len(model.history_)
    _fail_on_call(monkeypatch, Network, "train_epoch", 2, error)
    with pytest.raises(error):
        model.fit(X_B, Y_REG_B)
    np.testing.assert_array_equal(model.params_, params)
    np.testing.assert_array_equal(model.optimizer_state_, moments)
    assert (model.n_epochs_, len(model.history_)) == (n_epochs, history)
    np.testing.assert_array_equal(model.predict(X_PROBE), expected)


def test_mlp_partial_fit_failing_restores_the_weights(monkeypatch):
    model = zoo.MLPClassifier((8,), random_state=0).partial_fit(X_A, Y_CLASS_A, classes=[0, 1])
    expected = model.predict_proba(X_PROBE)
    _fail_on_call(monkeypatch, Network, "train_epoch", 1)
    with pytest.raises(Interrupted):
        model.partial_fit(X_B, Y_CLASS_B)
    np.testing.assert_array_equal(model.predict_proba(X_PROBE), expected)


def test_rollback_puts_the_old_model_back_into_the_same_objects(monkeypatch):
    # References held outside (the network, a view of its weights, the
    # history) still see the model after a failed call, not a stale copy.
    model = zoo.MLPClassifier((8,), random_state=0).partial_fit(X_A, Y_CLASS_A, classes=[0, 1])
    model.partial_fit(X_A, Y_CLASS_A)  # a second call reuses the first one's copies
    network, history = model.network_, model.history_
    weights = network.params
    first_layer = weights[:8]
    expected_weights, expected_epochs = weights.copy(), len(history)
    _fail_on_call(monkeypatch, Network, "train_epoch", 1)
    with pytest.raises(Interrupted):
        model.partial_fit(X_B, Y_CLASS_B)
    assert model.network_ is network and network.params is weights and model.history_ is history
    np.testing.assert_array_equal(weights, expected_weights)
    np.testing.assert_array_equal(first_layer, expected_weights[:8])
    assert len(history) == expected_epochs


def test_minibatch_kmeans_failed_partial_fit_restores_centres_and_generator(monkeypatch):
    model = zoo.MiniBatchKMeans(2, random_state=0).partial_fit(X_A)
    model.partial_fit(X_A)
    centres = model.cluster_centers_
    expected_centres, expected_draw = centres.copy(), model._rng_.bit_generator.state
    _fail_on_call(monkeypatch, _core, "minibatch_step", 1)
    with pytest.raises(Interrupted):
        model.partial_fit(X_B)
    assert model.cluster_centers_ is centres
    np.testing.assert_array_equal(centres, expected_centres)
    assert model._rng_.bit_generator.state == expected_draw


class _PressCtrlC(Callback):
    """Sends SIGINT at the end of the given epochs, as a user pressing Ctrl-C."""

    def __init__(self, epochs):
        self.epochs = set(epochs)

    def on_epoch_end(self, model, epoch, logs):
        if epoch in self.epochs:
            os.kill(os.getpid(), signal.SIGINT)


def test_mlp_first_ctrl_c_completes_the_fit_with_the_model_so_far():
    # The documented behaviour: stop at the end of the epoch and keep the
    # model trained so far; that is a completed fit, not a rolled-back one.
    model = zoo.MLPRegressor((8,), epochs=10, random_state=0, callbacks=[_PressCtrlC({2})])
    with pytest.warns(RuntimeWarning, match="interrupted"):
        model.fit(X_A, Y_REG_A)
    assert model.interrupted_ is True
    assert model.n_epochs_ == 3 and len(model.history_) == 3
    reference = zoo.MLPRegressor((8,), epochs=3, random_state=0).fit(X_A, Y_REG_A)
    np.testing.assert_array_equal(model.params_, reference.params_)


def test_mlp_second_ctrl_c_rolls_the_fit_back():
    model = zoo.MLPRegressor((8,), epochs=3, warm_start=True, random_state=0).fit(X_A, Y_REG_A)
    params, n_epochs = model.params_.copy(), model.n_epochs_
    # Two presses within one epoch: the second raises KeyboardInterrupt.
    model.set_params(epochs=10, callbacks=[_PressCtrlC({4}), _PressCtrlC({4})])
    with pytest.raises(KeyboardInterrupt):
        model.fit(X_B, Y_REG_B)
    assert model.n_epochs_ == n_epochs
    np.testing.assert_array_equal(model.params_, params)
    assert model.interrupted_ is False


def test_nested_fit_calls_are_one_transaction(monkeypatch):
    # fit_transform calls fit; a failure after fit succeeded (in transform)
    # still rolls the whole call back.
    model = zoo.PCA(n_components=2).fit(X_A)
    expected = model.transform(X_PROBE)
    monkeypatch.setattr(zoo.PCA, "transform", interrupt)
    with pytest.raises(Interrupted):
        model.fit_transform(X_B)
    monkeypatch.undo()
    np.testing.assert_array_equal(model.transform(X_PROBE), expected)


def test_wrapped_fit_keeps_its_signature_and_docstring():
    assert list(inspect.signature(zoo.KMeans.fit).parameters) == ["self", "X", "y", "sample_weight"]
    assert zoo.KMeans.fit.__doc__ and "sample_weight" in zoo.KMeans.fit.__doc__


# ----------------------------------------------- every registered estimator
#
# Each registered zoo estimator is listed here with small settings, a way
# to fit it on data set "A" or "B", and a probe whose output must not
# change when a later fit fails. A new estimator joins by being listed.


def _env_for(model):
    return "FrozenLake-v1" if isinstance(model, zoo.QLearning) else "CartPole-v1"


def _fit_supervised(y_a, y_b):
    return lambda model, which, method="fit": getattr(model, method)(
        X_A if which == "A" else X_B, y_a if which == "A" else y_b
    )


def _fit_unsupervised(model, which, method="fit"):
    return getattr(model, method)(X_A if which == "A" else X_B)


def _fit_rl(model, which, method="fit"):
    continuing = which == "B" and hasattr(model, "num_timesteps_")
    return model.fit(_env_for(model), total_timesteps=300 if which == "A" else 250,
                     reset_num_timesteps=not continuing)


def _fit_labels(model, which, method="fit"):
    return getattr(model, method)(["a", "b", "a"] if which == "A" else ["c", "d", "c", "e"])


def _fit_sampler(model, which, method="fit"):
    X = np.vstack([X_A, X_A[:6] + 0.1]) if which == "A" else np.vstack([X_B, X_B[:8] - 0.1])
    y = np.r_[np.zeros(len(X) - 12), np.ones(12)].astype(int)
    if which == "B":
        y = 1 - y
    return getattr(model, method)(X, y)


def _fit_categories(model, which, method="fit"):
    X = np.array([[0, 1], [1, 2], [2, 1]]) if which == "A" else np.array([[5, 6], [7, 6], [7, 8], [9, 9]])
    return getattr(model, method)(X)


_NET = {"epochs": 3, "batch_size": 16, "random_state": 0, "n_jobs": 1}
_GAN = {"epochs": 2, "batch_size": 8, "random_state": 0, "n_jobs": 1}
_CLASSIFY = _fit_supervised(Y_CLASS_A, Y_CLASS_B)
_REGRESS = _fit_supervised(Y_REG_A, Y_REG_B)

# name -> [(make, fit, extra fitting methods tried on the fitted model)]
CASES = {
    "KMeans": [(lambda: zoo.KMeans(n_clusters=3, n_init=2, random_state=0), _fit_unsupervised, ())],
    "MiniBatchKMeans": [(lambda: zoo.MiniBatchKMeans(n_clusters=3, batch_size=10, random_state=0),
                         _fit_unsupervised, ("partial_fit",))],
    "PCA": [(lambda: zoo.PCA(n_components=2), _fit_unsupervised, ())],
    "IncrementalPCA": [(lambda: zoo.IncrementalPCA(n_components=2), _fit_unsupervised, ("partial_fit",))],
    "DBSCAN": [(lambda: zoo.DBSCAN(eps=1.0, min_samples=3), _fit_unsupervised, ())],
    "Autoencoder": [(lambda: zoo.Autoencoder(encoder_layer_sizes=(4, 2), **_NET), _fit_unsupervised, ("partial_fit",)),
                    (lambda: zoo.Autoencoder(encoder_layer_sizes=(4, 2), warm_start=True, **_NET),
                     _fit_unsupervised, ())],
    "GAN": [(lambda: zoo.GAN((4,), (4,), latent_dim=2, **_GAN), _fit_unsupervised, ("partial_fit",)),
            (lambda: zoo.GAN((4,), (4,), latent_dim=2, warm_start=True, **_GAN), _fit_unsupervised, ())],
    "MLP": [(lambda: zoo.MLP((8,), **_NET), _CLASSIFY, ("partial_fit",))],
    "MLPClassifier": [(lambda: zoo.MLPClassifier((8,), **_NET), _CLASSIFY, ("partial_fit",)),
                      (lambda: zoo.MLPClassifier((8,), warm_start=True, **_NET), _CLASSIFY, ())],
    "MLPRegressor": [(lambda: zoo.MLPRegressor((8,), **_NET), _REGRESS, ("partial_fit",)),
                     (lambda: zoo.MLPRegressor((8,), warm_start=True, **_NET), _REGRESS, ())],
    "LinearRegression": [(zoo.LinearRegression, _REGRESS, ())],
    "Ridge": [(zoo.Ridge, _REGRESS, ())],
    "Lasso": [(lambda: zoo.Lasso(alpha=0.01), _REGRESS, ()),
              (lambda: zoo.Lasso(alpha=0.01, warm_start=True), _REGRESS, ())],
    "ElasticNet": [(lambda: zoo.ElasticNet(alpha=0.01, warm_start=True), _REGRESS, ())],
    "LogisticRegression": [(zoo.LogisticRegression, _CLASSIFY, ()),
                           (lambda: zoo.LogisticRegression(warm_start=True), _CLASSIFY, ())],
    "SGDRegressor": [(lambda: zoo.SGDRegressor(epochs=3, random_state=0), _REGRESS, ())],
    "SGDClassifier": [(lambda: zoo.SGDClassifier(epochs=3, random_state=0), _CLASSIFY, ())],
    "SVC": [(lambda: zoo.SVC(probability=True, random_state=0), _CLASSIFY, ())],
    "LinearSVC": [(lambda: zoo.LinearSVC(random_state=0), _CLASSIFY, ())],
    "DecisionTreeClassifier": [(lambda: zoo.DecisionTreeClassifier(random_state=0), _CLASSIFY, ())],
    "DecisionTreeRegressor": [(lambda: zoo.DecisionTreeRegressor(random_state=0), _REGRESS, ())],
    "StandardScaler": [(StandardScaler, _fit_unsupervised, ("partial_fit",))],
    "MinMaxScaler": [(MinMaxScaler, _fit_unsupervised, ("partial_fit",))],
    "MaxAbsScaler": [(MaxAbsScaler, _fit_unsupervised, ("partial_fit",))],
    "OneHotEncoder": [(lambda: OneHotEncoder(handle_unknown="ignore"), _fit_categories, ())],
    "LabelEncoder": [(LabelEncoder, _fit_labels, ())],
    "RandomOverSampler": [(lambda: RandomOverSampler(random_state=0), _fit_sampler, ("fit_resample",))],
    "RandomUnderSampler": [(lambda: RandomUnderSampler(random_state=0), _fit_sampler, ("fit_resample",))],
    "SMOTE": [(lambda: SMOTE(k_neighbors=3, random_state=0), _fit_sampler, ("fit_resample",))],
    "GridSearchCV": [(lambda: GridSearchCV(zoo.Ridge(), {"alpha": [0.1, 1.0]}, cv=2), _REGRESS, ())],
    "DQN": [(lambda: zoo.DQN(learning_starts=50, batch_size=16, buffer_size=500, n_jobs=1, random_state=0),
             _fit_rl, ())],
    "QLearning": [(lambda: zoo.QLearning(random_state=0), _fit_rl, ())],
    "REINFORCE": [(lambda: zoo.REINFORCE(n_jobs=1, random_state=0), _fit_rl, ())],
    "ActorCritic": [(lambda: zoo.ActorCritic(n_jobs=1, random_state=0), _fit_rl, ())],
}
# Registered to share code, never instantiated by users.
ABSTRACT = {"RLLearner", "PolicyGradientLearner"}


def _registered_zoo_estimators():
    return sorted(name for name, cls in _registry._REGISTRY.items() if cls.__module__.startswith("zoo."))


def test_every_registered_estimator_is_listed():
    assert set(_registered_zoo_estimators()) - ABSTRACT == set(CASES)


def _probe(model):
    """What the model computes; equal probes mean an equal model."""
    outputs = []
    if isinstance(model, zoo.QLearning):
        outputs.append(model.predict(np.arange(16), deterministic=True))
    elif hasattr(model, "num_timesteps_"):
        outputs.append(model.predict(OBS_PROBE, deterministic=True))
    elif isinstance(model, OneHotEncoder):
        outputs.append(model.transform(np.array([[0, 1], [7, 6]])))
    elif isinstance(model, LabelEncoder):
        outputs.append(model.inverse_transform([0, 1]))
    elif isinstance(model, GridSearchCV):
        outputs.append(model.predict(X_PROBE))
    elif isinstance(model, zoo.GAN):
        outputs += [model.discriminate(X_PROBE), model.sample(5, random_state=0)]
    else:
        for method in ("predict", "predict_proba", "transform"):
            if hasattr(model, method):
                outputs.append(getattr(model, method)(X_PROBE))
    return outputs + [_fingerprint(_fitted_state(model))]


def _fitted_state(model):
    params = set(model._get_param_names())
    return {name: value for name, value in vars(model).items() if name.endswith("_") and name not in params}


def _fingerprint(value):
    """A comparable rendering of fitted state, arrays by their bytes."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, dict):
        return {key: _fingerprint(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_fingerprint(item) for item in value]
    if isinstance(value, Network):
        return _fingerprint(value.to_config())
    if isinstance(value, np.random.Generator):
        return value.bit_generator.state
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if hasattr(value, "to_dict"):
        return _fingerprint(value.to_dict())
    if isinstance(value, BaseEstimator):
        return (type(value).__name__, _fingerprint(_fitted_state(value)))
    if type(value).__module__.startswith("zoo.") and hasattr(value, "__dict__"):
        return (type(value).__name__, _fingerprint(vars(value)))
    return repr(value)


def _assert_same(actual, expected):
    assert len(actual) == len(expected)
    for got, want in zip(actual[:-1], expected[:-1]):
        np.testing.assert_array_equal(got, want)
    assert actual[-1] == expected[-1]


def _count_assignments(monkeypatch, cls, fail_at=None):
    """Count the attribute assignments on instances of `cls`; raise
    Interrupted at assignment number `fail_at` (0-based)."""
    counter = [0]

    def counting_setattr(self, name, value):
        if counter[0] == fail_at:
            counter[0] += 1
            raise Interrupted(f"at {name} = ...")
        counter[0] += 1
        object.__setattr__(self, name, value)

    monkeypatch.setattr(cls, "__setattr__", counting_setattr)
    return counter


def _cases():
    for name in sorted(CASES):
        for index, (make, fit, extra) in enumerate(CASES[name]):
            for method in ("fit", *extra):
                yield pytest.param(make, fit, method, id=f"{name}-{index}-{method}")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("make, fit, method", list(_cases()))
def test_a_fit_failing_at_any_step_leaves_the_previous_model(monkeypatch, make, fit, method):
    # Fail the fit at each attribute assignment it makes in turn: at the
    # start, midway (some state new, some old, arrays updated in place by a
    # kernel), and at the very end.
    cls = type(make())
    fitted = fit(make(), "A")
    with monkeypatch.context() as patch:
        counter = _count_assignments(patch, cls)
        fit(fitted, "B", method)
        n_steps = counter[0]
    assert n_steps > 0

    for fail_at in range(n_steps):
        model = fit(make(), "A")
        expected = _probe(model)
        with monkeypatch.context() as patch:
            _count_assignments(patch, cls, fail_at)
            with pytest.raises(Interrupted):
                fit(model, "B", method)
        _assert_same(_probe(model), expected)
        # And the model still fits as usual afterwards.
        fit(model, "B", method)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("make, fit, method", list(_cases()))
def test_a_first_fit_failing_at_any_step_leaves_it_unfitted(monkeypatch, make, fit, method):
    cls = type(make())
    model = make()
    with monkeypatch.context() as patch:
        counter = _count_assignments(patch, cls)
        fit(model, "A", method)
        n_steps = counter[0]
    assert n_steps > 0

    for fail_at in range(n_steps):
        model = make()
        with monkeypatch.context() as patch:
            _count_assignments(patch, cls, fail_at)
            with pytest.raises(Interrupted):
                fit(model, "A", method)
        assert _fitted_state(model) == {}
        if any(hasattr(model, method) for method in ("predict", "transform", "discriminate")):
            with pytest.raises(zoo.NotFittedError):
                _probe(model)
