"""Unsupervised learners."""
from zoo.unsupervised.autoencoder import Autoencoder
from zoo.unsupervised.gan import GAN
from zoo.unsupervised.dbscan import DBSCAN
from zoo.unsupervised.kmeans import KMeans
from zoo.unsupervised.minibatch_kmeans import MiniBatchKMeans
from zoo.unsupervised.pca import PCA, IncrementalPCA

__all__ = ["Autoencoder", "DBSCAN", "GAN", "IncrementalPCA", "KMeans", "MiniBatchKMeans", "PCA"]
