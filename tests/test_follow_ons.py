"""Quotes after the first are shown only when they answer too."""

from retrieval.candidates import Candidate
from retrieval.follow_ons import answering
from retrieval.settings import EngineSettings


def _read(index: int, relevance: float | None, score: float = 1.0) -> Candidate:
    return Candidate(index, score, frozenset(), 1.0, relevance=relevance)


def test_with_the_model_only_quotes_that_read_as_answers_follow() -> None:
    settings = EngineSettings(
        follow_on_filter=True, follow_on_min_relevance=-4.0, follow_on_max_gap=8.0
    )
    first, close, far_below, unrelated, unread = (
        _read(0, 6.0),
        _read(1, 2.5),
        _read(2, -3.0),  # above the floor, but 9 below the first
        _read(3, -6.0),
        _read(4, None),  # past the shortlist: the model never read it
    )
    shown = answering([first, close, far_below, unrelated, unread], settings)
    assert [c.index for c in shown] == [0, 1]


def test_without_the_model_a_share_of_the_first_score_is_needed() -> None:
    settings = EngineSettings(follow_on_filter=True, follow_on_min_score_share=0.5)
    shown = answering([_read(0, None, 10.0), _read(1, None, 6.0), _read(2, None, 4.0)], settings)
    assert [c.index for c in shown] == [0, 1]
    assert answering([], settings) == []


def test_without_the_filter_every_candidate_is_shown() -> None:
    candidates = [_read(0, 6.0), _read(1, -9.0), _read(2, None)]
    assert answering(candidates, EngineSettings(follow_on_filter=False)) == candidates
    assert answering(candidates, EngineSettings()) == candidates[:1]  # on by default
