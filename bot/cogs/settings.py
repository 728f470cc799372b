"""``/settings``: a server's admins change the bot from Discord (Manage Server only).

Hidden from other members by ``default_member_permissions`` on the synced command, and
refused in the handler too (``interaction_check``), since a client can send any interaction.
Values live per server in the store (``bot/store/guild_settings.py``), over the environment's
defaults; each change answers privately with the new value and applies at once here and,
through the store, in every other process within its cache time (milliseconds on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.channel_rules import ChannelRules, channel_rules
from bot.config import MAX_QUOTES, MIN_QUOTES
from bot.permissions import require_manage_guild
from bot.replies import reply_privately
from bot.services import BotServices
from bot.store import StoreUnavailable
from bot.store.guild_settings import ChannelSetting, GuildSetting, GuildSettings

log = logging.getLogger(__name__)

SettingsChannel = discord.TextChannel | discord.ForumChannel


def channel_list(channel_ids: Iterable[int], guild: discord.Guild | None) -> str:
    """This server's channels among ``channel_ids`` as mentions (a channel mention pings
    nobody), or "none"; the environment's lists may name other servers' channels."""
    own = {channel.id for channel in guild.channels} if guild is not None else None
    mentions = [f"<#{cid}>" for cid in sorted(channel_ids) if own is None or cid in own]
    return ", ".join(mentions) if mentions else texts.SETTINGS_NONE


def on_off(value: bool) -> str:
    return texts.SETTINGS_ON if value else texts.SETTINGS_OFF


def cooldown_text(rate: int, seconds: float) -> str:
    if seconds <= 0:
        return texts.SETTINGS_OFF
    return texts.SETTINGS_COOLDOWN_VALUE.format(rate=rate, seconds=seconds)


def describe(settings: GuildSettings, env: BotServices, guild: discord.Guild | None) -> str:
    """``/settings show``: the effective values, channels of this server only."""
    rules = channel_rules(settings, env.settings.qa_channel_ids, env.settings.thread_channel_ids)
    return texts.SETTINGS_SHOW.format(
        qa_channels=channel_list(rules.qa_channel_ids, guild),
        thread_channels=channel_list(rules.thread_channel_ids, guild),
        quotes=settings.quotes_per_answer,
        private=on_off(settings.answers_private),
        cooldown=cooldown_text(env.settings.cooldown_rate, settings.cooldown_seconds),
    )


class ServerSettings(commands.Cog):
    settings = app_commands.Group(
        name="settings",
        description=texts.SETTINGS_DESCRIPTION,
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    qa_channel = app_commands.Group(
        name="qa-channel", description=texts.SETTINGS_QA_DESCRIPTION, parent=settings
    )

    def __init__(self, bot: BotServices) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        return require_manage_guild(interaction)

    @settings.command(name="show", description=texts.SETTINGS_SHOW_DESCRIPTION)
    async def show(self, interaction: discord.Interaction) -> None:
        guild_id = _guild_id(interaction)
        current = await asyncio.to_thread(self.bot.feedback.settings.for_guild, guild_id)
        await reply_privately(
            interaction, describe(current, self.bot, interaction.guild), keep_channel_links=True
        )

    @qa_channel.command(name="add", description=texts.SETTINGS_QA_ADD_DESCRIPTION)
    @app_commands.describe(channel=texts.SETTINGS_CHANNEL_HELP)
    async def qa_add(
        self, interaction: discord.Interaction, channel: SettingsChannel | None = None
    ) -> None:
        await self._qa_change(interaction, channel, add=True)

    @qa_channel.command(name="remove", description=texts.SETTINGS_QA_REMOVE_DESCRIPTION)
    @app_commands.describe(channel=texts.SETTINGS_CHANNEL_HELP)
    async def qa_remove(
        self, interaction: discord.Interaction, channel: SettingsChannel | None = None
    ) -> None:
        await self._qa_change(interaction, channel, add=False)

    async def _qa_change(
        self, interaction: discord.Interaction, channel: SettingsChannel | None, *, add: bool
    ) -> None:
        channel_id = _channel_id(interaction, channel)
        if channel_id is None:
            await reply_privately(interaction, texts.SETTINGS_NOT_A_CHANNEL)
            return
        guild_id = _guild_id(interaction)
        store = self.bot.feedback.settings
        change = store.add_qa_channel if add else store.remove_qa_channel
        said = texts.SETTINGS_QA_ADDED if add else texts.SETTINGS_QA_REMOVED
        await self._change(
            interaction,
            lambda: change(guild_id, channel_id),
            lambda new: said.format(
                channel=f"<#{channel_id}>", qa_channels=self._qa_channels(new, interaction)
            ),
        )

    @settings.command(name="threads", description=texts.SETTINGS_THREADS_DESCRIPTION)
    @app_commands.describe(on=texts.SETTINGS_ON_HELP, channel=texts.SETTINGS_CHANNEL_HELP)
    async def threads(
        self, interaction: discord.Interaction, on: bool, channel: SettingsChannel | None = None
    ) -> None:
        channel_id = _channel_id(interaction, channel)
        if channel_id is None:
            await reply_privately(interaction, texts.SETTINGS_NOT_A_CHANNEL)
            return
        guild_id = _guild_id(interaction)
        await self._change(
            interaction,
            lambda: self.bot.feedback.settings.set_channel_value(
                guild_id, channel_id, ChannelSetting.ANSWERS_IN_THREADS, on
            ),
            lambda new: texts.SETTINGS_THREADS_SET.format(
                channel=f"<#{channel_id}>",
                value=on_off(channel_id in self._rules(new).thread_channel_ids),
            ),
        )

    @settings.command(name="quotes", description=texts.SETTINGS_QUOTES_DESCRIPTION)
    @app_commands.describe(count=texts.SETTINGS_QUOTES_HELP)
    async def quotes(
        self,
        interaction: discord.Interaction,
        count: app_commands.Range[int, MIN_QUOTES, MAX_QUOTES],
    ) -> None:
        guild_id = _guild_id(interaction)
        await self._change(
            interaction,
            lambda: self.bot.feedback.settings.set_guild_value(
                guild_id, GuildSetting.QUOTES_PER_ANSWER, count
            ),
            lambda new: texts.SETTINGS_QUOTES_SET.format(value=new.quotes_per_answer),
        )

    @settings.command(name="private", description=texts.SETTINGS_PRIVATE_DESCRIPTION)
    @app_commands.describe(on=texts.SETTINGS_ON_HELP)
    async def private(self, interaction: discord.Interaction, on: bool) -> None:
        guild_id = _guild_id(interaction)
        await self._change(
            interaction,
            lambda: self.bot.feedback.settings.set_guild_value(
                guild_id, GuildSetting.ANSWERS_PRIVATE, on
            ),
            lambda new: texts.SETTINGS_PRIVATE_SET.format(value=on_off(new.answers_private)),
        )

    @settings.command(name="cooldown", description=texts.SETTINGS_COOLDOWN_DESCRIPTION)
    @app_commands.describe(seconds=texts.SETTINGS_SECONDS_HELP)
    async def cooldown(
        self, interaction: discord.Interaction, seconds: app_commands.Range[float, 0, 3600]
    ) -> None:
        guild_id = _guild_id(interaction)
        await self._change(
            interaction,
            lambda: self.bot.feedback.settings.set_guild_value(
                guild_id, GuildSetting.COOLDOWN_SECONDS, seconds
            ),
            lambda new: texts.SETTINGS_COOLDOWN_SET.format(
                cooldown=cooldown_text(self.bot.settings.cooldown_rate, new.cooldown_seconds)
            ),
        )

    async def _change(
        self,
        interaction: discord.Interaction,
        write: Callable[[], GuildSettings],
        said: Callable[[GuildSettings], str],
    ) -> None:
        """Save off the loop; answer privately with the new value or why nothing changed."""
        try:
            new = await asyncio.to_thread(write)
        except ValueError as error:
            await reply_privately(interaction, texts.SETTINGS_INVALID.format(error=error))
            return
        except StoreUnavailable:
            log.warning("A settings change in server %s could not be saved", interaction.guild_id)
            await reply_privately(interaction, texts.SETTINGS_UNAVAILABLE)
            return
        log.info(
            "Server %s settings changed by user %s: /%s",
            interaction.guild_id,
            interaction.user.id,
            interaction.command.qualified_name if interaction.command else "?",
        )
        await reply_privately(interaction, said(new), keep_channel_links=True)

    def _rules(self, new: GuildSettings) -> ChannelRules:
        env = self.bot.settings
        return channel_rules(new, env.qa_channel_ids, env.thread_channel_ids)

    def _qa_channels(self, new: GuildSettings, interaction: discord.Interaction) -> str:
        return channel_list(self._rules(new).qa_channel_ids, interaction.guild)


def _guild_id(interaction: discord.Interaction) -> int:
    assert interaction.guild_id is not None, "the group is guild_only"
    return interaction.guild_id


def _channel_id(interaction: discord.Interaction, channel: SettingsChannel | None) -> int | None:
    """The channel named, else the one the command was used in (a thread's parent)."""
    if channel is not None:
        return channel.id
    here = interaction.channel
    if isinstance(here, discord.Thread):
        return here.parent_id
    if isinstance(here, discord.TextChannel | discord.ForumChannel):
        return here.id
    return None


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ServerSettings(cast(BotServices, bot)))
