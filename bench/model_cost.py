"""What the models cost a new question, before and after issue 17, measured alternately.

    .venv/bin/python -m bench.model_cost [QUESTIONS.jsonl] [--corpus DIR] [--rounds N]

"Before" is how the models ran until issue 17: the cross-encoder read each call's texts
as one batch padded to the longest, and both onnxruntime sessions let their worker
threads spin between calls. "After" is the code as it is. One engine answers every
question with the models' memos emptied (a new question), switching between the two
after each question, so a busy machine slows both alike: compare the ratio. Also shown:
where the cross-encoder's time goes (tokenizing against the model, padded tokens), and
how far the logits of a batch are from those of each pair alone.
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
from retrieval.semantic import SentenceEncoder, _verified_model_path
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


def batched_logits(
    model: CrossEncoder, session: Any, question: str, texts: list[str]
) -> np.ndarray:
    """The logits of one padded batch, as the cross-encoder read them before issue 17."""
    tokenizer = model._tokenizer
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    try:
        encodings = tokenizer.encode_batch([(question, t) for t in texts])
    finally:
        tokenizer.no_padding()
    feeds = {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }
    return np.asarray(session.run(None, feeds)[0], dtype=np.float32).reshape(-1)


class Before:
    """Switches the shared models to their pre-issue-17 way of running, and back."""

    def __init__(self, model: CrossEncoder, encoder: SentenceEncoder) -> None:
        self.model, self.encoder = model, encoder
        folder = package_folder(MODEL_PACKAGE) / MODEL_FOLDER
        self.model_session = spinning_session(
            verified(folder / "model.onnx", MODEL_SHA256), 2, optimise_fully=True
        )
        self.encoder_session = spinning_session(_verified_model_path(), 1, optimise_fully=False)

    @contextmanager
    def active(self) -> Iterator[None]:
        model, encoder = self.model, self.encoder
        run, session = model._run, encoder._session
        model._run = lambda q, texts: batched_logits(model, self.model_session, q, texts)  # type: ignore[method-assign, assignment]
        encoder._session = self.encoder_session
        try:
            yield
        finally:
            model._run = run  # type: ignore[method-assign, assignment]
            encoder._session = session


def where_time_goes(
    model: CrossEncoder, batch_session: Any, calls: list[tuple[str, list[str]]]
) -> None:
    """Tokenizing against the model, padding, and batch-versus-alone logits."""
    tokenizing = running = 0.0
    padded = real = 0
    drift = []
    for question, texts in calls:
        started = time.perf_counter()
        encodings = model._tokenizer.encode_batch([(question, t) for t in texts])
        tokenizing += time.perf_counter() - started
        started = time.perf_counter()
        alone = model._run(question, texts)
        running += time.perf_counter() - started
        longest = max(len(e.ids) for e in encodings)
        padded += longest * len(encodings)
        real += sum(len(e.ids) for e in encodings)
        drift.append(
            float(np.abs(batched_logits(model, batch_session, question, texts) - alone).max())
        )
    print(
        f"cross-encoder calls: {len(calls)}; tokenizing {tokenizing / running:.1%} of the model's"
        f" time; one padded batch per call would read {padded / real:.2f}x the tokens"
    )
    print(
        f"logits of a padded batch against each pair alone: max |diff| {max(drift):.3f},"
        f" median {statistics.median(drift):.3f}"
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
                    engine.answer(question)
                    model._run = run  # type: ignore[method-assign, assignment]
                else:
                    with before.active():
                        engine.answer(question)
                times[label].append((time.perf_counter() - started) * 1000)
    print(f"{len(questions)} new questions x {args.rounds} rounds over {args.corpus}/, both models")
    for label, millis in times.items():
        print(_summary(label, millis))
    ratios = [a / b for a, b in zip(times["after"], times["before issue 17"], strict=True)]
    p50 = {label: statistics.median(millis) for label, millis in times.items()}
    print(
        f"p50 after / before: {p50['after'] / p50['before issue 17']:.2f}"
        f"   median of the per-question ratios: {statistics.median(ratios):.2f}"
    )
    where_time_goes(model, before.model_session, calls[: min(len(calls), 90)])


if __name__ == "__main__":
    main()
