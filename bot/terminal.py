"""Answers as a person reads them in a terminal: the same quotes and citations as on Discord."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from retrieval.models import Answer, Excerpt, Passage, Result, Source
from retrieval.text import strip_control

BOLD, RESET = "\x1b[1m", "\x1b[0m"
WIDTH = 88
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def visible_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: colour codes, combining marks and format
    characters take none, East Asian wide characters (and most emoji) two."""
    plain = _ANSI.sub("", text) if "\x1b" in text else text
    if plain.isascii():  # the common case, without a lookup per character
        return len(plain)
    return _unicode_width(plain)


@functools.lru_cache(maxsize=16_384)
def _unicode_width(text: str) -> int:
    """Cached per word: a long quote repeats its words, and each costs a lookup per character."""
    return sum(map(_char_width, text))


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in {"Cf", "Mn", "Me"}:
        return 0
    return 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """Greedy word wrap by visible width, so bold codes do not break lines early
    (``textwrap`` counts them). A word wider than a line stands alone on its line."""
    lines: list[str] = []
    line, used = initial_indent, visible_width(initial_indent)
    fresh = True  # nothing but the indent on this line yet
    for word in text.split():
        size = visible_width(word)
        if not fresh and used + 1 + size > width:
            lines.append(line)
            line, used, fresh = subsequent_indent, visible_width(subsequent_indent), True
        if fresh:
            line, used, fresh = line + word, used + size, False
        else:
            line, used = f"{line} {word}", used + 1 + size
    lines.append(line)
    return "\n".join(lines)


def holds_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which UTF-8 cannot encode."""
    return bool(_SURROGATE.search(text))


def valid_utf8(text: str) -> str:
    """``text`` safe to write as UTF-8: a byte that a non-UTF-8 file name carried (held as
    a lone surrogate by ``os.fsdecode``) is shown as ``\\xff``, any other surrogate as
    ``\\udXXX``, instead of raising or writing invalid UTF-8."""
    if not holds_surrogates(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def printable(text: str) -> str:
    """``text`` safe to show on a terminal: valid UTF-8, and without the control characters
    and escape sequences an article or a question may hold (``\\x1b[2J`` clears the screen)."""
    return strip_control(valid_utf8(text))


def mark_terms(excerpt: Excerpt, *, ansi: bool) -> str:
    """The quote with its query terms marked: bold on a terminal, *asterisks* elsewhere."""
    opening, closing = (BOLD, RESET) if ansi else ("*", "*")
    pieces: list[str] = []
    cursor = 0
    for start, end in excerpt.highlights:
        pieces.append(printable(excerpt.text[cursor:start]))
        pieces.append(f"{opening}{printable(excerpt.text[start:end])}{closing}")
        cursor = end
    pieces.append(printable(excerpt.text[cursor:]))
    body = "".join(pieces)
    return ("… " if excerpt.cut_before else "") + body + (" …" if excerpt.cut_after else "")


def citation(passage: Passage) -> str:
    """Title, author or outlet, date, section, paragraph and file: where exactly the quote
    stands (the section as the bot's citation gives it: a teaser list's says so)."""
    source = passage.source
    parts = [source.label] if source.label != source.file else []  # stated or derived title
    by = ", ".join(part for part in (source.author, source.outlet) if part)
    if by:
        parts.append(by)
    if source.date:
        parts.append(source.date)
    where = f"paragraph {passage.paragraph}"
    parts.append(f"{passage.section}, {where}" if passage.section else where)
    parts.append(source.file)
    return printable(" · ".join(parts))


def render_result(result: Result, *, ansi: bool = False) -> str:
    quote = wrap(
        f"“{mark_terms(result.excerpt, ansi=ansi)}”",
        width=WIDTH,
        initial_indent=f"[{result.rank}] ",
        subsequent_indent="    ",
    )
    return f"{quote}\n    — {citation(result.passage)}"


def render_answer(
    answer: Answer, *, ansi: bool = False, sources_hint: str = "seedbot sources"
) -> str:
    if not answer.answered or not answer.results:
        message = answer.message or "I found nothing more on that."
        if "list of sources" in message:
            message = message.replace(
                "the list of sources", f"the list of sources (`{sources_hint}`)"
            )
        return message
    blocks = [render_result(result, ansi=ansi) for result in answer.results]
    if answer.corrections:
        fixed = ", ".join(f"{typed} → {word}" for typed, word in answer.corrections.items())
        blocks.insert(0, f"(searched for: {fixed})")
    return "\n\n".join(blocks)


def render_source(source: Source, index: int | None = None) -> str:
    head = f"{index}. " if index is not None else ""
    lines = [f"{head}{printable(source.label)}"]
    if source.about:
        lines.append(f"   begins: {source.about}")
    for name in ("author", "outlet", "date", "url"):
        value = getattr(source, name)
        if value:
            lines.append(f"   {name}: {value}")
    lines.append(
        f"   file: {printable(source.file)} ({source.paragraphs} paragraphs, {source.characters:,} characters)"
    )
    return "\n".join(lines)


def render_sources(sources: Sequence[Source]) -> str:
    if not sources:
        return "No articles are loaded. Add .txt, .md or .html files to the corpus folder."
    return "\n".join(render_source(source, index) for index, source in enumerate(sources, start=1))
