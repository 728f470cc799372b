"""One connection to the store's database, shared by worker threads, that survives outages.

The SQLite and PostgreSQL backends only say how to connect, which driver errors mean "the
database is unavailable" and whether a connection is still usable; everything else (the
schema, every query, reconnecting, logging an outage once) is written here once. Calls are
synchronous: the bot makes them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bot.store.dialect import Dialect
from bot.store.incidents import IncidentLog
from bot.store.schema import create_schema

logger = logging.getLogger("seedbot.store")

RECONNECT_INTERVAL = 1.0  # seconds between attempts to reopen a database that is down


class Closeable(Protocol):
    def close(self) -> None: ...


class StoreUnavailable(RuntimeError):
    """The database cannot be read or written now (locked, full disk, gone, server down)."""


class ConstraintViolated(RuntimeError):
    """A write broke a constraint: a vote for an answer id that is not stored."""


class Database(ABC):
    """The connection, its lock, reconnection and the outage log; subclasses connect."""

    dialect: Dialect

    def __init__(self, description: str) -> None:
        self.description = description
        self._lock = threading.RLock()
        self._conn: Any = None
        self._next_attempt = 0.0
        self._open_error = ""  # why the last attempt to open failed, for the next refusal
        self._closed = False
        self.incidents = IncidentLog(logger, description)
        with self._lock, contextlib.suppress(StoreUnavailable):  # logged; later calls retry
            self._ensure_open()

    # What a backend provides.
    @abstractmethod
    def _connect(self) -> Any:
        """A new DB-API connection in autocommit mode (each statement commits)."""

    @abstractmethod
    def _is_unavailable(self, error: Exception) -> bool:
        """Whether ``error`` means the database cannot be used now (not a bug in our SQL)."""

    @abstractmethod
    def _is_constraint(self, error: Exception) -> bool: ...

    def _create_schema(self, conn: Any) -> None:
        create_schema(conn, self.dialect)

    def _usable(self, conn: Any) -> bool:
        """Whether an open connection still reaches the database the store names."""
        return True

    # Telling the other processes that a server's settings changed (PostgreSQL only).
    def announce_change(self, guild_id: int) -> None:
        """Tell the other processes' ``listen_for_changes`` (nothing to do without them)."""
        return None

    def listen_for_changes(self, changed: Callable[[int | None], None]) -> Closeable | None:
        """Call ``changed(guild_id)`` when another process announces a change (``None``:
        changes may have been missed); None when this database cannot notify."""
        return None

    # Running statements.
    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows (none for a write)."""
        return self._run(sql, params)[0]

    def write(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one write and return how many rows it changed."""
        return self._run(sql, params)[1]

    def _run(self, sql: str, params: Sequence[object]) -> tuple[list[tuple[Any, ...]], int]:
        query = self.dialect.query(sql)
        with self._lock:
            for attempt in (1, 2):
                conn = self._ensure_open()
                try:
                    cursor = conn.execute(query, tuple(params))
                    rows = cursor.fetchall() if cursor.description else []
                    changed = cursor.rowcount
                except Exception as error:
                    if self._is_constraint(error):
                        raise ConstraintViolated(str(error)) from error
                    if not self._is_unavailable(error):
                        raise
                    lost = not self._usable(conn)
                    if lost:
                        self._drop()
                    if lost and attempt == 1 and not self.incidents.failures:
                        # A server restart or an idle timeout: one new connection, at once.
                        # Every write here is idempotent or harmless to repeat.
                        logger.warning(
                            "%s: connection lost (%s); reconnecting", self.description, error
                        )
                        continue
                    self.incidents.failed(sql.split(None, 1)[0].lower(), error)
                    raise StoreUnavailable(f"{self.description}: {error}") from error
                self.incidents.recovered()
                return rows, changed
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _ensure_open(self) -> Any:
        if self._closed:
            raise StoreUnavailable(f"{self.description} is closed")
        if self._conn is not None and not self._usable(self._conn):
            logger.warning(
                "%s: the connection no longer reaches it (file deleted or replaced, or the "
                "server closed it): reopening",
                self.description,
            )
            self._drop()
        if self._conn is None:
            if time.monotonic() < self._next_attempt:
                raise StoreUnavailable(f"{self.description} is unavailable: {self._open_error}")
            try:
                conn = self._connect()
                try:
                    self._create_schema(conn)
                except Exception:
                    conn.close()
                    raise
            except Exception as error:
                if not self._is_unavailable(error):
                    raise
                self._next_attempt = time.monotonic() + RECONNECT_INTERVAL
                self._open_error = str(error)
                self.incidents.failed("open", error)
                raise StoreUnavailable(f"{self.description}: {error}") from error
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # a broken connection may fail to close; it is gone either way
                logger.debug("closing a broken connection failed", exc_info=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()
