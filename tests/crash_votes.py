"""Kill a voting process with SIGKILL at random moments and count the recorded votes lost.

Shared by the crash test (a few hundred votes) and ``bench/vote_crash.py`` (a bigger run).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CrashRun:
    rounds: int
    acknowledged: int  # votes the process said were recorded before it was killed
    lost: int  # of those, missing or wrong in the database afterwards
    wrong: int


def kill_while_voting(path: Path, rounds: int, votes_per_round: int, seed: int = 7) -> CrashRun:
    chance = random.Random(seed)
    acknowledged: dict[int, bool] = {}
    for round_number in range(rounds):
        first = round_number * votes_per_round
        answer_id = f"{round_number:012x}"
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.vote_clicker",
                str(path),
                answer_id,
                str(first),
                str(votes_per_round),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        kill_after = chance.randint(1, votes_per_round - 1)
        for _ in range(kill_after):
            line = child.stdout.readline()
            if not line:
                break
            acknowledged[int(line)] = int(line) % 2 == 0
        os.kill(child.pid, signal.SIGKILL)  # mid-vote: the next save_vote is under way
        for line in child.stdout:  # printed before it died: also told "recorded"
            acknowledged[int(line)] = int(line) % 2 == 0
        child.wait()
    db = sqlite3.connect(path)
    stored = {
        user: bool(helpful) for user, helpful in db.execute("SELECT user_id, helpful FROM votes")
    }
    db.close()
    lost = sum(user not in stored for user in acknowledged)
    wrong = sum(
        user in stored and stored[user] != helpful for user, helpful in acknowledged.items()
    )
    return CrashRun(rounds=rounds, acknowledged=len(acknowledged), lost=lost, wrong=wrong)
