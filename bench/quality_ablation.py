"""Answer quality with each retrieval upgrade added in turn: the table in docs/quality.md.

Run: .venv/bin/python -m bench.quality_ablation [QUESTIONS.jsonl] [--corpus DIR]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from functools import partial
from pathlib import Path

from retrieval import evaluation
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.settings import EngineSettings

PLAIN = EngineSettings(
    strip_chat_noise=False,
    spelling_correction=False,
    use_aliases=False,
    rerank=False,
    min_coverage=0.3,
    min_coverage_unknown_name=0.3,
    unknown_word_weight=1.0,
    semantic=False,
    cross_encoder=False,
)
STEPS: list[tuple[str, dict[str, object]]] = [
    ("plain BM25, coverage >= 0.3", {}),
    ("+ chat noise stripped", {"strip_chat_noise": True}),
    ("+ spelling correction", {"spelling_correction": True}),
    (
        "+ no-answer rule (names, weights)",
        {"min_coverage": 0.25, "min_coverage_unknown_name": 0.5, "unknown_word_weight": 0.25},
    ),
    ("+ aliases.yaml", {"use_aliases": True}),
    ("+ phrase / answer-type rerank", {"rerank": True}),
    ("+ meaning: no-answer rule only", {"semantic": True, "semantic_weight": 0.0}),
    ("+ meaning: BM25 + MiniLM blend", {"semantic_weight": EngineSettings().semantic_weight}),
    ("+ cross-encoder reads the shortlist", {"cross_encoder": True}),
]
COLUMNS = ("hit@1", "hit@3", "mrr", "honest_decline_rate", "wrong_decline_rate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "questions", nargs="?", type=Path, default=Path("eval/seed_questions.jsonl")
    )
    parser.add_argument("--corpus", type=Path, default=Path("seeds"))
    args = parser.parse_args()
    questions = evaluation.load_questions(args.questions)
    corpus = load_corpus(args.corpus)
    settings = PLAIN
    print(f"{'step':40} " + " ".join(f"{c[:12]:>12}" for c in COLUMNS))
    for name, change in STEPS:
        settings = replace(settings, **change)  # type: ignore[arg-type]
        engine = Engine(corpus, settings)
        report = evaluation.evaluate(partial(engine.answer, top_k=3), questions).to_json()
        print(f"{name:40} " + " ".join(f"{report[c]:12.3f}" for c in COLUMNS))


if __name__ == "__main__":
    main()
