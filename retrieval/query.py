"""From what a person typed to the terms we search for, keeping every step explainable.

Order matters: control characters go first, then chat noise (mentions, emoji, filler),
then spelling is corrected towards the corpus vocabulary, then aliases add the other
names of what the question mentions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from retrieval.chat_noise import CHAT_FILLER, strip_chat_noise
from retrieval.question_focus import find_question
from retrieval.text import fold, squash_spaces, strip_control
from retrieval.tokenize import term_of, word_spans


@dataclass(frozen=True)
class ParsedQuery:
    question: str  # as received, control characters removed
    cleaned: str  # after chat noise (mentions, emoji, filler) was stripped
    terms: tuple[str, ...]  # distinct index terms of the question, in order, after corrections
    corrections: Mapping[str, str] = field(default_factory=dict)  # typed word -> corpus word
    expansions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # term -> alias terms
    names: frozenset[str] = frozenset()  # terms written like names or numbers ("Crimea", "2024")
    # In a message of several sentences, the one that asks (retrieval.question_focus) ...
    asked: str = ""
    # ... the terms only the other sentences use, which weigh less and count for no coverage ...
    context_terms: frozenset[str] = frozenset()
    # ... and further questions the message asks, which the answer does not take up.
    other_questions: tuple[str, ...] = ()

    @property
    def question_terms(self) -> tuple[str, ...]:
        """The terms of the question itself: every term but the context's."""
        return tuple(t for t in self.terms if t not in self.context_terms)

    @property
    def narrowed(self) -> bool:
        """Whether a part of the message was read as context, not as the question."""
        return self.asked not in ("", self.cleaned)


def sanitize_question(question: str) -> str:
    """The question without control characters or runs of blank space."""
    return squash_spaces(strip_control(question).replace("\n", " "))


def distinct(terms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(terms))


def parse_query(
    question: str,
    *,
    is_known: Callable[[str], bool] = lambda term: True,
    correct: Callable[[str], str | None] | None = None,
    aliases: Callable[[str], Mapping[str, tuple[str, ...]]] | None = None,
    chat_noise: bool = True,
    focus: bool = True,
) -> ParsedQuery:
    """Clean, correct and tokenize a question.

    ``is_known`` tells whether an index term occurs in the corpus; ``correct`` maps an
    unknown word to a corpus word (or None); ``aliases`` maps the corrected question to
    alias terms for each of its terms. With ``focus``, a message of several sentences
    is searched for the one that asks, the others as context (``retrieval.question_focus``).
    """
    clean = sanitize_question(question)
    cleaned = strip_chat_noise(clean) if chat_noise else clean
    found_focus = find_question(cleaned) if focus else None
    asked = found_focus.question if found_focus else cleaned
    asked_start = max(cleaned.find(asked), 0)
    asked_end = asked_start + len(asked)
    corrections: dict[str, str] = {}
    terms: list[str] = []
    names: set[str] = set()
    in_question: set[str] = set()
    for start, _, word in word_spans(cleaned):
        if chat_noise and fold(word) in CHAT_FILLER:
            continue
        term = term_of(word)
        if term is None:
            continue
        if not is_known(term) and correct is not None:
            fixed = correct(word)
            fixed_term = term_of(fixed) if fixed else None
            if fixed and fixed_term and is_known(fixed_term):
                corrections[word] = fixed
                term = fixed_term
        if looks_like_name(cleaned, start, word):
            names.add(term)
        terms.append(term)
        if asked_start <= start < asked_end:
            in_question.add(term)
    own = distinct(terms)
    found = dict(aliases(corrected_text(cleaned, corrections))) if aliases else {}
    expansions = {t: tuple(a for a in alias if a not in own) for t, alias in found.items()}
    return ParsedQuery(
        question=clean,
        cleaned=cleaned,
        terms=own,
        corrections=corrections,
        expansions={t: a for t, a in expansions.items() if a},
        names=frozenset(names),
        asked=asked,
        context_terms=frozenset(own) - in_question if in_question else frozenset(),
        other_questions=found_focus.other_questions if found_focus else (),
    )


def looks_like_name(text: str, start: int, word: str) -> bool:
    """A proper name or a number: capitalised mid-sentence, all capitals, or with digits.

    Such a word the articles never use ("Crimea", "2024") says the question is about
    something they do not cover, more surely than an unknown common word does.
    """
    if any(char.isdigit() for char in word):
        return True
    if len(word) > 1 and word.isupper():
        return True
    before = text[:start].rstrip()
    starts_sentence = not before or before[-1] in '.!?:;"“(['
    return word[:1].isupper() and not starts_sentence


def corrected_text(text: str, corrections: Mapping[str, str]) -> str:
    """``text`` with each corrected word replaced by the corpus word it stands for."""
    pieces: list[str] = []
    cursor = 0
    for start, end, word in word_spans(text):
        if word in corrections:
            pieces.append(text[cursor:start] + corrections[word])
            cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
