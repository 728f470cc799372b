"""The optional reason after a "Not helpful" vote: a modal with one short text field.

The vote is saved before the modal opens (its title says so), so closing it loses nothing.
The submit is handled by custom_id (``seedbot:reason:<answer id>``) in an interaction
listener (``bot/cogs/reasons.py``) rather than by the modal object, which discord.py keeps
in this process only and under one custom_id: so a reason is saved after a restart too,
and when several people vote on the same answer at once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping
from typing import Any

import discord

from bot import texts
from bot.replies import reply_privately
from bot.services import services_of
from bot.store import VoteSaved
from bot.store.models import REASON_MAX_CHARS

REASON_TIMEOUT = 15 * 60.0  # seconds discord.py keeps the (inert) modal object
REASON_FIELD = "reason"
REASON_MODAL = re.compile(r"seedbot:reason:(?P<answer>[0-9a-f]{12})")


class ReasonModal(discord.ui.Modal):
    """The form only: ``save_reason`` handles what is submitted."""

    def __init__(self, answer_id: str) -> None:
        super().__init__(
            title=texts.REASON_TITLE,
            custom_id=f"seedbot:reason:{answer_id}",
            timeout=REASON_TIMEOUT,
        )
        self.reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
            custom_id=REASON_FIELD,
            style=discord.TextStyle.paragraph,
            placeholder=texts.REASON_PLACEHOLDER,
            required=False,
            max_length=REASON_MAX_CHARS,
        )
        self.add_item(discord.ui.Label(text=texts.REASON_LABEL, component=self.reason))


def submitted_value(components: Iterable[Mapping[str, Any]], custom_id: str) -> str | None:
    """A text input's value in a modal submit, in a label (type 18) or an action row (1)."""
    for component in components:
        if component.get("type") == 4 and component.get("custom_id") == custom_id:
            return str(component.get("value") or "")
        inner = [component["component"]] if "component" in component else []
        found = submitted_value([*inner, *component.get("components", ())], custom_id)
        if found is not None:
            return found
    return None


async def save_reason(interaction: discord.Interaction) -> bool:
    """Store the reason of a submitted reason modal and answer privately; False when the
    interaction is not one (left to whoever handles it)."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return False
    match = REASON_MODAL.fullmatch(str(interaction.data.get("custom_id", "")))
    if match is None:
        return False
    components: Any = interaction.data.get("components", [])
    reason = (submitted_value(components, REASON_FIELD) or "").strip()[:REASON_MAX_CHARS]
    if not reason:
        await reply_privately(interaction, texts.REASON_EMPTY)
        return True
    store = services_of(interaction).feedback
    saved = await asyncio.to_thread(
        store.save_vote_reason, match["answer"], interaction.user.id, reason
    )
    if saved is VoteSaved.RECORDED:
        await reply_privately(interaction, texts.REASON_THANKS)
    elif saved is VoteSaved.UNKNOWN_ANSWER:
        await reply_privately(interaction, texts.ANSWER_EXPIRED)
    else:
        await reply_privately(interaction, texts.VOTE_NOT_RECORDED)
    return True
