"""The effective Q&A and thread channels: a server's own values over the environment's."""

from __future__ import annotations

from bot.channel_rules import channel_rules
from bot.store.guild_settings import GuildSettings

ENV_QA, ENV_THREADS, ADDED, OTHER = 1, 2, 3, 4


def server(
    overrides: dict[int, tuple[bool | None, bool | None]], threads_default: bool = False
) -> GuildSettings:
    return GuildSettings(
        guild_id=10,
        quotes_per_answer=3,
        answers_private=False,
        cooldown_seconds=3.0,
        answers_in_threads=threads_default,
        channel_overrides=overrides,
        default_qa_channel_ids=frozenset({ENV_QA}),
    )


def test_without_a_store_the_environment_decides() -> None:
    rules = channel_rules(None, [ENV_QA], [ENV_THREADS])
    assert (rules.qa_channel_ids, rules.thread_channel_ids) == ({ENV_QA}, {ENV_THREADS})


def test_a_server_adds_and_removes_qa_channels_and_threads_over_the_environment() -> None:
    rules = channel_rules(
        server({ADDED: (True, True), ENV_QA: (False, None), ENV_THREADS: (None, False)}),
        [ENV_QA],
        [ENV_THREADS],
    )
    assert rules.qa_channel_ids == {ADDED}
    assert rules.thread_channel_ids == {ADDED}


def test_threads_by_default_cover_the_qa_channels_unless_a_channel_says_no() -> None:
    rules = channel_rules(
        server({ADDED: (True, None), OTHER: (True, False)}, threads_default=True),
        [ENV_QA],
        [],
    )
    assert rules.qa_channel_ids == {ENV_QA, ADDED, OTHER}
    assert rules.thread_channel_ids == {ENV_QA, ADDED}
