"""Which quotes after the first are worth showing: those that answer too, not filler.

Three quotes were always shown and More results never ran out, even when only the
first was related. Each further quote must read as an answer on its own (the
cross-encoder's relevance above a floor) and not far below the first; without the
model, its score must keep a share of the first's.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.candidates import Candidate
from retrieval.settings import EngineSettings


def plausible(first: Candidate, other: Candidate, settings: EngineSettings) -> bool:
    """Whether ``other`` answers well enough to be shown after ``first``."""
    s = settings
    if first.relevance is not None:
        return (
            other.relevance is not None
            and other.relevance >= s.follow_on_min_relevance
            and other.relevance >= first.relevance - s.follow_on_max_gap
        )
    return other.score >= s.follow_on_min_score_share * first.score


def answering(candidates: Sequence[Candidate], settings: EngineSettings) -> list[Candidate]:
    """The first candidate and those after it that answer too, in order (all of them
    unless ``follow_on_filter`` is on)."""
    if not settings.follow_on_filter:
        return list(candidates)
    if not candidates:
        return []
    first = candidates[0]
    return [first, *(c for c in candidates[1:] if plausible(first, c, settings))]
