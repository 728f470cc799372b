"""Start and answer through the whole engine, from a folder of article files.

    .venv/bin/python -m bench.engine_folder --corpus /tmp/big1m

Times (each in a fresh process, median of ``--runs``) ``Engine.from_folder`` with the
saved passage store and index, and a whole ``seedbot --corpus DIR ask "..."``
process; then ``Engine.answer`` p50/p95 over questions of 3-8 words taken from
random passages (``bench.run.make_queries``). Build the saved index first with
``/usr/bin/time -v seedbot --corpus DIR index`` (its wall time and peak RSS are the
build figures).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.run import make_queries
from bench.worker import answer_times, peak_mib, rss_mib

_START = """
import sys, time
started = time.perf_counter()
from retrieval.engine import Engine
engine = Engine.from_folder(sys.argv[1])
print(time.perf_counter() - started, engine.index_status)
"""


class _Sentences:
    """The view of an engine's passages that ``make_queries`` reads."""

    def __init__(self, passages: object) -> None:
        self.passages = passages

    def __len__(self) -> int:
        return len(self.passages)  # type: ignore[arg-type]

    def sentences(self, index: int) -> tuple[str, ...]:
        return self.passages[index].sentences  # type: ignore[index, no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--answers-only", action="store_true", help="skip the start timings")
    args = parser.parse_args()
    starts, statuses = [], set()
    for _ in range(0 if args.answers_only else args.runs):
        out = subprocess.run(
            [sys.executable, "-c", _START, str(args.corpus)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        starts.append(float(out[0]))
        statuses.add(out[1])
    if starts:
        print(
            f"Engine.from_folder: median {statistics.median(starts):.2f} s "
            f"({', '.join(f'{s:.2f}' for s in starts)}; index {', '.join(sorted(statuses))})"
        )
    seedbot = Path(sys.executable).with_name("seedbot")
    asks = []
    for _ in range(0 if args.answers_only else args.runs):
        t = time.perf_counter()
        subprocess.run(
            [str(seedbot), "--corpus", str(args.corpus), "ask", "Who proposed a ceasefire?"],
            check=True,
            capture_output=True,
        )
        asks.append(time.perf_counter() - t)
    if asks:
        print(
            f"whole `seedbot ask` process: median {statistics.median(asks):.2f} s "
            f"({', '.join(f'{s:.2f}' for s in asks)})"
        )

    from retrieval.engine import Engine
    from retrieval.index_cache import wait_for_background_work

    engine = Engine.from_folder(args.corpus)
    wait_for_background_work()  # numba loaded: steady state from here
    queries = make_queries(_Sentences(engine.corpus.passages), args.queries, 7)  # type: ignore[arg-type]
    questions = [query["question"] for query in queries]
    for label in ("first pass", "second pass"):  # the first reads mapped pages from disk
        times = answer_times(engine, questions)
        print(
            f"{len(engine.corpus.passages):,} passages, Engine[{engine.engine_name}], {label}: "
            f"answer p50 {times['p50']:.2f} ms, p95 {times['p95']:.2f} ms "
            f"({len(queries)} questions), RSS {rss_mib():.0f} MiB, peak {peak_mib():.0f} MiB"
        )


if __name__ == "__main__":
    main()
