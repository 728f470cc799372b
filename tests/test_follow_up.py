"""Replies to an answer: which lean on its question, and which ask for its next quotes."""

import pytest

from retrieval.follow_up import MAX_CONTEXT_CHARS, asks_for_more, leans_on_previous, with_context


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
     "thanks", "", "What did the analysts of the Kremlin say about it after the sixth call in July?"],
)  # fmt: skip
def test_replies_that_stand_alone(reply: str) -> None:
    assert not leans_on_previous(reply)
    assert with_context("Who is Kirill Dmitriev?", reply) == reply


def test_asking_for_more() -> None:
    assert asks_for_more("tell me more")
    assert asks_for_more("<@123> More please!")
    assert not asks_for_more("tell me more about Witkoff")
    assert not asks_for_more("why?")


def test_a_chain_of_replies_stays_short() -> None:
    question = "Who is Kirill Dmitriev?"
    for _ in range(20):
        question = with_context(question, "and then?")
    assert len(question) <= MAX_CONTEXT_CHARS + len("and then? ()")
