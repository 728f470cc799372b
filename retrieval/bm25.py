"""BM25 ranking over passages, through rank-bm25's BM25Okapi for small corpora.

rank-bm25 has two quirks on small corpora (its issues #39, #43, #50): a term found
in exactly half of the passages gets an IDF of 0, and in tiny corpora the average
IDF can be negative, so its "epsilon floor" turns common terms negative. Either
way a passage that really contains the question's words could score 0 or below
and be lost. We floor every IDF at or below zero to a small positive value, so a
match always scores above a non-match; ranking elsewhere is rank-bm25's own.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from typing import Protocol, TypeAlias

import numpy as np
from rank_bm25 import BM25Okapi

MIN_IDF = 0.01  # the floor when rank-bm25's own epsilon floor is not positive
Pair: TypeAlias = tuple[str, str]  # a term and the term after it


def okapi_idf(doc_freq: np.ndarray, n_docs: int, epsilon: float) -> np.ndarray:
    """BM25Okapi's IDF for each document frequency, with our positive floor.

    The single source of truth for both engines, so their rankings agree.
    """
    idf = np.log(n_docs - doc_freq + 0.5) - np.log(doc_freq + 0.5)
    floor = epsilon * float(idf.mean()) if idf.size else MIN_IDF
    if floor <= 0:
        floor = MIN_IDF
    return np.where(idf <= 0, floor, idf)


class Scorer(Protocol):
    """What the engine needs from a BM25 index, whichever library backs it."""

    n_docs: int

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The k best passages containing a query term, best first; ties by lower index."""
        ...

    def doc_freq(self, term: str) -> int: ...

    def idf(self, term: str) -> float:
        """The term's IDF; for an unknown term, the IDF it would have if it occurred once."""
        ...

    def terms_of(self, index: int) -> list[str]:
        """Passage ``index``'s terms in order, repeats kept: what ``tokenize`` gave the index."""
        ...

    def adjacent_pairs(self, indices: Sequence[int], pairs: Collection[Pair]) -> list[set[Pair]]:
        """For each passage of ``indices``, which of ``pairs`` (a term, the next) it holds
        side by side: the phrases re-ranking rewards."""
        ...


class OkapiScorer:
    """rank-bm25's BM25Okapi with the IDF floor fixed (see the module docstring)."""

    def __init__(
        self,
        tokenized: Sequence[Sequence[str]],
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
    ) -> None:
        self.n_docs = len(tokenized)
        # Kept for re-ranking and de-duplication, which read ~30 candidates' terms a question.
        self._terms = [tuple(tokens) for tokens in tokenized]
        self._empty = self.n_docs == 0 or not any(tokenized)
        self._bm25: BM25Okapi | None = None
        self._doc_freq: dict[str, int] = {}
        if self._empty:
            return
        self._bm25 = BM25Okapi([list(tokens) for tokens in tokenized], k1=k1, b=b, epsilon=epsilon)
        for frequencies in self._bm25.doc_freqs:
            for term in frequencies:
                self._doc_freq[term] = self._doc_freq.get(term, 0) + 1
        terms = list(self._doc_freq)
        fixed = okapi_idf(
            np.array([self._doc_freq[t] for t in terms], dtype=np.float64), self.n_docs, epsilon
        )
        self._bm25.idf = dict(zip(terms, fixed.tolist(), strict=True))

    def doc_freq(self, term: str) -> int:
        return self._doc_freq.get(term, 0)

    def idf(self, term: str) -> float:
        if self._bm25 is not None and term in self._bm25.idf:
            return float(self._bm25.idf[term])
        return float(np.log(self.n_docs - 1 + 0.5) - np.log(1.5)) if self.n_docs > 1 else 1.0

    def terms_of(self, index: int) -> list[str]:
        return list(self._terms[index])

    def adjacent_pairs(self, indices: Sequence[int], pairs: Collection[Pair]) -> list[set[Pair]]:
        wanted = set(pairs)
        return [wanted & set(itertools.pairwise(self._terms[index])) for index in indices]

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """rank-bm25's score of every passage for ``query``."""
        if self._bm25 is None:
            return np.zeros(self.n_docs)
        return np.asarray(self._bm25.get_scores(list(query)), dtype=np.float64)

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        known = [term for term in query if term in self._doc_freq]
        if not known or k <= 0:
            return []
        scores = self.scores(known)
        candidates = np.flatnonzero(scores > 0)
        # Stable sort on -score keeps the lower index first among equal scores.
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
        return [(int(i), float(scores[i])) for i in order]
