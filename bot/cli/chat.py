"""``seedbot chat``: questions and answers in the terminal, read exactly as on Discord.

The loop goes through the bot's answering service, so a follow-up, "more" and chatter
behave as they do in a channel; the service's imports load only when the chat starts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, TextIO

from bot.cli.loading import load_engine
from bot.config import Settings
from bot.terminal import render_answer, render_sources
from retrieval.follow_up import asks_for_more

if TYPE_CHECKING:  # the engine's and the chat's imports load only for the chat
    from bot.store import AnswerRecord
    from retrieval.engine import Engine

CHAT_HELP = """Ask a question and press Enter; a follow-up ("why?", "when was that?") is read
with the question before it. Commands:
  more      the next quotes for the last question (or "tell me more")
  sources   the articles I answer from
  help      this text
  quit      leave (Ctrl-D works too)"""


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    engine = load_engine(settings, quiet=True)
    return run_chat(engine, sys.stdin, sys.stdout)


def run_chat(engine: Engine, stream: TextIO, out: TextIO) -> int:
    """A question-and-answer loop through the bot's answering service, so a follow-up, "more"
    and chatter are read exactly as on Discord; 'more' pages through the last answer."""
    return asyncio.run(_chat(engine, stream, out))


async def _chat(engine: Engine, stream: TextIO, out: TextIO) -> int:
    from bot.answering import (
        AnsweringService,
        Entry,
        MemoryAnswers,
        OutcomeKind,
        Question,
        chatter_reply,
    )
    from bot.cooldown import UserCooldown
    from bot.engine_holder import EngineHolder
    from retrieval import messages as engine_messages

    ansi = out.isatty()
    interactive = stream.isatty()
    holder = EngineHolder.holding(engine)
    answers = MemoryAnswers()
    service = AnsweringService(
        holder,
        lambda: answers,
        cooldown=UserCooldown(rate=1, per=0),
        concurrency=1,
        top_k=engine.settings.top_k,
    )
    out.write(
        f"seedbot: {len(engine.sources)} articles loaded. Type a question, 'help' or 'quit'.\n"
    )
    last: AnswerRecord | None = None  # the answer the next line may follow up on
    try:
        while True:
            if interactive:
                out.write("\n> ")
                out.flush()
            line = stream.readline()
            if not line:
                return 0
            text = line.strip()
            command = text.lower()
            if command in {"quit", "exit", "q", "/quit"}:
                return 0
            if command in {"help", "/help", "?"}:
                out.write(CHAT_HELP + "\n")
                continue
            if command in {"sources", "/sources"}:
                out.write(render_sources(engine.sources) + "\n")
                continue
            if last is None and (command in {"more", "/more"} or asks_for_more(text)):
                out.write("Ask a question first.\n")
                continue
            outcome = await service.ask(Question(text.removeprefix("/"), 0, Entry.CHAT, last))
            if outcome.kind is OutcomeKind.EMPTY:
                out.write(engine_messages.message_for(engine_messages.EMPTY) + "\n")
                continue
            if outcome.kind is OutcomeKind.CHATTER:  # "thanks", "lol": a reply, no search
                out.write(chatter_reply(outcome.chatter) + "\n")
                continue
            if outcome.kind is OutcomeKind.NO_MORE or outcome.answer is None:
                out.write("There are no more quotes for this question.\n")
                continue
            if outcome.question not in (text, last.question if last else None):
                out.write(f"(read as: {outcome.question})\n")
            if outcome.record is not None:
                last = outcome.record
            out.write(render_answer(outcome.answer, ansi=ansi) + "\n")
            if outcome.answer.has_more:
                out.write("(type 'more' for further quotes)\n")
            out.flush()
    finally:
        holder.close()
