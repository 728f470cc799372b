"""Choose the quote: the 1-3 consecutive sentences of a passage that best answer the question."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence

import numpy as np

from retrieval.models import Excerpt, Passage
from retrieval.tokenize import term_spans

MAX_EXCERPT_SENTENCES = 3
# With meaning-based matching, a window's share of the matched terms' weight (0-1) plus
# this times its best sentence's cosine with the question (0-1).
CLOSENESS_WEIGHT = 1.0
# A window holding a sentence of the kind the question asks for (a date for "when", a
# description for "who is X") gains this, on the same 0-1 scale as its term share.
ANSWER_TYPE_WEIGHT = 0.5


_JOINERS = {"-", "‐", "‑", "–", "/"}
_QUESTION_END = re.compile(r"\?[\s\"'”’)\]]*$")
# A sentence that opens by pointing back ("This allows Moscow to ...", "That tactic ..."):
# what it refers to, often the reason a "why" question asks for, is the sentence before.
_POINTS_BACK = re.compile(r"^[\"'“‘(]?(?:This|That|These|Those|Such)\b")


def _is_question(sentence: str) -> bool:
    return bool(_QUESTION_END.search(sentence))


def highlight_spans(text: str, terms: Collection[str]) -> tuple[tuple[int, int], ...]:
    """Where the query's terms stand in ``text``, as [start, end) spans.

    Marked words joined by a hyphen or slash ("30-day") become one span, so a
    renderer marks "30-day" rather than "30" and "day" apart.
    """
    return _joined(text, [span for span in term_spans(text) if span[2] in terms])


def _joined(text: str, marked: Iterable[tuple[int, int, str]]) -> tuple[tuple[int, int], ...]:
    """The spans of ``marked`` words of ``text``, those joined by a hyphen or slash as one."""
    spans: list[tuple[int, int]] = []
    for start, end, _ in marked:
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
    # Each sentence's matched words, read once: for the choice here and the highlights.
    marked = [[span for span in term_spans(s) if span[2] in wanted] for s in sentences]
    sentence_terms = [{term for _, _, term in spans} for spans in marked]
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
    return window_excerpt(passage, terms, start, end, marked=marked)


def window_excerpt(
    passage: Passage,
    terms: Collection[str],
    start: int,
    end: int,
    *,
    marked: Sequence[Sequence[tuple[int, int, str]]] | None = None,
) -> Excerpt:
    """Sentences ``start:end`` of a passage as the quote; one ending on a question ("So,
    why ...?") takes the next sentence too: that is where the article answers it.

    ``marked``: each sentence's spans of ``terms`` when the caller has read them already.
    """
    sentences = passage.sentences
    count = len(sentences)
    while end < count and _is_question(sentences[end - 1]) and end - start <= MAX_EXCERPT_SENTENCES:
        end += 1
    text = " ".join(sentences[start:end])
    if marked is None:
        highlights = highlight_spans(text, terms)
    else:  # the same spans as highlight_spans(text): sentences join with a space, no joiner
        offset, shifted = 0, list[tuple[int, int, str]]()
        for sentence, spans in zip(sentences[start:end], marked[start:end], strict=True):
            shifted.extend((offset + a, offset + b, term) for a, b, term in spans)
            offset += len(sentence) + 1
        highlights = _joined(text, shifted)
    return Excerpt(
        text=text,
        highlights=highlights,
        cut_before=start > 0,
        cut_after=end < count,
    )


def with_antecedent(passage: Passage, excerpt: Excerpt, terms: Collection[str]) -> Excerpt:
    """``excerpt`` with the sentence before it when it opens by pointing back to it
    ("This allows Moscow to continue waging war" after "Trump and his officials do nothing
    to remove them"): the quote as shown, once the models have read it as it was chosen."""
    if not excerpt.cut_before:
        return excerpt
    sentences = passage.sentences
    for start in range(1, len(sentences)):
        if not excerpt.text.startswith(sentences[start]):
            continue
        end, text = start + 1, sentences[start]
        while len(text) < len(excerpt.text) and end < len(sentences):
            text, end = f"{text} {sentences[end]}", end + 1
        if text != excerpt.text:
            continue
        if _POINTS_BACK.match(sentences[start]) and end - start <= MAX_EXCERPT_SENTENCES:
            return window_excerpt(passage, terms, start - 1, end)
        return excerpt
    return excerpt
