"""The one answering path: every entry point (``/ask``, mentions, replies, Q&A channels, the
answer buttons and the terminal chat) asks here, with plain data, and gets an ``Outcome``.

It owns what must happen the same way everywhere: the per-user cooldown, cleaning the text,
waiting for the articles, the concurrency slots, reading a reply as a follow-up of the answer
it replies to, keeping the engine that answered for whatever comes after, and storing the
answer record that the buttons and follow-ups read back. Nothing here knows Discord: the
cogs and views only turn events into ``Question`` objects and outcomes into messages
(importing this module imports no Discord code; ``tests/test_bot_answering.py`` checks it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from bot import texts
from bot.articles import find_article
from bot.cooldown import UserCooldown
from bot.engine_holder import AnswerEngine, EngineHolder
from bot.store import AnswerRecord, AnswerSaved, new_answer_id
from bot.store.guild_settings import GuildSettings
from bot.triggers import clean_question
from retrieval import messages as engine_messages
from retrieval.chatter import Chatter, chatter
from retrieval.follow_up import Reading, read_reply
from retrieval.models import Answer

log = logging.getLogger(__name__)

MAX_REMEMBERED_ARTICLES = 10_000
MAX_OFFSET = 100  # quotes past this are never a plausible answer: a forged page stops here


class Entry(StrEnum):
    """Where a question came from, which decides how chatter and waiting are treated."""

    COMMAND = "command"  # /ask: the asker waits on an acknowledged interaction
    MENTION = "mention"  # the bot is mentioned
    REPLY = "reply"  # a reply to one of the bot's messages
    DIRECT = "direct"  # a direct message
    THREAD = "thread"  # a message in a thread the bot answers in
    QA_CHANNEL = "qa_channel"  # a Q&A channel message not addressed to the bot
    BUTTON = "button"  # More results / Previous / Next
    CHAT = "chat"  # the terminal chat
    FIND = "find"  # "Find in the articles" on someone's message: searched, whatever it says

    @property
    def addressed(self) -> bool:
        """Said to the bot: chatter gets a short friendly reply rather than silence."""
        return self is not Entry.QA_CHANNEL


class OutcomeKind(StrEnum):
    QUOTES = "quotes"  # quotes, stored under ``record.id`` for the buttons
    REPLY = "reply"  # the engine's own sentence: nothing found, small talk, the article list
    CHATTER = "chatter"  # thanks, praise, laughter, an opinion…: a short friendly reply
    NO_MORE = "no_more"  # paging past the last plausible quote
    SILENT = "silent"  # chatter not addressed to the bot: no reply at all
    COOLDOWN = "cooldown"  # asking too fast; ``wait`` seconds
    EMPTY = "empty"  # nothing to search once mentions and control characters are gone
    NOT_READY = "not_ready"  # the articles could not be loaded
    NO_ARTICLE = "no_article"  # ``/ask article:`` names no article


@dataclass(frozen=True)
class Question:
    """A question as an entry point received it."""

    text: str
    asker_id: int
    entry: Entry
    previous: AnswerRecord | None = None  # the answer this message replies to
    top_k: int | None = None
    private: bool = False
    guild_id: int | None = None
    channel_id: int | None = None
    article: str | None = None  # search only this article (its file, or words of its title)
    asked_at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    question: str = ""  # as shown: a follow-up with its topic in brackets
    answer: Answer | None = None
    engine: AnswerEngine | None = None  # the engine that answered: use it for what follows
    record: AnswerRecord | None = None
    wait: float = 0.0
    offset: int = 0
    top_k: int = 0
    chatter: Chatter | None = None


@dataclass(frozen=True)
class Admitted:
    """A question past the checks, to be answered (see ``AnsweringService.admit``)."""

    question: Question
    shown: str
    search: str
    offset: int
    top_k: int


def chatter_reply(kind: Chatter | None) -> str:
    """The friendly reply to chatter said to the bot; greetings and thanks in the engine's
    own words, so every front end says the same."""
    if kind is Chatter.GREETING:
        return engine_messages.message_for(engine_messages.GREETING)
    if kind is Chatter.THANKS:
        return engine_messages.message_for(engine_messages.THANKS)
    return texts.CHATTER_REPLIES[str(kind or Chatter.EMOJI)]


class AnswerStore(Protocol):
    def save_answer(self, record: AnswerRecord) -> AnswerSaved: ...
    def get_answer(self, answer_id: str) -> AnswerRecord | None: ...


class ServerStore(Protocol):
    """Per-server settings and the question log (``bot.store.Store``): where a server's
    admins' choices come from, and where every question asked is counted."""

    @property
    def settings(self) -> GuildSettingsSource: ...
    def record_question(
        self,
        guild_id: int | None,
        channel_id: int | None,
        question: str,
        answered: bool,
        reason: str | None = None,
    ) -> bool: ...


class GuildSettingsSource(Protocol):
    def for_guild(self, guild_id: int | None) -> GuildSettings: ...


# Outcomes that are a question asked, counted in the question log (refusals of the
# cooldown, chatter, silence and pages of an answer are not questions).
LOGGED = frozenset({OutcomeKind.QUOTES, OutcomeKind.REPLY, OutcomeKind.NO_ARTICLE})


class MemoryAnswers:
    """Answer records for one process (the terminal chat), where nothing must outlive it."""

    def __init__(self) -> None:
        self._records: dict[str, AnswerRecord] = {}

    def save_answer(self, record: AnswerRecord) -> AnswerSaved:
        self._records[record.id] = record
        return AnswerSaved.SAVED

    def get_answer(self, answer_id: str) -> AnswerRecord | None:
        return self._records.get(answer_id)


class AnsweringService:
    """Checks, reads, answers and stores; see the module docstring."""

    def __init__(
        self,
        engines: EngineHolder,
        store: Callable[[], AnswerStore],
        *,
        cooldown: UserCooldown,
        concurrency: int,
        top_k: int,
        server_store: Callable[[], ServerStore] | None = None,
    ) -> None:
        self.engines = engines
        self._store = store
        self._server_store = server_store  # None: the environment's values, nothing logged
        self.cooldown = cooldown
        self._cooldowns: dict[float, UserCooldown] = {cooldown.per: cooldown}
        self.top_k = top_k
        # Answers in progress at once: under a burst, acknowledgements go out first and the
        # answers follow in order, instead of every step of every answer competing at once.
        self.slots = asyncio.Semaphore(concurrency)
        # The article an answer was restricted to, so its pages stay in it. In memory: the
        # stored record has no field for it yet, so after a restart a page searches all.
        self._articles: dict[str, str] = {}
        # The chatter checks, one at a time in a thread of their own: in a burst, a thread
        # each (asyncio's default pool) fought the event loop for the GIL and held back
        # every acknowledgement (bench.discord_latency --bot-process: acks max 1.45-1.61 s
        # in a pool of six, 0.93-0.95 s in one thread).
        self._checks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seedbot-chatter")

    def guild_settings(self, guild_id: int | None) -> GuildSettings | None:
        """The server's effective settings (its admins' choices over the environment's),
        at most a few seconds old; None without a server store (the terminal chat)."""
        if self._server_store is None:
            return None
        try:
            return self._server_store().settings.for_guild(guild_id)
        except Exception:  # never fail a question for its settings: the environment's apply
            log.exception("Could not read the settings of server %s", guild_id)
            return None

    def _cooldown_for(self, guild: GuildSettings | None) -> UserCooldown:
        """The per-user window with the server's cooldown (one per distinct length)."""
        per = self.cooldown.per if guild is None else guild.cooldown_seconds
        found = self._cooldowns.get(per)
        if found is None:
            found = self._cooldowns[per] = UserCooldown(self.cooldown.rate, per)
        return found

    async def admit(self, question: Question) -> Admitted | Outcome:
        """The cheap checks, on the loop and before anything is acknowledged: the cooldown
        and cleaning; then how the question is read. An ``Outcome`` means "say this now".

        The chatter recogniser runs the sentence model (up to ~70 ms), so it runs in its
        thread: on the loop it would hold up every other user's acknowledgement."""
        guild = self.guild_settings(question.guild_id)
        wait = self._cooldown_for(guild).retry_after(question.asker_id)
        if wait:
            return Outcome(OutcomeKind.COOLDOWN, wait=max(1.0, wait))
        text = clean_question(question.text)
        previous = question.previous
        default_top_k = self.top_k if guild is None else guild.quotes_per_answer
        top_k = question.top_k or (previous.top_k if previous else default_top_k)
        if not text:
            return Outcome(OutcomeKind.EMPTY)
        said = None
        if question.entry is not Entry.FIND:
            said = await asyncio.get_running_loop().run_in_executor(self._checks, chatter, text)
        if said is Chatter.STATEMENT and question.entry.addressed:
            said = None  # a claim said to the bot: quote what the articles say about it
        if said is not None:  # never searched, so it needs no articles and no slot
            if not question.entry.addressed:
                return Outcome(OutcomeKind.SILENT, question=text, chatter=said)
            return Outcome(OutcomeKind.CHATTER, question=text, chatter=said)
        if previous is None:
            return Admitted(question, text, text, 0, top_k)
        read = read_reply(previous.question, text)
        if read.reading is Reading.MORE:
            offset = previous.offset + previous.top_k
            return Admitted(question, previous.question, previous.question, offset, top_k)
        return Admitted(question, read.question, read.search, 0, top_k)

    async def answer(self, admitted: Admitted) -> Outcome:
        """``_answer``, then the question counted in the question log."""
        outcome = await self._answer(admitted)
        if admitted.question.entry is not Entry.BUTTON and outcome.kind in LOGGED:
            await self._log_question(admitted.question, outcome)
        return outcome

    async def _log_question(self, question: Question, outcome: Outcome) -> None:
        if self._server_store is None:
            return
        answer = outcome.answer
        answered = outcome.kind is OutcomeKind.QUOTES or (
            answer is not None and answer.reason == engine_messages.SOURCES
        )
        reason = None if answered else (answer.reason if answer else str(outcome.kind))
        try:
            await asyncio.to_thread(
                self._server_store().record_question,
                question.guild_id,
                question.channel_id,
                outcome.question or question.text,
                answered,
                reason,
            )
        except Exception:  # the log is insight: losing a line must not lose the answer
            log.exception("Could not log a question")

    async def _answer(self, admitted: Admitted) -> Outcome:
        """Wait for the articles if they are still loading, then answer in a slot."""
        engine = await self.engines.wait_until_loaded()
        if engine is None:
            return Outcome(OutcomeKind.NOT_READY)
        question = admitted.question
        article = None
        if question.article is not None:
            found = find_article(engine, question.article)
            if found is None:
                return Outcome(OutcomeKind.NO_ARTICLE, question=question.article)
            article = found.file
        async with self.slots:
            answer = await self.engines.answer(
                engine,
                admitted.search,
                top_k=admitted.top_k,
                offset=admitted.offset,
                asked_at=question.asked_at,
                article=article,
            )
            outcome = await self._outcome(admitted, engine, answer)
        if outcome.record is not None and article is not None:
            self._articles[outcome.record.id] = article
            while len(self._articles) > MAX_REMEMBERED_ARTICLES:
                del self._articles[next(iter(self._articles))]
        return outcome

    async def ask(self, question: Question) -> Outcome:
        """``admit`` then ``answer``, for entry points with nothing to do in between."""
        admitted = await self.admit(question)
        return admitted if isinstance(admitted, Outcome) else await self.answer(admitted)

    def page(self, record: AnswerRecord, user_id: int, offset: int) -> Admitted | Outcome:
        """The checks for a page of a stored answer (More results, Previous, Next)."""
        wait = self._cooldown_for(self.guild_settings(record.guild_id)).retry_after(user_id)
        if wait:
            return Outcome(OutcomeKind.COOLDOWN, wait=max(1.0, wait))
        if not 0 <= offset <= MAX_OFFSET:
            return Outcome(OutcomeKind.NO_MORE, question=record.question)
        question = Question(
            record.question,
            record.asker_id,
            Entry.BUTTON,
            top_k=record.top_k,
            private=record.private,
            guild_id=record.guild_id,
            channel_id=record.channel_id,
            article=self._articles.get(record.id),
        )
        return Admitted(question, record.question, record.question, offset, record.top_k)

    async def record(self, answer_id: str) -> AnswerRecord | None:
        """A stored answer, or None when it is unknown or the store fails (logged)."""
        try:
            return await asyncio.to_thread(self._store().get_answer, answer_id)
        except Exception:  # the store being down must not stop the reply being answered
            log.exception("Could not read answer %s", answer_id)
            return None

    async def _outcome(self, admitted: Admitted, engine: AnswerEngine, answer: Answer) -> Outcome:
        question = admitted.question
        said = Outcome(
            OutcomeKind.REPLY,
            question=admitted.shown,
            answer=answer,
            engine=engine,
            offset=admitted.offset,
            top_k=admitted.top_k,
        )
        if not question.entry.addressed and answer.reason in QUIET_UNLESS_ADDRESSED:
            return replace(said, kind=OutcomeKind.SILENT)
        if admitted.offset and not answer.results:
            return replace(said, kind=OutcomeKind.NO_MORE)
        if not answer.answered or not answer.results:
            return said
        record = AnswerRecord(
            id=new_answer_id(),
            question=admitted.shown,
            asker_id=question.asker_id,
            private=question.private,
            offset=admitted.offset,
            top_k=admitted.top_k,
            passage_ids=tuple(result.passage.id for result in answer.results),
            guild_id=question.guild_id,
            channel_id=question.channel_id,
        )
        saved = await asyncio.to_thread(self._store().save_answer, record)
        if saved is AnswerSaved.ID_TAKEN:  # another answer owns the id: the first keeps it
            record = replace(record, id=new_answer_id())
            await asyncio.to_thread(self._store().save_answer, record)
        return replace(said, kind=OutcomeKind.QUOTES, record=record)


# What the engine finds nothing to search in: in a Q&A channel, said to each other
# ("@everyone", a greeting the recogniser let through), not worth a "nothing found".
QUIET_UNLESS_ADDRESSED = frozenset(
    {
        engine_messages.EMPTY,
        engine_messages.NO_TERMS,
        engine_messages.GREETING,
        engine_messages.THANKS,
    }
)
