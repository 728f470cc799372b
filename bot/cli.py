"""The ``seedbot`` command: ask from a terminal, as JSON, chat, list sources, run the bot.

Everything here works with no Discord token, so anyone can try the answers on a
fresh machine and measure them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.answering import (
    AnsweringService,
    Entry,
    MemoryAnswers,
    OutcomeKind,
    Question,
    chatter_reply,
)
from bot.config import Settings
from bot.cooldown import UserCooldown
from bot.engine_holder import EngineHolder
from bot.feedback import AnswerRecord
from bot.terminal import render_answer, render_sources
from retrieval import messages as engine_messages
from retrieval.corpus import Corpus, describe_ignored, ignored_files
from retrieval.engine import INDEX_VERSION, Engine
from retrieval.follow_up import asks_for_more
from retrieval.models import Answer
from retrieval.passage_store import load_corpus_cached

log = logging.getLogger("seedbot")

CHAT_HELP = """Ask a question and press Enter; a follow-up ("why?", "when was that?") is read
with the question before it. Commands:
  more      the next quotes for the last question (or "tell me more")
  sources   the articles I answer from
  help      this text
  quit      leave (Ctrl-D works too)"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"seedbot: invalid configuration: {_first_error(error)}", file=sys.stderr)
        return 2
    corpus = getattr(args, "corpus", None)
    if corpus is not None:
        settings = settings.model_copy(update={"corpus_dir": corpus})
    logging.basicConfig(
        level=getattr(
            logging,
            str(getattr(args, "log_level", None) or settings.log_level).upper(),
            logging.INFO,
        ),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="folder of articles (default: SEEDBOT_CORPUS_DIR or ./seeds)",
    )
    common.add_argument("--log-level", default=argparse.SUPPRESS, help="DEBUG, INFO, WARNING ...")

    parser = argparse.ArgumentParser(
        prog="seedbot",
        parents=[common],
        description="Answers questions about a folder of articles with quoted, cited excerpts.",
    )
    # Only the handler: a default for --corpus here would be shared with every sub-command's
    # copy of the option (argparse parents share actions) and override "--corpus DIR cmd".
    parser.set_defaults(handler=cmd_start)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    start = commands.add_parser(
        "start",
        parents=[common],
        help="run the Discord bot if a token is set, else the terminal chat",
    )
    start.set_defaults(handler=cmd_start)

    ask = commands.add_parser("ask", parents=[common], help="answer one question (or many with -)")
    ask.add_argument(
        "question", help='the question, or "-" to read one question per line from stdin'
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--top", type=int, default=None, metavar="N", help="how many quotes (default 3)"
    )
    ask.add_argument(
        "--explain", action="store_true", help="show the query terms and why the top passage won"
    )
    ask.set_defaults(handler=cmd_ask)

    sources = commands.add_parser(
        "sources", parents=[common], help="list the articles and their metadata"
    )
    sources.add_argument("--json", action="store_true", help="print JSON")
    sources.set_defaults(handler=cmd_sources)

    chat = commands.add_parser("chat", parents=[common], help="an interactive chat in the terminal")
    chat.set_defaults(handler=cmd_chat)

    run = commands.add_parser(
        "run", parents=[common], help="start the Discord bot (needs DISCORD_TOKEN)"
    )
    run.add_argument(
        "--sync", action="store_true", help="sync slash commands with Discord on start"
    )
    run.set_defaults(handler=cmd_run)

    evaluate = commands.add_parser(
        "eval", parents=[common], help="measure answer quality on labelled questions"
    )
    evaluate.add_argument("file", type=Path, help="JSONL file of labelled questions")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(
        "--misses", action="store_true", help="list the questions answered wrongly"
    )
    evaluate.add_argument(
        "--floor",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="fail (exit 1) when METRIC falls below VALUE, e.g. --floor hit@1=0.9",
    )
    evaluate.set_defaults(handler=cmd_eval)

    index = commands.add_parser("index", parents=[common], help="build and save the search index")
    index.set_defaults(handler=cmd_index)

    feedback = commands.add_parser(
        "feedback", parents=[common], help="export the Helpful / Not helpful votes"
    )
    feedback.add_argument("action", choices=("export",), help="export: write every vote to stdout")
    feedback.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    feedback.set_defaults(handler=cmd_feedback)

    stats = commands.add_parser(
        "stats", parents=[common], help="questions asked, answered and declined; votes and reasons"
    )
    stats.add_argument("--days", type=int, default=7, metavar="N", help="the last N days (7)")
    stats.add_argument("--guild", type=int, default=None, metavar="ID", help="one server only")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.set_defaults(handler=cmd_stats)
    return parser


def report_problems(corpus: Corpus) -> None:
    """Name the files that were skipped, and why, and those that are not articles at all."""
    for problem in corpus.problems:
        print(f"seedbot: skipped {problem.file}: {problem.reason}", file=sys.stderr)
    ignored = describe_ignored(ignored_files(corpus.folder))
    if ignored:
        print(f"seedbot: {ignored}", file=sys.stderr)


def load_engine(settings: Settings, *, quiet: bool = False) -> Engine:
    """Load the corpus, saying which files were skipped and why."""
    started = time.perf_counter()
    engine = Engine.from_folder(settings.corpus_dir, settings.engine_settings())
    report_problems(engine.corpus)
    log.log(
        logging.DEBUG if quiet else logging.INFO,
        "Loaded %d articles, %d passages from %s in %.2fs",
        len(engine.corpus.sources),
        len(engine.corpus.passages),
        settings.corpus_dir,
        time.perf_counter() - started,
    )
    return engine


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    engine = load_engine(settings, quiet=True)
    if args.question == "-":
        return _ask_batch(engine, args, sys.stdin, sys.stdout)
    answer = engine.answer(args.question, top_k=args.top)
    _print_answer(answer, args, sys.stdout)
    return 0


def _ask_batch(engine: Engine, args: argparse.Namespace, stream: TextIO, out: TextIO) -> int:
    """One answer per input line, in order; a bad line never stops the batch."""
    for line in stream:
        question = line.rstrip("\r\n")
        try:
            answer = engine.answer(question, top_k=args.top)
        except Exception:  # a bug must not lose the rest of the batch
            log.exception("Failed to answer %r", question[:200])
            if args.json:
                out.write(
                    json.dumps(
                        {
                            "question": question[:200],
                            "answered": False,
                            "results": [],
                            "reason": "error",
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            continue
        _print_answer(answer, args, out)
        out.flush()
    return 0


def _print_answer(answer: Answer, args: argparse.Namespace, out: TextIO) -> None:
    if args.json:
        out.write(json.dumps(answer.to_json(explain=args.explain), ensure_ascii=False) + "\n")
        return
    out.write(render_answer(answer, ansi=out.isatty()) + "\n")
    if args.explain:
        out.write("\nWhy:\n" + json.dumps(answer.explanation, ensure_ascii=False, indent=2) + "\n")


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    engine = load_engine(settings, quiet=True)
    if args.json:
        data = [
            source.to_json() | {"paragraphs": source.paragraphs, "characters": source.characters}
            for source in engine.sources
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_sources(engine.sources))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    engine = load_engine(settings)
    return run_chat(engine, sys.stdin, sys.stdout)


def run_chat(engine: Engine, stream: TextIO, out: TextIO) -> int:
    """A question-and-answer loop through the bot's answering service, so a follow-up, "more"
    and chatter are read exactly as on Discord; 'more' pages through the last answer."""
    return asyncio.run(_chat(engine, stream, out))


async def _chat(engine: Engine, stream: TextIO, out: TextIO) -> int:
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


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    if settings.discord_token:
        return cmd_run(args, settings)
    print(
        "No DISCORD_TOKEN is set, so here is the terminal chat. "
        "Set DISCORD_TOKEN (environment or .env) to run the Discord bot.",
        file=sys.stderr,
    )
    return cmd_chat(args, settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_bot

    if getattr(args, "sync", False):
        settings = settings.model_copy(update={"sync_commands_on_start": True})
    return run_bot(settings)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from retrieval import evaluation

    try:
        questions = evaluation.load_questions(args.file)
    except (OSError, ValueError) as error:
        print(f"seedbot: {error}", file=sys.stderr)
        return 2
    engine = load_engine(settings, quiet=True)
    report = evaluation.evaluate(lambda q: engine.answer(q, top_k=3), questions)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(evaluation.format_report(report, show_misses=args.misses))
    floors: dict[str, float] = {}
    for floor in args.floor:
        name, _, value = floor.partition("=")
        try:
            floors[name.strip()] = float(value)
        except ValueError:
            print(f"seedbot: --floor takes METRIC=NUMBER, not {floor!r}", file=sys.stderr)
            return 2
    failures = evaluation.check_floors(report, floors)
    for failure in failures:
        print(f"FLOOR FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Build (or check) the saved index, so that the bot starts without building it."""
    started = time.perf_counter()
    workers = os.cpu_count() or 1
    corpus, passages_status = load_corpus_cached(
        settings.corpus_dir, version=INDEX_VERSION, workers=workers
    )
    report_problems(corpus)
    if not corpus.passages:
        print(f"seedbot: no passages to index in {settings.corpus_dir}", file=sys.stderr)
        return 1
    engine_settings = replace(settings.engine_settings(), engine="fast", save_index=True)
    engine = Engine(corpus, engine_settings, progress=True, workers=workers)
    print(
        f"Index of {len(corpus.passages):,} passages from {len(corpus.sources):,} articles "
        f"{engine.index_status} in {time.perf_counter() - started:.1f}s "
        f"({settings.corpus_dir / '.seedbot-index'}; passages {passages_status or 'not saved: small corpus'})."
    )
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import StoreUnavailable
    from bot.store.export import export_votes

    try:
        count = export_votes(settings, sys.stdout, args.format)
    except StoreUnavailable as error:
        print(f"seedbot: cannot read the vote database: {error}", file=sys.stderr)
        return 1
    print(f"seedbot: exported {count} votes from {settings.feedback_db}", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from bot.stats import build_report, render_text
    from bot.store import StoreUnavailable, open_store

    if args.days < 1:
        print("seedbot: --days must be at least 1", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        report = build_report(store, days=args.days, guild_id=args.guild)
    except StoreUnavailable as error:
        print(f"seedbot: cannot read the database: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(render_text(report))
    return 0


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first.get('msg')}"
