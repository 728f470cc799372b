"""The optional reason after a "Not helpful" vote: a modal with one short text field.

The vote is saved before the modal opens (its title says so), so closing the modal loses
nothing; a submitted reason is stored with that vote (``Store.save_vote_reason``) and shows
in ``seedbot feedback export`` and ``/stats``. A modal lives in this process only: a reason
submitted after a restart is answered with a note to vote again.
"""

from __future__ import annotations

import asyncio

import discord

from bot import texts
from bot.replies import apologise, reply_privately
from bot.services import services_of
from bot.store import VoteSaved
from bot.store.models import REASON_MAX_CHARS

REASON_TIMEOUT = 15 * 60.0  # seconds the modal waits for a submit


class ReasonModal(discord.ui.Modal):
    def __init__(self, answer_id: str) -> None:
        super().__init__(
            title=texts.REASON_TITLE,
            custom_id=f"seedbot:reason:{answer_id}",
            timeout=REASON_TIMEOUT,
        )
        self.answer_id = answer_id
        self.reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
            custom_id="reason",
            style=discord.TextStyle.paragraph,
            placeholder=texts.REASON_PLACEHOLDER,
            required=False,
            max_length=REASON_MAX_CHARS,
        )
        self.add_item(discord.ui.Label(text=texts.REASON_LABEL, component=self.reason))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        reason = self.reason.value.strip()[:REASON_MAX_CHARS]
        if not reason:
            await reply_privately(interaction, texts.REASON_EMPTY)
            return
        store = services_of(interaction).feedback
        saved = await asyncio.to_thread(
            store.save_vote_reason, self.answer_id, interaction.user.id, reason
        )
        if saved is VoteSaved.RECORDED:
            await reply_privately(interaction, texts.REASON_THANKS)
        elif saved is VoteSaved.UNKNOWN_ANSWER:
            await reply_privately(interaction, texts.ANSWER_EXPIRED)
        else:
            await reply_privately(interaction, texts.VOTE_NOT_RECORDED)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await apologise(interaction, "Not helpful reason", error)
