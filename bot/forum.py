"""Forum channels: each post is a thread whose first message has the post's id; a forum
that is a Q&A channel gets each post answered inside it, follow-ups there without a mention."""

from __future__ import annotations

import discord


def is_forum_post(channel: object) -> bool:
    """A thread of a forum channel (a post), wherever the bot is in it."""
    return isinstance(channel, discord.Thread) and isinstance(channel.parent, discord.ForumChannel)


def post_question(message: discord.Message, text: str) -> str:
    """The question a post's opening message asks: its title, which often is the question,
    then its text (a later message in the post is read alone)."""
    channel = message.channel
    if not is_forum_post(channel) or message.id != channel.id:
        return text
    assert isinstance(channel, discord.Thread)
    title = " ".join(channel.name.split())
    if not title or title.casefold() in text.casefold():
        return text
    return f"{title} {text}".strip() if text else title
