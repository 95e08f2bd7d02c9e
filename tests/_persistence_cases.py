"""Fitted models of every registered estimator, in the variants that change
what they save (binary and multiclass, one and several targets, string
labels, float32, partial_fit, optional state), for the persistence tests.

An estimator joins by adding its cases to ``CASES``; the tests check that
every registered class has one, except the abstract bases in ``ABSTRACT``.
"""

from __future__ import annotations

import warnings

import numpy as np

import zoo
import zoo.imbalance
import zoo.model_selection
import zoo.preprocessing
from zoo.nn import ContinualLearning

# Registered, but bases of other estimators rather than models of their own.
ABSTRACT = {"RLLearner", "PolicyGradientLearner"}

_rng = np.random.default_rng(0)
X = _rng.normal(size=(40, 4))
X32 = X.astype(np.float32)
Y_BINARY = (X[:, 0] + 0.3 * X[:, 1] > 0).astype(np.int64)
Y_THREE = np.digitize(X[:, 0], [-0.4, 0.4])
Y_NAMES = np.array(["cat", "dog", "emu"])[Y_THREE]
Y_VALUES = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * _rng.normal(size=40)
Y_TWO_TARGETS = np.column_stack([Y_VALUES, X[:, 1] - X[:, 2]])
Y_MULTILABEL = np.column_stack([Y_BINARY, (X[:, 2] > 0).astype(int)])
Y_IMBALANCED = np.array([0] * 28 + [1] * 12)
CATEGORIES = np.array([["red", "s"], ["blue", "m"], ["red", "l"], ["green", "m"]] * 5, dtype=object)
OBSERVATIONS = np.random.default_rng(1).normal(size=(6, 4)).astype(np.float32)

_NET = {"hidden_layer_sizes": (5,), "epochs": 3, "random_state": 0, "n_jobs": 1}
_GAN = {"epochs": 2, "batch_size": 8, "random_state": 0, "n_jobs": 1}
_POLICY = {"hidden_layer_sizes": (8,), "random_state": 0, "n_jobs": 1}


class Case:
    """How to fit one model, and what must come out the same after loading."""

    def __init__(self, name, build, outputs):
        self.name, self.build, self.outputs = name, build, outputs

    def fitted(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence warnings of tiny fits
            return self.build()


def _predictions(*methods, data=X):
    def outputs(model):
        return [getattr(model, method)(data) for method in methods]

    return outputs


def _generated(model):
    return [model.discriminate(X), model.sample(5, random_state=0)]


def _rl_outputs(model):
    return [model.predict(OBSERVATIONS)]


def _state_of(*names):
    def outputs(model):
        return [getattr(model, name) for name in names]

    return outputs


def _cases():
    predict = _predictions("predict")
    classify = _predictions("predict", "decision_function")
    probabilities = _predictions("predict", "predict_proba")
    transform = _predictions("transform")
    return [
        Case("KMeans", lambda: zoo.KMeans(3, n_init=1, random_state=0).fit(X), _predictions("predict", "transform")),
        Case("KMeans-float32", lambda: zoo.KMeans(2, n_init=1, random_state=0).fit(X32),
             _predictions("predict", data=X32)),
        Case("MiniBatchKMeans", lambda: zoo.MiniBatchKMeans(3, n_init=1, batch_size=8, random_state=0).fit(X),
             predict),
        Case("MiniBatchKMeans-partial_fit",
             lambda: zoo.MiniBatchKMeans(3, batch_size=8, random_state=0).partial_fit(X).partial_fit(X), predict),
        Case("DBSCAN", lambda: zoo.DBSCAN(eps=1.2, min_samples=3).fit(X), _state_of("labels_", "components_")),
        Case("PCA", lambda: zoo.PCA(2).fit(X), transform),
        Case("PCA-fraction", lambda: zoo.PCA(0.8, svd_solver="full").fit(X), transform),
        Case("PCA-randomized", lambda: zoo.PCA(2, svd_solver="randomized", random_state=0).fit(X32),
             _predictions("transform", data=X32)),
        Case("IncrementalPCA", lambda: zoo.IncrementalPCA(2, batch_size=10).fit(X), transform),
        Case("IncrementalPCA-partial_fit", lambda: zoo.IncrementalPCA(2).partial_fit(X[:20]).partial_fit(X[20:]),
             transform),
        Case("LinearRegression", lambda: zoo.LinearRegression().fit(X, Y_VALUES), predict),
        Case("LinearRegression-two-targets", lambda: zoo.LinearRegression().fit(X, Y_TWO_TARGETS), predict),
        Case("Ridge", lambda: zoo.Ridge(alpha=0.5).fit(X32, Y_VALUES), _predictions("predict", data=X32)),
        Case("Ridge-two-targets", lambda: zoo.Ridge(alpha=[0.5, 2.0]).fit(X, Y_TWO_TARGETS), predict),
        Case("Lasso", lambda: zoo.Lasso(alpha=0.05).fit(X, Y_VALUES), predict),
        Case("ElasticNet-two-targets", lambda: zoo.ElasticNet(alpha=0.05).fit(X, Y_TWO_TARGETS), predict),
        Case("LogisticRegression", lambda: zoo.LogisticRegression().fit(X, Y_BINARY), probabilities),
        Case("LogisticRegression-names", lambda: zoo.LogisticRegression().fit(X, Y_NAMES), probabilities),
        Case("SGDRegressor", lambda: zoo.SGDRegressor(epochs=3, random_state=0).fit(X, Y_VALUES), predict),
        Case("SGDClassifier", lambda: zoo.SGDClassifier(epochs=3, random_state=0).fit(X, Y_BINARY), probabilities),
        Case("SGDClassifier-three", lambda: zoo.SGDClassifier(epochs=3, random_state=0).fit(X, Y_THREE),
             probabilities),
        Case("DecisionTreeClassifier", lambda: zoo.DecisionTreeClassifier(max_depth=3, random_state=0)
             .fit(X, Y_NAMES), probabilities),
        Case("DecisionTreeRegressor", lambda: zoo.DecisionTreeRegressor(max_depth=4, random_state=0)
             .fit(X, Y_VALUES), predict),
        Case("SVC", lambda: zoo.SVC().fit(X, Y_BINARY), classify),
        Case("SVC-three-probability", lambda: zoo.SVC(probability=True, random_state=0).fit(X, Y_NAMES),
             probabilities),
        Case("LinearSVC", lambda: zoo.LinearSVC(random_state=0).fit(X, Y_BINARY), classify),
        Case("LinearSVC-three", lambda: zoo.LinearSVC(random_state=0).fit(X, Y_THREE), classify),
        Case("MLPClassifier", lambda: zoo.MLPClassifier(**_NET).fit(X, Y_NAMES), probabilities),
        Case("MLPClassifier-continual", lambda: zoo.MLPClassifier(
            **_NET, continual=ContinualLearning(ewc_lambda=1.0, replay=0.25)).fit(X, Y_BINARY).fit(X, Y_BINARY),
            probabilities),
        Case("MLPRegressor", lambda: zoo.MLPRegressor(**_NET, normalize=True).fit(X, Y_TWO_TARGETS), predict),
        Case("MLP", lambda: zoo.MLP(**_NET).fit(X, Y_VALUES), predict),
        Case("MLP-multilabel", lambda: zoo.MLP(**_NET).fit(X, Y_MULTILABEL), predict),
        Case("Autoencoder", lambda: zoo.Autoencoder(encoder_layer_sizes=(3, 2), epochs=3, random_state=0,
                                                    n_jobs=1).fit(X), transform),
        Case("GAN", lambda: zoo.GAN((4,), (4,), latent_dim=2, **_GAN).fit(X), _generated),
        Case("GAN-conditional-names", lambda: zoo.GAN((4,), (4,), latent_dim=2, **_GAN).fit(X, Y_NAMES),
             lambda model: [model.discriminate(X, Y_NAMES), model.sample(5, y="dog", random_state=0),
                            model.classes_]),
        Case("GAN-minibatch-float64-partial_fit", lambda: zoo.GAN(
            (4,), (4,), latent_dim=2, spectral_norm=False, minibatch_discrimination=3, dtype="float64", **_GAN)
            .fit(X).partial_fit(X), _generated),
        Case("StandardScaler", lambda: zoo.preprocessing.StandardScaler().fit(X, sample_weight=np.arange(40.0)),
             transform),
        Case("StandardScaler-no-statistics", lambda: zoo.preprocessing.StandardScaler(
            with_mean=False, with_std=False).fit(X), transform),
        Case("MinMaxScaler", lambda: zoo.preprocessing.MinMaxScaler().partial_fit(X[:10]).partial_fit(X[10:]),
             transform),
        Case("MaxAbsScaler", lambda: zoo.preprocessing.MaxAbsScaler().partial_fit(X[:10]).partial_fit(X[10:]),
             transform),
        Case("OneHotEncoder", lambda: zoo.preprocessing.OneHotEncoder(drop="first").fit(CATEGORIES),
             _predictions("transform", data=CATEGORIES)),
        Case("LabelEncoder", lambda: zoo.preprocessing.LabelEncoder().fit(Y_NAMES),
             _predictions("transform", data=Y_NAMES)),
        Case("LabelEncoder-mixed", lambda: zoo.preprocessing.LabelEncoder().fit(np.array([1, 2.5, 7], object)),
             _state_of("classes_")),
        Case("RandomOverSampler", lambda: _resampled(zoo.imbalance.RandomOverSampler(random_state=0, shrinkage=0.5)),
             _state_of("sampling_strategy_", "sample_indices_")),
        Case("RandomUnderSampler", lambda: _resampled(zoo.imbalance.RandomUnderSampler(random_state=0)),
             _state_of("sampling_strategy_", "sample_indices_")),
        Case("SMOTE", lambda: zoo.imbalance.SMOTE(k_neighbors=3, random_state=0).fit(X, Y_IMBALANCED),
             _state_of("sampling_strategy_")),
        Case("GridSearchCV", lambda: zoo.model_selection.GridSearchCV(
            zoo.Ridge(), {"alpha": [0.1, 1.0]}, cv=2).fit(X, Y_VALUES), predict),
        Case("GridSearchCV-no-refit", lambda: zoo.model_selection.GridSearchCV(
            zoo.Ridge(), {"alpha": [0.1, 1.0]}, cv=2, refit=False).fit(X, Y_VALUES), _state_of("best_params_")),
        Case("DQN", lambda: zoo.DQN(**_POLICY, buffer_size=200, learning_starts=20, batch_size=8)
             .fit("CartPole-v1", 120), _rl_outputs),
        Case("REINFORCE", lambda: zoo.REINFORCE(**_POLICY).fit("CartPole-v1", 150), _rl_outputs),
        Case("REINFORCE-continuous", lambda: zoo.REINFORCE(**_POLICY).fit("Pendulum-v1", 150),
             lambda model: [model.predict(OBSERVATIONS[:, :3])]),
        Case("ActorCritic", lambda: zoo.ActorCritic(**_POLICY, n_envs=2, n_steps=4).fit("CartPole-v1", 150),
             _rl_outputs),
        Case("ActorCritic-continuous-shared", lambda: zoo.ActorCritic(**_POLICY, n_envs=2, n_steps=4, shared=True)
             .fit("Pendulum-v1", 150), lambda model: [model.predict(OBSERVATIONS[:, :3])]),
        Case("QLearning", lambda: zoo.QLearning(random_state=0).fit("FrozenLake-v1", 300),
             lambda model: [model.predict(np.arange(16))]),
        Case("QLearning-sarsa", lambda: zoo.QLearning(method="sarsa", random_state=0).fit("FrozenLake-v1", 300),
             lambda model: [model.predict(np.arange(16))]),
    ]


def _resampled(sampler):
    sampler.fit_resample(X, Y_IMBALANCED)
    return sampler


CASES = _cases()


def class_name(case):
    return case.name.split("-")[0]
