"""A saved generation's manifest: what it was built for, and every file it holds.

``manifest.json`` records the fingerprint and the size and XXH3-128 checksum of every
file written; ``verify`` checks them all, whole, so a damaged file is never used. XXH3
(the xxhash package) reads as fast as memory allows, ~4x SHA-256 here, so a million
passages' files (850 MB) are checked in about half a second.
"""

from __future__ import annotations

import json
import mmap
import os
import threading
import time
from pathlib import Path
from typing import Final, Literal

import xxhash
from cachetools import LRUCache, cached
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from retrieval.fingerprints import CACHE_FORMAT, Fingerprint

MANIFEST: Final = "manifest.json"


class Artifact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    size: int = Field(ge=0)
    xxh3_128: str


class Manifest(BaseModel):
    """``manifest.json``: what a generation was built for, and every file it holds."""

    model_config = ConfigDict(frozen=True)

    format: Literal[2]
    created: str = ""
    digest: str | None = None  # written since format 2 began; older ones: worked out
    fingerprint: Fingerprint
    artifacts: dict[str, Artifact] = Field(min_length=1)


def file_checksum(path: Path) -> str:
    """XXH3-128 of a saved file: made for integrity checks, and fast enough for every start."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return xxhash.xxh3_128().hexdigest()
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return xxhash.xxh3_128(mapped).hexdigest()  # from the page cache, no copies


def _artifacts(directory: Path) -> dict[str, Artifact]:
    """Size and checksum of every file but the manifest."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            artifact = Artifact(size=path.stat().st_size, xxh3_128=file_checksum(path))
            found[path.relative_to(directory).as_posix()] = artifact
    return found


@cached(LRUCache(maxsize=4), lock=threading.Lock())
def _parse_manifest(path: str, mtime_ns: int, size: int) -> Manifest | str:
    """The manifest at ``path`` as of that stat (a start reads it twice: parsed once)."""
    try:
        raw = json.loads(Path(path).read_bytes())
        if isinstance(raw, dict) and raw.get("format") != CACHE_FORMAT:
            return "manifest of another format"
        manifest = Manifest.model_validate(raw)
    except OSError as error:
        return f"no readable manifest ({error})"
    except (ValueError, ValidationError):
        return "the manifest is damaged"
    if manifest.digest is not None and manifest.digest != manifest.fingerprint.digest:
        return "the manifest is damaged (its fingerprint does not match its digest)"
    return manifest


def read_manifest(directory: Path) -> Manifest | str:
    """The parsed manifest, or why there is none usable."""
    path = directory / MANIFEST
    try:
        stat = path.stat()
    except OSError as error:
        return f"no readable manifest ({error.strerror or error})"
    return _parse_manifest(str(path), stat.st_mtime_ns, stat.st_size)


def verify(directory: Path, expected: Fingerprint | None = None) -> str | None:
    """Why the saved index in ``directory`` must not be used, or None when it is sound.

    Checks the manifest, the fingerprint it was built for, and the size and whole
    checksum of every file it lists (and that none is missing).
    """
    manifest = read_manifest(directory)
    if isinstance(manifest, str):
        return manifest
    if expected is not None and manifest.fingerprint.digest != expected.digest:
        return "built for other articles or settings"
    for name, artifact in manifest.artifacts.items():
        path = directory / name
        try:
            if path.stat().st_size != artifact.size:
                return f"{name} has the wrong size"
            if file_checksum(path) != artifact.xxh3_128:
                return f"{name} is damaged (checksum mismatch)"
        except OSError:
            return f"{name} is missing"
    return None


def write_manifest(directory: Path, fingerprint: Fingerprint) -> None:
    """Record ``fingerprint`` and every file in ``directory``, durably (written last: a
    folder without a manifest was never finished). ASCII JSON, so a file name's
    undecodable bytes survive as escapes."""
    manifest = Manifest(
        format=CACHE_FORMAT,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        digest=fingerprint.digest,
        fingerprint=fingerprint,
        artifacts=_artifacts(directory),
    )
    with (directory / MANIFEST).open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest.model_dump(mode="python"), ensure_ascii=True))
        handle.flush()
        os.fsync(handle.fileno())
