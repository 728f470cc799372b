"""The whole answer through the real ``retrieval.engine.Engine``, on a synthetic corpus.

    .venv/bin/python -m bench.engine_answer --size 100000

``bench.run`` times the answer path as tokenizer + ranking + excerpts; this
times ``Engine.answer`` itself (chat clean-up, spelling, aliases, rerank,
near-duplicates, coverage, excerpts) with FastBM25 and, where it is quick
enough, with rank-bm25's BM25Okapi. Passages are made straight from the
corpus file (no sentence splitter), as ``load_corpus`` would give them.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bench.corpus import ensure_corpus
from bench.run import RESULTS, make_queries
from bench.store import PassageStore
from bench.worker import answer_times, peak_mib, rss_mib
from retrieval.corpus import Corpus
from retrieval.engine import Engine
from retrieval.fastbm25 import FastBM25
from retrieval.settings import EngineSettings


def _fast_scorer(self: Engine, tokenized: Sequence[Sequence[str]]) -> FastBM25:
    s = self.settings
    return FastBM25.build(tokenized, k1=s.k1, b=s.b, epsilon=s.epsilon)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--engine", choices=["fast", "bm25okapi"], default="fast")
    parser.add_argument(
        "--stored-terms",
        action="store_true",
        help="re-rank with FastBM25.terms_of instead of re-tokenizing each candidate",
    )
    args = parser.parse_args()
    store = PassageStore(ensure_corpus(RESULTS / "corpora", args.size, 7))
    passages = tuple(store.passage(i) for i in range(len(store)))
    sources = tuple({p.source.file: p.source for p in passages}.values())
    corpus = Corpus(folder=Path("synthetic"), sources=sources, passages=passages)
    settings = replace(EngineSettings(), engine=args.engine)
    if args.engine == "fast":  # whether or not retrieval.engine picks FastBM25 by size yet
        setattr(Engine, "_build_scorer", _fast_scorer)  # noqa: B010
    if args.stored_terms:  # the hook proposed for retrieval.engine
        setattr(Engine, "_passage_terms", lambda self, i: self.scorer.terms_of(i))  # noqa: B010
    before = rss_mib()
    t = time.perf_counter()
    engine = Engine(corpus, settings)
    build = time.perf_counter() - t
    queries = make_queries(store, args.queries, 7 + args.size)
    engine.answer(queries[0]["question"])
    times = answer_times(engine, [query["question"] for query in queries])
    print(
        f"{args.size:,} passages, Engine[{engine.engine_name}]: build {build:.1f} s, "
        f"answer p50 {times['p50']:.2f} ms, p95 {times['p95']:.2f} ms, "
        f"RSS {rss_mib():.0f} MiB ({rss_mib() - before:+.0f} for the engine), "
        f"peak {peak_mib():.0f} MiB"
    )


if __name__ == "__main__":
    main()
