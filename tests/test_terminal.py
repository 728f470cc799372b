"""How answers look in a terminal: wrapping by what the eye sees, names that cannot break output."""

import re

from bot.json_lines import dumps, json_line
from bot.terminal import BOLD, RESET, WIDTH, printable, render_result, visible_width, wrap
from retrieval.models import Excerpt, Passage, Result, Source

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _result(text: str, highlights: tuple[tuple[int, int], ...], file: str = "a.txt") -> Result:
    source = Source(file=file, title="Harbour news")
    passage = Passage(id="p1", source=source, paragraph=1, sentences=(text,))
    excerpt = Excerpt(text=text, highlights=highlights, cut_before=False, cut_after=False)
    return Result(rank=1, score=1.0, passage=passage, excerpt=excerpt)


def test_visible_width_ignores_colour_codes_and_counts_wide_characters() -> None:
    assert visible_width(f"{BOLD}pier{RESET}") == 4
    assert visible_width("e\u0301") == 1  # e + combining acute
    assert visible_width("港口") == 4
    assert visible_width("a\u200bb") == 2  # zero-width space


def test_bold_terms_do_not_break_lines_early() -> None:
    words = ["harbour"] * 40
    text = " ".join(words)
    highlights = tuple((i * 8, i * 8 + 7) for i in range(40))  # every word marked
    unmarked = render_result(_result(text, ()), ansi=True).split("\n")
    bold = render_result(_result(text, highlights), ansi=True).split("\n")
    # The codes change nothing a reader sees: the same words on the same lines.
    assert [ANSI.sub("", line) for line in bold] == unmarked
    bold = bold[:-1]  # the citation line
    assert all(visible_width(line) <= WIDTH for line in bold)
    assert max(visible_width(line) for line in bold) > WIDTH - 9  # no line broken early


def test_wrap_fills_to_the_visible_width_and_keeps_long_words_whole() -> None:
    marked = " ".join(f"{BOLD}word{RESET}" for _ in range(30))
    lines = wrap(marked, 20, initial_indent="[1] ", subsequent_indent="    ").split("\n")
    # "[1] word word word" is 18 columns; a fourth word would make 23.
    assert [visible_width(line) for line in lines[:-1]] == [18] * (len(lines) - 1)
    assert lines[0].startswith("[1] ") and lines[1].startswith("    ")
    long = "x" * 50
    assert wrap(f"a {long} b", 20).split("\n") == ["a", long, "b"]


def test_file_names_that_are_not_utf8_are_shown_escaped() -> None:
    name = b"caf\xe9.txt".decode("utf-8", "surrogateescape")
    assert printable(name) == "caf\\xe9.txt"
    assert printable("lone \ud800 surrogate") == "lone \\ud800 surrogate"
    shown = render_result(_result("The pier closed.", ((4, 8),), file=name))
    assert "caf\\xe9.txt" in shown
    shown.encode("utf-8")  # would raise on a surrogate


def test_json_lines_are_valid_utf8_one_object_a_line() -> None:
    name = b"caf\xe9.txt".decode("utf-8", "surrogateescape")
    line = json_line({"file": name, "text": "one\u2028two\u2029three", name: 1})
    assert line.count("\n") == 1 and line.endswith("\n")
    assert len(line.splitlines()) == 1  # str.splitlines also splits on U+2028 / U+2029
    line.encode("utf-8")
    assert "\\u2028" in line and "\\u2029" in line
    assert '"caf\\\\xe9.txt"' in line
    assert dumps(["é"]) == '["é"]'  # readable text stays readable
