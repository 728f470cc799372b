"""``seedbot run``: start the Discord bot and turn start-up failures into one clear line."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import Any

import discord

from bot import texts
from bot.client import SeedBot
from bot.config import Settings

log = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    """Run until stopped; 0 on a clean stop, 2 when the token is missing or rejected."""
    token = (settings.discord_token or "").strip()
    if not token:
        print(texts.TOKEN_MISSING, file=sys.stderr)
        return 2
    if not logging.getLogger().handlers:  # the CLI may have configured logging already
        discord.utils.setup_logging(
            level=logging.getLevelName(settings.log_level.upper()), root=True
        )
    try:
        return asyncio.run(serve(settings, token))
    except KeyboardInterrupt:
        return 0


async def serve(
    settings: Settings,
    token: str,
    *,
    on_start: Callable[[SeedBot], None] | None = None,
    **client_options: Any,
) -> int:
    """Start the bot; without the Message Content intent, log why and start again without it."""
    message_content = True
    while True:
        bot = SeedBot(settings, message_content=message_content, **client_options)
        if on_start is not None:
            on_start(bot)
        try:
            async with bot:
                await bot.start(token)
            return 0
        except discord.LoginFailure:
            print(texts.TOKEN_INVALID, file=sys.stderr)
            return 2
        except discord.PrivilegedIntentsRequired:
            if not bot.intents.message_content:
                raise
            log.warning(texts.INTENT_MISSING_LOG)
            message_content = False
