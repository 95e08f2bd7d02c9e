"""Accuracy, balanced accuracy, confusion matrix and log loss: against loops
written out here, against scikit-learn on random inputs, and on bad input."""

import warnings

import numpy as np
import pytest

from zoo.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    log_loss,
)

CLASS_SETS = {
    "binary": [0, 1],
    "plus_minus_one": [-1, 1],
    "multiclass": [0, 1, 2, 3, 4],
    "strings": ["ant", "bee", "cat"],
    "bools": [False, True],
    "integral_floats": [1.0, 2.0, 3.0],
}


def random_labels(rng, classes, n_max=40):
    n = int(rng.integers(1, n_max))
    return rng.choice(classes, n), rng.choice(classes, n)


def sklearn_metrics():
    return pytest.importorskip("sklearn.metrics")


# ------------------------------------------------------------ NumPy references


def test_accuracy_and_confusion_matrix_match_explicit_counting():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y_true, y_pred = random_labels(rng, ["x", "y", "z"])
        weights = rng.random(y_true.size) + 0.1
        labels = sorted(set(y_true) | set(y_pred))
        expected = np.zeros((len(labels), len(labels)))
        for t, p, w in zip(y_true, y_pred, weights):
            expected[labels.index(t), labels.index(p)] += w
        np.testing.assert_allclose(confusion_matrix(y_true, y_pred, sample_weight=weights), expected)
        correct = sum(w for t, p, w in zip(y_true, y_pred, weights) if t == p)
        assert accuracy_score(y_true, y_pred, sample_weight=weights) == pytest.approx(correct / weights.sum())
        assert accuracy_score(y_true, y_pred, normalize=False) == sum(y_true == y_pred)


def test_confusion_matrix_labels_order_subset_and_normalization():
    y_true = [2, 0, 2, 2, 0, 1]
    y_pred = [0, 0, 2, 2, 0, 2]
    # Rows and columns follow labels; label 1 is left out with its samples.
    matrix = confusion_matrix(y_true, y_pred, labels=[2, 0])
    np.testing.assert_array_equal(matrix, [[2, 1], [0, 2]])
    assert matrix.dtype == np.int64
    full = confusion_matrix(y_true, y_pred).astype(float)
    np.testing.assert_allclose(
        confusion_matrix(y_true, y_pred, normalize="true"), full / full.sum(axis=1, keepdims=True)
    )
    np.testing.assert_allclose(confusion_matrix(y_true, y_pred, normalize="all"), full / full.sum())
    # Label 1 is never predicted: its column of the "pred" normalization is 0, not NaN.
    by_pred = confusion_matrix(y_true, y_pred, normalize="pred")
    np.testing.assert_array_equal(by_pred[:, 1], 0.0)
    np.testing.assert_allclose(by_pred[:, [0, 2]], full[:, [0, 2]] / full[:, [0, 2]].sum(axis=0))


def test_confusion_matrix_of_a_single_label_warns():
    with pytest.warns(UserWarning, match="single label"):
        np.testing.assert_array_equal(confusion_matrix(["a", "a"], ["a", "a"]), [[2]])


def test_confusion_matrix_dtype_follows_the_weights():
    assert confusion_matrix([0, 1], [0, 1], sample_weight=[2, 3]).dtype == np.int64
    assert confusion_matrix([0, 1], [0, 1], sample_weight=[0.5, 3]).dtype == np.float64


def test_balanced_accuracy_is_the_mean_recall_over_true_classes():
    rng = np.random.default_rng(1)
    for _ in range(20):
        y_true, y_pred = random_labels(rng, [0, 1, 2, 3])
        weights = rng.random(y_true.size) + 0.1
        classes = np.unique(y_true)
        recalls = [weights[(y_true == c) & (y_pred == c)].sum() / weights[y_true == c].sum() for c in classes]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # y_pred may show extra classes
            score = balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
            adjusted = balanced_accuracy_score(y_true, y_pred, sample_weight=weights, adjusted=True)
        assert score == pytest.approx(np.mean(recalls))
        if classes.size > 1:
            chance = 1 / classes.size
            assert adjusted == pytest.approx((np.mean(recalls) - chance) / (1 - chance))


def test_balanced_accuracy_warns_about_classes_only_predicted():
    with pytest.warns(UserWarning, match="not in y_true"):
        score = balanced_accuracy_score([0, 0, 1, 1], [0, 2, 1, 1])
    assert score == pytest.approx((0.5 + 1.0) / 2)


def test_log_loss_is_the_mean_negative_log_probability_of_the_true_class():
    rng = np.random.default_rng(2)
    proba = rng.dirichlet(np.ones(3), size=30)
    y_true = rng.choice(["a", "b", "c"], 30)
    column = {"a": 0, "b": 1, "c": 2}
    losses = [-np.log(row[column[label]]) for row, label in zip(proba, y_true)]
    assert log_loss(y_true, proba) == pytest.approx(np.mean(losses))
    weights = rng.random(30)
    assert log_loss(y_true, proba, sample_weight=weights) == pytest.approx(np.average(losses, weights=weights))
    assert log_loss(y_true, proba, normalize=False) == pytest.approx(np.sum(losses))


def test_log_loss_one_column_is_the_positive_class_and_extremes_are_clipped():
    p = np.array([0.8, 0.3, 1.0, 0.0])
    y_true = [1, 0, 1, 0]
    assert log_loss(y_true, p) == pytest.approx(log_loss(y_true, np.column_stack([1 - p, p])))
    # A certain mistake costs -log(eps) of the dtype, not infinity.
    for dtype in (np.float32, np.float64):
        eps = np.finfo(dtype).eps
        loss = log_loss([1, 0], np.array([0.0, 0.0], dtype=dtype))
        assert loss == pytest.approx(-np.log(eps) / 2, rel=1e-6)


def test_log_loss_labels_cover_classes_missing_from_y_true():
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    assert log_loss([0, 1], proba, labels=[0, 1, 2]) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)


def test_log_loss_warns_when_rows_do_not_sum_to_one():
    with pytest.warns(UserWarning, match="sum to one"):
        log_loss([0, 1], [[0.5, 0.4], [0.1, 0.9]])


# ---------------------------------------------------------------- scikit-learn


@pytest.mark.parametrize("kind", sorted(CLASS_SETS))
def test_match_scikit_learn_on_random_labels(kind):
    skm = sklearn_metrics()
    rng = np.random.default_rng(sorted(CLASS_SETS).index(kind))
    classes = CLASS_SETS[kind]
    for _ in range(15):
        y_true, y_pred = random_labels(rng, classes)
        weights = rng.random(y_true.size) + 0.05
        for w in (None, weights):
            assert accuracy_score(y_true, y_pred, sample_weight=w) == pytest.approx(
                skm.accuracy_score(y_true, y_pred, sample_weight=w)
            )
            assert accuracy_score(y_true, y_pred, normalize=False, sample_weight=w) == pytest.approx(
                skm.accuracy_score(y_true, y_pred, normalize=False, sample_weight=w)
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # single labels and unseen classes warn in both
                for normalize in (None, "true", "pred", "all"):
                    ours = confusion_matrix(y_true, y_pred, sample_weight=w, normalize=normalize)
                    theirs = skm.confusion_matrix(y_true, y_pred, sample_weight=w, normalize=normalize)
                    np.testing.assert_allclose(ours, theirs)
                    assert ours.dtype == theirs.dtype
                for adjusted in (False, True):
                    np.testing.assert_allclose(
                        balanced_accuracy_score(y_true, y_pred, sample_weight=w, adjusted=adjusted),
                        skm.balanced_accuracy_score(y_true, y_pred, sample_weight=w, adjusted=adjusted),
                    )


def test_confusion_matrix_labels_match_scikit_learn():
    skm = sklearn_metrics()
    rng = np.random.default_rng(3)
    for _ in range(20):
        y_true, y_pred = random_labels(rng, [0, 1, 2, 3])
        labels = rng.permutation([0, 1, 2, 3, 7])[: int(rng.integers(1, 6))]
        if not np.isin(y_true, labels).any():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a single label warns in both
            np.testing.assert_array_equal(
                confusion_matrix(y_true, y_pred, labels=labels),
                skm.confusion_matrix(y_true, y_pred, labels=labels),
            )


def test_log_loss_matches_scikit_learn():
    skm = sklearn_metrics()
    rng = np.random.default_rng(4)
    for n_classes in (2, 3, 5):
        for dtype in (np.float32, np.float64):
            proba = rng.dirichlet(np.full(n_classes, 0.3), size=50).astype(dtype)
            proba[:3] = np.eye(n_classes, dtype=dtype)[rng.integers(0, n_classes, 3)]  # hits the clip
            y_true = rng.integers(0, n_classes, 50)
            y_true[:n_classes] = np.arange(n_classes)
            weights = rng.random(50)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # float32 rows may miss 1 by an ulp
                for w in (None, weights):
                    assert log_loss(y_true, proba, sample_weight=w) == pytest.approx(
                        skm.log_loss(y_true, proba, sample_weight=w), rel=1e-6
                    )
    proba = rng.dirichlet(np.ones(2), size=20)
    labels = np.array(["no", "yes"])[rng.integers(0, 2, 20)]
    assert log_loss(labels, proba[:, 1]) == pytest.approx(skm.log_loss(labels, proba[:, 1]))
    assert log_loss(labels == "yes", proba, labels=[False, True]) == pytest.approx(
        skm.log_loss(labels == "yes", proba, labels=[False, True])
    )


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("metric", [accuracy_score, balanced_accuracy_score, confusion_matrix])
def test_label_metrics_reject_bad_targets(metric):
    with pytest.raises(ValueError, match="y_pred holds continuous values"):
        metric([0, 1, 1], [0.2, 0.9, 0.6])
    with pytest.raises(ValueError, match="mix of label types"):
        metric(["a", "b"], [0, 1])
    with pytest.raises(ValueError, match="mixes strings and numbers"):
        metric(np.array(["a", 1], dtype=object), ["a", "a"])
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        metric([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="y_true contains NaN"):
        metric([0.0, np.nan], [0, 1])
    with pytest.raises(ValueError, match="empty"):
        metric([], [])
    if metric is not accuracy_score:  # accuracy takes indicator matrices (subset accuracy)
        with pytest.raises(ValueError, match="multilabel"):
            metric([[0, 1], [1, 1]], [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="multilabel indicator matrix but the other"):
        accuracy_score([[0, 1], [1, 1]], [1, 0])
    with pytest.raises(ValueError, match="None"):
        metric(["a", None], ["a", "b"])


def test_confusion_matrix_rejects_bad_labels_and_normalize():
    with pytest.raises(ValueError, match="none of labels"):
        confusion_matrix([0, 1], [0, 1], labels=[5])
    with pytest.raises(ValueError, match="duplicates"):
        confusion_matrix([0, 1], [0, 1], labels=[0, 0, 1])
    with pytest.raises(ValueError, match="at least one label"):
        confusion_matrix([0, 1], [0, 1], labels=[])
    with pytest.raises(ValueError, match="normalize"):
        confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match="sample_weight"):
        confusion_matrix([0, 1], [0, 1], sample_weight=[1.0, -1.0])


def test_log_loss_rejects_mismatched_columns_and_bad_probabilities():
    with pytest.raises(ValueError, match="3 columns but y_true gives 2 classes"):
        log_loss([0, 1, 1], np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match="labels gives 4 classes"):
        log_loss([0, 1, 1], np.full((3, 3), 1 / 3), labels=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="only one label"):
        log_loss([1, 1], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"not in labels"):
        log_loss([0, 5], [[0.5, 0.5], [0.5, 0.5]], labels=[0, 1])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        log_loss([0, 1], [[1.5, -0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="NaN"):
        log_loss([0, 1], [[np.nan, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="y_true holds continuous values"):
        log_loss([0.5, 1.0], [0.2, 0.3])
