"""The calibrated no-answer decision and the answer kinds it reads."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from retrieval.answer_kinds import Kind, asked_kind, holds
from retrieval.decline import WEIGHTS_PATH, DeclineModel, Evidence, feature_names, fitted
from retrieval.engine import Engine


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did the library open?", Kind.TIME),
        ("in what year was it built", Kind.TIME),
        ("How many people were hurt?", Kind.NUMBER),
        ("Who signed the agreement?", Kind.PERSON),
        ("whose idea was the ceasefire", Kind.PERSON),
        ("Where did the two envoys meet?", Kind.PLACE),
        ("in which city is the summit", Kind.PLACE),
        ("Who is Jane Hollis?", Kind.DESCRIPTION),
        ("Why did the talks stall?", None),
        ("What did the minister say?", None),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: Kind | None) -> None:
    assert asked_kind(question) == kind


def test_a_person_question_needs_a_name_the_question_does_not_already_use() -> None:
    question = "Who met Putin in Riyadh?"
    assert holds(Kind.PERSON, "In Riyadh, envoy Steve Witkoff met Putin.", question)
    assert not holds(Kind.PERSON, "The meeting with Putin in Riyadh was short.", question)
    assert not holds(Kind.PERSON, "the meeting was short and nobody spoke.", question)


def test_a_time_question_needs_some_mention_of_time() -> None:
    question = "When did the library open?"
    assert holds(Kind.TIME, "The library opened last spring.", question)
    assert not holds(Kind.TIME, "The library has a reading room and a cafe.", question)


def test_a_description_question_needs_a_role_or_an_apposition() -> None:
    question = "Who is Hollis?"
    assert holds(Kind.DESCRIPTION, "Harbour master Jane Hollis signed the rules.", question)
    assert not holds(Kind.DESCRIPTION, "Hollis said she would not resign.", question)


def _evidence(**changes: float | bool) -> Evidence:
    base = Evidence(
        top_logit=5.0,
        second_logit=-2.0,
        mean_logit=-4.0,
        top_was_shown=True,
        top_coverage=0.8,
        best_coverage=0.8,
        top_similarity=0.6,
        best_similarity=0.6,
        unknown_names=0,
        unknown_share=0.0,
        question_terms=4,
        kind_asked=False,
        kind_missing=False,
        rule_declines=False,
        rule_doubts=False,
    )
    return replace(base, **changes)


def _model(threshold: float) -> DeclineModel:
    names = feature_names()
    weights = tuple(1.0 if name == "top_logit" else 0.0 for name in names)
    zeros = tuple(0.0 for _ in names)
    return DeclineModel(names, zeros, tuple(1.0 for _ in names), weights, 0.0, threshold)


def test_the_decision_answers_from_its_threshold_on_the_fitted_probability() -> None:
    model = _model(threshold=0.5)
    assert model.probability(_evidence(top_logit=4.0)) > 0.98
    assert model.answers(_evidence(top_logit=1.0))
    assert not model.answers(_evidence(top_logit=-1.0))


def test_the_shipped_weights_match_the_features() -> None:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    for key in ("with_meaning", "without_meaning"):
        assert tuple(data[key]["features"]) == feature_names()
        assert 0.0 < data[key]["threshold"] < 1.0
    assert fitted(True) is not None and fitted(False) is not None


def test_weights_that_do_not_fit_leave_the_decision_to_the_rule(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = tmp_path / "weights.json"
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    data["with_meaning"]["features"] = ["top_logit"]
    other.write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert fitted(True, other) is None
        assert fitted(True, tmp_path / "missing.json") is None
    assert "hand-set rule decides" in caplog.text


def test_the_engine_declines_by_the_fitted_decision_and_explains_it(seed_engine: Engine) -> None:
    question = "Who proposed a 30-day ceasefire?"
    kept = seed_engine.decline_model
    try:
        seed_engine.decline_model = _model(threshold=0.5)
        answered = seed_engine.answer(question)
        seed_engine.decline_model = _model(threshold=1.0)  # nothing is ever that sure
        declined = seed_engine.answer(question)
    finally:
        seed_engine.decline_model = kept
    assert answered.answered and not declined.answered
    decision = declined.explanation["decision"]
    assert decision["by"] == "fitted weights" and decision["answers"] is False
    assert decision["evidence"]["top_logit"] > 0  # the model read it as an answer ...
    assert answered.explanation["decision"]["answerable_probability"] > 0.5  # ... and it counts


def test_without_the_cross_encoder_the_rule_decides(seed_engine: Engine) -> None:
    kept = seed_engine.decline_model
    try:
        seed_engine.decline_model = _model(threshold=1.0)  # would decline anything it read
        answer = seed_engine.answer("Who proposed a 30-day ceasefire?", quick=True)
    finally:
        seed_engine.decline_model = kept
    assert answer.answered
    assert answer.explanation["decision"]["by"] == "hand-set rule"


def test_the_calibrated_decision_is_switched_on_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEEDBOT_CALIBRATED_DECLINE", "true")
    assert Settings(discord_token=None).engine_settings().calibrated_decline
    monkeypatch.delenv("SEEDBOT_CALIBRATED_DECLINE")
    assert not Settings(discord_token=None).engine_settings().calibrated_decline
