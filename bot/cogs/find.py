""" "Find in the articles": a message context-menu command. Right-click any message and the
bot answers privately with the quotes that bear on what it says, with their citations,
through the same answering service as ``/ask`` (an honest "nothing" when the articles say
nothing on it). Discord sends the message with the interaction, so no intent is needed."""

from __future__ import annotations

import re
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.answering import Entry, Outcome, Question
from bot.components import present
from bot.replies import reply_privately
from bot.services import BotServices

# Mentions of users, roles and channels, @everyone/@here and custom emoji: not words of
# the message (a mention's id would be searched as a number).
_NOT_WORDS = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")


def message_text(message: discord.Message) -> str:
    """The words a message says: its text, else (an embeds-only message, e.g. a link
    preview or another bot's answer) its embeds' titles, descriptions and fields."""
    text = message.content
    if not text.strip():
        parts: list[str] = []
        for embed in message.embeds:
            parts += [embed.title or "", embed.description or ""]
            parts += [f"{field.name} {field.value}" for field in embed.fields]
        text = "\n".join(part for part in parts if part)
    return " ".join(_NOT_WORDS.sub(" ", text).split())


class Find(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = cast(BotServices, bot)
        self._tree = bot.tree
        self.menu = app_commands.ContextMenu(name=texts.FIND_MENU, callback=self.find)
        self._tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self._tree.remove_command(self.menu.name, type=self.menu.type)

    async def find(self, interaction: discord.Interaction, message: discord.Message) -> None:
        text = message_text(message)
        if not text:
            await reply_privately(interaction, texts.FIND_NOTHING_TO_SEARCH)
            return
        answering = self.bot.answering
        admitted = await answering.admit(
            Question(
                text,
                interaction.user.id,
                Entry.FIND,
                private=True,
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
            )
        )
        if isinstance(admitted, Outcome):  # the cooldown, or nothing left to search
            reply = present(admitted)
            await reply_privately(interaction, (reply and reply.content) or texts.ERROR)
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        reply = present(await answering.answer(admitted))
        if reply is None:
            await interaction.followup.send(texts.ERROR, ephemeral=True)
            return
        await interaction.followup.send(**reply.send_options(), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Find(bot))
