"""Choose the quote: the 1-3 consecutive sentences of a passage that best answer the question."""

from __future__ import annotations

from collections.abc import Callable, Collection

from retrieval.models import Excerpt, Passage
from retrieval.tokenize import term_spans

MAX_EXCERPT_SENTENCES = 3


_JOINERS = {"-", "‐", "‑", "–", "/"}


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
    passage: Passage, terms: Collection[str], idf: Callable[[str], float]
) -> Excerpt:
    """The window of sentences covering the most IDF weight of distinct query terms.

    Ties go to the shorter window, then the earlier one, so quotes stay short.
    """
    sentence_terms = [{t for _, _, t in term_spans(s)} & set(terms) for s in passage.sentences]
    count = len(passage.sentences)
    best: tuple[float, int, int] = (-1.0, 0, 1)  # (weight, start, end)
    for size in range(1, min(MAX_EXCERPT_SENTENCES, count) + 1):
        for start in range(count - size + 1):
            covered = set().union(*sentence_terms[start : start + size])
            weight = sum(idf(t) for t in covered)
            if weight > best[0] + 1e-9:
                best = (weight, start, start + size)
    _, start, end = best
    text = " ".join(passage.sentences[start:end])
    return Excerpt(
        text=text,
        highlights=highlight_spans(text, terms),
        cut_before=start > 0,
        cut_after=end < count,
    )
