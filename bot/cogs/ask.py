"""Asking: ``/ask`` and questions in channels (mentions, replies to the bot, Q&A channels)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import messages
from bot.components import answer_id_of, prepare_answer
from bot.feedback import AnswerRecord
from bot.rendering import plain_text
from bot.replies import reply_privately
from bot.triggers import MessageFacts, clean_question, question_from_message
from retrieval import messages as engine_messages
from retrieval.follow_up import asks_for_more, with_context

if TYPE_CHECKING:
    from bot.client import SeedBot

log = logging.getLogger(__name__)

ANSWERED_MESSAGE_TYPES = (discord.MessageType.default, discord.MessageType.reply)
# What a Q&A channel's members say to each other: answered only when said to the bot.
QUIET_UNLESS_ADDRESSED = frozenset({engine_messages.EMPTY, engine_messages.NO_TERMS}) | (
    engine_messages.SMALL_TALK
)


def message_facts(message: discord.Message, bot_id: int) -> MessageFacts:
    """The parts of a message ``question_from_message`` decides on."""
    resolved = message.reference.resolved if message.reference else None
    channel = message.channel
    return MessageFacts(
        author_id=message.author.id,
        author_is_bot=message.author.bot or message.webhook_id is not None or message.author.system,
        content=message.content,
        channel_id=channel.id,
        mentions_bot=any(user.id == bot_id for user in message.mentions),
        replies_to_bot=isinstance(resolved, discord.Message) and resolved.author.id == bot_id,
        parent_channel_id=channel.parent_id if isinstance(channel, discord.Thread) else None,
        direct=isinstance(channel, discord.DMChannel),
    )


class Ask(commands.Cog):
    def __init__(self, bot: SeedBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask", description=messages.ASK_DESCRIPTION)
    @app_commands.describe(
        question=messages.ASK_QUESTION_HELP,
        results=messages.ASK_RESULTS_HELP,
        private=messages.ASK_PRIVATE_HELP,
    )
    async def ask(
        self,
        interaction: discord.Interaction[SeedBot],
        question: str,
        results: app_commands.Range[int, 1, 10] | None = None,
        private: bool = False,
    ) -> None:
        asked_at = time.monotonic()
        wait = self.bot.cooldown.retry_after(interaction.user.id)
        if wait:
            await reply_privately(interaction, messages.COOLDOWN.format(seconds=max(1.0, wait)))
            return
        text = clean_question(question)
        if not text:
            await reply_privately(interaction, messages.EMPTY_QUESTION)
            return
        engine = self.bot.engines.current
        if engine is None:
            await reply_privately(interaction, messages.NOT_READY)
            return
        await interaction.response.defer(thinking=True, ephemeral=private)
        top_k = results or self.bot.settings.top_k
        async with self.bot.answer_slots:
            answer = await self.bot.engines.answer(engine, text, top_k=top_k, asked_at=asked_at)
            embed, view = await prepare_answer(
                self.bot,
                answer,
                question=text,
                asker_id=interaction.user.id,
                private=private,
                offset=0,
                top_k=top_k,
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
            )
            await interaction.followup.send(
                embed=embed, view=view or discord.utils.MISSING, ephemeral=private
            )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.type not in ANSWERED_MESSAGE_TYPES:
            return
        facts = message_facts(message, me.id)
        question = question_from_message(
            facts, bot_id=me.id, qa_channel_ids=self.bot.settings.qa_channel_ids
        )
        if question is None:
            return
        try:
            if not question and not facts.mentions_bot and not self.bot.intents.message_content:
                # Discord hid the text of this reply from us; say how to be heard.
                await message.reply(plain_text(messages.REPLY_UNREADABLE))
                return
            addressed = facts.mentions_bot or facts.replies_to_bot or facts.direct
            previous = await self._answer_replied_to(message) if facts.replies_to_bot else None
            await self._answer_message(message, question, addressed=addressed, previous=previous)
        except Exception:
            log.exception("Error answering message %s", message.id)
            try:
                await message.reply(plain_text(messages.ERROR))
            except discord.HTTPException:
                log.exception("Could not send the apology for message %s", message.id)

    async def _answer_replied_to(self, message: discord.Message) -> AnswerRecord | None:
        """The answer a reply to the bot answers back to, as stored when it was sent."""
        replied = message.reference.resolved if message.reference else None
        answer_id = answer_id_of(replied) if isinstance(replied, discord.Message) else None
        if answer_id is None:
            return None
        try:
            return await asyncio.to_thread(self.bot.feedback.get_answer, answer_id)
        except Exception:  # the store being down must not stop the reply being answered
            log.exception("Could not read answer %s; answering the reply on its own", answer_id)
            return None

    async def _answer_message(
        self,
        message: discord.Message,
        question: str,
        *,
        addressed: bool,
        previous: AnswerRecord | None = None,
    ) -> None:
        """Reply to a channel message; in a Q&A channel, chatter not addressed to the bot
        ("lol", "thanks!", an emoji) gets no reply rather than a "nothing found".

        A reply to an earlier answer may lean on its question ("why did he go there?"), which
        is then searched with it, or ask for its next quotes ("tell me more").
        """
        asked_at = time.monotonic()
        offset, top_k = 0, self.bot.settings.top_k
        if previous is not None and question:
            if asks_for_more(question):
                question = previous.question
                offset, top_k = previous.offset + previous.top_k, previous.top_k
            else:
                question = with_context(previous.question, question)
        wait = self.bot.cooldown.retry_after(message.author.id)
        if wait:
            await message.reply(plain_text(messages.COOLDOWN.format(seconds=max(1.0, wait))))
            return
        if not question:
            await message.reply(plain_text(messages.EMPTY_QUESTION))
            return
        engine = self.bot.engines.current
        if engine is None:
            await message.reply(plain_text(messages.NOT_READY))
            return
        if addressed:
            async with message.channel.typing():
                answer = await self.bot.engines.answer(
                    engine, question, top_k=top_k, offset=offset, asked_at=asked_at
                )
        else:
            answer = await self.bot.engines.answer(
                engine, question, top_k=top_k, offset=offset, asked_at=asked_at
            )
            if answer.reason in QUIET_UNLESS_ADDRESSED:
                return
        if offset and not answer.results:
            await message.reply(plain_text(messages.NO_MORE_RESULTS))
            return
        embed, view = await prepare_answer(
            self.bot,
            answer,
            question=question,
            asker_id=message.author.id,
            private=False,
            offset=offset,
            top_k=top_k,
            guild_id=message.guild.id if message.guild else None,
            channel_id=message.channel.id,
        )
        await message.reply(embed=embed, view=view or discord.utils.MISSING)


async def setup(bot: SeedBot) -> None:
    await bot.add_cog(Ask(bot))
