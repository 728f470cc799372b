"""Fit the calibrated no-answer decision (``retrieval.decline``) and say how it generalises.

    python -m bench.decline_fit --collect ROWS.json [--squad-limit 600]   # ask, keep evidence
    python -m bench.decline_fit --rows ROWS.json [--write]                # fit, report

``--collect`` asks every question of the development sets (the seed, holdout, holdout2
and fresh_dev files on ``seeds/``, and SQuAD 2.0's ``dev`` half on its own articles)
with an engine that always answers, and keeps for each question the decision's evidence,
whether it is answerable, and the rank of the first result that holds its answer. It
does so twice: with the meaning stage, and without it (as a corpus above
``semantic_max_passages`` is read). Never a blind or holdout3 file, nor SQuAD's
``holdout`` half: those check the fit.

``--rows`` fits a logistic regression (scikit-learn, here only) on the rows and reports,
by leave-one-set-out (each set predicted by a fit on the others), the share of
unanswerable questions declined, of answerable ones declined, and hit@1, against the
hand-set rule's figures on the same rows. The threshold is chosen on the training sets
of each fold: the lowest probability that keeps answerable questions declined within
``--max-wrong-declines``. ``--write`` fits on every row and writes
``retrieval/data/decline_weights.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.squad_data import DEFAULT_DATA, Split, load_squad, select
from bench.squad_folder import build_folder
from bench.squad_scoring import judge, paragraph_map
from retrieval.decline import WEIGHTS_PATH, DeclineModel, feature_names
from retrieval.engine import Engine, build_engine
from retrieval.evaluation import hit_rank, load_questions
from retrieval.settings import EngineSettings

ROOT = Path(__file__).resolve().parent.parent
SEED_SETS = ("seed", "holdout", "holdout2", "fresh_dev")  # eval/<name>_questions.jsonl
K = 3
FEATURES = feature_names()


@dataclass(frozen=True)
class Row:
    group: str  # the question set
    question: str
    answerable: bool
    rank: int | None  # first of the top K holding an answer, when always answering
    rule_answers: bool  # what the hand-set rule decided
    features: dict[str, float] | None  # None: the model read nothing (the rule decides)


def _always_answering(engine: Engine) -> Engine:
    """The engine with a decision that answers everything, so every rank can be seen."""
    names = FEATURES
    zero = tuple(0.0 for _ in names)
    engine.decline_model = DeclineModel(
        names, zero, tuple(1.0 for _ in names), zero, bias=60.0, threshold=0.0
    )
    return engine


def _rule(engine: Engine, question: str) -> bool:
    """Whether the hand-set rule answers: the engine with the fitted decision off."""
    model, engine.decline_model = engine.decline_model, None
    try:
        return engine.answer(question, top_k=K).answered
    finally:
        engine.decline_model = model


def _evidence(explanation: dict[str, Any] | None) -> dict[str, float] | None:
    decision = (explanation or {}).get("decision") or {}
    evidence = decision.get("evidence")
    return None if evidence is None else {k: float(v) for k, v in evidence.items()}


def collect(settings: EngineSettings, squad_limit: int, label: str) -> list[Row]:
    """Every development question asked once, always answered, with its evidence."""
    rows: list[Row] = []
    seeds = _always_answering(build_engine(ROOT / "seeds", settings))
    for name in SEED_SETS:
        for q in load_questions(ROOT / "eval" / f"{name}_questions.jsonl"):
            answer = seeds.answer(q.question, top_k=K)
            rank = hit_rank(answer, q.answers, K) if q.answerable else None
            rows.append(
                Row(
                    name,
                    q.question,
                    q.answerable,
                    rank,
                    _rule(seeds, q.question),
                    _evidence(answer.explanation),
                )
            )
        print(f"  {label}: {name} asked ({len(rows)} rows)", file=sys.stderr, flush=True)
    data = load_squad(DEFAULT_DATA)
    questions = select(data.questions, Split.DEV, squad_limit)
    with tempfile.TemporaryDirectory(prefix="seedbot-decline-fit-") as folder:
        build_folder(data.articles, Path(folder))
        squad = _always_answering(build_engine(folder, settings))
        paragraphs = paragraph_map(squad.corpus.passages, data.articles)
        for number, q in enumerate(questions, 1):
            answer = squad.answer(q.question, top_k=K)
            outcome = judge(q, answer, paragraphs)
            rows.append(
                Row(
                    "squad_dev",
                    q.question,
                    q.answerable,
                    outcome.quote_rank,
                    _rule(squad, q.question),
                    _evidence(answer.explanation),
                )
            )
            if number % 100 == 0:
                print(f"  {label}: squad {number}/{len(questions)}", file=sys.stderr, flush=True)
    return rows


def _matrix(rows: Sequence[Row]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[r.features[name] for name in FEATURES] for r in rows if r.features])
    y = np.array([r.answerable for r in rows if r.features], dtype=int)
    return x, y


@dataclass(frozen=True)
class Fit:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        score = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(score, -60, 60))))


def fit(rows: Sequence[Row], c: float, max_wrong: float) -> Fit:
    """The regression on ``rows`` (each set weighted equally), and its threshold."""
    usable = [r for r in rows if r.features]
    x, y = _matrix(usable)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    sizes: dict[str, int] = {}
    for r in usable:
        sizes[r.group] = sizes.get(r.group, 0) + 1
    weight = np.array([len(usable) / (len(sizes) * sizes[r.group]) for r in usable])
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=weight)
    partial = Fit(mean, scale, model.coef_[0], float(model.intercept_[0]), 0.5)
    p = partial.probability(x)
    answerable = np.sort(p[y == 1])
    # The highest threshold that declines at most max_wrong of the answerable questions.
    allowed = int(np.floor(max_wrong * len(answerable)))
    threshold = float(answerable[allowed]) if allowed < len(answerable) else 0.5
    return replace(partial, threshold=min(threshold, 0.5))


def figures(rows: Sequence[Row], answers: Sequence[bool]) -> dict[str, float]:
    answerable = [(r, a) for r, a in zip(rows, answers, strict=True) if r.answerable]
    unanswerable = [(r, a) for r, a in zip(rows, answers, strict=True) if not r.answerable]
    return {
        "n": len(rows),
        "hit@1": _share(a and r.rank == 1 for r, a in answerable),
        "hit@3": _share(a and r.rank is not None for r, a in answerable),
        "unanswerable_declined": _share(not a for _, a in unanswerable),
        "answerable_declined": _share(not a for _, a in answerable),
    }


def _share(flags: Any) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 3) if values else float("nan")


def _decisions(rows: Sequence[Row], model: Fit) -> list[bool]:
    out = []
    for r in rows:
        if r.features is None:
            out.append(r.rule_answers)
        else:
            x = np.array([[r.features[name] for name in FEATURES]])
            out.append(bool(model.probability(x)[0] >= model.threshold))
    return out


def report(rows: Sequence[Row], c: float, max_wrong: float) -> None:
    groups = sorted({r.group for r in rows})
    print(
        f"{'set':10} {'who':6} " + " ".join(f"{k:>22}" for k in figures(rows, [True] * len(rows)))
    )
    for group in groups:
        held = [r for r in rows if r.group == group]
        model = fit([r for r in rows if r.group != group], c, max_wrong)
        for who, answers in (
            ("rule", [r.rule_answers for r in held]),
            ("fit", _decisions(held, model)),
        ):
            print(
                f"{group:10} {who:6} "
                + " ".join(f"{v:>22}" for v in figures(held, answers).values())
            )


def write(rows: Sequence[Row], c: float, max_wrong: float) -> dict[str, Any]:
    model = fit(rows, c, max_wrong)
    return {
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in model.mean],
        "scale": [round(float(v), 6) for v in model.scale],
        "weights": [round(float(v), 6) for v in model.weights],
        "bias": round(model.bias, 6),
        "threshold": round(model.threshold, 4),
        "questions": sum(1 for r in rows if r.features),
        "C": c,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--collect", type=Path, metavar="ROWS", help="ask and write the rows")
    parser.add_argument("--rows", type=Path, metavar="ROWS", help="fit on rows written before")
    parser.add_argument("--squad-limit", type=int, default=600)
    parser.add_argument("--C", type=float, default=1.0, dest="c")
    parser.add_argument("--max-wrong-declines", type=float, default=0.04)
    parser.add_argument("--write", action="store_true", help="write the shipped weights")
    args = parser.parse_args(argv)
    if args.collect:
        base = EngineSettings(top_k=K)
        collected = {
            "with_meaning": collect(base, args.squad_limit, "with meaning"),
            "without_meaning": collect(replace(base, semantic=False), args.squad_limit, "without"),
        }
        args.collect.write_text(
            json.dumps({k: [r.__dict__ for r in v] for k, v in collected.items()}), "utf-8"
        )
        args.rows = args.collect
    if not args.rows:
        parser.error("give --collect ROWS or --rows ROWS")
    stored = json.loads(args.rows.read_text("utf-8"))
    weights: dict[str, Any] = {"about": "retrieval.decline, fitted by python -m bench.decline_fit"}
    for key, raw in stored.items():
        rows = [Row(**r) for r in raw]
        print(f"\n{key} ({len(rows)} questions, C={args.c}, leave one set out)")
        report(rows, args.c, args.max_wrong_declines)
        weights[key] = write(rows, args.c, args.max_wrong_declines)
    if args.write:
        WEIGHTS_PATH.write_text(json.dumps(weights, indent=1) + "\n", "utf-8")
        print(f"wrote {WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
