"""LinearRegression, Ridge, Lasso and ElasticNet on Dask arrays.

Every one of these models is solved in memory from the moments of the
data (zoo.supervised.linear.Moments: the weight sum, the weighted means
and the centred Gram matrix and cross-products), so on Dask each chunk of
rows computes its own moments with the same C++ kernel
(`_core.linear_moments`), the chunks' moments are merged pairwise with
Chan, Golub & LeVeque's update, which is exact in exact arithmetic,

    W = Wa + Wb,  mean = mean_a + (mean_b - mean_a) Wb / W,
    G = Ga + Gb + (Wa Wb / W) (mean_b - mean_a)(mean_b - mean_a)^T

(likewise X^T y and y^T y with the y means), and the estimator's own
solver runs on the merged moments: the coefficients equal the in-memory
fit's to round-off. Only d x d matrices travel between workers.

What needs X itself has no Dask path: LinearRegression's "qr" and "svd"
solvers (Cholesky on the merged normal equations instead, and for
rank-deficient data the minimum-norm solution from their
eigendecomposition), Ridge's SVD fallback (a clear error instead), and
coordinate descent along the columns (ElasticNet and Lasso always descend
on the Gram matrix here, whatever ``precompute`` says).

Extreme magnitudes: like the in-memory fit (`_solve_in_range`), each chunk
divides y and the weights by powers of four that bring them near 1, and
X too when its squares could overflow, so every rounding is the one the
original values would have had. Chunks may pick different powers; the
merge brings both to the larger (multiplying by powers of two: exact, bar
underflow of parts too small to matter), and the solver receives those
scales as the in-memory solver does.
"""

from __future__ import annotations

import numpy as np

from zoo._validation import (
    check_array,
    exact_scale,
    largest_sum_of_squares,
)
from zoo.dask._blocks import aligned_rows, compute, map_blocks_delayed, tree_reduce

__all__ = ["fit_linear"]

# Gram eigenvalues at most this many times d * eps times the largest are
# round-off: exactly dependent columns leave eigenvalues near eps times the
# largest (the accumulated Gram's and eigh's own errors).
ZERO_EIGENVALUE_FACTOR = 64.0


def fit_linear(estimator, X, y, sample_weight):
    """Fit a LinearRegression, Ridge, Lasso or ElasticNet to row-chunked
    Dask X (and y, sample_weight: NumPy or Dask); returns the estimator."""
    from zoo.supervised.linear import _Scales

    name = type(estimator).__name__
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    dtype = np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)
    Y = aligned_rows(y, X, "y")
    scalar_weight = None
    if sample_weight is not None and np.ndim(sample_weight) == 0 and not hasattr(sample_weight, "chunks"):
        scalar_weight = float(sample_weight)
        sample_weight = None
    weight = aligned_rows(sample_weight, X, "sample_weight")
    if weight is not None and weight.ndim != 1:
        raise ValueError(f"{name}: sample_weight must be 1-D (n_samples,); got shape {weight.shape}")
    partials = map_blocks_delayed(
        _chunk_moments, X, Y, weight,
        dtype=dtype, fit_intercept=bool(estimator.fit_intercept), scalar_weight=scalar_weight, owner=name,
    )
    (scales, moments), = compute(tree_reduce(partials, _merge))
    if not moments.weight_sum > 0:
        raise ValueError(f"{name}: sample_weight must contain at least one positive weight; all weights are zero.")
    if not all(np.all(np.isfinite(part)) for part in moments):
        raise ValueError(
            f"{name}: the merged moments of the data overflow float64 (values near 1e154 or beyond, or very many "
            "rows of large values); divide X or y by a constant (the coefficients scale with them)."
        )
    scales = _Scales(*scales)
    one_target = Y.ndim == 1
    estimator.n_features_in_ = X.shape[1]
    estimator.__dict__.pop("feature_names_in_", None)
    coef, intercept = _solve(estimator, moments, scales, one_target)
    coef, intercept = scales.unscale(coef, intercept)
    return estimator._set_coefficients(coef, intercept, dtype, one_target)


def _solve(estimator, moments, scales, one_target):
    """The estimator's own solver on the merged moments."""
    from zoo.supervised.linear import ElasticNet, LinearRegression, Ridge

    if getattr(estimator, "positive", False) and isinstance(estimator, (LinearRegression, Ridge)):
        return estimator._solve_positive(moments, scales)  # non-negative least squares on the moments
    # On Dask only the normal equations exist: "qr"/"svd" solve them too.
    solver = "cholesky" if getattr(estimator, "solver", None) == "cholesky" else "auto"
    if isinstance(estimator, LinearRegression):
        solved = estimator._solve_cholesky(moments, solver)
        return solved if solved is not None else _minimum_norm(estimator, moments)
    if isinstance(estimator, Ridge):
        def refuse(alpha, targets):
            raise ValueError(
                f"Ridge: the system is too ill-conditioned for the normal equations (alpha={alpha}), and its SVD "
                "route needs X in memory, which a Dask fit never gathers. Use a larger alpha, standardise the "
                "features (zoo.preprocessing.StandardScaler), or fit on X.compute() if it fits in memory."
            )

        k, d = moments.xty.shape[1], moments.gram.shape[0]
        coef = estimator._solve_alphas(moments, k, d, scales, solver, refuse)
        return coef, estimator._intercept(coef, moments.x_mean, moments.y_mean)
    if isinstance(estimator, ElasticNet):
        return estimator._solve_gram(moments, scales, one_target)
    raise TypeError(f"{type(estimator).__name__} has no Dask path")


def _minimum_norm(estimator, moments):
    """LinearRegression's minimum-norm least squares from the
    eigendecomposition of the merged Gram matrix, for rank-deficient data.

    The Gram matrix squares the data's singular values, so its eigenvalues
    below about eps times the largest are noise. The solution is faithful
    when the spectrum splits cleanly: round-off (at most
    ZERO_EIGENVALUE_FACTOR * d * eps of the largest, dropped) and a part
    whose condition Cholesky would accept (at least CHOLESKY_MIN_RCOND of
    the largest). Anything between is ill-conditioned data that only a
    factorisation of X resolves: refused. The price of working from the
    Gram matrix: a direction of the data whose singular value is below
    about 1e-7 * sqrt(d) of the largest cannot be told from an exact
    dependence and is dropped, where the in-memory "qr"/"svd" would resolve
    it down to eps.
    """
    from zoo.supervised.linear import CHOLESKY_MIN_RCOND

    eigenvalues, vectors = np.linalg.eigh(moments.gram)
    top = eigenvalues[-1] if eigenvalues.size else 0.0
    zero = ZERO_EIGENVALUE_FACTOR * eigenvalues.size * np.finfo(np.float64).eps * top
    kept = eigenvalues > zero
    if top > 0 and np.any(kept & (eigenvalues < CHOLESKY_MIN_RCOND * top)):
        smallest = eigenvalues[kept].min() / top
        raise ValueError(
            "LinearRegression: the data are too ill-conditioned for the normal equations (an eigenvalue of the "
            f"Gram matrix {smallest:.3g} times the largest, neither negligible nor well separated), and the "
            "'qr'/'svd' solvers need X in memory, which a Dask fit never gathers. Standardise the features "
            "(zoo.preprocessing.StandardScaler), use Ridge with a small alpha, or fit on X.compute() if it fits."
        )
    basis = vectors[:, kept]
    # coef^T = V_k diag(1 / lambda_k) V_k^T X^T W y
    coef = ((basis / eigenvalues[kept]) @ (basis.T @ moments.xty)).T
    estimator.solver_, estimator.rank_, estimator.n_iter_ = "eigh", int(kept.sum()), None
    return coef, estimator._intercept(coef, moments.x_mean, moments.y_mean)


# ------------------------------------------------------------ in the workers


def _chunk_moments(X, y, weight, *, dtype, fit_intercept, scalar_weight, owner):
    """(scales (x, y, weight), Moments) of one chunk of rows, in the units
    of the chunk's data divided by those scales."""
    from zoo import _core
    from zoo.supervised.linear import Moments

    X = check_array(X, name="X", dtype=dtype, estimator=owner)
    Y = check_array(y, name="y", dtype=dtype, ensure_2d=False, estimator=owner)
    Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
    n, d = X.shape
    if weight is None:
        weight = np.full(n, 1.0 if scalar_weight is None else scalar_weight, dtype=dtype)
        if not np.all(np.isfinite(weight)):
            raise ValueError(f"{owner}: sample_weight must be finite; got {scalar_weight!r}.")
    else:
        weight = check_array(weight, name="sample_weight", dtype=dtype, ensure_2d=False, estimator=owner)
    if weight.min() < 0:
        raise ValueError(f"{owner}: sample_weight must be non-negative; got a minimum of {weight.min()!r}.")
    k = Y.shape[1]
    with np.errstate(over="ignore"):
        weight_sum = float(np.sum(weight, dtype=np.float64))
    if not np.isfinite(weight_sum):
        raise ValueError(
            f"{owner}: sample_weight sums to more than the largest float64; divide the weights by a constant "
            "(only their ratios matter)."
        )
    if weight_sum == 0.0:  # nothing to add; the kernel refuses a zero weight sum
        return (1.0, 1.0, 1.0), Moments(0.0, np.zeros(d), np.zeros(k), np.zeros((d, d)), np.zeros((d, k)), np.zeros(k))
    # As ExactLinearModel._solve_in_range, per chunk.
    in_range = largest_sum_of_squares(X, weight_sum * d) <= np.finfo(np.float64).max / 16
    x_scale = 1.0 if in_range else exact_scale(X)
    y_scale, w_scale = exact_scale(Y), exact_scale(weight, centre_range=True)
    if x_scale != 1.0:
        X = X / X.dtype.type(x_scale)
    Y = np.ascontiguousarray(Y / Y.dtype.type(y_scale))
    weight = weight / weight.dtype.type(w_scale)
    x_mean, y_mean, gram, xty, yty = _core.linear_moments(X, Y, weight, fit_intercept, 1)
    moments = Moments(float(np.sum(weight, dtype=np.float64)), x_mean, y_mean, gram, xty, yty)
    return (x_scale, y_scale, w_scale), moments


def _rescaled(scales, moments, target):
    """Moments in the units of ``target`` scales (each at least ``scales``'s)."""
    from zoo.supervised.linear import Moments

    fx, fy, fw = (old / new for old, new in zip(scales, target))
    if (fx, fy, fw) == (1.0, 1.0, 1.0):
        return moments
    with np.errstate(under="ignore"):
        return Moments(
            moments.weight_sum * fw,
            moments.x_mean * fx,
            moments.y_mean * fy,
            moments.gram * fw * fx * fx,
            moments.xty * fw * fx * fy,
            moments.yty * fw * fy * fy,
        )


def _merge(a, b):
    """Chan, Golub & LeVeque's pairwise update of two chunks' moments."""
    from zoo.supervised.linear import Moments

    scales = tuple(max(sa, sb) for sa, sb in zip(a[0], b[0]))
    ma, mb = _rescaled(*a, scales), _rescaled(*b, scales)
    if mb.weight_sum == 0.0:
        return scales, ma
    if ma.weight_sum == 0.0:
        return scales, mb
    total = ma.weight_sum + mb.weight_sum
    share_b = mb.weight_sum / total
    cross = ma.weight_sum * share_b  # Wa Wb / W
    dx = mb.x_mean - ma.x_mean
    dy = mb.y_mean - ma.y_mean
    merged = Moments(
        total,
        ma.x_mean + dx * share_b,
        ma.y_mean + dy * share_b,
        ma.gram + mb.gram + cross * np.outer(dx, dx),
        ma.xty + mb.xty + cross * np.outer(dx, dy),
        ma.yty + mb.yty + cross * dy * dy,
    )
    return scales, merged

