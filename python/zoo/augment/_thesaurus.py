"""A small built-in English thesaurus for the text augmentations.

Groups of interchangeable everyday words, written for zoo. Within a group
every word is offered as a synonym of every other; a word listed in two
groups gets the synonyms of both. Only lowercase single words: the text
transforms look words up lowercased, without surrounding punctuation.
"""

from __future__ import annotations

_GROUPS = (
    # adjectives
    "big large huge enormous vast",
    "small little tiny minor compact",
    "good fine great excellent decent",
    "bad poor awful terrible lousy",
    "happy glad cheerful joyful content",
    "sad unhappy gloomy sorrowful downcast",
    "fast quick rapid swift speedy",
    "slow sluggish leisurely unhurried",
    "smart clever bright intelligent sharp",
    "stupid foolish silly dumb",
    "easy simple effortless straightforward",
    "hard difficult tough demanding",
    "beautiful pretty lovely attractive gorgeous",
    "ugly unattractive unsightly hideous",
    "old aged ancient elderly",
    "new fresh novel recent modern",
    "important significant crucial vital essential",
    "strange odd weird peculiar unusual",
    "angry mad furious irate annoyed",
    "calm quiet peaceful tranquil serene",
    "loud noisy deafening rowdy",
    "rich wealthy affluent prosperous",
    "poor needy impoverished broke",
    "strong powerful sturdy robust",
    "weak feeble frail fragile",
    "clean spotless tidy neat",
    "dirty filthy grimy messy",
    "brave bold courageous fearless",
    "scared afraid frightened fearful",
    "tired weary exhausted sleepy",
    "funny amusing humorous comical",
    "boring dull tedious monotonous",
    "interesting fascinating intriguing engaging",
    "correct right accurate exact",
    "wrong incorrect mistaken false",
    "cheap inexpensive affordable economical",
    "expensive costly pricey dear",
    "kind nice friendly caring gentle",
    "rude impolite discourteous insolent",
    "famous renowned celebrated noted",
    "whole entire complete full",
    "empty vacant hollow bare",
    "hot warm heated scorching",
    "cold chilly cool freezing",
    "wet damp moist soggy",
    "dry arid parched",
    "dark dim murky gloomy",
    "true real genuine actual",
    "sure certain confident positive",
    "main chief primary principal key",
    # verbs
    "begin start commence initiate",
    "end finish complete conclude",
    "help aid assist support",
    "make create build produce",
    "show display reveal exhibit",
    "get obtain acquire gain",
    "buy purchase acquire",
    "say state declare remark",
    "tell inform notify",
    "ask inquire query",
    "answer reply respond",
    "look see watch observe view",
    "think believe consider suppose",
    "want wish desire crave",
    "like enjoy appreciate fancy",
    "love adore cherish",
    "hate detest loathe despise",
    "try attempt endeavor",
    "use employ utilize apply",
    "find discover locate detect",
    "give provide offer supply",
    "keep retain hold maintain",
    "choose pick select elect",
    "change alter modify adjust",
    "move shift relocate transfer",
    "run sprint dash race",
    "walk stroll stride wander",
    "talk speak chat converse",
    "shout yell scream holler",
    "fix repair mend restore",
    "break smash shatter crack",
    "stop halt cease quit",
    "leave depart exit go",
    "arrive come reach",
    "understand grasp comprehend",
    "improve enhance better upgrade",
    "increase raise boost expand",
    "decrease reduce lower lessen cut",
    "need require demand",
    "allow permit let enable",
    # nouns
    "car automobile vehicle",
    "house home dwelling residence",
    "job work occupation employment",
    "problem issue difficulty trouble",
    "idea notion concept thought",
    "result outcome consequence effect",
    "answer response reply",
    "child kid youngster",
    "friend companion pal buddy",
    "movie film picture",
    "road street avenue route",
    "story tale narrative account",
    "mistake error blunder fault",
    "goal aim target objective",
    "chance opportunity possibility",
    "gift present donation",
    "shop store market",
    "trip journey voyage tour",
    "fight battle combat struggle",
    "money cash funds",
    "speed pace velocity rate",
    "picture image photo photograph",
    "world globe earth",
    "book volume novel",
    # adverbs
    "quickly rapidly swiftly fast",
    "slowly gradually leisurely",
    "often frequently regularly",
    "rarely seldom infrequently",
    "very really extremely highly",
    "maybe perhaps possibly",
    "almost nearly practically",
)


def _build(groups):
    thesaurus = {}
    for group in groups:
        words = group.split()
        for word in words:
            synonyms = thesaurus.setdefault(word, [])
            for other in words:
                if other != word and other not in synonyms:
                    synonyms.append(other)
    return thesaurus


BUILTIN_THESAURUS = _build(_GROUPS)
