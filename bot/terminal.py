"""Answers as a person reads them in a terminal: the same quotes and citations as on Discord."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from retrieval.models import Answer, Excerpt, Passage, Result, Source

BOLD, RESET = "\x1b[1m", "\x1b[0m"
WIDTH = 88


def mark_terms(excerpt: Excerpt, *, ansi: bool) -> str:
    """The quote with its query terms marked: bold on a terminal, *asterisks* elsewhere."""
    opening, closing = (BOLD, RESET) if ansi else ("*", "*")
    pieces: list[str] = []
    cursor = 0
    for start, end in excerpt.highlights:
        pieces.append(excerpt.text[cursor:start])
        pieces.append(f"{opening}{excerpt.text[start:end]}{closing}")
        cursor = end
    pieces.append(excerpt.text[cursor:])
    body = "".join(pieces)
    return ("… " if excerpt.cut_before else "") + body + (" …" if excerpt.cut_after else "")


def citation(passage: Passage) -> str:
    """Title, author or outlet, date, paragraph and file: where exactly the quote stands."""
    source = passage.source
    parts = [source.title] if source.title else []
    by = ", ".join(part for part in (source.author, source.outlet) if part)
    if by:
        parts.append(by)
    if source.date:
        parts.append(source.date)
    parts.append(f"paragraph {passage.paragraph}")
    parts.append(source.file)
    return " · ".join(parts)


def render_result(result: Result, *, ansi: bool = False) -> str:
    quote = textwrap.fill(
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
    lines = [f"{head}{source.label}"]
    if source.about:
        lines.append(f"   begins: {source.about}")
    for name in ("author", "outlet", "date", "url"):
        value = getattr(source, name)
        if value:
            lines.append(f"   {name}: {value}")
    lines.append(
        f"   file: {source.file} ({source.paragraphs} paragraphs, {source.characters:,} characters)"
    )
    return "\n".join(lines)


def render_sources(sources: Sequence[Source]) -> str:
    if not sources:
        return "No articles are loaded. Add .txt, .md or .html files to the corpus folder."
    return "\n".join(render_source(source, index) for index, source in enumerate(sources, start=1))
