"""What the models cost a new question, before and after issue 17, measured alternately.

    .venv/bin/python -m bench.model_cost [QUESTIONS.jsonl] [--corpus DIR] [--rounds N]

"Before" is how the models ran until issue 17: both onnxruntime sessions with
onnxruntime's defaults besides the thread counts (worker threads that spin between calls,
memory-pattern planning). "After" is the code as it is. The batches are the same, so the
logits are too (checked here on every call). One engine answers every question with the
models' memos emptied (a new question), switching between the two after each question,
so a busy machine slows both alike: compare the ratio. Also shown: where the
cross-encoder's time goes (tokenizing against the model, padded tokens), and what reading
each pair alone, unpadded, would cost and change.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from bench.answer_latency import _summary
from retrieval import evaluation
from retrieval.corpus import load_corpus
from retrieval.cross_encoder import MODEL_FOLDER, MODEL_PACKAGE, MODEL_SHA256, CrossEncoder
from retrieval.engine import Engine
from retrieval.onnx_models import package_folder, verified
from retrieval.semantic import SentenceEncoder, _model_path
from retrieval.settings import EngineSettings


def spinning_session(model: Path, threads: int, *, optimise_fully: bool) -> Any:
    """A session with the options used before issue 17 (onnxruntime's defaults otherwise)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if optimise_fully
        else ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    )
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )


def run_on(model: CrossEncoder, session: Any, question: str, texts: list[str]) -> np.ndarray:
    """The model's batch for ``texts`` run on another session."""
    mine = model._session
    model._session = session
    try:
        return model._run(question, texts)
    finally:
        model._session = mine


class Before:
    """Switches the shared models to their pre-issue-17 way of running, and back."""

    def __init__(self, model: CrossEncoder, encoder: SentenceEncoder) -> None:
        self.model, self.encoder = model, encoder
        folder = package_folder(MODEL_PACKAGE) / MODEL_FOLDER
        self.model_session = spinning_session(
            verified(folder / "model.onnx", MODEL_SHA256), 2, optimise_fully=True
        )
        self.encoder_session = spinning_session(_model_path(), 1, optimise_fully=False)

    @contextmanager
    def active(self) -> Iterator[None]:
        model, encoder = self.model, self.encoder
        sessions = model._session, encoder._session
        model._session, encoder._session = self.model_session, self.encoder_session
        try:
            yield
        finally:
            model._session, encoder._session = sessions


def where_time_goes(
    model: CrossEncoder, before_session: Any, calls: list[tuple[str, list[str]]]
) -> None:
    """Tokenizing against the model, padding, the logits before and after, and what
    reading each pair alone would cost and change."""
    tokenizing = batched = alone_time = 0.0
    padded = real = 0
    changed, drift = [], []
    for question, texts in calls:
        started = time.perf_counter()
        encodings = model._tokenizer.encode_batch([(question, t) for t in texts])
        tokenizing += time.perf_counter() - started
        started = time.perf_counter()
        logits = model._run(question, texts)
        batched += time.perf_counter() - started
        started = time.perf_counter()
        alone = np.concatenate([model._run(question, [t]) for t in texts])
        alone_time += time.perf_counter() - started
        padded += max(len(e.ids) for e in encodings) * len(encodings)
        real += sum(sum(e.attention_mask) for e in encodings)
        changed.append(float(np.abs(run_on(model, before_session, question, texts) - logits).max()))
        drift.append(float(np.abs(alone - logits).max()))
    print(
        f"cross-encoder calls: {len(calls)}; tokenizing {tokenizing / batched:.1%} of the model's"
        f" time; the padded batches read {padded / real:.2f}x the tokens the texts hold"
    )
    print(f"logits after against before: max |diff| {max(changed):.2g}")
    print(
        f"each pair alone, unpadded: {alone_time / batched:.2f}x the batches' time; logits"
        f" moved by max {max(drift):.3f}, median {statistics.median(drift):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "questions", nargs="?", type=Path, default=Path("eval/seed_questions.jsonl")
    )
    parser.add_argument("--corpus", type=Path, default=Path("seeds"))
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    questions = [q.question for q in evaluation.load_questions(args.questions)]
    engine = Engine(load_corpus(args.corpus), EngineSettings())
    model, encoder = CrossEncoder.shared(), SentenceEncoder.shared()
    if model is None or encoder is None:
        raise SystemExit("both models are needed; see the log above")
    before = Before(model, encoder)
    engine.answer(questions[0])  # first-use costs (imports, warm-up) aside
    with before.active():
        engine.answer(questions[0])
    calls: list[tuple[str, list[str]]] = []
    run = model._run

    def recording(question: str, texts: list[str]) -> np.ndarray:
        calls.append((question, list(texts)))
        return run(question, texts)

    times: dict[str, list[float]] = {"before issue 17": [], "after": []}
    quoted: dict[str, list[list[tuple[str, str]]]] = {label: [] for label in times}
    for round_ in range(args.rounds):
        for i, question in enumerate(questions):
            order = ["before issue 17", "after"]
            if (i + round_) % 2:
                order.reverse()  # A/B, then B/A: neither always goes first
            for label in order:
                model._memo.clear()
                encoder._memo.clear()
                started = time.perf_counter()
                if label == "after":
                    model._run = recording  # type: ignore[method-assign, assignment]
                    answer = engine.answer(question)
                    model._run = run  # type: ignore[method-assign, assignment]
                else:
                    with before.active():
                        answer = engine.answer(question)
                times[label].append((time.perf_counter() - started) * 1000)
                quoted[label].append([(r.passage.id, r.excerpt.text) for r in answer.results])
    print(f"{len(questions)} new questions x {args.rounds} rounds over {args.corpus}/, both models")
    for label, millis in times.items():
        print(_summary(label, millis))
    ratios = [a / b for a, b in zip(times["after"], times["before issue 17"], strict=True)]
    p50 = {label: statistics.median(millis) for label, millis in times.items()}
    print(
        f"p50 after / before: {p50['after'] / p50['before issue 17']:.2f}"
        f"   median of the per-question ratios: {statistics.median(ratios):.2f}"
    )
    same = sum(a == b for a, b in zip(quoted["after"], quoted["before issue 17"], strict=True))
    print(f"answers identical before and after (passages and quotes): {same}/{len(questions)}")
    where_time_goes(model, before.model_session, calls[: min(len(calls), 90)])


if __name__ == "__main__":
    main()
