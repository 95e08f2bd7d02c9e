"""Supervised learners."""
from zoo.supervised.linear import ElasticNet, Lasso, LinearRegression, Ridge
from zoo.supervised.logistic import LogisticRegression
from zoo.supervised.mlp import MLP, MLPClassifier, MLPRegressor
from zoo.supervised.sgd import SGDClassifier, SGDRegressor
from zoo.supervised.svm import SVC, LinearSVC
from zoo.supervised.tree import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = [
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "ElasticNet",
    "Lasso",
    "LinearRegression",
    "LinearSVC",
    "LogisticRegression",
    "MLP",
    "MLPClassifier",
    "MLPRegressor",
    "Ridge",
    "SGDClassifier",
    "SGDRegressor",
    "SVC",
]
