"""The bot's regular expressions cannot backtrack catastrophically: checked by their shape.

Backtracking blows up when a repeat holds another repeat (``(a+)+``, ``(\\w+\\s?)*``) or
when two unbounded repeats can trade the same characters (discord.py's ``\\[.+\\]\\(.+\\)``,
which stalled the bot). The patterns that see user or article text in ``bot/`` are kept to
shapes that cannot: no repeat inside a repeat, at most one unbounded repeat, and that one
a single character class. Timings of every pattern (``retrieval/``
too) on crafted inputs are in ``bench/regex_audit.py``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot import components, markup, triggers

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
SINGLE_CHARACTER = {
    sre_constants.LITERAL,
    sre_constants.NOT_LITERAL,
    sre_constants.IN,
    sre_constants.ANY,
    sre_constants.CATEGORY,
}


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = [
        (f"{module.__name__}.{name}", value)
        for module in (markup, components)
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern)
    ]
    return [*found, ("bot.triggers._mention_pattern", triggers._mention_pattern(123))]


def shape_problems(parsed: Any) -> list[str]:
    problems = _nested(parsed)
    if _unbounded(parsed) > 1:
        problems.append("two unbounded repeats, which can trade characters")
    return problems


def _unbounded(parsed: Any) -> int:
    count = 0
    for op, argument in parsed:
        if op in REPEATS:
            count += argument[1] == sre_constants.MAXREPEAT
            count += _unbounded(argument[2])
        elif op == sre_constants.SUBPATTERN:
            count += _unbounded(argument[-1])
        elif op == sre_constants.BRANCH:
            count += sum(_unbounded(branch) for branch in argument[1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            count += _unbounded(argument[1])
    return count


def _nested(parsed: Any, inside_repeat: bool = False) -> list[str]:
    problems = []
    for op, argument in parsed:
        if op in REPEATS:
            _low, high, body = argument
            if inside_repeat:
                problems.append("a repeat inside a repeat")
            unbounded = high == sre_constants.MAXREPEAT
            single = len(body) == 1 and body[0][0] in SINGLE_CHARACTER
            if unbounded and not single:
                problems.append("an unbounded repeat of more than one character class")
            problems += _nested(body, inside_repeat=True)
        elif op == sre_constants.SUBPATTERN:
            problems += _nested(argument[-1], inside_repeat)
        elif op == sre_constants.BRANCH:
            for branch in argument[1]:
                problems += _nested(branch, inside_repeat)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            problems += _nested(argument[1], inside_repeat)
    return problems


@pytest.mark.parametrize(("name", "pattern"), patterns(), ids=lambda value: str(value)[:40])
def test_bot_patterns_have_no_backtracking_shape(name: str, pattern: re.Pattern[str]) -> None:
    assert shape_problems(sre_parse.parse(pattern.pattern, pattern.flags)) == [], name


def test_the_shape_check_catches_the_pattern_that_stalled_the_bot() -> None:
    # discord.py's masked-link pattern, and classic nested repeats.
    assert shape_problems(sre_parse.parse(r"\[.+\]\(.+\)"))
    assert shape_problems(sre_parse.parse(r"(a+)+$"))
    assert shape_problems(sre_parse.parse(r"(?:\w+\s?)*x"))


def test_the_escaper_is_linear_on_the_stalling_question() -> None:
    # Structural twin of the timing in bench/regex_audit.py: the escaped stalling question
    # is each character once, with its one backslash.
    question = "[" * 1333 + "](" * 1333
    assert markup.escape_markup(question) == "\\[" * 1333 + "\\](" * 1333
