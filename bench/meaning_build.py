"""What the meaning index of a large corpus costs to build, hold and search (issue 13).

    .venv/bin/python -m bench.meaning_build --passages 100000 1000000

Two parts, each measured, never assumed:
- **encoding**: MiniLM's sentences a second with a thread per core, on real sentences
  (SQuAD's paragraphs split by the passage splitter), and the sentences a passage holds
  in the seed articles and SQuAD; the time for N passages follows from both;
- **the graph**: ``MeaningIndex``'s own usearch settings, filled with N passages' worth of
  vectors (the real sentences' vectors, each perturbed so that no two are equal), in a
  child process per size so its peak memory is its own; then the saved file's size, the
  start (a memory-mapped view), and the search: its p50, and how many of the exact 30
  closest passages it finds (recall@30 against a brute-force product).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.squad_data import DEFAULT_DATA, load_squad
from retrieval.corpus import load_corpus
from retrieval.passages import split_sentences
from retrieval.semantic import DIMENSIONS, SentenceEncoder

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SAMPLE_SENTENCES = 2_000
QUERIES = 50
DEPTH = 30  # the candidate search's RERANK_DEPTH: passages asked of the graph per question


def real_sentences(data: Path, limit: int) -> list[str]:
    squad = load_squad(data)
    sentences = [s for a in squad.articles for p in a.paragraphs for s in split_sentences(p)]
    return sentences[:limit]


def sentences_per_passage(data: Path) -> float:
    """The mean over the seed articles' and SQuAD's passages, as the splitter cuts them."""
    counts = [len(p.sentences) for p in load_corpus(SEEDS).passages]
    with tempfile.TemporaryDirectory() as folder:
        for article in load_squad(data).articles:
            text = article.heading + "\n\n" + "\n\n".join(article.paragraphs)
            (Path(folder) / article.file).write_text(text, encoding="utf-8")
        counts += [len(p.sentences) for p in load_corpus(Path(folder)).passages]
    return statistics.fmean(counts)


def encoding_rate(sentences: list[str]) -> float:
    """Sentences a second, one encoder with a thread per core, as ``seedbot index`` runs it."""
    encoder = SentenceEncoder.dedicated(threads=os.cpu_count() or 1)
    encoder.encode(sentences[:64])  # the first calls pay for the session's warm-up
    started = time.perf_counter()
    encoder.encode(sentences[64:])
    return (len(sentences) - 64) / (time.perf_counter() - started)


def graph_child(sample_path: str, sentences: int, per_passage: float) -> dict[str, Any]:
    """In a child process: build, save, reopen and search the graph of ``sentences``."""
    from retrieval.meaning_index import MeaningIndex, _add, _save

    sample = np.load(sample_path)
    rng = np.random.default_rng(13)
    vectors = np.empty((sentences, DIMENSIONS), dtype=np.float32)
    for start in range(0, sentences, 65_536):  # filled in pieces: no float64 copy of it all
        rows = min(65_536, sentences - start)
        piece = sample[rng.integers(0, len(sample), rows)]
        piece += rng.normal(0, 0.04, piece.shape).astype(np.float32)
        piece /= np.linalg.norm(piece, axis=1, keepdims=True)
        vectors[start : start + rows] = piece
    passages = int(sentences / per_passage)
    owners = np.minimum((np.arange(sentences) / per_passage).astype(np.int32), passages - 1)
    from usearch.index import Index

    from retrieval import meaning_index

    index = Index(
        ndim=DIMENSIONS,
        metric="cos",
        dtype="f16",
        connectivity=meaning_index.CONNECTIVITY,
        expansion_search=meaning_index.EXPANSION_SEARCH,
    )
    started = time.perf_counter()
    _add(index, vectors, progress=False, threads=os.cpu_count() or 1)
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        _save(Path(folder), "bench", index, owners, np.zeros((sentences, 16), np.uint8))
        size = sum(f.stat().st_size for f in Path(folder).iterdir())
        started = time.perf_counter()
        opened = MeaningIndex.load(Path(folder), "bench", passages)
        open_s = time.perf_counter() - started
        assert opened is not None
        queries = vectors[rng.integers(0, sentences, QUERIES)] + rng.normal(
            0, 0.1, (QUERIES, DIMENSIONS)
        ).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        times, recalls = [], []
        for query in queries:
            started = time.perf_counter()
            found = opened.closeness(query).closest(DEPTH)
            times.append(time.perf_counter() - started)
            best = np.full(passages, -2.0, dtype=np.float32)
            np.maximum.at(best, owners, vectors @ query)
            exact = set(np.argsort(-best)[:DEPTH].tolist())
            recalls.append(len(exact & set(found)) / DEPTH)
    return {
        "sentences": sentences,
        "passages": passages,
        "graph_build_s": round(build_s, 1),
        "saved_mib": round(size / 2**20),
        "open_ms": round(open_s * 1000, 1),
        "closest30_p50_ms": round(statistics.median(times) * 1000, 2),
        "recall_at_30": round(statistics.fmean(recalls), 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(graph_child(args.child[0], int(args.child[1]), float(args.child[2]))))
        return
    sentences = real_sentences(args.data, SAMPLE_SENTENCES)
    rate = encoding_rate(sentences)
    per_passage = sentences_per_passage(args.data)
    print(
        f"encoding: {rate:.0f} sentences/s on {os.cpu_count()} threads; "
        f"{per_passage:.2f} sentences a passage (seeds and SQuAD)"
    )
    encoder = SentenceEncoder.shared()
    assert encoder is not None
    with tempfile.TemporaryDirectory() as folder:
        sample_path = str(Path(folder) / "sample.npy")
        np.save(sample_path, encoder.encode(sentences))
        for passages in args.passages:
            count = int(passages * per_passage)
            done = subprocess.run(
                [sys.executable, "-m", "bench.meaning_build", "--child", sample_path,
                 str(count), str(per_passage)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            figures = json.loads(done.stdout)
            encode_min = count / rate / 60
            print(
                f"{passages:>9,} passages ({count:,} sentences): encoding ~{encode_min:.0f} min "
                f"(at the rate above), graph built in {figures['graph_build_s']} s, saved "
                f"{figures['saved_mib']} MiB, opened in {figures['open_ms']} ms, closest 30 "
                f"passages p50 {figures['closest30_p50_ms']} ms (recall@30 "
                f"{figures['recall_at_30']}), peak RSS {figures['peak_rss_mib']} MiB"
            )


if __name__ == "__main__":
    main()
