"""Votes lost to ``kill -9``: a voting process killed at random moments, many times.

    .venv/bin/python -m bench.vote_crash [--rounds 40] [--votes 100] [--seed 7]

Each round starts ``tests.vote_clicker`` on one SQLite file, lets it record a random number
of votes (each printed right after ``save_vote`` returned ``RECORDED``, when the bot would
tell the user), kills it with SIGKILL mid-vote, and finally checks that every vote it
printed is in the database with its value. The test suite runs a smaller round
(``tests/test_store_faults.py``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.crash_votes import kill_while_voting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--votes", type=int, default=100, help="votes a round may reach")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        run = kill_while_voting(Path(folder) / "votes.sqlite3", args.rounds, args.votes, args.seed)
        took = time.perf_counter() - started
    print(
        f"{run.rounds} kills, {run.acknowledged} votes reported recorded, "
        f"{run.lost} lost, {run.wrong} with the wrong value ({took:.1f} s)"
    )


if __name__ == "__main__":
    main()
