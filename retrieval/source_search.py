"""Find articles by what a person remembers of them: title, author, outlet, file, first words.

For ``/source`` and its autocomplete. A match on the whole of a field comes first, then
a field that starts with the text, then one with a word that starts with it, then the
text anywhere, then a near miss (a typo: rapidfuzz's partial ratio). Within a kind, the
name fields (title, derived title) beat the people (author, outlet), then the file name,
then the first words; then the corpus order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import IntEnum
from functools import lru_cache
from typing import Final

from retrieval.models import Source
from retrieval.text import fold
from retrieval.titles import title_key
from retrieval.tokenize import tokenize

FUZZY_MIN_CHARS: Final = 4  # shorter text matches too much by accident
FUZZY_MIN_SCORE: Final = 85.0  # rapidfuzz partial_ratio, 0-100


class MatchKind(IntEnum):
    """How a field matched: the lower, the better."""

    EXACT = 0
    PREFIX = 1
    WORD_PREFIX = 2
    SUBSTRING = 3
    FUZZY = 4


def _fields(source: Source) -> Iterable[tuple[int, str]]:
    """(rank of the field, its text) for each field a person may search by."""
    for rank, value in (
        (0, source.title),
        (0, source.derived_title),
        (1, source.author),
        (1, source.outlet),
        (2, source.file),
        (3, source.lead),
    ):
        if value:
            yield rank, value


@lru_cache(maxsize=65_536)
def _key(value: str) -> str:
    """``title_key`` of a field, kept: autocomplete searches the same fields at every key."""
    return title_key(value)


def _match(needle: str, key: str) -> tuple[MatchKind, float] | None:
    if key == needle:
        return MatchKind.EXACT, 0.0
    if key.startswith(needle):
        return MatchKind.PREFIX, 0.0
    if f" {needle}" in f" {key}":
        return MatchKind.WORD_PREFIX, 0.0
    if needle in key:
        return MatchKind.SUBSTRING, 0.0
    if len(needle) >= FUZZY_MIN_CHARS:
        from rapidfuzz import fuzz  # only for a near miss (~7 ms of start-up)

        score = fuzz.partial_ratio(needle, key)
        if score >= FUZZY_MIN_SCORE:
            return MatchKind.FUZZY, -score
    return None


def find_sources(sources: Sequence[Source], text: str, limit: int = 25) -> list[Source]:
    """The sources that match ``text``, best first (all of them, in order, for empty text)."""
    needle = title_key(text)
    if not needle:
        return list(sources[: max(limit, 0)])
    ranked: list[tuple[MatchKind, int, float, int]] = []
    for index, source in enumerate(sources):
        best: tuple[MatchKind, int, float, int] | None = None
        for rank, value in _fields(source):
            found = _match(needle, _key(value))
            if found is not None:
                candidate = (found[0], rank, found[1], index)
                best = candidate if best is None else min(best, candidate)
        if best is not None:
            ranked.append(best)
    ranked.sort()
    return [sources[index] for *_, index in ranked[: max(limit, 0)]]


# Words of a question about the articles themselves that say what is asked, not which
# article: "who wrote the first article", "when was the piece about Sumy published".
_ASKING_ABOUT_ARTICLES: Final = frozenset(
    tokenize(
        "who wrote write writes authored penned published publish posted post written "
        "released release dated date publication publishing author authors writer writers "
        "article articles piece pieces analysis story stories report column essay op-ed text "
        "texts one ones outlet site paper newspaper journalist when what which day come came "
        "go went first second third last"
    )
)
_ORDINALS: Final = {"first": 0, "second": 1, "third": 2, "last": -1}
NAMED_AT_MOST: Final = 3  # more alike than this, and the question names none of them


def named_sources(question: str, sources: Sequence[Source]) -> list[Source]:
    """The articles a question about articles names, by the words it shares with their
    title, first sentence, author, outlet or date ("the article about the July call"), or
    by its place ("the first article"); empty when it names none or every one fits alike."""
    wanted = set(tokenize(question)) - _ASKING_ABOUT_ARTICLES
    if wanted:
        overlaps = [len(wanted & _named_by(source)) for source in sources]
        best = max(overlaps, default=0)
        named = [s for s, overlap in zip(sources, overlaps, strict=True) if overlap == best]
        return named if best and len(named) < len(sources) and len(named) <= NAMED_AT_MOST else []
    words = re.findall(r"[\w']+", fold(question))
    for word, index in _ORDINALS.items():
        if word in words and len(sources) > 1 and index < len(sources):
            return [sources[index]]
    return []


@lru_cache(maxsize=100_000)
def _named_by(source: Source) -> frozenset[str]:
    """The terms a person may name ``source`` by; once per article, not per question."""
    fields = (source.title, source.derived_title, source.lead, source.author, source.outlet)
    return frozenset(tokenize(" ".join(value for value in (*fields, source.date) if value)))
