"""Model selection: data splits, cross-validation, learning curves, grid search.

Everything here works with zoo estimators and with scikit-learn estimators,
splitters and Pipelines alike; scikit-learn itself is never imported.

- splitting: :func:`train_test_split`, :class:`KFold`, :class:`StratifiedKFold`,
  :func:`check_cv`;
- evaluation: :func:`cross_validate`, :func:`cross_val_score`,
  :func:`learning_curve`;
- search: :class:`GridSearchCV`, :func:`grid_search`, :class:`ParameterGrid`;
- scoring: :func:`get_scorer`, :func:`get_scorer_names`, :func:`make_scorer`,
  :func:`check_scoring`.
"""

from ._cross_validation import FitFailedWarning, cross_val_score, cross_validate, learning_curve
from ._scoring import check_scoring, get_scorer, get_scorer_names, make_scorer
from ._search import GridSearchCV, ParameterGrid, grid_search
from ._split import KFold, StratifiedKFold, check_cv
from ._train_test_split import train_test_split

__all__ = [
    "FitFailedWarning",
    "GridSearchCV",
    "KFold",
    "ParameterGrid",
    "StratifiedKFold",
    "check_cv",
    "check_scoring",
    "cross_val_score",
    "cross_validate",
    "get_scorer",
    "get_scorer_names",
    "grid_search",
    "learning_curve",
    "make_scorer",
    "train_test_split",
]
