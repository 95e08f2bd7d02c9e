"""How supervised network models read targets and write predictions.

`ClassTargets` turns labels into the engine's class indices (or 0/1
columns for multilabel) and back; `RegressionTargets` does the same for
numbers. Both also supply the per-epoch metric, the validation split and
their configuration for saving.
"""

from __future__ import annotations

import warnings

import numpy as np

from zoo._validation import check_class_labels
from zoo.exceptions import data_conversion_warning


def _as_array(y, name="y"):
    if y is None:
        raise ValueError(f"this estimator requires y to be passed, but the target {name} is None")
    if hasattr(y, "to_numpy"):  # pandas Series / DataFrame
        y = y.to_numpy()
    array = np.asarray(y)
    if array.ndim == 0 or array.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample; got {array.shape}")
    if array.ndim > 2:
        raise ValueError(f"{name} must be 1-D or 2-D; got {array.ndim} dimensions")
    return array


def _check_finite(array, name="y"):
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        raise ValueError(f"Input {name} contains NaN or infinity.")


def _numeric(array):
    """Regression targets as numbers: object arrays of numbers convert,
    anything else is refused."""
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            pass
    if array.dtype.kind not in "biuf":
        raise ValueError(f"Unknown label type: regression targets must be numeric; got dtype {array.dtype}")
    _check_finite(array)
    return array


def _shuffled_split(n, fraction, rng):
    order = rng.permutation(n)
    n_val = int(round(fraction * n))
    if not 0 < n_val < n:
        raise ValueError(f"validation_split={fraction} leaves no training or no validation samples out of {n}")
    return np.sort(order[n_val:]), np.sort(order[:n_val])


class ClassTargets:
    """Labels of a classifier: multiclass (1-D y) or multilabel (2-D 0/1 y)."""

    def __init__(self, classes=None, *, n_labels=None):
        self.multilabel = classes is None
        self.classes = classes
        self.n_outputs = int(n_labels) if self.multilabel else classes.shape[0]
        self.default_loss = "binary_crossentropy" if self.multilabel else "categorical_crossentropy"

    @staticmethod
    def looks_like_labels(y) -> bool:
        array = _as_array(y)
        return array.dtype.kind in "biuOSU"

    @classmethod
    def from_fit(cls, y, classes=None):
        array = _as_array(y)
        check_class_labels(array)
        if array.ndim == 2 and array.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; it is flattened.",
                data_conversion_warning(),
                stacklevel=4,
            )
            array = array.ravel()
        if array.ndim == 2:
            if not np.isin(array, (0, 1)).all():
                raise ValueError("a 2-D y for classification must be a 0/1 indicator matrix (multilabel)")
            return cls(n_labels=array.shape[1])
        _check_finite(array)
        if array.dtype.kind == "f" and not np.all(array == np.round(array)):
            raise ValueError(
                "Unknown label type: y holds continuous values; a classifier needs class labels "
                "(use MLPRegressor for numeric targets)"
            )
        found = np.unique(array)
        if classes is not None:
            known = np.unique(np.asarray(classes))
            unseen = np.setdiff1d(found, known)
            if unseen.size:
                raise ValueError(f"y contains labels not listed in classes: {unseen.tolist()}")
            found = known
        if found.shape[0] < 2:
            raise ValueError(f"a classifier needs at least 2 classes in y; got 1 class: {found.tolist()}")
        return cls(found)

    def encode(self, y, *, dtype):
        array = _as_array(y)
        if self.multilabel:
            if array.ndim != 2 or array.shape[1] != self.n_outputs:
                raise ValueError(f"y must have {self.n_outputs} indicator columns; got shape {array.shape}")
            return np.ascontiguousarray(array, dtype=dtype)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array.ravel()
        if array.ndim != 1:
            raise ValueError(f"y must be 1-D class labels; got shape {array.shape}")
        _check_finite(array)
        index = np.searchsorted(self.classes, array)
        index = np.clip(index, 0, self.classes.shape[0] - 1)
        unseen = array[self.classes[index] != array]
        if unseen.size:
            raise ValueError(f"y contains labels not seen at fit: {np.unique(unseen).tolist()}")
        return np.ascontiguousarray(index.reshape(-1, 1), dtype=dtype)

    def decode(self, outputs, X=None):
        """Labels from the network's outputs (X, the input, is not needed)."""
        if self.multilabel:
            return (outputs > 0).astype(np.int64)
        return self.classes[np.argmax(outputs, axis=1)]

    def probabilities(self, outputs):
        z = outputs.astype(np.float64)
        if self.multilabel:
            return 1.0 / (1.0 + np.exp(-z))
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def metrics(self, data, correct, weight, squared_error):
        return {"accuracy": float(correct / weight) if weight > 0 else 0.0}

    def baseline(self, data, loss):
        """What always predicting the class frequencies scores (for diagnose)."""
        if self.multilabel:
            return {}
        w = data.weight.astype(np.float64)
        share = np.bincount(data.targets[:, 0].astype(np.int64), weights=w, minlength=self.n_outputs) / w.sum()
        present = share[share > 0]
        return {"loss": float(-(present * np.log(present)).sum()), "accuracy": float(share.max())}

    def fold_class_weight(self, weight, targets, class_weight):
        if class_weight is None:
            return weight
        if self.multilabel:
            raise ValueError("class_weight is not supported for multilabel targets")
        index = targets[:, 0].astype(np.int64)
        if isinstance(class_weight, str):  # "balanced": n / (n_classes * count)
            counts = np.bincount(index, minlength=self.n_outputs).astype(np.float64)
            per_class = np.where(counts > 0, index.shape[0] / (self.n_outputs * np.maximum(counts, 1)), 0.0)
        else:
            unknown = [label for label in class_weight if label not in set(self.classes.tolist())]
            if unknown:
                raise ValueError(f"class_weight names classes not in y: {unknown}")
            per_class = np.array([float(class_weight.get(c, 1.0)) for c in self.classes.tolist()])
            if (per_class < 0).any() or not np.isfinite(per_class).all():
                raise ValueError("class_weight values must be finite and non-negative")
        return np.ascontiguousarray(weight * per_class[index].astype(weight.dtype))

    def split(self, targets, fraction, rng):
        if self.multilabel:
            return _shuffled_split(targets.shape[0], fraction, rng)
        index = targets[:, 0].astype(np.int64)
        train, val = [], []
        for c in np.unique(index):
            rows = rng.permutation(np.flatnonzero(index == c))
            n_val = int(round(fraction * rows.shape[0]))
            if rows.shape[0] >= 2:
                n_val = min(max(n_val, 1), rows.shape[0] - 1)
            val.append(rows[:n_val])
            train.append(rows[n_val:])
        train, val = np.sort(np.concatenate(train)), np.sort(np.concatenate(val))
        if val.size == 0:
            raise ValueError(f"validation_split={fraction} leaves no validation samples")
        return train, val

    def to_config(self):
        if self.multilabel:
            return {"kind": "classes", "multilabel": True, "n_outputs": self.n_outputs}
        return {"kind": "classes", "multilabel": False, "classes": self.classes}

    @classmethod
    def from_config(cls, config):
        if config["multilabel"]:
            return cls(n_labels=config["n_outputs"])
        return cls(np.asarray(config["classes"]))


class RegressionTargets:
    """Numeric targets: 1-D (one output, predictions 1-D) or 2-D."""

    default_loss = "mse"
    classes = None

    def __init__(self, n_outputs, one_dimensional):
        self.n_outputs = n_outputs
        self.one_dimensional = one_dimensional

    @classmethod
    def from_fit(cls, y, classes=None):
        array = _numeric(_as_array(y))
        return cls(1 if array.ndim == 1 else array.shape[1], array.ndim == 1)

    def encode(self, y, *, dtype):
        array = _numeric(_as_array(y))
        array = array.reshape(-1, 1) if array.ndim == 1 else array
        if array.shape[1] != self.n_outputs:
            raise ValueError(f"y has {array.shape[1]} outputs, but the model was fitted with {self.n_outputs}")
        encoded = np.ascontiguousarray(array, dtype=dtype)
        if not np.isfinite(encoded).all():  # finite float64 values past float32's range
            raise ValueError(
                f"y holds values up to {np.abs(array).max():.3g} in magnitude, too large for the network's "
                f"float type {np.dtype(dtype)}; scale y (e.g. divide it by its largest absolute value) "
                "or use dtype='float64'."
            )
        return encoded

    def decode(self, outputs, X=None):
        """Predictions shaped like the y given to fit, in the wider of the
        network's float type and X's: a float32 network predicts float64
        values for float64 (or integer) X, as scikit-learn's MLP does, and
        float32 values for float32 X."""
        input_type = np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64
        values = outputs.astype(np.promote_types(outputs.dtype, input_type), copy=False)
        return values[:, 0] if self.one_dimensional else values

    def metrics(self, data, correct, weight, squared_error):
        total = total_sum_squares(data)
        return {"r2": 1.0 - squared_error / total if total > 0 else 0.0}

    def baseline(self, data, loss):
        """What always predicting the mean scores (mse only; for diagnose)."""
        weight_sum = float(data.weight.sum(dtype=np.float64))
        if loss != "mse" or not weight_sum > 0:
            return {}
        return {"loss": total_sum_squares(data) / weight_sum / data.targets.shape[1]}

    def fold_class_weight(self, weight, targets, class_weight):
        if class_weight is not None:
            raise ValueError("class_weight applies to classification only")
        return weight

    def split(self, targets, fraction, rng):
        return _shuffled_split(targets.shape[0], fraction, rng)

    def to_config(self):
        return {"kind": "values", "n_outputs": self.n_outputs, "one_dimensional": self.one_dimensional}

    @classmethod
    def from_config(cls, config):
        return cls(config["n_outputs"], config["one_dimensional"])


def total_sum_squares(data) -> float:
    """Weighted sum of squared deviations of the targets from their
    weighted mean, computed once per data set (R^2's denominator, the
    baseline loss) and kept in `data.derived`.

    Two passes over blocks of rows: BLAS in the targets' float type inside a
    block, float64 across blocks, so that an autoencoder's 60,000 x 784
    targets cost a fraction of a second and no float64 copy."""
    total = data.derived.get("total_sum_squares")
    if total is not None:
        return total
    X, weight = data.targets, data.weight
    block = 4096
    weight_sum = float(weight.sum(dtype=np.float64))
    column_sums = np.zeros(X.shape[1])
    for start in range(0, X.shape[0], block):
        column_sums += weight[start : start + block] @ X[start : start + block]
    mean = (column_sums / max(weight_sum, np.finfo(float).tiny)).astype(X.dtype)
    total = 0.0
    for start in range(0, X.shape[0], block):
        residual = X[start : start + block] - mean
        total += float(weight[start : start + block] @ np.einsum("ij,ij->i", residual, residual))
    data.derived["total_sum_squares"] = total
    return total
