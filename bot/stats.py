"""The operator's report (``seedbot stats``, later ``/stats``): what was asked, what was not
answered, and which answers did not help, as plain data with a text and a JSON rendering.

Nearly identical declined questions ("Who is Dmitriev??", "who is kirill dmitriev") are counted
as one group (rapidfuzz's ``token_set_ratio``), so the list shows what is missing from the
articles rather than how people type. User ids are never part of the report.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from rapidfuzz import fuzz

from bot.store import Store
from bot.store.dialect import now
from bot.store.reports import VoteRow, declined_questions, question_counts, votes_since
from retrieval.text import fold

SAME_QUESTION = 85  # token_set_ratio from which two declined questions count as one
# ... provided their words overlap this much in all (token_sort_ratio): token_set_ratio
# alone scores a question that is a subset of another 100, so "who?" would swallow every
# "who ..." question.
SAME_WORDS = 60
TOP = 10  # groups and answers listed
REASONS_SHOWN = 5
_PUNCTUATION = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class DeclinedGroup:
    question: str  # the most frequent wording
    count: int
    variants: tuple[str, ...] = ()  # other wordings, most frequent first


@dataclass(frozen=True)
class UnhelpfulAnswer:
    question: str  # the question asked most often with these quotes
    passage_ids: tuple[str, ...]
    not_helpful: int
    helpful: int
    reasons: tuple[str, ...] = ()  # the latest first


@dataclass(frozen=True)
class StatsReport:
    days: int
    guild_id: int | None
    asked: int
    answered: int
    declined: int
    helpful_votes: int
    not_helpful_votes: int
    declined_questions: tuple[DeclinedGroup, ...] = ()
    unhelpful_answers: tuple[UnhelpfulAnswer, ...] = field(default=())

    @property
    def helpful_share(self) -> float | None:
        """Helpful votes over all votes, or None when nobody voted."""
        total = self.helpful_votes + self.not_helpful_votes
        return None if total == 0 else self.helpful_votes / total

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "helpful_share": self.helpful_share}


def _key(question: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", fold(question)).split())


def group_questions(questions: list[str], threshold: int = SAME_QUESTION) -> list[DeclinedGroup]:
    """Group nearly identical questions, the biggest group first.

    Greedy: distinct wordings, most frequent first, each joins the first group whose leading
    wording it matches; fine for the few thousand declined questions of a report.
    """
    counts: dict[str, int] = {}
    wording: dict[str, dict[str, int]] = {}
    for question in questions:
        key = _key(question)
        if not key:
            continue
        counts[key] = counts.get(key, 0) + 1
        forms = wording.setdefault(key, {})
        forms[question] = forms.get(question, 0) + 1
    groups: list[list[str]] = []
    for key in sorted(counts, key=lambda k: (-counts[k], k)):
        for group in groups:
            if (
                fuzz.token_set_ratio(key, group[0]) >= threshold
                and fuzz.token_sort_ratio(key, group[0]) >= SAME_WORDS
            ):
                group.append(key)
                break
        else:
            groups.append([key])

    def shown(key: str) -> str:
        forms = wording[key]
        return max(forms, key=lambda form: (forms[form], form))

    result = [
        DeclinedGroup(
            question=shown(group[0]),
            count=sum(counts[key] for key in group),
            variants=tuple(shown(key) for key in group[1:]),
        )
        for group in groups
    ]
    return sorted(result, key=lambda found: -found.count)


def unhelpful_answers(votes: list[VoteRow]) -> list[UnhelpfulAnswer]:
    """Answers (the same quotes) with at least one "Not helpful", the most voted down first."""
    by_quotes: dict[tuple[str, ...], list[VoteRow]] = {}
    for vote in votes:
        by_quotes.setdefault(vote.passage_ids, []).append(vote)
    found = []
    for passage_ids, rows in by_quotes.items():
        down = [row for row in rows if not row.helpful]
        if not down:
            continue
        asked: dict[str, int] = {}
        for row in rows:
            asked[row.question] = asked.get(row.question, 0) + 1
        reasons = [row.reason for row in reversed(down) if row.reason]
        found.append(
            UnhelpfulAnswer(
                question=max(asked, key=lambda q: (asked[q], q)),
                passage_ids=passage_ids,
                not_helpful=len(down),
                helpful=len(rows) - len(down),
                reasons=tuple(reasons[:REASONS_SHOWN]),
            )
        )
    return sorted(found, key=lambda answer: (-answer.not_helpful, answer.helpful))


def build_report(store: Store, days: int = 7, guild_id: int | None = None) -> StatsReport:
    """The report over the last ``days`` days, for one server or (None) all of them.
    Raises ``StoreUnavailable`` when the database cannot be read."""
    since = now() - timedelta(days=days)
    asked, answered = question_counts(store.db, since, guild_id)
    votes = votes_since(store.db, since, guild_id)
    helpful = sum(vote.helpful for vote in votes)
    return StatsReport(
        days=days,
        guild_id=guild_id,
        asked=asked,
        answered=answered,
        declined=asked - answered,
        helpful_votes=helpful,
        not_helpful_votes=len(votes) - helpful,
        declined_questions=tuple(
            group_questions(declined_questions(store.db, since, guild_id))[:TOP]
        ),
        unhelpful_answers=tuple(unhelpful_answers(votes)[:TOP]),
    )


def render_text(report: StatsReport) -> str:
    """The report for a terminal (and the model for /stats's embed)."""
    where = "all servers" if report.guild_id is None else f"server {report.guild_id}"
    share = report.helpful_share
    lines = [
        f"Last {report.days} days, {where}",
        f"Questions: {report.asked} asked, {report.answered} answered, {report.declined} declined",
        "Votes: "
        + (
            "none"
            if share is None
            else f"{report.helpful_votes} helpful, {report.not_helpful_votes} not helpful "
            f"({share:.0%} helpful)"
        ),
    ]
    if report.declined_questions:
        lines += ["", "Most frequent declined questions:"]
        for group in report.declined_questions:
            also = f" (also: {'; '.join(group.variants[:3])})" if group.variants else ""
            lines.append(f"  {group.count:>4}  {group.question}{also}")
    if report.unhelpful_answers:
        lines += ["", "Answers most often voted not helpful:"]
        for answer in report.unhelpful_answers:
            lines.append(
                f"  {answer.not_helpful:>4} not helpful, {answer.helpful} helpful: "
                f"{answer.question} [{', '.join(answer.passage_ids)}]"
            )
            lines.extend(f"        - {reason}" for reason in answer.reasons)
    return "\n".join(lines)
