"""Unsupervised learners."""
from zoo.unsupervised.autoencoder import Autoencoder
from zoo.unsupervised.dbscan import DBSCAN
from zoo.unsupervised.kmeans import KMeans
from zoo.unsupervised.minibatch_kmeans import MiniBatchKMeans
from zoo.unsupervised.pca import PCA, IncrementalPCA

__all__ = ["Autoencoder", "DBSCAN", "IncrementalPCA", "KMeans", "MiniBatchKMeans", "PCA"]
