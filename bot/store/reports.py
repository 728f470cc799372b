"""The rows the stats report is made of (``bot/stats.py`` makes the report)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Database
from bot.store.dialect import timestamp

DECLINED_MAX = 5_000  # the most recent declined questions grouped for a report


@dataclass(frozen=True)
class VoteRow:
    question: str
    passage_ids: tuple[str, ...]
    helpful: bool
    reason: str | None


def _where(
    column: str, guild_column: str, since: datetime, guild_id: int | None
) -> tuple[str, list[object]]:
    clause = f"{column} >= ?"
    params: list[object] = [timestamp(since)]
    if guild_id is not None:
        clause += f" AND {guild_column} = ?"
        params.append(guild_id)
    return clause, params


def question_counts(db: Database, since: datetime, guild_id: int | None) -> tuple[int, int]:
    """(asked, answered) since ``since``."""
    where, params = _where("asked_at", "guild_id", since, guild_id)
    rows = db.execute(
        f"SELECT COUNT(*), SUM(CASE WHEN answered THEN 1 ELSE 0 END) FROM questions WHERE {where}",
        params,
    )
    asked, answered = rows[0]
    return int(asked or 0), int(answered or 0)


def declined_questions(
    db: Database, since: datetime, guild_id: int | None, limit: int = DECLINED_MAX
) -> list[str]:
    """The questions declined since ``since``, the most recent first."""
    where, params = _where("asked_at", "guild_id", since, guild_id)
    rows = db.execute(
        f"SELECT question FROM questions WHERE {where} AND NOT answered "
        f"ORDER BY asked_at DESC LIMIT {int(limit)}",
        params,
    )
    return [str(row[0]) for row in rows]


def votes_since(db: Database, since: datetime, guild_id: int | None) -> list[VoteRow]:
    """Every vote cast since ``since`` (the latest per person and answer), with its answer."""
    where, params = _where("v.voted_at", "a.guild_id", since, guild_id)
    rows = db.execute(
        "SELECT a.question, a.passage_ids, v.helpful, v.reason FROM votes v "
        f"JOIN answers a ON a.id = v.answer_id WHERE {where} ORDER BY v.voted_at",
        params,
    )
    return [
        VoteRow(
            question=str(question),
            passage_ids=tuple(json.loads(passages)),
            helpful=bool(helpful),
            reason=reason,
        )
        for question, passages, helpful, reason in rows
    ]
