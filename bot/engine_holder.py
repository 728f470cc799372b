"""The answer engine the bot uses, behind one reference that ``/reload`` swaps atomically.

A question takes ``holder.current`` once and keeps that engine until it is answered, so
questions in flight finish on the old index while later ones use the new one. Building
happens in a worker thread: the gateway heartbeat never waits for the index.

The current engine's answers are kept (``AnswerMemo``): the engine is pure once built, so
the same question asked again (a burst after an announcement, a retry) costs a look-up
instead of a ranking on the answer pool, where it would queue behind every other question.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from cachetools import LRUCache

from retrieval.models import Answer, Passage, Source

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)


class LoadProblemLike(Protocol):
    @property
    def file(self) -> str: ...
    @property
    def reason(self) -> str: ...


class CorpusLike(Protocol):
    @property
    def sources(self) -> Sequence[Source]: ...
    @property
    def passages(self) -> Sequence[Passage]: ...
    @property
    def problems(self) -> Sequence[LoadProblemLike]: ...


class AnswerEngine(Protocol):
    """What the bot needs of ``retrieval.engine.Engine`` (kept narrow so tests can stand in)."""

    @property
    def corpus(self) -> CorpusLike: ...
    def answer(
        self,
        question: str,
        *,
        top_k: int | None = None,
        offset: int = 0,
        quick: bool = False,
        article: str | None = None,  # a Source.file: search that article only
    ) -> Answer: ...
    def passage(self, passage_id: str) -> Passage | None: ...
    def find_sources(self, text: str, limit: int = 25) -> list[Source]: ...


EngineFactory = Callable[[], AnswerEngine]


@dataclass(frozen=True)
class LoadReport:
    sources: int
    passages: int
    problems: tuple[str, ...]
    seconds: float


ANSWER_MEMO_SIZE: Final = 2_000  # answers of the current engine kept (each a few kB)

# (question, top_k, offset, article): what an answer of one engine depends on.
AnswerKey = tuple[str, int | None, int, str | None]


class AnswerMemo:
    """The answers one engine gave, so a repeated question is not ranked again.

    A full answer (the cross-encoder read) serves every later ask of the same question;
    a quick one only asks that would be quick too, so a memo never makes an answer worse
    than it would have been. Thread-safe: the answer pool's workers share it.
    """

    def __init__(self, engine: AnswerEngine | None, size: int = ANSWER_MEMO_SIZE) -> None:
        self.engine = engine
        self._answers: LRUCache[AnswerKey, tuple[Answer, bool]] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: AnswerKey, *, quick: bool) -> Answer | None:
        with self._lock:
            found = self._answers.get(key)
        if found is None:
            return None
        answer, was_quick = found
        return answer if quick or not was_quick else None

    def put(self, key: AnswerKey, answer: Answer, *, quick: bool) -> None:
        with self._lock:
            known = self._answers.get(key)
            if known is None or known[1]:  # a full answer is never replaced by a quick one
                self._answers[key] = (answer, quick)


class EngineHolder:
    """Owns the current engine; ``load`` builds a new one off the loop, then swaps it in.

    Ranking is CPU-bound Python: more threads than cores would only fight over the GIL and
    starve the event loop (acknowledgements, heartbeats). ``answer`` therefore runs on a
    small dedicated pool, so a burst of questions queues there while the loop stays free.
    """

    def __init__(self, factory: EngineFactory, workers: int = 1, quick_after: float = 1.0) -> None:
        self._factory = factory
        self._quick_after = quick_after  # seconds a question may wait before a quick answer
        self._current: AnswerEngine | None = None
        self._memo = AnswerMemo(None)  # the current engine's answers; replaced on a swap
        self._reload_lock = asyncio.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="seedbot-answer")
        self.ready = asyncio.Event()  # set once an engine is in place
        self._settled = asyncio.Event()  # set once the first load succeeded or failed

    @classmethod
    def holding(cls, engine: AnswerEngine, workers: int = 1) -> EngineHolder:
        """A holder of an engine already built (the terminal chat)."""
        holder = cls(lambda: engine, workers=workers)
        holder._current = engine
        holder._memo = AnswerMemo(engine)
        holder.ready.set()
        holder._settled.set()
        return holder

    async def answer(
        self,
        engine: AnswerEngine,
        question: str,
        *,
        top_k: int | None = None,
        offset: int = 0,
        asked_at: float | None = None,
        article: str | None = None,
    ) -> Answer:
        """``engine.answer`` on the answer pool; pass the engine taken when the question came.

        A question that has already waited ``quick_after`` seconds since ``asked_at`` (its
        ``time.monotonic()`` on arrival; by default, now) is answered without the
        cross-encoder, so a burst clears in seconds instead of queueing for minutes. Later
        pages ("tell me more") never are: they continue the first page's order. A question
        the current engine has answered already is looked up (``AnswerMemo``) in the worker,
        so the copies of a question queued in a burst all find the first one's answer.
        """
        loop = asyncio.get_running_loop()
        since = time.monotonic() if asked_at is None else asked_at
        memo = self._memo if self._memo.engine is engine else None  # not an old engine's
        key: AnswerKey = (question, top_k, offset, article)

        def run() -> Answer:
            quick = offset == 0 and time.monotonic() - since > self._quick_after
            known = memo.get(key, quick=quick) if memo is not None else None
            if known is not None:
                return known
            answer = engine.answer(
                question, top_k=top_k, offset=offset, quick=quick, article=article
            )
            if memo is not None:
                memo.put(key, answer, quick=quick)
            return answer

        return await loop.run_in_executor(self._pool, run)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def current(self) -> AnswerEngine | None:
        return self._current

    async def wait_until_loaded(self) -> AnswerEngine | None:
        """The current engine, once the first load has finished; None if it failed.

        A question that arrives while the articles load waits here instead of being turned
        away, and is answered as soon as they are in.
        """
        if self._current is None:
            await self._settled.wait()
        return self._current

    async def load(self) -> LoadReport:
        """Build and swap; concurrent reloads queue instead of building twice at once."""
        async with self._reload_lock:
            started = time.perf_counter()
            try:
                engine = await asyncio.to_thread(self._factory)
            finally:
                self._settled.set()  # waiting questions get "not ready" rather than wait forever
            self._memo = AnswerMemo(engine)  # before the swap: no answer of the old one in it
            self._current = engine  # a single assignment: atomic for every reader
            self.ready.set()
            corpus = engine.corpus
            report = LoadReport(
                sources=len(corpus.sources),
                passages=len(corpus.passages),
                problems=tuple(f"{problem.file} ({problem.reason})" for problem in corpus.problems)
                + _ignored(getattr(corpus, "folder", None)),
                seconds=time.perf_counter() - started,
            )
            log.info(
                "Corpus loaded: %d articles, %d passages, %d skipped files in %.2f s",
                report.sources,
                report.passages,
                len(report.problems),
                report.seconds,
            )
            return report


def _ignored(folder: Path | None) -> tuple[str, ...]:
    """The files in the corpus folder that are not articles, as one line for /reload."""
    from retrieval.corpus import describe_ignored, ignored_files

    if folder is None:
        return ()
    line = describe_ignored(ignored_files(folder))
    return (line,) if line else ()


def default_engine_factory(settings: Settings) -> EngineFactory:
    """The real engine over the configured folder; imported lazily so tests can stand in."""

    def build() -> AnswerEngine:
        from retrieval.engine import build_engine

        engine = build_engine(Path(settings.corpus_dir), settings.engine_settings())
        engine.warm_up()  # so the first question after a start or /reload waits no longer
        return engine

    return build
