"""How long a one-question ``seedbot ask`` process takes, start to exit, with the index saved.

    .venv/bin/python -m bench.ask_start --corpus DIR [--runs 7] [--question TEXT]
        [--before REV [--before-corpus DIR]]

Each run is a whole process: ``python -m bot --corpus DIR ask QUESTION``, its imports,
opening the saved index, loading the models and answering. The variants take turns
at each run, so a busy machine slows them alike: the models on (the default
settings), the models off (``SEEDBOT_SEMANTIC=false SEEDBOT_CROSS_ENCODER=false``) and,
as the floor no change can go below, the interpreter alone (``python -c pass``); with
``--before REV``, the code at that git revision with the default settings, over
``--before-corpus`` when given (a copy of the folder indexed by that code: when the two
cut passages differently, one folder would be re-indexed at every turn). The question
is four words of a paragraph of the folder (``bench.cli_batch.questions``), so it needs
no spelling index; ``--question`` asks another. The folder should already hold its
index (``seedbot --corpus DIR index``), and the kernels be compiled (any earlier run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from bench.cli_batch import ROOT, code_at, questions

WITHOUT_MODELS = {"SEEDBOT_SEMANTIC": "false", "SEEDBOT_CROSS_ENCODER": "false"}


def timed_process(command: list[str], tree: Path, extra: Mapping[str, str]) -> float:
    """Seconds from starting ``command`` (the code of ``tree`` on its path) to its exit."""
    env = {**os.environ, "PYTHONPATH": str(tree), **extra}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stderr}")
    return took


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--question", help="default: four words of a paragraph of the folder")
    parser.add_argument("--before", help="a git revision to compare with, e.g. main")
    parser.add_argument(
        "--before-corpus",
        type=Path,
        help="the folder the --before code reads (a copy with its own saved index): needed "
        "when the two cut passages differently, or each turn rebuilds the other's index",
    )
    args = parser.parse_args()
    question = args.question or questions(args.corpus, 1)[0]
    ask = [sys.executable, "-m", "bot", "--corpus", str(args.corpus), "ask", question]
    with tempfile.TemporaryDirectory(prefix="seedbot-ask-start-") as scratch:
        variants: dict[str, tuple[list[str], Path, Mapping[str, str]]] = {
            "models on": (ask, ROOT, {}),
            "models off": (ask, ROOT, WITHOUT_MODELS),
            "python -c pass": ([sys.executable, "-c", "pass"], ROOT, {}),
        }
        if args.before:
            before = code_at(args.before, Path(scratch))
            folder = args.before_corpus or args.corpus
            asked = [sys.executable, "-m", "bot", "--corpus", str(folder), "ask", question]
            variants = {f"before ({args.before})": (asked, before, {}), **variants}
        print(f"seedbot ask {question!r} over {args.corpus}, {args.runs} runs of each in turn")
        print(f"load average at the start {load_average()}")
        times: dict[str, list[float]] = {label: [] for label in variants}
        for _ in range(args.runs):
            for label, (command, tree, extra) in variants.items():
                times[label].append(timed_process(command, tree, extra))
        for label, took in times.items():
            print(
                f"{label:18} median {statistics.median(took):5.2f} s   "
                f"min {min(took):5.2f} s   max {max(took):5.2f} s"
            )
        print(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
