"""The linear-time escaper: what Discord would read as markup or a mention shows literally."""

from __future__ import annotations

import time

import pytest

from bot import limits, rendering
from bot.markup import ZERO_WIDTH_SPACE, escape_markup, neutralise_mentions

STALLING_QUESTION = "[" * 1333 + "](" * 1333  # issue 16: 2.95 s in discord.py's escaper


def _seconds(action: object, *args: object) -> float:
    started = time.perf_counter()
    action(*args)  # type: ignore[operator]
    return time.perf_counter() - started


def test_the_stalling_question_renders_its_title_at_once() -> None:
    # discord.py's escape_markdown took ~3 s here; a linear escaper takes well under 50 ms
    # even on a loaded machine (the figure itself is in bench/regex_audit.py).
    assert (
        _seconds(rendering.question_title, STALLING_QUESTION) < 0.5
    )  # a regression guard, not a timing goal
    title = rendering.question_title(STALLING_QUESTION)
    assert len(title) <= limits.EMBED_TITLE
    assert title.startswith("\\[\\[")


def test_a_masked_link_in_the_title_is_dead_and_its_markup_too() -> None:
    title = rendering.question_title("[see ||spoiler|| **bold**](http://evil.example)")
    assert title == "\\[see \\|\\|spoiler\\|\\| \\*\\*bold\\*\\*\\](http\\://evil.example)"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        (
            "**bold** __under__ ~~strike~~ `code`",
            "\\*\\*bold\\*\\* \\_\\_under\\_\\_ \\~\\~strike\\~\\~ \\`code\\`",
        ),
        ("a \\ backslash", "a \\\\ backslash"),
        ("# Heading", "\\# Heading"),
        ("### Small", "\\### Small"),
        ("-# subtext", "\\-# subtext"),
        ("> quote", "\\> quote"),
        ("line one\rline two\u2028three\nfour", "line one line two three four"),
        ("see https://x.org/a_b", "see https\\://x.org/a\\_b"),
        ("Who proposed a 30-day ceasefire?", "Who proposed a 30-day ceasefire?"),
        ("why did he go? (Who is he?)", "why did he go? (Who is he?)"),
    ],
)
def test_markup_is_escaped_and_plain_text_left_alone(text: str, escaped: str) -> None:
    assert escape_markup(text) == escaped


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("> quote\n>>> more", "\\> quote\n\\>>> more"),
        ("- item\n+ item\n* item", "\\- item\n\\+ item\n\\* item"),
        ("1. first\n  22. second", "1\\. first\n  22\\. second"),
        ("line one\rline two\u2028three\nfour", "line one line two three\nfour"),
    ],
)
def test_kept_lines_each_start_literally(text: str, escaped: str) -> None:
    assert escape_markup(text, keep_lines=True) == escaped


@pytest.mark.parametrize(
    "token",
    [
        "@everyone",
        "@here",
        "@EVERYONE",
        "<@123>",
        "<@!123>",
        "<@&456>",
        "<#789>",
        "<:e:1>",
        "<a:e:2>",
        "<t:1700000000:R>",
        "</ask:3>",
        "<id:customize>",
    ],
)
def test_mentions_emoji_timestamps_and_commands_are_broken(token: str) -> None:
    for escape in (escape_markup, neutralise_mentions, rendering.plain_text):
        shown = escape(f"hi {token}!")
        assert token not in shown
        assert shown.replace(ZERO_WIDTH_SPACE, "").replace("\\", "") == f"hi {token}!"


def test_plain_text_keeps_the_bots_own_markdown_and_the_limit() -> None:
    assert rendering.plain_text("Use `/sources` or **ask**.") == "Use `/sources` or **ask**."
    long = rendering.plain_text("<@1> " * 1000)
    assert len(long) <= limits.MESSAGE_CONTENT
    assert "<@1>" not in long


def test_escape_clipped_reads_only_what_fits() -> None:
    huge = "word " * 1_000_000  # 5 MB
    assert (
        _seconds(rendering.escape_clipped, huge, 4096) < 0.5
    )  # a regression guard, not a timing goal
    clipped = rendering.escape_clipped(huge, 100)
    assert len(clipped) <= 100
    assert clipped.endswith("…")
    assert rendering.escape_clipped("**x**", 100) == "\\*\\*x\\*\\*"
    exact = "a" * 100
    assert rendering.escape_clipped(exact, 100) == exact
    assert rendering.escape_clipped(exact + "b", 100).endswith("…")
