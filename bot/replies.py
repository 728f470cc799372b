"""Small helpers that answer an interaction whatever state it is in."""

from __future__ import annotations

import logging

import discord

from bot import texts
from bot.rendering import plain_text

log = logging.getLogger(__name__)


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """Answer with an ephemeral note, as the first response or as a follow-up."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(plain_text(text), ephemeral=True)
        else:
            await interaction.response.send_message(plain_text(text), ephemeral=True)
    except discord.HTTPException:
        log.exception("Could not send a private reply to interaction %s", interaction.id)


async def apologise(
    interaction: discord.Interaction, where: str, error: BaseException | None = None
) -> None:
    """Log the traceback (of ``error``, else the one being handled); tell the user what to do."""
    log.error("Error in %s (interaction %s)", where, interaction.id, exc_info=error or True)
    await reply_privately(interaction, texts.ERROR)
