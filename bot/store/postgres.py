"""The store in PostgreSQL, for deployments where several bot processes share one database.

Chosen when ``SEEDBOT_FEEDBACK_DB`` is a ``postgresql://`` URL; uses psycopg 3 (the
``postgres`` extra). A lost connection is dropped and reopened on a later call.
"""

from __future__ import annotations

from typing import Any

from bot.store.database import Database
from bot.store.dialect import POSTGRES
from bot.store.schema import create_schema

CONNECT_TIMEOUT = 3  # seconds: a server that is down must not hold up answers for long
_SCHEMA_LOCK = 0x5EEDB07  # advisory lock: two processes starting at once create tables once


class PostgresDatabase(Database):
    dialect = POSTGRES

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "SEEDBOT_FEEDBACK_DB is a PostgreSQL URL but psycopg is not installed: "
                "pip install 'seedbot[postgres]'"
            ) from exc
        self._psycopg = psycopg
        self.url = url
        super().__init__("the PostgreSQL vote database")

    def _connect(self) -> Any:
        return self._psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)

    def _create_schema(self, conn: Any) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            create_schema(conn, self.dialect)

    def _usable(self, conn: Any) -> bool:
        return not conn.closed and not conn.broken

    def _is_unavailable(self, error: Exception) -> bool:
        errors = self._psycopg
        return isinstance(error, errors.OperationalError | errors.InterfaceError)

    def _is_constraint(self, error: Exception) -> bool:
        return isinstance(error, self._psycopg.IntegrityError)
