"""Which channels of a server are Q&A channels and which answer in threads: the server's
``/settings`` over the environment's lists, as one pure decision the ask cog reads."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.store.guild_settings import GuildSettings


@dataclass(frozen=True)
class ChannelRules:
    qa_channel_ids: frozenset[int]  # every message there is a question (forum posts too)
    thread_channel_ids: frozenset[int]  # each question there is answered in a new thread


def channel_rules(
    guild: GuildSettings | None,
    env_qa_channel_ids: Collection[int],
    env_thread_channel_ids: Collection[int],
) -> ChannelRules:
    """The effective channel lists: a channel's own value where the server set one, else
    the environment's (``SEEDBOT_QA_CHANNEL_IDS``, ``SEEDBOT_THREAD_CHANNEL_IDS``), else the
    server's default for threads in its Q&A channels."""
    if guild is None:
        return ChannelRules(frozenset(env_qa_channel_ids), frozenset(env_thread_channel_ids))
    qa = guild.qa_channel_ids
    threads = set(env_thread_channel_ids)
    if guild.answers_in_threads:
        threads |= qa
    for channel_id, (_qa, in_threads) in guild.channel_overrides.items():
        if in_threads is True:
            threads.add(channel_id)
        elif in_threads is False:
            threads.discard(channel_id)
    return ChannelRules(qa, frozenset(threads))
