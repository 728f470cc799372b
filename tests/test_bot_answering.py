"""The answering service alone, without Discord: checks, waiting, slots, follow-ups, records."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.answering import (
    AnsweringService,
    Entry,
    MemoryAnswers,
    Outcome,
    OutcomeKind,
    Question,
)
from bot.cooldown import UserCooldown
from bot.engine_holder import EngineHolder
from bot.store import AnswerRecord
from retrieval.chatter import Chatter
from retrieval.models import Answer, Excerpt, Passage, Result, Source
from tests.paths import ROOT

SOURCE = Source(file="a.txt", title="A")
PASSAGE = Passage(id="a.txt#p1.1", source=SOURCE, paragraph=1, sentences=("Ships sail.",))


@dataclass
class StubCorpus:
    sources: tuple[Any, ...] = (SOURCE,)
    passages: tuple[Any, ...] = (PASSAGE,)
    problems: tuple[Any, ...] = ()


@dataclass
class StubEngine:
    """Answers every question with one quote and records what it was asked."""

    asked: list[tuple[str, int]] = field(default_factory=list)
    gate: threading.Event | None = None
    running: int = 0
    most_running: int = 0
    corpus: StubCorpus = field(default_factory=StubCorpus)

    def answer(
        self,
        question: str,
        *,
        top_k: int | None = None,
        offset: int = 0,
        quick: bool = False,
        article: str | None = None,
    ) -> Answer:
        self.asked.append((question, offset))
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            if self.gate is not None:
                assert self.gate.wait(10)
            excerpt = Excerpt("Ships sail.", (), cut_before=False, cut_after=False)
            result = Result(rank=offset + 1, score=1.0, passage=PASSAGE, excerpt=excerpt)
            return Answer(question=question, answered=True, results=(result,), has_more=True)
        finally:
            self.running -= 1

    def passage(self, passage_id: str) -> Passage | None:
        return PASSAGE

    def find_sources(self, text: str, limit: int = 25) -> list[Source]:
        return []


def service(
    engine: StubEngine | None = None, *, concurrency: int = 8, rate: int = 100, workers: int = 1
) -> tuple[AnsweringService, EngineHolder, MemoryAnswers]:
    """The service over ``engine`` already loaded, or over one still to load."""
    if engine is None:
        holder = EngineHolder(StubEngine, workers=workers)
    else:
        holder = EngineHolder.holding(engine, workers=workers)
    store = MemoryAnswers()
    answering = AnsweringService(
        holder,
        lambda: store,
        cooldown=UserCooldown(rate=rate, per=60),
        concurrency=concurrency,
        top_k=3,
    )
    return answering, holder, store


async def test_a_question_is_answered_and_its_record_stored_with_the_engine_that_answered() -> None:
    engine = StubEngine()
    answering, holder, store = service(engine)
    outcome = await answering.ask(Question("Do ships sail?", 7, Entry.COMMAND, guild_id=1))
    assert outcome.kind is OutcomeKind.QUOTES
    assert outcome.engine is engine
    assert outcome.record is not None
    assert store.get_answer(outcome.record.id) == outcome.record
    assert (outcome.record.question, outcome.record.asker_id, outcome.record.guild_id) == (
        "Do ships sail?",
        7,
        1,
    )
    holder.close()


async def test_cooldown_empty_and_chatter_are_said_without_a_search() -> None:
    engine = StubEngine()
    answering, holder, _store = service(engine, rate=1)
    assert (
        await answering.ask(Question("\x00 \u200b", 1, Entry.MENTION))
    ).kind is OutcomeKind.EMPTY
    thanks = await answering.ask(Question("thanks!", 2, Entry.MENTION))
    assert (thanks.kind, thanks.chatter) == (OutcomeKind.CHATTER, Chatter.THANKS)
    silent = await answering.ask(Question("lol", 3, Entry.QA_CHANNEL))
    assert silent.kind is OutcomeKind.SILENT
    again = await answering.ask(Question("Do ships sail?", 2, Entry.MENTION))
    assert again.kind is OutcomeKind.COOLDOWN
    assert again.wait >= 1.0
    assert engine.asked == []
    holder.close()


async def test_a_question_waits_for_the_articles_and_is_answered_once_loaded() -> None:
    answering, holder, _store = service()
    waiting = asyncio.ensure_future(answering.ask(Question("Do ships sail?", 1, Entry.QA_CHANNEL)))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await holder.load()
    outcome = await asyncio.wait_for(waiting, 5)
    assert outcome.kind is OutcomeKind.QUOTES
    holder.close()


async def test_a_failed_load_turns_waiting_questions_away() -> None:
    def broken() -> StubEngine:
        raise OSError("disk gone")

    store = MemoryAnswers()
    holder = EngineHolder(broken)
    answering = AnsweringService(
        holder, lambda: store, cooldown=UserCooldown(9, 1), concurrency=1, top_k=3
    )
    waiting = asyncio.ensure_future(answering.ask(Question("Do ships sail?", 1, Entry.COMMAND)))
    with pytest.raises(OSError, match="disk gone"):
        await holder.load()
    assert (await asyncio.wait_for(waiting, 5)).kind is OutcomeKind.NOT_READY
    holder.close()


async def test_every_entry_takes_a_concurrency_slot() -> None:
    engine = StubEngine(gate=threading.Event())
    answering, holder, _store = service(engine, concurrency=1, workers=2)
    entries = (Entry.COMMAND, Entry.MENTION, Entry.QA_CHANNEL, Entry.REPLY)
    tasks = [
        asyncio.ensure_future(answering.ask(Question("Do ships sail?", n, entry)))
        for n, entry in enumerate(entries)
    ]
    await asyncio.sleep(0.2)
    assert engine.running == 1  # two answer threads, but one slot
    engine.gate.set()  # type: ignore[union-attr]
    outcomes = await asyncio.gather(*tasks)
    assert all(outcome.kind is OutcomeKind.QUOTES for outcome in outcomes)
    assert engine.most_running == 1
    holder.close()


def record(question: str, offset: int = 0) -> AnswerRecord:
    return AnswerRecord("0123456789ab", question, 1, False, offset, 3, ("a.txt#p1.1",))


@pytest.mark.parametrize(
    ("previous", "reply", "shown", "offset"),
    [
        ("Who is X?", "why did he go there?", "why did he go there? (Who is X?)", 0),
        ("why? (Who is X?)", "and when?", "and when? (Who is X?)", 0),  # one level only
        ("why? (Who is X?)", "tell me more", "why? (Who is X?)", 3),
        ("Who is X?", "Who signed the treaty?", "Who signed the treaty?", 0),
    ],
)
async def test_a_reply_is_read_with_the_one_question_it_answers(
    previous: str, reply: str, shown: str, offset: int
) -> None:
    engine = StubEngine()
    answering, holder, _store = service(engine)
    outcome = await answering.ask(Question(reply, 1, Entry.REPLY, previous=record(previous)))
    assert (outcome.question, outcome.offset) == (shown, offset)
    assert outcome.record is not None
    assert outcome.record.question == shown
    holder.close()


async def test_a_page_past_the_plausible_ones_is_refused() -> None:
    answering, holder, _store = service(StubEngine())
    refused = answering.page(record("Who is X?"), 1, 10_000)
    assert isinstance(refused, Outcome)
    assert refused.kind is OutcomeKind.NO_MORE
    holder.close()


def test_the_answering_service_imports_no_discord_code() -> None:
    code = (
        "import sys, bot.answering; "
        "print(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"
