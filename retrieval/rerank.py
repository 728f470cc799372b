"""Second-stage ordering of BM25's best passages, with two signals BM25 cannot see.

- Phrases: question terms that stand next to each other ("phone call", "partial
  ceasefire") and do so in the passage too are worth more than scattered matches.
- Answer type: a "when" question wants a passage that states a time, a "how many"
  question one that states a number.

Both were kept because the labelled evaluation improved with them (docs/quality.md).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from retrieval.text import fold

PHRASE_WEIGHT = 0.25  # share of the two terms' IDF added per matched adjacent pair
ANSWER_TYPE_WEIGHT = 0.15  # share of the best BM25 score added for the right kind of answer

_WHEN = re.compile(r"^(when|what (date|day|month|year|time)|since when|how long ago)\b")
_HOW_MANY = re.compile(r"^(how (many|much)|what (number|share|percentage|proportion))\b")
_TIME = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"tomorrow|spring|summer|autumn|winter|(1[89]|20)\d\d)\b"
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?|half|twice)\b"
)


def answer_pattern(question: str) -> re.Pattern[str] | None:
    """What a passage answering this kind of question must contain, if the kind is known."""
    folded = fold(question).strip()
    if _WHEN.match(folded):
        return _TIME
    if _HOW_MANY.match(folded):
        return _NUMBER
    return None


def rerank(
    ranked: Sequence[tuple[int, float]],
    *,
    question: str,
    query_terms: Sequence[str],
    passage_terms: Callable[[int], Sequence[str]],
    passage_text: Callable[[int], str],
    idf: Callable[[str], float],
) -> list[tuple[int, float]]:
    """``ranked`` reordered by BM25 plus the phrase and answer-type bonuses."""
    if not ranked:
        return []
    pairs = {(a, b) for a, b in itertools.pairwise(query_terms) if a != b}
    wanted = answer_pattern(question)
    best = ranked[0][1]
    rescored = []
    for index, score in ranked:
        bonus = 0.0
        if pairs:
            terms = passage_terms(index)
            adjacent = pairs & set(itertools.pairwise(terms))
            bonus += PHRASE_WEIGHT * sum(idf(a) + idf(b) for a, b in adjacent)
        if wanted is not None and wanted.search(fold(passage_text(index))):
            bonus += ANSWER_TYPE_WEIGHT * best
        rescored.append((index, score + bonus))
    return sorted(rescored, key=lambda item: (-item[1], item[0]))
