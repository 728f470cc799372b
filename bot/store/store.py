"""The bot's database: answers and votes, per-server settings and the question log, in one place.

``open_store`` (``bot/store/__init__.py``) makes one from the settings; the bot, the CLI
and the tests use only this class. Writes report what became of them (``AnswerSaved``,
``VoteSaved``) rather than raise when the database is unavailable, so an outage never
stops an answer; ``get_answer`` raises ``StoreUnavailable`` and settings writes raise it
too, for the caller to say so.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.database import Database, StoreUnavailable
from bot.store.dialect import now
from bot.store.guild_settings import Defaults, SettingsStore
from bot.store.models import AnswerRecord, AnswerSaved, Vote, VoteSaved
from bot.store.questions import QuestionLog
from bot.store.votes import VoteStore

logger = logging.getLogger("seedbot.store")

PURGE_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Purged:
    questions: int
    answers: int


class Store:
    def __init__(
        self,
        db: Database,
        defaults: Defaults | None = None,
        *,
        retention: timedelta = timedelta(days=30),
        settings_cache_seconds: float = 2.0,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.db = db
        self._clock = clock  # the time records are stamped with (the tests move it back)
        self.retention = retention
        self.settings = SettingsStore(
            db, defaults or Defaults(), cache_seconds=settings_cache_seconds
        )
        self._votes = VoteStore(db)
        self._questions = QuestionLog(db)
        self._last_purge: datetime | None = None
        self._purge_lock = threading.Lock()
        self._purge_if_due(clock())

    # Answers and votes (bot/store/votes.py says how a repeated id and an outage are handled).
    def save_answer(self, record: AnswerRecord) -> AnswerSaved:
        return self._votes.save_answer(record, at=self._clock())

    def get_answer(self, answer_id: str) -> AnswerRecord | None:
        return self._votes.get_answer(answer_id)

    def save_vote(self, answer_id: str, user_id: int, helpful: bool) -> VoteSaved:
        return self._votes.save_vote(answer_id, user_id, helpful, at=self._clock())

    def save_vote_reason(self, answer_id: str, user_id: int, reason: str) -> VoteSaved:
        return self._votes.save_vote_reason(answer_id, user_id, reason, at=self._clock())

    def votes(self) -> Iterator[Vote]:
        return self._votes.votes()

    @property
    def pending_answers(self) -> int:
        return self._votes.pending

    # The question log.
    def record_question(
        self,
        guild_id: int | None,
        channel_id: int | None,
        question: str,
        answered: bool,
        reason: str | None = None,
    ) -> bool:
        """Log a question for the stats; False (never an exception) if it could not be."""
        moment = self._clock()
        recorded = self._questions.record(
            guild_id, channel_id, question, answered, reason, at=moment
        )
        if recorded:
            self._purge_if_due(moment)
        return recorded

    def purge(self, older_than: timedelta | None = None) -> Purged:
        """Forget the questions, and the answer records nobody voted on, older than
        ``older_than`` (the retention period by default). Raises ``StoreUnavailable``."""
        before = self._clock() - (self.retention if older_than is None else older_than)
        purged = Purged(
            questions=self._questions.purge(before), answers=self._votes.purge_unvoted(before)
        )
        if purged.questions or purged.answers:
            logger.info(
                "purged %d questions and %d unvoted answers older than %s",
                purged.questions,
                purged.answers,
                before.date(),
            )
        return purged

    def _purge_if_due(self, moment: datetime) -> None:
        with self._purge_lock:
            if self._last_purge is not None and moment - self._last_purge < PURGE_EVERY:
                return
            self._last_purge = moment
        with contextlib.suppress(StoreUnavailable):  # logged by the database; retried when due
            self.purge()

    def close(self) -> None:
        self.settings.close()
        self.db.close()
