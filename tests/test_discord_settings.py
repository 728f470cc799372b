"""/settings through the fake Discord with the real discord.py client: hidden from and refused
to members without Manage Server, each change answered privately and in force at once, a
second process on the same PostgreSQL database following within milliseconds, and nothing
stale left when a channel is deleted or the bot leaves the server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bot import texts
from tests.fake_discord import (
    EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    FakeDiscord,
    answered,
    bot_settings,
    running_bot,
)
from tests.postgres_server import drop_store_tables, postgres_url_fixture  # noqa: F401

ADMIN = EVERYONE_PERMISSIONS | MANAGE_GUILD
QUESTION = "Who is Kirill Dmitriev?"
# bench/settings_propagation.py measures ~5 ms over NOTIFY; allowed here with room to spare,
# and far below the 60 s cache the test sets.
PROPAGATION_ALLOWANCE = 0.5


def general(fake: FakeDiscord) -> dict[str, Any]:
    return fake.channel(fake.channel_id, "general")


async def run_settings(
    fake: FakeDiscord,
    *subcommand: str,
    options: dict[str, Any] | None = None,
    channel: dict[str, Any] | None = None,
    permissions: int = ADMIN,
) -> str:
    """Send /settings <subcommand>; the private reply's text."""
    trace = await fake.send_interaction(
        fake.command_interaction(
            "settings",
            options,
            subcommand=subcommand,
            channels={"channel": channel} if channel else None,
            permissions=permissions,
        )
    )
    body = await answered(trace)
    assert trace.ephemeral, "settings are answered privately"
    return str(body.get("content"))


async def is_answered(fake: FakeDiscord, text: str, channel_id: int, wait: float) -> bool:
    """Whether a plain message (no mention) in ``channel_id`` gets a reply within ``wait``."""
    message = await fake.send_message(text, channel_id=channel_id)
    try:
        await fake.reply_to(message, wait=wait)
    except TimeoutError:
        return False
    return True


async def test_admin_commands_are_hidden_from_members_without_manage_server(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        pass
    synced = fake.synced_commands
    for name in ("settings", "stats"):
        assert int(synced[name]["default_member_permissions"]) == MANAGE_GUILD
        assert synced[name]["dm_permission"] is False  # guild only: not in DMs
    assert synced["ask"].get("default_member_permissions") is None  # everyone sees /ask
    assert synced["Find in the articles"]["type"] == 3  # a message context-menu command
    subcommands = {option["name"] for option in synced["settings"]["options"]}
    assert subcommands == {"show", "qa-channel", "threads", "quotes", "private", "cooldown"}


async def test_a_forged_settings_or_stats_interaction_is_refused(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)) as bot:
        refused = await run_settings(
            fake, "qa-channel", "add", channel=general(fake), permissions=EVERYONE_PERMISSIONS
        )
        trace = await fake.send_interaction(
            fake.command_interaction("stats", permissions=EVERYONE_PERMISSIONS)
        )
        stats = await answered(trace)
        effective = bot.feedback.settings.for_guild(fake.guild_id)
    assert refused == texts.MISSING_PERMISSION
    assert stats["content"] == texts.MISSING_PERMISSION and trace.ephemeral
    assert fake.channel_id not in effective.qa_channel_ids  # nothing was changed


async def test_a_qa_channel_added_is_answered_at_once_and_removed_is_not(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        assert not await is_answered(fake, QUESTION, fake.channel_id, wait=1.0)
        added = await run_settings(fake, "qa-channel", "add", channel=general(fake))
        assert await is_answered(fake, QUESTION, fake.channel_id, wait=10.0)
        help_ = await answered(await fake.send_interaction(fake.command_interaction("help")))
        assert f"<#{fake.channel_id}>" in help_["embeds"][0]["description"]  # /help says so
        removed = await run_settings(fake, "qa-channel", "remove", channel=general(fake))
        assert not await is_answered(fake, QUESTION, fake.channel_id, wait=1.0)
        # The environment's Q&A channel can be removed here too, without the environment.
        await run_settings(
            fake, "qa-channel", "remove", channel=fake.channel(fake.qa_channel_id, "questions")
        )
        assert not await is_answered(fake, QUESTION, fake.qa_channel_id, wait=1.0)
    assert f"<#{fake.channel_id}> is now a Q&A channel" in added
    assert f"<#{fake.qa_channel_id}>" in added  # the new list, the environment's included
    assert f"<#{fake.channel_id}> is no longer a Q&A channel" in removed


async def test_each_change_answers_with_the_new_value_and_takes_effect(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        quotes = await run_settings(fake, "quotes", options={"count": 1})
        first = await fake.send_interaction(fake.command_interaction("ask", {"question": QUESTION}))
        one_quote = (await answered(first))["embeds"][0]["description"]
        private = await run_settings(fake, "private", options={"on": True})
        second = await fake.send_interaction(
            fake.command_interaction("ask", {"question": QUESTION})
        )
        await answered(second)
        cooldown = await run_settings(fake, "cooldown", options={"seconds": 30.0})
        threads = await run_settings(
            fake,
            "threads",
            options={"on": True},
            channel=fake.channel(fake.qa_channel_id, "questions"),
        )
        in_qa = await fake.send_message(QUESTION, channel_id=fake.qa_channel_id)
        thread = await fake.wait_for_request(
            lambda r: r.method == "POST" and r.path.endswith(f"/messages/{in_qa['id']}/threads")
        )
        show = await run_settings(fake, "show")
    assert quotes == "Quotes per answer: 1."
    assert one_quote.count("\n> ") + one_quote.startswith("> ") == 1  # one quote block
    assert private == "Answers private by default: on."
    assert second.ephemeral and not first.ephemeral  # /ask without private: follows the server
    assert cooldown == "Cooldown: at most 1000 questions per 30 s per person."
    assert threads == f"Answers in threads in <#{fake.qa_channel_id}>: on."
    assert thread.body["name"] == QUESTION
    assert "Quotes per answer: 1" in show and "Answers private by default: on" in show
    assert f"Answers in threads: <#{fake.qa_channel_id}>" in show


async def test_a_deleted_channel_and_a_server_left_leave_nothing_stale(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)) as bot:
        await run_settings(fake, "qa-channel", "add", channel=general(fake))
        await run_settings(fake, "quotes", options={"count": 2})
        store = bot.feedback
        await fake.delete_channel(fake.channel_id)
        await _until(
            lambda: fake.channel_id not in store.settings.for_guild(fake.guild_id).qa_channel_ids
        )
        assert store.settings.for_guild(fake.guild_id).quotes_per_answer == 2  # the rest stays
        await fake.remove_bot_from_guild()
        await _until(lambda: store.settings.for_guild(fake.guild_id).quotes_per_answer == 3)
        rows = store.db.execute("SELECT COUNT(*) FROM channel_settings", ())
        guilds = store.db.execute("SELECT COUNT(*) FROM guild_settings", ())
    assert rows[0][0] == 0 and guilds[0][0] == 0


async def _until(condition: Any, wait: float = 5.0) -> None:
    deadline = time.monotonic() + wait
    while not condition():
        assert time.monotonic() < deadline, "the condition never became true"
        await asyncio.sleep(0.02)


async def test_a_change_in_one_process_reaches_the_other_through_postgresql(
    fake: FakeDiscord, postgres_url: str, tmp_path: Path
) -> None:
    """Two bot clients, each with its own gateway session, store, cache and listener, on
    one PostgreSQL database (as two shard processes are), with a settings cache far longer
    than the wait: only the change's NOTIFY can make the second see it in time."""
    drop_store_tables(postgres_url)
    options = {"feedback_db": postgres_url, "settings_cache_seconds": 60}
    first = bot_settings(fake, tmp_path / "first", **options)
    second = bot_settings(fake, tmp_path / "second", **options)
    async with running_bot(first) as first_bot:
        first_session = list(fake.sessions)[-1]
        async with running_bot(second) as second_bot:
            second_session = list(fake.sessions)[-1]
            assert first_bot.feedback is not second_bot.feedback
            fake.dispatch_to = second_session  # the second reads and caches: not a Q&A channel
            assert not await is_answered(fake, QUESTION, fake.channel_id, wait=1.0)
            fake.dispatch_to = first_session
            await run_settings(fake, "qa-channel", "add", channel=general(fake))
            assert await is_answered(fake, QUESTION, fake.channel_id, wait=10.0)  # at once
            fake.dispatch_to = second_session
            await asyncio.sleep(PROPAGATION_ALLOWANCE)
            assert await is_answered(fake, QUESTION, fake.channel_id, wait=10.0)


async def test_the_servers_cooldown_replaces_the_environments(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    asker = fake.user(fake.snowflake(), "asker")

    async def ask() -> dict[str, Any]:
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": QUESTION}, user=asker)
        )
        return await answered(trace)

    settings = bot_settings(fake, tmp_path, cooldown_rate=1, cooldown_seconds=0.0)
    async with running_bot(settings):
        before = [await ask(), await ask()]  # no cooldown in the environment
        assert "Cooldown: off" in await run_settings(fake, "show")
        await run_settings(fake, "cooldown", options={"seconds": 60.0})
        after = [await ask(), await ask()]
    assert all(body.get("embeds") for body in before)
    assert after[0].get("embeds")
    assert after[1]["content"] == texts.COOLDOWN.format(seconds=60)
