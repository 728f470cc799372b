"""Answer buttons that keep working after a restart.

Each button is a ``DynamicItem``: its state is in its ``custom_id`` (an answer id, an index,
a page number), and the answer behind an id is in the feedback store, so a restarted bot
that registered these classes in ``setup_hook`` handles buttons on old messages. Errors in
a callback are answered here, because discord.py only logs errors of dynamic items.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Self, cast

import discord

from bot import limits, messages, rendering
from bot.feedback import AnswerRecord, new_answer_id
from bot.replies import apologise, reply_privately
from retrieval import messages as engine_messages
from retrieval.models import Answer

if TYPE_CHECKING:
    from bot.client import SeedBot

Button = discord.ui.Button[discord.ui.View]
_ID = r"[0-9a-f]{12}"


def seedbot(interaction: discord.Interaction) -> SeedBot:
    return cast("SeedBot", interaction.client)


async def _guarded(
    interaction: discord.Interaction, where: str, action: Callable[[], Awaitable[None]]
) -> None:
    try:
        await action()
    except Exception:
        await apologise(interaction, where)


async def _record_or_expired(
    interaction: discord.Interaction, answer_id: str
) -> AnswerRecord | None:
    bot = seedbot(interaction)
    record = await asyncio.to_thread(bot.feedback.get_answer, answer_id)
    if record is None:
        await reply_privately(interaction, messages.ANSWER_EXPIRED)
    return record


class MoreResultsButton(
    discord.ui.DynamicItem[Button], template=rf"seedbot:more:(?P<answer>{_ID})"
):
    """The next page of quotes for the same question, as a new reply."""

    def __init__(self, answer_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=messages.BUTTON_MORE,
                style=discord.ButtonStyle.primary,
                custom_id=f"seedbot:more:{answer_id}",
                row=0,
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["answer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _guarded(interaction, "More results", lambda: self._more(interaction))

    async def _more(self, interaction: discord.Interaction) -> None:
        bot = seedbot(interaction)
        record = await _record_or_expired(interaction, self.answer_id)
        if record is None:
            return
        if record.private and interaction.user.id != record.asker_id:
            await reply_privately(interaction, messages.NOT_YOUR_ANSWER)
            return
        wait = bot.cooldown.retry_after(interaction.user.id)
        if wait:
            await reply_privately(interaction, messages.COOLDOWN.format(seconds=max(1.0, wait)))
            return
        engine = bot.engines.current
        if engine is None:
            await reply_privately(interaction, messages.NOT_READY)
            return
        await interaction.response.defer(thinking=True, ephemeral=record.private)
        offset = record.offset + record.top_k
        answer = await bot.engines.answer(
            engine, record.question, top_k=record.top_k, offset=offset
        )
        if not answer.results:
            await interaction.followup.send(messages.NO_MORE_RESULTS, ephemeral=record.private)
            return
        embed, view = await prepare_answer(
            bot,
            answer,
            question=record.question,
            asker_id=record.asker_id,
            private=record.private,
            offset=offset,
            top_k=record.top_k,
            guild_id=record.guild_id,
            channel_id=record.channel_id,
        )
        await interaction.followup.send(
            embed=embed, view=view or discord.utils.MISSING, ephemeral=record.private
        )


class FullPassageButton(
    discord.ui.DynamicItem[Button],
    template=rf"seedbot:passage:(?P<answer>{_ID}):(?P<index>\d{{1,2}})",
):
    """The whole passage behind one quote, shown only to whoever pressed."""

    def __init__(self, answer_id: str, index: int, rank: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=messages.BUTTON_PASSAGE.format(rank=rank if rank is not None else index + 1),
                style=discord.ButtonStyle.secondary,
                custom_id=f"seedbot:passage:{answer_id}:{index}",
                row=1 + index // limits.BUTTONS_PER_ROW,
            )
        )
        self.answer_id = answer_id
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["answer"], int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _guarded(interaction, "Full passage", lambda: self._show(interaction))

    async def _show(self, interaction: discord.Interaction) -> None:
        record = await _record_or_expired(interaction, self.answer_id)
        if record is None:
            return
        engine = seedbot(interaction).engines.current
        passage = None
        if engine is not None and self.index < len(record.passage_ids):
            passage = engine.passage(record.passage_ids[self.index])
        if passage is None:
            await reply_privately(interaction, messages.PASSAGE_MISSING)
            return
        await interaction.response.send_message(
            embed=rendering.passage_embed(passage), ephemeral=True
        )


class VoteButton(
    discord.ui.DynamicItem[Button], template=rf"seedbot:vote:(?P<answer>{_ID}):(?P<value>up|down)"
):
    """ "Helpful" / "Not helpful": one durable vote per person per answer page."""

    def __init__(self, answer_id: str, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label=messages.BUTTON_HELPFUL if helpful else messages.BUTTON_NOT_HELPFUL,
                style=discord.ButtonStyle.success if helpful else discord.ButtonStyle.danger,
                custom_id=f"seedbot:vote:{answer_id}:{'up' if helpful else 'down'}",
                row=0,
            )
        )
        self.answer_id = answer_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["answer"], match["value"] == "up")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _guarded(interaction, "vote", lambda: self._vote(interaction))

    async def _vote(self, interaction: discord.Interaction) -> None:
        bot = seedbot(interaction)
        record = await _record_or_expired(interaction, self.answer_id)
        if record is None:
            return
        await asyncio.to_thread(
            bot.feedback.save_vote, record.id, interaction.user.id, self.helpful
        )
        thanks = messages.VOTE_THANKS_UP if self.helpful else messages.VOTE_THANKS_DOWN
        await interaction.response.send_message(thanks, ephemeral=True)


class SourcesPageButton(
    discord.ui.DynamicItem[Button],
    template=r"seedbot:sources:(?P<direction>prev|next):(?P<page>\d{1,6})",
):
    """Previous / next page of ``/sources``; stateless, so any old list can still be paged."""

    def __init__(self, direction: str, page: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=messages.BUTTON_PREVIOUS if direction == "prev" else messages.BUTTON_NEXT,
                style=discord.ButtonStyle.secondary,
                custom_id=f"seedbot:sources:{direction}:{page}",
                disabled=disabled,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["direction"], int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _guarded(interaction, "sources page", lambda: self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction) -> None:
        engine = seedbot(interaction).engines.current
        if engine is None:
            await reply_privately(interaction, messages.NOT_READY)
            return
        sources = engine.corpus.sources
        embed = rendering.sources_embed(sources, self.page)
        await interaction.response.edit_message(
            embed=embed, view=sources_view(self.page, len(sources))
        )


_ANSWER_BUTTON = re.compile(r"^seedbot:(?:more|passage|vote):(?P<answer_id>[^:]+)")


def answer_id_of(message: discord.Message) -> str | None:
    """The id of the answer a bot message shows, read from its buttons (None if it has none)."""
    for row in message.components:
        for child in getattr(row, "children", ()):
            match = _ANSWER_BUTTON.match(getattr(child, "custom_id", None) or "")
            if match:
                return match["answer_id"]
    return None


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    MoreResultsButton,
    FullPassageButton,
    VoteButton,
    SourcesPageButton,
)


def answer_view(answer_id: str, ranks: list[int], has_more: bool) -> discord.ui.View:
    """Row 0: More results, Helpful, Not helpful; rows 1-2: one "Full passage" per quote."""
    view = discord.ui.View(timeout=None)
    if has_more:
        view.add_item(MoreResultsButton(answer_id))
    view.add_item(VoteButton(answer_id, helpful=True))
    view.add_item(VoteButton(answer_id, helpful=False))
    for index, rank in enumerate(ranks[: (limits.ACTION_ROWS - 1) * limits.BUTTONS_PER_ROW]):
        view.add_item(FullPassageButton(answer_id, index, rank))
    return view


def sources_view(page: int, total: int) -> discord.ui.View | None:
    pages = rendering.page_count(total)
    if pages <= 1:
        return None
    page = min(max(page, 0), pages - 1)
    view = discord.ui.View(timeout=None)
    view.add_item(SourcesPageButton("prev", max(page - 1, 0), disabled=page == 0))
    view.add_item(SourcesPageButton("next", min(page + 1, pages - 1), disabled=page >= pages - 1))
    return view


async def prepare_answer(
    bot: SeedBot,
    answer: Answer,
    *,
    question: str,
    asker_id: int,
    private: bool,
    offset: int,
    top_k: int,
    guild_id: int | None,
    channel_id: int | None,
) -> tuple[discord.Embed, discord.ui.View | None]:
    """Store the page (so its buttons outlive the process) and render it with its buttons."""
    engine = bot.engines.current
    if answer.reason == engine_messages.SOURCES and engine is not None:
        sources = engine.corpus.sources  # "what articles do you have?": the /sources list
        return rendering.sources_embed(sources, 0), sources_view(0, len(sources))
    embed = rendering.answer_embed(answer, question)
    if not answer.answered or not answer.results:
        return embed, None
    record = AnswerRecord(
        id=new_answer_id(),
        question=question,
        asker_id=asker_id,
        private=private,
        offset=offset,
        top_k=top_k,
        passage_ids=tuple(result.passage.id for result in answer.results),
        guild_id=guild_id,
        channel_id=channel_id,
    )
    await asyncio.to_thread(bot.feedback.save_answer, record)
    ranks = [result.rank for result in answer.results]
    return embed, answer_view(record.id, ranks, answer.has_more)
