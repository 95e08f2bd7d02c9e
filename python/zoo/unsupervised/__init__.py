"""Unsupervised learners."""
from zoo.unsupervised.kmeans import KMeans
from zoo.unsupervised.minibatch_kmeans import MiniBatchKMeans

__all__ = ["KMeans", "MiniBatchKMeans"]
