"""What a saved index is keyed by: every article's path, size and content hash.

A leaf module (it imports nothing of ours but the listing's type), so that the
data model, the passage store and the saved-index layer can all use stamps
without importing each other.

Modification times are kept only to skip re-hashing a file whose size and mtime are
unchanged (as git does): ``touch`` alone does not trigger a rebuild, any edit does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Final

from retrieval.article_files import ArticleFile

CACHE_FORMAT: Final = 2  # 2: XXH3-128 checksums of whole files (1: SHA-256 and samples)


def _bytes(text: str) -> bytes:
    """UTF-8, with a file name's undecodable bytes (surrogate-escaped) given back as they were."""
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class FileStamp:
    """One article file as the fingerprint sees it."""

    path: str  # relative to the corpus folder, forward slashes
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class Fingerprint:
    version: str
    files: tuple[FileStamp, ...]

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the version and each file's path, size and content hash (not mtimes)."""
        h = hashlib.sha256(_bytes(f"seedbot-index/{CACHE_FORMAT}\0{self.version}\0"))
        for stamp in self.files:
            h.update(_bytes(f"{stamp.path}\0{stamp.size}\0{stamp.sha256}\n"))
        return h.hexdigest()


def file_sha256(path: Path | str) -> str:
    """An article's content hash (part of the corpus fingerprint, computed once per edit)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` with forward slashes (a string cut: relative_to is slow;
    a linked file's resolved path may need ``os.path.relpath``)."""
    prefix = str(folder).rstrip(os.sep) + os.sep
    text = str(path)
    if text.startswith(prefix):
        return text[len(prefix) :].replace(os.sep, "/")
    return Path(os.path.relpath(path, folder)).as_posix()


def fingerprint(
    folder: Path,
    files: Sequence[Path | ArticleFile],
    version: str,
    previous: Fingerprint | None = None,
) -> Fingerprint:
    """The corpus fingerprint of ``files`` (paths, or a listing from ``scan_article_files``);
    hashes from ``previous`` are reused where size and mtime match."""
    listed = []
    for file in files:
        if isinstance(file, ArticleFile):
            listed.append(file)
            continue
        stat = file.stat()
        relative = _relative(file, folder)
        listed.append(ArticleFile(relative, str(file), stat.st_size, stat.st_mtime_ns))
    return Fingerprint(version, stamp_files(listed, previous))


def stamp_files(
    files: Sequence[ArticleFile], previous: Fingerprint | None = None
) -> tuple[FileStamp, ...]:
    """Stamps of listed files (``retrieval.article_files.scan_article_files``), without
    stat-ing again. Hashes from ``previous`` are reused where size and mtime match."""
    known = {stamp.path: stamp for stamp in previous.files} if previous else {}
    return tuple(
        _stamp(file, known.get(file.relative))
        for file in sorted(files, key=lambda file: file.relative)
    )


def _stamp(file: ArticleFile, old: FileStamp | None) -> FileStamp:
    if old is not None and old.size == file.size and old.mtime_ns == file.mtime_ns:
        return FileStamp(file.relative, file.size, file.mtime_ns, old.sha256)
    return FileStamp(file.relative, file.size, file.mtime_ns, file_sha256(file.location))
