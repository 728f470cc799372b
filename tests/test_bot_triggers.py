"""When a channel message is a question, and the per-user cooldown."""

from __future__ import annotations

import pytest

from bot.cooldown import UserCooldown
from bot.threads import thread_name
from bot.triggers import MessageFacts, clean_question, question_from_message

BOT = 42
QA = 7


def facts(content: str = "hello", **overrides: object) -> MessageFacts:
    values: dict[str, object] = {
        "author_id": 1,
        "author_is_bot": False,
        "content": content,
        "channel_id": 3,
        "mentions_bot": False,
        "replies_to_bot": False,
    }
    values.update(overrides)
    return MessageFacts(**values)  # type: ignore[arg-type]


def decide(message: MessageFacts) -> str | None:
    return question_from_message(message, bot_id=BOT, qa_channel_ids={QA})


def test_mentions_are_answered_with_the_mention_stripped() -> None:
    assert decide(facts("<@42> who proposed it?", mentions_bot=True)) == "who proposed it?"
    assert decide(facts("who <@!42> proposed it?", mentions_bot=True)) == "who proposed it?"


def test_replies_to_the_bot_and_qa_channels_are_answered() -> None:
    assert decide(facts("and then?", replies_to_bot=True)) == "and then?"
    assert decide(facts("anything", channel_id=QA)) == "anything"
    assert decide(facts("in a thread", channel_id=99, parent_channel_id=QA)) == "in a thread"
    assert decide(facts("a direct message", direct=True)) == "a direct message"


@pytest.mark.parametrize(
    "message",
    [
        facts("just chatting"),
        facts("<@42> hi", mentions_bot=True, author_is_bot=True),
        facts("<@42> hi", mentions_bot=True, author_id=BOT),
        facts("hi", channel_id=QA, author_is_bot=True),
        facts("", channel_id=QA),  # an image alone in a Q&A channel
        facts("<@&42> role mention is not a bot mention"),
    ],
)
def test_other_messages_are_ignored(message: MessageFacts) -> None:
    assert decide(message) is None


def test_a_bare_mention_asks_for_a_question() -> None:
    assert decide(facts("<@42>", mentions_bot=True)) == ""


def test_clean_question_drops_control_characters_and_collapses_space() -> None:
    assert clean_question("  a\x00b\x07 \t\n c\u200b  ") == "ab c"
    assert clean_question("\x1b[31mred") == "red"  # the whole escape sequence goes
    assert clean_question("Что такое НАТО?") == "Что такое НАТО?"
    assert len(clean_question("x" * 50_000)) == 4000


def test_cooldown_allows_rate_per_window_per_user() -> None:
    now = [0.0]
    cooldown = UserCooldown(rate=2, per=10.0, clock=lambda: now[0])
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) == pytest.approx(10.0)
    assert cooldown.retry_after(2) == 0  # other users are not affected
    now[0] = 10.0
    assert cooldown.retry_after(1) == 0
    assert UserCooldown(rate=1, per=0).retry_after(1) == 0


def test_a_thread_is_named_after_its_question_within_discord_limits() -> None:
    long = "Who proposed the ceasefire " + "and why " * 30
    name = thread_name(long)
    assert len(name) <= 100
    assert name.startswith("Who proposed the ceasefire and why")
    assert name.endswith("…")
    assert thread_name("  a\nquestion  ") == "a question"
    assert thread_name("") == "Question"


def test_a_message_in_an_answer_thread_is_a_question_without_a_mention() -> None:
    in_thread = facts("why?", in_answer_thread=True, channel_id=99)
    assert question_from_message(in_thread, bot_id=BOT, qa_channel_ids=()) == "why?"
    elsewhere = facts("why?", channel_id=99)
    assert question_from_message(elsewhere, bot_id=BOT, qa_channel_ids=()) is None
