"""Correct misspelt query words to words the corpus actually contains.

BM25 matches exact terms, so "ceasfire" or "Witkof" finds nothing. Correcting only towards
the corpus vocabulary keeps the bot from "fixing" a question into words no article uses.

Why symspellpy: its symmetric-delete index finds every vocabulary word within edit
distance 2 with a few dictionary look-ups, so a word costs well under a millisecond even
with 100k vocabulary words (~0.05 ms measured), where a linear scan (rapidfuzz ``process.extract``) costs
tens of milliseconds. rapidfuzz still computes the edit distances (restricted
Damerau-Levenshtein: one transposition counts as one edit), in C rather than pure Python.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # symspellpy and rapidfuzz load with the first index (~15 ms of start-up)
    from symspellpy import SymSpell

MIN_CORRECTABLE_LENGTH = 4  # "US", "war", "oil": too short to tell a typo from another word
SHORT_WORD_LENGTH = 5  # words up to this long get one edit, longer words two
MAX_EDIT_DISTANCE = 2
# symspellpy indexes deletes of each word's first PREFIX_LENGTH letters: 5 rather than its
# default 7 cuts an 80k-word index from ~120 MB and 4.6 s to ~28 MB and 1.4 s, while a
# look-up still takes ~0.05 ms (longer words are then verified by rapidfuzz).
PREFIX_LENGTH = 5
# The bundled English list holds words with a Google n-gram count; below this count it is
# mostly typos and fragments, which must not shield a misspelling from correction.
ENGLISH_MIN_COUNT = 100_000

_WORD = re.compile(r"[^\W\d_]+")
APOSTROPHES = "'’ʼ"


def possessive_parts(word: str) -> tuple[str, str]:
    """``word`` without its possessive endings, and the endings: ("Mertz", "'s") for
    "Mertz's", ("Witkoffs", "’") for "Witkoffs’", (word, "") for a word without.

    A scan from the end. The regex ``(.+?)(['’ʼ]s?)$`` it replaces, peeling one ending per
    call, retried every start of the word and recursed once per apostrophe: ~0.3 s, or a
    RecursionError, on a word of 1,000 apostrophes (tests/test_regex_safety.py).
    """
    if "\n" in word:  # the regex's ``.`` stopped at a line break
        return word, ""
    end = len(word)
    while True:
        if end >= 2 and word[end - 1] in APOSTROPHES:
            end -= 1
        elif end >= 3 and word[end - 1] == "s" and word[end - 2] in APOSTROPHES:
            end -= 2
        else:
            return word[:end], word[end:]


@cache
def _rapidfuzz_osa() -> Any:
    """symspellpy's distance interface backed by rapidfuzz's C implementation."""
    from rapidfuzz.distance import OSA
    from symspellpy.abstract_distance_comparer import AbstractDistanceComparer

    class RapidfuzzOSA(AbstractDistanceComparer):  # type: ignore[misc]  # symspellpy is untyped
        def distance(self, string_1: str | None, string_2: str | None, max_distance: int) -> int:
            if string_1 is None or string_2 is None:
                longest = len(string_1 or string_2 or "")
                return longest if longest <= max_distance else -1
            result = OSA.distance(string_1, string_2, score_cutoff=max_distance)
            return result if result <= max_distance else -1

    return RapidfuzzOSA()


def vocabulary_from_texts(texts: Iterable[str]) -> Counter[str]:
    """Lower-cased word forms and their frequencies, letters only (digits never need fixing)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(match.group().casefold() for match in _WORD.finditer(text))
    return counts


@cache
def _english_list() -> Mapping[str, int]:
    """Every word of the list symspellpy ships, with its count."""
    listing = resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt")
    words: dict[str, int] = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition(" ")
        if count.strip().isdigit():
            words[word] = int(count)
    return words


@cache
def english_frequencies(min_count: int = ENGLISH_MIN_COUNT) -> Mapping[str, int]:
    """Common correctly spelt English words and their counts, from the list symspellpy ships."""
    return {word: count for word, count in _english_list().items() if count >= min_count}


# Endings of regular inflections, with what restores the word they inflect.
_INFLECTIONS = (
    ("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
    ("ing", ""), ("ing", "e"), ("er", ""), ("er", "e"), ("est", ""), ("ly", ""),
)  # fmt: skip


def english_count(word: str) -> int:
    """How often the casefolded ``word`` occurs in the English counts symspellpy ships."""
    return _english_list().get(word, 0)


def inflects(word: str, common: Collection[str]) -> bool:
    """Whether ``word`` is a regular inflection of a word in ``common`` ("parroted" of
    "parrot", "stopped" of "stop")."""
    for ending, restore in _INFLECTIONS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            base = word[: -len(ending)]
            if base + restore in common:
                return True
            if not restore and len(base) > 2 and base[-1] == base[-2] and base[:-1] in common:
                return True
    return False


@cache
def english_words(min_count: int = ENGLISH_MIN_COUNT) -> frozenset[str]:
    """Common correctly spelt English words.

    A question may use a real word the corpus lacks ("topping", "password"); correcting
    it to a corpus word ("stepping") would make an unanswerable question look answerable.
    """
    return frozenset(english_frequencies(min_count))


def is_english(folded: str) -> bool:
    """Whether a casefolded word is a common English word, or a listed inflection of one.

    A rarer form of a common word is as real ("parroted", counted 20,127 times, was
    corrected to "narrowed"), while the list's other rare words are mostly typos and
    fragments. Asked word by word: collecting every such form at start cost 0.12 s.
    """
    common = english_words()
    return folded in common or (folded in _english_list() and inflects(folded, common))


class SpellingCorrector:
    """Maps an out-of-vocabulary word to the closest, most frequent vocabulary word."""

    def __init__(
        self,
        frequencies: Mapping[str, int],
        *,
        known_words: Collection[str] | None = None,
        other_forms: Mapping[str, int] | None = None,
    ) -> None:
        """``known_words`` are never corrected; ``None`` means the bundled English list.

        ``other_forms`` are words the corpus does not use in that form but whose index term
        it has ("weapon" when the articles only say "weapons"): they are tried when no
        corpus word is close enough, so that "wepon" still finds "weapons".
        """
        self._frequencies = {word.casefold(): count for word, count in frequencies.items()}
        self._known = is_english if known_words is None else known_words.__contains__
        self._index = _index_of(self._frequencies)
        others = {w: c for w, c in (other_forms or {}).items() if w not in self._frequencies}
        self._others = _index_of(others) if others else None

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        *,
        known_words: Collection[str] | None = None,
        other_forms: Mapping[str, int] | None = None,
    ) -> SpellingCorrector:
        """Build from raw article or passage text."""
        return cls(vocabulary_from_texts(texts), known_words=known_words, other_forms=other_forms)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.casefold() in self._frequencies

    def __len__(self) -> int:
        return len(self._frequencies)

    def words(self) -> Iterable[str]:
        """The corpus's word forms, casefolded."""
        return self._frequencies.keys()

    def correct(self, word: str) -> str | None:
        """The vocabulary word ``word`` was probably meant to be, or ``None`` to leave it.

        Leaves alone: words of three letters or fewer, anything not purely letters,
        vocabulary words and known English words. Allows one edit up to five letters,
        two beyond; among equally close words the more frequent wins, and a corpus word
        wins over another form. A possessive is kept: "Mertz's" becomes "Merz's".
        """
        stem, endings = possessive_parts(word)
        if endings:
            fixed = self.correct(stem)
            return fixed + endings if fixed else None
        folded = word.casefold()
        if _never_corrected(folded, self._known) or folded in self._frequencies:
            return None
        from symspellpy import Verbosity  # loaded with the index already

        max_distance = 1 if len(folded) <= SHORT_WORD_LENGTH else MAX_EDIT_DISTANCE
        for index in (self._index, self._others):
            if index is None:
                continue
            suggestions = index.lookup(folded, Verbosity.CLOSEST, max_edit_distance=max_distance)
            if suggestions:
                best = min(suggestions, key=lambda item: (item.distance, -item.count, item.term))
                return str(best.term)
        return None


def left_alone(word: str) -> bool:
    """Whether ``correct`` leaves ``word`` alone whatever the corpus (the bundled English
    list as known words): too short, not letters, or a common English word. Such a word
    needs no spelling index, which costs seconds to build at 100k passages."""
    stem, endings = possessive_parts(word)
    if endings:
        return left_alone(stem)
    return _never_corrected(word.casefold(), is_english)


def _never_corrected(folded: str, known: Callable[[str], bool]) -> bool:
    return len(folded) < MIN_CORRECTABLE_LENGTH or not folded.isalpha() or known(folded)


def english_forms(has_term: Callable[[str], bool]) -> dict[str, int]:
    """Common English words whose index term the corpus has, with their frequencies."""
    from retrieval.tokenize import term_of

    return {
        word: count
        for word, count in english_frequencies().items()
        if (term := term_of(word)) is not None and has_term(term)
    }


def _index_of(frequencies: Mapping[str, int]) -> SymSpell:
    from symspellpy import SymSpell
    from symspellpy.editdistance import DistanceAlgorithm, EditDistance

    index = SymSpell(
        max_dictionary_edit_distance=MAX_EDIT_DISTANCE,
        prefix_length=PREFIX_LENGTH,
        count_threshold=1,
        distance_comparer=EditDistance(DistanceAlgorithm.USER_PROVIDED, _rapidfuzz_osa()),
    )
    for word, count in frequencies.items():
        if count > 0:
            index.create_dictionary_entry(word, count)
    return index
