"""From how many passages is FastBM25 worth it? Measures OkapiScorer against FastBM25.

    .venv/bin/python -m bench.crossover

For corpora of growing size (prefixes of one synthetic corpus) it times, in
one process, building each scorer and its query latency (top 30, as the
engine asks), and prints the first size at which FastBM25 answers faster and
the first at which build + 1000 queries is cheaper. FastBM25 also costs a
one-off import of numba (printed), paid once per process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bench.corpus import generate_passages
from retrieval.tokenize import tokenize

SIZES = (10, 30, 100, 300, 1000, 3000, 10_000, 20_000)


def median_ms(fn: Callable[..., Any], arg: Any, repeat: int) -> float:
    """Median wall time of ``fn(arg)``."""
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(arg)
        samples.append(time.perf_counter() - t)
    return float(np.median(samples) * 1000)


def query_ms(scorer: Any, queries: list[list[str]], repeat: int) -> float:
    """Median over queries of each query's median top-30 time."""
    return float(np.median([median_ms(lambda q: scorer.top(q, 30), q, repeat) for q in queries]))


def queries_for(tokenized: Sequence[Sequence[str]], n: int) -> list[list[str]]:
    rng = np.random.default_rng(3)
    out: list[list[str]] = []
    while len(out) < n:
        terms = list(dict.fromkeys(tokenized[int(rng.integers(len(tokenized)))]))
        if len(terms) >= 3:
            size = min(len(terms), int(rng.integers(3, 9)))
            out.append([terms[i] for i in rng.choice(len(terms), size=size, replace=False)])
    return out


def main() -> None:
    t = time.perf_counter()
    from retrieval.fastbm25 import FastBM25

    FastBM25.build([["warm", "up"]]).top(["warm"], 1)  # numba's cached kernels load here
    print(f"FastBM25 import + first query: {(time.perf_counter() - t) * 1000:.0f} ms (once)")
    from retrieval.bm25 import OkapiScorer

    texts = [" ".join(p) for p in generate_passages(max(SIZES), seed=7)]
    all_tokens = [tokenize(text) for text in texts]
    print("| passages | Okapi build ms | Fast build ms | Okapi query ms | Fast query ms |")
    print("|---|---|---|---|---|")
    first_query = first_total = None
    for size in SIZES:
        tokenized = all_tokens[:size]
        queries = queries_for(tokenized, 30)
        okapi_build = median_ms(OkapiScorer, tokenized, 3)
        fast_build = median_ms(FastBM25.build, tokenized, 3)
        okapi, fast = OkapiScorer(tokenized), FastBM25.build(tokenized)
        repeat = 3 if size >= 10_000 else 10
        okapi_q = query_ms(okapi, queries, repeat)
        fast_q = query_ms(fast, queries, repeat)
        print(f"| {size:,} | {okapi_build:.2f} | {fast_build:.2f} | {okapi_q:.3f} | {fast_q:.3f} |")
        if first_query is None and fast_q < okapi_q:
            first_query = size
        if first_total is None and fast_build + 1000 * fast_q < okapi_build + 1000 * okapi_q:
            first_total = size
    print(f"\nFastBM25 answers faster from {first_query} passages;")
    print(f"build + 1000 queries is cheaper from {first_total} passages.")


if __name__ == "__main__":
    main()
