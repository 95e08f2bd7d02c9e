"""Text classification on a sparse bag-of-words matrix: the estimators that
take SciPy sparse X, against scikit-learn on the same matrix.

The data are generated: 100,000 documents × 50,000 terms at 0.1% density
(50 stored counts per document, terms drawn with Zipf-like frequencies, counts
1 to 3), with a label set by a sparse linear rule plus noise. Only `fit` is
timed; quality is the accuracy on 20,000 further documents and the primal
objective both libraries minimise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zoo.supervised.svm import LinearSVC

from .harness import Case, installed, optional_module

sklearn_svm = optional_module("sklearn.svm")
scipy_sparse = optional_module("scipy.sparse")
LIBRARIES = {"scikit-learn": sklearn_svm}

DATA_SEED = 0


@dataclass(frozen=True)
class Problem:
    X: object  # scipy.sparse.csr_matrix
    y: np.ndarray
    X_test: object
    y_test: np.ndarray
    C: float = 0.01  # strong regularisation, as for text (a few hundred thousand weights)


def bag_of_words(n_documents, n_terms, terms_per_document, rng):
    """CSR counts: each document's terms drawn with probability ~ 1 / rank."""
    frequency = 1.0 / np.arange(1, n_terms + 1)
    frequency /= frequency.sum()
    columns = rng.choice(n_terms, size=(n_documents, terms_per_document), p=frequency)
    rows = np.repeat(np.arange(n_documents), terms_per_document)
    counts = rng.integers(1, 4, size=rows.size).astype(np.float64)
    X = scipy_sparse.csr_matrix((counts, (rows, columns.ravel())), shape=(n_documents, n_terms))
    X.sum_duplicates()  # a term drawn twice in one document counts twice
    return X


@lru_cache(maxsize=2)
def text_problem(quick: bool) -> Problem:
    if scipy_sparse is None:
        raise RuntimeError("the text benchmark builds its matrix with scipy.sparse")
    n_train, n_test, n_terms = (4_000, 1_000, 5_000) if quick else (100_000, 20_000, 50_000)
    rng = np.random.default_rng(DATA_SEED)
    X = bag_of_words(n_train + n_test, n_terms, 50, rng)
    weights = rng.normal(size=n_terms) * (rng.random(n_terms) < 0.2)  # a fifth of the terms carry the label
    score = np.log1p(X) @ weights
    y = (score + 0.5 * score.std() * rng.normal(size=score.size) > np.median(score)).astype(np.int64)
    return Problem(X[:n_train], y[:n_train], X[n_train:], y[n_train:])


def zoo_linear_svc(p: Problem, threads: int, seed: int):
    # dual="auto" takes the dual for sparse X: coordinate descent over the stored counts.
    return LinearSVC(C=p.C, random_state=seed, n_jobs=threads).fit(p.X, p.y)


def sklearn_linear_svc(p: Problem, threads: int, seed: int):
    # dual="auto" picks liblinear's primal trust-region Newton here (more
    # documents than terms), its faster route on this matrix.
    return sklearn_svm.LinearSVC(C=p.C, random_state=seed).fit(p.X, p.y)


def linear_svc_quality(p: Problem, model) -> dict:
    """Test accuracy and the primal objective 1/2 |[w, b]|^2 + C sum
    max(0, 1 - y f(x))^2 (intercept_scaling 1) on the training rows."""
    y_signed = np.where(p.y == model.classes_[1], 1.0, -1.0)
    w = np.asarray(model.coef_, dtype=np.float64).ravel()
    b = float(np.ravel(model.intercept_)[0])
    margin = np.maximum(0.0, 1.0 - y_signed * (p.X @ w + b))
    objective = 0.5 * (w @ w + b * b) + p.C * float(margin @ margin)
    accuracy = float(np.mean(model.predict(p.X_test) == p.y_test))
    return {"accuracy": accuracy, "objective": objective}


CASES = [
    Case(
        name="text-linear-svc-100k-50k",
        description=(
            "LinearSVC, squared hinge, C=0.01, tol=1e-4, on a sparse bag-of-words CSR matrix: 100,000 "
            "documents × 50,000 terms, 50 counts per document (0.1% density, Zipf-like term "
            "frequencies, seed 0); labels from a linear rule on log(1 + count) over a fifth of the "
            "terms, plus noise. zoo: dual coordinate descent over the stored entries (never densified); "
            "scikit-learn: dual='auto', which is liblinear's primal trust-region Newton here (more "
            "documents than terms). Accuracy on 20,000 further documents."
        ),
        setup=text_problem,
        contenders=installed(LIBRARIES, {"zoo": zoo_linear_svc, "scikit-learn": sklearn_linear_svc}),
        quality=linear_svc_quality,
        compare=("accuracy", "objective"),
    ),
]
