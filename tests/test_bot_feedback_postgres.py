"""The PostgreSQL vote store, against a throw-away local server (skipped when there is none)."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.feedback import AnswerRecord, export_votes, open_store

pytest.importorskip("psycopg", reason="psycopg (the postgres extra) is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on PATH")
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser to start PostgreSQL as another user")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to start the server as")
        prefix = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="seedbot-pg-"))
    data = root / "data"
    if prefix:
        shutil.chown(root, "postgres")
    port = _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True, "timeout": 60}
    try:
        subprocess.run([*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"], **quiet)  # type: ignore[call-overload]
        options = f"-h 127.0.0.1 -p {port} -k {root} -F"
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-o", options, "-w", "start"], **quiet)  # type: ignore[call-overload]
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a local PostgreSQL server: {exc}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def test_votes_round_trip_through_postgresql(postgres_url: str) -> None:
    settings = Settings(_env_file=None, feedback_db=postgres_url)  # type: ignore[call-arg]
    store = open_store(settings)
    record = AnswerRecord(
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
    store.save_answer(record)
    store.save_vote(record.id, 7, helpful=False)
    store.save_vote(record.id, 7, helpful=True)
    assert store.get_answer(record.id) == record
    assert store.get_answer("ffffffffffff") is None
    store.close()

    out = io.StringIO()
    assert export_votes(settings, out, "jsonl") == 1
    row = json.loads(out.getvalue())
    assert row["vote"] == "helpful"
    assert row["passage_ids"] == ["a.txt#p5.1"]
    assert row["voted_at"].endswith("+00:00")
