"""Answers in threads, where a channel is configured for them (``SEEDBOT_THREAD_CHANNEL_IDS``).

Each question there is answered in a new public thread started from the question's message
and named after it; messages in such a thread are questions without a mention and lean on
the thread's last answer. Where a thread cannot be made (no permission, a DM, a thread
already), the answer is a reply in place, as anywhere else.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Collection

import discord

from bot.rendering import truncate

log = logging.getLogger(__name__)

THREAD_NAME = 100  # Discord's limit on a thread name
REMEMBERED_THREADS = 10_000


def thread_name(question: str) -> str:
    """The question as a thread name: one line, at most 100 characters, never empty."""
    return truncate(" ".join(question.split()), THREAD_NAME) or "Question"


def wants_thread(channel: object, thread_channel_ids: Collection[int]) -> bool:
    """Whether answers to messages in ``channel`` go into a new thread."""
    return isinstance(channel, discord.TextChannel) and channel.id in thread_channel_ids


def is_answer_thread(channel: object, bot_id: int, thread_channel_ids: Collection[int]) -> bool:
    """A thread the bot opened for an answer, in a channel set for threads."""
    return (
        isinstance(channel, discord.Thread)
        and channel.owner_id == bot_id
        and channel.parent_id in thread_channel_ids
    )


async def open_thread(message: discord.Message, question: str) -> discord.Thread | None:
    """A new thread from ``message``; None (logged once per failure) when Discord refuses."""
    try:
        return await message.create_thread(name=thread_name(question))
    except (discord.HTTPException, ValueError) as error:
        log.warning(
            "Could not open a thread in channel %s (%s); answering in place",
            message.channel.id,
            error,
        )
        return None


class ThreadAnswers:
    """The last answer in each answer thread, which a follow-up there leans on."""

    def __init__(self, size: int = REMEMBERED_THREADS) -> None:
        self._last: OrderedDict[int, str] = OrderedDict()
        self._size = size

    def remember(self, thread_id: int, answer_id: str) -> None:
        self._last[thread_id] = answer_id
        self._last.move_to_end(thread_id)
        while len(self._last) > self._size:
            self._last.popitem(last=False)

    def last(self, thread_id: int) -> str | None:
        return self._last.get(thread_id)
