"""The bot: one ``AutoShardedBot`` subclass that owns the engine, the vote store and the cooldown.

Intents are explicit: guilds, guild and DM messages, and Message Content (privileged: needed
for Q&A channels and for replies that do not ping the bot; ``bot.runner`` starts again
without it when Discord refuses it), and ``AllowedMentions.none()`` is set once here so nothing the bot sends
can ping anyone. Sharding follows ``settings.shard_count`` / ``shard_ids`` so several
processes can split the shards; leave both unset for one process that takes them all.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.answering import AnsweringService
from bot.components import DYNAMIC_ITEMS, refuse_unknown_button
from bot.config import Settings
from bot.cooldown import UserCooldown
from bot.endpoints import configure_endpoints, override_bot_gateway, retry_unavailable
from bot.engine_holder import EngineFactory, EngineHolder, default_engine_factory
from bot.incidents import log_faults_once_per_incident
from bot.replies import apologise, reply_privately
from bot.store import Store, open_store
from bot.sync import sync_commands
from retrieval.chatter import warm_up as warm_up_chatter

log = logging.getLogger(__name__)

# The bot has no voice features: do not warn at every start that voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

EXTENSIONS = (
    "bot.cogs.ask",
    "bot.cogs.library",
    "bot.cogs.admin",
    "bot.cogs.settings",
    "bot.cogs.stats",
    "bot.cogs.find",
    "bot.cogs.housekeeping",
    "bot.cogs.reasons",
)


def bot_intents(message_content: bool) -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = message_content
    return intents


class SeedTree(app_commands.CommandTree["SeedBot"]):
    """Turns every command error into a short private answer; logs the unexpected ones."""

    async def on_error(
        self, interaction: discord.Interaction[SeedBot], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            wait = max(1.0, error.retry_after)
            await reply_privately(interaction, texts.COOLDOWN.format(seconds=wait))
        elif isinstance(error, app_commands.MissingPermissions):
            await reply_privately(interaction, texts.MISSING_PERMISSION)
        elif isinstance(error, app_commands.NoPrivateMessage):
            await reply_privately(interaction, texts.GUILD_ONLY)
        else:
            name = interaction.command.name if interaction.command else "?"
            await apologise(interaction, f"/{name}", error)


class SeedBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        *,
        engine_factory: EngineFactory | None = None,
        feedback: Store | None = None,
        message_content: bool = True,
        **client_options: Any,
    ) -> None:
        configure_endpoints(settings.discord_api_base, settings.discord_gateway_url)
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: the bot has no prefix commands
            help_command=None,
            intents=bot_intents(message_content),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=SeedTree,
            shard_count=settings.shard_count,
            **client_options,
        )
        # discord.py needs shard_ids to be None (not empty) to mean "every shard".
        self.shard_ids = list(settings.shard_ids) or None
        if settings.discord_gateway_url:
            override_bot_gateway(self.http, settings.discord_gateway_url)
        retry_unavailable(self.http)  # discord.py retries 502 but not 503
        log_faults_once_per_incident()
        self.settings = settings
        self.engines = EngineHolder(
            engine_factory or default_engine_factory(settings),
            workers=settings.answer_workers,
            quick_after=settings.quick_answers_after,
        )
        self._feedback = feedback
        self.cooldown = UserCooldown(settings.cooldown_rate, settings.cooldown_seconds)
        self.answering = AnsweringService(
            self.engines,
            lambda: self.feedback,
            cooldown=self.cooldown,
            concurrency=settings.answer_concurrency,
            top_k=settings.top_k,
            server_store=lambda: self.feedback,
        )
        self._background: set[asyncio.Task[object]] = set()

    @property
    def feedback(self) -> Store:
        if self._feedback is None:
            raise RuntimeError("the feedback store opens in setup_hook")
        return self._feedback

    async def setup_hook(self) -> None:
        if self._feedback is None:
            self._feedback = await asyncio.to_thread(open_store, self.settings)
        await asyncio.to_thread(warm_up_chatter)  # not on the loop, where chatter is told
        self._spawn(self._load_corpus())
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        self.add_listener(refuse_unknown_button, "on_interaction")
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception:
                log.exception("Failed to load extension %s", extension)
        try:
            await sync_commands(self.tree, self.settings, self.application_id)
        except discord.HTTPException:
            log.exception("Slash-command sync failed; the bot runs with the commands Discord has")

    def _spawn(self, coroutine: asyncio.Future[object] | object) -> None:
        task: asyncio.Task[object] = asyncio.ensure_future(coroutine)  # type: ignore[arg-type]
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _load_corpus(self) -> None:
        """Build the index off the loop while the gateway connects; commands wait on readiness."""
        try:
            await self.engines.load()
        except Exception:
            log.exception("Could not load the corpus from %s", self.settings.corpus_dir)

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info(
            "Ready as %s (id %s) in %d guilds; Q&A channels: %s; message content intent: %s",
            self.user,
            self.user.id,
            len(self.guilds),
            ", ".join(map(str, self.settings.qa_channel_ids)) or "none",
            "on" if self.intents.message_content else "off",
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions are handled by the ask cog's listener."""

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            for task in list(self._background):
                task.cancel()
            self.engines.close()
            if self._feedback is not None:
                await asyncio.to_thread(self._feedback.close)
                self._feedback = None
