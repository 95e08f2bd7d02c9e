"""LogisticRegression on a Dask array: L-BFGS on the client, the objective
and its gradient summed over the row chunks in C++ inside Dask tasks.

The in-memory fit minimises

    scale * sum_i w_i loss_i(theta) + l2/2 ||W||^2,   scale = 1 / sum_i w_i

with C++ L-BFGS (cpp/src/linear/logistic_lbfgs.cpp). The smooth part is a
sum over rows, so each chunk's share is ``_core.logistic_loss_gradient`` on
that chunk (l2 = 0 there), the shares are tree-reduced, and the client adds
the penalty. The optimiser below is a line-for-line port of the C++ one
(same memory, first step, restarts, strong Wolfe search, stopping rules),
so it walks the same path to the same optimum; only the summation order of
the loss differs (round-off). Per evaluation one map + tree-reduce runs;
only theta (k x d) goes out and (loss, gradient) comes back.

The data are checked and converted once, in the workers (X to its float
type, labels to class indices, weights times class weights), and kept
there (persisted) for the iterations: nothing large travels to the client.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from zoo import _core
from zoo._validation import check_array, check_class_labels
from zoo.dask._blocks import (
    aligned_rows,
    chunk_groups,
    compute,
    delayed,
    map_blocks_delayed,
    map_grouped,
    tree_reduce,
)
from zoo.supervised._targets import ClassTargets

__all__ = ["fit_logistic", "lbfgs"]

# The C++ solver's constants (logistic_lbfgs.cpp, logistic_line_search.cpp, logistic.hpp).
MEMORY = 10
RELATIVE_REDUCTION = 64 * np.finfo(np.float64).eps
SUFFICIENT_DECREASE = 1e-4
CURVATURE = 0.9
MAX_EVALUATIONS = 50


# -- blocks, in the workers ------------------------------------------------------------


def float_type(dtype) -> np.dtype:
    """The float type a fit computes in: float32 stays, anything else is float64."""
    return np.dtype(np.float32) if np.dtype(dtype) == np.float32 else np.dtype(np.float64)


def checked_block(block, float_dtype, name="X"):
    """One chunk of X as a finite, C-contiguous array of `dtype` (the
    in-memory fit's checks, raised from the worker that holds the chunk)."""
    return check_array(block, dtype=float_dtype, name=name)


def checked_weights(block, n_rows, dtype):
    """One chunk of sample_weight: 1-D, finite, non-negative, in `dtype`
    (ones when None). That they do not all vanish is checked on the totals."""
    if block is None:
        return np.ones(n_rows, dtype=dtype)
    weight = np.ascontiguousarray(block, dtype=dtype)
    if weight.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D; got a chunk of shape {weight.shape}")
    if not np.isfinite(weight).all():
        raise ValueError("sample_weight contains NaN or infinity")
    if (weight < 0).any():
        raise ValueError("sample_weight holds negative values; weights must be non-negative")
    return weight


def label_block(block):
    """One chunk of class labels as a 1-D array (a column vector flattens)."""
    labels = np.asarray(block)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"y must be 1-D class labels; got a chunk of shape {labels.shape}")
    check_class_labels(labels)
    return labels


def _label_totals(y_block, w_block, dtype):
    """(labels seen, row count and weight sum of each) in one chunk."""
    labels = label_block(y_block)
    weight = checked_weights(w_block, labels.shape[0], dtype)
    values, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse.ravel(), weights=weight.astype(np.float64), minlength=values.shape[0])
    return values, counts.astype(np.int64), sums


def _merge_label_totals(a, b):
    values = np.union1d(a[0], b[0])
    counts = np.zeros(values.shape[0], dtype=np.int64)
    sums = np.zeros(values.shape[0])
    for part_values, part_counts, part_sums in (a, b):
        where = np.searchsorted(values, part_values)
        counts[where] += part_counts
        sums[where] += part_sums
    return values, counts, sums


def _prepared_chunk(x_block, y_block, w_block, float_dtype, targets, per_class):
    """(X, class indices, weights times class weights) of one chunk, checked."""
    labels = targets.encode(label_block(y_block), dtype=np.int32)[:, 0]
    weight = checked_weights(w_block, labels.shape[0], float_dtype)
    if per_class is not None:
        weight = np.ascontiguousarray(weight * per_class[labels].astype(float_dtype))
    return checked_block(x_block, float_dtype), labels, weight


def _chunk_loss_gradient(X_block, labels, weight, theta, n_classes, fit_intercept, scale):
    # l2 = 0: the penalty is added once, on the client. One thread: Dask runs the chunks in parallel.
    value, gradient = _core.logistic_loss_gradient(X_block, labels, weight, theta, n_classes, fit_intercept,
                                                   scale, 0.0, 1)
    return value, gradient


def _add(a, b):
    return a[0] + b[0], a[1] + b[1]


# -- the fit, on the client ---------------------------------------------------------------


def class_totals(y, weight, dtype):
    """The sorted classes of a Dask y with each one's row count and weight
    sum, reduced over the chunks (no chunk leaves its worker)."""
    partials = map_blocks_delayed(_label_totals, y, weight, dtype=dtype)
    (totals,) = compute(tree_reduce(partials, _merge_label_totals))
    return totals


def persisted(*collections):
    """The collections computed and kept where they are (a distributed
    Client: in the workers' memory; else in this process), so that
    iterations read them instead of recomputing their graphs."""
    import dask

    return dask.persist(*collections)


def fit_logistic(estimator, X, y, sample_weight):
    """LogisticRegression.fit on a row-chunked Dask array X (see the module docstring)."""
    solver = estimator._resolved_solver()
    if solver != "lbfgs":
        raise ValueError(
            f"LogisticRegression on a Dask array trains with L-BFGS, for penalty 'l2' or None; got "
            f"solver={estimator.solver!r}, penalty={estimator.penalty!r}. Use solver='auto' or 'lbfgs' with "
            "penalty='l2' or None, or fit the data in memory (X.compute()) for the other solvers."
        )
    dtype = float_type(X.dtype)
    if y is None:
        raise ValueError("LogisticRegression requires y to be passed, but the target y is None")
    y = aligned_rows(y, X, "y")
    weight = aligned_rows(sample_weight, X, "sample_weight")
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise ValueError(f"LogisticRegression needs 1-D class labels y; got a 2-D y of shape {y.shape}")
        y = y[:, 0]

    values, counts, weight_sums = class_totals(y, weight, dtype)
    targets = ClassTargets.from_fit(values)
    classes = targets.classes
    n_classes = classes.shape[0]
    per_class = _class_weights(estimator, targets, counts)
    folded = weight_sums if per_class is None else weight_sums * per_class
    total = float(folded.sum())
    if not total > 0:
        raise ValueError("the sample weights (times class_weight) sum to zero; nothing to fit")

    n_features = X.shape[1]
    l2, _ = estimator._penalty_strengths(total)
    previous = estimator._previous_theta(classes, n_features)

    # Checked and converted once, where the chunks are, and kept there for
    # the iterations: one persisted (X, labels, weights) per chunk, so the
    # three live on the same worker and a loss evaluation moves none of them.
    prepare = delayed(_prepared_chunk)
    weight_blocks = weight.to_delayed().ravel() if weight is not None else [None] * len(X.chunks[0])
    prepared = list(persisted(*[
        prepare(xb, yb, wb, float_dtype=dtype, targets=targets, per_class=per_class)
        for xb, yb, wb in zip(X.to_delayed().ravel(), y.to_delayed().ravel(), weight_blocks)
    ]))
    # One task per worker for each of the many loss evaluations.
    groups = chunk_groups(prepared)

    estimator.classes_ = classes
    estimator.n_features_in_ = n_features
    vars(estimator).pop("feature_names_in_", None)

    rows = 1 if n_classes == 2 else n_classes
    columns = n_features + (1 if estimator.fit_intercept else 0)
    theta = previous if previous is not None else np.zeros((rows, columns))
    fit_intercept = bool(estimator.fit_intercept)

    def objective(flat):
        theta_now = flat.reshape(rows, columns)
        partials = map_grouped(_chunk_loss_gradient, _add, groups, prepared, theta=theta_now,
                               n_classes=n_classes, fit_intercept=fit_intercept, scale=1.0 / total)
        ((value, gradient),) = compute(tree_reduce(partials, _add))
        gradient = np.array(gradient, dtype=np.float64).reshape(rows, columns)
        coef = theta_now[:, :n_features]
        value = float(value) + 0.5 * l2 * float(np.dot(coef.ravel(), coef.ravel()))
        gradient[:, :n_features] += l2 * coef
        return value, gradient.ravel()

    x, n_iter, status = lbfgs(objective, theta.ravel().copy(), int(estimator.max_iter), float(estimator.tol))
    from zoo.supervised.logistic import warn_unless_converged  # noqa: PLC0415 - logistic imports this module's caller

    warn_unless_converged(estimator, "lbfgs", status, n_iter, stacklevel=4)
    estimator._set_theta(x.reshape(rows, columns), n_features, dtype)
    estimator.n_iter_ = np.array([n_iter], dtype=np.int32)
    return estimator


def _class_weights(estimator, targets, counts):
    """Each class's weight under `class_weight` (None: all ones), as the
    in-memory fit folds them, with "balanced" from the reduced counts."""
    class_weight = estimator.class_weight
    if class_weight is None:
        return None
    if isinstance(class_weight, str):  # "balanced": n / (n_classes * count)
        counts = counts.astype(np.float64)
        return np.where(counts > 0, counts.sum() / (targets.n_outputs * np.maximum(counts, 1)), 0.0)
    known = set(targets.classes.tolist())
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(f"class_weight names classes not in y: {unknown}")
    per_class = np.array([float(class_weight.get(c, 1.0)) for c in targets.classes.tolist()])
    if (per_class < 0).any() or not np.isfinite(per_class).all():
        raise ValueError("class_weight values must be finite and non-negative")
    return per_class


# -- L-BFGS, a port of the C++ solver ------------------------------------------------------


def lbfgs(objective, x, max_iter, tol):
    """Minimise `objective(x) -> (f, g)` from x by L-BFGS with a strong Wolfe
    line search, exactly as zoo's C++ solver does (Nocedal & Wright 2006,
    Algorithms 7.5, 3.5 and 3.6): 10 correction pairs, H0 = s'y / y'y from
    the newest pair, a unit-length first step without curvature, a restart
    along steepest descent when the direction or the search fails; stops
    when max|g| <= tol or f's relative reduction falls below 64 eps.

    Returns (x, n_iter, status) with status "converged", "max_iter" or
    "line_search_failed".
    """
    f, g = objective(x)
    pairs: deque = deque()
    n_iter = 0
    status = "max_iter"
    while True:
        if np.max(np.abs(g)) <= tol:
            status = "converged"
            break
        if n_iter >= max_iter:
            break
        direction = _two_loop(pairs, g)
        first_step = min(1.0, 1.0 / math.sqrt(float(np.dot(g, g)))) if not pairs else 1.0
        if not float(np.dot(g, direction)) < 0:  # lost positive definiteness: steepest descent
            pairs.clear()
            direction = -g
            first_step = min(1.0, 1.0 / math.sqrt(float(np.dot(g, g))))
        x_old, g_old, f_old = x, g, f
        moved, x, f, g = _wolfe_line_search(objective, x, f, g, direction, first_step)
        if not moved and pairs:  # retry once along steepest descent
            pairs.clear()
            direction = -g
            moved, x, f, g = _wolfe_line_search(objective, x, f, g, direction,
                                                min(1.0, 1.0 / math.sqrt(float(np.dot(g, g)))))
        if not moved:
            status = "line_search_failed"
            break
        n_iter += 1
        s, y = x - x_old, g - g_old
        sy = float(np.dot(s, y))
        if sy > np.finfo(np.float64).eps * float(np.dot(y, y)):
            if len(pairs) == MEMORY:
                pairs.popleft()
            pairs.append((s, y, 1.0 / sy))
        if f_old - f <= RELATIVE_REDUCTION * max(abs(f_old), abs(f), 1.0):
            status = "converged"
            break
    return x, n_iter, status


def _two_loop(pairs, g):
    """-H g by the two-loop recursion."""
    d = g.copy()
    alpha = [0.0] * len(pairs)
    for i in range(len(pairs) - 1, -1, -1):
        s, y, rho = pairs[i]
        alpha[i] = rho * float(np.dot(s, d))
        d -= alpha[i] * y
    if pairs:
        _, y, rho = pairs[-1]
        d *= 1.0 / (rho * float(np.dot(y, y)))
    for i, (s, y, rho) in enumerate(pairs):
        beta = rho * float(np.dot(y, d))
        d += (alpha[i] - beta) * s
    return -d


def _interpolate(a, b):
    """Minimiser of the cubic through two trials (step, value, slope), kept
    10% of the interval from its ends; bisection without one."""
    low, high = min(a[0], b[0]), max(a[0], b[0])
    margin = 0.1 * (high - low)
    d1 = a[2] + b[2] - 3.0 * (a[1] - b[1]) / (a[0] - b[0])
    radicand = d1 * d1 - a[2] * b[2]
    step = 0.5 * (low + high)
    if radicand >= 0 and math.isfinite(radicand):
        d2 = math.copysign(math.sqrt(radicand), b[0] - a[0])
        denominator = b[2] - a[2] + 2.0 * d2
        if denominator != 0:
            candidate = b[0] - (b[0] - a[0]) * (b[2] + d2 - d1) / denominator
            if math.isfinite(candidate):
                step = candidate
    return min(max(step, low + margin), high - margin)


def _wolfe_line_search(objective, x, f, g, direction, first_step):
    """Returns (moved, x, f, g): the accepted point, or the old one."""
    slope0 = float(np.dot(g, direction))
    if not slope0 < 0:
        return False, x, f, g
    evaluated = {}

    def evaluate(step):
        trial_x = x + step * direction
        value, gradient = objective(trial_x)
        if not math.isfinite(value):
            value = math.inf
        evaluated[step] = (trial_x, value, gradient)
        return (step, value, float(np.dot(gradient, direction)))

    def accept(trial):
        trial_x, value, gradient = evaluated[trial[0]]
        return True, trial_x, value, gradient

    def sufficient(t):
        return t[1] <= f + SUFFICIENT_DECREASE * t[0] * slope0

    def flat(t):
        return abs(t[2]) <= -CURVATURE * slope0

    evaluations = 0

    def zoom(low, high):
        nonlocal evaluations
        while evaluations < MAX_EVALUATIONS:
            step = _interpolate(low, high)
            if not abs(high[0] - low[0]) > 1e-16 * max(1.0, abs(low[0])):
                return False, x, f, g
            t = evaluate(step)
            evaluations += 1
            if not sufficient(t) or t[1] >= low[1]:
                high = t
            else:
                if flat(t):
                    return accept(t)
                if t[2] * (high[0] - low[0]) >= 0:
                    high = low
                low = t
        return False, x, f, g

    previous = (0.0, f, slope0)
    step = first_step
    while evaluations < MAX_EVALUATIONS:
        t = evaluate(step)
        evaluations += 1
        if not sufficient(t) or (evaluations > 1 and t[1] >= previous[1]):
            return zoom(previous, t)
        if flat(t):
            return accept(t)
        if t[2] >= 0:
            return zoom(t, previous)
        previous = t
        step *= 2.0
    return False, x, f, g
