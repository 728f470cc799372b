"""A throw-away local PostgreSQL server for the store's tests and benchmarks.

Found on PATH or in Debian's ``/usr/lib/postgresql/*/bin``; started as the ``postgres`` user
when run as root (PostgreSQL refuses root), bound to 127.0.0.1 on a free port, and removed
afterwards. Tests that need it are skipped when it cannot start.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STORE_TABLES = ("votes", "answers", "questions", "channel_settings", "guild_settings")


class NoPostgres(RuntimeError):
    """No server could be started here (the reason says why)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@contextmanager
def local_postgres() -> Iterator[str]:
    """A ``postgresql://`` URL to a new empty server, stopped and deleted on exit."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise NoPostgres("no PostgreSQL server binaries (initdb, pg_ctl)")
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            raise NoPostgres("running as root without runuser to start PostgreSQL as another user")
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise NoPostgres("running as root and there is no 'postgres' user") from exc
        prefix = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="seedbot-pg-"))
    data = root / "data"
    if prefix:
        shutil.chown(root, "postgres")
    try:
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=True,
            timeout=60,
        )
        port = _start(prefix, pg_ctl, data, root)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        raise NoPostgres(
            f"could not start a local PostgreSQL server: {exc} {detail.decode(errors='replace')}"
        ) from exc
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


def _start(prefix: list[str], pg_ctl: str, data: Path, root: Path) -> int:
    """Start the server on a free port; a port taken meanwhile (other tests run on this
    machine too) gets another try."""
    for attempt in range(3):
        port = free_port()
        options = f"-h 127.0.0.1 -p {port} -k {root} -F"
        try:
            subprocess.run(
                [
                    *prefix,
                    pg_ctl,
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(root / "log"),
                    "-w",
                    "start",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=True,
                timeout=60,
            )
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
            continue
        return port
    raise AssertionError("unreachable")


def drop_store_tables(url: str) -> None:
    """Empty the server between tests (faster than a new database)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {', '.join(STORE_TABLES)} CASCADE")


def _server() -> Iterator[str]:
    pytest.importorskip("psycopg", reason="psycopg (the postgres extra) is not installed")
    try:
        with local_postgres() as url:
            yield url
    except NoPostgres as reason:
        pytest.skip(str(reason))


# Import this into a test module to use the fixture ``postgres_url`` there.
postgres_url_fixture = pytest.fixture(scope="session", name="postgres_url")(_server)


def _store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each kind: a SQLite file, then (if a server starts) PostgreSQL."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite3")
        return
    url: str = request.getfixturevalue("postgres_url")
    drop_store_tables(url)
    yield url


store_target_fixture = pytest.fixture(params=["sqlite", "postgresql"], name="store_target")(
    _store_target
)
