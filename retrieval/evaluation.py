"""Score the answer engine on a labelled question set: the core of ``seedbot eval FILE``.

Ranking and no-answer thresholds are tuned on numbers, not impressions, so this module
turns a JSONL file of questions with known verbatim answers into hit@k, MRR and
honest-decline rates, a readable table, and floors that CI can enforce.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.models import Answer

KNOWN_CATEGORIES = (
    "factoid",
    "paraphrase",
    "disambiguation",
    "misspelling",
    "chat",
    "unanswerable",
)
# Rates where lower is better: a floor on these is a ceiling.
LOWER_IS_BETTER = frozenset({"wrong_decline_rate"})

_REQUIRED_FIELDS = ("id", "question", "answerable", "answers", "category")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_SPACES = re.compile(r"\s+")


class QuestionFileError(ValueError):
    """A labelled-question file that cannot be used; the message names the line and the fix."""


@dataclass(frozen=True)
class LabelledQuestion:
    """One question with the verbatim article text that counts as a correct answer."""

    id: str
    question: str
    answerable: bool
    answers: tuple[str, ...]
    category: str


@dataclass(frozen=True)
class Miss:
    """A question the engine got wrong, with enough context to see why without a rerun."""

    id: str
    category: str
    question: str
    expected: tuple[str, ...]  # empty for an unanswerable question
    got: str | None  # the rank-1 quote, or None when the engine declined
    why: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "question": self.question,
            "expected": list(self.expected),
            "got": self.got,
            "why": self.why,
        }


@dataclass(frozen=True)
class CategoryStats:
    """Metrics for one category; hit metrics are ``None`` when it has no answerable question."""

    n: int
    answerable: int
    hit_at_1: float | None
    hit_at_k: float | None
    mrr: float | None
    declined: float  # share of the category's questions the engine declined

    def to_json(self, k: int) -> dict[str, Any]:
        return {
            "n": self.n,
            "answerable": self.answerable,
            "hit@1": self.hit_at_1,
            f"hit@{k}": self.hit_at_k,
            "mrr": self.mrr,
            "declined": self.declined,
        }


@dataclass(frozen=True)
class EvalReport:
    """Everything ``seedbot eval`` prints or writes as JSON."""

    k: int
    n_answerable: int
    n_unanswerable: int
    hit_at_1: float
    hit_at_k: float
    mrr: float
    honest_decline_rate: float  # unanswerable questions the engine declined
    wrong_decline_rate: float  # answerable questions the engine declined
    categories: dict[str, CategoryStats]
    misses: tuple[Miss, ...]
    ranks: dict[str, int | None] = field(default_factory=dict)  # question id -> hit rank
    seconds: float = 0.0
    # The same hits counted only where the quote itself (not its passage) holds the answer.
    quote_hit_at_1: float = 0.0
    quote_hit_at_k: float = 0.0

    def headline(self) -> dict[str, float]:
        """The overall figures, by the names floors and the JSON report use."""
        return {
            "hit@1": self.hit_at_1,
            f"hit@{self.k}": self.hit_at_k,
            "mrr": self.mrr,
            "quote_hit@1": self.quote_hit_at_1,
            f"quote_hit@{self.k}": self.quote_hit_at_k,
            "honest_decline_rate": self.honest_decline_rate,
            "wrong_decline_rate": self.wrong_decline_rate,
        }

    def metrics(self) -> dict[str, float]:
        """The headline numbers by the names floors use (per category: ``chat/hit@3``)."""
        values = self.headline()
        for name, stats in self.categories.items():
            for metric, value in stats.to_json(self.k).items():
                if metric in ("hit@1", f"hit@{self.k}", "mrr", "declined") and value is not None:
                    values[f"{name}/{metric}"] = float(value)
        return values

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "questions": self.n_answerable + self.n_unanswerable,
            "answerable": self.n_answerable,
            "unanswerable": self.n_unanswerable,
            **self.headline(),
            "categories": {name: s.to_json(self.k) for name, s in self.categories.items()},
            "misses": [miss.to_json() for miss in self.misses],
            "ranks": dict(self.ranks),
            "seconds": round(self.seconds, 3),
        }


def normalise_for_match(text: str) -> str:
    """Fold the differences a quote may pick up on its way (quotes, dashes, spaces, case)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip().casefold()


def _parse_question(raw: object, line_no: int, path: Path) -> LabelledQuestion:
    where = f"{path}, line {line_no}"
    if not isinstance(raw, dict):
        raise QuestionFileError(
            f"{where}: expected a JSON object {{...}}, got {type(raw).__name__}"
        )
    missing = [name for name in _REQUIRED_FIELDS if name not in raw]
    if missing:
        raise QuestionFileError(
            f"{where}: missing field(s) {', '.join(missing)}; every line needs "
            + ", ".join(_REQUIRED_FIELDS)
        )
    qid, question, answerable = raw["id"], raw["question"], raw["answerable"]
    answers, category = raw["answers"], raw["category"]
    if not isinstance(qid, str) or not qid.strip():
        raise QuestionFileError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(question, str) or not question.strip():
        raise QuestionFileError(f"{where}: 'question' must be a non-empty string")
    if not isinstance(answerable, bool):
        raise QuestionFileError(f"{where}: 'answerable' must be true or false")
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        raise QuestionFileError(f"{where}: 'answers' must be a list of non-empty strings")
    if not isinstance(category, str) or not category.strip():
        raise QuestionFileError(f"{where}: 'category' must be a non-empty string")
    if answerable and not answers:
        raise QuestionFileError(
            f"{where}: an answerable question needs at least one verbatim answer in 'answers'"
        )
    if not answerable and answers:
        raise QuestionFileError(
            f"{where}: 'answerable' is false but 'answers' is not empty; use [] or set true"
        )
    return LabelledQuestion(qid, question, answerable, tuple(answers), category)


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Read a JSONL question file; blank lines and lines starting with ``#`` are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    questions: list[LabelledQuestion] = []
    seen: dict[str, int] = {}
    for line_no, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(
                f"{path}, line {line_no}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from exc
        question = _parse_question(raw, line_no, path)
        if question.id in seen:
            raise QuestionFileError(
                f"{path}, line {line_no}: id {question.id!r} already used on line "
                f"{seen[question.id]}; ids must be unique"
            )
        seen[question.id] = line_no
        questions.append(question)
    if not questions:
        raise QuestionFileError(f"{path}: no questions found")
    return questions


def hit_rank(
    answer: Answer, expected: Sequence[str], k: int, *, quote_only: bool = False
) -> int | None:
    """The 1-based rank of the first of the top ``k`` results holding an expected answer:
    in its passage (shown by *Full passage*), or with ``quote_only`` in the quote itself."""
    targets = [normalise_for_match(text) for text in expected]
    if not answer.answered:
        # A reply that is not quotes may still give the answer: the list of articles
        # names each one's author, for "who wrote the piece?".
        message = normalise_for_match(answer.message or "")
        return 1 if message and any(target in message for target in targets) else None
    for rank, result in enumerate(answer.results[:k], 1):
        haystacks = [normalise_for_match(result.excerpt.text)]
        if not quote_only:
            haystacks.append(normalise_for_match(result.passage.text))
        if any(target in hay for target in targets for hay in haystacks):
            return rank
    return None


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


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def _clip(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_report(report: EvalReport, show_misses: bool = False) -> str:
    """A fixed-width summary for a terminal or a CI log."""
    k = report.k
    total = report.n_answerable + report.n_unanswerable
    lines = [
        f"{total} questions ({report.n_answerable} answerable, "
        f"{report.n_unanswerable} unanswerable), top {k}, {report.seconds:.2f}s",
        f"hit@1 {report.hit_at_1:.3f}   hit@{k} {report.hit_at_k:.3f}   MRR {report.mrr:.3f}",
        f"the quote itself holds the answer: hit@1 {report.quote_hit_at_1:.3f}   "
        f"hit@{k} {report.quote_hit_at_k:.3f}",
        f"honest declines (unanswerable) {report.honest_decline_rate:.3f}   "
        f"wrong declines (answerable) {report.wrong_decline_rate:.3f}",
        "",
        f"{'category':<16}{'n':>5}{'hit@1':>8}{f'hit@{k}':>8}{'MRR':>8}{'declined':>10}",
    ]
    for name, stats in report.categories.items():
        lines.append(
            f"{name:<16}{stats.n:>5}{_fmt(stats.hit_at_1):>8}{_fmt(stats.hit_at_k):>8}"
            f"{_fmt(stats.mrr):>8}{_fmt(stats.declined):>10}"
        )
    if show_misses:
        lines += ["", f"misses ({len(report.misses)})" if report.misses else "no misses"]
        for miss in report.misses:
            expected = " | ".join(miss.expected) if miss.expected else "(decline)"
            lines += [
                f"{miss.id} [{miss.category}] {_clip(miss.question)}",
                f"    expected: {_clip(expected)}",
                f"    rank 1:   {_clip(miss.got) if miss.got is not None else '(declined)'}",
                f"    why:      {miss.why}",
            ]
    return "\n".join(lines)


def check_floors(report: EvalReport, floors: dict[str, float]) -> list[str]:
    """The floors the report falls under, as messages; an empty list means CI passes.

    Keys are names from ``EvalReport.metrics()``; for ``wrong_decline_rate`` (and
    ``<category>/declined`` of an answerable category) the value is a ceiling instead.
    """
    values = report.metrics()
    failures: list[str] = []
    for name, floor in floors.items():
        if name not in values:
            failures.append(f"unknown metric {name!r}; known: {', '.join(sorted(values))}")
            continue
        value = values[name]
        metric = name.rsplit("/", 1)[-1]
        ceiling = metric in LOWER_IS_BETTER or (
            metric == "declined" and name.split("/", 1)[0] != "unanswerable"
        )
        if ceiling and value > floor:
            failures.append(f"{name} {value:.3f} is above the ceiling {floor:.3f}")
        elif not ceiling and value < floor:
            failures.append(f"{name} {value:.3f} is below the floor {floor:.3f}")
    return failures
