"""Cross-validation: ``cross_validate``, ``cross_val_score``, ``learning_curve``.

Every fit runs on a fresh :func:`zoo.base.clone` of the estimator, one task
per (fold[, training size or candidate]). Tasks run on a thread pool: zoo's
C++ kernels release the GIL, so threads overlap real work without copying
the data into other processes. Results are gathered in task order, so they
do not depend on ``n_jobs``.
"""

from __future__ import annotations

import numbers
import time
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from zoo._threads import resolve_n_jobs
from zoo._validation import _short_repr
from zoo.base import BaseEstimator, clone, get_tags

from ._indexing import _check_lengths, _n_samples, _take
from ._scoring import check_scoring
from ._split import check_cv

__all__ = ["cross_validate", "cross_val_score", "learning_curve", "FitFailedWarning"]


class FitFailedWarning(RuntimeWarning):
    """An estimator failed to fit (or score) on a fold; its scores are ``error_score``."""


# --------------------------------------------------------------- helpers


def _is_classifier(estimator):
    """Whether ``estimator`` is a classifier, for zoo and scikit-learn estimators.

    zoo estimators say so in ``_estimator_type`` (no scikit-learn needed);
    scikit-learn objects (>= 1.6) answer through ``__sklearn_tags__``, which
    a Pipeline forwards from its last step.
    """
    if isinstance(estimator, BaseEstimator):
        return estimator._estimator_type == "classifier"
    tags = getattr(estimator, "__sklearn_tags__", None)
    if tags is not None:
        try:
            return tags().estimator_type == "classifier"
        except Exception:  # an object that only looks like an estimator
            pass
    return getattr(estimator, "_estimator_type", None) == "classifier"


def _is_pairwise(estimator):
    """Whether X holds pairwise kernels/distances (``kernel="precomputed"``)."""
    if isinstance(estimator, BaseEstimator):
        return bool(get_tags(estimator)["pairwise"])
    tags = getattr(estimator, "__sklearn_tags__", None)
    if tags is not None:
        try:
            return bool(tags().input_tags.pairwise)
        except Exception:  # an object that only looks like an estimator
            pass
    return False


def _take_columns(X, columns):
    if hasattr(X, "iloc"):
        return X.iloc[:, columns]
    return np.asarray(X)[:, columns]


def _check_error_score(error_score):
    if isinstance(error_score, str) and error_score == "raise":
        return error_score
    if isinstance(error_score, numbers.Number) and not isinstance(error_score, bool):
        return error_score
    raise ValueError(
        f"error_score must be 'raise' or a number (e.g. np.nan); got {_short_repr(error_score)}."
    )


def _n_workers(n_jobs, n_tasks):
    """Threads for the fold tasks. None means 1, as in scikit-learn: the
    estimators' own threads already use the cores."""
    if n_jobs is None:
        return 1
    return max(1, min(resolve_n_jobs(n_jobs), n_tasks))


def _fold_fit_params(fit_params, n_samples, train):
    """Per-sample fit parameters (sample_weight, ...) restricted to the training rows."""
    if not fit_params:
        return {}
    restricted = {}
    for key, value in fit_params.items():
        if (
            value is not None
            and not isinstance(value, (str, bytes, dict))
            and (len(getattr(value, "shape", ())) > 0 or isinstance(value, (list, tuple)))
            and _n_samples(value, key) == n_samples
        ):
            restricted[key] = _take(value, train)
        else:
            restricted[key] = value
    return restricted


def _score(scorers, estimator, X, y):
    # Without targets a scorer is called as scorer(estimator, X), as
    # scikit-learn does, so scorers written for it work here unchanged.
    args = (estimator, X) if y is None else (estimator, X, y)
    if isinstance(scorers, dict):
        return {name: scorer(*args) for name, scorer in scorers.items()}
    return scorers(*args)


def _fill(scorers, value):
    if isinstance(scorers, dict):
        return {name: value for name in scorers}
    return value


class _Task(NamedTuple):
    """One fit: a clone of ``estimator`` with ``params`` set, on ``train``, scored on ``test``."""

    estimator: object
    X: object
    y: object
    train: np.ndarray
    test: np.ndarray
    scorers: object
    fit_params: dict | None
    return_train_score: bool
    return_estimator: bool
    error_score: object
    params: dict | None = None


def _fit_and_score(task):
    """Fit one clone on the training rows and score it; the unit of parallel work.

    Returns
    -------
    dict
        ``fit_time``, ``score_time``, ``test_scores``, ``train_scores`` (or
        None), ``estimator`` (or None), ``failure`` (a traceback or None).
    """
    error_score = task.error_score
    estimator = clone(task.estimator)
    if task.params:
        estimator.set_params(**clone(task.params, safe=False))
    X_train, X_test = _take(task.X, task.train), _take(task.X, task.test)
    if _is_pairwise(estimator):
        # X is a kernel or distance matrix between samples: a fold's model
        # sees only its training columns.
        X_train, X_test = _take_columns(X_train, task.train), _take_columns(X_test, task.train)
    y_train, y_test = _take(task.y, task.train), _take(task.y, task.test)
    fit_kwargs = _fold_fit_params(task.fit_params, _n_samples(task.X, "X"), task.train)
    result = {"train_scores": None, "estimator": None, "failure": None, "score_time": 0.0}

    start = time.perf_counter()
    try:
        if task.y is None:
            estimator.fit(X_train, **fit_kwargs)
        else:
            estimator.fit(X_train, y_train, **fit_kwargs)
        if getattr(estimator, "interrupted_", False) is True:
            # A zoo network stops at the end of an epoch on Ctrl-C and keeps
            # going; here that would score a half-trained fold and run the
            # next ones. Ctrl-C stops the whole search instead.
            raise KeyboardInterrupt("Ctrl-C during a fold's fit")
        result["fit_time"] = time.perf_counter() - start
        start = time.perf_counter()
        result["test_scores"] = _score(task.scorers, estimator, X_test, y_test)
        result["score_time"] = time.perf_counter() - start
        if task.return_train_score:
            result["train_scores"] = _score(task.scorers, estimator, X_train, y_train)
    except Exception:
        if isinstance(error_score, str):  # "raise"
            raise
        # The fit or a score failed: every score of this task is error_score.
        result.setdefault("fit_time", time.perf_counter() - start)
        result["test_scores"] = _fill(task.scorers, error_score)
        if task.return_train_score:
            result["train_scores"] = _fill(task.scorers, error_score)
        result["failure"] = traceback.format_exc()
        return result
    if task.return_estimator:
        result["estimator"] = estimator
    return result


def _run(tasks, n_jobs):
    """Run ``_fit_and_score`` over ``tasks`` on up to ``n_jobs`` threads, in order."""
    n_workers = _n_workers(n_jobs, len(tasks))
    if n_workers == 1:
        return [_fit_and_score(task) for task in tasks]
    with ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="zoo-cv") as pool:
        return list(pool.map(_fit_and_score, tasks))


def _warn_failures(results, error_score):
    failures = [r["failure"] for r in results if r["failure"] is not None]
    if not failures:
        return
    if len(failures) == len(results):
        raise ValueError(
            f"All {len(results)} fits failed; the last error was:\n{failures[-1]}"
        )
    warnings.warn(
        f"{len(failures)} of {len(results)} fits failed; their scores are set to "
        f"error_score={error_score!r}. The first error was:\n{failures[0]}",
        FitFailedWarning,
        stacklevel=3,
    )


def _gather(results, key, scorers):
    """Scores of all results as an array, or a dict of arrays for several scorers."""
    if isinstance(scorers, dict):
        return {name: np.array([r[key][name] for r in results], dtype=float) for name in scorers}
    return np.array([r[key] for r in results], dtype=float)


def _check_estimator(estimator):
    if not hasattr(estimator, "fit") or isinstance(estimator, type):
        raise TypeError(
            f"estimator must be an estimator instance with a fit method, got {_short_repr(estimator)}."
        )


def _prepare(estimator, X, y, cv, groups):
    _check_lengths([X, y, groups], ["X", "y", "groups"])
    splitter = check_cv(cv, y, classifier=_is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    if not splits:
        raise ValueError(f"cv={_short_repr(cv)} produced no splits.")
    return splits


# ----------------------------------------------------------- public API


def cross_validate(
    estimator,
    X,
    y=None,
    *,
    groups=None,
    scoring=None,
    cv=5,
    n_jobs=None,
    return_train_score=False,
    return_estimator=False,
    fit_params=None,
    error_score=np.nan,
):
    """Fit and score an estimator on each cross-validation fold.

    Parameters
    ----------
    estimator : estimator
        A zoo or scikit-learn estimator (or Pipeline); each fold fits a
        :func:`~zoo.base.clone`, the original is left untouched.
    X : array-like of shape (n_samples, n_features)
        NumPy array, list, pandas DataFrame or scipy sparse matrix.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        Targets; None for unsupervised estimators.
    groups : array-like of shape (n_samples,), default=None
        Passed to the splitter (for group-aware scikit-learn splitters).
    scoring : None, str, callable, list or dict, default=None
        None: the estimator's ``score``. A name such as ``"accuracy"`` or
        ``"neg_mean_squared_error"`` (see
        :func:`~zoo.model_selection.get_scorer_names`), a callable
        ``scorer(estimator, X, y)``, or several as a list of names or a dict
        ``{result_name: name_or_callable}``.
    cv : int, splitter or iterable of (train, test) pairs, default=5
        An int ``k``: :class:`StratifiedKFold` for classifiers,
        :class:`KFold` otherwise (no shuffling). Any zoo or scikit-learn
        splitter is accepted.
    n_jobs : int or None, default=None
        Folds fitted at the same time, on threads (zoo's C++ kernels release
        the GIL). None means 1; -1 means one per core. Each clone keeps the
        estimator's own ``n_jobs`` untouched, so every fold computes exactly
        what a direct ``fit`` would and the scores are the same whatever
        ``n_jobs`` is here (and the same as scikit-learn's
        ``cross_validate``). Lowering the clones' threads automatically was
        measured and rejected: zoo's results may depend on an estimator's
        thread count in the last bits (KMeans' inertia differed by 5e-10),
        and on 2 cores neither choice was consistently faster. The estimator
        already uses every core by default, so ``n_jobs`` here pays off for
        many small fits: then set the estimator's ``n_jobs=1`` and this one
        to -1, to avoid running cores x cores threads.
    return_train_score : bool, default=False
        Also score each fit on its training rows.
    return_estimator : bool, default=False
        Also return the fitted estimator of each fold.
    fit_params : dict, default=None
        Extra ``fit`` arguments; arrays with one entry per sample (such as
        ``sample_weight``) are cut to each fold's training rows.
    error_score : "raise" or float, default=np.nan
        Score recorded for a fold whose fit or scoring fails, with a
        :class:`FitFailedWarning`; ``"raise"`` re-raises the error instead.
        If every fold fails, a ValueError is raised either way.

    Returns
    -------
    dict
        ``"fit_time"``, ``"score_time"``: ndarray of shape (n_splits,), in
        seconds. ``"test_score"`` (one scorer) or ``"test_<name>"`` (several):
        ndarray of shape (n_splits,). With ``return_train_score``,
        ``"train_score"`` / ``"train_<name>"`` likewise; with
        ``return_estimator``, ``"estimator"``: a list of fitted estimators.

    Examples
    --------
    >>> from zoo import LogisticRegression
    >>> result = cross_validate(LogisticRegression(), X, y, cv=5,
    ...                         scoring=["accuracy", "f1_macro"])  # doctest: +SKIP
    >>> result["test_accuracy"].mean()  # doctest: +SKIP
    """
    _check_estimator(estimator)
    error_score = _check_error_score(error_score)
    scorers = check_scoring(estimator, scoring)
    splits = _prepare(estimator, X, y, cv, groups)
    tasks = [
        _Task(estimator, X, y, train, test, scorers, fit_params, return_train_score,
              return_estimator, error_score)
        for train, test in splits
    ]
    results = _run(tasks, n_jobs)
    _warn_failures(results, error_score)

    output = {
        "fit_time": np.array([r["fit_time"] for r in results]),
        "score_time": np.array([r["score_time"] for r in results]),
    }
    if return_estimator:
        output["estimator"] = [r["estimator"] for r in results]
    parts = [("test", "test_scores")] + ([("train", "train_scores")] if return_train_score else [])
    for prefix, key in parts:
        scores = _gather(results, key, scorers)
        if isinstance(scores, dict):
            output.update({f"{prefix}_{name}": values for name, values in scores.items()})
        else:
            output[f"{prefix}_score"] = scores
    return output


def cross_val_score(
    estimator,
    X,
    y=None,
    *,
    groups=None,
    scoring=None,
    cv=5,
    n_jobs=None,
    fit_params=None,
    error_score=np.nan,
):
    """Test score of an estimator on each cross-validation fold.

    Parameters are those of :func:`cross_validate`, except that ``scoring``
    must name one scorer (None, a name or a callable).

    Returns
    -------
    ndarray of shape (n_splits,)
        The test score of each fold.
    """
    if isinstance(scoring, (list, tuple, set, frozenset, dict)):
        raise TypeError(
            "cross_val_score takes one scorer; use cross_validate for several."
        )
    return cross_validate(
        estimator, X, y, groups=groups, scoring=scoring, cv=cv, n_jobs=n_jobs,
        fit_params=fit_params, error_score=error_score,
    )["test_score"]


def _absolute_train_sizes(train_sizes, n_max):
    sizes = np.asarray(train_sizes)
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError(f"train_sizes must be a non-empty 1-D array, got {_short_repr(train_sizes)}.")
    if sizes.dtype.kind == "f":
        if not np.all((sizes > 0) & (sizes <= 1)):
            raise ValueError(
                "train_sizes given as fractions must lie in (0, 1]; got "
                f"{_short_repr(train_sizes)}."
            )
        absolute = np.clip(np.floor(sizes * n_max).astype(np.int64), 1, n_max)
    elif sizes.dtype.kind in "iu":
        if not np.all((sizes >= 1) & (sizes <= n_max)):
            raise ValueError(
                f"train_sizes given as counts must lie in [1, {n_max}] (the smallest "
                f"training fold); got {_short_repr(train_sizes)}."
            )
        absolute = sizes.astype(np.int64)
    else:
        raise TypeError(f"train_sizes must hold numbers, got {_short_repr(train_sizes)}.")
    unique = np.unique(absolute)
    if unique.size < absolute.size:
        warnings.warn(
            f"Some training sizes coincide once made absolute; keeping {unique.size} "
            f"distinct sizes out of {absolute.size}: {unique.tolist()}.",
            RuntimeWarning,
            stacklevel=3,
        )
    return unique


def learning_curve(
    estimator,
    X,
    y=None,
    *,
    groups=None,
    train_sizes=np.linspace(0.1, 1.0, 5),
    cv=5,
    scoring=None,
    n_jobs=None,
    shuffle=False,
    random_state=None,
    fit_params=None,
    error_score=np.nan,
):
    """Training and validation scores for growing training sets.

    For each fold and each size ``n``, a clone is fitted on the first ``n``
    of the fold's training rows and scored on them and on the fold's test
    rows: rising test scores mean more data would help (underfitting or
    variance), a large, stable gap between the two curves means overfitting.

    Parameters
    ----------
    estimator, X, y, groups, cv, scoring, n_jobs, fit_params, error_score
        As for :func:`cross_validate` (``scoring`` names one scorer).
    train_sizes : array-like of shape (n_ticks,), default=np.linspace(0.1, 1.0, 5)
        Floats in (0, 1]: fractions of the smallest training fold (rounded
        down, at least 1). Ints: absolute counts, at most that size.
        Duplicates after conversion are dropped with a warning.
    shuffle : bool, default=False
        Shuffle each fold's training rows before taking prefixes (otherwise
        the first ``n`` rows in data order are used).
    random_state : None, int, numpy.random.Generator or RandomState, default=None
        Seed of that shuffle.

    Returns
    -------
    train_sizes_abs : ndarray of shape (n_unique_ticks,)
        The training-set sizes used.
    train_scores : ndarray of shape (n_unique_ticks, n_splits)
        Scores on the rows each clone was fitted on.
    test_scores : ndarray of shape (n_unique_ticks, n_splits)
        Scores on each fold's test rows.
    """
    from zoo._validation import check_random_state  # noqa: PLC0415

    if isinstance(scoring, (list, tuple, set, frozenset, dict)):
        raise TypeError("learning_curve takes one scorer (None, a name or a callable).")
    _check_estimator(estimator)
    error_score = _check_error_score(error_score)
    scorers = check_scoring(estimator, scoring)
    splits = _prepare(estimator, X, y, cv, groups)
    sizes = _absolute_train_sizes(train_sizes, min(len(train) for train, _ in splits))
    if shuffle:
        rng = check_random_state(random_state)
        splits = [(rng.permutation(train), test) for train, test in splits]
    tasks = [
        _Task(estimator, X, y, train[:n], test, scorers, fit_params, True, False, error_score)
        for train, test in splits
        for n in sizes
    ]
    results = _run(tasks, n_jobs)
    _warn_failures(results, error_score)
    shape = (len(splits), sizes.size)
    train_scores = _gather(results, "train_scores", scorers).reshape(shape).T
    test_scores = _gather(results, "test_scores", scorers).reshape(shape).T
    return sizes, train_scores, test_scores
