"""Supervised learners."""
from zoo.supervised.mlp import MLP, MLPClassifier, MLPRegressor

__all__ = ["MLP", "MLPClassifier", "MLPRegressor"]
