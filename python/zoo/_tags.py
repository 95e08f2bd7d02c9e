"""Estimator tags: defaults, merging, and translation to scikit-learn's ``Tags``.

Tags are declared as plain class attributes (``_estimator_type`` and
``_zoo_tags``); :func:`get_tags` merges them along the class hierarchy and
:func:`_sklearn_tags` translates them into scikit-learn's ``Tags`` only when
scikit-learn asks for them (``BaseEstimator.__sklearn_tags__``).
"""

from __future__ import annotations

__all__ = ["get_tags"]

# zoo tag -> where it lives in scikit-learn's Tags; _DEFAULT_TAGS (which is
# BaseEstimator._zoo_tags) holds the defaults, subclasses and mixins override
# a few keys.
_TAG_HOMES = {
    "requires_y": "target_tags.required",
    "multi_output": "target_tags.multi_output",
    "single_output": "target_tags.single_output",
    "allow_nan": "input_tags.allow_nan",
    "sparse": "input_tags.sparse",
    "positive_only": "input_tags.positive_only",
    "pairwise": "input_tags.pairwise",
    "one_d_array": "input_tags.one_d_array",
    "two_d_array": "input_tags.two_d_array",
    "three_d_array": "input_tags.three_d_array",
    "categorical": "input_tags.categorical",
    "string": "input_tags.string",
    "dict": "input_tags.dict",
    "transformer": "transformer_tags is not None",
    "preserves_dtype": "transformer_tags.preserves_dtype",
    "poor_score": "classifier_tags/regressor_tags.poor_score",
    "multi_class": "classifier_tags.multi_class",
    "multi_label": "classifier_tags.multi_label",
    "non_deterministic": "non_deterministic",
    "requires_fit": "requires_fit",
    "no_validation": "no_validation",
    "array_api_support": "array_api_support",
}

# The default of every tag: BaseEstimator._zoo_tags is this dict.
_DEFAULT_TAGS = {
    "requires_y": False,
    "multi_output": False,
    "single_output": True,
    "allow_nan": False,
    "sparse": False,
    "positive_only": False,
    "pairwise": False,
    "one_d_array": False,
    "two_d_array": True,
    "three_d_array": False,
    "categorical": False,
    "string": False,
    "dict": False,
    "transformer": False,
    # Classic estimators compute in the caller's float type.
    "preserves_dtype": ["float64", "float32"],
    "poor_score": False,
    "multi_class": True,
    "multi_label": False,
    "non_deterministic": False,
    "requires_fit": True,
    "no_validation": False,
    "array_api_support": False,
}


def get_tags(estimator):
    """The zoo tags of an estimator, merged along its class hierarchy.

    Parameters
    ----------
    estimator : estimator instance or class

    Returns
    -------
    dict
        Every key of ``BaseEstimator._zoo_tags``; later classes in the MRO
        are overridden by earlier ones.
    """
    cls = estimator if isinstance(estimator, type) else type(estimator)
    merged = {}
    for klass in reversed(cls.__mro__):
        merged.update(klass.__dict__.get("_zoo_tags", {}))
    return merged


def _check_tag_names(cls):
    for klass in cls.__mro__:
        unknown = set(klass.__dict__.get("_zoo_tags", {})) - set(_TAG_HOMES)
        if unknown:
            raise TypeError(
                f"{klass.__name__}._zoo_tags has unknown tag(s) {sorted(unknown)}; "
                f"known tags: {sorted(_TAG_HOMES)}."
            )


def _sklearn_tags(estimator):
    """scikit-learn's view of :func:`get_tags` (needs scikit-learn >= 1.6).

    The body of ``BaseEstimator.__sklearn_tags__``.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    sklearn.utils.Tags
    """
    from sklearn.utils import (
        ClassifierTags,
        InputTags,
        RegressorTags,
        Tags,
        TargetTags,
        TransformerTags,
    )

    tags = get_tags(estimator)
    kind = estimator._estimator_type
    input_keys = ("one_d_array", "two_d_array", "three_d_array", "sparse",
                  "categorical", "string", "dict", "positive_only",
                  "allow_nan", "pairwise")
    return Tags(
        estimator_type=kind,
        target_tags=TargetTags(
            required=tags["requires_y"],
            multi_output=tags["multi_output"],
            single_output=tags["single_output"],
        ),
        input_tags=InputTags(**{key: tags[key] for key in input_keys}),
        transformer_tags=(
            TransformerTags(preserves_dtype=list(tags["preserves_dtype"]))
            if tags["transformer"] or kind == "transformer"
            else None
        ),
        classifier_tags=(
            ClassifierTags(
                poor_score=tags["poor_score"],
                multi_class=tags["multi_class"],
                multi_label=tags["multi_label"],
            )
            if kind == "classifier"
            else None
        ),
        regressor_tags=(
            RegressorTags(poor_score=tags["poor_score"]) if kind == "regressor" else None
        ),
        array_api_support=tags["array_api_support"],
        no_validation=tags["no_validation"],
        non_deterministic=tags["non_deterministic"],
        requires_fit=tags["requires_fit"],
    )
