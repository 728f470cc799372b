""" "Find in the articles" (a message context-menu command) through the fake Discord with the
real discord.py client: the quotes bearing on a message, privately, with citations; an honest
"nothing" otherwise; embeds-only, mention-only and long messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import texts
from tests.fake_discord import FakeDiscord, answered, bot_settings, running_bot

SEED_SENTENCE = (
    "Ukraine is estimated to have destroyed 10% of Russia’s refining capacity since the "
    "beginning of 2025."
)
FIND = "Find in the articles"


def plain(description: str) -> str:
    """An embed's text without the bold of matched words or Markdown escapes."""
    return description.replace("**", "").replace("\\", "")


def someone_said(fake: FakeDiscord, **body: Any) -> dict[str, Any]:
    """A member's message in #general, as the menu's target (never sent to the bot)."""
    author = fake.user(fake.snowflake(), "member")
    return fake.message(channel_id=fake.channel_id, author=author, body=body)


async def find(fake: FakeDiscord, target: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    trace = await fake.send_interaction(fake.message_command_interaction(FIND, target))
    return await answered(trace), trace.ephemeral


async def test_a_message_quoting_a_seed_sentence_gets_that_sentence_privately_with_its_citation(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    target = someone_said(fake, content=f'Is this true? "{SEED_SENTENCE}" Source: a friend')
    async with running_bot(bot_settings(fake, tmp_path)):
        body, private = await find(fake, target)
    assert private
    description = body["embeds"][0]["description"]
    assert SEED_SENTENCE in plain(description)
    assert "paragraph" in description.split("\n\n")[0]  # cited where it comes from
    labels = [c["label"] for row in body["components"] for c in row["components"]]
    assert "Not helpful" in labels  # an answer like any other


async def test_a_message_the_articles_say_nothing_on_is_declined_honestly(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    target = someone_said(fake, content="My sourdough starter smells of nail polish remover")
    async with running_bot(bot_settings(fake, tmp_path)):
        body, private = await find(fake, target)
    assert private
    embed = body["embeds"][0]
    assert embed["description"].startswith("I found nothing in the articles")
    assert "components" not in body or not body["components"]  # no quotes to vote on


async def test_chatter_is_searched_too_rather_than_answered_as_chatter(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    target = someone_said(fake, content="thanks!")
    async with running_bot(bot_settings(fake, tmp_path)):
        body, _private = await find(fake, target)
    texts_sent = str(body)
    assert "Ask me anything else" not in texts_sent  # not the chatter reply to "thanks"


async def test_an_embeds_only_message_is_searched_by_its_embed_text(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    target = someone_said(
        fake, content="", embeds=[{"type": "rich", "title": "News", "description": SEED_SENTENCE}]
    )
    async with running_bot(bot_settings(fake, tmp_path)):
        body, private = await find(fake, target)
    assert private
    assert SEED_SENTENCE in plain(body["embeds"][0]["description"])


async def test_mentions_links_and_length_are_handled_as_everywhere_else(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    only_mentions = someone_said(fake, content="<@123456789012345678> <#42> @everyone")
    long_text = f"{SEED_SENTENCE} https://example.com/a?b=c " + "and so on " * 600
    long_message = someone_said(fake, content=long_text)
    async with running_bot(bot_settings(fake, tmp_path)):
        mentions, mentions_private = await find(fake, only_mentions)
        long_body, long_private = await find(fake, long_message)
    assert mentions["content"] == texts.FIND_NOTHING_TO_SEARCH and mentions_private
    assert long_private
    assert long_body.get("content") != texts.ERROR
    assert long_body["embeds"], "a long message is answered (or declined) in an embed"
