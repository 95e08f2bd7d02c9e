"""Precision, recall and F-scores: against per-label counting written out here,
against scikit-learn on random inputs (averages, labels, weights,
zero_division), and on bad input."""

import warnings

import numpy as np
import pytest

from zoo.metrics import (
    UndefinedMetricWarning,
    classification_report,
    f1_score,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)

AVERAGES = [None, "micro", "macro", "weighted"]


def brute_force_scores(y_true, y_pred, labels, weights, beta, fill):
    """Per-label precision, recall, F-beta and support by explicit loops."""
    rows = []
    for label in labels:
        tp = sum(w for t, p, w in zip(y_true, y_pred, weights) if t == label and p == label)
        predicted = sum(w for p, w in zip(y_pred, weights) if p == label)
        actual = sum(w for t, w in zip(y_true, weights) if t == label)
        precision = tp / predicted if predicted else fill
        recall = tp / actual if actual else fill
        denominator = beta**2 * actual + predicted
        f_score = (1 + beta**2) * tp / denominator if denominator else fill
        rows.append((precision, recall, f_score, actual))
    return np.array(rows, dtype=float).T


def test_per_label_and_averaged_scores_match_explicit_counting():
    rng = np.random.default_rng(0)
    for _ in range(25):
        n = int(rng.integers(1, 30))
        y_true, y_pred = rng.integers(0, 4, n), rng.integers(0, 4, n)
        weights = rng.random(n) + 0.1
        labels = [3, 0, 5]  # out of order, with one label absent from the data
        beta = float(rng.choice([0.5, 1.0, 2.0]))
        fill = float(rng.choice([0.0, 1.0]))
        precision, recall, f_score, support = brute_force_scores(y_true, y_pred, labels, weights, beta, fill)
        ours = precision_recall_fscore_support(
            y_true, y_pred, beta=beta, labels=labels, sample_weight=weights, zero_division=fill
        )
        np.testing.assert_allclose(np.array(ours), [precision, recall, f_score, support])
        macro = precision_recall_fscore_support(
            y_true, y_pred, beta=beta, labels=labels, sample_weight=weights, zero_division=fill, average="macro"
        )
        np.testing.assert_allclose(macro[:3], [precision.mean(), recall.mean(), f_score.mean()])
        if support.sum() > 0:
            weighted = f1_score(y_true, y_pred, labels=labels, sample_weight=weights, zero_division=fill,
                                average="weighted")
            f1 = brute_force_scores(y_true, y_pred, labels, weights, 1.0, fill)[2]
            assert weighted == pytest.approx(np.average(f1, weights=support))


def test_micro_average_pools_the_counts_and_equals_accuracy_over_all_labels():
    y_true = np.array([0, 1, 2, 2, 1, 0, 2])
    y_pred = np.array([0, 2, 2, 1, 1, 0, 0])
    accuracy = np.mean(y_true == y_pred)
    for metric in (precision_score, recall_score, f1_score):
        assert metric(y_true, y_pred, average="micro") == pytest.approx(accuracy)
    # Restricted to labels 1 and 2: tp 2, predicted 4, true 5.
    assert precision_score(y_true, y_pred, labels=[1, 2], average="micro") == pytest.approx(2 / 4)
    assert recall_score(y_true, y_pred, labels=[1, 2], average="micro") == pytest.approx(2 / 5)


def test_binary_average_scores_pos_label():
    y_true = ["spam", "ham", "spam", "spam", "ham"]
    y_pred = ["spam", "spam", "ham", "spam", "ham"]
    assert precision_score(y_true, y_pred, pos_label="spam") == pytest.approx(2 / 3)
    assert recall_score(y_true, y_pred, pos_label="ham") == pytest.approx(1 / 2)
    assert fbeta_score(y_true, y_pred, beta=np.inf, pos_label="spam") == pytest.approx(2 / 3)
    assert fbeta_score(y_true, y_pred, beta=0, pos_label="ham") == pytest.approx(1 / 2)


def test_zero_division_values_and_warnings():
    # Label 1 is never predicted: its precision is 0/0.
    y_true, y_pred = [0, 1, 1], [0, 0, 0]
    with pytest.warns(UndefinedMetricWarning, match="Precision is ill-defined"):
        assert precision_score(y_true, y_pred) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert precision_score(y_true, y_pred, zero_division=1) == 1.0
        assert np.isnan(precision_score(y_true, y_pred, zero_division=np.nan))
        # NaN labels are left out of an average instead of pulling it down.
        assert precision_score(y_true, y_pred, average="macro", zero_division=np.nan) == pytest.approx(1 / 3)
        assert precision_score(y_true, y_pred, average="macro", zero_division=0) == pytest.approx(1 / 6)
        # Recall of label 1 is defined (0/2) and F1 is 0/2: no warning there.
        assert recall_score(y_true, y_pred) == 0.0
        assert f1_score(y_true, y_pred) == 0.0
    # All-negative truth and prediction: every ratio of the positive class is 0/0.
    with pytest.warns(UndefinedMetricWarning, match="F-score is ill-defined"):
        assert f1_score([0, 0], [0, 0]) == 0.0
    assert f1_score([0, 0], [0, 0], zero_division=1.0) == 1.0


def test_undefined_metric_warning_is_also_scikit_learns_when_it_is_loaded():
    sklearn_exceptions = pytest.importorskip("sklearn.exceptions")
    with pytest.warns(sklearn_exceptions.UndefinedMetricWarning):
        precision_score([0, 1], [0, 0])
    assert issubclass(UndefinedMetricWarning, UserWarning)


def test_pos_label_is_ignored_with_a_warning_for_other_averages():
    with pytest.warns(UserWarning, match="pos_label='b' is ignored"):
        score = recall_score(["a", "b"], ["a", "a"], pos_label="b", average="macro")
    assert score == pytest.approx(0.5)


def test_classification_report_of_a_hand_worked_example():
    # Label 0: 1 of 2 predictions right, its 1 sample found. Label 1: never
    # right. Label 2: both predictions right, 2 of its 3 samples found.
    report = classification_report([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], output_dict=True)
    assert report["0"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1-score": 2 / 3, "support": 1})
    assert report["1"] == pytest.approx({"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 1})
    assert report["2"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1-score": 0.8, "support": 3})
    assert report["accuracy"] == pytest.approx(3 / 5)
    assert report["macro avg"] == pytest.approx(
        {"precision": 0.5, "recall": 5 / 9, "f1-score": (2 / 3 + 0.8) / 3, "support": 5}
    )
    assert report["weighted avg"] == pytest.approx(
        {"precision": 0.7, "recall": 0.6, "f1-score": (2 / 3 + 3 * 0.8) / 5, "support": 5}
    )
    # A subset of labels gets a micro average instead of accuracy: tp 3, predicted 4, true 4.
    subset = classification_report([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], labels=[0, 2], target_names=["zero", "two"],
                                   output_dict=True)
    assert list(subset) == ["zero", "two", "micro avg", "macro avg", "weighted avg"]
    assert subset["micro avg"]["precision"] == pytest.approx(3 / 4)
    text = classification_report([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], digits=3)
    assert "       0      0.500     1.000     0.667         1" in text
    assert "    accuracy                          0.600         5" in text


def test_classification_report_rejects_bad_arguments():
    with pytest.raises(ValueError, match="target_names has 3 names for 2 labels"):
        classification_report([0, 1], [0, 1], target_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="digits"):
        classification_report([0, 1], [0, 1], digits=-1)


# ---------------------------------------------------------------- scikit-learn


def test_classification_report_matches_scikit_learn():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    for trial in range(12):
        classes = [["ant", "bee", "cat"], [0, 1], [0, 1, 2, 3]][trial % 3]
        n = int(rng.integers(1, 30))
        y_true, y_pred = rng.choice(classes, n), rng.choice(classes, n)
        options = dict(digits=int(rng.integers(1, 5)), zero_division=(0, 1.0, "warn")[trial % 3])
        if trial % 4 == 0:
            options.update(labels=classes[:2], target_names=["first label", "second"])
        weights = rng.random(n) if trial % 2 else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if weights is None:  # weighted supports are printed rounded here, raw there
                assert classification_report(y_true, y_pred, **options) == skm.classification_report(
                    y_true, y_pred, **options
                )
            ours = classification_report(y_true, y_pred, sample_weight=weights, output_dict=True, **options)
            theirs = skm.classification_report(y_true, y_pred, sample_weight=weights, output_dict=True, **options)
        assert list(ours) == list(theirs)
        for key, value in theirs.items():
            assert ours[key] == pytest.approx(value)



def call_both(ours, theirs, *args, **kwargs):
    """Both results and whether each warned that a score was undefined."""
    results, warned = [], []
    for function in (ours, theirs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results.append(function(*args, **kwargs))
        warned.append(any(issubclass(w.category, UndefinedMetricWarning) or
                          w.category.__name__ == "UndefinedMetricWarning" for w in caught))
    return results, warned


@pytest.mark.parametrize("classes", [[0, 1], ["no", "yes"], [0, 1, 2, 3], ["x", "y", "z"], [False, True]])
def test_match_scikit_learn_on_random_labels(classes):
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(len(classes) + isinstance(classes[0], str))
    pairs = [
        (precision_score, skm.precision_score, {}),
        (recall_score, skm.recall_score, {}),
        (f1_score, skm.f1_score, {}),
        (fbeta_score, skm.fbeta_score, {"beta": 0.5}),
        (fbeta_score, skm.fbeta_score, {"beta": 2.0}),
    ]
    averages = AVERAGES + (["binary"] if len(classes) == 2 else [])
    for trial in range(12):
        n = int(rng.integers(1, 25))
        # Few samples and skewed draws: labels go missing from y_pred or y_true.
        p = rng.dirichlet(np.ones(len(classes)) * 0.5)
        y_true, y_pred = rng.choice(classes, n, p=p), rng.choice(classes, n)
        weights = None if trial % 2 else rng.random(n) + 0.05
        zero_division = ("warn", 0, 1.0, np.nan)[trial // 2 % 4]
        for average in averages:
            options = dict(average=average, sample_weight=weights, zero_division=zero_division)
            if average == "binary":
                options["pos_label"] = classes[1]
            elif trial % 3 == 0:
                options["labels"] = list(rng.permutation(classes)[: len(classes) - 1])
            for ours, theirs, extra in pairs:
                (mine, reference), warned = call_both(ours, theirs, y_true, y_pred, **options, **extra)
                np.testing.assert_allclose(mine, reference, err_msg=f"{ours.__name__} {options}")
                assert warned[0] == warned[1], f"{ours.__name__} {options}"
        support = precision_recall_fscore_support(y_true, y_pred, sample_weight=weights, zero_division=0)[3]
        reference = skm.precision_recall_fscore_support(y_true, y_pred, sample_weight=weights, zero_division=0)[3]
        np.testing.assert_allclose(support, reference)


def test_labels_absent_from_the_data_match_scikit_learn():
    skm = pytest.importorskip("sklearn.metrics")
    y_true, y_pred = [0, 1, 2, 2], [0, 2, 2, 1]
    for average in AVERAGES:
        for zero_division in (0, 1, np.nan):
            options = dict(labels=[2, 9, 0], average=average, zero_division=zero_division)
            np.testing.assert_allclose(f1_score(y_true, y_pred, **options), skm.f1_score(y_true, y_pred, **options))


# ------------------------------------------------------------------ bad input


def test_bad_arguments_are_rejected_with_clear_errors():
    with pytest.raises(ValueError, match="multiclass .* average='binary'"):
        f1_score([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match="pos_label=1 is not a valid label"):
        precision_score(["a", "b"], ["a", "b"])
    with pytest.raises(ValueError, match="average must be one of"):
        recall_score([0, 1], [0, 1], average="mean")
    with pytest.raises(ValueError, match="multilabel"):
        recall_score([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError, match="zero_division"):
        f1_score([0, 1], [0, 1], zero_division=0.5)
    with pytest.raises(ValueError, match="beta"):
        fbeta_score([0, 1], [0, 1], beta=-1)
    with pytest.raises(ValueError, match="y_pred holds continuous values"):
        f1_score([0, 1], [0.3, 0.7])
    with pytest.raises(ValueError, match="mix of label types"):
        f1_score([0, 1], [0, 1], labels=["a"], average="macro")
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        precision_score([0, 1], [0, 1, 1])


# ------------------------------------------------------------------ multilabel indicator targets


def _indicator_targets(seed=0):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, (60, 5))
    y_pred = rng.integers(0, 2, (60, 5))
    y_true[4] = y_pred[4] = 0  # a sample with no labels at all: undefined per-sample scores
    y_pred[:, 3] = 0  # a label never predicted: undefined precision
    return y_true, y_pred, rng.uniform(0, 2, 60)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted", "samples"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("zero_division", [0, 1, np.nan])
def test_multilabel_scores_equal_scikit_learn(average, weighted, zero_division):
    skm = pytest.importorskip("sklearn.metrics")
    y_true, y_pred, weights = _indicator_targets()
    options = dict(average=average, sample_weight=weights if weighted else None, zero_division=zero_division)
    ours = precision_recall_fscore_support(y_true, y_pred, beta=0.5, **options)
    theirs = skm.precision_recall_fscore_support(y_true, y_pred, beta=0.5, **options)
    for mine, reference in zip(ours, theirs):
        if reference is None:
            assert mine is None
        else:
            np.testing.assert_allclose(mine, reference, equal_nan=True, rtol=1e-12)


def test_multilabel_labels_accuracy_and_report():
    skm = pytest.importorskip("sklearn.metrics")
    from zoo.metrics import accuracy_score, classification_report

    y_true, y_pred, weights = _indicator_targets(1)
    np.testing.assert_allclose(
        f1_score(y_true, y_pred, average=None, labels=[0, 2, 4]),
        skm.f1_score(y_true, y_pred, average=None, labels=[0, 2, 4]),
    )
    assert accuracy_score(y_true, y_pred, sample_weight=weights) == pytest.approx(
        skm.accuracy_score(y_true, y_pred, sample_weight=weights)
    )
    assert accuracy_score(y_true, y_true) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn about the undefined scores
        assert classification_report(y_true, y_pred) == skm.classification_report(y_true, y_pred)


def test_multilabel_errors():
    y_true, y_pred, _ = _indicator_targets()
    with pytest.raises(ValueError, match="average='binary'"):
        precision_score(y_true, y_pred)
    with pytest.raises(ValueError, match="column indices"):
        recall_score(y_true, y_pred, average="macro", labels=[0, 7])
    with pytest.raises(ValueError, match="shape"):
        f1_score(y_true, y_pred[:, :4], average="macro")
