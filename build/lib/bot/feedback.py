"""Durable answers and votes: what was asked, which passages were cited, and what people thought.

Every answer page the bot sends is stored under a short id that its buttons carry in their
``custom_id``; that is how "More results", "Full passage" and the votes keep working after
a restart. The store is synchronous on purpose (stdlib ``sqlite3``): the bot calls it through
``asyncio.to_thread`` so the event loop never waits on the disk, and the CLI export calls it
directly. A PostgreSQL store implements the same ``FeedbackStore`` protocol.
"""

from __future__ import annotations

import csv
import json
import random
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TextIO

if TYPE_CHECKING:
    from bot.config import Settings

EXPORT_FIELDS = (
    "voted_at",
    "vote",
    "user_id",
    "answer_id",
    "question",
    "passage_ids",
    "offset",
    "guild_id",
    "channel_id",
)


@dataclass(frozen=True)
class AnswerRecord:
    """One page of an answer as sent: enough to page on, show passages and attribute votes."""

    id: str
    question: str
    asker_id: int
    private: bool
    offset: int
    top_k: int
    passage_ids: tuple[str, ...]
    guild_id: int | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class Vote:
    voted_at: str
    helpful: bool
    user_id: int
    answer: AnswerRecord

    def to_row(self) -> dict[str, Any]:
        return {
            "voted_at": self.voted_at,
            "vote": "helpful" if self.helpful else "not_helpful",
            "user_id": self.user_id,
            "answer_id": self.answer.id,
            "question": self.answer.question,
            "passage_ids": list(self.answer.passage_ids),
            "offset": self.answer.offset,
            "guild_id": self.answer.guild_id,
            "channel_id": self.answer.channel_id,
        }


_ids = random.Random(secrets.randbits(64))


def new_answer_id() -> str:
    """12 hex characters: short enough for a custom_id, random enough never to collide.

    A seeded PRNG rather than ``secrets`` per call: the id is not a secret (Discord only
    sends custom_ids that are on the message), and reading the OS entropy source on the
    event loop for every answer was measurably slow under load.
    """
    return f"{_ids.getrandbits(48):012x}"


class FeedbackStore(Protocol):
    def save_answer(self, record: AnswerRecord) -> None: ...
    def get_answer(self, answer_id: str) -> AnswerRecord | None: ...
    def save_vote(self, answer_id: str, user_id: int, helpful: bool) -> None: ...
    def votes(self) -> Iterator[Vote]: ...
    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    asker_id INTEGER NOT NULL,
    private INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,
    top_k INTEGER NOT NULL,
    passage_ids TEXT NOT NULL,
    guild_id INTEGER,
    channel_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user_id INTEGER NOT NULL,
    helpful INTEGER NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
"""

ANSWER_COLUMNS = (
    'id, question, asker_id, private, "offset", top_k, passage_ids, guild_id, channel_id'
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def answer_record(row: tuple[Any, ...]) -> AnswerRecord:
    """An AnswerRecord from a row of ANSWER_COLUMNS (the same in every store)."""
    return AnswerRecord(
        id=row[0],
        question=row[1],
        asker_id=int(row[2]),
        private=bool(row[3]),
        offset=int(row[4]),
        top_k=int(row[5]),
        passage_ids=tuple(json.loads(row[6])),
        guild_id=row[7],
        channel_id=row[8],
    )


class SqliteFeedbackStore:
    """SQLite in WAL mode; one connection shared by worker threads behind a lock."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def save_answer(self, record: AnswerRecord) -> None:
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO answers ({ANSWER_COLUMNS}, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.question,
                    record.asker_id,
                    int(record.private),
                    record.offset,
                    record.top_k,
                    json.dumps(list(record.passage_ids)),
                    record.guild_id,
                    record.channel_id,
                    _now(),
                ),
            )

    def get_answer(self, answer_id: str) -> AnswerRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {ANSWER_COLUMNS} FROM answers WHERE id = ?", (answer_id,)
            ).fetchone()
        return None if row is None else answer_record(row)

    def save_vote(self, answer_id: str, user_id: int, helpful: bool) -> None:
        """One vote per person per answer; voting again replaces the earlier vote."""
        with self._lock:
            self._db.execute(
                "INSERT INTO votes (answer_id, user_id, helpful, voted_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (answer_id, user_id) DO UPDATE SET "
                "helpful = excluded.helpful, voted_at = excluded.voted_at",
                (answer_id, user_id, int(helpful), _now()),
            )

    def votes(self) -> Iterator[Vote]:
        columns = ", ".join(f"a.{column}" for column in ANSWER_COLUMNS.split(", "))
        with self._lock:
            rows = self._db.execute(
                f"SELECT v.voted_at, v.helpful, v.user_id, {columns} FROM votes v "
                "JOIN answers a ON a.id = v.answer_id ORDER BY v.voted_at, a.id, v.user_id"
            ).fetchall()
        for row in rows:
            yield Vote(
                voted_at=row[0],
                helpful=bool(row[1]),
                user_id=int(row[2]),
                answer=answer_record(row[3:]),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_store(settings: Settings) -> FeedbackStore:
    """The store ``settings.feedback_db`` names: a SQLite path, or a ``postgresql://`` URL."""
    target = settings.feedback_db
    if target.startswith(("postgresql://", "postgres://")):
        from bot.feedback_postgres import PostgresFeedbackStore

        return PostgresFeedbackStore(target)
    return SqliteFeedbackStore(target)


def write_votes(votes: Iterator[Vote], out: TextIO, fmt: Literal["jsonl", "csv"]) -> int:
    """Write votes as JSON lines or CSV (passage ids joined by spaces); returns how many."""
    count = 0
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    for vote in votes:
        row = vote.to_row()
        if writer is not None:
            writer.writerow({**row, "passage_ids": " ".join(row["passage_ids"])})
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_votes(settings: Settings, out: TextIO, fmt: Literal["jsonl", "csv"]) -> int:
    """``seedbot feedback export``: every vote with its question and cited passages."""
    store = open_store(settings)
    try:
        return write_votes(store.votes(), out, fmt)
    finally:
        store.close()
