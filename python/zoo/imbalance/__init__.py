"""Class imbalance: resamplers that rebalance a training set.

- :class:`RandomOverSampler`: repeat rows of the smaller classes (optionally
  jittered);
- :class:`RandomUnderSampler`: drop rows of the larger classes;
- :class:`SMOTE`: add synthetic rows between neighbours of the same class.

Each has ``fit_resample(X, y) -> (X_resampled, y_resampled)`` and
``sampling_strategy_``, with imbalanced-learn's meaning of
``sampling_strategy``. They are not predictors: resample the *training*
split, fit the model on the result, and evaluate on the untouched test
split::

    from zoo.imbalance import SMOTE

    X_bal, y_bal = SMOTE(random_state=0).fit_resample(X_train, y_train)
    model = zoo.LogisticRegression().fit(X_bal, y_bal)
    model.predict(X_test)          # the test split is never resampled

Resampling before splitting (or inside a cross-validation fold's test part)
leaks copies or interpolations of test samples into training and inflates
scores. The alternative that changes no data is ``class_weight="balanced"``,
which every zoo classifier accepts.
"""

from ._random import RandomOverSampler, RandomUnderSampler
from ._smote import SMOTE

__all__ = ["RandomOverSampler", "RandomUnderSampler", "SMOTE"]
