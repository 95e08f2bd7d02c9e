"""Text augmentations: synonym replacement, random insertion, swap, deletion
(the four operations of Wei & Zou, "EDA: Easy Data Augmentation Techniques
for Boosting Performance on Text Classification Tasks", EMNLP 2019) and
back-translation through a translator the caller supplies.

Input is a list of strings (a single string also works and gives a string
back); the result is a new list of the same length. Tokenisation is by
whitespace: a word is a maximal run of non-whitespace characters, so
punctuation stays attached to its word, and the result joins the words with
single spaces. Thesaurus look-ups use the word lowercased and stripped of
leading and trailing punctuation; a replacement keeps that punctuation and
follows the word's capitalisation.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import _short_repr, check_in_range
from ._base import Transform
from ._thesaurus import BUILTIN_THESAURUS

__all__ = [
    "SynonymReplacement",
    "RandomInsertion",
    "RandomSwap",
    "RandomDeletion",
    "BackTranslation",
]


class _TextTransform(Transform):
    """Maps ``_augment_text(text, rng)`` over a list of strings."""

    def _augment(self, X, rng):
        owner = type(self).__name__
        if isinstance(X, str):
            return self._augment_text(X, rng)
        if isinstance(X, (bytes, dict, set)) or not hasattr(X, "__iter__"):
            raise TypeError(f"{owner}: X must be a list of strings (or one string); got {_short_repr(X)}.")
        texts = list(X)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"{owner}: X[{i}] must be a string; got {_short_repr(text)}.")
        return [self._augment_text(text, rng) for text in texts]

    def _augment_text(self, text, rng):
        raise NotImplementedError


# --------------------------------------------------------------- parameters


def _check_amount(n, owner):
    """An int count >= 0, or a float fraction in (0, 1] of the words."""
    if isinstance(n, numbers.Integral) and not isinstance(n, (bool, np.bool_)) and n >= 0:
        return int(n)
    if isinstance(n, numbers.Real) and not isinstance(n, (bool, np.bool_, numbers.Integral)) and 0.0 < n <= 1.0:
        return float(n)
    raise ValueError(
        f"{owner}: n must be an int >= 0 (a number of words) or a float in (0, 1] "
        f"(a fraction of the words); got {_short_repr(n)}."
    )


def _count(n, n_words):
    if isinstance(n, int):
        return n
    # A fraction of a short text still changes one word, as in EDA.
    return max(1, int(n * n_words)) if n_words else 0


def _check_thesaurus(thesaurus, owner):
    """The thesaurus keyed by lowercase words, every synonym a string."""
    if thesaurus is None:
        return BUILTIN_THESAURUS
    if not isinstance(thesaurus, dict):
        raise TypeError(
            f"{owner}: thesaurus must be None or a dict word -> list of synonyms; got {_short_repr(thesaurus)}."
        )
    lookup = {}
    for word, synonyms in thesaurus.items():
        if not isinstance(word, str) or isinstance(synonyms, str) or not hasattr(synonyms, "__iter__") or not all(
            isinstance(s, str) for s in synonyms
        ):
            raise TypeError(
                f"{owner}: thesaurus must map strings to lists of strings; got {word!r}: {_short_repr(synonyms)}."
            )
        merged = lookup.setdefault(word.lower(), [])
        merged.extend(s for s in synonyms if s and s.lower() != word.lower() and s not in merged)
    return lookup


# ------------------------------------------------------------------ words


def _split_affixes(word):
    """(leading punctuation, core, trailing punctuation) of a token."""
    start, end = 0, len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[:start], word[start:end], word[end:]


def _synonyms_of(word, lookup):
    return lookup.get(_split_affixes(word)[1].lower(), ())


def _with_case_of(replacement, original):
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _pick(options, rng):
    return options[int(rng.integers(len(options)))]


# ------------------------------------------------------------- transforms


class SynonymReplacement(_TextTransform):
    """Replace random words that have synonyms by one of their synonyms.

    Parameters
    ----------
    n : int or float, default=1
        An int: how many words to replace (fewer if fewer have synonyms).
        A float in (0, 1]: that fraction of the words, at least one.
    thesaurus : dict of str to list of str or None, default=None
        Word -> synonyms. None uses zoo's small built-in English thesaurus
        (a few hundred everyday adjectives, verbs, nouns and adverbs).

    Examples
    --------
    >>> SynonymReplacement(n=1)(["a big house"], random_state=0)  # doctest: +SKIP
    ['a huge house']
    """

    def __init__(self, n=1, thesaurus=None):
        self.n = n
        self.thesaurus = thesaurus
        self._n = _check_amount(n, type(self).__name__)
        self._lookup = _check_thesaurus(thesaurus, type(self).__name__)

    def _augment_text(self, text, rng):
        words = text.split()
        candidates = [i for i, word in enumerate(words) if _synonyms_of(word, self._lookup)]
        count = min(_count(self._n, len(words)), len(candidates))
        for i in rng.permutation(candidates)[:count]:
            prefix, core, suffix = _split_affixes(words[i])
            replacement = _pick(self._lookup[core.lower()], rng)
            words[i] = prefix + _with_case_of(replacement, core) + suffix
        return " ".join(words)


class RandomInsertion(_TextTransform):
    """Insert synonyms of random words at random positions.

    Parameters
    ----------
    n : int or float, default=1
        Number of insertions (int) or that fraction of the words (float in
        (0, 1], at least one). Nothing is inserted into a text none of whose
        words has a synonym.
    thesaurus : dict of str to list of str or None, default=None
        As for :class:`SynonymReplacement`.
    """

    def __init__(self, n=1, thesaurus=None):
        self.n = n
        self.thesaurus = thesaurus
        self._n = _check_amount(n, type(self).__name__)
        self._lookup = _check_thesaurus(thesaurus, type(self).__name__)

    def _augment_text(self, text, rng):
        words = text.split()
        for _ in range(_count(self._n, len(words))):
            candidates = [word for word in words if _synonyms_of(word, self._lookup)]
            if not candidates:
                break
            synonym = _pick(_synonyms_of(_pick(candidates, rng), self._lookup), rng)
            words.insert(int(rng.integers(len(words) + 1)), synonym)
        return " ".join(words)


class RandomSwap(_TextTransform):
    """Swap the positions of two random words, ``n`` times.

    Parameters
    ----------
    n : int or float, default=1
        Number of swaps (int) or that fraction of the words (float in (0, 1],
        at least one). Texts of fewer than two words are left as they are.
    """

    def __init__(self, n=1):
        self.n = n
        self._n = _check_amount(n, type(self).__name__)

    def _augment_text(self, text, rng):
        words = text.split()
        if len(words) >= 2:
            for _ in range(_count(self._n, len(words))):
                i, j = rng.choice(len(words), size=2, replace=False)
                words[i], words[j] = words[j], words[i]
        return " ".join(words)


class RandomDeletion(_TextTransform):
    """Delete each word with probability ``p``; one word always survives.

    Parameters
    ----------
    p : float in [0, 1], default=0.1
        Probability per word. When every word of a text would go, one
        random word is kept instead (an empty text stays empty).
    """

    def __init__(self, p=0.1):
        self.p = check_in_range(p, name="p", low=0.0, high=1.0, estimator=type(self).__name__)

    def _augment_text(self, text, rng):
        words = text.split()
        if len(words) <= 1:
            return " ".join(words)
        kept = rng.random(len(words)) >= self.p
        if not kept.any():
            kept[int(rng.integers(len(words)))] = True
        return " ".join(word for word, keep in zip(words, kept) if keep)


class BackTranslation(_TextTransform):
    """Paraphrase by translating to another language and back.

    Parameters
    ----------
    translate : callable
        ``translate(text, lang) -> str``, translating one text into the
        language ``lang`` (the source language is the caller's to know).
        Called twice per text: ``translate(text, via)``, then
        ``translate(that, source)``. zoo ships no translator; wrap any
        service or model.
    via : str, default="fr"
        Language code of the round trip's middle.
    source : str, default="en"
        Language code of the input texts, which the round trip returns to.

    Notes
    -----
    ``random_state`` is accepted for the common contract; the result is
    whatever the translator returns.

    Examples
    --------
    >>> def translate(text, lang):                      # doctest: +SKIP
    ...     return my_model.translate(text, target=lang)
    >>> BackTranslation(translate, via="de")(["the house is big"])  # doctest: +SKIP
    """

    def __init__(self, translate, via="fr", source="en"):
        owner = type(self).__name__
        if not callable(translate):
            raise TypeError(f"{owner}: translate must be a callable translate(text, lang); got {_short_repr(translate)}.")
        for name, value in (("via", via), ("source", source)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{owner}: {name} must be a language code such as 'fr'; got {_short_repr(value)}.")
        self.translate = translate
        self.via = via
        self.source = source

    def _augment_text(self, text, rng):
        middle = self._call(text, self.via)
        return self._call(middle, self.source)

    def _call(self, text, lang):
        result = self.translate(text, lang)
        if not isinstance(result, str):
            raise TypeError(
                f"{type(self).__name__}: translate(text, {lang!r}) must return a string; got {_short_repr(result)}."
            )
        return result
