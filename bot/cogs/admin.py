"""Administration: ``/reload`` rebuilds the index from disk without a restart."""

from __future__ import annotations

import logging
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.rendering import plain_text, truncate
from bot.services import BotServices

log = logging.getLogger(__name__)


class Admin(commands.Cog):
    def __init__(self, bot: BotServices) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description=texts.RELOAD_DESCRIPTION)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        log.info("Reload requested by %s (%s)", interaction.user, interaction.user.id)
        try:
            report = await self.bot.engines.load()
        except Exception:
            log.exception("Reload failed; keeping the previous index")
            await interaction.followup.send(texts.RELOAD_FAILED, ephemeral=True)
            return
        text = texts.RELOAD_DONE.format(
            sources=report.sources, passages=report.passages, seconds=report.seconds
        )
        if report.problems:
            files = truncate(", ".join(report.problems), 1500)
            text += "\n" + texts.RELOAD_PROBLEMS.format(count=len(report.problems), files=files)
        await interaction.followup.send(plain_text(text), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Admin(cast(BotServices, bot)))
