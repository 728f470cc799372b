"""The command-line batch on a fresh install, before and after a change, alternately.

    .venv/bin/python -m bench.cli_batch --corpus DIR [--questions 200] [--before REV]

``seedbot --corpus DIR ask --json -`` answers N questions (4 words of random paragraphs)
in one process. A fresh install is a numba cache folder of its own, empty
(``NUMBA_CACHE_DIR``); the second run uses what the first cached. A question's cost is
the time from the first answer's line to the last's over N - 1: the start and first-use
costs (the spelling index) aside. With ``--before REV`` the code at that git revision runs the same steps, the two
taking turns at each step. The folder should already hold its index (``seedbot index --corpus DIR``).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def questions(corpus: Path, count: int, seed: int = 17) -> list[str]:
    """``count`` questions of four words from random paragraphs of random articles."""
    rng = random.Random(seed)
    files = sorted(corpus.glob("*.txt"))
    out: list[str] = []
    while len(out) < count:
        paragraphs = [p for p in rng.choice(files).read_text().split("\n\n")[1:] if p.strip()]
        words = rng.choice(paragraphs).split()
        out.append(" ".join(rng.sample(words, min(4, len(words)))))
    return out


def code_at(revision: str, into: Path) -> Path:
    """The project's files at ``revision``, exported (no checkout is touched)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def timed_ask(tree: Path, corpus: Path, lines: list[str], cache: Path) -> tuple[float, float]:
    """One ``ask --json -`` process over ``lines``: its seconds, and the milliseconds a
    question from the first answer's line to the last's (start and first-use costs aside)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "--corpus", str(corpus), "ask", "--json", "-"],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("\n".join(lines) + "\n")
        process.stdin.close()
        stamps = [time.perf_counter() for _ in process.stdout]  # one line an answer
    if process.returncode or len(stamps) != len(lines):
        raise SystemExit(f"seedbot ask failed in {tree} (exit {process.returncode})")
    per = (stamps[-1] - stamps[0]) / max(1, len(stamps) - 1) * 1000
    return stamps[-1] - started, per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--before", help="a git revision to compare with, e.g. main")
    args = parser.parse_args()
    asked = questions(args.corpus, args.questions)
    with tempfile.TemporaryDirectory(prefix="seedbot-cli-batch-") as scratch:
        trees = {"after": ROOT}
        if args.before:
            trees = {"before": code_at(args.before, Path(scratch)), **trees}
        print(f"{len(asked)} questions over {args.corpus}; ms a question, start aside")
        steps = ("fresh install", "later")
        times: dict[str, dict[str, tuple[float, float]]] = {label: {} for label in trees}
        for step in steps:  # each step for every tree in turn
            for label, tree in trees.items():
                cache = Path(scratch, f"numba-{label}")  # a fresh install: nothing compiled yet
                times[label][step] = timed_ask(tree, args.corpus, asked, cache)
        for label, took in times.items():
            print(
                f"{label:7} "
                + "   ".join(
                    f"{s}: {took[s][1]:6.2f} ms ({took[s][0]:.1f} s in all)" for s in steps
                )
            )


if __name__ == "__main__":
    main()
