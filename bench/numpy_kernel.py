"""FastBM25's numpy kernel against its earlier form (a mask over every passage), in turn.

    .venv/bin/python -m bench.numpy_kernel --corpus DIR [--questions 100] [--rounds 2]

The numpy kernel ranks a one-question ``seedbot ask`` and every question asked while
numba's kernels load. Both forms rank the questions of ``bench.cli_batch.questions``
(tokenized with retrieval's tokenizer) over the folder's saved index, taking turns
each round, and must find the same passages. The folder should hold its index.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.cli_batch import questions
from retrieval.engine import build_engine
from retrieval.fastbm25.index import FastBM25
from retrieval.fastbm25.numpy_kernel import top_k_numpy
from retrieval.settings import EngineSettings
from retrieval.tokenize import tokenize

K = 30


def with_mask(
    indptr: Any, doc_ids: Any, scores: Any, rows: Any, weights: Any, acc: Any, k: int
) -> tuple[Any, Any]:
    """The kernel as it was before the eighth session: the touched passages marked in a mask
    over every passage, then found with ``np.flatnonzero``."""
    touched = np.zeros(acc.shape[0], dtype=np.bool_)
    for r, w in zip(rows.tolist(), weights.tolist(), strict=True):
        lo, hi = int(indptr[r]), int(indptr[r + 1])
        ids = doc_ids[lo:hi]
        acc[ids] += np.float32(w) * scores[lo:hi]
        touched[ids] = True
    cand = np.flatnonzero(touched)
    vals = acc[cand].copy()
    acc[cand] = 0.0
    if cand.size > k:
        keep = np.argpartition(-vals, k - 1)[:k]
        keep = np.flatnonzero(vals >= vals[keep].min())
        cand, vals = cand[keep], vals[keep]
    return cand.astype(np.int32), vals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    engine = build_engine(args.corpus, EngineSettings(semantic=False, cross_encoder=False))
    index = engine.scorer
    if not isinstance(index, FastBM25):
        raise SystemExit(f"{args.corpus} is ranked by {type(index).__name__}, not FastBM25")
    queries = [index._rows(tokenize(q)) for q in questions(args.corpus, args.questions)]
    queries = [(rows, weights) for rows, weights in queries if rows.size]
    kernels: dict[str, Callable[..., tuple[Any, Any]]] = {
        "mask (before)": with_mask,
        "postings (after)": top_k_numpy,
    }
    print(f"{len(queries)} questions over {len(engine.passages):,} passages, top {K}")
    print(f"load average at the start {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    took: dict[str, list[float]] = {name: [] for name in kernels}
    found: dict[str, list[list[int]]] = {}
    for _ in range(args.rounds):
        for name, kernel in kernels.items():
            started = time.perf_counter()
            out = [
                kernel(index.indptr, index.doc_ids, index.scores, r, w, index._buffer(), K)
                for r, w in queries
            ]
            took[name].append((time.perf_counter() - started) / len(queries) * 1000)
            found[name] = [sorted(ids.tolist()) for ids, _ in out]
    for name, times in took.items():
        print(f"{name:20} " + "  ".join(f"{t:6.2f} ms" for t in times) + " a question")
    same = found["mask (before)"] == found["postings (after)"]
    print(f"the same passages for every question: {same}")
    print(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
