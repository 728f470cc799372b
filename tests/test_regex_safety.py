"""Regular expressions that see user or article text cannot backtrack catastrophically.

Backtracking blows up when a repeat holds another repeat (``(a+)+``, ``(\\w+\\s?)*``) or
when two unbounded repeats can trade the same characters (discord.py's ``\\[.+\\]\\(.+\\)``,
which stalled the bot). The patterns that see user or article text in ``bot/`` are kept to
shapes that cannot: no repeat inside a repeat, at most one unbounded repeat, and that one
a single character class. The ``retrieval/`` patterns that were slow on crafted article
text (which has no length cap) are checked below against their old selves: the same
matches, and the cause of the slowness gone. Timings of every pattern on crafted inputs are
in ``bench/regex_audit.py``.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import components, markup, triggers
from retrieval import chat_noise, markdown, metadata, rerank, spelling, tokenize
from tests.paths import SEEDS

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


# -- retrieval/: the patterns that read article text, which has no length cap ------------
#
# Each was slow on a crafted 10,000-character input (``python -m bench.regex_audit``). The
# old patterns are kept here so that the new ones are shown to match exactly what they did;
# the cause of each slowness is checked as a property where it can be, and with a generous
# time limit in a child process (so a regression fails rather than hangs) where it cannot.

OLD_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
OLD_POSSESSIVE = re.compile(r"(?P<word>.+?)(?P<suffix>['’ʼ]s?)$")
OLD_DATE_LINE = re.compile(metadata._DATE_LINE.pattern.replace(r"\s*+", r"\s*"), re.VERBOSE)
OLD_OUTLET_END = re.compile(r"\s+(?:under|with|on|in|at|by)\s+")
OLD_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,;:!?.])")
OLD_FILLER = re.compile(
    chat_noise._EDGE_BEFORE
    + "(?:"
    + "|".join(chat_noise._FILLER_ALTERNATIVES)
    + ")"
    + chat_noise._EDGE_AFTER,
    re.IGNORECASE,
)
OLD_ROLE = re.compile(rerank._ROLE.pattern.replace(r"\b(?=\w\w)", r"\b", 1), re.IGNORECASE)

SEED_LINES = [
    line
    for path in sorted(SEEDS.glob("*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
]
PATTERN_TEXT = settings(max_examples=300, deadline=None, database=None)


def finishes_within(seconds: float, action: Callable[[], object]) -> bool:
    """Whether ``action`` returns within ``seconds``: run in a forked child, killed past it,
    since a regular expression cannot be interrupted."""
    child = multiprocessing.get_context("fork").Process(target=action, daemon=True)
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        return False
    return child.exitcode == 0


def texts_of(*pieces: str) -> st.SearchStrategy[str]:
    """Text made of ``pieces`` and arbitrary characters, where the patterns' cases meet."""
    return st.lists(st.sampled_from(pieces) | st.text(max_size=3), max_size=40).map("".join)


def joiner_characters(word_pattern: re.Pattern[str]) -> set[str]:
    """The characters ``[^\\W_]+(?:[JOINERS][^\\W_]+)*`` joins words with."""
    _repeat, (_low, _high, body) = sre_parse.parse(word_pattern.pattern)[1]
    joiner_op, joiner_items = body[0]
    assert joiner_op == sre_constants.IN
    return {chr(value) for op, value in joiner_items if op == sre_constants.LITERAL}


def test_no_word_joiner_is_itself_a_word_character() -> None:
    # A joiner the word class also takes lets a run of it split 2^n ways: the old WORD
    # (with ʼ, a letter) took seconds on 40 of them followed by a mismatch.
    assert {c for c in joiner_characters(OLD_WORD) if re.fullmatch(r"[^\W_]", c)} == {"ʼ"}
    assert not {c for c in joiner_characters(tokenize.WORD) if re.fullmatch(r"[^\W_]", c)}
    assert finishes_within(2.0, lambda: tokenize.WORD.fullmatch("ʼ" * 10_000 + "\x00"))


@PATTERN_TEXT
@given(texts_of("ʼ", "'", "’", "a", "ʼa", "O’Brien", "don't", "_", " ", "1"))
def test_words_are_the_same_as_before(text: str) -> None:
    assert tokenize.WORD.findall(text) == OLD_WORD.findall(text)


def test_words_of_the_seed_articles_are_the_same_as_before() -> None:
    for line in SEED_LINES:
        assert tokenize.WORD.findall(line) == OLD_WORD.findall(line)


def old_possessive_parts(word: str) -> tuple[str, str]:
    """What ``SpellingCorrector.correct`` peeled before, one ending per call."""
    match = OLD_POSSESSIVE.fullmatch(word)
    if not match:
        return word, ""
    stem, endings = old_possessive_parts(match["word"])
    return stem, endings + match["suffix"]


@PATTERN_TEXT
@given(texts_of("'", "’", "ʼ", "s", "'s", "a", "Mertz", "\n"))
def test_possessive_endings_are_the_same_as_before(word: str) -> None:
    assert spelling.possessive_parts(word) == old_possessive_parts(word)


def test_a_word_of_many_apostrophes_is_corrected_without_recursing() -> None:
    # The recursion was one call per apostrophe: a RecursionError at ~1,000.
    corrector = spelling.SpellingCorrector({"merz": 5}, known_words=frozenset())
    assert corrector.correct("Mertz" + "’" * 5_000) == "merz" + "’" * 5_000
    assert spelling.possessive_parts("Mertz's") == ("Mertz", "'s")


@PATTERN_TEXT
@given(
    st.lists(
        st.sampled_from(
            ["published", "date", ":", " ", "  ", "\t", "monday", "mon.", ",", "march", "mar.",
             "1", "21st", "2025", "2025-03-01", "at", "10:30", "am", "p.m.", "gmt", ".", "x"]
        ),
        max_size=12,
    ).map("".join)
)  # fmt: skip
def test_date_lines_are_recognised_as_before(line: str) -> None:
    assert bool(metadata._DATE_LINE.match(line)) == bool(OLD_DATE_LINE.match(line))


def test_date_lines_of_the_seed_articles_are_recognised_as_before() -> None:
    for line in SEED_LINES:
        folded = line.strip().lower()
        assert bool(metadata._DATE_LINE.match(folded)) == bool(OLD_DATE_LINE.match(folded))
    assert metadata.date_of("Published: Monday, March 3, 2025") == "Monday, March 3, 2025"


def test_a_run_of_spaces_is_no_date_line_quickly() -> None:
    # Two adjacent ``\s*`` tried every split of the run: cubic, minutes at 10,000.
    spaces = " " * 10_000 + "\x00"
    assert finishes_within(2.0, lambda: metadata._DATE_LINE.match(spaces))
    assert finishes_within(2.0, lambda: metadata._DATE_LINE.search(spaces))


@pytest.mark.parametrize(
    ("pattern", "old", "text"),
    [
        (metadata._OUTLET_END, OLD_OUTLET_END, "The  Times   under licence"),
        (chat_noise._SPACE_BEFORE_PUNCTUATION, OLD_SPACE_BEFORE_PUNCTUATION, "a  Times   , b"),
    ],
    ids=["outlet end", "space before punctuation"],
)
def test_a_match_starts_only_at_the_first_space_of_a_run(
    pattern: re.Pattern[str], old: re.Pattern[str], text: str
) -> None:
    # Tried from each space of a run, ``\s+`` rescanned the rest of it: quadratic, 2 s on
    # 10,000 spaces for the outlet split.
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in old.finditer(text)]
    inside = text.index("   ") + 1
    assert old.match(text, inside) and pattern.match(text, inside) is None
    assert finishes_within(2.0, lambda: pattern.split(" " * 50_000 + "x"))


@PATTERN_TEXT
@given(texts_of(" ", "  ", "\t", "under", "by", ",", ".", "?", "The", "x"))
def test_outlet_ends_and_spaces_before_punctuation_are_found_as_before(text: str) -> None:
    assert metadata._OUTLET_END.split(text, maxsplit=1) == OLD_OUTLET_END.split(text, maxsplit=1)
    assert chat_noise._SPACE_BEFORE_PUNCTUATION.sub(
        r"\1", text
    ) == OLD_SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


def test_an_outlet_padded_with_spaces_is_read_quickly() -> None:
    line = "Republished from The" + " " * 50_000 + "Times under a licence"
    assert finishes_within(2.0, lambda: metadata.outlet_of(line))
    assert metadata.outlet_of("Republished from The Conversation under a licence") == (
        "The Conversation"
    )


def test_filler_alternatives_are_grouped_by_first_letter_in_order() -> None:
    assert chat_noise.by_first_letter(["hey", "can", "hi"]) == "(?=[hc])(?:h(?:ey|i)|c(?:an))"
    with pytest.raises(ValueError, match="lower-case letter"):
        chat_noise.by_first_letter([r"\d+"])


def test_no_character_matches_two_first_letters_in_any_case() -> None:
    # The regrouping keeps the matches only if a character can start alternatives of one
    # letter at most, under IGNORECASE (ſ is s, K is k, İ and ı are i).
    letters = sorted({alternative[0] for alternative in chat_noise._FILLER_ALTERNATIVES})
    cased = [
        chr(code)
        for code in range(0x110000)
        if any("a" <= c <= "z" for c in chr(code).lower() + chr(code).upper())
    ]
    for char in cased:
        starts = [letter for letter in letters if re.match(letter, char, re.IGNORECASE)]
        assert len(starts) <= 1, (char, starts)


@PATTERN_TEXT
@given(
    texts_of(
        *chat_noise.CHAT_FILLER, "hey bot", "can you\ttell me", "heyyy", "plsss", "hahah",
        "HEY", "ſup", "oK", "İdk", "ı", " ", "-", "'", "a", "x",
    )
)  # fmt: skip
def test_chat_filler_is_found_as_before(text: str) -> None:
    assert chat_noise._FILLER.sub("|", text) == OLD_FILLER.sub("|", text)


@PATTERN_TEXT
@given(texts_of("press secretary", "MP", "mp", "ceo", "a", "'a", " ", "-", "councillor", "x"))
def test_roles_are_found_as_before(text: str) -> None:
    assert [m.span() for m in rerank._ROLE.finditer(text)] == [
        m.span() for m in OLD_ROLE.finditer(text)
    ]


def test_chat_filler_and_roles_of_the_seed_articles_are_found_as_before() -> None:
    for line in SEED_LINES:
        assert chat_noise._FILLER.sub("|", line) == OLD_FILLER.sub("|", line)
        assert [m.span() for m in rerank._ROLE.finditer(line)] == [
            m.span() for m in OLD_ROLE.finditer(line)
        ]


def test_html_tags_are_stripped_as_before_and_a_run_of_unclosed_ones_quickly() -> None:
    old = re.compile(r"<[^>\n]+>")
    for text in ("a <b>bold</b> c", "x < y > z", "<h1 class='t'>Title</h1>", "1 < 2 and 3 > 2"):
        assert markdown._HTML_TAG.sub("", text) == old.sub("", text)
    crafted = "<" * 200_000  # the old pattern scanned to the line's end from each "<"
    assert finishes_within(2.0, lambda: markdown._HTML_TAG.sub("", crafted))
    assert not finishes_within(2.0, lambda: old.sub("", crafted))
