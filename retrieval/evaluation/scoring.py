"""Ask every labelled question once and score the answers into an ``EvalReport``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from retrieval.evaluation.matching import hit_rank
from retrieval.evaluation.questions import KNOWN_CATEGORIES, LabelledQuestion
from retrieval.evaluation.report import CategoryStats, EvalReport, Miss
from retrieval.models import Answer


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _category_stats(
    questions: Sequence[LabelledQuestion], ranks: dict[str, int | None], declined: set[str]
) -> CategoryStats:
    answerable = [q for q in questions if q.answerable]
    hits = [ranks[q.id] for q in answerable]
    has_answerable = bool(answerable)
    return CategoryStats(
        n=len(questions),
        answerable=len(answerable),
        hit_at_1=_mean([1.0 if r == 1 else 0.0 for r in hits]) if has_answerable else None,
        hit_at_k=_mean([1.0 if r else 0.0 for r in hits]) if has_answerable else None,
        mrr=_mean([1.0 / r if r else 0.0 for r in hits]) if has_answerable else None,
        declined=_mean([1.0 if q.id in declined else 0.0 for q in questions]),
    )


def _top_quote(answer: Answer) -> str | None:
    if not answer.answered or not answer.results:
        return None
    return answer.results[0].excerpt.text


def evaluate(
    answer_fn: Callable[[str], Answer], questions: Sequence[LabelledQuestion], k: int = 3
) -> EvalReport:
    """Ask every question once and score the answers.

    A declined answerable question counts as a miss at every rank; hit metrics are over
    answerable questions only, decline rates over their own half of the set.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    ranks: dict[str, int | None] = {}
    quote_ranks: list[int | None] = []
    declined: set[str] = set()
    misses: list[Miss] = []
    started = time.perf_counter()
    for question in questions:
        try:
            answer = answer_fn(question.question)
        except Exception as exc:
            exc.add_note(f"while answering {question.id}: {question.question!r}")
            raise
        if not answer.answered and hit_rank(answer, question.answers, k) is None:
            declined.add(question.id)
        if not question.answerable:
            ranks[question.id] = None
            if answer.answered:
                misses.append(
                    Miss(
                        question.id,
                        question.category,
                        question.question,
                        (),
                        _top_quote(answer),
                        "answered a question the articles do not cover",
                    )
                )
            continue
        rank = hit_rank(answer, question.answers, k)
        ranks[question.id] = rank
        quote_ranks.append(hit_rank(answer, question.answers, k, quote_only=True))
        if rank is None:
            if answer.answered:
                why = f"no expected answer in the top {k}"
            else:
                why = f"declined ({answer.reason or 'no reason given'})"
            misses.append(
                Miss(
                    question.id,
                    question.category,
                    question.question,
                    question.answers,
                    _top_quote(answer),
                    why,
                )
            )
    seconds = time.perf_counter() - started

    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    by_category: dict[str, list[LabelledQuestion]] = {}
    for question in questions:
        by_category.setdefault(question.category, []).append(question)
    order = {name: i for i, name in enumerate(KNOWN_CATEGORIES)}
    categories = {
        name: _category_stats(by_category[name], ranks, declined)
        for name in sorted(by_category, key=lambda c: (order.get(c, len(order)), c))
    }
    overall = _category_stats(answerable, ranks, declined)
    return EvalReport(
        k=k,
        n_answerable=len(answerable),
        n_unanswerable=len(unanswerable),
        hit_at_1=overall.hit_at_1 or 0.0,
        hit_at_k=overall.hit_at_k or 0.0,
        mrr=overall.mrr or 0.0,
        honest_decline_rate=_mean([1.0 if q.id in declined else 0.0 for q in unanswerable]),
        wrong_decline_rate=overall.declined,
        categories=categories,
        misses=tuple(misses),
        ranks=ranks,
        seconds=seconds,
        quote_hit_at_1=_mean([1.0 if r == 1 else 0.0 for r in quote_ranks]),
        quote_hit_at_k=_mean([1.0 if r else 0.0 for r in quote_ranks]),
    )
