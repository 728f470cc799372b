"""The vote database locked, full, deleted or unreachable, and the process killed mid-vote:
the answer still goes out, each outage is logged once, and no vote the user was told is
recorded is lost."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import AnswerRecord, AnswerSaved, Store, StoreUnavailable, VoteSaved
from bot.store import database as database_module
from bot.store import sqlite as sqlite_module
from bot.store.sqlite import SqliteDatabase
from tests.crash_votes import kill_while_voting


def record(number: int) -> AnswerRecord:
    return AnswerRecord(f"{number:012x}", f"Question {number}?", 1, False, 0, 3, ("a.txt#p1.1",))


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "seedbot.store"]


@pytest.fixture(autouse=True)
def _retry_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database_module, "RECONNECT_INTERVAL", 0.0)


def test_locked_by_another_process(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "votes.sqlite3"
    store = Store(SqliteDatabase(path, busy_timeout=0.05))
    assert store.save_answer(record(1)) is AnswerSaved.SAVED
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        caplog.set_level(logging.INFO, logger="seedbot.store")
        assert store.save_answer(record(2)) is AnswerSaved.PENDING  # the answer goes out
        assert store.get_answer(record(2).id) == record(2)  # and its buttons work here
        for _ in range(10):
            assert store.save_vote(record(1).id, 7, helpful=True) is VoteSaved.NOT_RECORDED
        assert store.record_question(None, None, "Who?", answered=True) is False
        assert len(errors(caplog)) == 1
        assert "locked" in errors(caplog)[0].getMessage()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert store.save_vote(record(1).id, 7, helpful=True) is VoteSaved.RECORDED
    assert store.pending_answers == 0  # written before the vote
    assert any("available again" in r.getMessage() for r in caplog.records)
    store.close()
    reopened = Store(SqliteDatabase(path))
    assert reopened.get_answer(record(2).id) == record(2)
    assert [(v.user_id, v.helpful) for v in reopened.votes()] == [(7, True)]
    reopened.close()


def _fill(store: Store, start: int) -> int:
    """Save answers until the database refuses one; returns the first refused number."""
    number = start
    while store.save_answer(record(number)) is AnswerSaved.SAVED:
        number += 1
        assert number < start + 100_000, "the database never filled up"
    return number


def _check_full_disk(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    full_at = _fill(store, 1)
    assert full_at > 1
    assert store.save_vote(record(1).id, 5, helpful=True) is VoteSaved.NOT_RECORDED
    for number in range(full_at, full_at + 20):  # every answer still "goes out"
        assert store.save_answer(record(number)) is AnswerSaved.PENDING
    assert len(errors(caplog)) == 1
    assert "full" in errors(caplog)[0].getMessage()


def test_a_full_database_refuses_votes_but_not_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's own "database or disk is full", from a page limit (any machine)."""
    store = Store(SqliteDatabase(tmp_path / "votes.sqlite3"))
    store.db.execute("PRAGMA max_page_count = 40")
    caplog.set_level(logging.INFO, logger="seedbot.store")
    _check_full_disk(store, caplog)
    store.db.execute("PRAGMA max_page_count = 100000")  # space freed
    assert store.save_vote(record(1).id, 5, helpful=True) is VoteSaved.RECORDED
    assert store.pending_answers == 0
    store.close()


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """An 8 MiB tmpfs (needs root and mount); skipped where it cannot be mounted."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mount_point = Path(f"/tmp/seedbot-full-{uuid.uuid4().hex[:8]}")
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


def test_a_full_disk_refuses_votes_but_not_answers(
    small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="seedbot.store")
    ballast = small_disk / "ballast"
    store = Store(SqliteDatabase(small_disk / "votes.sqlite3"))
    # Leave ~64 KiB, so the disk fills within a few hundred answers. (8 MiB in all: once
    # space is freed, SQLite's write-ahead log grows to ~4 MiB before it is checkpointed.)
    free = shutil.disk_usage(small_disk).free
    ballast.write_bytes(b"\0" * max(0, free - 64 * 1024))
    _check_full_disk(store, caplog)
    ballast.unlink()  # the operator frees space
    assert store.save_vote(record(1).id, 5, helpful=True) is VoteSaved.RECORDED
    assert store.pending_answers == 0
    store.close()


def test_deleted_while_running_is_recreated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "votes.sqlite3"
    store = Store(SqliteDatabase(path))
    store.save_answer(record(1))
    for leftover in tmp_path.glob("votes.sqlite3*"):
        leftover.unlink()  # the file and its -wal and -shm, as `rm votes.sqlite3*` would
    caplog.set_level(logging.INFO, logger="seedbot.store")
    assert store.save_answer(record(2)) is AnswerSaved.SAVED
    assert store.save_vote(record(2).id, 7, helpful=False) is VoteSaved.RECORDED
    assert store.get_answer(record(1).id) is None  # gone with the file, honestly
    assert any("reopening" in r.getMessage() for r in caplog.records)
    store.close()
    reopened = Store(SqliteDatabase(path))  # what was written after went into the new file
    assert [(v.answer.id, v.user_id) for v in reopened.votes()] == [(record(2).id, 7)]
    reopened.close()


def test_missing_folder_at_start_then_created(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="seedbot.store")
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    store = Store(SqliteDatabase(blocker / "votes.sqlite3"))  # does not raise: the bot starts
    assert store.save_answer(record(1)) is AnswerSaved.PENDING
    assert store.get_answer(record(1).id) == record(1)
    assert store.save_vote(record(1).id, 3, helpful=True) is VoteSaved.NOT_RECORDED
    with pytest.raises(StoreUnavailable):
        store.get_answer(record(9).id)  # not "expired": the caller can say it is down
    assert len(errors(caplog)) == 1
    blocker.unlink()
    assert store.save_vote(record(1).id, 3, helpful=True) is VoteSaved.RECORDED
    assert [v.answer for v in store.votes()] == [record(1)]
    store.close()


def test_kill_9_right_after_a_vote_loses_nothing(tmp_path: Path) -> None:
    run = kill_while_voting(tmp_path / "votes.sqlite3", rounds=6, votes_per_round=60)
    assert run.acknowledged >= 100  # enough votes were told "recorded" for this to mean something
    assert (run.lost, run.wrong) == (0, 0)


class SwitchRefused:
    """A connection whose switch to WAL is refused ``times`` times with ``code``, as SQLite
    refuses it, without waiting, while another process opens the same new file."""

    tries = 0  # switches to WAL asked for, over every connection

    def __init__(self, conn: sqlite3.Connection, times: int, code: int) -> None:
        self._conn, self._left, self._code = conn, times, code

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql == "PRAGMA journal_mode=WAL":
            SwitchRefused.tries += 1
        if sql == "PRAGMA journal_mode=WAL" and self._left:
            self._left -= 1
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = self._code  # type: ignore[attr-defined]
            raise error
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


def test_a_new_file_another_process_is_opening_is_waited_for_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="seedbot.store")
    monkeypatch.setattr(database_module, "RECONNECT_INTERVAL", 60.0)  # a refusal would last
    connect = sqlite3.connect
    refusals = {"left": 3}

    def refusing(*args: object, **kwargs: object) -> SwitchRefused:
        times, refusals["left"] = refusals["left"], 0
        return SwitchRefused(connect(*args, **kwargs), times, sqlite3.SQLITE_BUSY)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_module.sqlite3, "connect", refusing)
    store = Store(SqliteDatabase(tmp_path / "votes.sqlite3"))
    assert store.save_answer(record(1)) is AnswerSaved.SAVED
    assert store.save_vote(record(1).id, 3, helpful=True) is VoteSaved.RECORDED
    assert not errors(caplog)  # the open waited; no outage began
    store.close()


def test_a_switch_to_wal_that_fails_otherwise_is_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect = sqlite3.connect

    def failing(*args: object, **kwargs: object) -> SwitchRefused:
        return SwitchRefused(connect(*args, **kwargs), 1_000_000, sqlite3.SQLITE_IOERR)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_module.sqlite3, "connect", failing)
    monkeypatch.setattr(SwitchRefused, "tries", 0)
    monkeypatch.setattr(database_module, "RECONNECT_INTERVAL", 60.0)
    store = Store(SqliteDatabase(tmp_path / "votes.sqlite3", busy_timeout=30.0))
    assert store.save_vote("0" * 12, 3, helpful=True) is VoteSaved.NOT_RECORDED
    assert SwitchRefused.tries == 1  # one attempt: only a lock is worth waiting for
    store.close()


def test_two_processes_voting_on_one_file_record_every_vote(tmp_path: Path) -> None:
    """Two shards sharing one SQLite file: each waits for the other's lock, none is refused."""
    path = tmp_path / "votes.sqlite3"
    clickers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.vote_clicker",
                str(path),
                f"{n:012x}",
                str(n * 1000),
                "200",
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        for n in (1, 2)
    ]
    printed = [clicker.communicate(timeout=120)[0].split() for clicker in clickers]
    assert [lines[0] for lines in printed] == ["ready", "ready"]
    assert [len(lines) - 1 for lines in printed] == [200, 200]  # every vote RECORDED
    store = Store(SqliteDatabase(path))
    assert len(list(store.votes())) == 400
    store.close()
