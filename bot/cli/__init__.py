"""The ``seedbot`` command: ask from a terminal, as JSON, chat, list sources, run the bot.

Everything here works with no Discord token, so anyone can try the answers on a
fresh machine and measure them. Terminal commands print no log records unless
``--log-level`` or ``SEEDBOT_LOG_LEVEL`` asks for them; what a user must know (a
skipped file, an index that cannot be saved) is a plain ``seedbot: ...`` line.

This module holds the parser and the error handling around every command; each command
lives in its own module (``ask``, ``chat``, ``sources``, ``start``, ``evaluate``, ``index``,
``votes``), whose heavy imports load only when that command runs.
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.cli.ask import cmd_ask, find_article, read_questions
from bot.cli.chat import CHAT_HELP, cmd_chat, run_chat
from bot.cli.errors import QUOTES_RANGE, UsageError, config_error
from bot.cli.evaluate import cmd_eval, with_progress
from bot.cli.index import cmd_index
from bot.cli.loading import check_corpus_folder, check_not_empty, load_articles, load_engine
from bot.cli.sources import cmd_sources
from bot.cli.start import cmd_run, cmd_start
from bot.cli.votes import cmd_feedback, cmd_stats
from bot.config import MAX_QUOTES, MIN_QUOTES, Settings

__all__ = [
    "CHAT_HELP",
    "LOG_LEVELS",
    "UsageError",
    "build_parser",
    "check_corpus_folder",
    "check_not_empty",
    "console",
    "find_article",
    "load_articles",
    "load_engine",
    "main",
    "quote_count",
    "read_questions",
    "run_chat",
    "with_progress",
]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"seedbot: {config_error(error)}", file=sys.stderr)
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


def console() -> int:
    """``seedbot`` and ``python -m bot``: ``main``, then an exit that does not walk the heap.

    At exit CPython collects every object once more before freeing them; with an index
    loaded, that walk is ~0.1 s of a one-question ``seedbot ask`` (0.71 -> 0.61 s with the
    models off at 100k passages, bench/RESULTS.md). ``gc.freeze`` moves them out of the
    collector's sight, and exit frees them all the same. Not in ``main``, which tests call
    in a process that goes on.
    """
    code = main()
    gc.freeze()
    return code


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
    index.add_argument(
        "--no-meaning",
        action="store_true",
        help="skip the meaning index of a large corpus (encoding takes ~1 s per 100 sentences)",
    )
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
