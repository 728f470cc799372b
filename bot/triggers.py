"""When a channel message is a question for the bot: a pure decision, unit-tested alone."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from retrieval.text import strip_control

MAX_QUESTION_CHARS = 4000  # cut beyond this; the engine itself explains its own, lower limit


@dataclass(frozen=True)
class MessageFacts:
    """What the decision needs from a message, so it can be tested without discord.py."""

    author_id: int
    author_is_bot: bool  # bots, webhooks and system users
    content: str
    channel_id: int
    mentions_bot: bool  # the bot user itself is mentioned (not a role, not @everyone)
    replies_to_bot: bool  # the message replies to one of the bot's messages
    parent_channel_id: int | None = None  # the channel a thread belongs to
    direct: bool = False  # a direct message: every one is a question, as in a Q&A channel
    in_answer_thread: bool = False  # a thread the bot opened for an answer: no mention needed


def _mention_pattern(bot_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{bot_id}>")


def clean_question(text: str) -> str:
    """Drop control characters and terminal escapes (``retrieval.text.strip_control``, the
    one cleaner) and collapse whitespace, so the engine and the echo see plain text."""
    return " ".join(strip_control(text).split())[:MAX_QUESTION_CHARS]


def question_from_message(
    facts: MessageFacts, *, bot_id: int, qa_channel_ids: Collection[int]
) -> str | None:
    """The question a message asks the bot, or ``None`` when the bot should stay silent.

    An empty string means "addressed to the bot but says nothing": the caller replies with
    a hint rather than ignoring the user.
    """
    if facts.author_is_bot or facts.author_id == bot_id:
        return None
    in_qa_channel = (
        facts.direct
        or facts.in_answer_thread
        or facts.channel_id in qa_channel_ids
        or (facts.parent_channel_id is not None and facts.parent_channel_id in qa_channel_ids)
    )
    if not (facts.mentions_bot or facts.replies_to_bot or in_qa_channel):
        return None
    question = clean_question(_mention_pattern(bot_id).sub(" ", facts.content))
    if not question and not (facts.mentions_bot or facts.replies_to_bot):
        return None  # an image or sticker posted in a Q&A channel is not a question
    return question
