"""Text augmentations: the invariants of each operation, thesaurus use,
back-translation's calls, seeding, and errors."""

from collections import Counter

import pytest

from zoo.augment import BackTranslation, RandomDeletion, RandomInsertion, RandomSwap, SynonymReplacement
from zoo.augment._thesaurus import BUILTIN_THESAURUS

TEXTS = [
    "the big dog ran quickly down the old road",
    "I think this movie is really good",
    "a small house with a new car",
    "one",
    "",
    "alpha beta gamma delta epsilon zeta eta theta",
]
THESAURUS = {"alpha": ["ALEPH"], "gamma": ["GIMEL", "G"], "eta": ["ETA2"]}


def all_transforms():
    return [
        SynonymReplacement(2),
        RandomInsertion(2),
        RandomSwap(2),
        RandomDeletion(0.3),
        BackTranslation(lambda text, lang: text[::-1]),
    ]


def test_swap_keeps_the_word_multiset():
    for seed in range(20):
        for text, out in zip(TEXTS, RandomSwap(3)(TEXTS, random_state=seed)):
            assert Counter(out.split()) == Counter(text.split())
    swapped = RandomSwap(1)(TEXTS, random_state=0)
    assert swapped[5] != TEXTS[5]  # two distinct positions, distinct words


def test_deletion_length_bounds_and_order():
    for seed in range(20):
        for text, out in zip(TEXTS, RandomDeletion(0.5)(TEXTS, random_state=seed)):
            words, kept = text.split(), out.split()
            assert min(1, len(words)) <= len(kept) <= len(words)
            iterator = iter(words)
            assert all(word in iterator for word in kept)  # a subsequence
    everything = RandomDeletion(1.0)(TEXTS, random_state=0)
    assert [len(out.split()) for out in everything] == [min(1, len(t.split())) for t in TEXTS]
    assert all(out in text.split() for text, out in zip(TEXTS, everything) if text)
    assert RandomDeletion(0.0)(TEXTS, random_state=0) == TEXTS


def test_deletion_rate_matches_p():
    text = " ".join(f"w{i}" for i in range(2000))
    kept = len(RandomDeletion(0.3)([text], random_state=1)[0].split())
    assert abs(kept / 2000 - 0.7) < 0.05


def test_insertion_adds_synonyms_of_words_in_the_text():
    for seed in range(20):
        for text, out in zip(TEXTS, RandomInsertion(2, thesaurus=THESAURUS)(TEXTS, random_state=seed)):
            words, result = text.split(), out.split()
            added = Counter(result) - Counter(words)
            assert len(words) <= len(result) <= len(words) + 2
            assert not Counter(words) - Counter(result)  # nothing lost
            allowed = {s for w in words for s in THESAURUS.get(w, [])}
            assert set(added) <= allowed
            if allowed:
                assert len(result) == len(words) + 2


def test_synonym_replacement_uses_the_thesaurus_and_keeps_the_rest():
    out = SynonymReplacement(10, thesaurus=THESAURUS)(TEXTS, random_state=0)
    assert out[5] in {
        f"ALEPH beta {g} delta epsilon zeta ETA2 theta" for g in ("GIMEL", "G")
    }
    assert out[:5] == TEXTS[:5]  # no thesaurus word: unchanged
    for seed in range(10):
        one = SynonymReplacement(1, thesaurus=THESAURUS)(TEXTS[5:], random_state=seed)[0].split()
        changed = [(a, b) for a, b in zip(TEXTS[5].split(), one) if a != b]
        assert len(changed) == 1 and changed[0][1] in THESAURUS[changed[0][0]]


def test_builtin_thesaurus_replacements_are_listed_synonyms():
    text = "the big dog ran quickly down the old road"
    for seed in range(10):
        out = SynonymReplacement(0.5)([text], random_state=seed)[0].split()
        changed = [(a, b) for a, b in zip(text.split(), out) if a != b]
        assert len(changed) == 4  # int(0.5 * 9) words, all with synonyms here
        assert all(b in BUILTIN_THESAURUS[a] for a, b in changed)


def test_punctuation_and_capitalisation_survive_replacement():
    out = SynonymReplacement(1, thesaurus={"big": ["large"]})(["Big, BIG! (big)"], random_state=0)[0]
    assert out.split() in (
        ["Large,", "BIG!", "(big)"], ["Big,", "LARGE!", "(big)"], ["Big,", "BIG!", "(large)"]
    )


def test_back_translation_calls_translate_to_via_then_back_to_source():
    calls = []

    def translate(text, lang):
        calls.append((text, lang))
        return f"<{lang}>{text}"

    out = BackTranslation(translate, via="de")(["hello", "good day"], random_state=0)
    assert out == ["<en><de>hello", "<en><de>good day"]
    assert calls == [("hello", "de"), ("<de>hello", "en"), ("good day", "de"), ("<de>good day", "en")]
    calls.clear()
    BackTranslation(translate, via="ja", source="fr")("bonjour")
    assert [lang for _, lang in calls] == ["ja", "fr"]


def test_back_translation_rejects_a_translator_that_returns_no_string():
    with pytest.raises(TypeError, match="must return a string"):
        BackTranslation(lambda text, lang: None)(["x"])


@pytest.mark.parametrize("transform", all_transforms(), ids=repr)
def test_contract_new_list_same_length_seeded(transform):
    given = list(TEXTS)
    out = transform(given, random_state=4)
    assert isinstance(out, list) and out is not given and len(out) == len(TEXTS)
    assert given == TEXTS
    assert out == transform(tuple(TEXTS), random_state=4)
    assert transform(TEXTS[0], random_state=4) == transform([TEXTS[0]], random_state=4)[0]


def test_different_seeds_give_different_results():
    for transform in all_transforms()[:4]:
        results = {tuple(transform(TEXTS, random_state=seed)) for seed in range(5)}
        assert len(results) > 1, repr(transform)


@pytest.mark.parametrize(
    "build, error, name",
    [
        (lambda: SynonymReplacement(n=-1), ValueError, "n"),
        (lambda: RandomInsertion(n=1.5), ValueError, "n"),
        (lambda: RandomSwap(n="2"), ValueError, "n"),
        (lambda: RandomDeletion(p=1.2), ValueError, "p"),
        (lambda: SynonymReplacement(thesaurus=["big"]), TypeError, "thesaurus"),
        (lambda: SynonymReplacement(thesaurus={"big": "large"}), TypeError, "thesaurus"),
        (lambda: SynonymReplacement(thesaurus={"big": None}), TypeError, "thesaurus"),
        (lambda: RandomInsertion(thesaurus={"big": 3}), TypeError, "thesaurus"),
        (lambda: BackTranslation("not callable"), TypeError, "translate"),
        (lambda: BackTranslation(str, via=""), ValueError, "via"),
    ],
)
def test_bad_parameters(build, error, name):
    with pytest.raises(error, match=name):
        build()


def test_bad_inputs():
    with pytest.raises(TypeError, match=r"X\[1\]"):
        RandomSwap()(["fine", 3])
    with pytest.raises(TypeError, match="list of strings"):
        RandomSwap()(42)
