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
        ("what are the articles about?", messages.SOURCES),
        ("<@1234567890> which sources do you have", messages.SOURCES),
        ("who wrote the articles?", messages.SOURCES),
        ("list sources pls", messages.SOURCES),
        ("What topics do you cover?", messages.SOURCES),
        ("tldr", messages.SOURCES),
        ("<@1234567890> tl;dr pls", messages.SOURCES),
        ("can you summarise the articles?", messages.SOURCES),
        ("give me a quick overview", messages.SOURCES),
        ("summary of the articles", messages.SOURCES),
        ("who wrote the conversation piece?", messages.SOURCES),
        (
            "hey bot who wrote the analysis about why Trump's peace push is stalling",
            messages.SOURCES,
        ),
        ("Who is the author of the first article?", messages.SOURCES),
        ("who's the writer", messages.SOURCES),
        ("which outlet published the July story?", messages.SOURCES),
        ("who is the author of the article about the harbour storm?", messages.SOURCES),
        ("when was the article about the July call published?", messages.SOURCES),
        ("what date was the harbour article posted", messages.SOURCES),
        ("what's the publication date of the first article", messages.SOURCES),
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
        "what articles mention Witkoff?",
        "who wrote about the ceasefire in the article?",
        "tldr on the ceasefire",
        "who wrote to Putin?",
        "who authored the peace plan?",
        "who is the author of the ceasefire proposal?",
        "when was the ceasefire published?",
        "when was the report on the storm damage filed by the council?",
        "summarise what Witkoff said",
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


def test_asking_what_the_articles_are_lists_them(tmp_path) -> None:
    for number in range(12):
        (tmp_path / f"{number:02}.md").write_text(
            f"---\ntitle: Harbour report {number}\nauthor: A. Writer\ndate: 2025-01-{number + 1:02}\n---\n"
            f"Ships arrive at harbour {number} daily.\n",
            encoding="utf-8",
        )
    answer = Engine.from_folder(tmp_path).answer("what articles do you have?")
    assert (answer.answered, answer.reason) == (False, messages.SOURCES)
    assert answer.message is not None
    assert answer.message.startswith("I can quote 12 articles:")
    assert "1. Harbour report 0 — A. Writer, 2025-01-01" in answer.message
    assert "Harbour report 9" in answer.message and "Harbour report 10" not in answer.message
    assert "… and 2 more in the list of sources." in answer.message


def test_a_question_naming_its_article_lists_only_that_one(seed_engine: Engine) -> None:
    answer = seed_engine.answer("when was the article about the July call published?")
    assert answer.reason == messages.SOURCES
    assert [source.date for source in answer.articles] == ["July 4, 2025"]
    assert answer.message is not None and "July 4, 2025" in answer.message
    assert answer.to_json()["articles"][0]["date"] == "July 4, 2025"
    everything = seed_engine.answer("what are the articles about?")
    assert everything.articles == ()
    assert everything.message is not None and everything.message.startswith("I can quote")
