"""The question log: every question asked, whether it was answered and why not, for a while.

It tells the people running the bot which questions the articles do not answer (which
articles to add). Kept for ``SEEDBOT_QUESTION_LOG_DAYS`` (30 by default) and purged after:
on open, then at most hourly as questions come in (``bot/store/store.py``). It never holds a
user id.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database, StoreUnavailable
from bot.store.dialect import now, timestamp
from bot.store.models import QUESTION_MAX_CHARS
from retrieval.text import squash_spaces, strip_control


def clean_question(question: str) -> str:
    return squash_spaces(strip_control(question.replace("\n", " ")))[:QUESTION_MAX_CHARS]


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self,
        guild_id: int | None,
        channel_id: int | None,
        question: str,
        answered: bool,
        reason: str | None = None,
        *,
        at: datetime | None = None,
    ) -> bool:
        """Log one question (``reason``: why it was declined); False when the database is
        down: the log is for insight, so a lost line is not worth failing or delaying for."""
        try:
            self._db.write(
                "INSERT INTO questions (asked_at, guild_id, channel_id, question, answered, "
                "reason) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    timestamp(at or now()),
                    guild_id,
                    channel_id,
                    clean_question(question),
                    answered,
                    None if reason is None else str(reason),
                ),
            )
        except StoreUnavailable:
            return False
        return True

    def purge(self, before: datetime) -> int:
        """Delete the questions asked before ``before``; returns how many."""
        return self._db.write("DELETE FROM questions WHERE asked_at < ?", (timestamp(before),))
