"""Answers, articles and passages as Discord embeds: pure functions that always fit the limits.

Every function here takes plain data (``retrieval.models``) and returns an ``Embed`` whose
parts are within ``bot.limits`` whatever the article or the question, with markdown and
mentions in quoted text neutralised so a quote reads exactly as the article wrote it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import discord

from bot import limits, texts
from bot.markup import escape_markup, neutralise_mentions
from retrieval import messages as engine_messages
from retrieval.models import Answer, Excerpt, Passage, Result, Source

ELLIPSIS = "…"
ANSWER_COLOUR = discord.Colour.blurple()
NOTHING_COLOUR = discord.Colour.light_grey()
SOURCES_PER_PAGE = 10


def escape_text(text: str, *, keep_lines: bool = False) -> str:
    """Show ``text`` literally: no markdown, mention or channel rendering, no pings, and on
    one line unless ``keep_lines`` (a line break in a title would end the quote it cites).

    Linear in the text (``bot.markup``): discord.py's ``escape_markdown`` backtracks.
    """
    return escape_markup(text, keep_lines=keep_lines)


def escape_clipped(text: str, limit: int) -> str:
    """``escape_text(text)`` cut to ``limit`` characters, reading at most ``limit + 1``.

    Escaping only lengthens text, so that prefix fills the limit and shows whether a cut is
    needed: a 5 MB article or a 4,000-character question costs what a short one does.
    """
    return truncate(escape_text(text[: limit + 1]), limit)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary when possible, marking the cut."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    # Never leave a dangling escape backslash that would swallow the ellipsis.
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


def _render_span(text: str, highlights: Sequence[tuple[int, int]], end: int) -> str:
    """``text[:end]`` escaped, with the highlighted spans in bold."""
    parts: list[str] = []
    position = 0
    for start, stop in sorted(highlights):
        start, stop = max(start, position), min(stop, end)
        if start >= stop:
            continue
        parts.append(escape_text(text[position:start]))
        parts.append("**" + escape_text(text[start:stop]) + "**")
        position = stop
    if position < end:
        parts.append(escape_text(text[position:end]))
    return "".join(parts)


def render_quote(excerpt: Excerpt, budget: int) -> str:
    """The excerpt, escaped, query terms in bold, ellipses where cut, in ``budget`` characters."""
    text = " ".join(excerpt.text.split()) if "\n" in excerpt.text else excerpt.text
    end = min(len(text), budget)  # escaping only lengthens: no more can ever show
    while True:
        cut_after = excerpt.cut_after or end < len(text)
        body = _render_span(text, excerpt.highlights, end)
        rendered = (ELLIPSIS + " " if excerpt.cut_before else "") + body
        rendered += " " + ELLIPSIS if cut_after else ""
        if len(rendered) <= budget or end == 0:
            return rendered if len(rendered) <= budget else truncate(rendered, budget)
        # Shrink in proportion: escaping can double a span ("***" renders as "\\*\\*\\*"),
        # so cutting by the overflow alone could cut a passage of markup to nothing.
        new_end = max(0, min(end - 1, end * budget // len(rendered) - 2))
        space = text.rfind(" ", 0, new_end)
        end = space if space > new_end * 0.8 else new_end


def citation(passage: Passage, budget: int = 500) -> str:
    """``— Title, author, outlet, date, paragraph N``: only what the article states.

    The title gets whatever room the rest leaves within ``budget``; its link is dropped
    before the title itself is shortened.
    """
    source = passage.source
    details = []
    for by in (source.author, source.outlet):
        if by:
            details.append(escape_clipped(by, 100))
    if source.date:
        details.append(escape_clipped(source.date, 40))
    where = f"paragraph {passage.paragraph}"
    if passage.section:
        where = f"{escape_clipped(passage.section, 60)}, {where}"
    details.append(where)
    tail = ", " + ", ".join(details)
    room = max(12, budget - len("— ") - len(tail) - 2)
    title = escape_clipped(source.label, min(room, 200))
    url = source.url or ""
    linked = f"[{title}]({url})"
    usable_url = url.startswith(("https://", "http://")) and not any(c in url for c in ")( <>")
    head = linked if usable_url and len(linked) <= room + 2 else f"*{title}*"
    return truncate("— " + head + tail, budget)


def question_title(question: str) -> str:
    """The user's question as a title: literal (no live markup or mention), within 256."""
    return escape_clipped(question, limits.EMBED_TITLE) or "?"


def _result_block(result: Result, budget: int) -> str:
    cite = citation(result.passage, budget // 2)
    quote_budget = max(40, budget - len(cite) - len("> \n"))
    return f"> {render_quote(result.excerpt, quote_budget)}\n{cite}"


def corrections_line(corrections: dict[str, str]) -> str:
    """The spelling corrections the engine made, so nobody wonders why other words are bold."""
    if not corrections:
        return ""
    pairs = ", ".join(f"{typed} → {word}" for typed, word in corrections.items())
    return "*" + truncate(escape_text(texts.SEARCHED_FOR.format(pairs=pairs)), 300) + "*"


def article_url(source: Source) -> str | None:
    """The article's own address when it states a usable one (for "Open article")."""
    url = (source.url or "").strip()
    if (
        not url.startswith(("https://", "http://"))
        or len(url) > 512
        or any(c.isspace() for c in url)
    ):
        return None
    return url


def answer_embed(
    answer: Answer, question: str, *, first_rank: int | None = None, last_page: bool = False
) -> discord.Embed:
    """One embed for one page of results; the nothing-found embed when there are none.

    On a page after the first, ``last_page`` says in the footer that no further quote is a
    plausible answer, so paging visibly ends."""
    if not answer.answered or not answer.results:
        return nothing_found_embed(answer, question)
    results = answer.results[: limits.EMBED_FIELDS]
    separator = "\n\n"
    header = corrections_line(answer.corrections)
    room = limits.EMBED_DESCRIPTION - (len(header) + len(separator) if header else 0)
    budget = (room - len(separator) * (len(results) - 1)) // len(results)
    blocks = [_result_block(result, budget) for result in results]
    description = separator.join([header, *blocks] if header else blocks)
    first = first_rank if first_rank is not None else results[0].rank
    embed = discord.Embed(
        title=question_title(question),
        description=truncate(description, limits.EMBED_DESCRIPTION),
        colour=ANSWER_COLOUR,
    )
    footer = texts.ANSWER_FOOTER.format(first=first, last=results[-1].rank)
    if last_page and first > 1:
        footer += f" · {texts.LAST_PAGE}"
    embed.set_footer(text=footer)
    return fit_embed(embed)


def nothing_found_embed(answer: Answer, question: str) -> discord.Embed:
    """The honest "nothing found", with the reason the engine gave and a way forward."""
    reason = escape_text(answer.message or texts.NOTHING_FOUND_DEFAULT, keep_lines=True)
    if answer.reason in engine_messages.SMALL_TALK | {engine_messages.SOURCES}:  # not a miss
        description = reason.replace("list of sources", "list of sources (`/sources`)", 1)
        embed = discord.Embed(description=truncate(description, limits.EMBED_DESCRIPTION))
        embed.colour = ANSWER_COLOUR
        return fit_embed(embed)
    if "list of sources" in reason:
        description = reason.replace("list of sources", "list of sources (`/sources`)", 1)
    else:
        description = f"{reason}\n\n{texts.NOTHING_FOUND_HINT}"
    embed = discord.Embed(
        title=question_title(question),
        description=truncate(description, limits.EMBED_DESCRIPTION),
        colour=NOTHING_COLOUR,
    )
    return fit_embed(embed)


def chatter_embed(text: str) -> discord.Embed:
    """A short friendly reply to chatter: no title, so it never reads as "nothing found"."""
    description = text.replace("list of sources", "list of sources (`/sources`)", 1)
    embed = discord.Embed(
        description=truncate(description, limits.EMBED_DESCRIPTION), colour=ANSWER_COLOUR
    )
    return fit_embed(embed)


def passage_embed(passage: Passage) -> discord.Embed:
    """The whole passage a quote came from, for the "Full passage" button."""
    cite = citation(passage)
    body = escape_text(" ".join(passage.text.split()))
    room = limits.EMBED_DESCRIPTION - len(cite) - 3
    embed = discord.Embed(
        title=texts.PASSAGE_TITLE,
        description=f"> {truncate(body, room)}\n{cite}",
        colour=ANSWER_COLOUR,
    )
    return fit_embed(embed)


def page_count(total: int, per_page: int = SOURCES_PER_PAGE) -> int:
    return max(1, math.ceil(total / per_page))


def sources_embed(sources: Sequence[Source], page: int) -> discord.Embed:
    """One page of the article list; ``page`` is clamped to the pages that exist."""
    if not sources:
        return discord.Embed(description=texts.NO_SOURCES, colour=NOTHING_COLOUR)
    pages = page_count(len(sources))
    page = min(max(page, 0), pages - 1)
    start = page * SOURCES_PER_PAGE
    lines = []
    per_line = limits.EMBED_DESCRIPTION // SOURCES_PER_PAGE - 2
    for number, source in enumerate(sources[start : start + SOURCES_PER_PAGE], start=start + 1):
        # Each part escaped only as far as the line can show (a 5 MB lead costs nothing).
        details = [escape_clipped(value, per_line) for value in source.credit]
        line = f"**{number}.** {escape_clipped(source.label, per_line)}"
        if details:
            line += " — " + ", ".join(details)
        if source.about:
            line += f": {escape_clipped(source.about, per_line)}"
        lines.append(truncate(line, per_line))
    embed = discord.Embed(
        title=texts.SOURCES_TITLE.format(count=len(sources)),
        description="\n".join(lines),
        colour=ANSWER_COLOUR,
    )
    embed.set_footer(text=texts.SOURCES_FOOTER.format(page=page + 1, pages=pages))
    return fit_embed(embed)


def source_embed(source: Source, passages: int | None = None) -> discord.Embed:
    """One article's metadata and size, for ``/source``."""
    embed = discord.Embed(
        title=escape_clipped(source.label, limits.EMBED_TITLE), colour=ANSWER_COLOUR
    )
    if source.url and source.url.startswith(("https://", "http://")):
        embed.url = source.url[:2000]
    if source.lead:
        embed.description = escape_clipped(f"“{source.lead}”", limits.EMBED_DESCRIPTION)
    fields: list[tuple[str, str | None]] = [
        ("Author", source.author),
        ("Outlet", source.outlet),
        ("Date", source.date),
        ("File", source.file),
        ("Paragraphs", str(source.paragraphs)),
        ("Characters", f"{source.characters:,}"),
        ("Passages", None if passages is None else str(passages)),
        *source.extra,
    ]
    for name, value in fields:
        if value and len(embed.fields) < limits.EMBED_FIELDS:
            embed.add_field(
                name=escape_clipped(name, limits.EMBED_FIELD_NAME),
                value=escape_clipped(value, limits.EMBED_FIELD_VALUE),
                inline=len(value) < 40,
            )
    return fit_embed(embed)


def help_embed(qa_channel_ids: Sequence[int]) -> discord.Embed:
    channels = ", ".join(f"<#{channel_id}>" for channel_id in qa_channel_ids[:20])
    extra = texts.HELP_QA_CHANNELS.format(channels=channels) if channels else ""
    text = texts.HELP_TEXT.format(qa_channels=extra)
    embed = discord.Embed(
        title=texts.HELP_TITLE,
        description=truncate(text, limits.EMBED_DESCRIPTION),
        colour=ANSWER_COLOUR,
    )
    return fit_embed(embed)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Last guard: clip each part to its limit and the whole to 6000 characters."""
    if embed.title:
        embed.title = truncate(embed.title, limits.EMBED_TITLE)
    if embed.description:
        embed.description = truncate(embed.description, limits.EMBED_DESCRIPTION)
    if embed.footer.text:
        embed.set_footer(text=truncate(embed.footer.text, limits.EMBED_FOOTER))
    if embed.author.name:
        embed.set_author(name=truncate(embed.author.name, limits.EMBED_AUTHOR))
    while len(embed.fields) > limits.EMBED_FIELDS:
        embed.remove_field(-1)
    while len(embed) > limits.EMBED_TOTAL and embed.fields:
        embed.remove_field(-1)
    if len(embed) > limits.EMBED_TOTAL and embed.description:
        excess = len(embed) - limits.EMBED_TOTAL
        embed.description = truncate(embed.description, max(1, len(embed.description) - excess))
    return embed


def plain_text(text: str, *, keep_channel_links: bool = False) -> str:
    """Message content within the 2000-character limit (the caller's own wording, markdown
    kept), with any mention-like token a file name or a question brought in broken
    (channel links kept when the caller's own sentence names channels)."""
    safe = neutralise_mentions(
        text[: limits.MESSAGE_CONTENT + 1], keep_channel_links=keep_channel_links
    )
    return truncate(safe, limits.MESSAGE_CONTENT)
