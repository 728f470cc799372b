"""Held-out check of the BM25 + meaning blend: nDCG@10 on Cranfield for several weights.

The blend's weight was chosen on the seed questions; Cranfield (aeronautics abstracts,
225 queries, graded judgements) shows whether it carries over to text it never saw.
Run: .venv/bin/python -m bench.cranfield_blend   (~2-3 min the first time: it encodes
~9,800 sentences and keeps them in bench/results/cranfield-vectors/)
     .venv/bin/python -m bench.cranfield_blend --cross-encoder   (also the cross-encoder
     reordering the default blend's best 10 abstracts, whole: ~6 more minutes)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench import cranfield
from retrieval.bm25 import OkapiScorer
from retrieval.cross_encoder import CrossEncoder
from retrieval.passages import split_sentences
from retrieval.semantic import SentenceEncoder, SentenceVectors
from retrieval.settings import EngineSettings
from retrieval.tokenize import tokenize

WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)
DEPTH = 30  # as the engine: BM25's best 30 and the 30 closest in meaning
CACHE = Path(__file__).parent / "results" / "cranfield-vectors"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cross-encoder", action="store_true", help="also rerank with it")
    args = parser.parse_args()
    if not cranfield.available():
        raise SystemExit(f"Cranfield not found in {cranfield.FOLDER}")
    encoder = SentenceEncoder.shared()
    if encoder is None:
        raise SystemExit("the sentence model is not available; see the log above")
    collection = cranfield.load()
    documents = [" ".join(d.split()) for d in collection.documents]
    scorer = OkapiScorer([tokenize(d) for d in documents])
    sentences = [tuple(split_sentences(d)) or (d,) for d in documents]
    vectors = SentenceVectors.build(sentences, encoder, CACHE, progress=True)
    questions = encoder.encode([" ".join(q.split()) for q in collection.queries])
    default = EngineSettings().semantic_weight

    for weight in WEIGHTS:

        def top10(number: int, text: str, weight: float = weight) -> list[int]:
            ranked = dict(scorer.top(list(dict.fromkeys(tokenize(text))), k=DEPTH))
            best = max(ranked.values(), default=0.0) or 1.0
            similarity = vectors.similarity(questions[number - 1])
            pool = set(ranked) | {int(i) for i in np.argsort(-similarity)[:DEPTH]}
            score = {i: ranked.get(i, 0.0) / best + weight * float(similarity[i]) for i in pool}
            return sorted(pool, key=lambda i: (-score[i], i))[:10]

        label = "BM25 alone" if weight == 0 else f"blend, weight {weight:g}"
        marker = "  (default)" if weight == default else ""
        print(f"{label:22} nDCG@10 {cranfield.mean_ndcg(collection, top10):.4f}{marker}")
        if weight == default:
            blend = top10

    model = CrossEncoder.shared() if args.cross_encoder else None
    if model is not None:

        def read(number: int, text: str) -> list[int]:
            best = blend(number, text)
            logits = model.scores(" ".join(text.split()), [documents[i] for i in best])
            return [best[i] for i in np.argsort(-logits, kind="stable")]

        label = "cross-encoder, best 10"
        print(f"{label:22} nDCG@10 {cranfield.mean_ndcg(collection, read):.4f}")
        print(f"{'blend (default)':22} {cranfield.at_three(collection, blend)}")
        print(f"{label:22} {cranfield.at_three(collection, read)}")


if __name__ == "__main__":
    main()
