"""Answer records and the votes on them: written once for every database.

A repeated answer id keeps the first record (``ON CONFLICT DO NOTHING``): the buttons already
sent and the votes already cast refer to it, so a second save may neither rewrite it nor fail
silently; the caller learns ``ID_TAKEN`` and picks a new id, and saving the same record twice
(a retry) is ``ALREADY_SAVED``. When the database is down, an answer record is held in memory
(its buttons keep working in this process) and written before the next write that succeeds;
a vote is never held: it is ``RECORDED`` once committed or ``NOT_RECORDED`` for the user to
repeat, so nothing a user was told is saved can be lost to a crash.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.store.database import ConstraintViolated, Database, StoreUnavailable
from bot.store.dialect import now, read_timestamp, timestamp
from bot.store.models import REASON_MAX_CHARS, AnswerRecord, AnswerSaved, Vote, VoteSaved
from retrieval.text import squash_spaces, strip_control

logger = logging.getLogger("seedbot.store")

PENDING_ANSWERS_MAX = 10_000  # records held while the database is down (~2 MB)

ANSWER_COLUMNS = (
    "id",
    "question",
    "asker_id",
    "private",
    '"offset"',
    "top_k",
    "passage_ids",
    "guild_id",
    "channel_id",
)
_SELECT_ANSWER = f"SELECT {', '.join(ANSWER_COLUMNS)} FROM answers WHERE id = ?"
_INSERT_ANSWER = (
    f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
_UPSERT_VOTE = (
    "INSERT INTO votes (answer_id, user_id, helpful, voted_at, reason) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (answer_id, user_id) DO UPDATE SET helpful = excluded.helpful, "
    "voted_at = excluded.voted_at, "
    # A reason belongs to a "Not helpful" vote: kept when that vote is repeated, dropped when
    # the person changes their mind, replaced when they give one.
    "reason = CASE WHEN excluded.helpful THEN NULL "
    "ELSE COALESCE(excluded.reason, votes.reason) END"
)
_SELECT_VOTES = (
    "SELECT v.voted_at, v.helpful, v.user_id, v.reason, "
    + ", ".join(f"a.{column}" for column in ANSWER_COLUMNS)
    + " FROM votes v JOIN answers a ON a.id = v.answer_id ORDER BY v.voted_at, a.id, v.user_id"
)


def answer_record(row: tuple[Any, ...]) -> AnswerRecord:
    """An AnswerRecord from a row of ANSWER_COLUMNS."""
    return AnswerRecord(
        id=row[0],
        question=row[1],
        asker_id=int(row[2]),
        private=bool(row[3]),
        offset=int(row[4]),
        top_k=int(row[5]),
        passage_ids=tuple(json.loads(row[6])),
        guild_id=None if row[7] is None else int(row[7]),
        channel_id=None if row[8] is None else int(row[8]),
    )


def clean_reason(reason: str) -> str | None:
    """A "Not helpful" reason as stored: one line, no control characters, 300 at most."""
    text = squash_spaces(strip_control(reason.replace("\n", " ").replace("\r", " ")))
    return text[:REASON_MAX_CHARS].rstrip() or None


class VoteStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: OrderedDict[str, AnswerRecord] = OrderedDict()
        self._pending_lock = threading.RLock()  # worker threads save and read at once
        self.dropped_answers = 0  # held records given up because the outage lasted too long

    def save_answer(self, record: AnswerRecord, *, at: datetime | None = None) -> AnswerSaved:
        """Store one answer page; never raises for an unavailable database (see the module)."""
        with self._pending_lock:
            try:
                self._write_pending()
                return self._insert(record, at or now())
            except StoreUnavailable:
                self._hold(record)
                return AnswerSaved.PENDING

    def get_answer(self, answer_id: str) -> AnswerRecord | None:
        """The record behind a button; raises ``StoreUnavailable`` rather than claim it expired."""
        with self._pending_lock:
            held = self._pending.get(answer_id)
        if held is not None:
            return held
        rows = self._db.execute(_SELECT_ANSWER, (answer_id,))
        return answer_record(rows[0]) if rows else None

    def save_vote(
        self, answer_id: str, user_id: int, helpful: bool, *, at: datetime | None = None
    ) -> VoteSaved:
        """One vote per person per answer; voting again replaces the earlier vote."""
        return self._upsert_vote(answer_id, user_id, helpful, None, at)

    def save_vote_reason(
        self, answer_id: str, user_id: int, reason: str, *, at: datetime | None = None
    ) -> VoteSaved:
        """Why an answer did not help: stored with (or as) that person's "Not helpful" vote."""
        return self._upsert_vote(answer_id, user_id, False, clean_reason(reason), at)

    def _upsert_vote(
        self,
        answer_id: str,
        user_id: int,
        helpful: bool,
        reason: str | None,
        at: datetime | None,
    ) -> VoteSaved:
        try:
            with self._pending_lock:
                self._write_pending()
            self._db.write(
                _UPSERT_VOTE, (answer_id, user_id, helpful, timestamp(at or now()), reason)
            )
        except ConstraintViolated:
            return VoteSaved.UNKNOWN_ANSWER
        except StoreUnavailable:
            return VoteSaved.NOT_RECORDED
        return VoteSaved.RECORDED

    def votes(self) -> Iterator[Vote]:
        """Every person's latest vote, oldest first, with the answer it is about."""
        for row in self._db.execute(_SELECT_VOTES):
            yield Vote(
                voted_at=read_timestamp(row[0]),
                helpful=bool(row[1]),
                user_id=int(row[2]),
                reason=row[3],
                answer=answer_record(row[4:]),
            )

    def purge_unvoted(self, before: datetime) -> int:
        """Forget answer records older than ``before`` that nobody voted on (their question
        text is not kept past the retention period); voted ones stay with their votes."""
        return self._db.write(
            "DELETE FROM answers WHERE created_at < ? "
            "AND NOT EXISTS (SELECT 1 FROM votes WHERE votes.answer_id = answers.id)",
            (timestamp(before),),
        )

    @property
    def pending(self) -> int:
        """How many answer records wait for the database to come back."""
        return len(self._pending)

    def _insert(self, record: AnswerRecord, at: datetime) -> AnswerSaved:
        changed = self._db.write(
            _INSERT_ANSWER,
            (
                record.id,
                record.question,
                record.asker_id,
                record.private,
                record.offset,
                record.top_k,
                json.dumps(list(record.passage_ids)),
                record.guild_id,
                record.channel_id,
                timestamp(at),
            ),
        )
        if changed:
            return AnswerSaved.SAVED
        rows = self._db.execute(_SELECT_ANSWER, (record.id,))
        same = bool(rows) and answer_record(rows[0]) == record
        return AnswerSaved.ALREADY_SAVED if same else AnswerSaved.ID_TAKEN

    def _hold(self, record: AnswerRecord) -> None:
        self._pending[record.id] = record
        self._pending.move_to_end(record.id)
        while len(self._pending) > PENDING_ANSWERS_MAX:
            self._pending.popitem(last=False)
            self.dropped_answers += 1
            if self.dropped_answers == 1:
                logger.error(
                    "the vote database has been down for %d answers: the oldest answer "
                    "records are no longer kept (their buttons will say they expired)",
                    PENDING_ANSWERS_MAX,
                )

    def _write_pending(self) -> None:
        """Write the records held during an outage, oldest first; raises if still down."""
        while self._pending:
            answer_id, record = next(iter(self._pending.items()))
            if self._insert(record, now()) is AnswerSaved.ID_TAKEN:
                logger.warning("answer %s held during an outage lost its id to another", answer_id)
            self._pending.pop(answer_id, None)
