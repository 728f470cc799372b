"""Forum posts and direct messages through the fake Discord with the real discord.py client:
a forum made a Q&A channel with /settings gets each new post answered in the post, follow-ups
there without a mention; a question in a DM is answered in the DM."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_discord import (
    EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    FakeDiscord,
    answered,
    bot_settings,
    running_bot,
)


async def make_forum_a_qa_channel(fake: FakeDiscord) -> None:
    forum = fake.forum_channel(fake.forum_channel_id, "help-forum")
    trace = await fake.send_interaction(
        fake.command_interaction(
            "settings",
            subcommand=("qa-channel", "add"),
            channels={"channel": forum},
            permissions=EVERYONE_PERMISSIONS | MANAGE_GUILD,
        )
    )
    reply = await answered(trace)
    assert f"<#{fake.forum_channel_id}> is now a Q&A channel" in reply["content"]


async def test_a_forum_post_is_answered_in_its_thread_and_followed_up_without_a_mention(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        await make_forum_a_qa_channel(fake)
        post = await fake.create_forum_post(
            "Who is Kirill Dmitriev?", "I keep reading this name in the news."
        )
        answer = await fake.reply_to(post)
        follow_up = await fake.send_message("why?", channel_id=int(post["id"]))
        second = await fake.reply_to(follow_up)
    assert answer.path == f"/channels/{post['id']}/messages"  # inside the post's thread
    embed = answer.body["embeds"][0]
    assert embed["title"].startswith("Who is Kirill Dmitriev?")  # the title is the question
    assert "Dmitriev" in embed["description"]
    assert second.path == f"/channels/{post['id']}/messages"
    assert second.body["embeds"][0]["title"].startswith("why? (Who is Kirill Dmitriev?")


async def test_a_forum_that_is_not_a_qa_channel_is_left_alone(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        post = await fake.create_forum_post("Who is Kirill Dmitriev?", "Anyone?")
        with pytest.raises(TimeoutError):
            await fake.reply_to(post, wait=1.0)


async def test_a_question_in_a_direct_message_is_answered_there(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    someone = fake.user(fake.snowflake(), "someone")
    dm_channel = fake.snowflake()
    async with running_bot(bot_settings(fake, tmp_path)):
        question = await fake.send_direct_message(
            "Who proposed a 30-day ceasefire?", author=someone, channel_id=dm_channel
        )
        reply = await fake.reply_to(question)
        thanks = await fake.send_direct_message("thanks!", author=someone, channel_id=dm_channel)
        chatter = await fake.reply_to(thanks)
    assert reply.path == f"/channels/{dm_channel}/messages"
    assert "30-day" in reply.body["embeds"][0]["description"]
    assert chatter.path == f"/channels/{dm_channel}/messages"  # said to the bot: a reply
