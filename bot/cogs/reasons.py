"""Saves the reason typed in the "Not helpful" modal (``bot/modals.py`` says why here)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.modals import save_reason
from bot.replies import apologise


class Reasons(commands.Cog):
    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        try:
            await save_reason(interaction)
        except Exception:
            await apologise(interaction, "Not helpful reason")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Reasons())
