"""The store in a SQLite file: the default, for one bot process (or several on one machine).

WAL mode lets readers and a writer work at once; ``synchronous=NORMAL`` in WAL mode makes a
committed write survive the process being killed (``kill -9``), and only a power cut can
lose the last commits. Foreign keys are on, so a vote for an unknown answer is refused as it
is by PostgreSQL. The file is watched: deleted or replaced while open, it is reopened (and
recreated) instead of writing on into an unlinked file whose votes would vanish.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from bot.store.database import Database
from bot.store.dialect import SQLITE

MEMORY = ":memory:"


class SqliteDatabase(Database):
    dialect = SQLITE

    def __init__(self, path: str | Path, *, busy_timeout: float = 2.0) -> None:
        self.path = str(path)
        self.busy_timeout = busy_timeout  # how long a write waits for another process's lock
        self._file: tuple[int, int] | None = None
        super().__init__(f"the vote database {self.path}")

    def _connect(self) -> sqlite3.Connection:
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, check_same_thread=False, isolation_level=None
        )
        try:
            self._switch_to_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._file = self._identity()
        except Exception:
            conn.close()
            raise
        return conn

    def _switch_to_wal(self, conn: sqlite3.Connection) -> None:
        """``PRAGMA journal_mode=WAL``, retried for as long as a write would wait.

        Switching a file to WAL takes a lock that SQLite does not wait for (its busy
        handler is skipped): two processes opening one new file at the same moment saw
        "database is locked" at once in ~6% of tries, and the loser refused its votes for
        a second. Any other error, or the lock still held after ``busy_timeout``, raises.
        """
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _identity(self) -> tuple[int, int] | None:
        if self.path == MEMORY:
            return None
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return (found.st_dev, found.st_ino)

    def _usable(self, conn: Any) -> bool:
        return self.path == MEMORY or (self._file is not None and self._identity() == self._file)

    def _is_unavailable(self, error: Exception) -> bool:
        if isinstance(error, sqlite3.IntegrityError | sqlite3.ProgrammingError):
            return False
        return isinstance(error, sqlite3.DatabaseError | OSError)

    def _is_constraint(self, error: Exception) -> bool:
        return isinstance(error, sqlite3.IntegrityError)
