"""Asking: ``/ask`` and questions in channels (mentions, replies to the bot, Q&A channels).

Only translation lives here: a Discord event becomes a ``Question`` for the answering
service (``bot.answering``), and its ``Outcome`` becomes a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Collection
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.answering import Entry, Outcome, OutcomeKind, Question
from bot.autocomplete import article_autocomplete
from bot.channel_rules import ChannelRules, channel_rules
from bot.components import answer_id_of, present
from bot.config import MAX_QUOTES, MIN_QUOTES
from bot.forum import is_forum_post, post_question
from bot.limits import ACK_CHECKS_SECONDS
from bot.rendering import plain_text
from bot.replies import reply_privately
from bot.services import BotServices
from bot.store import AnswerRecord
from bot.threads import ThreadAnswers, is_answer_thread, open_thread, wants_thread
from bot.triggers import MessageFacts, question_from_message

log = logging.getLogger(__name__)

ANSWERED_MESSAGE_TYPES = (discord.MessageType.default, discord.MessageType.reply)
# Outcomes that get their own thread in a channel set for threads (chatter and refusals
# are answered in place).
ANSWERS = frozenset({OutcomeKind.QUOTES, OutcomeKind.REPLY})


def message_facts(
    message: discord.Message, bot_id: int, thread_channel_ids: Collection[int] = ()
) -> MessageFacts:
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
        in_answer_thread=is_answer_thread(channel, bot_id, thread_channel_ids),
    )


def entry_of(facts: MessageFacts) -> Entry:
    if facts.mentions_bot:
        return Entry.MENTION
    if facts.replies_to_bot:
        return Entry.REPLY
    if facts.direct:
        return Entry.DIRECT
    if facts.in_answer_thread:
        return Entry.THREAD
    return Entry.QA_CHANNEL


class Ask(commands.Cog):
    def __init__(self, bot: BotServices) -> None:
        self.bot = bot
        self.threads = ThreadAnswers()

    @app_commands.command(name="ask", description=texts.ASK_DESCRIPTION)
    @app_commands.describe(
        question=texts.ASK_QUESTION_HELP,
        results=texts.ASK_RESULTS_HELP,
        private=texts.ASK_PRIVATE_HELP,
        article=texts.ASK_ARTICLE_HELP,
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: str,
        results: app_commands.Range[int, MIN_QUOTES, MAX_QUOTES] | None = None,
        private: bool | None = None,
        article: str | None = None,
    ) -> None:
        answering = self.bot.answering
        if private is None:  # the server's choice (/settings private), else the environment's
            guild = answering.guild_settings(interaction.guild_id)
            private = self.bot.settings.answers_private if guild is None else guild.answers_private
        admission = asyncio.ensure_future(
            answering.admit(
                Question(
                    question,
                    interaction.user.id,
                    Entry.COMMAND,
                    top_k=results,
                    private=private,
                    guild_id=interaction.guild_id,
                    channel_id=interaction.channel_id,
                    article=article,
                )
            )
        )
        try:  # a reply to chatter at once when the checks are quick; "thinking…" otherwise
            admitted = await asyncio.wait_for(asyncio.shield(admission), ACK_CHECKS_SECONDS)
        except TimeoutError:
            await interaction.response.defer(thinking=True, ephemeral=private)
            admitted = await admission
        if isinstance(admitted, Outcome):  # a refusal, or a reply to chatter
            reply = present(admitted)
            if reply is None or reply.embed is None:
                await reply_privately(interaction, (reply and reply.content) or texts.ERROR)
            elif interaction.response.is_done():
                await interaction.followup.send(**reply.send_options(), ephemeral=private)
            else:
                await interaction.response.send_message(**reply.send_options(), ephemeral=private)
            return
        if not interaction.response.is_done():  # acknowledged, even while the articles load
            await interaction.response.defer(thinking=True, ephemeral=private)
        outcome = await answering.answer(admitted)
        reply = present(outcome)
        if reply is None:  # never for /ask, which is always addressed to the bot
            return
        await interaction.followup.send(**reply.send_options(), ephemeral=private)

    @ask.autocomplete("article")
    async def complete_article(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return article_autocomplete(self.bot.engines.current, current)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.type not in ANSWERED_MESSAGE_TYPES:
            return
        rules = self._rules(message)
        facts = message_facts(message, me.id, rules.thread_channel_ids)
        text = question_from_message(facts, bot_id=me.id, qa_channel_ids=rules.qa_channel_ids)
        if text is None:
            return
        text = post_question(message, text)
        try:
            if not text and not facts.mentions_bot and not self.bot.intents.message_content:
                # Discord hid the text of this reply from us; say how to be heard.
                await message.reply(plain_text(texts.REPLY_UNREADABLE))
                return
            previous = await self._previous_answer(message, facts)
            await self._answer_message(message, text, entry_of(facts), previous)
        except Exception:
            log.exception("Error answering message %s", message.id)
            try:
                await message.reply(plain_text(texts.ERROR))
            except discord.HTTPException:
                log.exception("Could not send the apology for message %s", message.id)

    def _rules(self, message: discord.Message) -> ChannelRules:
        """This server's Q&A and thread channels (``/settings`` over the environment)."""
        guild = self.bot.answering.guild_settings(message.guild.id if message.guild else None)
        env = self.bot.settings
        return channel_rules(guild, env.qa_channel_ids, env.thread_channel_ids)

    async def _previous_answer(
        self, message: discord.Message, facts: MessageFacts
    ) -> AnswerRecord | None:
        """The answer a message follows up on: the one it replies to, else, in an answer
        thread, the thread's last answer."""
        answer_id = None
        replied = message.reference.resolved if message.reference else None
        if facts.replies_to_bot and isinstance(replied, discord.Message):
            answer_id = answer_id_of(replied)
        if answer_id is None and (facts.in_answer_thread or is_forum_post(message.channel)):
            answer_id = self.threads.last(message.channel.id)
        if answer_id is None:
            return None
        return await self.bot.answering.record(answer_id)

    async def _answer_message(
        self,
        message: discord.Message,
        text: str,
        entry: Entry,
        previous: AnswerRecord | None,
    ) -> None:
        """Reply to a channel message (see ``bot.answering`` for what is answered how)."""
        answering = self.bot.answering
        admitted = await answering.admit(
            Question(
                text,
                message.author.id,
                entry,
                previous=previous,
                guild_id=message.guild.id if message.guild else None,
                channel_id=message.channel.id,
            )
        )
        if isinstance(admitted, Outcome):
            outcome = admitted
        else:
            typing = message.channel.typing() if entry.addressed else _nothing()
            async with typing:
                outcome = await answering.answer(admitted)
        reply = present(outcome)
        if reply is None:
            return
        thread = None
        if outcome.kind in ANSWERS and wants_thread(
            message.channel, self._rules(message).thread_channel_ids
        ):
            thread = await open_thread(message, outcome.question)
        elif isinstance(message.channel, discord.Thread):
            thread = message.channel
        # Remembered before it is sent, so a quick follow-up already leans on it.
        if outcome.record is not None and thread is not None:
            self.threads.remember(thread.id, outcome.record.id)
        if thread is not None and thread is not message.channel:
            await thread.send(**reply.send_options())
        else:
            await message.reply(**reply.send_options())


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(cast(BotServices, bot)))
