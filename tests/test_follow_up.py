"""Replies to an answer: which lean on its question, and which ask for its next quotes."""

import pytest

from retrieval.follow_up import (
    MAX_CONTEXT_CHARS,
    Reading,
    asks_for_more,
    leans_on_previous,
    read_reply,
    topic_of,
    with_context,
)


@pytest.mark.parametrize(
    "reply",
    ["why?", "why did he go there?", "when was that", "is that true?", "what about Zelensky?",
     "<@123> and how about the EU?", "how so"],
)  # fmt: skip
def test_replies_that_need_the_earlier_question(reply: str) -> None:
    assert leans_on_previous(reply)
    assert with_context("Who is Kirill Dmitriev?", reply) == (f"{reply} (Who is Kirill Dmitriev?)")


@pytest.mark.parametrize(
    "reply",
    ["Who proposed the 30-day ceasefire?", "How did Russia respond to the ceasefire proposal?",
     "thanks", "thanks, that helps", "hi there!", "lol that's wild", "", "What did the analysts of the Kremlin say about it after the sixth call in July?"],
)  # fmt: skip
def test_replies_that_stand_alone(reply: str) -> None:
    assert not leans_on_previous(reply)
    assert with_context("Who is Kirill Dmitriev?", reply) == reply


def test_asking_for_more() -> None:
    assert asks_for_more("tell me more")
    assert asks_for_more("<@123> More please!")
    assert not asks_for_more("tell me more about Witkoff")
    assert not asks_for_more("why?")


def test_a_chain_of_replies_leans_on_one_question() -> None:
    question = "Who is Kirill Dmitriev?"
    for reply in ("why?", "and then?", "what about Witkoff?"):
        question = with_context(question, reply)
        assert question == f"{reply} (Who is Kirill Dmitriev?)"
    assert topic_of(question) == "Who is Kirill Dmitriev?"


def test_a_question_with_its_own_brackets_is_its_own_topic() -> None:
    assert topic_of("Who is Witkoff (the envoy)?") == "Who is Witkoff (the envoy)?"
    assert topic_of("Who proposed the truce (in March)") == "Who proposed the truce (in March)"
    assert topic_of("why? (Who is Witkoff (the envoy)?)") == "Who is Witkoff (the envoy)?"


def test_a_long_question_is_cut_in_the_brackets() -> None:
    shown = with_context("x " * 400, "why?")
    assert len(shown) <= MAX_CONTEXT_CHARS + len("why? ()")


def test_why_and_how_search_for_the_reason_and_the_manner() -> None:
    why = read_reply("Who proposed a 30-day ceasefire?", "why?")
    assert why.reading is Reading.FOLLOW_UP
    assert why.question == "why? (Who proposed a 30-day ceasefire?)"
    assert why.search == "why proposed a 30-day ceasefire?"
    how = read_reply("What did Putin say about the ceasefire?", "and how?")
    assert how.search == "how Putin say about the ceasefire?"
    when = read_reply("Who is Kirill Dmitriev?", "why did he go to Washington?")
    assert when.search == when.question  # a reply that says what it asks is searched as said
