"""PCA: zoo.PCA and zoo.IncrementalPCA against scikit-learn, and zoo.PCA's
exact routes against scikit-learn-intelex (oneDAL) too.

Data: a low-rank-plus-noise float32 matrix with a geometrically decaying
spectrum, so that the leading components are well separated and every
solver's components can be compared with one exact float64 answer, computed
once (untimed) from the float64 covariance. Components are compared after
putting each library's rows under one sign rule (largest |loading| positive;
zoo and scikit-learn >= 1.5 both already use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.unsupervised.pca import PCA, IncrementalPCA

from .harness import Case, installed, optional_module
from .peers import sklearnex_class, sklearnex_threads

sklearn_decomposition = optional_module("sklearn.decomposition")
LIBRARIES = {"scikit-learn": sklearn_decomposition}

DATA_SEED = 0


@dataclass(frozen=True)
class Problem:
    X: np.ndarray
    k: int
    exact_components: np.ndarray  # float64, k x d, signs normalised
    exact_variances: np.ndarray  # float64, k
    batch_size: int | None = None


@dataclass(frozen=True)
class Fit:
    components: np.ndarray
    explained_variance: np.ndarray


def signed(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    picks = rows[np.arange(len(rows)), np.argmax(np.abs(rows), axis=1)]
    return rows * np.sign(picks)[:, None]


def pca_quality(problem: Problem, result: Fit) -> dict:
    return {
        "max |component - exact|": float(np.abs(signed(result.components) - problem.exact_components).max()),
        "explained variance (sum)": float(np.sum(result.explained_variance, dtype=np.float64)),
    }


# ----------------------------------------------------------------- data


def low_rank_plus_noise(n, d, rank, seed):
    """Latent scores with standard deviations 10 * 0.85^j (j < rank) on a
    random orthonormal basis, isotropic noise of 0.05 and a per-feature
    offset; float32. Adjacent variances differ by a factor 0.72, so the
    first 32 components are well separated from each other and from the
    rest."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((d, rank)))[0]
    scores = rng.standard_normal((n, rank), dtype=np.float32) * (10.0 * 0.85 ** np.arange(rank)).astype(np.float32)
    X = scores @ basis.T.astype(np.float32)
    X += 0.05 * rng.standard_normal((n, d), dtype=np.float32)
    X += rng.uniform(-5, 5, d).astype(np.float32)
    return X


def exact_pca(X, k):
    X64 = X.astype(np.float64)
    X64 -= X64.mean(axis=0)
    variances, vectors = np.linalg.eigh(X64.T @ X64 / (len(X) - 1))
    order = np.argsort(variances)[::-1][:k]
    return signed(vectors[:, order].T), variances[order]


@lru_cache(maxsize=2)
def tall_problem(quick: bool) -> Problem:
    n, d, rank, k = (2_000, 64, 24, 8) if quick else (100_000, 256, 64, 32)
    X = low_rank_plus_noise(n, d, rank, DATA_SEED)
    components, variances = exact_pca(X, k)
    return Problem(X, k, components, variances)


def incremental_problem(quick: bool) -> Problem:
    base = tall_problem(quick)
    return Problem(base.X, base.k, base.exact_components, base.exact_variances, batch_size=500 if quick else 10_000)


@lru_cache(maxsize=2)
def wide_problem(quick: bool) -> Problem:
    n, d, rank, k = (500, 300, 40, 10) if quick else (20_000, 2_000, 100, 50)
    X = low_rank_plus_noise(n, d, rank, DATA_SEED + 1)
    components, variances = exact_pca(X, k)
    return Problem(X, k, components, variances)


# ---------------------------------------------------------- contenders


def _fit_of(model) -> Fit:
    return Fit(model.components_, model.explained_variance_)


def zoo_pca(solver):
    def run(p: Problem, threads: int, seed: int) -> Fit:
        return _fit_of(PCA(p.k, svd_solver=solver, random_state=seed, n_jobs=threads).fit(p.X))

    return run


def sklearn_pca(solver):
    # scikit-learn has no n_jobs here; the harness caps its BLAS pool.
    def run(p: Problem, threads: int, seed: int) -> Fit:
        return _fit_of(sklearn_decomposition.PCA(p.k, svd_solver=solver, random_state=seed).fit(p.X))

    return run


def sklearnex_pca(solver):
    # oneDAL accelerates the exact routes only: "covariance_eigh" (its
    # covariance method) and "full" (its SVD method); "randomized" would fall
    # back to scikit-learn. Its TBB threads are set apart from threadpoolctl's.
    def run(p: Problem, threads: int, seed: int) -> Fit:
        sklearnex_threads(threads)
        return _fit_of(sklearnex_class("decomposition", "PCA")(p.k, svd_solver=solver).fit(p.X))

    return run


def _with_sklearnex(contenders: dict, solver: str) -> dict:
    """``contenders`` plus scikit-learn-intelex's PCA with ``solver``, when installed."""
    if sklearnex_class("decomposition", "PCA") is None:
        return contenders
    return {**contenders, "scikit-learn-intelex": sklearnex_pca(solver)}


def zoo_incremental(p: Problem, threads: int, seed: int) -> Fit:
    return _fit_of(IncrementalPCA(p.k, batch_size=p.batch_size, n_jobs=threads).fit(p.X))


def sklearn_incremental(p: Problem, threads: int, seed: int) -> Fit:
    return _fit_of(sklearn_decomposition.IncrementalPCA(p.k, batch_size=p.batch_size).fit(p.X))


CASES = [
    Case(
        name="pca-100k-256-k32",
        description=(
            "PCA: 100,000 × 256 float32, rank-64 signal with standard deviations "
            "10 · 0.85^j on a random orthonormal basis, isotropic noise 0.05, per-feature "
            "offsets in [-5, 5] (seed 0); 32 components. zoo: svd_solver='auto' "
            "('covariance_eigh' here: blocked float32 SYRK accumulated in float64, syevr "
            "for the top 32). scikit-learn: its default ('auto', which is "
            "'covariance_eigh' for this shape since 1.5), 'randomized' and 'full'. "
            "scikit-learn-intelex: its default, 'auto' ('covariance_eigh': oneDAL's covariance "
            "method, several times faster than its 'full' SVD method here). Quality: "
            "the largest deviation of any component from the float64 answer (covariance "
            "eigenvectors computed untimed), and the sum of the explained variances."
        ),
        setup=tall_problem,
        contenders=_with_sklearnex(
            installed(
                LIBRARIES,
                {
                    "zoo": zoo_pca("auto"),
                    "scikit-learn (default)": sklearn_pca("auto"),
                    "scikit-learn (randomized)": sklearn_pca("randomized"),
                    "scikit-learn (full)": sklearn_pca("full"),
                },
            ),
            "auto",
        ),
        quality=pca_quality,
        compare=("explained variance (sum)",),
    ),
    Case(
        name="pca-full-100k-256-k32",
        description=(
            "PCA, exact SVD route in every library (svd_solver='full'): the "
            "pca-100k-256-k32 data and 32 components. zoo: a threaded tall-skinny QR of "
            "the centred data, then gesdd on the 256 x 256 triangle; scikit-learn: "
            "scipy.linalg.svd (gesdd) of the centred data; scikit-learn-intelex: oneDAL's SVD method."
        ),
        setup=tall_problem,
        contenders=_with_sklearnex(
            installed(LIBRARIES, {"zoo": zoo_pca("full"), "scikit-learn": sklearn_pca("full")}), "full"
        ),
        quality=pca_quality,
        compare=("explained variance (sum)",),
    ),
    Case(
        name="pca-randomized-20k-2000-k50",
        description=(
            "PCA, randomized solver in both libraries: 20,000 × 2,000 float32, rank-100 "
            "signal with standard deviations 10 · 0.85^j plus noise 0.05 (seed 1); 50 "
            "components, n_oversamples=10, iterated_power='auto' (7), normalizer 'auto' (LU); "
            "each timed run uses another seed, the same for both libraries."
        ),
        setup=wide_problem,
        contenders=installed(LIBRARIES, {"zoo": zoo_pca("randomized"), "scikit-learn": sklearn_pca("randomized")}),
        quality=pca_quality,
        compare=("explained variance (sum)",),
    ),
    Case(
        name="incremental-pca-100k-256-k32",
        description=(
            "IncrementalPCA: the pca-100k-256-k32 data in batches of 10,000 rows, 32 "
            "components; each batch folded in by an SVD of the stacked kept components, "
            "centred batch and mean-correction row (Ross et al. 2008) in both libraries."
        ),
        setup=incremental_problem,
        contenders=installed(LIBRARIES, {"zoo": zoo_incremental, "scikit-learn": sklearn_incremental}),
        quality=pca_quality,
        compare=("explained variance (sum)",),
    ),
]
