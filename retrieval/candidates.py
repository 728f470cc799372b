"""The passages that might answer a question, best first, before the cross-encoder reads them.

BM25 finds them; re-ranking (phrases, answer types) and the meaning blend (MiniLM's
cosine) reorder them; near-duplicates go; each keeps the share of the question's
weighted terms it covers, which the verdict reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.bm25 import Scorer
from retrieval.excerpts import choose_excerpt
from retrieval.models import Excerpt, Passage
from retrieval.passage_access import Passages
from retrieval.query import ParsedQuery
from retrieval.query_terms import QueryTerms, model_text
from retrieval.rerank import favour_answer_type, rerank
from retrieval.semantic import Closeness, PassageMeaning, SentenceEncoder
from retrieval.settings import EngineSettings

log = logging.getLogger(__name__)

NEAR_DUPLICATE_JACCARD = 0.8
RERANK_DEPTH = 30  # BM25's best passages that the second stage reorders


@dataclass(frozen=True)
class Candidate:
    index: int
    score: float
    matched: frozenset[str]
    coverage: float
    similarity: float = 0.0  # cosine of the passage's best sentence with the question
    relevance: float | None = None  # the cross-encoder's logit (+ answer-type bonus), if read
    logit: float | None = None  # the cross-encoder's logit alone
    quote_falls_short: bool = False  # the model reads the whole passage as the better answer
    excerpt: Excerpt | None = None  # the quote, once chosen


class CandidateSearch:
    """Ranks one corpus's passages for a parsed question."""

    def __init__(
        self,
        scorer: Scorer,
        passages: Passages,
        terms: QueryTerms,
        sentence_vectors: PassageMeaning | None,
        settings: EngineSettings,
    ) -> None:
        self.scorer = scorer
        self.passages = passages
        self.terms = terms
        self.sentence_vectors = sentence_vectors
        self.settings = settings

    def question_vector(self, parsed: ParsedQuery) -> np.ndarray | None:
        """The question's meaning: chat noise stripped, misspellings corrected."""
        encoder = SentenceEncoder.shared() if self.sentence_vectors is not None else None
        if encoder is None:
            return None
        try:
            text = model_text(parsed, question_only=self.settings.models_read_question_only)
            vector: np.ndarray = encoder.encode([text])[0]
        except Exception:  # the model failing must not fail the answer: BM25 still ranks
            log.exception("Could not encode the question; ranking it with BM25 alone")
            return None
        return vector

    def find(
        self,
        parsed: ParsedQuery,
        needed: int,
        meaning: np.ndarray | None = None,
        within: frozenset[int] | None = None,
    ) -> list[Candidate]:
        """Ranked passages, near-duplicates removed, each with its query-term coverage;
        only those ``within`` a set of passages (one article's) when it is given."""
        terms = self.terms
        searched = terms.searched(parsed)
        distinct = list(dict.fromkeys(searched))
        term_set = set(distinct)
        own = parsed.question_terms  # coverage counts the question's terms, not the scene's
        total_weight = sum(terms.weight(parsed, term) for term in own) or 1.0
        depth = max(needed * 3, RERANK_DEPTH)
        if within is None:
            ranked = self.scorer.top(distinct, k=depth)
        else:  # every match, then the article's: BM25 cannot rank a part of the corpus
            everywhere = self.scorer.top(distinct, k=len(self.passages))
            ranked = [item for item in everywhere if item[0] in within][:depth]
        closeness = None
        if meaning is not None and self.sentence_vectors is not None:
            closeness = self.sentence_vectors.closeness(meaning)
        if self.settings.rerank:
            ranked = rerank(
                ranked,
                question=parsed.asked or parsed.cleaned,
                query_terms=searched,
                adjacent_pairs=self.scorer.adjacent_pairs,
                passage_text=self.passages.text,
                idf=self.scorer.idf,
                answer_types=closeness is None,  # else after the blend, on its scale
            )
        if closeness is not None:
            ranked = self._blend(ranked, closeness, depth, within)
            if self.settings.rerank:
                ranked = favour_answer_type(
                    ranked, question=parsed.asked or parsed.cleaned, passage_text=self.passages.text
                )
        chosen: list[Candidate] = []
        chosen_terms: list[set[str]] = []
        for index, score in ranked:
            passage_terms = set(self.scorer.terms_of(index))
            if any(
                _jaccard(passage_terms, other) >= NEAR_DUPLICATE_JACCARD for other in chosen_terms
            ):
                continue
            matched = frozenset(passage_terms & term_set)
            coverage = self._coverage(parsed, matched, total_weight)
            cosine = closeness.of(index) if closeness is not None else 0.0
            chosen.append(Candidate(index, score, matched, coverage, cosine))
            chosen_terms.append(passage_terms)
            if len(chosen) >= needed:
                break
        return chosen

    def candidate(self, parsed: ParsedQuery, index: int, meaning: np.ndarray | None) -> Candidate:
        """A passage the first stage did not rank, as a candidate that scores nothing there."""
        matched = frozenset(set(self.scorer.terms_of(index)) & set(self.terms.searched(parsed)))
        total = sum(self.terms.weight(parsed, t) for t in parsed.question_terms) or 1.0
        cosine = 0.0
        if meaning is not None and self.sentence_vectors is not None:
            scores = self.sentence_vectors.sentence_scores(index, meaning)
            cosine = float(scores.max()) if len(scores) else 0.0
        return Candidate(index, 0.0, matched, self._coverage(parsed, matched, total), cosine)

    def _coverage(self, parsed: ParsedQuery, matched: frozenset[str], total_weight: float) -> float:
        """The share of the question's weighted terms that ``matched`` covers."""
        terms = self.terms
        covered = [t for t in parsed.question_terms if set(terms.stands_for(parsed, t)) & matched]
        return sum(terms.weight(parsed, t) for t in covered) / total_weight

    def excerpt(
        self,
        candidate: Candidate,
        meaning: np.ndarray | None,
        suits: Callable[[str], bool] | None,
        passage: Passage | None = None,
    ) -> Excerpt:
        """The quote a passage would be shown by: its sentences that best answer
        (``passage``: the candidate's, when the caller has made it already)."""
        closeness = None
        if meaning is not None and self.sentence_vectors is not None:
            closeness = self.sentence_vectors.sentence_scores(candidate.index, meaning)
        passage = passage or self.passages[candidate.index]
        return choose_excerpt(passage, candidate.matched, self.scorer.idf, closeness, suits=suits)

    def _blend(
        self,
        ranked: Sequence[tuple[int, float]],
        closeness: Closeness,
        depth: int,
        within: frozenset[int] | None = None,
    ) -> list[tuple[int, float]]:
        """BM25's best and the closest in meaning, by BM25 / best BM25 + weight * cosine.

        Dividing by the best score puts BM25 on the cosine's 0-1 scale whatever the
        corpus; passages BM25 did not return count 0 on its side.
        """
        bm25 = dict(ranked)
        best = max(bm25.values(), default=0.0) or 1.0
        pool = set(bm25) | set(closeness.closest(depth, within))
        weight = self.settings.semantic_weight
        blended = [
            (index, bm25.get(index, 0.0) / best + weight * closeness.of(index)) for index in pool
        ]
        return sorted(blended, key=lambda item: (-item[1], item[0]))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
