"""Scale benchmark: seedbot's FastBM25 against rank-bm25, bm25s and tantivy, side by side.

    .venv/bin/python -m bench.run                      # 10k, 100k and 1M passages
    .venv/bin/python -m bench.run --sizes 10000        # about a minute

For each size it generates (once, cached in bench/results/corpora) a seeded
synthetic corpus, tokenizes it once with ``retrieval.tokenize.tokenize`` for
the peers (that time is added to their build), then runs every engine in its
own process (build, steady and peak memory, query latency) and once more from
its saved index (cold start). Ranking alone is the engine's top 10 for the
query's terms; the whole answer is question text -> terms -> top 10 ->
excerpts for the 3 shown, with passage texts read from disk. Machines are
noisy: compare the ratios within one run. Results go to bench/results/.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench import cranfield
from bench.corpus import ensure_corpus
from bench.store import PassageStore

RESULTS = Path(__file__).resolve().parent / "results"
ENGINE_ORDER = ("seedbot", "rank-bm25", "bm25s", "tantivy")


def make_queries(store: PassageStore, n: int, seed: int) -> list[dict[str, Any]]:
    """Questions about random passages: 3-8 distinct content words taken from one passage."""
    from retrieval.tokenize import term_spans

    rng = np.random.default_rng(seed)
    queries: list[dict[str, Any]] = []
    while len(queries) < n:
        text = " ".join(store.sentences(int(rng.integers(len(store)))))
        words: dict[str, str] = {}
        for start, end, term in term_spans(text):
            words.setdefault(term, text[start:end])
        if len(words) < 3:
            continue
        size = min(len(words), int(rng.integers(3, 9)))
        chosen = sorted(rng.choice(len(words), size=size, replace=False).tolist())
        terms = list(words)
        picked = [terms[i] for i in chosen]
        question = "What do the articles say about " + " ".join(words[t] for t in picked) + "?"
        queries.append({"terms": picked, "question": question})
    return queries


def prepare(size: int, seed: int, n_queries: int, work: Path) -> dict[str, Any]:
    """Corpus, queries and the peers' token file for one size; tokenizing is timed once."""
    from retrieval.tokenize import tokenize

    corpus = ensure_corpus(RESULTS / "corpora", size, seed)
    store = PassageStore(corpus)
    queries = make_queries(store, n_queries, seed + size)
    queries_path = work / f"queries-{size}.json"
    queries_path.write_text(json.dumps(queries), "utf-8")
    tokens_path = corpus.with_suffix(".tokens")
    texts = store.all_texts()
    t = time.perf_counter()
    tokenized = [tokenize(text) for text in texts]
    tokenize_s = time.perf_counter() - t
    if not tokens_path.exists():
        tmp = tokens_path.with_suffix(".tmp")
        tmp.write_text("".join(" ".join(tokens) + "\n" for tokens in tokenized), "utf-8")
        tmp.replace(tokens_path)
    words = sum(len(text.split()) for text in texts)
    del texts, tokenized  # keep this process lean: workers are forked from it
    gc.collect()
    return {
        "corpus": corpus,
        "queries": queries_path,
        "tokens": tokens_path,
        "tokenize_s": tokenize_s,
        "words": words,
    }


def run_worker(mode: str, engine: str, prep: dict[str, Any], save: Path, n: int) -> dict[str, Any]:
    out = save.parent / f"{engine}-{mode}.json"
    command = [
        sys.executable, "-m", "bench.worker", mode,
        "--engine", engine,
        "--corpus", str(prep["corpus"]),
        "--tokens", str(prep["tokens"]),
        "--queries", str(prep["queries"]),
        "--n-queries", str(n),
        "--save", str(save),
        "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return {"engine": engine, "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return result


def rank_bm25_queries(size: int) -> int:
    """rank-bm25 takes ~2 s a query at 1M passages: sample fewer as the corpus grows."""
    return max(5, min(50, 2_000_000 // size))


def bench_size(size: int, args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    print(f"\n== {size:,} passages: preparing corpus and queries", flush=True)
    prep = prepare(size, args.seed, args.queries, work)
    print(
        f"   tokenize (peers, retrieval.tokenize.tokenize): {prep['tokenize_s']:.1f} s", flush=True
    )
    rows = []
    for engine in args.engines:
        n = rank_bm25_queries(size) if engine == "rank-bm25" else args.queries
        save = work / f"{engine}-{size}"
        print(f"   {engine}: build + queries ({n})", flush=True)
        row = run_worker("build", engine, prep, save, n)
        if "error" not in row and engine != "rank-bm25":
            tokenize = 0.0 if engine == "seedbot" else prep["tokenize_s"]
            row["build_total_s"] = row["build_s"] + tokenize
            print(f"   {engine}: cold start", flush=True)
            row.update(run_worker("cold", engine, prep, save, min(n, 50)))
        elif "error" not in row:
            row["build_total_s"] = row["build_s"] + prep["tokenize_s"]
        row["size"] = size
        rows.append(row)
    reference = next((r for r in rows if r["engine"] == "rank-bm25" and "error" not in r), None)
    for row in rows:
        if reference and "error" not in row:
            row["speedup"] = reference["rank"]["p50"] / row["rank"]["p50"]
            n = len(reference["top10"])
            row["same_top10"] = sum(
                a == b for a, b in zip(reference["top10"], row["top10"][:n], strict=True)
            )
            row["same_top10_of"] = n
    for row in rows:
        row.pop("top10", None)
    return rows


def fmt(value: Any, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def table(rows: list[dict[str, Any]]) -> str:
    """A markdown table, one row per (size, engine)."""
    head = (
        "| passages | engine | build s | peak MiB | steady MiB | serving MiB | disk MiB | cold start s "
        "| rank p50 ms | rank p95 ms | answer p50 ms | answer p95 ms | x rank-bm25 (p50) "
        "| top 10 = rank-bm25 |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['size']:,} | {r['engine']} | error: {r['error']} |")
            continue
        same = f"{r['same_top10']}/{r['same_top10_of']}" if "same_top10" in r else "-"
        lines.append(
            f"| {r['size']:,} | {r['engine']} | {fmt(r.get('build_total_s'))} "
            f"| {fmt(r['peak_mib'], '.0f')} | {fmt(r['steady_mib'], '.0f')} "
            f"| {fmt(r.get('serving_rss_mib'), '.0f')} "
            f"| {fmt(r.get('index_disk_mib'), '.0f')} | {fmt(r.get('cold_start_s'), '.2f')} "
            f"| {r['rank']['p50']:.3f} | {r['rank']['p95']:.3f} "
            f"| {r['answer']['p50']:.3f} | {r['answer']['p95']:.3f} "
            f"| {fmt(r.get('speedup'), ',.0f')} | {same} |"
        )
    return "\n".join(lines)


def cranfield_quality() -> dict[str, float] | None:
    """nDCG@10 on Cranfield for rank-bm25 (fixed floor, as the engine uses it) and FastBM25."""
    if not cranfield.available():
        return None
    from retrieval.bm25 import OkapiScorer
    from retrieval.fastbm25 import FastBM25
    from retrieval.tokenize import tokenize

    collection = cranfield.load()
    tokenized = [tokenize(text) for text in collection.documents]
    engines: dict[str, Any] = {
        "rank-bm25 (OkapiScorer)": OkapiScorer(tokenized),
        "seedbot FastBM25": FastBM25.build(tokenized),
    }

    def ranker(scorer: Any) -> Callable[[int, str], list[int]]:
        def top10(_number: int, text: str) -> list[int]:
            return [d for d, _ in scorer.top(list(dict.fromkeys(tokenize(text))), 10)]

        return top10

    return {name: cranfield.mean_ndcg(collection, ranker(s)) for name, s in engines.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=list(ENGINE_ORDER), choices=ENGINE_ORDER)
    parser.add_argument(
        "--queries", type=int, default=200, help="queries per size (rank-bm25: fewer)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y%m%d-%H%M%S")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="seedbot-bench-") as tmp:
        for size in args.sizes:
            work = Path(tmp) / str(size)
            work.mkdir()
            rows.extend(bench_size(size, args, work))
    quality = cranfield_quality()
    print("\n" + table(rows))
    if quality:
        print(
            "\nCranfield nDCG@10 (same tokenizer): "
            + ", ".join(f"{k} {v:.4f}" for k, v in quality.items())
        )
    out = RESULTS / f"bench-{started}.json"
    out.write_text(
        json.dumps({"rows": rows, "cranfield_ndcg10": quality}, indent=2, default=str), "utf-8"
    )
    print(f"\nraw results: {out}")


if __name__ == "__main__":
    main()
