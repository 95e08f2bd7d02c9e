"""Decision trees: zoo.DecisionTreeClassifier and zoo.DecisionTreeRegressor.

CART (Breiman, Friedman, Olshen & Stone, *Classification and Regression
Trees*, 1984) grown greedily in C++: each node takes the split with the
largest impurity decrease. Two split finders give the same kind of tree:

- "exact" sorts a node's values of each feature and tries every midpoint
  between neighbouring distinct values;
- "histogram" bins every feature once into at most ``max_bins`` quantile
  bins (uint8 codes) and scans per-bin sums instead, as in LightGBM (Ke et
  al., NeurIPS 2017) and scikit-learn's HistGradientBoosting: the smaller
  child's histogram is built from its rows and the larger child's is the
  parent's minus it. Bin edges are midpoints of neighbouring distinct
  training values, so a histogram split is also an ordinary threshold on
  raw values. Nodes with fewer than a few hundred rows are split exactly,
  where sorting is cheaper than scanning 256 bins per feature.

The fitted tree is a set of flat NumPy arrays (``tree_``), saved with the
estimator by ``zoo.save``.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, Record, Size
from zoo._threads import resolve_n_jobs
from zoo._validation import (
    check_is_fitted,
    check_sample_weight,
    exact_scale,
    seed_from_random_state,
    validate_data,
)
from zoo.base import BaseEstimator, ClassifierMixin, Interval, Options, RegressorMixin
from zoo.exceptions import data_conversion_warning
from zoo.supervised._targets import ClassTargets, RegressionTargets

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "Tree"]

# splitter="auto" uses histograms from this many samples on. Measured with
# make_classification data (20 features, 2 threads, unlimited depth), time
# of the histogram builder over the exact one (which partitions presorted
# feature orders): 1.7 at 3,000 samples, 0.96 at 10,000, 0.93 at 20,000,
# 0.77 at 50,000, 0.33 at 150,000, at the same test accuracy. Below the
# threshold the exact splitter is faster and its thresholds lie midway
# between each node's own neighbouring values.
AUTO_HISTOGRAM_MIN_SAMPLES = 10_000
# Nodes with fewer rows than this sort their raw values instead of scanning
# histograms. On the 150,000-sample benchmark set, values from 128 to 2,048
# took the same time within the noise of a shared machine (scanning 256
# bins per feature costs about what sorting a few hundred values does);
# smaller nodes split exactly, which also keeps their thresholds exact.
HISTOGRAM_MIN_NODE = 512

_SPLITTER_ALIASES = {"best": "exact"}


class Tree:
    """A fitted tree as flat arrays, one entry per node.

    Node 0 is the root. A split node sends a sample left when
    ``X[:, feature[i]] <= threshold[i]``; leaves have
    ``children_left == children_right == -1``, ``feature == -2`` and
    ``threshold == -2``.

    Attributes
    ----------
    children_left, children_right : ndarray of shape (node_count,), int64
    feature : ndarray of shape (node_count,), int64
    threshold : ndarray of shape (node_count,), float64
    value : ndarray of shape (node_count, 1, n_values), float64
        Classification: the weighted class fractions of the node's training
        samples; regression: the node's prediction (weighted mean for
        squared error, weighted median for absolute error).
    impurity : ndarray of shape (node_count,), float64
    n_node_samples : ndarray of shape (node_count,), int64
    weighted_n_node_samples : ndarray of shape (node_count,), float64
    node_count, max_depth, n_leaves, n_features, n_outputs : int
    n_classes : ndarray of shape (1,), int64
        Number of classes (1 for regression).
    """

    _ARRAYS = (
        "children_left",
        "children_right",
        "feature",
        "threshold",
        "value",
        "impurity",
        "n_node_samples",
        "weighted_n_node_samples",
    )

    def __init__(self, arrays, *, max_depth, n_features):
        for name in self._ARRAYS:
            setattr(self, name, np.asarray(arrays[name]))
        self.max_depth = int(max_depth)
        self.n_features = int(n_features)

    @property
    def node_count(self):
        return int(self.feature.shape[0])

    @property
    def n_leaves(self):
        return int(np.count_nonzero(self.children_left == -1))

    @property
    def n_outputs(self):
        return 1

    @property
    def n_classes(self):
        return np.array([self.value.shape[2]], dtype=np.int64)

    def to_dict(self):
        state = {name: getattr(self, name) for name in self._ARRAYS}
        state["max_depth"] = self.max_depth
        state["n_features"] = self.n_features
        return state

    @classmethod
    def from_dict(cls, state):
        state = dict(state)
        return cls(state, max_depth=state["max_depth"], n_features=state["n_features"])

    def compute_feature_importances(self, normalize=True):
        """Total weighted impurity decrease brought by each feature (Breiman
        2001's mean decrease in impurity).

        Parameters
        ----------
        normalize : bool, default=True
            Scale the result to sum to 1 (unless it is all zero).

        Returns
        -------
        ndarray of shape (n_features,)
        """
        left, right = self.children_left, self.children_right
        split = np.flatnonzero(left != -1)
        weighted = self.weighted_n_node_samples * self.impurity
        decrease = weighted[split] - weighted[left[split]] - weighted[right[split]]
        importances = np.zeros(self.n_features)
        np.add.at(importances, self.feature[split], decrease)
        importances /= self.weighted_n_node_samples[0]
        total = importances.sum()
        if normalize and total > 0:
            importances /= total
        return importances


_SHARED_CONSTRAINTS = {
    "splitter": [Options({"auto", "exact", "histogram", "best"})],
    "max_depth": [Interval(Integral, 1, None, closed="left"), None],
    "min_samples_split": [
        Interval(Integral, 2, None, closed="left"),
        Interval(Real, 0.0, 1.0, closed="right"),
    ],
    "min_samples_leaf": [
        Interval(Integral, 1, None, closed="left"),
        Interval(Real, 0.0, 1.0, closed="neither"),
    ],
    "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
    "max_features": [
        Interval(Integral, 1, None, closed="left"),
        Interval(Real, 0.0, 1.0, closed="right"),
        Options({"sqrt", "log2"}),
        None,
    ],
    "random_state": ["random_state"],
    "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
    "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
    "max_bins": [Interval(Integral, 2, 256, closed="both")],
    "n_jobs": [Integral, None],
}


def _tree_state(n_values):
    """A Tree as to_dict writes it; `n_values` values per node (one per
    class for a classifier)."""
    per_node = {name: Array(("n_nodes",), np.int64)
                for name in ("children_left", "children_right", "feature", "n_node_samples")}
    per_node.update({name: Array(("n_nodes",), np.float64) for name in ("threshold", "impurity",
                                                                        "weighted_n_node_samples")})
    return Record({**per_node, "value": Array(("n_nodes", "n_outputs_", n_values), np.float64),
                   "max_depth": [Interval(Integral, 0, None)], "n_features": Size("n_features_in_")})


class _BaseDecisionTree(BaseEstimator):
    """Shared parameters, fitting and traversals of the two trees."""

    _parameter_aliases = {
        "ccp_alpha": "zoo's trees are not pruned after growing; limit their growth with max_depth=..., "
                     "min_samples_leaf=..., max_leaf_nodes=... or min_impurity_decrease=...",
        "monotonic_cst": "zoo's trees take no monotonicity constraints",
    }
    _zoo_tags = {"multi_output": False}
    _fitted_state = {
        "max_features_": [Interval(Integral, 1, None)],
        "n_outputs_": Size(1),
        "tree_": _tree_state(1),
    }

    # ------------------------------------------------------------ fitting
    def _resolved_max_features(self, n_features):
        value = self.max_features
        if value is None:
            return n_features
        if value == "sqrt":
            return max(1, int(math.sqrt(n_features)))
        if value == "log2":
            return max(1, int(math.log2(n_features)))
        if isinstance(value, Integral):
            if value > n_features:
                raise ValueError(
                    f"{type(self).__name__}: max_features={value} is larger than the "
                    f"number of features ({n_features})."
                )
            return int(value)
        return max(1, int(value * n_features))

    def _resolved_sizes(self, n_samples):
        split = self.min_samples_split
        if not isinstance(split, Integral):
            split = max(2, math.ceil(split * n_samples))
        leaf = self.min_samples_leaf
        if not isinstance(leaf, Integral):
            leaf = max(1, math.ceil(leaf * n_samples))
        return int(split), int(leaf)

    def _use_histograms(self, n_samples):
        splitter = _SPLITTER_ALIASES.get(self.splitter, self.splitter)
        if splitter == "auto":
            return n_samples >= AUTO_HISTOGRAM_MIN_SAMPLES
        return splitter == "histogram"

    def _grow(self, X, labels, y, weight, n_classes, criterion):
        """Grow the tree on validated data; sets tree_ and the shared attributes."""
        n_features = X.shape[1]
        # A sample of weight zero has no say in the fit: leaving it out keeps
        # it from shifting thresholds (which lie midway between neighbouring
        # values) and makes a weight of 0 the same as removing the sample,
        # as an integer weight k is the same as k copies.
        kept = weight > 0
        if not kept.all():
            X, weight = X[kept], weight[kept]
            labels = labels[kept] if labels.size else labels
            y = y[kept] if y.size else y
        n_samples = X.shape[0]
        # The tree depends on the weights' ratios only; near 1e308 their
        # products with the targets overflow. Ordinary weights are left as
        # they are, and dividing by a power of four is exact anyway.
        weight_scale = exact_scale(weight, centre_range=True)
        weight = weight / weight_scale
        min_samples_split, min_samples_leaf = self._resolved_sizes(n_samples)
        self.max_features_ = self._resolved_max_features(n_features)
        min_weight_leaf = float(self.min_weight_fraction_leaf) * float(weight.sum())
        fitted = _core.tree_fit(
            X,
            labels,
            y,
            weight,
            n_classes=n_classes,
            criterion=criterion,
            histogram=self._use_histograms(n_samples),
            max_bins=int(self.max_bins),
            histogram_min_node=HISTOGRAM_MIN_NODE,
            max_depth=-1 if self.max_depth is None else int(self.max_depth),
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_leaf=min_weight_leaf,
            max_features=0 if self.max_features_ == n_features else self.max_features_,
            min_impurity_decrease=float(self.min_impurity_decrease),
            max_leaf_nodes=-1 if self.max_leaf_nodes is None else int(self.max_leaf_nodes),
            seed=seed_from_random_state(self.random_state),
            n_threads=resolve_n_jobs(self.n_jobs),
        )
        fitted["value"] = fitted["value"][:, None, :]
        fitted["weighted_n_node_samples"] *= weight_scale
        self.tree_ = Tree(fitted, max_depth=fitted["max_depth"], n_features=n_features)
        self.n_outputs_ = 1

    # ------------------------------------------------------- traversals
    def _validated_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False)

    def _leaves(self, X):
        tree = self.tree_
        return _core.tree_apply(
            X,
            tree.children_left,
            tree.children_right,
            tree.feature,
            tree.threshold,
            n_threads=resolve_n_jobs(self.n_jobs),
        )

    def apply(self, X):
        """Index of the leaf each sample ends in.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), int64
            Node ids into the ``tree_`` arrays.
        """
        return self._leaves(self._validated_X(X))

    def decision_path(self, X):
        """The nodes each sample visits, root to leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_samples, node_count)
            Entry (i, j) is 1 when sample i passes through node j. Needs
            SciPy; :meth:`decision_path_arrays` gives the same without it.
        """
        indptr, indices = self.decision_path_arrays(X)
        try:
            from scipy.sparse import csr_matrix
        except ImportError as error:  # pragma: no cover - scipy comes with scikit-learn
            raise ImportError(
                "decision_path returns a SciPy sparse matrix; install scipy or use decision_path_arrays"
            ) from error
        data = np.ones(indices.shape[0], dtype=np.int64)
        return csr_matrix((data, indices, indptr), shape=(indptr.shape[0] - 1, self.tree_.node_count))

    def decision_path_arrays(self, X):
        """The nodes each sample visits, as CSR index arrays (no SciPy needed).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        indptr : ndarray of shape (n_samples + 1,), int64
        indices : ndarray of shape (indptr[-1],), int64
            Sample i visits nodes ``indices[indptr[i]:indptr[i + 1]]``, root first.
        """
        X = self._validated_X(X)
        tree = self.tree_
        return _core.tree_decision_path(X, tree.children_left, tree.children_right, tree.feature, tree.threshold)

    def get_depth(self):
        """Depth of the tree: the longest root-to-leaf path (0 for a single leaf).

        Returns
        -------
        int
        """
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves.

        Returns
        -------
        int
        """
        check_is_fitted(self)
        return self.tree_.n_leaves

    @property
    def feature_importances_(self):
        """Normalised total impurity decrease brought by each feature
        ("Gini importance"), shape (n_features,)."""
        check_is_fitted(self)
        return self.tree_.compute_feature_importances()

    # ------------------------------------------------------ persistence
    def _save_state(self):
        state = super()._save_state()
        if "tree_" in state:
            state["tree_"] = state["tree_"].to_dict()
        return state

    def _load_state(self, state):
        state = dict(state)
        if "tree_" in state:
            state["tree_"] = Tree.from_dict(state["tree_"])
        super()._load_state(state)


_SHARED_DOC = """
    splitter : {"auto", "exact", "histogram"}, default="auto"
        How splits are searched. "exact" tries every midpoint between
        neighbouring distinct values (scikit-learn's "best", accepted as an
        alias); "histogram" bins each feature once into at most `max_bins`
        quantile bins and splits nodes of 512 rows or more between bins,
        smaller nodes exactly. "auto": "histogram" from 10,000 samples on
        (where it measured faster), else "exact".
    max_depth : int or None, default=None
        Maximum depth; None grows until leaves are pure or other limits stop.
    min_samples_split : int or float, default=2
        Fewest samples a node needs to be split (a float: a fraction of
        n_samples, rounded up).
    min_samples_leaf : int or float, default=1
        Fewest samples in each child of a split (a float: a fraction).
    min_weight_fraction_leaf : float, default=0.0
        Fewest total sample weight in each child, as a fraction of the total.
    max_features : int, float, {"sqrt", "log2"} or None, default=None
        Features drawn at random for each node's search (None: all of them).
        When all drawn features are constant on the node, more are drawn.
    random_state : int, RandomState, Generator or None, default=None
        Seeds the feature draws; the same int gives the same tree bit for
        bit, for any `n_jobs`.
    max_leaf_nodes : int or None, default=None
        Grow best-first (largest impurity decrease first) up to this many
        leaves; None grows depth-first without a leaf limit.
    min_impurity_decrease : float, default=0.0
        Split only if the weighted impurity decrease
        ``N_t / N * (impurity - N_t_L / N_t * left_impurity - N_t_R / N_t * right_impurity)``
        is at least this.
    max_bins : int, default=256
        Bins per feature for the histogram splitter, 2 to 256.
    n_jobs : int or None, default=None
        Threads (features of a node are searched in parallel); None uses
        `zoo.get_num_threads()`, -1 all cores. The tree does not depend on it."""

_ATTRIBUTES_DOC = """
    tree_ : Tree
        The fitted tree as flat arrays (see :class:`Tree`).
    feature_importances_ : ndarray of shape (n_features,)
        Normalised impurity decrease per feature.
    max_features_ : int
        Features searched per node.
    n_features_in_ : int
    n_outputs_ : int
        Always 1."""


class DecisionTreeClassifier(ClassifierMixin, _BaseDecisionTree):
    __doc__ = f"""A decision tree classifier (CART) with a C++ core.

    Parameters
    ----------
    criterion : {{"gini", "entropy", "log_loss"}}, default="gini"
        Impurity: Gini index or Shannon entropy (in bits; "log_loss" is the
        same as "entropy").{_SHARED_DOC}
    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into `sample_weight`; "balanced" uses
        ``n_samples / (n_classes * count(class))``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int{_ATTRIBUTES_DOC}

    References
    ----------
    L. Breiman, J. Friedman, R. Olshen, C. Stone. Classification and
    Regression Trees. Wadsworth, 1984.
    """

    _parameter_constraints = {
        **_SHARED_CONSTRAINTS,
        "criterion": [Options({"gini", "entropy", "log_loss"})],
        "class_weight": [Options({"balanced"}), dict, None],
    }
    _fitted_state = {
        "classes_": Array(("n_classes",), "biufUO"),
        "n_classes_": Size("classes_"),
        "tree_": _tree_state("classes_"),
    }

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="auto",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        max_bins=256,
        n_jobs=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.max_bins = max_bins
        self.n_jobs = n_jobs

    def fit(self, X, y, sample_weight=None):
        """Grow the tree.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32; other numeric types become float64.
        y : array-like of shape (n_samples,)
            Class labels (two or more classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; samples of weight 0 are left
            out (they count in no node's ``n_node_samples``).

        Returns
        -------
        self : DecisionTreeClassifier
        """
        self._validate_params()
        X = validate_data(self, X, reset=True)
        targets = ClassTargets.from_fit(y)
        if targets.multilabel:
            raise ValueError(
                f"{type(self).__name__} takes one column of class labels; got y of shape {np.shape(y)}"
            )
        encoded = targets.encode(y, dtype=np.int32)
        if encoded.shape[0] != X.shape[0]:
            raise ValueError(f"Inconsistent numbers of samples: X has {X.shape[0]}, y has {encoded.shape[0]}.")
        weight = check_sample_weight(sample_weight, X.shape[0], np.float64, estimator=self)
        weight = targets.fold_class_weight(weight, encoded, self.class_weight)
        if not weight.any():
            raise ValueError("class_weight and sample_weight leave no sample with a positive weight")
        criterion = "entropy" if self.criterion == "log_loss" else self.criterion
        self.classes_ = targets.classes
        self.n_classes_ = int(targets.classes.shape[0])
        self._grow(X, encoded[:, 0], np.empty(0), weight, self.n_classes_, criterion)
        return self

    def predict_proba(self, X):
        """Class probabilities: the weighted class fractions of each sample's leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes), float64
        """
        X = self._validated_X(X)
        proba = self.tree_.value[self._leaves(X), 0, :]
        total = proba.sum(axis=1, keepdims=True)
        return proba / np.where(total > 0, total, 1.0)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (-inf for probability 0).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each sample (the first on ties).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class DecisionTreeRegressor(RegressorMixin, _BaseDecisionTree):
    __doc__ = f"""A decision tree regressor (CART) with a C++ core.

    Parameters
    ----------
    criterion : {{"squared_error", "absolute_error"}}, default="squared_error"
        Squared error (leaf value: weighted mean) or absolute error (leaf
        value: weighted median; always split exactly, as a median has no
        histogram form).{_SHARED_DOC}

    Attributes
    ----------{_ATTRIBUTES_DOC}

    References
    ----------
    L. Breiman, J. Friedman, R. Olshen, C. Stone. Classification and
    Regression Trees. Wadsworth, 1984.
    """

    _parameter_constraints = {
        **_SHARED_CONSTRAINTS,
        "criterion": [Options({"squared_error", "absolute_error"})],
    }

    def __init__(
        self,
        *,
        criterion="squared_error",
        splitter="auto",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        max_bins=256,
        n_jobs=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.max_bins = max_bins
        self.n_jobs = n_jobs

    def fit(self, X, y, sample_weight=None):
        """Grow the tree.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            float32 stays float32; other numeric types become float64.
        y : array-like of shape (n_samples,)
            Numeric targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; samples of weight 0 are left
            out (they count in no node's ``n_node_samples``).

        Returns
        -------
        self : DecisionTreeRegressor
        """
        self._validate_params()
        X = validate_data(self, X, reset=True)
        targets = RegressionTargets.from_fit(y)
        if targets.n_outputs != 1:
            raise ValueError(f"{type(self).__name__} takes one target column; got y of shape {np.shape(y)}")
        if not targets.one_dimensional:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; it is flattened.",
                data_conversion_warning(),
                stacklevel=2,
            )
        values = targets.encode(y, dtype=np.float64)[:, 0]
        if values.shape[0] != X.shape[0]:
            raise ValueError(f"Inconsistent numbers of samples: X has {X.shape[0]}, y has {values.shape[0]}.")
        weight = check_sample_weight(sample_weight, X.shape[0], np.float64, estimator=self)
        self._grow(X, np.empty(0, dtype=np.int32), values, weight, 0, self.criterion)
        return self

    def predict(self, X):
        """The value of each sample's leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), float64
        """
        X = self._validated_X(X)
        return self.tree_.value[self._leaves(X), 0, 0]
