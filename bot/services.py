"""What the cogs and the answer buttons use of the bot, as a small protocol.

Typed against this rather than the whole ``SeedBot`` class, the cogs and views need not
import the client (which loads them), so there is no import cycle, and a test can hand
them any object with these parts.
"""

from __future__ import annotations

from typing import Protocol, cast

import discord

from bot.answering import AnsweringService
from bot.config import Settings
from bot.engine_holder import EngineHolder
from bot.store import Store


class BotServices(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def engines(self) -> EngineHolder: ...
    @property
    def answering(self) -> AnsweringService: ...
    @property
    def feedback(self) -> Store: ...
    @property
    def user(self) -> discord.ClientUser | None: ...
    @property
    def intents(self) -> discord.Intents: ...


def services_of(interaction: discord.Interaction) -> BotServices:
    """The bot behind an interaction (always a ``SeedBot``, which has these parts)."""
    return cast(BotServices, interaction.client)
