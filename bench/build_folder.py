"""Time ``seedbot index`` from article text: a clean build in a fresh process, k times.

    .venv/bin/python -m bench.articles --passages 1000000 --out /tmp/articles-1m
    .venv/bin/python -m bench.build_folder --corpus /tmp/articles-1m --runs 3

Each run removes ``<corpus>/.seedbot-index`` and runs ``seedbot --corpus DIR --log-level
INFO index`` in a new process (with every core, as the command does), then prints its wall
time, CPU time, peak RSS (``wait4``'s ``ru_maxrss``, what ``/usr/bin/time -v`` reports: the
largest of the process and its workers), the passages it indexed and the phases from its
log; then the median, min and max wall time and the load average before and after.
``--code DIR`` runs the seedbot of another checkout (e.g. ``git worktree add /tmp/before
HEAD~1``) with this interpreter; ``--compare DIR`` alternates runs of that checkout with
this one's, so that both see the same load on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_SEEDBOT = "import sys; from bot.cli import main; sys.exit(main())"
_INDEXED = re.compile(r"Index of ([\d,]+) passages from ([\d,]+) articles")
_PHASES = {
    "parse": re.compile(r"Parsed \d+ articles into \d+ passages in ([\d.]+)s"),
    "index": re.compile(r"Index built from the parse's terms in ([\d.]+)s"),
}


@dataclass(frozen=True)
class Build:
    wall_s: float
    cpu_s: float
    peak_mib: float
    passages: int
    articles: int
    phases: dict[str, float]


def build_once(corpus: Path, code: Path | None) -> Build:
    shutil.rmtree(corpus / ".seedbot-index", ignore_errors=True)
    # ``python -c`` puts the working folder first on sys.path: run in ``code`` to import it.
    command = [sys.executable, "-c", _SEEDBOT, "--corpus", str(corpus.resolve())]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--log-level", "INFO", "index"],
        cwd=code,
        env={**os.environ, "SEEDBOT_SEMANTIC": "false"},  # BM25's build: no meaning index
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"seedbot index failed ({process.returncode}):\n{output}")
    indexed = _INDEXED.search(output)
    if indexed is None:
        raise SystemExit(f"no passage count in seedbot's output:\n{output}")
    phases = {}
    for name, pattern in _PHASES.items():
        if found := pattern.search(output):
            phases[name] = float(found.group(1))
    return Build(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024,
        passages=int(indexed.group(1).replace(",", "")),
        articles=int(indexed.group(2).replace(",", "")),
        phases=phases,
    )


def _load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, help="a checkout whose seedbot to run")
    parser.add_argument(
        "--compare",
        type=Path,
        help="another checkout: its runs alternate with this one's (same load for both)",
    )
    args = parser.parse_args()
    checkouts: dict[str, Path | None] = {str(args.code or "this checkout"): args.code}
    if args.compare is not None:
        checkouts = {str(args.compare): args.compare, **checkouts}
    print(f"load average before: {_load()}", flush=True)
    builds: dict[str, list[Build]] = {label: [] for label in checkouts}
    for run in range(1, args.runs + 1):
        for label, code in checkouts.items():
            build = build_once(args.corpus, code)
            builds[label].append(build)
            phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in build.phases.items())
            print(
                f"{label}, run {run}: {build.wall_s:.1f} s wall, {build.cpu_s:.1f} s CPU, "
                f"peak RSS {build.peak_mib:.0f} MiB, {build.passages:,} passages from "
                f"{build.articles:,} articles ({phases}; load {_load()})",
                flush=True,
            )
    for label, done in builds.items():
        walls = [build.wall_s for build in done]
        cpus = [build.cpu_s for build in done]
        print(
            f"{label}: seedbot index, {done[0].passages:,} passages: wall median "
            f"{statistics.median(walls):.1f} s (min {min(walls):.1f}, max {max(walls):.1f}; "
            f"{len(walls)} runs), CPU median {statistics.median(cpus):.1f} s, "
            f"peak RSS max {max(build.peak_mib for build in done):.0f} MiB"
        )
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
