"""What the cross-encoder costs a reply: ``Engine.answer`` on the labelled questions with the
cross-encoder off (the baseline, measured in the same run) and on.

    .venv/bin/python -m bench.answer_latency [QUESTIONS.jsonl] [--corpus DIR] [--rounds N]

Each round asks every question once with the model's memo emptied (a new question), then
once more (a repeat or "tell me more", answered from the memo). Rounds alternate off and on
so that a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from retrieval import evaluation
from retrieval.corpus import load_corpus
from retrieval.cross_encoder import CrossEncoder
from retrieval.engine import Engine
from retrieval.settings import EngineSettings


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _summary(label: str, millis: list[float]) -> str:
    return (
        f"{label:34} p50 {statistics.median(millis):7.1f} ms   p95 "
        f"{_percentile(millis, 0.95):7.1f} ms   max {max(millis):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "questions", nargs="?", type=Path, default=Path("eval/seed_questions.jsonl")
    )
    parser.add_argument("--corpus", type=Path, default=Path("seeds"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    questions = [q.question for q in evaluation.load_questions(args.questions)]
    corpus = load_corpus(args.corpus)
    engines = {
        "cross-encoder off (baseline)": Engine(
            corpus, replace(EngineSettings(), cross_encoder=False)
        ),
        "cross-encoder on, new question": Engine(corpus, EngineSettings()),
    }
    model = CrossEncoder.shared()
    if model is None:
        raise SystemExit("the cross-encoder is not available; see the log above")
    for engine in engines.values():  # first-use costs (imports, model warm-up) aside
        engine.answer(questions[0])
    times: dict[str, list[float]] = {label: [] for label in engines}
    times["cross-encoder on, asked again"] = []
    for _ in range(args.rounds):
        for label, engine in engines.items():
            model._memo.clear()
            for question in questions:
                started = time.perf_counter()
                engine.answer(question)
                times[label].append((time.perf_counter() - started) * 1000)
        engine = engines["cross-encoder on, new question"]
        for question in questions:
            started = time.perf_counter()
            engine.answer(question)
            times["cross-encoder on, asked again"].append((time.perf_counter() - started) * 1000)
    print(f"{len(questions)} questions x {args.rounds} rounds over {args.corpus}/")
    for label, millis in times.items():
        print(_summary(label, millis))
    base = statistics.median(times["cross-encoder off (baseline)"])
    on = statistics.median(times["cross-encoder on, new question"])
    print(f"median ratio, on / off: {on / base:.1f}x")


if __name__ == "__main__":
    main()
