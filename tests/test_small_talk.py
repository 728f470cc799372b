"""Greetings, thanks and "what are you?" get a friendly reply; questions never do."""

import pytest

from retrieval import messages
from retrieval.engine import Engine
from retrieval.small_talk import small_talk


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi", messages.GREETING),
        ("Hello!", messages.GREETING),
        ("<@1234567890> hey bot 👋", messages.GREETING),
        ("Good morning everyone", messages.GREETING),
        ("thanks!", messages.THANKS),
        ("<@!1234567890> thank you so much", messages.THANKS),
        ("ok thanks", messages.THANKS),
        ("who are you?", messages.ABOUT),
        ("hey, what can you do?", messages.ABOUT),
        ("help", messages.ABOUT),
    ],
)
def test_social_messages_are_recognised(message: str, kind: str) -> None:
    assert small_talk(message) == kind


@pytest.mark.parametrize(
    "question",
    [
        "hi, who proposed the ceasefire?",
        "thanks for nothing, who funded the war?",
        "did Germany help Ukraine?",
        "who are you, Steve Witkoff?",
        "What did Trump say?",
        "",
    ],
)
def test_questions_are_not_small_talk(question: str) -> None:
    assert small_talk(question) is None


def test_engine_replies_kindly_and_searches_nothing(seed_engine: Engine) -> None:
    answer = seed_engine.answer("<@1234567890> hello!")
    assert not answer.answered
    assert answer.reason == messages.GREETING
    assert str(answer.message).startswith("Hi!")
    assert seed_engine.answer("hi, who proposed a 30-day ceasefire?").answered
