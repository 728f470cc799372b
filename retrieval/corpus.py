"""Load a folder of articles: decode, strip site chrome, read metadata, cut passages.

A file that cannot be read is reported by name and skipped; the rest still loads.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import frontmatter
import yaml

from retrieval.aliases import ALIASES_FILE
from retrieval.boilerplate import MAX_CHROME_CHARS, is_chrome_line, is_trailer_marker
from retrieval.metadata import author_of, date_of, is_attribution, outlet_of, url_of
from retrieval.models import Passage, Source
from retrieval.passages import passage_groups
from retrieval.text import clean_line, fold, strip_control

if TYPE_CHECKING:
    from retrieval.index_cache import FileStamp

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm")  # saved web pages: main text and metadata by trafilatura
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", *HTML_SUFFIXES)
MARKDOWN_SUFFIXES = (".md", ".markdown")
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
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|`)")
_MD_HTML = re.compile(r"<[^>\n]+>")
_MD_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_TABLE_RULE = re.compile(r"^[\s|:-]+$")
# Marks a Markdown list item or table row from stripping to paragraphs: its own paragraph,
# never taken for a heading however short ("- Founded in 1998"). Removed before use.
_ITEM = "\x1f"


def _plain(line: str) -> str:
    """A line without the heading or item marker."""
    return line.removeprefix("# ").removeprefix(_ITEM)


@dataclass(frozen=True)
class LoadProblem:
    """A file that was skipped, and why, in words its owner can act on."""

    file: str
    reason: str


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


@dataclass(frozen=True)
class ArticleFile:
    """One article file as listed: where it is, and its size and mtime from that listing."""

    relative: str  # relative to the corpus folder, forward slashes
    location: str  # the path as the OS gave it (a Path is made only when asked for)
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.location)


def _walk(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(relative path, entry) of every file under ``folder``, hidden files and folders
    skipped, symbolic links to files followed (links to folders are not: no loops)."""
    pending = [(str(folder), "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{name}/"))
                elif entry.is_file():
                    yield f"{prefix}{name}", entry
            except OSError:
                continue


def scan_article_files(folder: Path) -> list[ArticleFile]:
    """The article files under ``folder`` with their stat, in a stable order.

    One ``scandir`` walk and one ``stat`` per file: the passage store and the index
    share this listing (and the fingerprint made from it) instead of each listing again.
    """
    found: list[ArticleFile] = []
    for relative, entry in _walk(folder):
        if entry.name.lower().endswith(ARTICLE_SUFFIXES):
            try:
                stat = entry.stat()
            except OSError:
                continue
            found.append(ArticleFile(relative, entry.path, stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda file: file.relative)
    return found


def ignored_files(folder: Path, limit: int = 1000) -> list[str]:
    """Files under ``folder`` that are not articles (.pdf, .docx, .epub ...), relative, sorted:
    front ends name them, so that a file dropped in the wrong format is not silently unused.

    The aliases file is not counted; at most ``limit`` are listed.
    """
    found: list[str] = []
    for relative, entry in _walk(folder):
        name = entry.name
        if not name.lower().endswith(ARTICLE_SUFFIXES) and name != ALIASES_FILE:
            found.append(relative)
            if len(found) >= limit:
                break
    return sorted(found)


def describe_ignored(files: Sequence[str], shown: int = 5) -> str | None:
    """One line naming the files that are not read, or None when there are none."""
    if not files:
        return None
    names = ", ".join(files[:shown]) + (
        f" and {len(files) - shown} more" if len(files) > shown else ""
    )
    them = "it" if len(files) == 1 else "them"
    return (
        f"not read: {names} (only .txt, .md and .html files are articles; "
        f"save {them} as text to include {them})"
    )


def article_files(folder: Path) -> list[Path]:
    """The article files under ``folder``, in a stable order; hidden files and folders skipped."""
    return [file.path for file in scan_article_files(folder)]


def load_corpus(folder: Path | str) -> Corpus:
    """Every readable article under ``folder``; unreadable ones become LoadProblems."""
    folder = Path(folder)
    if not folder.is_dir():
        problem = LoadProblem(
            str(folder), "the corpus folder does not exist; create it or pass --corpus"
        )
        return Corpus(folder=folder, problems=(problem,))
    sources: list[Source] = []
    passages: list[Passage] = []
    problems: list[LoadProblem] = []
    for path in article_files(folder):
        relative = path.relative_to(folder).as_posix()
        try:
            article = read_article(path, relative)
        except ArticleError as error:
            log.debug("Skipped %s: %s", relative, error)  # front ends report corpus.problems
            problems.append(LoadProblem(relative, str(error)))
            continue
        sources.append(article.source)
        passages.extend(article.passages)
    return Corpus(folder, tuple(sources), tuple(passages), tuple(problems))


class ArticleError(Exception):
    """The file can't be used as an article; the message says why and what to do."""


def read_article(path: Path, relative: str) -> Article:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ArticleError(f"could not be read ({error.strerror or error})") from error
    if len(raw) > MAX_FILE_BYTES:
        raise ArticleError(
            f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into smaller files"
        )
    try:
        text = _decode(raw, relative)
        suffix = path.suffix.lower()
        if suffix in HTML_SUFFIXES:
            return parse_article(_from_html(text), relative, markdown=True)
        return parse_article(text, relative, markdown=suffix in MARKDOWN_SUFFIXES)
    except ArticleError:
        raise
    except Exception as error:  # a parser bug on one odd file must not stop the rest loading
        log.exception("Could not parse %s", relative)
        raise ArticleError(
            f"could not be parsed ({type(error).__name__}); the log has the details"
        ) from error


def _from_html(page: str) -> str:
    """A saved web page as Markdown with front matter: its main text, without menus, ads
    and footers, and its title, author, site, date and address, found by trafilatura."""
    import trafilatura  # only for folders that hold web pages
    from trafilatura.metadata import extract_metadata

    try:
        body = trafilatura.extract(
            page, output_format="markdown", include_formatting=True, include_tables=True
        )
        meta = extract_metadata(page) if body and body.strip() else None
    except Exception as error:  # one odd page must not stop the rest loading
        raise ArticleError(f"could not be read as a web page ({error}); save it as text") from error
    if not body or not body.strip() or meta is None:
        raise ArticleError("has no article text (no main text found in the page)")
    fields = {
        "title": meta.title,
        "author": meta.author,
        "outlet": meta.sitename,
        "date": meta.date,
        "url": meta.url,
    }
    declared = {name: value for name, value in fields.items() if value}
    if not declared:
        return body
    return f"---\n{yaml.safe_dump(declared, allow_unicode=True, sort_keys=False)}---\n{body}"


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
    declared, body_text = _front_matter(text, relative)
    lines = _strip_markdown(body_text) if markdown else _join_wrapped(_clean_lines(body_text))
    lines = _drop_trailer(lines)
    lines = _drop_chrome(lines)
    header, body, footer = _split_header_footer(lines, titled="title" in declared)
    detected = _detect_metadata(header, footer)
    if markdown and "title" not in detected and body and body[0].startswith("# "):
        detected["title"] = body[0].removeprefix("# ")  # a Markdown article's first heading
    meta = {**detected, **declared}
    paragraphs = _paragraphs(body)
    if not paragraphs:
        raise ArticleError("has no article text (it is empty or only site chrome)")
    source = Source(
        file=relative,
        title=meta.get("title"),
        author=meta.get("author"),
        outlet=meta.get("outlet"),
        date=meta.get("date"),
        url=meta.get("url"),
        extra=tuple((key, value) for key, value in declared.items() if key.startswith("extra:")),
        characters=sum(len(text) for text, _ in paragraphs),
        paragraphs=len(paragraphs),
    )
    extra = tuple((key.removeprefix("extra:"), value) for key, value in source.extra)
    groups = passage_groups(paragraphs)
    lead = _lead(groups[0][2][0]) if groups and groups[0][2] else None
    source = replace(source, extra=extra, passages=len(groups), lead=lead)
    return Article(
        source,
        tuple(
            Passage(f"{relative}#p{number}.{part}", source, number, sentences, section)
            for number, part, sentences, section in groups
        ),
    )


def _lead(sentence: str) -> str:
    """The first sentence, cut at a word near ``LEAD_CHARS`` with an ellipsis."""
    if len(sentence) <= LEAD_CHARS:
        return sentence
    return sentence[:LEAD_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _front_matter(text: str, relative: str) -> tuple[dict[str, str], str]:
    """YAML front matter fields (mapped to our names) and the text after it."""
    if not text.lstrip("\ufeff").startswith("---"):
        return {}, text
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as error:
        raise ArticleError(
            f"has front matter that is not valid YAML ({error}); fix or remove it"
        ) from error
    fields: dict[str, str] = {}
    for key, value in post.metadata.items():
        rendered = _render_value(value)
        if rendered is None:
            continue
        name = _FRONT_MATTER_FIELDS.get(str(key).lower())
        if name and name not in fields:
            fields[name] = rendered
        elif not name:
            fields[f"extra:{key}"] = rendered
    return fields, post.content


def _clean_lines(text: str) -> list[str]:
    """``clean_line`` of each line: one scan for invisible characters instead of one per line."""
    if strip_control(text) == text:
        return [line.strip() for line in text.splitlines()]
    return [clean_line(line) for line in text.splitlines()]


def _render_value(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value if item is not None) or None
    return clean_line(str(value)) or None


def _strip_markdown(text: str) -> list[str]:
    """Markdown source lines as plain text lines; headings keep a leading '#' marker."""
    lines: list[str] = []
    in_code = False
    for raw in text.splitlines():
        if raw.strip().startswith(("```", "~~~")):
            in_code = not in_code
            lines.append("")
            continue
        if in_code:
            continue
        line = raw
        heading = bool(_MD_HEADING.match(line))
        item = bool(_MD_LIST.match(line))
        if _MD_TABLE_ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            line = "" if _MD_TABLE_RULE.match(line) else " | ".join(c for c in cells if c)
            item = True
        line = _MD_HEADING.sub("", line)
        line = _MD_LIST.sub("", line)
        line = line.lstrip("> ") if line.startswith(">") else line
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_HTML.sub("", line)
        line = _MD_EMPHASIS.sub("", line)
        line = clean_line(line)
        if heading and line:
            line = "# " + line
        elif item and line:
            lines.append("")  # an item starts a paragraph; wrapped lines still join it
            line = _ITEM + line
        if re.fullmatch(r"[-*_=]{3,}", line):
            line = ""
        lines.append(line)
    return _join_wrapped(lines, always=True)


def _join_wrapped(lines: list[str], *, always: bool = False) -> list[str]:
    """Join soft-wrapped lines of one paragraph (always, in Markdown; by shape, in text)."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        continues = (
            line
            and previous
            and not previous.startswith("# ")
            and not line.startswith("# ")
            and (always or (not _ends_sentence(previous) and line[:1].islower()))
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
    return len(line.split()) >= 10 and _ends_sentence(line) and not line.startswith("# ")


def _split_header_footer(
    lines: list[str], *, titled: bool = False
) -> tuple[list[str], list[str], list[str]]:
    """Header (before the first body paragraph), body, footer (attribution at the end)."""
    content = [line for line in lines if line]
    start = next((i for i, line in enumerate(content) if _is_body_line(line)), 0)
    headings = [i for i, line in enumerate(content[:start]) if line.startswith("# ")]
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


def _paragraphs(body: Iterable[str]) -> list[tuple[str, str | None]]:
    """(paragraph, section heading) pairs; short unpunctuated lines become headings, except
    Markdown list items and table rows."""
    paragraphs: list[tuple[str, str | None]] = []
    section: str | None = None
    for line in body:
        plain = _plain(line)
        if not line.startswith(_ITEM) and (
            line.startswith("# ") or (not _ends_sentence(plain) and len(plain.split()) <= 12)
        ):
            section = plain
            continue
        paragraphs.append((plain, section))
    return paragraphs
