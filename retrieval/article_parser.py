"""One article's text as metadata and passages: strip site chrome, find the header and the
footer, read the metadata they state, cut the body into sections and passages.

Markdown is read by ``retrieval.markdown``, front matter by ``retrieval.front_matter``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from retrieval.boilerplate import (
    MAX_CHROME_CHARS,
    is_chrome_line,
    is_teaser_marker,
    is_trailer_marker,
)
from retrieval.front_matter import FrontMatterError, read_front_matter
from retrieval.markdown import HEADING, ITEM, markdown_lines
from retrieval.metadata import author_of, date_of, is_attribution, outlet_of, url_of
from retrieval.models import Passage, Source, passage_id
from retrieval.passages import passage_groups
from retrieval.text import clean_line, fold, strip_control
from retrieval.titles import derived_title, same_title

_FRONT_MATTER_FIELDS = {
    "title": "title",
    "headline": "title",
    "author": "author",
    "authors": "author",
    "byline": "author",
    "outlet": "outlet",
    "publisher": "outlet",
    "publication": "outlet",
    "source": "outlet",
    "site": "outlet",
    "date": "date",
    "published": "date",
    "url": "url",
    "link": "url",
    "canonical_url": "url",
}
_SENTENCE_END_CHARS = (".", "!", "?", "…", ":", ";", '"', "”", "’", ")", "]")
LEAD_CHARS = 160  # of an article's first sentence kept to tell it by in lists
MAX_FIELD_CHARS = 1_000  # of one front-matter value: a citation, not a document
_ITEM = ITEM  # a Markdown list item or table row
MAX_TEASERS = 30  # headlines kept from a page's lists of its other stories
MAX_TEASER_CHARS = 400  # a teaser is a headline or its first line, not an article
MIN_TEASER_WORDS = 4  # fewer: a date, a section name, "Read more"
_COPYRIGHT = "©"


class ArticleError(Exception):
    """The file can't be used as an article; the message says why and what to do."""


@dataclass(frozen=True)
class Article:
    source: Source
    passages: tuple[Passage, ...]


def _plain(line: str) -> str:
    """A line without the heading or item marker."""
    return line.removeprefix(HEADING).removeprefix(_ITEM)


def parse_article(text: str, relative: str, *, markdown: bool = False) -> Article:
    """Split one article's text into metadata and passages."""
    declared, body_text = _front_matter(text)
    lines = markdown_lines(body_text) if markdown else _join_wrapped(_clean_lines(body_text))
    lines, trailer = _split_trailer(lines)
    lines = _drop_chrome(lines)
    header, body, footer = _split_header_footer(lines, titled="title" in declared)
    detected = _detect_metadata(header, footer)
    if markdown and "title" not in detected and body and body[0].startswith(HEADING):
        detected["title"] = body[0].removeprefix(HEADING)  # a Markdown article's first heading
    meta = {**detected, **declared}
    title = meta.get("title")
    paragraphs = _paragraphs(body, title)
    if not paragraphs:
        raise ArticleError("has no article text (it is empty or only site chrome)")
    credits = _credits(footer)
    teasers = _teasers(trailer, seen=[title or "", *lines])
    paragraphs += credits + teasers
    groups = passage_groups(paragraphs)
    headline = _plain(body[0]) if body and _is_heading(body[0]) else None
    source = Source(
        file=relative,
        title=title,
        author=meta.get("author"),
        outlet=meta.get("outlet"),
        date=meta.get("date"),
        url=meta.get("url"),
        extra=tuple(
            (key.removeprefix("extra:"), value)
            for key, value in declared.items()
            if key.startswith("extra:")
        ),
        characters=sum(len(text) for text, _ in paragraphs),
        paragraphs=len(paragraphs),
        passages=len(groups),
        lead=_lead(groups[0][2][0]) if groups and groups[0][2] else None,
        derived_title=None if title else derived_title(headline, paragraphs[0][0]),
        asides=len(credits) + len(teasers),
    )
    return Article(
        source,
        tuple(
            Passage(passage_id(relative, number, part), source, number, sentences, section)
            for number, part, sentences, section in groups
        ),
    )


def _lead(sentence: str) -> str:
    """The first sentence, cut at a word near ``LEAD_CHARS`` with an ellipsis."""
    if len(sentence) <= LEAD_CHARS:
        return sentence
    return sentence[:LEAD_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter fields (mapped to our names) and the text after it."""
    if not text.lstrip("\ufeff").startswith("---"):
        return {}, text
    try:
        metadata, content = read_front_matter(text)
    except FrontMatterError as error:
        raise ArticleError(str(error)) from error
    fields: dict[str, str] = {}
    for key, value in metadata.items():
        rendered = _render_value(value)
        if rendered is None:
            continue
        name = _FRONT_MATTER_FIELDS.get(str(key).lower())
        if name and name not in fields:
            fields[name] = rendered
        elif not name:
            fields[f"extra:{key}"] = rendered
    return fields, content


def _clean_lines(text: str) -> list[str]:
    """``clean_line`` of each line: one scan for invisible characters instead of one per line."""
    if strip_control(text) == text:
        return [line.strip() for line in text.splitlines()]
    return [clean_line(line) for line in text.splitlines()]


def _render_value(value: Any) -> str | None:
    """A front-matter value as one line of text, at most MAX_FIELD_CHARS long."""
    if value is None or value == "":
        return None
    if isinstance(value, list | tuple):
        text = ", ".join(str(item) for item in value if item is not None)
    else:
        text = clean_line(str(value))
    return text[:MAX_FIELD_CHARS] or None


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join soft-wrapped lines of one paragraph of plain text (told by their shape)."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        continues = (
            line
            and previous
            and not previous.startswith(HEADING)
            and not line.startswith(HEADING)
            and not _ends_sentence(previous)
            and line[:1].islower()
        )
        if continues:
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


def _split_trailer(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines before the first trailer marker that follows some article text, and the
    trailer from that marker on."""
    seen_text = 0  # lines of 12 words or more; only whether there are 2 yet matters
    for index, line in enumerate(lines):
        if seen_text >= 2:
            # Markers are short and not empty: most lines are neither (checked here, cheaply;
            # a heading or item marker adds at most two characters).
            if 0 < len(line) <= MAX_CHROME_CHARS + 2 and is_trailer_marker(_plain(line)):
                return lines[:index], lines[index:]
        elif len(line.split()) >= 12:
            seen_text += 1
    return lines, []


def _teasers(trailer: list[str], seen: Iterable[str]) -> list[tuple[str, str | None]]:
    """The headlines the trailer lists under a teaser marker ("Don't Miss", "Related
    posts"), each once, as quotable paragraphs in a section named by the marker.

    Readers ask about them ("which countries left the landmine treaty?", of a page whose
    "Don't Miss" list says so), and the page's words are the honest answer as long as the
    citation says where on the page they stand. A headline (a line that ends no
    sentence) and the line after it, its snippet, are one teaser, a sentence each.
    Comment forms, bylines, dates, links and copyright lines under or after the list are
    not teasers; a list stops at the next marker of another kind. At most
    ``MAX_TEASERS``: a page can list a hundred."""
    known = {fold(_plain(line)) for line in seen if 0 < len(line) <= MAX_TEASER_CHARS}
    teasers: list[tuple[str, str | None]] = []
    section: str | None = None
    joins = False  # whether the next teaser line goes with the last (a headline's snippet)
    for line in trailer:
        plain = _plain(line).strip()
        if not plain:
            continue
        if is_trailer_marker(plain):
            section = plain.rstrip(".!:") if is_teaser_marker(plain) else None
            joins = False
            continue
        key = fold(plain)
        if (
            section is None
            or len(plain) > MAX_TEASER_CHARS
            or len(plain.split()) < MIN_TEASER_WORDS
            or key in known
            or is_chrome_line(plain)
            or _COPYRIGHT in plain
            or "all rights reserved" in key
            or url_of(plain)
            or author_of(plain)
        ):
            continue
        known.add(key)
        if joins and teasers and teasers[-1][1] == section:
            # A headline, then its first lines: one teaser, read and quoted together.
            teasers[-1] = (f"{teasers[-1][0]}\n{plain}", section)
            joins = False
            continue
        if len(teasers) == MAX_TEASERS:
            break
        teasers.append((plain, section))
        joins = not _ends_sentence(plain)
    return teasers


def _drop_chrome(lines: list[str]) -> list[str]:
    """Drop chrome lines and repeated lines (a headline printed twice)."""
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        if not line:
            kept.append(line)
            continue
        plain = _plain(line)
        key = fold(plain) if len(plain) <= MAX_CHROME_CHARS else plain
        if key in seen or is_chrome_line(plain):
            continue
        seen.add(key)
        kept.append(line)
    return kept


def _ends_sentence(line: str) -> bool:
    """Whether the line ends with sentence punctuation (before a final newline, as regex $).

    ``endswith``, not a regex search for ``[...]$``: that tries every position of the line.
    """
    return line.removesuffix("\n").endswith(_SENTENCE_END_CHARS)


def _is_body_line(line: str) -> bool:
    return len(line.split()) >= 10 and _ends_sentence(line) and not line.startswith(HEADING)


def _split_header_footer(
    lines: list[str], *, titled: bool = False
) -> tuple[list[str], list[str], list[str]]:
    """Header (before the first body paragraph), body, footer (attribution at the end)."""
    content = [line for line in lines if line]
    start = next((i for i, line in enumerate(content) if _is_body_line(line)), 0)
    headings = [i for i, line in enumerate(content[:start]) if line.startswith(HEADING)]
    # The first Markdown heading is the title, unless front matter gave one; the next opens
    # the first section.
    first_section = 0 if titled else 1
    if len(headings) > first_section:
        start = headings[first_section]
    header, rest = content[:start], content[start:]
    end = len(rest)
    while end > 1 and (is_attribution(_plain(rest[end - 1])) or author_of(_plain(rest[end - 1]))):
        end -= 1
    return header, rest[:end], rest[end:]


def _detect_metadata(header: list[str], footer: list[str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    dates_before_title: list[str] = []
    for line in header:
        plain = _plain(line)
        if date := date_of(plain):
            if "title" in meta:
                meta.setdefault("date", date)
            else:
                dates_before_title.append(date)
        elif author := author_of(plain):
            meta.setdefault("author", author)
        elif url := url_of(plain):
            meta.setdefault("url", url)
        elif "title" not in meta and 1 <= len(plain.split()) <= 30:
            meta["title"] = plain
    if "date" not in meta and dates_before_title:
        meta["date"] = dates_before_title[0]
    for line in (_plain(line) for line in footer):
        if outlet := outlet_of(line):
            meta.setdefault("outlet", outlet)
        if url := url_of(line):
            meta.setdefault("url", url)
        if author := author_of(line):
            meta.setdefault("author", author)
    return meta


def _credits(footer: list[str]) -> list[tuple[str, str | None]]:
    """The footer's byline and republication notice, quotable as the article's last
    paragraphs: readers ask who wrote a piece, where its author works and under what
    licence it is republished, and these lines are the article's own words for that.
    A bare link or a "Source: URL" line says nothing to quote."""
    kept: list[tuple[str, str | None]] = []
    for line in (_plain(line) for line in footer):
        if author_of(line) or outlet_of(line):
            kept.append((line, None))
    return kept


def _is_heading(line: str) -> bool:
    """A Markdown heading, or a short unpunctuated line (not a list item or table row)."""
    if line.startswith(_ITEM):
        return False
    return line.startswith(HEADING) or (
        not _ends_sentence(line) and len(line.split(maxsplit=13)) <= 12
    )


def _paragraphs(body: Iterable[str], title: str | None = None) -> list[tuple[str, str | None]]:
    """(paragraph, section heading) pairs; headings (``_is_heading``) open sections, but one
    that repeats the title opens none."""
    paragraphs: list[tuple[str, str | None]] = []
    section: str | None = None
    for line in body:
        plain = _plain(line)
        if _is_heading(line):
            section = None if same_title(plain, title) else plain
            continue
        paragraphs.append((plain, section))
    return paragraphs
