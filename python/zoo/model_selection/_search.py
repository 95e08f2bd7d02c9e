"""Exhaustive search over parameter grids: ``ParameterGrid``, ``GridSearchCV``, ``grid_search``."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from numbers import Integral, Real

import numpy as np

from zoo._validation import _short_repr, check_is_fitted
from zoo._fitted_state import Array, DictOf, Either, ListOf, optional
from zoo._param_validation import Options, Predicate
from zoo.base import BaseEstimator, Interval, clone

from ._cross_validation import (
    _check_error_score,
    _check_estimator,
    _is_classifier,
    _prepare,
    _run,
    _Task,
    _warn_failures,
)
from ._scoring import _passthrough_score, check_scoring

__all__ = ["ParameterGrid", "GridSearchCV", "grid_search"]


class ParameterGrid:
    """Every combination of the listed parameter values.

    Parameters
    ----------
    param_grid : dict of str to sequence, or list of such dicts
        Each dict spans the product of its value lists; a list of dicts is
        the union of their grids (to avoid meaningless combinations). Keys
        may reach into nested estimators (``"step__param"``).

    Notes
    -----
    Within a dict, keys are taken in sorted order and the last one varies
    fastest, which is scikit-learn's order, so ``cv_results_`` rows line up
    with its ``GridSearchCV``.

    Examples
    --------
    >>> list(ParameterGrid({"alpha": [0.1, 1.0], "fit_intercept": [True]}))
    [{'alpha': 0.1, 'fit_intercept': True}, {'alpha': 1.0, 'fit_intercept': True}]
    """

    def __init__(self, param_grid):
        grids = [param_grid] if isinstance(param_grid, Mapping) else param_grid
        if not isinstance(grids, Sequence) or isinstance(grids, str):
            raise TypeError(
                "param_grid must be a dict or a list of dicts; got "
                f"{_short_repr(param_grid)}."
            )
        for grid in grids:
            if not isinstance(grid, Mapping):
                raise TypeError(f"param_grid must hold dicts; got {_short_repr(grid)}.")
            for key, values in grid.items():
                if not isinstance(key, str):
                    raise TypeError(f"param_grid keys must be parameter names; got {key!r}.")
                if isinstance(values, (str, bytes)) or not (
                    isinstance(values, (Sequence, np.ndarray))
                ):
                    raise TypeError(
                        f"param_grid[{key!r}] must be a list of values to try; got "
                        f"{_short_repr(values)} (wrap a single value in a list)."
                    )
                if len(values) == 0:
                    raise ValueError(f"param_grid[{key!r}] is empty; give at least one value.")
        self.param_grid = [dict(grid) for grid in grids]

    def __iter__(self):
        for grid in self.param_grid:
            keys = sorted(grid)
            for values in itertools.product(*(grid[key] for key in keys)):
                yield dict(zip(keys, values))

    def __len__(self):
        return sum(int(np.prod([len(v) for v in grid.values()])) for grid in self.param_grid)

    def __getitem__(self, index):
        return list(self)[index]


def _param_columns(candidates):
    """``param_<name>`` columns: masked where a candidate does not set ``name``."""
    columns = {}
    for name in sorted({name for params in candidates for name in params}):
        column = np.ma.masked_all(len(candidates), dtype=object)
        for row, params in enumerate(candidates):
            if name in params:
                column[row] = params[name]
        columns[f"param_{name}"] = column
    return columns


def _rank(scores):
    """Rank 1 for the highest score; ties share the lowest rank; NaN ranks last."""
    scores = np.asarray(scores, dtype=float)
    finite = np.where(np.isnan(scores), -np.inf, scores)
    higher = (finite[None, :] > finite[:, None]).sum(axis=1)
    ranks = higher + 1
    nan = np.isnan(scores)
    ranks[nan] = (~nan).sum() + 1
    return ranks.astype(np.int32)


class GridSearchCV(BaseEstimator):
    """Cross-validated search over a parameter grid, refitting the best on all data.

    Parameters
    ----------
    estimator : estimator
        A zoo or scikit-learn estimator or Pipeline; candidates are clones
        with parameters set through ``set_params`` (so ``"step__param"``
        works).
    param_grid : dict or list of dicts
        Parameter names mapped to lists of values (see :class:`ParameterGrid`).
    scoring : None, str, callable, list or dict, default=None
        As for :func:`~zoo.model_selection.cross_validate`. With several
        scorers, ``refit`` names the one that picks the best candidate.
    n_jobs : int or None, default=None
        Fits run at the same time (candidates x folds share one thread
        pool); None means 1. See :func:`~zoo.model_selection.cross_validate`
        for how a zoo estimator's own threads are shared.
    refit : bool or str, default=True
        Refit the best candidate on the whole data as ``best_estimator_``.
        With several scorers, the name of the scorer that decides (or False).
    cv : int, splitter or iterable of (train, test) pairs, default=5
        As for :func:`~zoo.model_selection.cross_validate`.
    return_train_score : bool, default=False
        Also record training scores in ``cv_results_``.
    error_score : "raise" or float, default=np.nan
        Score of a failed fit (with a warning), or "raise".

    Attributes
    ----------
    cv_results_ : dict of ndarray
        scikit-learn's keys: ``params``, ``param_<name>`` (masked arrays),
        ``split<i>_test_<score>``, ``mean_test_<score>``, ``std_test_<score>``,
        ``rank_test_<score>`` (``<score>`` is ``score`` for one scorer), the
        ``train`` counterparts with ``return_train_score``, and
        ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time``.
    best_index_ : int
        Row of the best candidate (the first of equals).
    best_params_ : dict
    best_score_ : float
        Its mean test score.
    best_estimator_ : estimator
        Refitted on all of ``X`` (only when ``refit``).
    refit_time_ : float
        Seconds spent on that refit.
    scorer_ : callable or dict
    n_splits_ : int
    multimetric_ : bool

    Examples
    --------
    >>> from zoo import Ridge
    >>> search = GridSearchCV(Ridge(), {"alpha": [0.1, 1.0, 10.0]}, cv=5).fit(X, y)  # doctest: +SKIP
    >>> search.best_params_, search.best_score_  # doctest: +SKIP
    """

    _parameter_aliases = {
        "pre_dispatch": "the fits run n_jobs=... at a time from one thread pool; there is nothing to "
                        "pre-dispatch",
    }
    _parameter_constraints = {
        "estimator": ["no_validation"],  # anything with fit: checked by _check_estimator
        "param_grid": ["no_validation"],  # checked by ParameterGrid, whose messages name it
        "scoring": [None, str, callable, list, tuple, dict],
        "n_jobs": [None, Integral],
        "refit": ["boolean", str],
        "cv": [
            None,
            Interval(Integral, 2, None, closed="left"),
            Predicate(lambda cv: hasattr(cv, "split") and hasattr(cv, "get_n_splits"), "a splitter"),
            Predicate(lambda cv: hasattr(cv, "__iter__") and not isinstance(cv, (str, dict)),
                      "an iterable of (train, test) index pairs"),
        ],
        "return_train_score": ["boolean"],
        # NaN (the default) marks a failed fit's score, so this is not an Interval.
        "error_score": [Options({"raise"}), Predicate(lambda score: isinstance(score, Real) and not isinstance(
            score, (bool, np.bool_)), "a number (e.g. np.nan)")],
    }

    # What save stores (the scorers and the param_<name> columns are rebuilt
    # on load); the best candidate only with refit. A saved best_estimator_
    # is checked against its own class's declaration.
    _fitted_state = {
        "multimetric_": ["boolean"],
        "n_splits_": [Interval(Integral, 1, None)],
        # Columns of one value per candidate; "params" holds the candidates.
        "cv_results_": DictOf(Either(Array(("n_candidates",), "biuf"), ListOf([dict], "n_candidates"))),
        "best_index_": optional([Interval(Integral, 0, None)]),
        "best_params_": optional([dict]),
        "best_score_": optional([Real]),
        "refit_time_": optional([Real]),
        "best_estimator_": optional([BaseEstimator]),
    }

    def __init__(
        self,
        estimator,
        param_grid,
        *,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=5,
        return_train_score=False,
        error_score=np.nan,
    ):
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.return_train_score = return_train_score
        self.error_score = error_score

    @property
    def _estimator_type(self):
        # A search over a classifier is a classifier (stratified folds, ...).
        if _is_classifier(self.estimator):
            return "classifier"
        return getattr(self.estimator, "_estimator_type", None)

    def __sklearn_tags__(self):
        tags = self.estimator.__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def _refit_off(self):
        # np.False_ (from a NumPy grid or config) means False too.
        return isinstance(self.refit, (bool, np.bool_)) and not self.refit

    def _refit_name(self, scorers):
        if not isinstance(scorers, dict):
            if not isinstance(self.refit, (bool, np.bool_)):
                raise ValueError(
                    f"refit must be True or False with one scorer; got {_short_repr(self.refit)}."
                )
            return "score"
        if self._refit_off():
            return None
        if not isinstance(self.refit, str) or self.refit not in scorers:
            raise ValueError(
                "With several scorers refit must name the one that picks the best "
                f"candidate ({sorted(scorers)}) or be False; got {_short_repr(self.refit)}."
            )
        return self.refit

    def fit(self, X, y=None, **fit_params):
        """Score every candidate on every fold, then refit the best.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        **fit_params
            Passed to each ``fit``; per-sample arrays are cut to the fold.

        Returns
        -------
        self
        """
        self._validate_params()
        _check_estimator(self.estimator)
        error_score = _check_error_score(self.error_score)
        # A refit with other settings (refit=False, ...) must not keep the
        # previous fit's best candidate or model.
        for name in ("best_index_", "best_params_", "best_score_", "best_estimator_",
                     "refit_time_", "n_features_in_"):
            self.__dict__.pop(name, None)
        candidates = list(ParameterGrid(self.param_grid))
        if not candidates:
            raise ValueError("param_grid holds no candidates; give at least one dict of parameter lists.")
        probe = clone(self.estimator)
        for params in candidates:
            probe.set_params(**params)  # unknown names fail here, before any fit
        scorers = check_scoring(self.estimator, self.scoring)
        refit_name = self._refit_name(scorers)
        splits = _prepare(self.estimator, X, y, self.cv, None)
        tasks = [
            _Task(self.estimator, X, y, train, test, scorers, fit_params,
                  self.return_train_score, False, error_score, params)
            for params in candidates
            for train, test in splits
        ]
        results = _run(tasks, self.n_jobs)
        _warn_failures(results, error_score)

        self.multimetric_ = isinstance(scorers, dict)
        self.scorer_ = scorers
        self.n_splits_ = len(splits)
        self.cv_results_ = self._results_table(candidates, results, scorers)
        if refit_name is not None:
            self.best_index_ = int(np.argmin(self.cv_results_[f"rank_test_{refit_name}"]))
            self.best_params_ = candidates[self.best_index_]
            self.best_score_ = float(self.cv_results_[f"mean_test_{refit_name}"][self.best_index_])
        if not self._refit_off():
            best = clone(self.estimator).set_params(**clone(self.best_params_, safe=False))
            start = time.perf_counter()
            if y is None:
                best.fit(X, **fit_params)
            else:
                best.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - start
            self.best_estimator_ = best
            if hasattr(best, "n_features_in_"):
                self.n_features_in_ = best.n_features_in_
        return self

    def _results_table(self, candidates, results, scorers):
        n_candidates, n_splits = len(candidates), len(results) // max(len(candidates), 1)
        table = {}
        for key in ("fit_time", "score_time"):
            times = np.array([r[key] for r in results]).reshape(n_candidates, n_splits)
            table[f"mean_{key}"] = times.mean(axis=1)
            table[f"std_{key}"] = times.std(axis=1)
        table.update(_param_columns(candidates))
        table["params"] = candidates
        score_names = list(scorers) if isinstance(scorers, dict) else ["score"]
        sets = ["test"] + (["train"] if self.return_train_score else [])
        for part in sets:
            for name in score_names:
                def pick(r, part=part, name=name):
                    scores = r[f"{part}_scores"]
                    return scores[name] if isinstance(scores, dict) else scores

                scores = np.array([pick(r) for r in results], dtype=float)
                scores = scores.reshape(n_candidates, n_splits)
                for i in range(n_splits):
                    table[f"split{i}_{part}_{name}"] = scores[:, i]
                table[f"mean_{part}_{name}"] = scores.mean(axis=1)
                table[f"std_{part}_{name}"] = scores.std(axis=1)
                if part == "test":
                    table[f"rank_test_{name}"] = _rank(table[f"mean_test_{name}"])
        return table

    # ------------------------------------------------------------ persistence

    def _save_state(self):
        # The scorers are rebuilt from ``scoring`` on load, and the masked
        # param_<name> columns from ``params``: neither fits in an .npz.
        state = super()._save_state()
        state.pop("scorer_", None)
        if "cv_results_" in state:
            state["cv_results_"] = {
                key: value for key, value in state["cv_results_"].items()
                if not key.startswith("param_")
            }
        return state

    def _load_state(self, state):
        super()._load_state(state)
        if hasattr(self, "cv_results_"):
            self.cv_results_ = {
                **self.cv_results_, **_param_columns(self.cv_results_["params"])
            }
            self.scorer_ = check_scoring(self.estimator, self.scoring)

    # ------------------------------------------------- delegation to the best

    def _best(self, method):
        if self._refit_off():
            raise AttributeError(
                f"{method} is only available after fitting with refit=True "
                "(there is no best_estimator_)."
            )
        check_is_fitted(self, "best_estimator_")
        if not hasattr(self.best_estimator_, method):
            raise AttributeError(
                f"The best estimator {type(self.best_estimator_).__name__} has no {method}."
            )
        return getattr(self.best_estimator_, method)

    def predict(self, X):
        """``best_estimator_.predict(X)``."""
        return self._best("predict")(X)

    def predict_proba(self, X):
        """``best_estimator_.predict_proba(X)``."""
        return self._best("predict_proba")(X)

    def decision_function(self, X):
        """``best_estimator_.decision_function(X)``."""
        return self._best("decision_function")(X)

    def transform(self, X):
        """``best_estimator_.transform(X)``."""
        return self._best("transform")(X)

    def score(self, X, y=None):
        """Score of ``best_estimator_`` on ``X``, by the scorer that chose it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None

        Returns
        -------
        float
            ``best_estimator_.score(X, y)`` when ``scoring`` was None.
        """
        self._best("fit")
        scorer = self.scorer_[self.refit] if self.multimetric_ else self.scorer_
        if scorer is _passthrough_score:
            return self._best("score")(X) if y is None else self._best("score")(X, y)
        return scorer(self.best_estimator_, X) if y is None else scorer(self.best_estimator_, X, y)

    @property
    def classes_(self):
        """Class labels of ``best_estimator_``."""
        self._best("fit")
        return self.best_estimator_.classes_


def grid_search(
    estimator,
    param_grid,
    X,
    y=None,
    *,
    cv=5,
    scoring=None,
    n_jobs=None,
    refit=True,
    return_train_score=False,
    error_score=np.nan,
    **fit_params,
):
    """Search ``param_grid`` by cross-validation and return the fitted search.

    A one-call form of ``GridSearchCV(estimator, param_grid, ...).fit(X, y)``.

    Parameters
    ----------
    estimator, param_grid, cv, scoring, n_jobs, refit, return_train_score, error_score
        As for :class:`GridSearchCV`.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), default=None
    **fit_params
        Passed to each ``fit``.

    Returns
    -------
    GridSearchCV
        Fitted: ``best_params_``, ``best_score_``, ``best_estimator_``
        (refitted on all of ``X``), ``cv_results_``.

    Examples
    --------
    >>> search = grid_search(SVC(), {"C": [0.1, 1, 10]}, X, y, cv=3)  # doctest: +SKIP
    >>> search.best_estimator_.predict(X_new)  # doctest: +SKIP
    """
    search = GridSearchCV(
        estimator, param_grid, scoring=scoring, n_jobs=n_jobs, refit=refit, cv=cv,
        return_train_score=return_train_score, error_score=error_score,
    )
    return search.fit(X, y, **fit_params)
