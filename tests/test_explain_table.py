"""``--explain``'s table: every signal beside its threshold, and the rule that decided, in words."""

from typing import Any

from bot.explain_table import Reason, reason, render_explanation, signals
from retrieval.engine import Engine
from retrieval.models import Answer
from retrieval.settings import EngineSettings

SETTINGS = EngineSettings()


def _why(verdict: str | None, **top: Any) -> dict[str, Any]:
    why: dict[str, Any] = {
        "cleaned_question": "what did putin refuse",
        "corrections": {},
        "alias_terms": [],
        "terms": [
            {"term": "putin", "passages_with_term": 9, "idf": 0.8},
            {"term": "refus", "passages_with_term": 0, "idf": 3.1},
        ],
        "names": ["putin"],
        "unknown_names": [],
        "min_coverage": SETTINGS.min_coverage,
        "min_coverage_unknown_name": SETTINGS.min_coverage_unknown_name,
        "meaning": {
            "model": "m",
            "weight": 3.0,
            "min_similarity": SETTINGS.semantic_min_similarity,
        },
        "cross_encoder": {"model": "c", "shortlist": 10},
    }
    if verdict is not None:
        why["no_answer_rule"] = verdict
    if top:
        why["top"] = {"passage_id": "a.txt#p3.1", "matched_terms": ["putin"], **top}
    return why


def _answer(answered: bool, why: dict[str, Any], reason_code: str | None = None) -> Answer:
    return Answer(
        question="What did Putin refuse?", answered=answered, reason=reason_code, explanation=why
    )


def test_low_coverage_answered_for_its_meaning_says_so() -> None:
    # The case: coverage 0.112 under min_coverage 0.25, verdict "answer", no reason.
    why = _why("answer", coverage=0.112, similarity=0.71, logit=2.4)
    answer = _answer(True, why)
    assert reason(answer, SETTINGS) is Reason.SAME_MEANING
    rows = {row.name: row for row in signals(why, SETTINGS)}
    assert rows["word coverage"].value == "0.112"
    assert rows["word coverage"].threshold == "≥ 0.25" and rows["word coverage"].outcome == "below"
    assert rows["closeness in meaning"].outcome == "close: answers on its own"
    table = render_explanation(answer, SETTINGS)
    assert "because: the top passage says the same in other words" in table


def test_low_coverage_answered_for_another_passage_of_the_first_ranking() -> None:
    # "Will the US start sending the weapons again?": the rule saw a passage covering enough,
    # the cross-encoder then put one covering 0.112 first; the table must not claim coverage.
    why = _why("answer", coverage=0.112, similarity=0.403, logit=-0.296)
    assert reason(_answer(True, why), SETTINGS) is Reason.FIRST_RANKING
    assert "because: another of the first ranking's" in render_explanation(
        _answer(True, why), SETTINGS
    )
    covered = _why("answer", coverage=0.4, similarity=0.403, logit=1.0)
    assert reason(_answer(True, covered), SETTINGS) is Reason.COVERED


def test_doubtful_question_upheld_or_refused_by_the_cross_encoder() -> None:
    upheld = _answer(True, _why("doubtful", coverage=0.2, similarity=0.4, logit=1.5))
    assert reason(upheld, SETTINGS) is Reason.MODEL_UPHELD
    refused = _answer(
        False, _why("doubtful", coverage=0.2, similarity=0.4, logit=-2.0), "low_confidence"
    )
    assert reason(refused, SETTINGS) is Reason.MODEL_DOUBTS
    rows = {row.name: row for row in signals(refused.explanation, SETTINGS)}
    assert rows["cross-encoder logit"].outcome == "related, not clearly an answer"
    assert "declined (low_confidence)" in render_explanation(refused, SETTINGS)


def test_an_unlikely_question_overruled_or_not_by_the_cross_encoder() -> None:
    overruled = _answer(True, _why("unlikely", coverage=0.1, similarity=0.1, logit=4.2))
    assert reason(overruled, SETTINGS) is Reason.MODEL_OVERRULED
    table = render_explanation(overruled, SETTINGS)
    assert "because: no passage found first holds the figure it asks for, but the" in table
    assert "≥ 1 to overrule" in table
    upheld = _answer(False, _why("unlikely", coverage=0.3, similarity=0.4, logit=-3.0))
    assert reason(upheld, SETTINGS) is Reason.MISSING_KIND  # the rule's own reason stands


def test_declines_name_their_rule() -> None:
    unrelated = _answer(False, _why("answer", coverage=0.5, similarity=0.4, logit=-9.0))
    assert reason(unrelated, SETTINGS) is Reason.MODEL_UNRELATED
    elsewhere = _answer(False, _why("decline", coverage=0.3, similarity=0.1, logit=None))
    assert reason(elsewhere, SETTINGS) is Reason.OTHER_SUBJECT
    why = _why("decline", coverage=0.3, similarity=0.4, logit=None)
    why["terms"].append({"term": "navalni", "passages_with_term": 0, "idf": 3.1})
    why["names"].append("navalni")
    why["unknown_names"].append("navalni")
    unknown = _answer(False, why)
    assert reason(unknown, SETTINGS) is Reason.UNKNOWN_NAME
    rows = {row.name: row for row in signals(why, SETTINGS)}
    assert rows["unknown names"].value == "navalni"
    assert rows["word coverage"].threshold.startswith("≥ 0.5")
    doubted = _why("answer", coverage=0.5, similarity=0.3, logit=-6.6)
    doubted["unknown_names"] = ["canada"]
    assert reason(_answer(False, doubted), SETTINGS) is Reason.MODEL_DOUBTS_NAME
    nothing = _answer(False, _why(None))
    assert reason(nothing, SETTINGS) is Reason.NOTHING_MATCHED
    assert reason(_answer(False, {}), SETTINGS) is Reason.BEFORE_RANKING


def test_the_table_reads_the_engines_real_explanation(seed_engine: Engine) -> None:
    for question in ("Who proposed a 30-day ceasefire?", "What is the capital of Canada?", "hi"):
        answer = seed_engine.answer(question)
        table = render_explanation(answer, seed_engine.settings)
        assert table.startswith("Why:") and "because: " in table
        verdict = next(line for line in table.splitlines() if line.startswith("  verdict: "))
        assert verdict.endswith("; answered" if answer.answered else f"declined ({answer.reason})")


def test_a_detail_the_first_passage_does_not_state_is_named() -> None:
    why = _why("answer", coverage=0.8, similarity=0.7, logit=6.0) | {"missing_detail": "date"}
    answer = _answer(False, why, "not_stated")
    assert reason(answer, SETTINGS) is Reason.DETAIL_NOT_STATED
    table = render_explanation(answer, SETTINGS)
    assert "because: it asks for a precise date, and the passage found first" in table
