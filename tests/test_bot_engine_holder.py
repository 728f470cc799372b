"""``/reload`` semantics: questions in flight finish on the old index, later ones use the new."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.engine_holder import EngineHolder
from retrieval.models import Answer


@dataclass
class StubCorpus:
    sources: tuple[Any, ...] = ()
    passages: tuple[Any, ...] = ()
    problems: tuple[Any, ...] = ()


@dataclass
class StubEngine:
    name: str
    gate: threading.Event | None = None
    corpus: StubCorpus = field(default_factory=StubCorpus)

    quick_calls: list[bool] = field(default_factory=list)

    def answer(
        self,
        question: str,
        *,
        top_k: int | None = None,
        offset: int = 0,
        quick: bool = False,
        article: str | None = None,
    ) -> Answer:
        self.quick_calls.append(quick)
        if self.gate is not None:
            assert self.gate.wait(10)
        return Answer(question=question, answered=False, message=self.name)

    def passage(self, passage_id: str) -> None:
        return None

    def find_sources(self, text: str, limit: int = 25) -> list[Any]:
        return []


async def test_reload_swaps_while_a_question_is_in_flight() -> None:
    gate = threading.Event()
    built = iter([StubEngine("old", gate=gate), StubEngine("new")])
    holder = EngineHolder(lambda: next(built))
    try:
        await holder.load()
        old = holder.current
        assert old is not None
        in_flight = asyncio.create_task(holder.answer(old, "slow question"))
        await asyncio.sleep(0.05)
        report = await holder.load()  # builds off the loop while the old answer is running
        assert report.sources == 0
        new = holder.current
        assert new is not None
        assert new is not old
        gate.set()
        assert (await in_flight).message == "old"
        assert (await holder.answer(new, "later question")).message == "new"
    finally:
        holder.close()


async def test_concurrent_reloads_build_one_after_the_other() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def factory() -> StubEngine:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.05)
        with lock:
            running -= 1
        return StubEngine("e")

    holder = EngineHolder(factory)
    try:
        await asyncio.gather(holder.load(), holder.load(), holder.load())
    finally:
        holder.close()
    assert most == 1
    assert holder.ready.is_set()


async def test_a_question_that_waited_gets_a_quick_answer_but_never_a_later_page() -> None:
    gate = threading.Event()
    engine = StubEngine("e", gate=gate)
    holder = EngineHolder(lambda: engine, workers=1, quick_after=0.1)
    try:
        await holder.load()
        busy = asyncio.create_task(holder.answer(engine, "slow"))  # holds the only worker
        await asyncio.sleep(0.02)
        waited = asyncio.create_task(holder.answer(engine, "queued"))
        page = asyncio.create_task(holder.answer(engine, "slow", offset=3))
        await asyncio.sleep(0.2)  # both now waited longer than quick_after
        gate.set()
        await asyncio.gather(busy, waited, page)
        assert engine.quick_calls == [False, True, False]
        long_ago = time.monotonic() - 5  # asked_at: when it arrived, before any other wait
        await holder.answer(engine, "arrived earlier", asked_at=long_ago)
        await holder.answer(engine, "calm again")
        assert engine.quick_calls[-2:] == [True, False]
    finally:
        holder.close()


async def test_a_repeated_question_is_answered_once_and_never_worse_than_quick() -> None:
    gate = threading.Event()
    engine = StubEngine("e", gate=gate)
    holder = EngineHolder(lambda: engine, workers=1, quick_after=0.1)
    try:
        await holder.load()
        busy = asyncio.create_task(holder.answer(engine, "slow"))  # holds the only worker
        await asyncio.sleep(0.02)
        queued = [asyncio.create_task(holder.answer(engine, "burst")) for _ in range(3)]
        await asyncio.sleep(0.2)  # every copy has now waited long enough for a quick answer
        gate.set()
        await asyncio.gather(busy, *queued)
        assert engine.quick_calls == [False, True]  # the copies found the first one's answer
        await holder.answer(engine, "burst")  # not waiting: the quick answer is not enough
        await holder.answer(engine, "burst", asked_at=time.monotonic() - 5)  # the full one is
        assert engine.quick_calls == [False, True, False]
        await holder.answer(engine, "burst", top_k=5)  # another question for the engine
        assert engine.quick_calls == [False, True, False, False]
    finally:
        holder.close()


async def test_answers_kept_are_the_current_engines_only() -> None:
    built = iter([StubEngine("old"), StubEngine("new")])
    holder = EngineHolder(lambda: next(built))
    try:
        await holder.load()
        old = holder.current
        assert old is not None
        assert (await holder.answer(old, "q")).message == "old"
        await holder.load()
        new = holder.current
        assert new is not None
        assert (await holder.answer(new, "q")).message == "new"
        assert (await holder.answer(old, "q")).message == "old"  # in flight over a reload
        assert len(old.quick_calls) == 2  # the old engine's answer was not kept after the swap
    finally:
        holder.close()
