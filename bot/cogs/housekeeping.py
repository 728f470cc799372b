"""Forget a server's settings when the bot leaves it and a channel's when it is deleted, so
nothing stale stays in the store (a later server or channel never inherits them)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import cast

import discord
from discord.ext import commands

from bot.services import BotServices
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)


class Housekeeping(commands.Cog):
    def __init__(self, bot: BotServices) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        settings = self.bot.feedback.settings
        await self._forget(f"server {guild.id}", lambda: settings.forget_guild(guild.id))

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        settings = self.bot.feedback.settings
        await self._forget(
            f"channel {channel.id}", lambda: settings.forget_channel(channel.guild.id, channel.id)
        )

    async def _forget(self, what: str, forget: Callable[[], None]) -> None:
        try:
            await asyncio.to_thread(forget)
        except StoreUnavailable:
            # Harmless if it stays: a removed server sends no questions, a deleted channel's
            # id is never reused. Logged so the operator can tidy up.
            log.warning("Could not forget the settings of %s: the database is unavailable", what)
        else:
            log.info("Forgot the settings of %s", what)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Housekeeping(cast(BotServices, bot)))
