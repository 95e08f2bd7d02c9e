"""k-means: zoo.KMeans and zoo.MiniBatchKMeans against scikit-learn and mlpack,
and zoo.KMeans against scikit-learn-intelex (oneDAL) and faiss too.

Every library gets the same array and the same k, one k-means++
initialisation and the same iteration cap. Initialisations differ (each
library has its own random stream), so inertias differ slightly; they are
all computed here by one helper, in float64, from each library's own labels
and centres.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import zoo
from zoo.datasets import load_iris, make_blobs

from .harness import Case, installed, optional_module
from .peers import HAVE_FAISS, faiss_module, sklearnex_class, sklearnex_threads

sklearn_cluster = optional_module("sklearn.cluster")
mlpack = optional_module("mlpack")
LIBRARIES = {"scikit-learn": sklearn_cluster, "mlpack": mlpack}

DATA_SEED = 0
MAX_ITER = 100
BATCH_SIZE = 1024


@dataclass(frozen=True)
class Problem:
    X: np.ndarray
    k: int
    max_iter: int
    init: np.ndarray | None = None  # shared initial centres, or None: each library seeds itself


@dataclass(frozen=True)
class Clustering:
    """What every contender hands back, whatever its library's API."""

    labels: np.ndarray
    centers: np.ndarray | None  # None: the means of the labelled clusters
    n_iter: int | None  # None where the library does not report it


def inertia(X, labels, centers) -> float:
    """Sum of squared distances from each point to its assigned centre.

    float64 throughout, so that a float32 library is not judged by float32
    round-off in the score itself.
    """
    labels = np.asarray(labels, dtype=np.intp).ravel()
    residual = np.asarray(X, dtype=np.float64) - np.asarray(centers, dtype=np.float64)[labels]
    return float(np.einsum("ij,ij->", residual, residual))


def cluster_means(X, labels, k) -> np.ndarray:
    labels = np.asarray(labels, dtype=np.intp).ravel()
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, labels, np.asarray(X, dtype=np.float64))
    counts = np.bincount(labels, minlength=k)[:, None]
    return sums / np.maximum(counts, 1)


def clustering_quality(problem: Problem, result: Clustering) -> dict:
    centers = result.centers if result.centers is not None else cluster_means(problem.X, result.labels, problem.k)
    return {
        "inertia": inertia(problem.X, result.labels, centers),
        "n_iter": result.n_iter,
    }


# ----------------------------------------------------------------- data


@lru_cache(maxsize=2)
def blobs_problem(quick: bool) -> Problem:
    # cluster_std=5 makes the blobs overlap, so Lloyd runs tens of
    # iterations; with well separated blobs it stops after two or three and
    # the timing would measure only the initialisation.
    n_samples, n_features, n_blobs = (2_000, 8, 8) if quick else (200_000, 32, 64)
    X, _ = make_blobs(
        n_samples,
        n_features,
        centers=n_blobs,
        cluster_std=5.0,
        random_state=DATA_SEED,
        dtype=np.float32,
    )
    return Problem(X, k=n_blobs, max_iter=MAX_ITER)


def iris_problem(quick: bool) -> Problem:
    X, _ = load_iris()
    return Problem(X, k=3, max_iter=300)


def blobs_same_init_problem(quick: bool) -> Problem:
    """The blobs with one set of k-means++ centres given to every library:
    isolates the Lloyd iterations, whose result must then agree."""
    problem = blobs_problem(quick)
    # One Lloyd iteration from k-means++ barely moves the centres; what
    # matters is that all libraries start from the same ones.
    centers = zoo.KMeans(problem.k, max_iter=1, random_state=DATA_SEED).fit(problem.X).cluster_centers_
    return Problem(problem.X, problem.k, problem.max_iter, init=centers)


# ---------------------------------------------------------- contenders


def zoo_kmeans(p: Problem, threads: int, seed: int) -> Clustering:
    init = "k-means++" if p.init is None else p.init
    model = zoo.KMeans(
        n_clusters=p.k, init=init, n_init=1, max_iter=p.max_iter, random_state=seed, n_jobs=threads
    ).fit(p.X)
    return Clustering(model.labels_, model.cluster_centers_, model.n_iter_)


def sklearn_kmeans(p: Problem, threads: int, seed: int) -> Clustering:
    # scikit-learn has no n_jobs here; the harness caps its OpenMP pool.
    init = "k-means++" if p.init is None else p.init
    model = sklearn_cluster.KMeans(
        n_clusters=p.k, init=init, n_init=1, max_iter=p.max_iter, algorithm="lloyd", random_state=seed
    ).fit(p.X)
    return Clustering(model.labels_, model.cluster_centers_, model.n_iter_)


def mlpack_kmeans(p: Problem, threads: int, seed: int) -> Clustering:
    seeding = {"kmeans_plus_plus": True} if p.init is None else {"initial_centroids": p.init.astype(np.float64)}
    out = mlpack.kmeans(
        input_=p.X,
        clusters=p.k,
        max_iterations=p.max_iter,
        labels_only=True,
        # mlpack reads seed=0 as "seed from the clock".
        seed=seed + 1,
        **seeding,
    )
    # mlpack returns labels as a float64 column and no iteration count; its
    # "centroid" output is not filled when initial centroids are given, so
    # its centres are taken as the means of its clusters (what its last
    # Lloyd step computes).
    return Clustering(out["output"].ravel().astype(np.intp), None, None)


def sklearnex_kmeans(p: Problem, threads: int, seed: int) -> Clustering:
    # oneDAL's Lloyd and its own k-means++ seeding, on TBB threads that
    # threadpoolctl does not see; scikit-learn's parameters otherwise.
    sklearnex_threads(threads)
    init = "k-means++" if p.init is None else p.init
    model = sklearnex_class("cluster", "KMeans")(
        n_clusters=p.k, init=init, n_init=1, max_iter=p.max_iter, algorithm="lloyd", random_state=seed
    ).fit(p.X)
    return Clustering(model.labels_, model.cluster_centers_, model.n_iter_)


def faiss_kmeans(p: Problem, threads: int, seed: int) -> Clustering:
    faiss = faiss_module(threads)
    X = np.ascontiguousarray(p.X, dtype=np.float32)  # faiss clusters float32 only
    # k-means++ where this faiss has it (older ones only sample k points).
    plus_plus = getattr(faiss, "ClusteringInitMethod_KMEANS_PLUS_PLUS", None)
    seeding = {} if plus_plus is None else {"init_method": plus_plus}
    kmeans = faiss.Kmeans(
        X.shape[1], p.k, niter=p.max_iter, nredo=1, seed=seed,
        # By default faiss trains on a sample of 256 points per centre; the
        # other libraries cluster every point.
        max_points_per_centroid=len(X),
        **seeding,
    )
    kmeans.train(X, init_centroids=None if p.init is None else p.init.astype(np.float32))
    # faiss keeps no labels: one more assignment against the final centres,
    # as scikit-learn's fit ends with.
    _, labels = kmeans.index.search(X, 1)
    return Clustering(labels.ravel(), kmeans.centroids, len(kmeans.iteration_stats))


def zoo_minibatch(p: Problem, threads: int, seed: int) -> Clustering:
    model = zoo.MiniBatchKMeans(
        n_clusters=p.k,
        batch_size=BATCH_SIZE,
        max_iter=p.max_iter,
        n_init=1,
        random_state=seed,
        n_jobs=threads,
    ).fit(p.X)
    return Clustering(model.labels_, model.cluster_centers_, model.n_iter_)


def sklearn_minibatch(p: Problem, threads: int, seed: int) -> Clustering:
    model = sklearn_cluster.MiniBatchKMeans(
        n_clusters=p.k, batch_size=BATCH_SIZE, max_iter=p.max_iter, n_init=1, random_state=seed
    ).fit(p.X)
    return Clustering(model.labels_, model.cluster_centers_, model.n_iter_)


KMEANS_CONTENDERS = installed(
    LIBRARIES, {"zoo": zoo_kmeans, "scikit-learn": sklearn_kmeans, "mlpack": mlpack_kmeans}
)
if sklearnex_class("cluster", "KMeans") is not None:
    KMEANS_CONTENDERS["scikit-learn-intelex"] = sklearnex_kmeans
if HAVE_FAISS:
    KMEANS_CONTENDERS["faiss"] = faiss_kmeans
MINIBATCH_CONTENDERS = installed(LIBRARIES, {"zoo": zoo_minibatch, "scikit-learn": sklearn_minibatch})

CASES = [
    Case(
        name="blobs-200k",
        description=(
            "KMeans: 200,000 × 32 float32 points from 64 overlapping Gaussian blobs "
            "(make_blobs, cluster_std=5, seed 0); k=64, one k-means++ initialisation "
            "(n_init=1), max_iter=100, tol=1e-4; each timed run uses another seed, the "
            "same for every library, because inertia varies by a few percent from seed "
            "to seed. zoo: algorithm='auto' (Hamerly here). "
            "scikit-learn: algorithm='lloyd'. "
            "mlpack: its default 'naive' Lloyd with kmeans_plus_plus=True, data "
            "converted to float64 by mlpack inside the timed call. "
            "scikit-learn-intelex: oneDAL's Lloyd and k-means++, scikit-learn's parameters. "
            "faiss: Kmeans(niter=100, nredo=1, init_method=k-means++, every point clustered: "
            "max_points_per_centroid=n); it has no tolerance: it stops when the objective no "
            "longer changes (or at niter), and its labels come from one more search against the "
            "final centres, inside the timed call."
        ),
        setup=blobs_problem,
        contenders=KMEANS_CONTENDERS,
        quality=clustering_quality,
        compare=("inertia",),
    ),
    Case(
        name="blobs-200k-same-init",
        description=(
            "KMeans iterations alone: the blobs-200k data and parameters, every library "
            "starting from the same k-means++ centres (computed once, untimed). The "
            "inertias must agree (faiss's only roughly: it runs to an unchanged objective, "
            "not to tol=1e-4); the time is the Lloyd phase plus per-call overhead."
        ),
        setup=blobs_same_init_problem,
        contenders=KMEANS_CONTENDERS,
        quality=clustering_quality,
        compare=("inertia",),
    ),
    Case(
        name="iris",
        description=(
            "KMeans per-call overhead: Fisher's iris, 150 × 4 float64; k=3, "
            "one k-means++ initialisation (n_init=1), max_iter=300, tol=1e-4. "
            "About 1% of k-means++ starts, in either library, end in iris's poor local "
            "optimum (inertia 142.8 instead of 78.85; 32 and 33 of 3,000 seeds for zoo "
            "and scikit-learn), so the mean inertia over the timed seeds moves by a few "
            "tenths of a percent from run to run. faiss converts the data to float32 inside the "
            "timed call."
        ),
        setup=iris_problem,
        contenders=KMEANS_CONTENDERS,
        quality=clustering_quality,
        compare=("inertia",),
        number=200,
    ),
    Case(
        name="minibatch-blobs-200k",
        description=(
            "MiniBatchKMeans: the blobs-200k data; k=64, batch_size=1024, "
            "max_iter=100, n_init=1, default early stopping (max_no_improvement=10)."
        ),
        setup=blobs_problem,
        contenders=MINIBATCH_CONTENDERS,
        quality=clustering_quality,
        compare=("inertia",),
    ),
]
