"""Choose the quote: the 1-3 consecutive sentences of a passage that best answer the question."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

import numpy as np

from retrieval.models import Excerpt, Passage
from retrieval.tokenize import term_set, term_spans

MAX_EXCERPT_SENTENCES = 3
# With meaning-based matching, a window's share of the matched terms' weight (0-1) plus
# this times its best sentence's cosine with the question (0-1).
CLOSENESS_WEIGHT = 1.0
# A window holding a sentence of the kind the question asks for (a date for "when", a
# description for "who is X") gains this, on the same 0-1 scale as its term share.
ANSWER_TYPE_WEIGHT = 0.5


_JOINERS = {"-", "‐", "‑", "–", "/"}
_QUESTION_END = re.compile(r"\?[\s\"'”’)\]]*$")


def _is_question(sentence: str) -> bool:
    return bool(_QUESTION_END.search(sentence))


def highlight_spans(text: str, terms: Collection[str]) -> tuple[tuple[int, int], ...]:
    """Where the query's terms stand in ``text``, as [start, end) spans.

    Marked words joined by a hyphen or slash ("30-day") become one span, so a
    renderer marks "30-day" rather than "30" and "day" apart.
    """
    spans: list[tuple[int, int]] = []
    for start, end, term in term_spans(text):
        if term not in terms:
            continue
        if spans and text[spans[-1][1] : start] in _JOINERS:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return tuple(spans)


def choose_excerpt(
    passage: Passage,
    terms: Collection[str],
    idf: Callable[[str], float],
    closeness: Sequence[float] | np.ndarray | None = None,
    suits: Callable[[str], bool] | None = None,
) -> Excerpt:
    """The window of sentences covering the most IDF weight of distinct query terms.

    ``closeness``, each sentence's cosine with the question, lets a sentence that says
    the same thing in other words win over one that only repeats the question's words;
    ``suits`` marks sentences of the kind the question asks for. Ties go to the shorter
    window, then the earlier one, so quotes stay short. A window ending on a question
    ("So, why ...?") takes the next sentence too (``window_excerpt``).
    """
    sentences = passage.sentences
    wanted = set(terms)
    sentence_terms = [term_set(s) & wanted for s in sentences]
    count = len(sentences)
    total = sum(idf(t) for t in set().union(*sentence_terms)) or 1.0
    meaning = closeness if closeness is not None and len(closeness) == count else None
    suited = [bool(suits and suits(s)) for s in sentences]
    best: tuple[float, int, int] = (-1.0, 0, 1)  # (weight, start, end)
    for size in range(1, min(MAX_EXCERPT_SENTENCES, count) + 1):
        for start in range(count - size + 1):
            covered = set().union(*sentence_terms[start : start + size])
            weight = sum(idf(t) for t in covered) / total
            if meaning is not None:
                weight += CLOSENESS_WEIGHT * max(meaning[start : start + size])
            if any(suited[start : start + size]):
                weight += ANSWER_TYPE_WEIGHT
            if weight > best[0] + 1e-9:
                best = (weight, start, start + size)
    _, start, end = best
    return window_excerpt(passage, terms, start, end)


def window_excerpt(passage: Passage, terms: Collection[str], start: int, end: int) -> Excerpt:
    """Sentences ``start:end`` of a passage as the quote; one ending on a question ("So,
    why ...?") takes the next sentence too: that is where the article answers it."""
    sentences = passage.sentences
    count = len(sentences)
    while end < count and _is_question(sentences[end - 1]) and end - start <= MAX_EXCERPT_SENTENCES:
        end += 1
    text = " ".join(sentences[start:end])
    return Excerpt(
        text=text,
        highlights=highlight_spans(text, terms),
        cut_before=start > 0,
        cut_after=end < count,
    )
