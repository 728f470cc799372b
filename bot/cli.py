"""The ``seedbot`` command: ask from a terminal, as JSON, chat, list sources, run the bot.

Everything here works with no Discord token, so anyone can try the answers on a
fresh machine and measure them. Terminal commands print no log records unless
``--log-level`` or ``SEEDBOT_LOG_LEVEL`` asks for them; what a user must know (a
skipped file, an index that cannot be saved) is a plain ``seedbot: ...`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from pydantic import ValidationError

from bot.config import MAX_QUOTES, MIN_QUOTES, Settings
from bot.json_lines import dumps, json_line
from bot.terminal import BOLD, RESET, printable, render_answer, render_sources
from retrieval.follow_up import asks_for_more
from retrieval.models import Answer, Source

if TYPE_CHECKING:  # the engine's and the chat's imports load only for the commands that use them
    from bot.store import AnswerRecord
    from retrieval.corpus import Corpus
    from retrieval.engine import Engine

log = logging.getLogger("seedbot")

CHAT_HELP = """Ask a question and press Enter; a follow-up ("why?", "when was that?") is read
with the question before it. Commands:
  more      the next quotes for the last question (or "tell me more")
  sources   the articles I answer from
  help      this text
  quit      leave (Ctrl-D works too)"""

QUOTES_RANGE = f"a whole number from {MIN_QUOTES} to {MAX_QUOTES}"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class UsageError(Exception):
    """A mistake the user can fix: printed as one ``seedbot:`` line, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"seedbot: {_config_error(error)}", file=sys.stderr)
        return 2
    corpus = getattr(args, "corpus", None)
    if corpus is not None:
        settings = settings.model_copy(update={"corpus_dir": corpus})
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        _set_up_logging(args, settings, for_terminal=not _runs_discord(handler, settings))
        if getattr(args, "json", False):
            _utf8_output(sys.stdout)
        return handler(args, settings)
    except UsageError as error:
        print(f"seedbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _runs_discord(handler: Callable[[argparse.Namespace, Settings], int], s: Settings) -> bool:
    return handler is cmd_run or (handler is cmd_start and bool(s.discord_token))


def _set_up_logging(args: argparse.Namespace, settings: Settings, *, for_terminal: bool) -> None:
    """Log records for the bot and for whoever asks; plain warning lines for everyone else."""
    asked = getattr(args, "log_level", None) or (
        settings.log_level if "log_level" in settings.model_fields_set else None
    )
    if asked is not None and str(asked).upper() not in LOG_LEVELS:
        raise UsageError(f"the log level must be one of {', '.join(LOG_LEVELS)}, not {asked!r}")
    if asked is None and for_terminal:
        plain = logging.StreamHandler(sys.stderr)
        plain.setFormatter(logging.Formatter("seedbot: %(message)s"))
        logging.basicConfig(level=logging.WARNING, handlers=[plain])
        return
    logging.basicConfig(
        level=str(asked or settings.log_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _utf8_output(stream: TextIO) -> None:
    """JSON is UTF-8 whatever the locale says; a character that cannot be written is escaped."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def quote_count(text: str) -> int:
    """``--top``'s type: the same range as SEEDBOT_TOP_K and ``/ask results:``."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not MIN_QUOTES <= value <= MAX_QUOTES:
        raise argparse.ArgumentTypeError(
            f"the number of quotes must be {QUOTES_RANGE}, not {text!r}"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="folder of articles (default: SEEDBOT_CORPUS_DIR or ./seeds)",
    )
    common.add_argument(
        "--log-level",
        default=argparse.SUPPRESS,
        metavar="LEVEL",
        help="show log records from LEVEL up: DEBUG, INFO, WARNING ... (default: none in the "
        "terminal commands, INFO for the bot)",
    )

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
        "--top",
        type=quote_count,
        default=None,
        metavar="N",
        help=f"how many quotes, {MIN_QUOTES}-{MAX_QUOTES} (default: SEEDBOT_TOP_K or 3)",
    )
    ask.add_argument(
        "--explain",
        action="store_true",
        help="show how the question was read, each signal against its threshold, and the verdict",
    )
    ask.add_argument(
        "--article",
        metavar="NAME",
        default=None,
        help="answer from one article only, named by its file name or title (see `seedbot sources`)",
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


def check_corpus_folder(folder: Path) -> None:
    """Fail in words before loading: a folder that is missing, not a folder, or unreadable."""
    where = printable(str(folder))
    fix = "pass --corpus DIR or set SEEDBOT_CORPUS_DIR to a folder of .txt, .md or .html articles"
    if not folder.exists():
        raise UsageError(f"the corpus folder {where} does not exist: {fix}")
    if not folder.is_dir():
        raise UsageError(f"{where} is not a folder: {fix}")
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(
            f"cannot read the corpus folder {where} ({reason}): let this user read it, or {fix}"
        ) from error


def check_not_empty(corpus: Corpus) -> None:
    """A folder with no article in it is an error, said as one line."""
    if corpus.sources:
        return
    where = printable(str(corpus.folder))
    if corpus.problems:
        raise UsageError(f"no article in {where} could be read (see the lines above)")
    raise UsageError(f"{where} holds no articles: add .txt, .md or .html files to it")


def report_problems(corpus: Corpus) -> None:
    """Name the files that were skipped, and why, and those that are not articles at all."""
    from retrieval.corpus import describe_ignored, ignored_files

    for problem in corpus.problems:
        print(f"seedbot: skipped {printable(problem.file)}: {problem.reason}", file=sys.stderr)
    ignored = describe_ignored(ignored_files(corpus.folder))
    if ignored:
        print(f"seedbot: {printable(ignored)}", file=sys.stderr)


def load_engine(settings: Settings, *, quiet: bool = False) -> Engine:
    """Load the corpus, saying which files were skipped and why; an empty one is an error."""
    from retrieval.engine import Engine

    check_corpus_folder(settings.corpus_dir)
    started = time.perf_counter()
    engine = Engine.from_folder(settings.corpus_dir, settings.engine_settings())
    report_problems(engine.corpus)
    check_not_empty(engine.corpus)
    log.log(
        logging.DEBUG if quiet else logging.INFO,
        "Loaded %d articles, %d passages from %s in %.2fs",
        len(engine.corpus.sources),
        len(engine.corpus.passages),
        settings.corpus_dir,
        time.perf_counter() - started,
    )
    return engine


def load_articles(settings: Settings) -> Corpus:
    """The articles alone, for commands that list them: no index, no models."""
    from retrieval.engine import INDEX_VERSION
    from retrieval.passage_store import load_corpus_cached

    check_corpus_folder(settings.corpus_dir)
    corpus, _ = load_corpus_cached(settings.corpus_dir, version=INDEX_VERSION)
    report_problems(corpus)
    check_not_empty(corpus)
    return corpus


def find_article(engine: Engine, name: str) -> Source:
    """The one article ``name`` stands for: an exact file name or title, else the only match."""
    found = engine.find_sources(name, limit=len(engine.sources))
    exact = [s for s in found if name.strip().casefold() in {s.file.casefold(), s.label.casefold()}]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise UsageError(f"no article is named {name!r}: `seedbot sources` lists them")
    shown = "; ".join(printable(s.label) for s in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise UsageError(f"{name!r} names {len(found)} articles ({shown}{more}): say which")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    engine = load_engine(settings, quiet=True)
    answer = _answerer(engine, args)
    if args.question == "-":
        return _ask_batch(engine, answer, args, sys.stdin.buffer, sys.stdout)
    _print_answer(answer(args.question), args, sys.stdout, engine)
    return 0


def _answerer(engine: Engine, args: argparse.Namespace) -> Callable[[str], Answer]:
    """``engine.answer`` with the command's options: the number of quotes, the article."""
    if args.article is None:
        return lambda question: engine.answer(question, top_k=args.top)
    import inspect

    source = find_article(engine, args.article)
    if "article" not in inspect.signature(engine.answer).parameters:
        raise UsageError("this version of the engine cannot answer from one article yet")
    options = {"top_k": args.top, "article": source.file}
    return lambda question: engine.answer(question, **options)  # type: ignore[arg-type]


def read_questions(stream: BinaryIO) -> Iterator[str]:
    """One question per line of ``stream``; bytes that are not UTF-8 become U+FFFD, so
    they never reach the output raw. Only ``\\n`` ends a line (not U+2028)."""
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _ask_batch(
    engine: Engine,
    answer: Callable[[str], Answer],
    args: argparse.Namespace,
    stream: BinaryIO,
    out: TextIO,
) -> int:
    """One answer per input line, in order; a bad line never stops the batch."""
    for number, question in enumerate(read_questions(stream), start=1):
        if not args.json:
            out.write(_question_header(question, number, ansi=out.isatty()))
        try:
            result = answer(question)
        except Exception as error:  # a bug must not lose the rest of the batch
            log.debug("Failed to answer %r", question[:200], exc_info=True)
            print(f"seedbot: line {number}: could not answer: {error!r}", file=sys.stderr)
            if args.json:
                row = {"question": question[:200], "answered": False, "results": []}
                out.write(json_line(row | {"reason": "error"}))
            continue
        _print_answer(result, args, out, engine)
        out.flush()
    return 0


def _question_header(question: str, number: int, *, ansi: bool) -> str:
    """What a plain-text batch prints before each answer, so a reader sees what was asked."""
    gap = "\n" if number > 1 else ""
    text = f"Q{number}: {printable(question)}"
    return f"{gap}{BOLD}{text}{RESET}\n" if ansi else f"{gap}{text}\n"


def _print_answer(answer: Answer, args: argparse.Namespace, out: TextIO, engine: Engine) -> None:
    if args.json:
        out.write(json_line(answer.to_json(explain=args.explain)))
        return
    out.write(render_answer(answer, ansi=out.isatty()) + "\n")
    if args.explain:
        from bot.explain_table import render_explanation

        out.write("\n" + render_explanation(answer, engine.settings) + "\n")


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    sources = load_articles(settings).sources
    if args.json:
        data = [
            source.to_json() | {"paragraphs": source.paragraphs, "characters": source.characters}
            for source in sources
        ]
        print(dumps(data, indent=2))
    else:
        print(render_sources(sources))
    return 0


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


def with_progress(
    answer: Callable[[str], Answer], total: int, stream: TextIO
) -> tuple[Callable[[str], Answer], Callable[[], None]]:
    """``answer`` that moves a progress bar on ``stream`` when it is a terminal, and the
    function that closes the bar; on a pipe or a file, ``answer`` itself and no output."""
    if not stream.isatty():
        return answer, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="questions", unit="q", file=stream)

    def answer_and_count(question: str) -> Answer:
        try:
            return answer(question)
        finally:
            bar.update(1)

    return answer_and_count, bar.close


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from retrieval import evaluation

    try:
        questions = evaluation.load_questions(args.file)
    except (OSError, ValueError) as error:
        print(f"seedbot: {error}", file=sys.stderr)
        return 2
    floors = _parse_floors(args.floor)
    engine = load_engine(settings, quiet=True)
    answer, close_bar = with_progress(
        lambda q: engine.answer(q, top_k=3), len(questions), sys.stderr
    )
    try:
        report = evaluation.evaluate(answer, questions)
    finally:
        close_bar()
    if args.json:
        print(dumps(report.to_json(), indent=2))
    else:
        print(evaluation.format_report(report, show_misses=args.misses))
    failures = evaluation.check_floors(report, floors)
    for failure in failures:
        print(f"FLOOR FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _parse_floors(given: Iterable[str]) -> dict[str, float]:
    """``--floor METRIC=VALUE`` options, checked before the slow part starts."""
    floors: dict[str, float] = {}
    for floor in given:
        name, _, value = floor.partition("=")
        try:
            floors[name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--floor takes METRIC=NUMBER, not {floor!r}") from None
    return floors


IN_MEMORY = "built in memory"  # Engine.index_status when the index could not be saved


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Build (or check) the saved index, so that the bot starts without building it."""
    from retrieval.engine import INDEX_VERSION, Engine
    from retrieval.fastbm25 import compiled
    from retrieval.index_cache import CACHE_DIRNAME
    from retrieval.passage_store import load_corpus_cached

    folder = settings.corpus_dir
    check_corpus_folder(folder)
    started = time.perf_counter()
    workers = os.cpu_count() or 1
    corpus, passages_status = load_corpus_cached(folder, version=INDEX_VERSION, workers=workers)
    report_problems(corpus)
    check_not_empty(corpus)
    engine_settings = replace(settings.engine_settings(), engine="fast", save_index=True)
    engine = Engine(corpus, engine_settings, progress=sys.stderr.isatty(), workers=workers)
    compiled.start_loading()  # FastBM25's kernels compiled and cached once (if not yet), so
    compiled.wait()  # that the next start, even a fresh install's first, only loads them
    where = printable(str(folder / CACHE_DIRNAME))
    status = str(getattr(engine.index_status, "value", engine.index_status))
    summary = (
        f"Index of {len(corpus.passages):,} passages from {len(corpus.sources):,} articles "
        f"{status} in {time.perf_counter() - started:.1f}s"
    )
    if status == IN_MEMORY:
        why = (
            f"{printable(str(folder))} is read-only"
            if not _writable(folder)
            else "see the line above"
        )
        print(
            f"{summary}: not saved, cannot write {where} ({why}). Make the folder writable "
            "and run `seedbot index` again; until then every start builds the index anew."
        )
        return 1
    passages = (
        f"passages {passages_status}"
        if passages_status
        else "a small corpus: its passages are read from the files at each start"
    )
    print(f"{summary}, saved in {where} ({passages}).")
    return 0


def _writable(folder: Path) -> bool:
    """Whether the index can be saved beside the articles (the folder, or its index folder)."""
    from retrieval.index_cache import CACHE_DIRNAME

    index = folder / CACHE_DIRNAME
    target = index if index.is_dir() else folder
    return os.access(target, os.W_OK | os.X_OK) and not _read_only_mount(target)


def _read_only_mount(path: Path) -> bool:
    """A read-only file system: os.access says "writable" to root there."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


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
        print(dumps(report.to_json()))
    else:
        print(render_text(report))
    return 0


def _config_error(error: ValidationError) -> str:
    """The first configuration mistake, named as the user set it (SEEDBOT_TOP_K=50)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    if not where:
        return f"invalid configuration: {first.get('msg')}"
    variable = (
        where.upper()
        if where.upper().startswith(("SEEDBOT_", "DISCORD_"))
        else f"SEEDBOT_{where.upper()}"
    )
    given = first.get("input")
    if where == "top_k":
        return f"the number of quotes must be {QUOTES_RANGE}, not {given!r} ({variable})"
    shown = f"={given}" if isinstance(given, str | int | float) and where else ""
    return f"invalid configuration {variable}{shown}: {first.get('msg')}"
