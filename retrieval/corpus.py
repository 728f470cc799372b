"""Load a folder of articles: list it safely, read and decode each file, parse it.

A file that cannot be read is reported by name and skipped; the rest still loads.
Listing the folder is ``retrieval.article_files``; parsing one article's text is
``retrieval.article_parser``; web pages are ``retrieval.web_pages``.
"""

from __future__ import annotations

import codecs
import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
from retrieval.article_parser import Article, ArticleError, parse_article
from retrieval.fingerprints import FileStamp
from retrieval.models import LoadProblem, Passage, Source
from retrieval.web_pages import PageError, page_as_markdown

__all__ = [  # the listing's names, for the callers that know them from here
    "ARTICLE_SUFFIXES",
    "Article",
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
