"""What only PostgreSQL can do to the store: drop its connection, and be created by two
processes at once (skipped when no local server can start)."""

from __future__ import annotations

import logging
import subprocess
import sys
import time

import pytest

from bot.config import Settings
from bot.store import AnswerRecord, AnswerSaved, VoteSaved, open_store
from bot.store import database as database_module
from bot.store.factory import open_database
from bot.store.guild_settings import Defaults, SettingsStore
from tests.postgres_server import drop_store_tables, postgres_url_fixture  # noqa: F401

pytest.importorskip("psycopg", reason="psycopg (the postgres extra) is not installed")

RECORD = AnswerRecord(
    id="0123456789ab",
    question="Who proposed a 30-day ceasefire?",
    asker_id=2**62,
    private=False,
    offset=0,
    top_k=3,
    passage_ids=("a.txt#p5.1",),
    guild_id=2**60,
    channel_id=None,
)


def test_a_dropped_connection_is_reopened_at_once(
    postgres_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    drop_store_tables(postgres_url)
    monkeypatch.setattr(database_module, "RECONNECT_INTERVAL", 0.0)
    store = open_store(Settings(_env_file=None, feedback_db=postgres_url))  # type: ignore[call-arg]
    assert store.save_answer(RECORD) is AnswerSaved.SAVED
    with psycopg.connect(postgres_url, autocommit=True) as admin:  # the server drops us
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND datname = current_database()"
        )
    caplog.set_level(logging.WARNING, logger="seedbot.store")
    assert store.save_vote(RECORD.id, 7, helpful=True) is VoteSaved.RECORDED
    assert [vote.helpful for vote in store.votes()] == [True]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    lost = [r for r in caplog.records if "connection lost" in r.getMessage()]
    assert [r.levelno for r in lost] == [logging.WARNING]
    store.close()


def test_a_server_that_is_down_refuses_votes_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.postgres_server import free_port

    caplog.set_level(logging.WARNING, logger="seedbot.store")
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    store = open_store(Settings(_env_file=None, feedback_db=nowhere))  # type: ignore[call-arg]
    assert store.save_answer(RECORD) is AnswerSaved.PENDING
    assert store.get_answer(RECORD.id) == RECORD  # its buttons work in this process
    for _ in range(20):
        assert store.save_vote(RECORD.id, 7, helpful=True) is VoteSaved.NOT_RECORDED
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    store.close()


def test_two_processes_create_the_tables_at_once(postgres_url: str) -> None:
    drop_store_tables(postgres_url)
    script = (
        "import sys; from bot.store.factory import open_database; "
        "db = open_database(sys.argv[1]); db.execute('SELECT COUNT(*) FROM votes'); print('ok')"
    )
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script, postgres_url], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=60)[0].strip() for process in starts]
    assert outputs == ["ok"] * 4
    assert [process.returncode for process in starts] == [0] * 4


def test_another_process_hears_of_a_settings_change_at_once(postgres_url: str) -> None:
    drop_store_tables(postgres_url)
    changer = SettingsStore(open_database(postgres_url), Defaults(), cache_seconds=60)
    reader = SettingsStore(open_database(postgres_url), Defaults(), cache_seconds=60)
    assert not reader.for_guild(5).is_qa_channel(6)  # cached for a minute
    changer.add_qa_channel(5, 6)
    deadline = time.monotonic() + 5
    while not reader.for_guild(5).is_qa_channel(6):
        assert time.monotonic() < deadline, "the change was not announced"
        time.sleep(0.01)
    changer.close()
    reader.close()
