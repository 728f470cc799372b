"""``seedbot ask``: one question, or one per line of stdin, as text or JSON.

``--explain`` adds how the question was read and each signal against its threshold;
``--article`` answers from one article. A batch keeps going past a line that fails.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, BinaryIO, TextIO

from bot.cli.errors import UsageError
from bot.cli.loading import load_engine
from bot.config import Settings
from bot.json_lines import json_line
from bot.terminal import BOLD, RESET, printable, render_answer
from retrieval.models import Answer, Source

if TYPE_CHECKING:  # the engine's imports load only when a question is asked
    from retrieval.engine import Engine

log = logging.getLogger("seedbot")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.question == "-":
        engine = load_engine(settings, quiet=True)
        return _ask_batch(engine, _answerer(engine, args), args, sys.stdin.buffer, sys.stdout)
    from retrieval.fastbm25 import compiled

    with compiled.declining():  # one question: the numpy kernel ranks it sooner than numba loads
        engine = load_engine(settings, quiet=True)
        _print_answer(_answerer(engine, args)(args.question), args, sys.stdout, engine)
    return 0


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
    engine.wait_for_kernels()  # many questions: the compiled kernel from the first one
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
