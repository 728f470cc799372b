"""Answer buttons that keep working after a restart, and answers turned into messages.

Each button is a ``DynamicItem``: its state is in its ``custom_id`` (an answer id, a
direction, an index), and the answer behind an id is in the answer store, so a restarted
bot that registered these classes in ``setup_hook`` handles buttons on old messages. A
custom_id is client data: one that names an answer the message does not show, another
person's private answer or a quote that does not exist is refused with a private note.
Errors in a callback are answered here, because discord.py only logs errors of dynamic items.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Self

import discord

from bot import limits, rendering, texts
from bot.answering import Outcome, OutcomeKind, chatter_reply
from bot.modals import ReasonModal
from bot.replies import apologise, reply_privately
from bot.services import services_of
from bot.store import AnswerRecord, VoteSaved
from retrieval import messages as engine_messages
from retrieval.models import Answer
from retrieval.refusals import asks_unnamed_author

Button = discord.ui.Button[discord.ui.View]
_ID = r"[0-9a-f]{12}"
MAX_PASSAGE_BUTTONS = (limits.ACTION_ROWS - 1) * limits.BUTTONS_PER_ROW


@dataclass(frozen=True)
class Reply:
    """A message to send: text or an embed, and its buttons."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    def send_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.content is not None:
            options["content"] = rendering.plain_text(self.content)
        if self.embed is not None:
            options["embed"] = self.embed
        if self.view is not None:
            options["view"] = self.view
        return options


def present(outcome: Outcome) -> Reply | None:
    """The message an outcome is said with; None for silence."""
    kind = outcome.kind
    if kind is OutcomeKind.SILENT:
        return None
    if kind is OutcomeKind.COOLDOWN:
        return Reply(content=texts.COOLDOWN.format(seconds=outcome.wait))
    if kind is OutcomeKind.EMPTY:
        return Reply(content=texts.EMPTY_QUESTION)
    if kind is OutcomeKind.NOT_READY:
        return Reply(content=texts.NOT_READY)
    if kind is OutcomeKind.NO_MORE:
        return Reply(content=texts.NO_MORE_RESULTS)
    if kind is OutcomeKind.NO_ARTICLE:
        query = f"“{rendering.escape_text(rendering.truncate(outcome.question.strip(), 100))}”"
        return Reply(content=texts.SOURCE_NOT_FOUND.format(query=query))
    if kind is OutcomeKind.CHATTER:
        return Reply(embed=rendering.chatter_embed(chatter_reply(outcome.chatter)))
    answer = outcome.answer
    assert answer is not None, "an answered outcome carries its answer"
    if answer.reason == engine_messages.SOURCES and len(answer.articles) == 1:
        unnamed = asks_unnamed_author(outcome.question, answer.articles)  # "who wrote…?"
        return Reply(
            content=texts.NO_AUTHOR if unnamed else None,
            embed=rendering.source_embed(answer.articles[0]),
        )
    if answer.reason == engine_messages.SOURCES and answer.articles:
        return Reply(embed=rendering.sources_embed(answer.articles, 0))  # a page at most
    if answer.reason == engine_messages.SOURCES and outcome.engine is not None:
        sources = outcome.engine.corpus.sources  # "what articles do you have?": the list
        return Reply(embed=rendering.sources_embed(sources, 0), view=sources_view(0, len(sources)))
    embed = rendering.answer_embed(answer, outcome.question, last_page=not answer.has_more)
    if outcome.record is None:
        return Reply(embed=embed)
    return Reply(embed=embed, view=answer_view(outcome.record, answer.has_more, answer))


async def _guarded(
    interaction: discord.Interaction, where: str, action: Callable[[], Awaitable[None]]
) -> None:
    try:
        await action()
    except Exception:
        await apologise(interaction, where)


def _shown_answer_ids(message: discord.Message | None) -> set[str]:
    """The answer ids the buttons of ``message`` carry."""
    if message is None:
        return set()
    found = set()
    for row in message.components:
        for child in getattr(row, "children", ()):
            match = _ANSWER_BUTTON.match(getattr(child, "custom_id", None) or "")
            if match:
                found.add(match["answer_id"])
    return found


async def _checked_record(interaction: discord.Interaction, answer_id: str) -> AnswerRecord | None:
    """The answer a button names, if the clicker may use it; else a private refusal.

    Refused: an answer no longer stored and another person's private answer. (A custom_id the message does not carry never gets here: see
    ``refuse_unknown_button``.)
    """
    record = await services_of(interaction).answering.record(answer_id)
    if record is None:
        await reply_privately(interaction, texts.ANSWER_EXPIRED)
        return None
    if record.private and interaction.user.id != record.asker_id:
        await reply_privately(interaction, texts.NOT_YOUR_ANSWER)
        return None
    return record


class PageButton(
    discord.ui.DynamicItem[Button],
    template=rf"seedbot:(?P<direction>more|next|prev):(?P<answer>{_ID})",
):
    """The next or previous page of quotes for the same question.

    The asker's click turns the page in place; anyone else gets the page privately, where
    their own clicks then turn it. ``more`` is the first page's "More results" (and the id
    older messages carry).
    """

    def __init__(self, direction: str, answer_id: str, *, disabled: bool = False) -> None:
        label = {
            "more": texts.BUTTON_MORE,
            "next": texts.BUTTON_NEXT,
            "prev": texts.BUTTON_PREVIOUS,
        }[direction]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary
                if direction != "prev"
                else discord.ButtonStyle.secondary,
                custom_id=f"seedbot:{direction}:{answer_id}",
                disabled=disabled,
                row=0,
            )
        )
        self.direction = direction
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["direction"], match["answer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _guarded(interaction, "More results", lambda: self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction) -> None:
        record = await _checked_record(interaction, self.answer_id)
        if record is None:
            return
        answering = services_of(interaction).answering
        step = -record.top_k if self.direction == "prev" else record.top_k
        in_place = interaction.user.id == record.asker_id
        if not in_place:  # someone else's public answer: their own private page
            record = AnswerRecord(
                id=record.id,
                question=record.question,
                asker_id=interaction.user.id,
                private=True,
                offset=record.offset,
                top_k=record.top_k,
                passage_ids=record.passage_ids,
                guild_id=record.guild_id,
                channel_id=record.channel_id,
            )
        admitted = answering.page(record, interaction.user.id, record.offset + step)
        if isinstance(admitted, Outcome):
            await _say_privately(interaction, admitted)
            return
        if in_place:
            await interaction.response.defer()  # the message itself shows the wait
        else:
            await interaction.response.defer(thinking=True, ephemeral=True)
        outcome = await answering.answer(admitted)
        reply = present(outcome)
        if outcome.kind is not OutcomeKind.QUOTES or reply is None:
            text = reply.content if reply and reply.content else texts.NO_MORE_RESULTS
            await interaction.followup.send(rendering.plain_text(text), ephemeral=True)
            return
        if in_place:
            await interaction.edit_original_response(**reply.send_options())
        else:
            await interaction.followup.send(**reply.send_options(), ephemeral=True)


async def _say_privately(interaction: discord.Interaction, outcome: Outcome) -> None:
    reply = present(outcome)
    if reply is not None and reply.content is not None:
        await reply_privately(interaction, reply.content)


class FullPassageButton(
    discord.ui.DynamicItem[Button],
    template=rf"seedbot:passage:(?P<answer>{_ID}):(?P<index>\d{{1,2}})",
):
    """The whole passage behind one quote, shown only to whoever pressed."""

    def __init__(self, answer_id: str, index: int, rank: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.BUTTON_PASSAGE.format(rank=rank if rank is not None else index + 1),
                style=discord.ButtonStyle.secondary,
                custom_id=f"seedbot:passage:{answer_id}:{index}",
                # A forged index must not make the button itself invalid: clamp its row.
                row=min(1 + index // limits.BUTTONS_PER_ROW, limits.ACTION_ROWS - 1),
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
        record = await _checked_record(interaction, self.answer_id)
        if record is None:
            return
        if self.index >= len(record.passage_ids):
            await reply_privately(interaction, texts.BUTTON_INVALID)
            return
        engine = services_of(interaction).engines.current
        passage = engine.passage(record.passage_ids[self.index]) if engine is not None else None
        if passage is None:
            await reply_privately(interaction, texts.PASSAGE_MISSING)
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
                label=texts.BUTTON_HELPFUL if helpful else texts.BUTTON_NOT_HELPFUL,
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
        record = await _checked_record(interaction, self.answer_id)
        if record is None:
            return
        store = services_of(interaction).feedback
        saved = await asyncio.to_thread(
            store.save_vote, record.id, interaction.user.id, self.helpful
        )
        if saved is VoteSaved.NOT_RECORDED:
            await reply_privately(interaction, texts.VOTE_NOT_RECORDED)
            return
        if not self.helpful and saved is VoteSaved.RECORDED:
            # Recorded; the modal offers an optional reason (its title says it is recorded).
            await interaction.response.send_modal(ReasonModal(record.id))
            return
        thanks = texts.VOTE_THANKS_UP if self.helpful else texts.VOTE_THANKS_DOWN
        await interaction.response.send_message(thanks, ephemeral=True)


class SourcesPageButton(
    discord.ui.DynamicItem[Button],
    template=r"seedbot:sources:(?P<direction>prev|next):(?P<page>\d{1,6})",
):
    """Previous / next page of ``/sources``; stateless, so any old list can still be paged."""

    def __init__(self, direction: str, page: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.BUTTON_PREVIOUS if direction == "prev" else texts.BUTTON_NEXT,
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
        engine = services_of(interaction).engines.current
        if engine is None:
            await reply_privately(interaction, texts.NOT_READY)
            return
        sources = engine.corpus.sources
        embed = rendering.sources_embed(sources, self.page)
        await interaction.response.edit_message(
            embed=embed, view=sources_view(self.page, len(sources))
        )


_ANSWER_BUTTON = re.compile(
    r"^seedbot:(?:more|next|prev|passage|vote):(?P<answer_id>[0-9a-f]{12})(?::|$)"
)


def answer_id_of(message: discord.Message) -> str | None:
    """The id of the answer a bot message shows, read from its buttons (None if it has none)."""
    found = _shown_answer_ids(message)
    return next(iter(found)) if len(found) == 1 else None


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    PageButton,
    FullPassageButton,
    VoteButton,
    SourcesPageButton,
)


def is_known_custom_id(custom_id: str) -> bool:
    """Whether one of our buttons would handle ``custom_id`` (else it was forged)."""
    return any(item.__discord_ui_compiled_template__.fullmatch(custom_id) for item in DYNAMIC_ITEMS)


def _custom_ids(message: discord.Message | None) -> set[str]:
    if message is None:
        return set()
    return {
        custom_id
        for row in message.components
        for child in getattr(row, "children", ())
        if (custom_id := getattr(child, "custom_id", None))
    }


async def refuse_unknown_button(interaction: discord.Interaction) -> None:
    """A click no button of ours will answer, said so privately instead of left to fail:
    a custom_id none of them handles (garbage, overlong, altered), or one the message does
    not carry (discord.py dispatches a button only from the message it is on)."""
    if interaction.type is not discord.InteractionType.component:
        return
    custom_id = str(interaction.data.get("custom_id", "")) if interaction.data else ""
    if not is_known_custom_id(custom_id) or custom_id not in _custom_ids(interaction.message):
        await reply_privately(interaction, texts.BUTTON_INVALID)


def answer_view(record: AnswerRecord, has_more: bool, answer: Answer) -> discord.ui.View:
    """Row 0: Previous, Next (More results on the first page), Helpful, Not helpful and
    Open article; rows 1-4: one "Full passage" per quote."""
    view = discord.ui.View(timeout=None)
    if record.offset > 0:
        view.add_item(PageButton("prev", record.id))
        view.add_item(PageButton("next", record.id, disabled=not has_more))
    elif has_more:
        view.add_item(PageButton("more", record.id))
    view.add_item(VoteButton(record.id, helpful=True))
    view.add_item(VoteButton(record.id, helpful=False))
    url = rendering.article_url(answer.results[0].passage.source) if answer.results else None
    if url is not None:
        view.add_item(discord.ui.Button(label=texts.BUTTON_OPEN_ARTICLE, url=url, row=0))
    ranks = [result.rank for result in answer.results]
    for index, rank in enumerate(ranks[:MAX_PASSAGE_BUTTONS]):
        view.add_item(FullPassageButton(record.id, index, rank))
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
