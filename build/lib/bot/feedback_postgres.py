"""The vote store in PostgreSQL, for deployments where several bot processes share the votes.

Same ``FeedbackStore`` protocol and schema as the SQLite store; chosen when
``SEEDBOT_FEEDBACK_DB`` is a ``postgresql://`` URL. Uses psycopg 3 (the ``postgres`` extra).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

from bot.feedback import ANSWER_COLUMNS, AnswerRecord, Vote, answer_record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    asker_id BIGINT NOT NULL,
    private BOOLEAN NOT NULL,
    "offset" INTEGER NOT NULL,
    top_k INTEGER NOT NULL,
    passage_ids TEXT NOT NULL,
    guild_id BIGINT,
    channel_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user_id BIGINT NOT NULL,
    helpful BOOLEAN NOT NULL,
    voted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (answer_id, user_id)
);
"""


class PostgresFeedbackStore:
    """One autocommit connection shared by worker threads behind a lock."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "SEEDBOT_FEEDBACK_DB is a PostgreSQL URL but psycopg is not installed: "
                "pip install 'seedbot[postgres]'"
            ) from exc
        self._lock = threading.Lock()
        self._db = psycopg.connect(url, autocommit=True)
        with self._lock:
            self._db.execute(_SCHEMA)

    def save_answer(self, record: AnswerRecord) -> None:
        with self._lock:
            self._db.execute(
                f"INSERT INTO answers ({ANSWER_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING",
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
                ),
            )

    def get_answer(self, answer_id: str) -> AnswerRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {ANSWER_COLUMNS} FROM answers WHERE id = %s", (answer_id,)
            ).fetchone()
        return None if row is None else answer_record(row)

    def save_vote(self, answer_id: str, user_id: int, helpful: bool) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO votes (answer_id, user_id, helpful) VALUES (%s, %s, %s) "
                "ON CONFLICT (answer_id, user_id) DO UPDATE SET "
                "helpful = excluded.helpful, voted_at = now()",
                (answer_id, user_id, helpful),
            )

    def votes(self) -> Iterator[Vote]:
        columns = ", ".join(f"a.{column}" for column in ANSWER_COLUMNS.split(", "))
        with self._lock:
            rows = self._db.execute(
                "SELECT to_char(v.voted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS+00:00'), "
                f"v.helpful, v.user_id, {columns} FROM votes v "
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
