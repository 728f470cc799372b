"""Browsing the library: ``/sources``, ``/source`` (with title autocomplete) and ``/help``."""

from __future__ import annotations

from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import rendering, texts
from bot.articles import find_article
from bot.autocomplete import article_autocomplete
from bot.channel_rules import channel_rules
from bot.components import sources_view
from bot.rendering import escape_text, truncate
from bot.replies import reply_privately
from bot.services import BotServices
from retrieval.models import Source


class Library(commands.Cog):
    def __init__(self, bot: BotServices) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description=texts.SOURCES_DESCRIPTION)
    async def sources(self, interaction: discord.Interaction) -> None:
        engine = self.bot.engines.current
        if engine is None:
            await reply_privately(interaction, texts.NOT_READY)
            return
        sources = engine.corpus.sources
        view = sources_view(0, len(sources))
        await interaction.response.send_message(
            embed=rendering.sources_embed(sources, 0),
            view=view or discord.utils.MISSING,
            ephemeral=True,
        )

    @app_commands.command(name="source", description=texts.SOURCE_DESCRIPTION)
    @app_commands.describe(article=texts.SOURCE_ARTICLE_HELP)
    async def source(self, interaction: discord.Interaction, article: str) -> None:
        engine = self.bot.engines.current
        if engine is None:
            await reply_privately(interaction, texts.NOT_READY)
            return
        found = self._lookup(article)
        if found is None:
            query = f"“{escape_text(truncate(article.strip(), 100))}”"
            await reply_privately(interaction, texts.SOURCE_NOT_FOUND.format(query=query))
            return
        passages = found.passages
        await interaction.response.send_message(
            embed=rendering.source_embed(found, passages), ephemeral=True
        )

    def _lookup(self, article: str) -> Source | None:
        engine = self.bot.engines.current
        return find_article(engine, article) if engine is not None else None

    @source.autocomplete("article")
    async def complete_article(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return article_autocomplete(self.bot.engines.current, current)

    @app_commands.command(name="help", description=texts.HELP_DESCRIPTION)
    async def help(self, interaction: discord.Interaction) -> None:
        guild = self.bot.answering.guild_settings(interaction.guild_id)
        env = self.bot.settings
        rules = channel_rules(guild, env.qa_channel_ids, env.thread_channel_ids)
        here = interaction.guild
        own = {channel.id for channel in here.channels} if here is not None else set()
        embed = rendering.help_embed(sorted(rules.qa_channel_ids & own))
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Library(cast(BotServices, bot)))
