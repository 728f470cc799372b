"""The only differences between SQLite and PostgreSQL that the store's SQL has to know.

Every query is written once with ``?`` placeholders and ``{big}``-style type names in the
schema; a ``Dialect`` turns them into what its database speaks. Upserts are written once too:
both databases take ``INSERT ... ON CONFLICT (...) DO UPDATE SET col = excluded.col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Dialect:
    name: str
    placeholder: str
    types: dict[str, str] = field(default_factory=dict)

    def query(self, sql: str) -> str:
        """``sql`` with this database's placeholders (our SQL has no other ``?`` or ``%``)."""
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def schema(self, ddl: str) -> str:
        """``ddl`` with ``{big}``, ``{bool}``, ``{time}`` and ``{real}`` as this database's types."""
        return ddl.format(**self.types)


SQLITE = Dialect(
    "sqlite", "?", {"big": "INTEGER", "bool": "INTEGER", "time": "TEXT", "real": "REAL"}
)
POSTGRES = Dialect(
    "postgresql",
    "%s",
    {"big": "BIGINT", "bool": "BOOLEAN", "time": "TIMESTAMPTZ", "real": "DOUBLE PRECISION"},
)


def timestamp(moment: datetime) -> str:
    """How a time is written: ISO 8601 in UTC to the second, so SQLite's text sorts as time
    and PostgreSQL casts it to ``timestamptz``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def read_timestamp(value: object) -> str:
    """A stored time read back the same way from either database (text or ``datetime``)."""
    return timestamp(value) if isinstance(value, datetime) else str(value)


def now() -> datetime:
    return datetime.now(UTC)
