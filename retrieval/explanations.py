"""Why an answer is what it is, for ``--explain`` and the JSON ``explanation``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from retrieval.bm25 import Scorer
from retrieval.candidates import Candidate
from retrieval.cross_encoder import MODEL_ID as CROSS_ENCODER_ID
from retrieval.decline import Decision
from retrieval.passage_access import Passages
from retrieval.query import ParsedQuery
from retrieval.semantic import MODEL_ID
from retrieval.settings import EngineSettings
from retrieval.verdict import Verdict


@dataclass(frozen=True)
class Explainer:
    """What one engine tells about its answers: its index, models and settings."""

    scorer: Scorer
    passages: Passages
    settings: EngineSettings
    has_meaning: bool
    has_reader: bool
    # The names the question uses that the articles lack, as the no-answer rule counts them.
    unknown_names: Callable[[ParsedQuery], list[str]] = lambda parsed: []
    # The corpus terms a question term is searched as: an alias's, or a compound's.
    stands_for: Callable[[ParsedQuery, str], tuple[str, ...]] = lambda parsed, term: (term,)

    def explain(
        self,
        parsed: ParsedQuery,
        candidates: Sequence[Candidate],
        verdict: Verdict | None = None,
        decision: Decision | None = None,
    ) -> dict[str, Any]:
        """The terms, their weights, the stages used, the verdict and the winner's matches."""
        s = self.settings
        explanation: dict[str, Any] = {
            "cleaned_question": parsed.cleaned,
            "question_taken": parsed.asked or parsed.cleaned,
            "context_terms": sorted(parsed.context_terms),
            "other_questions": list(parsed.other_questions),
            "corrections": dict(parsed.corrections),
            "alias_terms": list(parsed.expansions),
            "terms": [
                {
                    "term": term,
                    "passages_with_term": self.scorer.doc_freq(term),
                    "idf": round(self.scorer.idf(term), 3),
                    "searched_as": [t for t in self.stands_for(parsed, term) if t != term],
                }
                for term in parsed.terms
            ],
            "engine": type(self.scorer).__name__,
            "names": sorted(parsed.names),
            "unknown_names": self.unknown_names(parsed),
            "min_coverage": s.min_coverage,
            "min_coverage_unknown_name": s.min_coverage_unknown_name,
            "meaning": (
                {
                    "model": MODEL_ID,
                    "weight": s.semantic_weight,
                    "min_similarity": s.semantic_min_similarity,
                }
                if self.has_meaning
                else None
            ),
            "cross_encoder": (
                {"model": CROSS_ENCODER_ID, "shortlist": s.cross_encoder_shortlist}
                if self.has_reader
                else None
            ),
        }
        if verdict is not None:
            explanation["no_answer_rule"] = verdict.value
        if decision is not None:
            explanation["decision"] = {
                "answers": decision.answers,
                "by": "hand-set rule" if decision.probability is None else "fitted weights",
                "answerable_probability": (
                    None if decision.probability is None else round(decision.probability, 3)
                ),
                "evidence": (
                    None
                    if decision.evidence is None
                    else {k: round(v, 3) for k, v in decision.evidence.features().items()}
                ),
            }
        if candidates:
            best = candidates[0]
            explanation["top"] = {
                "passage_id": self.passages[best.index].id,
                "score": round(best.score, 4),
                "matched_terms": sorted(best.matched),
                "coverage": round(best.coverage, 3),
                "similarity": round(best.similarity, 3),
                "relevance": None if best.relevance is None else round(best.relevance, 3),
                "logit": None if best.logit is None else round(best.logit, 3),
            }
        return explanation
