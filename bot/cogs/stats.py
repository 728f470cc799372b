"""``/stats [days]``: the operator's report for this server, privately (Manage Server).

The same report as ``seedbot stats`` (``bot/stats.py``): questions asked, answered and
declined, the helpful share of votes, the most frequent declined questions (grouped) and the
answers most often voted not helpful with their reasons; never a user id.
"""

from __future__ import annotations

import asyncio
import logging
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import rendering, texts
from bot.permissions import require_manage_guild
from bot.replies import reply_privately
from bot.services import BotServices
from bot.stats import StatsReport, build_report, render_text
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)

EMBED_DESCRIPTION = 4096


def stats_embed(report: StatsReport) -> discord.Embed:
    """The report as an embed: the terminal text without its heading, escaped and cut to fit."""
    body = render_text(report).split("\n", 1)[-1]
    return discord.Embed(
        title=texts.STATS_TITLE.format(days=report.days),
        description=rendering.truncate(rendering.escape_text(body), EMBED_DESCRIPTION),
    )


class Stats(commands.Cog):
    def __init__(self, bot: BotServices) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        return require_manage_guild(interaction)

    @app_commands.command(name="stats", description=texts.STATS_DESCRIPTION)
    @app_commands.describe(days=texts.STATS_DAYS_HELP)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def stats(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 7
    ) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        try:
            report = await asyncio.to_thread(
                build_report, self.bot.feedback, days, interaction.guild_id
            )
        except StoreUnavailable:
            log.warning("/stats: the database is unavailable")
            await reply_privately(interaction, texts.STATS_UNAVAILABLE)
            return
        await interaction.followup.send(embed=stats_embed(report), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Stats(cast(BotServices, bot)))
