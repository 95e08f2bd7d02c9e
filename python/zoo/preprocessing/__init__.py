"""Feature scaling and label encoding: StandardScaler, MinMaxScaler,
MaxAbsScaler, OneHotEncoder, LabelEncoder.

Every transformer follows zoo's estimator contract (``fit`` returns self,
fitted attributes end in ``_``, an unfitted ``transform`` raises
``zoo.NotFittedError``, ``feature_names_in_`` is recorded from DataFrames)
and scikit-learn's names and behaviour for the same transformers. The
scalers keep the caller's float type (float32 stays float32) while their
statistics accumulate in float64, so a long ``partial_fit`` stream does not
drift.

Fit a scaler on the training split only and reuse it on the test split::

    scaler = StandardScaler().fit(X_train)
    model.fit(scaler.transform(X_train), y_train)
    model.score(scaler.transform(X_test), y_test)
"""


from zoo.preprocessing._encoders import LabelEncoder, OneHotEncoder
from zoo.preprocessing._max_abs_scaler import MaxAbsScaler
from zoo.preprocessing._scalers import MinMaxScaler, StandardScaler

__all__ = ["StandardScaler", "MinMaxScaler", "MaxAbsScaler", "OneHotEncoder", "LabelEncoder"]
