"""The calibrated no-answer decision: one logistic regression over the evidence.

The hand-set thresholds (``verdict.judge`` and ``verdict.model_agrees``) each looked at
one signal; a question could be declined on word coverage that the cross-encoder would
have answered, or answered with the nearest passage when nothing in it held the kind of
answer asked for. Here every signal the stages already compute is weighed at once, by
weights fitted on labelled questions (``python -m bench.decline_fit``, scikit-learn at
fit time only) and shipped as ``data/decline_weights.json``: applying them is a dot
product. There is one set of weights with the meaning stage and one without it (large
corpora), since the candidates and their signals differ. The rule's own verdict is one
of the inputs, so the fit can only add to what the rule knew.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Final

from retrieval.answer_kinds import asked_kind, holds
from retrieval.candidates import Candidate
from retrieval.passage_access import Passages
from retrieval.query import ParsedQuery
from retrieval.query_terms import QueryTerms
from retrieval.verdict import Verdict

log = logging.getLogger(__name__)

WEIGHTS_PATH: Final = Path(__file__).parent / "data" / "decline_weights.json"


@dataclass(frozen=True)
class Evidence:
    """What the stages found for one question, as the decision reads it."""

    top_logit: float  # the cross-encoder's logit for its first text (quote or passage)
    second_logit: float  # ... and for the next one (the margin says how clear the first is)
    mean_logit: float  # ... and on average over the shortlist
    top_was_shown: bool  # the first was among the passages shown before reading
    top_coverage: float  # share of the question's weighted terms the first covers
    best_coverage: float  # the highest share among the passages shown before reading
    top_similarity: float  # MiniLM's cosine of the first's best sentence (0 without meaning)
    best_similarity: float  # the highest among the passages shown before reading
    unknown_names: int  # names the question uses that no article does
    unknown_share: float  # share of the question's terms no article uses
    question_terms: int  # the question's own terms (the context's aside)
    kind_asked: bool  # the question asks for a time, number, person, place or description
    kind_missing: bool  # ... and the first's quote and passage hold none of that kind
    rule_declines: bool  # the hand-set rule's verdict on the order before reading
    rule_doubts: bool

    def features(self) -> dict[str, float]:
        """The inputs of the regression, by name (the weights file records the same)."""
        values = {name: float(value) for name, value in asdict(self).items()}
        values["margin"] = self.top_logit - self.second_logit
        values["log_question_terms"] = math.log1p(self.question_terms)
        values["unknown_names"] = min(values["unknown_names"], 2.0)
        del values["question_terms"]
        return values


def gather(
    parsed: ParsedQuery,
    shown: Sequence[Candidate],
    read: Sequence[Candidate],
    verdict: Verdict,
    *,
    terms: QueryTerms,
    passages: Passages,
) -> Evidence | None:
    """The evidence for one question, or None when the model read nothing."""
    logits = [c.logit for c in read if c.logit is not None]
    if not read or not logits or not shown:
        return None
    top = read[0]
    question = parsed.asked or parsed.cleaned
    kind = asked_kind(question)
    missing = False
    if kind is not None:
        texts = [passages.text(top.index)]
        if top.excerpt is not None:
            texts.append(top.excerpt.text)
        missing = not any(holds(kind, text, question) for text in texts)
    own = parsed.question_terms
    unknown = [t for t in own if not terms.stands_for(parsed, t)]
    return Evidence(
        top_logit=top.logit if top.logit is not None else min(logits),
        second_logit=read[1].logit if len(read) > 1 and read[1].logit is not None else -12.0,
        mean_logit=sum(logits) / len(logits),
        top_was_shown=any(c.index == top.index for c in shown),
        top_coverage=top.coverage,
        best_coverage=max(c.coverage for c in shown),
        top_similarity=top.similarity,
        best_similarity=max(c.similarity for c in shown),
        unknown_names=len(terms.unknown_names(parsed)),
        unknown_share=len(unknown) / len(own) if own else 0.0,
        question_terms=len(parsed.question_terms),
        kind_asked=kind is not None,
        kind_missing=missing,
        rule_declines=verdict in (Verdict.DECLINE, Verdict.UNLIKELY),
        rule_doubts=verdict == Verdict.DOUBTFUL,
    )


def feature_names() -> tuple[str, ...]:
    """The regression's inputs, in the order the weights file lists them."""
    zeros: dict[str, Any] = {field.name: 0 for field in fields(Evidence)}
    blank = Evidence(**zeros)
    return tuple(blank.features())


@dataclass(frozen=True)
class Decision:
    """Whether to answer, and on what evidence (none when the hand-set rule decided)."""

    answers: bool
    evidence: Evidence | None = None
    probability: float | None = None  # that the question is answerable, by the fit


@dataclass(frozen=True)
class DeclineModel:
    """Fitted weights over standardised features; answers when the probability that the
    question is answerable reaches ``threshold``."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, evidence: Evidence) -> float:
        values = evidence.features()
        score = self.bias + sum(
            w * (values[name] - m) / s
            for name, m, s, w in zip(
                self.features, self.mean, self.scale, self.weights, strict=True
            )
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))

    def answers(self, evidence: Evidence) -> bool:
        return self.probability(evidence) >= self.threshold


@cache
def fitted(with_meaning: bool, path: Path = WEIGHTS_PATH) -> DeclineModel | None:
    """The shipped weights for an engine with or without the meaning stage; None (logged
    once) when the file is missing or does not match the features, and the rule decides."""
    key = "with_meaning" if with_meaning else "without_meaning"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))[key]
        model = DeclineModel(
            features=tuple(data["features"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("No fitted no-answer weights (%s: %s); the hand-set rule decides", key, error)
        return None
    if set(model.features) != set(feature_names()):
        log.warning("The no-answer weights do not match the features; the hand-set rule decides")
        return None
    return model
