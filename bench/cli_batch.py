"""The command-line batch on a fresh install and later, against rank-bm25 in the same run.

    .venv/bin/python -m bench.cli_batch --corpus DIR [--questions 200] [--baseline 20]
        [--before REV] [--without-models]

``seedbot --corpus DIR ask --json -`` answers N questions (4 words of random paragraphs)
in one process. A fresh install is a numba cache folder of its own, empty
(``NUMBA_CACHE_DIR``), in four steps: its first batch with nothing compiled (the kernels
compile in a child meanwhile: the numpy kernel until then); the first batch of a fresh
install over a copy of the folder without its saved index, as a new user's first run
(the kernels compile in the child while the index is built); a third fresh install's
first batch after ``seedbot --corpus DIR index``, which is what an install does before
its first question (the index is there already, so it only compiles the kernels); and a
later batch in that install. A question's cost is
the time from the first answer's line to the last's over N - 1: the start and first-use
costs (the spelling index) aside. With ``--before REV`` the code at that git revision runs the same steps, the two
taking turns at each step. The folder should already hold its index (``seedbot index --corpus DIR``).

The baseline, timed between the fresh install and the later run: rank-bm25's
``BM25Okapi`` over the same passages (the saved store's, tokenized with retrieval's
tokenizer), ``get_scores`` and the top 5 for the first ``--baseline`` of the same questions,
in this process. The ratio printed is its ms a question over seedbot's.

``--without-models`` runs seedbot with ``SEEDBOT_SEMANTIC=false SEEDBOT_CROSS_ENCODER=false``:
the ranking alone, which is what rank-bm25 does. With the models on (the default), the
cross-encoder reads each question's shortlist at every corpus size, and that reading,
not the ranking, is most of a question's time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
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


WITHOUT_MODELS = {"SEEDBOT_SEMANTIC": "false", "SEEDBOT_CROSS_ENCODER": "false"}


def timed_ask(
    tree: Path, corpus: Path, lines: list[str], cache: Path, extra: dict[str, str]
) -> tuple[float, float]:
    """One ``ask --json -`` process over ``lines``: its seconds, and the milliseconds a
    question from the first answer's line to the last's (start and first-use costs aside)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": str(cache), **extra}
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


def wait_for_compiles(timeout: float = 60.0) -> None:
    """Wait until no kernel compile started by an earlier step is still running: a batch
    that ends before its compile child does leaves it compiling, on the cores the next
    step's batch would share."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["pgrep", "-f", "retrieval.fastbm25.compiled"], capture_output=True, check=False
        )
        if found.returncode != 0:  # none left (or no pgrep: nothing to wait for)
            return
        time.sleep(0.2)


def run_index(tree: Path, corpus: Path, cache: Path) -> None:
    """``seedbot --corpus DIR index`` with the code of ``tree`` and numba cache ``cache``."""
    # The BM25 index only: this measures BM25's path, and the meaning index of 100,000
    # paragraphs would take 15-20 minutes to encode.
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "NUMBA_CACHE_DIR": str(cache),
        "SEEDBOT_SEMANTIC": "false",
    }
    command = [sys.executable, "-m", "bot", "--corpus", str(corpus), "index"]
    subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True)


def rank_bm25_ms(corpus: Path, asked: Sequence[str]) -> tuple[float, int]:
    """rank-bm25's ms a question (``get_scores`` and the top 5) over the folder's passages,
    and how many passages it ranked."""
    from bench.engines import RankBM25Engine
    from retrieval.engine import INDEX_VERSION
    from retrieval.passage_store import load_corpus_cached
    from retrieval.tokenize import tokenize

    loaded, _ = load_corpus_cached(corpus, version=INDEX_VERSION)
    texts = [passage.text for passage in loaded.passages]
    baseline = RankBM25Engine()
    baseline.build(texts, [tokenize(text) for text in texts])
    queries = [tokenize(question) for question in asked]
    started = time.perf_counter()
    for terms in queries:
        baseline.top(terms, 5)
    return (time.perf_counter() - started) / len(queries) * 1000, len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument(
        "--baseline", type=int, default=20, help="questions rank-bm25 answers (default 20)"
    )
    parser.add_argument("--before", help="a git revision to compare with, e.g. main")
    parser.add_argument(
        "--without-models", action="store_true", help="seedbot ranks with BM25 alone"
    )
    args = parser.parse_args()
    extra = WITHOUT_MODELS if args.without_models else {}
    asked = questions(args.corpus, args.questions)
    with tempfile.TemporaryDirectory(prefix="seedbot-cli-batch-") as scratch:
        trees = {"after": ROOT}
        if args.before:
            trees = {"before": code_at(args.before, Path(scratch)), **trees}
        models = "models off" if args.without_models else "models on"
        print(f"{len(asked)} questions over {args.corpus} ({models}); ms a question, start aside")
        print(f"load average at the start {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        # (step, its numba cache, whether `seedbot index` runs first in that install)
        steps = (
            ("fresh install, no index run", "never-indexed", False),
            ("fresh install, unindexed folder", "new-folder", False),
            ("fresh install, after index", "indexed", True),
            ("later", "indexed", False),
        )
        times: dict[str, dict[str, tuple[float, float]]] = {label: {} for label in trees}
        for step, install, index_first in steps:  # each step for every tree in turn
            for label, tree in trees.items():
                cache = Path(scratch, f"numba-{label}-{install}")  # empty at first
                folder = args.corpus
                if install == "new-folder":  # the articles alone: this run builds the index
                    folder = Path(scratch, f"articles-{label}")
                    shutil.copytree(args.corpus, folder, ignore=shutil.ignore_patterns(".*"))
                if index_first:
                    run_index(tree, folder, cache)
                times[label][step] = timed_ask(tree, folder, asked, cache, extra)
                wait_for_compiles()
            if step == steps[0][0]:  # the baseline amid the steps, so all see the same machine
                baseline, ranked = rank_bm25_ms(args.corpus, asked[: args.baseline])
        for label, took in times.items():
            for step, _, _ in steps:
                per = took[step][1]
                ratio = baseline / per
                shown = f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.2f}x"
                print(
                    f"{label:6} {step:32} {per:6.2f} ms a question "
                    f"({took[step][0]:4.1f} s in all), rank-bm25 / this {shown}"
                )
        print(
            f"rank-bm25 get_scores + top 5 over the same {ranked:,} passages: "
            f"{baseline:.1f} ms a question ({min(args.baseline, len(asked))} of the questions)"
        )
        print(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
