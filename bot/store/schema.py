"""The store's tables, written once for SQLite and PostgreSQL, and the one migration so far.

Databases made by earlier versions keep working: tables are created only when missing, and a
``votes`` table without the ``reason`` column gets it.
"""

from __future__ import annotations

from typing import Any

from bot.store.dialect import Dialect

TABLES = (
    """CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    asker_id {big} NOT NULL,
    private {bool} NOT NULL,
    "offset" INTEGER NOT NULL,
    top_k INTEGER NOT NULL,
    passage_ids TEXT NOT NULL,
    guild_id {big},
    channel_id {big},
    created_at {time} NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user_id {big} NOT NULL,
    helpful {bool} NOT NULL,
    voted_at {time} NOT NULL,
    reason TEXT,
    PRIMARY KEY (answer_id, user_id)
)""",
    # The question log for operator insight: never a user id.
    """CREATE TABLE IF NOT EXISTS questions (
    asked_at {time} NOT NULL,
    guild_id {big},
    channel_id {big},
    question TEXT NOT NULL,
    answered {bool} NOT NULL,
    reason TEXT
)""",
    # Per-server settings; NULL means "the environment's default".
    """CREATE TABLE IF NOT EXISTS guild_settings (
    guild_id {big} PRIMARY KEY,
    quotes_per_answer INTEGER,
    answers_private {bool},
    cooldown_seconds {real},
    updated_at {time} NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS channel_settings (
    channel_id {big} PRIMARY KEY,
    guild_id {big} NOT NULL,
    qa_channel {bool},
    answers_in_threads {bool},
    updated_at {time} NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at)",
    "CREATE INDEX IF NOT EXISTS answers_created_at ON answers (created_at)",
    "CREATE INDEX IF NOT EXISTS votes_voted_at ON votes (voted_at)",
    "CREATE INDEX IF NOT EXISTS channel_settings_guild ON channel_settings (guild_id)",
)


def columns(conn: Any, table: str) -> set[str]:
    """The column names of ``table``, asked the same way of both databases."""
    cursor = conn.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    names = {column[0] for column in cursor.description}
    cursor.fetchall()
    return names


def create_schema(conn: Any, dialect: Dialect) -> None:
    for statement in TABLES:
        conn.execute(dialect.schema(statement))
    if "reason" not in columns(conn, "votes"):  # a database from before vote reasons
        conn.execute("ALTER TABLE votes ADD COLUMN reason TEXT")
