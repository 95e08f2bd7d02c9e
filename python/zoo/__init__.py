"""zoo: machine learning on a C++/OpenBLAS core behind one fit/predict API.

    >>> from zoo import KMeans
    >>> KMeans(n_clusters=3, random_state=0).fit(X).labels_   # doctest: +SKIP
"""
from zoo import _runtime  # noqa: F401  (loads the C++ core with OpenBLAS and OpenMP prepared)
from zoo import nn
from zoo import augment, imbalance, metrics, model_selection, preprocessing
from zoo._core import __version__
from zoo._threads import get_num_threads, set_num_threads
from zoo.exceptions import NotFittedError
from zoo.persistence import load
from zoo.rl import ActorCritic, DQN, QLearning, REINFORCE
from zoo.supervised import (
    SVC,
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    ElasticNet,
    Lasso,
    LinearRegression,
    LinearSVC,
    LogisticRegression,
    MLP,
    MLPClassifier,
    MLPRegressor,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from zoo.unsupervised import DBSCAN, GAN, PCA, Autoencoder, IncrementalPCA, KMeans, MiniBatchKMeans

__all__ = [
    "__version__",
    "ActorCritic",
    "Autoencoder",
    "GAN",
    "DBSCAN",
    "DQN",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "ElasticNet",
    "IncrementalPCA",
    "KMeans",
    "Lasso",
    "LinearRegression",
    "LinearSVC",
    "LogisticRegression",
    "MLP",
    "MLPClassifier",
    "MLPRegressor",
    "MiniBatchKMeans",
    "NotFittedError",
    "PCA",
    "QLearning",
    "REINFORCE",
    "Ridge",
    "SGDClassifier",
    "SGDRegressor",
    "SVC",
    "augment",
    "get_num_threads",
    "imbalance",
    "load",
    "metrics",
    "model_selection",
    "nn",
    "preprocessing",
    "set_num_threads",
]
