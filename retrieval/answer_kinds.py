"""The kind of answer a question asks for, and whether a text holds one of that kind.

A near miss ("When did the library open?" of an article that never says) is answered
by the passage about the library unless something checks that the quote holds a date.
The kinds are found by rules: the models we ship read relevance, not entity types, and
spaCy's English models are not published on PyPI (nothing may be downloaded at run
time). The rules are deliberately loose: a kind counts as held when the text *could*
hold it (any mention of time for "when", any capitalised name other than the
question's own for "who"), so they decline only when the quote plainly lacks it.
"""

from __future__ import annotations

import re
from enum import StrEnum

from retrieval.rerank import answer_pattern, describes, who_is_subject
from retrieval.text import fold
from retrieval.tokenize import term_of, word_spans


class Kind(StrEnum):
    TIME = "time"  # when, what year, how long ago
    NUMBER = "number"  # how many, how much, what share
    PERSON = "person"  # who (did it), whom, whose
    PLACE = "place"  # where, in which country/city
    DESCRIPTION = "description"  # who is X: a role or an apposition


_WHO = re.compile(r"^(?:and |so |but )?(who|whom|whose)\b")
_WHERE = re.compile(
    r"^(?:and |so |but )?(where|(?:in|from|to|at) (?:what|which) "
    r"(?:country|countries|city|cities|town|place|region|state|nation|location|part))\b"
)
_CAPITALISED = re.compile(r"[A-Z][\w’'-]*")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$")
_NUMBER_PATTERN = answer_pattern("how many")  # rerank's pattern for a number


def asked_kind(question: str) -> Kind | None:
    """The kind of answer ``question`` (the sentence that asks) wants, or None."""
    folded = fold(question).strip()
    if who_is_subject(question):
        return Kind.DESCRIPTION
    pattern = answer_pattern(question)
    if pattern is not None:
        return Kind.NUMBER if pattern is _NUMBER_PATTERN else Kind.TIME
    if _WHO.match(folded):
        return Kind.PERSON
    if _WHERE.match(folded):
        return Kind.PLACE
    return None


def holds(kind: Kind, text: str, question: str) -> bool:
    """Whether ``text`` could answer a question of ``kind``: for names, one the question
    itself does not already use ("Who met Putin?" is not answered by "Putin" alone)."""
    if kind in (Kind.TIME, Kind.NUMBER):
        loose = answer_pattern(question, loose=True)
        return loose is None or bool(loose.search(fold(text)))
    if kind is Kind.DESCRIPTION:
        return describes(text, who_is_subject(question))
    own = {term_of(word) for _, _, word in word_spans(question)}
    return any(term_of(word) not in own for word in _names(text))


def _names(text: str) -> list[str]:
    """The capitalised words of ``text`` that are not merely a sentence's first word."""
    words = text.split()
    names = []
    for position, word in enumerate(words):
        if not _CAPITALISED.match(word):
            continue
        opens = position == 0 or bool(_SENTENCE_END.search(words[position - 1]))
        follows = position + 1 < len(words) and bool(_CAPITALISED.match(words[position + 1]))
        if not opens or follows:
            names.append(word.strip("’'\".,;:!?()"))
    return names
