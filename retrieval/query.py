"""From what a person typed to the terms we search for, keeping every step explainable."""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.text import squash_spaces, strip_control
from retrieval.tokenize import tokenize


@dataclass(frozen=True)
class ParsedQuery:
    question: str  # as received, control characters removed
    cleaned: str  # after chat noise (mentions, emoji, filler) was stripped
    terms: tuple[str, ...]  # distinct index terms, in question order, after corrections
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> corpus word
    expansions: tuple[str, ...] = ()  # alias terms added to the question's own


def sanitize_question(question: str) -> str:
    """The question without control characters or runs of blank space."""
    return squash_spaces(strip_control(question).replace("\n", " "))


def distinct(terms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(terms))


def parse_query(question: str) -> ParsedQuery:
    """Tokenize a question; the engine adds corrections and aliases on top."""
    clean = sanitize_question(question)
    return ParsedQuery(question=clean, cleaned=clean, terms=distinct(tokenize(clean)))
