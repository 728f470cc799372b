"""Turn text into index terms: fold Unicode, drop possessives and stopwords, stem.

The same function serves articles and questions, so a question word matches the
article word it came from ("Trump’s" finds "Trump", "ceasefires" finds "ceasefire"), and
a British spelling the American one ("licence" finds "license", "defence" "defense"):
articles and the people asking about them often spell alike words apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import Stemmer
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from retrieval.stopwords import CHAT_SPELLINGS, NLTK_ENGLISH
from retrieval.text import fold

# A word: letters or digits, possibly joined by apostrophes (don't, Trump’s, O’Brien).
# The modifier letter apostrophe ʼ (U+02BC) is a letter (category Lm), so
# ``[^\W_]`` already takes it: as a joiner too it let a run of them split 2^n ways, and a
# failing match of 40 of them took seconds (tests/test_regex_safety.py).
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_STEMMER = Stemmer.Stemmer(
    "english", 0
)  # no cache: term_of has its own, and PyStemmer's thrashes above 10k words

# Bump when the terms this module gives for a text change: saved indexes are keyed by it.
TOKENIZER_VERSION = "3"

STOPWORDS: frozenset[str] = NLTK_ENGLISH | CHAT_SPELLINGS


@lru_cache(maxsize=200_000)
def term_of(word: str) -> str | None:
    """The index term for one word as written, or None when it carries no meaning."""
    # ASCII letters, digits and apostrophes fold to lower case (a backtick would fold to "'").
    folded = word.lower() if word.isascii() and "`" not in word else fold(word)
    if folded in STOPWORDS:
        return None
    if folded.endswith("'s"):
        folded = folded[:-2]
    folded = folded.replace("'", "")
    if not folded or folded in STOPWORDS:
        return None
    folded = BRITISH_ENGLISH_SPELLINGS.get(folded, folded)
    stem: str = _STEMMER.stemWord(folded)
    return stem


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Each word's [start, end) in ``text`` and the word itself."""
    for match in WORD.finditer(text):
        yield match.start(), match.end(), match.group()


def term_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Each meaningful word's [start, end) in ``text`` and its index term."""
    for start, end, word in word_spans(text):
        term = term_of(word)
        if term is not None:
            yield start, end, term


def tokenize(text: str) -> list[str]:
    """The index terms of ``text``, in order, repeats kept (BM25 counts them)."""
    return [term for term in map(term_of, WORD.findall(text)) if term is not None]


def term_set(text: str) -> set[str]:
    """The distinct index terms of ``text``: ``set(tokenize(text))``, built directly."""
    return {term for term in map(term_of, WORD.findall(text)) if term is not None}


def words(text: str) -> list[str]:
    """The folded words of ``text`` (stopwords kept), for spelling and chat clean-up."""
    return [fold(word).replace("'", "") for _, _, word in word_spans(text)]
