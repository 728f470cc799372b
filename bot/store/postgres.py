"""The store in PostgreSQL, for deployments where several bot processes share one database.

Chosen when ``SEEDBOT_FEEDBACK_DB`` is a ``postgresql://`` URL; uses psycopg 3 (the
``postgres`` extra). A lost connection is dropped and reopened on a later call. A change of
a server's settings is announced with NOTIFY, so the other processes see it in milliseconds
rather than when their settings cache expires (``bench/settings_propagation.py``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from bot.store.database import Database
from bot.store.dialect import POSTGRES
from bot.store.schema import create_schema

CONNECT_TIMEOUT = 3  # seconds: a server that is down must not hold up answers for long
_SCHEMA_LOCK = 0x5EEDB07  # advisory lock: two processes starting at once create tables once
CHANNEL = "seedbot_settings"  # NOTIFY channel: the payload is the server whose settings changed

logger = logging.getLogger("seedbot.store")


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

    def announce_change(self, guild_id: int) -> None:
        self.execute("SELECT pg_notify(?, ?)", (CHANNEL, str(guild_id)))

    def listen_for_changes(self, changed: Callable[[int | None], None]) -> ChangeListener:
        return ChangeListener(self, changed)


class ChangeListener:
    """A thread with its own connection that LISTENs for settings changes and reconnects
    after a failure (the cache's expiry covers the gap: it reports ``None`` on reconnecting)."""

    def __init__(self, db: PostgresDatabase, changed: Callable[[int | None], None]) -> None:
        self._db = db
        self._changed = changed
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="seedbot-settings-listener", daemon=True
        )
        self.listening = threading.Event()  # set while LISTEN is active (the tests wait on it)
        self._thread.start()

    def _run(self) -> None:
        failed = False
        while not self._stop.is_set():
            try:
                with self._db._connect() as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if failed:
                        logger.warning("listening for settings changes again")
                        failed = False
                    self._changed(None)  # anything announced while not listening
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._changed(int(note.payload) if note.payload.isdigit() else None)
            except Exception as error:
                self.listening.clear()
                if not failed:
                    logger.warning("settings changes not heard (%s); retrying", error)
                    failed = True
                self._stop.wait(1.0)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
