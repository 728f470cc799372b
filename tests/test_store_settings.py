"""Per-server settings over the environment's defaults, on SQLite and PostgreSQL: set, reset,
checked, forgotten, and seen by another process within the cache period."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from bot.store import Store, StoreUnavailable, open_store
from bot.store.factory import open_database
from bot.store.guild_settings import ChannelSetting, Defaults, GuildSetting, SettingsStore
from tests.postgres_server import postgres_url_fixture, store_target_fixture  # noqa: F401

GUILD, OTHER_GUILD = 2**60, 2**60 + 1
ENV_CHANNEL, CHANNEL = 111, 2**61


def store_for(target: str) -> Store:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        feedback_db=target,
        top_k=4,
        cooldown_seconds=5,
        answers_private=True,
        qa_channel_ids=str(ENV_CHANNEL),
    )
    return open_store(settings)


def test_the_environment_gives_the_defaults(store_target: str) -> None:
    store = store_for(store_target)
    effective = store.settings.for_guild(GUILD)
    assert (effective.quotes_per_answer, effective.cooldown_seconds) == (4, 5.0)
    assert effective.answers_private is True
    assert effective.is_qa_channel(ENV_CHANNEL)
    assert not effective.is_qa_channel(CHANNEL)
    assert store.settings.for_guild(None) == store.settings.for_guild(None)  # a DM: defaults
    store.close()


def test_set_reset_and_check_values(store_target: str) -> None:
    store = store_for(store_target)
    settings = store.settings
    changed = settings.set_guild_value(GUILD, GuildSetting.QUOTES_PER_ANSWER, 7)
    assert changed.quotes_per_answer == 7  # seen at once by the process that changed it
    settings.set_guild_value(GUILD, GuildSetting.ANSWERS_PRIVATE, False)
    settings.set_guild_value(GUILD, GuildSetting.COOLDOWN_SECONDS, 0.5)
    effective = settings.for_guild(GUILD)
    assert (effective.quotes_per_answer, effective.answers_private, effective.cooldown_seconds) == (
        7,
        False,
        0.5,
    )
    assert settings.for_guild(OTHER_GUILD).quotes_per_answer == 4  # another server: untouched
    assert (
        settings.set_guild_value(GUILD, GuildSetting.QUOTES_PER_ANSWER, None).quotes_per_answer == 4
    )
    for setting, wrong in [
        (GuildSetting.QUOTES_PER_ANSWER, 0),
        (GuildSetting.QUOTES_PER_ANSWER, 11),
        (GuildSetting.QUOTES_PER_ANSWER, 2.5),
        (GuildSetting.COOLDOWN_SECONDS, -1),
        (GuildSetting.ANSWERS_PRIVATE, 1),
    ]:
        with pytest.raises(ValueError, match=r"quotes|cooldown|private"):
            settings.set_guild_value(GUILD, setting, wrong)
    assert settings.for_guild(GUILD).cooldown_seconds == 0.5
    store.close()


def test_qa_channels_and_threads_per_channel(store_target: str) -> None:
    store = store_for(store_target)
    settings = store.settings
    settings.add_qa_channel(GUILD, CHANNEL)
    settings.remove_qa_channel(GUILD, ENV_CHANNEL)  # even one the environment lists
    settings.set_channel_value(GUILD, CHANNEL, ChannelSetting.ANSWERS_IN_THREADS, True)
    effective = settings.for_guild(GUILD)
    assert effective.qa_channel_ids == {CHANNEL}
    assert effective.channel(CHANNEL).answers_in_threads is True
    assert effective.channel(999).answers_in_threads is False
    assert settings.for_channel(GUILD, CHANNEL).qa_channel is True
    store.close()


def test_forgetting_a_channel_or_a_server_leaves_nothing(store_target: str) -> None:
    store = store_for(store_target)
    settings = store.settings
    settings.add_qa_channel(GUILD, CHANNEL)
    settings.add_qa_channel(GUILD, CHANNEL + 1)
    settings.set_guild_value(GUILD, GuildSetting.QUOTES_PER_ANSWER, 9)
    settings.forget_channel(GUILD, CHANNEL)  # the channel was deleted
    assert settings.for_guild(GUILD).qa_channel_ids == {ENV_CHANNEL, CHANNEL + 1}
    settings.forget_guild(GUILD)  # the bot was removed from the server
    assert settings.for_guild(GUILD) == replace(settings.for_guild(OTHER_GUILD), guild_id=GUILD)
    rows = store.db.execute(
        "SELECT COUNT(*) FROM channel_settings WHERE guild_id = ?", (GUILD,)
    ) + store.db.execute("SELECT COUNT(*) FROM guild_settings WHERE guild_id = ?", (GUILD,))
    assert [row[0] for row in rows] == [0, 0]
    store.close()


def test_another_process_sees_a_change_within_the_cache_period(tmp_path: Path) -> None:
    """SQLite has no notifications: the cache's expiry bounds the delay (PostgreSQL's
    announcement is tested in test_bot_feedback_postgres.py)."""
    store_target = str(tmp_path / "shared.sqlite3")
    clock = [0.0]
    changer = store_for(store_target)
    reader = SettingsStore(
        open_database(store_target),
        Defaults(qa_channel_ids=frozenset()),
        cache_seconds=2.0,
        timer=lambda: clock[0],
    )
    assert not reader.for_guild(GUILD).is_qa_channel(CHANNEL)
    changer.settings.add_qa_channel(GUILD, CHANNEL)
    clock[0] = 1.9
    assert not reader.for_guild(GUILD).is_qa_channel(CHANNEL)  # still cached
    clock[0] = 2.1
    assert reader.for_guild(GUILD).is_qa_channel(CHANNEL)
    changer.close()


def test_reads_survive_an_outage_and_writes_say_so(tmp_path: Path) -> None:
    clock = [0.0]
    db = open_database(str(tmp_path / "s.sqlite3"))
    settings = SettingsStore(db, Defaults(quotes_per_answer=4), timer=lambda: clock[0])
    settings.add_qa_channel(GUILD, CHANNEL)
    clock[0] = 60.0  # the cached values are old
    db.close()  # and the database goes away
    assert settings.for_guild(GUILD).is_qa_channel(CHANNEL)  # the last known values
    assert settings.for_guild(OTHER_GUILD).quotes_per_answer == 4  # or the defaults
    with pytest.raises(StoreUnavailable):
        settings.set_guild_value(GUILD, GuildSetting.QUOTES_PER_ANSWER, 2)
