"""How long another process takes to see a per-server setting change, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.settings_propagation [--changes 20] [--cache 2.0] [--postgres URL]

A reader process polls ``SettingsStore.for_guild(...).is_qa_channel(...)`` every 5 ms
while this process adds a new Q&A channel every 0.5 s-2.5 s; the lag is the time from the
write's commit to the reader's first sight of it (one machine, one clock). Runs once with the
cache the bot uses (on PostgreSQL a change is also announced with NOTIFY, which empties the
other processes' cache entry) and once with no cache (the database's own visibility). Without ``--postgres`` a throw-away local server is
started if the binaries are there. Also prints what one uncached read costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bot.store.factory import open_database
from bot.store.guild_settings import Defaults, SettingsStore

ROOT = Path(__file__).resolve().parent.parent


def reader(target: str, cache: float, guild: int) -> None:
    settings = SettingsStore(open_database(target), Defaults(), cache_seconds=cache)
    print("ready", flush=True)
    seen: set[int] = set()
    while True:
        for channel in settings.for_guild(guild).qa_channel_ids - seen:
            seen.add(channel)
            print(f"{channel} {time.time():.6f}", flush=True)
        time.sleep(0.005)


def measure(target: str, cache: float, changes: int, guild: int) -> list[float]:
    writer = SettingsStore(open_database(target), Defaults(), cache_seconds=cache)
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.settings_propagation",
            "--reader",
            target,
            "--cache",
            str(cache),
            "--guild",
            str(guild),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    chance = random.Random(3)
    lags = []
    try:
        for number in range(changes):
            time.sleep(chance.uniform(0.5, 2.5))
            channel = 10_000 + number
            writer.add_qa_channel(guild, channel)
            committed = time.time()
            line = child.stdout.readline().split()
            assert int(line[0]) == channel, line
            lags.append(float(line[1]) - committed)
    finally:
        child.kill()
        child.wait()
        writer.close()
    return lags


def read_cost(target: str) -> float:
    settings = SettingsStore(open_database(target), Defaults(), cache_seconds=0)
    started = time.perf_counter()
    for _ in range(500):
        settings.for_guild(1)
    took = (time.perf_counter() - started) / 500
    settings.close()
    return took


def report(name: str, target: str, cache: float, changes: int) -> None:
    print(f"{name}: one uncached read {read_cost(target) * 1e3:.2f} ms")
    for guild, (label, seconds) in enumerate(((f"cache {cache:g} s", cache), ("no cache", 0.0))):
        lags = measure(target, seconds, changes, guild)
        print(
            f"{name}, {label}: {changes} changes seen by another process after "
            f"median {statistics.median(lags) * 1e3:.0f} ms, max {max(lags) * 1e3:.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--cache", type=float, default=2.0)
    parser.add_argument("--postgres", default=None, metavar="URL")
    parser.add_argument("--reader", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--guild", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        reader(args.reader, args.cache, args.guild)
        return
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        report("SQLite", str(folder / "settings.sqlite3"), args.cache, args.changes)
        url = args.postgres
        if url is None:
            from tests.postgres_server import NoPostgres, local_postgres

            try:
                url = stack.enter_context(local_postgres())
            except NoPostgres as reason:
                print(f"PostgreSQL: skipped ({reason})")
        if url:
            report("PostgreSQL", url, args.cache, args.changes)


if __name__ == "__main__":
    main()
