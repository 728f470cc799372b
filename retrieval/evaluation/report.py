"""What ``seedbot eval`` reports: the figures, each category's row, the misses, as text or JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
