"""``seedbot eval FILE``: answer quality on labelled questions, with floors CI can enforce.

The scoring is ``retrieval.evaluation``'s; here are the options, the progress bar on a
terminal, and the exit code (1 when a floor fails).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from bot.cli.errors import UsageError
from bot.cli.loading import load_engine
from bot.config import Settings
from bot.json_lines import dumps
from retrieval.models import Answer


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
