"""Score answers to SQuAD questions as ../shared/data/squad2-dev/README.md says: a hit when a
quote among the first k comes from the question's own paragraph and holds an answer span.

Pure functions over the engine's plain data (``Answer``, ``Passage``), so the rules are
tested on hand-made passages and nothing here knows which articles are being asked about.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.squad_data import SquadArticle, SquadQuestion
from retrieval.evaluation import normalise_for_match
from retrieval.models import Answer, Passage

# A passage the parser changed (a dropped heading, mended spacing) still counts as from a
# paragraph when at least this share of its words is in that paragraph and no other.
MIN_SHARED_WORDS = 0.8
_WORDS = re.compile(r"\w+")

ParagraphKey = tuple[str, int]  # (article file, 1-based paragraph number) as the engine cites


def paragraph_map(
    passages: Iterable[Passage], articles: Sequence[SquadArticle]
) -> dict[ParagraphKey, int]:
    """Which SQuAD paragraph (0-based) each cited paragraph of an article file is.

    Each passage votes for the SQuAD context that holds its text (verbatim after
    ``normalise_for_match``, else by shared words); a paragraph takes its passages'
    majority. Passages of other files (a large folder's pages) are not mapped.
    """
    contexts = {
        article.file: [normalise_for_match(text) for text in article.paragraphs]
        for article in articles
    }
    words = {
        file: [set(_WORDS.findall(text)) for text in texts] for file, texts in contexts.items()
    }
    votes: dict[ParagraphKey, Counter[int]] = defaultdict(Counter)
    for passage in passages:
        file = passage.source.file
        if file not in contexts:
            continue
        found = _context_of(normalise_for_match(passage.text), contexts[file], words[file])
        if found is not None:
            votes[(file, passage.paragraph)][found] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def _context_of(text: str, contexts: list[str], words: list[set[str]]) -> int | None:
    holding = [index for index, context in enumerate(contexts) if text in context]
    if len(holding) == 1:
        return holding[0]
    own = set(_WORDS.findall(text))
    if not own:
        return None
    shares = [len(own & context) / len(own) for context in words]
    best = max(range(len(shares)), key=shares.__getitem__)
    others = [share for index, share in enumerate(shares) if index != best]
    if shares[best] >= MIN_SHARED_WORDS and (not others or max(others) < shares[best]):
        return best
    return None


@dataclass(frozen=True)
class Outcome:
    """What happened to one question: the first rank (1-based) that hit, by each test."""

    question: SquadQuestion
    declined: bool
    quote_rank: int | None  # own paragraph, an answer span in the quote shown
    passage_rank: int | None  # own paragraph, an answer span anywhere in its passage
    paragraph_rank: int | None  # own paragraph, whatever it says
    seconds: float
    first_quote: str | None = None
    first_file: str | None = None  # whose file the first result is from: a distractor's?

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.question.id,
            "question": self.question.question,
            "split": self.question.split.value,
            "answerable": self.question.answerable,
            "declined": self.declined,
            "quote_rank": self.quote_rank,
            "passage_rank": self.passage_rank,
            "paragraph_rank": self.paragraph_rank,
            "seconds": round(self.seconds, 4),
            "first_quote": self.first_quote,
            "first_file": self.first_file,
        }


def judge(
    question: SquadQuestion,
    answer: Answer,
    paragraphs: dict[ParagraphKey, int],
    seconds: float = 0.0,
) -> Outcome:
    """Score one answer; a declined question has no rank by any test."""
    spans = [normalise_for_match(span) for span in question.answers]
    own = (question.file, question.paragraph)
    quote_rank = passage_rank = paragraph_rank = None
    results = answer.results if answer.answered else ()
    for position, result in enumerate(results, start=1):
        cited = (result.passage.source.file, result.passage.paragraph)
        if (cited[0], paragraphs.get(cited, -1)) != own:
            continue
        paragraph_rank = paragraph_rank or position
        if spans and passage_rank is None and _holds(result.passage.text, spans):
            passage_rank = position
        if spans and quote_rank is None and _holds(result.excerpt.text, spans):
            quote_rank = position
    return Outcome(
        question,
        declined=not answer.answered,
        quote_rank=quote_rank,
        passage_rank=passage_rank,
        paragraph_rank=paragraph_rank,
        seconds=seconds,
        first_quote=results[0].excerpt.text if results else None,
        first_file=results[0].passage.source.file if results else None,
    )


def _holds(text: str, spans: Sequence[str]) -> bool:
    folded = normalise_for_match(text)
    return any(span in folded for span in spans)


def summarise(outcomes: Sequence[Outcome], k: int) -> dict[str, Any]:
    """The figures of one group of questions; a rate over no question is ``None``."""
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]

    def share(group: Sequence[Outcome], test: Callable[[Outcome], bool]) -> float | None:
        return round(sum(map(test, group)) / len(group), 4) if group else None

    def within(rank: int | None, limit: int) -> bool:
        return rank is not None and rank <= limit

    def mrr(ranks: Iterable[int | None]) -> float | None:
        values = [1 / rank if rank and rank <= k else 0.0 for rank in ranks]
        return round(statistics.fmean(values), 4) if values else None

    seconds = [o.seconds for o in outcomes]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": share(answerable, lambda o: within(o.quote_rank, 1)),
        f"hit@{k}": share(answerable, lambda o: within(o.quote_rank, k)),
        "mrr": mrr(o.quote_rank for o in answerable),
        "passage_hit@1": share(answerable, lambda o: within(o.passage_rank, 1)),
        f"passage_hit@{k}": share(answerable, lambda o: within(o.passage_rank, k)),
        "passage_mrr": mrr(o.passage_rank for o in answerable),
        "paragraph@1": share(answerable, lambda o: within(o.paragraph_rank, 1)),
        "unanswerable_declined": share(unanswerable, lambda o: o.declined),
        "answerable_declined": share(answerable, lambda o: o.declined),
        "seconds_p50": round(statistics.median(seconds), 4) if seconds else None,
    }


def report(outcomes: Sequence[Outcome], k: int) -> dict[str, Any]:
    """Figures for all questions, for each half and for each article."""
    by_split: dict[str, list[Outcome]] = defaultdict(list)
    by_article: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_split[outcome.question.split.value].append(outcome)
        by_article[outcome.question.file].append(outcome)
    return {
        "all": summarise(outcomes, k),
        "splits": {name: summarise(group, k) for name, group in sorted(by_split.items())},
        "articles": {name: summarise(group, k) for name, group in sorted(by_article.items())},
    }
