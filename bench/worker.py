"""One engine, one corpus, one fresh process: build, measure, save; or cold-start from a save.

Run by ``bench.run``; each call is its own process so peak RSS
(``VmHWM``, see ``peak_mib``) belongs to that engine alone.
"""

from __future__ import annotations

import time

_START = time.perf_counter()  # before the engine's imports: cold start includes them

import argparse  # noqa: E402
import contextlib  # noqa: E402
import ctypes  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from bench.engines import ENGINES  # noqa: E402
from bench.store import PassageStore  # noqa: E402

MIB = 1024 * 1024


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib() -> float:
    """Resident memory now (the steady figure)."""
    return _status_mib("VmRSS")


def peak_mib() -> float:
    """This process's peak RSS.

    ``VmHWM`` rather than ``getrusage``'s ``ru_maxrss``: Linux carries ru_maxrss
    over fork and exec, so a worker would report its parent's peak.
    """
    return _status_mib("VmHWM")


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the OS, so RSS shows what is still used."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: RSS may stay higher
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000
    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)), "n": len(ms)}


def answer_times(engine: Any, questions: Sequence[str]) -> dict[str, float]:
    """p50 / p95 (ms) of the whole ``engine.answer`` over ``questions``, one after another."""
    samples = []
    for question in questions:
        started = time.perf_counter()
        engine.answer(question)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def dir_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / MIB


def answer(engine: Any, store: PassageStore, question: str, top_k: int) -> list[Any]:
    """The whole answer path: parse, rank the top 10, choose excerpts for the top_k shown."""
    from retrieval.excerpts import choose_excerpt
    from retrieval.query import parse_query

    terms = parse_query(question).terms
    hits = engine.top(terms, 10)
    return [choose_excerpt(store.passage(i), terms, engine.idf) for i in hits[:top_k]]


def time_queries(engine: Any, store: PassageStore, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Ranking alone and whole answer, after one warm-up query each."""
    rank_only = getattr(engine, "rank_only", None) or engine.top
    rank_only(queries[0]["terms"], 10)
    answer(engine, store, queries[0]["question"], 3)
    rank, whole, results = [], [], []
    for query in queries:
        t = time.perf_counter()
        rank_only(query["terms"], 10)
        rank.append(time.perf_counter() - t)
    for query in queries:
        t = time.perf_counter()
        answer(engine, store, query["question"], 3)
        whole.append(time.perf_counter() - t)
        results.append(engine.top(query["terms"], 10))
    return {"rank": percentiles(rank), "answer": percentiles(whole), "top10": results}


def build_mode(args: argparse.Namespace) -> dict[str, Any]:
    engine = ENGINES[args.engine]()
    store = PassageStore(args.corpus)
    baseline = rss_mib()  # interpreter, libraries and the engine's imports
    texts = store.all_texts()
    tokenized = None
    if engine.needs_tokens:
        tokenized = [line.split() for line in args.tokens.read_text("utf-8").splitlines()]
    release_memory()
    before = rss_mib()
    t = time.perf_counter()
    engine.build(texts, tokenized)
    build_s = time.perf_counter() - t
    del texts, tokenized
    release_memory()
    steady = rss_mib()
    queries = json.loads(args.queries.read_text("utf-8"))[: args.n_queries]
    timing = time_queries(engine, store, queries)
    saved = None
    if engine.can_save:
        args.save.mkdir(parents=True, exist_ok=True)
        engine.save(args.save)
        saved = dir_mib(args.save)
    return {
        "engine": args.engine,
        "build_s": build_s,
        "baseline_mib": baseline,
        "rss_before_build_mib": before,
        "steady_mib": steady,
        "steady_index_mib": steady - before,
        "peak_mib": peak_mib(),
        "index_disk_mib": saved,
        **timing,
    }


def cold_mode(args: argparse.Namespace) -> dict[str, Any]:
    """Fresh process: import, open the saved index, answer one question."""
    engine = ENGINES[args.engine]()
    store = PassageStore(args.corpus)
    engine.load(args.save)
    queries = json.loads(args.queries.read_text("utf-8"))
    answer(engine, store, queries[0]["question"], 3)
    cold = time.perf_counter() - _START
    timing = time_queries(engine, store, queries[: args.n_queries])
    return {
        "engine": args.engine,
        "cold_start_s": cold,
        "serving_rss_mib": rss_mib(),
        "serving_peak_mib": peak_mib(),
        "loaded_rank": timing["rank"],
        "loaded_answer": timing["answer"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["build", "cold"])
    parser.add_argument("--engine", choices=sorted(ENGINES), required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--tokens", type=Path)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--n-queries", type=int, default=200)
    parser.add_argument("--save", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = build_mode(args) if args.mode == "build" else cold_mode(args)
    args.out.write_text(json.dumps(result), "utf-8")


if __name__ == "__main__":
    main()
