"""Load a folder of articles: decode, strip site chrome, read metadata, cut passages.

A file that cannot be read is reported by name and skipped; the rest still loads.
Listing the folder safely is ``retrieval.article_files``; Markdown is
``retrieval.markdown``, front matter ``retrieval.front_matter``, web pages
``retrieval.web_pages``.
"""

from __future__ import annotations

import codecs
import logging
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.article_files import (
    ARTICLE_SUFFIXES,
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    ArticleFile,
    FolderListing,
    article_files,
    describe_ignored,
    ignored_files,
    scan_article_files,
)
from retrieval.boilerplate import MAX_CHROME_CHARS, is_chrome_line, is_trailer_marker
from retrieval.fingerprints import FileStamp
from retrieval.front_matter import FrontMatterError, read_front_matter
from retrieval.markdown import HEADING, ITEM, markdown_lines
from retrieval.metadata import author_of, date_of, is_attribution, outlet_of, url_of
from retrieval.models import LoadProblem, Passage, Source, passage_id
from retrieval.passages import passage_groups
from retrieval.text import clean_line, fold, strip_control
from retrieval.titles import derived_title, same_title
from retrieval.web_pages import PageError, page_as_markdown

__all__ = [  # the listing's names, for the callers that know them from here
    "ARTICLE_SUFFIXES",
    "ArticleError",
    "ArticleFile",
    "Corpus",
    "LoadProblem",
    "article_files",
    "describe_ignored",
    "ignored_files",
    "load_corpus",
    "parse_article",
    "read_article",
    "scan_article_files",
]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
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
_ITEM = ITEM


def _plain(line: str) -> str:
    """A line without the heading or item marker."""
    return line.removeprefix(HEADING).removeprefix(_ITEM)


@dataclass(frozen=True)
class Article:
    source: Source
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Corpus:
    folder: Path
    sources: tuple[Source, ...] = ()
    passages: Sequence[Passage] = ()  # a tuple, or a saved PassageStore read on demand
    problems: tuple[LoadProblem, ...] = field(default=())
    # The article files' fingerprint stamps when a saved store gave the corpus: the index
    # reuses them instead of listing and hashing the files again.
    stamps: tuple[FileStamp, ...] | None = field(default=None, compare=False, repr=False)


def load_corpus(folder: Path | str, files: FolderListing | None = None) -> Corpus:
    """Every readable article under ``folder``; unreadable ones, and entries skipped as
    unsafe (links out of the folder, FIFOs ...), become LoadProblems.

    ``files`` is the folder's listing when the caller has made it already.
    """
    folder = Path(folder)
    if not folder.is_dir():
        problem = LoadProblem(
            str(folder), "the corpus folder does not exist; create it or pass --corpus"
        )
        return Corpus(folder=folder, problems=(problem,))
    listing = files if files is not None else scan_article_files(folder)
    sources: list[Source] = []
    passages: list[Passage] = []
    problems: list[LoadProblem] = list(listing.skipped)
    for file in listing:
        try:
            article = read_article(file.path, file.relative)
        except ArticleError as error:
            log.debug("Skipped %s: %s", file.relative, error)  # front ends report problems
            problems.append(LoadProblem(file.relative, str(error)))
            continue
        sources.append(article.source)
        passages.extend(article.passages)
    problems.sort(key=lambda problem: problem.file)
    return Corpus(folder, tuple(sources), tuple(passages), tuple(problems))


class ArticleError(Exception):
    """The file can't be used as an article; the message says why and what to do."""


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read only when it is (still) a regular file of a sane size.

    No link is followed (the listing resolved those) and a FIFO put in a file's place
    is not waited on.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise ArticleError(f"could not be read ({error.strerror or error})") from error
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError("is not a regular file; not read")
        if info.st_size > MAX_FILE_BYTES:
            raise ArticleError(
                f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into smaller files"
            )
        try:
            return handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise ArticleError(f"could not be read ({error.strerror or error})") from error


def read_article(path: Path, relative: str) -> Article:
    raw = _read_bytes(path)
    if len(raw) > MAX_FILE_BYTES:
        raise ArticleError(
            f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into smaller files"
        )
    try:
        text = _decode(raw, relative)
        suffix = path.suffix.lower()
        if suffix in HTML_SUFFIXES:
            return parse_article(page_as_markdown(text), relative, markdown=True)
        return parse_article(text, relative, markdown=suffix in MARKDOWN_SUFFIXES)
    except ArticleError:
        raise
    except PageError as error:
        raise ArticleError(str(error)) from error
    except Exception as error:  # a parser bug on one odd file must not stop the rest loading
        log.exception("Could not parse %s", relative)
        raise ArticleError(
            f"could not be parsed ({type(error).__name__}); the log has the details"
        ) from error


def _decode(raw: bytes, relative: str) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), UTF-16 with its mark, or
    another encoding when charset-normalizer recognises the text's language in it (a file
    saved as Windows-1252 is still an article); else an error saying what to do.

    Guesses on a few bytes are wild ("Caf\\xe9" may be Urdu), hence the language check.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = ArticleError(
            f"is not valid UTF-8 (byte {error.start}) nor text in another encoding we "
            "recognise; save it as UTF-8 and reload"
        )
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise problem from None
    from charset_normalizer import from_bytes  # only for the rare file that is not UTF-8

    best = from_bytes(raw).best()
    if best is None or not best.coherence or "\x00" in str(best):
        raise problem
    log.info("Read %s as %s: it is not UTF-8", relative, best.encoding)
    return str(best)


def parse_article(text: str, relative: str, *, markdown: bool = False) -> Article:
    """Split one article's text into metadata and passages."""
    declared, body_text = _front_matter(text)
    lines = markdown_lines(body_text) if markdown else _join_wrapped(_clean_lines(body_text))
    lines = _drop_trailer(lines)
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


def _drop_trailer(lines: list[str]) -> list[str]:
    """Cut at the first trailer marker that follows some article text."""
    seen_text = 0  # lines of 12 words or more; only whether there are 2 yet matters
    for index, line in enumerate(lines):
        if seen_text >= 2:
            # Markers are short and not empty: most lines are neither (checked here, cheaply;
            # a heading or item marker adds at most two characters).
            if 0 < len(line) <= MAX_CHROME_CHARS + 2 and is_trailer_marker(_plain(line)):
                return lines[:index]
        elif len(line.split()) >= 12:
            seen_text += 1
    return lines


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
