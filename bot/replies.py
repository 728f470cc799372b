"""Small helpers that answer an interaction whatever state it is in."""

from __future__ import annotations

import logging
import sys

import discord

from bot import texts
from bot.rendering import plain_text

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction past its deadline


def interaction_expired(error: BaseException | None) -> bool:
    """Discord refused a response because the interaction is gone (not acknowledged in 3 s)."""
    original = getattr(error, "original", error)
    return isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION


async def reply_privately(
    interaction: discord.Interaction, text: str, *, keep_channel_links: bool = False
) -> None:
    """Answer with an ephemeral note, as the first response or as a follow-up
    (``keep_channel_links``: ``text`` is the bot's own sentence naming channels)."""
    content = plain_text(text, keep_channel_links=keep_channel_links)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True)
        else:
            await interaction.response.send_message(content, ephemeral=True)
    except discord.HTTPException:
        log.exception("Could not send a private reply to interaction %s", interaction.id)


async def apologise(
    interaction: discord.Interaction, where: str, error: BaseException | None = None
) -> None:
    """Log the traceback (of ``error``, else the one being handled); tell the user what to do.

    An interaction Discord has already dropped cannot be answered: Discord shows the user it
    failed, so that is logged in one line (once per incident) and nothing more is sent.
    """
    if interaction_expired(error if error is not None else sys.exc_info()[1]):
        log.warning(
            "Interaction %s in %s expired before it was acknowledged; Discord showed it failed",
            interaction.id,
            where,
        )
        return
    log.error("Error in %s (interaction %s)", where, interaction.id, exc_info=error or True)
    await reply_privately(interaction, texts.ERROR)
