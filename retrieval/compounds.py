"""Compound words written apart, hyphenated or closed: "land mine", "land-mine", "landmine".

BM25 matches exact terms, and English writes one compound three ways, so an article's
"landmine" is not found by a question's "land mine", nor "ceasefire" by "cease-fire".
A question term the corpus lacks is searched as the corpus's form of its compound:
- two words side by side (or hyphenated) that the corpus writes as one ("cease fire");
- one word the corpus writes as two ("landmine" for its "land" and "mine");
- the last word of a compound the corpus writes closed ("mine" for its "landmine"),
  since an English compound names a kind of its last word (a landmine is a mine).
Only terms the corpus lacks are searched so, as for aliases (``QueryTerms.stands_for``):
a question's own words always count first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import pairwise

from retrieval.spelling import english_count, english_frequencies
from retrieval.tokenize import STOPWORDS, term_of, word_spans

# Each part of a compound has at least this many letters: below it, splits like
# "car|pet" and "the|rapist" of words that are no compounds outnumber the real ones.
MIN_PART_LETTERS = 4
# Words that are also prefixes or suffixes, so that splitting at them finds a derivation,
# not a compound: "inter|view", "counter|part", "leader|ship", "domestic|ally".
_PREFIXES = frozenset(
    [
        "anti",
        "counter",
        "extra",
        "hyper",
        "infra",
        "inter",
        "macro",
        "mega",
        "micro",
        "multi",
        "over",
        "post",
        "semi",
        "self",
        "super",
        "trans",
        "ultra",
        "under",
    ]
)
_SUFFIXES = frozenset(
    [
        "ably",
        "ally",
        "hood",
        "less",
        "like",
        "ment",
        "ness",
        "ship",
        "some",
        "ward",
        "wards",
        "wise",
    ]
)
# What may stand between the two words of an open compound: a space or a hyphen.
_JOINERS = frozenset({" ", "-", "\u2010", "\u2011"})


def split_compound(
    word: str, is_part: Callable[[str], bool] = lambda part: True
) -> tuple[str, str] | None:
    """The two words a closed compound is made of ("landmine" -> ("land", "mine")), or
    None for a word that is none ("coverage", "pressure", "interview").

    Koehn and Knight's rule (2003), on the English word counts symspellpy ships: a word is
    split where its parts' geometric mean count is highest, and only when that beats the
    count of the word itself, since a word made of two common words is rarer than both.
    """
    folded = word.casefold()
    if not folded.isalpha() or len(folded) < 2 * MIN_PART_LETTERS:
        return None
    counts = english_frequencies()
    best: tuple[str, str] | None = None
    best_count = float(english_count(folded))
    for cut in range(MIN_PART_LETTERS, len(folded) - MIN_PART_LETTERS + 1):
        first, last = folded[:cut], folded[cut:]
        if _affix(first, last):
            continue
        mean = math.sqrt(counts.get(first, 0) * counts.get(last, 0))
        if mean > best_count and is_part(first) and is_part(last):
            best, best_count = (first, last), mean
    return best


def _affix(first: str, last: str) -> bool:
    """Whether the cut falls at a prefix or suffix, or at a stopword ("over|come")."""
    ending = len(last) in (4, 5) and last[1:] in ("ing", "ings")  # "block|ing" as "bloc|king"
    return (
        ending or first in _PREFIXES or last in _SUFFIXES or first in STOPWORDS or last in STOPWORDS
    )


class CompoundHeads:
    """A corpus's closed compounds by the term of their last word: "mine" -> ("landmin",)."""

    def __init__(self, words: Iterable[str]) -> None:
        heads: defaultdict[str, set[str]] = defaultdict(set)
        for word in words:
            parts = split_compound(word)
            if parts is None:
                continue
            head, compound = term_of(parts[1]), term_of(word)
            if head and compound:
                heads[head].add(compound)
        self._heads = {head: tuple(sorted(found)) for head, found in heads.items()}

    def __call__(self, term: str) -> tuple[str, ...]:
        return self._heads.get(term, ())

    def __len__(self) -> int:
        return len(self._heads)


def compound_terms(
    text: str,
    has_term: Callable[[str], bool],
    heads: Callable[[str], tuple[str, ...]] | None = None,
) -> Mapping[str, tuple[str, ...]]:
    """Each term of ``text`` the corpus lacks -> the corpus terms of its compound."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    spans = list(word_spans(text))
    for (_, end, first), (start, _, second) in pairwise(spans):
        if text[end:start] not in _JOINERS:
            continue
        joined = term_of(first + second)
        if joined is None or not has_term(joined):
            continue
        for word in (first, second):
            term = term_of(word)
            if term is not None and not has_term(term):
                found[term].append(joined)
    for _, _, word in spans:
        term = term_of(word)
        if term is None or has_term(term) or term in found:
            continue
        parts = split_compound(word, lambda part: _known(part, has_term))
        if parts is not None:
            found[term].extend(t for t in map(term_of, parts) if t is not None)
        elif heads is not None:
            found[term].extend(heads(term))
    return {term: tuple(dict.fromkeys(terms)) for term, terms in found.items() if terms}


def _known(word: str, has_term: Callable[[str], bool]) -> bool:
    term = term_of(word)
    return term is not None and has_term(term)
