"""List a folder's article files safely: what is read, and every entry that is not.

The corpus never reads outside its folder: a symbolic link is followed only when it
leads to a regular file inside the folder. Links out, links to folders, dangling links,
link loops, FIFOs, sockets and device files are skipped, and each is reported as a
``LoadProblem`` so that nothing is silently unused. A file name that is not valid UTF-8
is given a display name with U+FFFD for the undecodable bytes (every citation and JSON
stays valid Unicode); the file is still read through its real name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from retrieval.aliases import ALIASES_FILE
from retrieval.models import LoadProblem

HTML_SUFFIXES = (".html", ".htm")  # saved web pages: main text and metadata by trafilatura
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", *HTML_SUFFIXES)
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class ArticleFile:
    """One article file as listed: where it is, and its size and mtime from that listing."""

    relative: str  # relative to the corpus folder, forward slashes, valid Unicode
    location: str  # the path to open, as the OS gave it (a Path is made only when asked for)
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass(frozen=True)
class FolderListing(Sequence[ArticleFile]):
    """The article files of a folder in a stable order, and the entries skipped as unsafe."""

    files: tuple[ArticleFile, ...] = ()
    skipped: tuple[LoadProblem, ...] = ()

    def __len__(self) -> int:
        return len(self.files)

    @overload
    def __getitem__(self, index: int) -> ArticleFile: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ArticleFile]: ...
    def __getitem__(self, index: int | slice) -> ArticleFile | Sequence[ArticleFile]:
        return self.files[index]

    def __iter__(self) -> Iterator[ArticleFile]:
        return iter(self.files)


def display_name(name: str) -> str:
    """``name`` as valid Unicode: bytes that were not UTF-8 (surrogate-escaped) become U+FFFD."""
    if name.isascii():
        return name
    return os.fsencode(name).decode("utf-8", "replace")


@dataclass(frozen=True)
class _Entry:
    relative: str  # display name, relative to the folder
    location: str
    stat: os.stat_result | None  # of the file to read; None when skipped
    problem: str | None  # why it is skipped


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _entry(entry: os.DirEntry[str], relative: str, root: str) -> _Entry:
    """What to make of one directory entry that is not a real folder: a file to read, or
    why it is skipped."""

    def skipped(reason: str) -> _Entry:
        return _Entry(relative, entry.path, None, reason)

    try:
        if not entry.is_symlink():
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode):
                return _Entry(relative, entry.path, info, None)
            return skipped("is not a regular file (a FIFO, socket or device); not read")
        target = os.path.realpath(entry.path)
        info = os.stat(entry.path)
    except FileNotFoundError:
        return skipped("is a link to nothing (dangling); not read")
    except OSError as error:  # a link loop, a permission
        return skipped(f"could not be read ({error.strerror or error}); not read")
    if not _inside(target, root):
        return skipped(
            "is a link to a file outside the articles folder; not read (copy the file in instead)"
        )
    if stat.S_ISDIR(info.st_mode):
        return skipped("is a link to a folder; links to folders are not followed")
    if not stat.S_ISREG(info.st_mode):
        return skipped("is a link to something that is not a regular file; not read")
    return _Entry(relative, target, info, None)  # read through the resolved path


def _any_name(name: str) -> bool:
    return True


def _not_article(name: str) -> bool:
    return not name.lower().endswith(ARTICLE_SUFFIXES)


def _walk(folder: Path, wanted: Callable[[str], bool] = _any_name) -> Iterator[tuple[str, _Entry]]:
    """(entry name, entry) of everything under ``folder`` but folders, hidden names skipped;
    only names ``wanted`` are looked at (``stat``), so a listing of the others stays cheap."""
    root = os.path.realpath(folder)
    pending = [(str(folder), "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as error:
            if prefix:  # a sub-folder: say so (the folder itself is checked by the caller)
                reason = f"is a folder that could not be read ({error.strerror or error})"
                yield prefix.rstrip("/"), _Entry(prefix.rstrip("/"), directory, None, reason)
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            relative = prefix + display_name(name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{relative}/"))
                    continue
            except OSError:
                continue
            if wanted(name):
                yield name, _entry(entry, relative, root)


def scan_article_files(folder: Path) -> FolderListing:
    """The article files under ``folder`` with their stat, in a stable order, and the entries
    skipped as unsafe (links out of the folder, loops, FIFOs ...).

    One ``scandir`` walk and one ``stat`` per file: the passage store and the index
    share this listing (and the fingerprint made from it) instead of each listing again.
    """
    found: dict[str, ArticleFile] = {}
    skipped: list[LoadProblem] = []
    for name, entry in _walk(folder):
        if entry.problem is not None:
            skipped.append(LoadProblem(entry.relative, entry.problem))
        elif entry.stat is not None and name.lower().endswith(ARTICLE_SUFFIXES):
            relative = entry.relative
            copy = 2
            while relative in found:  # two names that differ only in undecodable bytes
                relative = f"{entry.relative}~{copy}"
                copy += 1
            found[relative] = ArticleFile(
                relative, entry.location, entry.stat.st_size, entry.stat.st_mtime_ns
            )
    files = sorted(found.values(), key=lambda file: file.relative)
    return FolderListing(tuple(files), tuple(sorted(skipped, key=lambda p: p.file)))


def ignored_files(folder: Path, limit: int = 1000) -> list[str]:
    """Files under ``folder`` that are not articles (.pdf, .docx, .epub ...), relative, sorted:
    front ends name them, so that a file dropped in the wrong format is not silently unused.

    The aliases file is not counted; at most ``limit`` are listed. Entries skipped as
    unsafe are reported by ``scan_article_files`` instead.
    """
    found: list[str] = []
    for name, entry in _walk(folder, _not_article):  # no stat of the (many) articles
        if entry.problem is not None:
            continue
        if name != ALIASES_FILE:
            found.append(entry.relative)
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
