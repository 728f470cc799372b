"""Build the index once, start fast: a saved index keyed by the corpus content.

A restart with unchanged articles must not pay for tokenizing and indexing a
million passages again, and a changed, damaged or half-written index must
never be used. So:

* the corpus *fingerprint* is every article's path, size and SHA-256, plus a
  version string for the tokenizer and settings; its digest names the saved
  index. Modification times are kept only to skip re-hashing a file whose
  size and mtime are unchanged (as git does), so ``touch`` alone does not
  trigger a rebuild but any edit does;
* a saved index lives in ``<corpus>/.seedbot-index/<digest>/`` with a
  ``manifest.json`` that records the fingerprint and the size and SHA-256 of
  every file written; loading re-checks them all and rebuilds on any mismatch;
* indexes are written to a temporary folder beside the final one and renamed
  into place, so a crash leaves either the old index or the new one, never a
  mix; older generations are removed after a successful build.

``FileMemo`` keeps per-article results (parsed passages, tokens) keyed by the
file's content hash, so after an edit only the changed files are parsed again.
BM25's IDF is global, so the postings themselves are always rebuilt as a whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

if TYPE_CHECKING:
    from retrieval.fastbm25 import FastBM25

log = logging.getLogger(__name__)

CACHE_DIRNAME: Final = ".seedbot-index"
MANIFEST: Final = "manifest.json"
FILES_DIRNAME: Final = "files"  # FileMemo entries, shared by every generation
PASSAGES_DIRNAME: Final = "passages"  # the saved passage store (retrieval.passage_store)
CACHE_FORMAT: Final = 1
_TMP_PREFIX: Final = "tmp-"
_HASH_CHUNK: Final = 1 << 20

T = TypeVar("T")


class CacheStatus(Enum):
    LOADED = "loaded"  # a valid saved index was used
    BUILT = "built"  # none existed for this corpus: built and saved
    REBUILT = "rebuilt"  # one existed but was damaged or stale: rebuilt and saved


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

    @property
    def digest(self) -> str:
        """SHA-256 of the version and each file's path, size and content hash (not mtimes)."""
        h = hashlib.sha256(f"seedbot-index/{CACHE_FORMAT}\0{self.version}\0".encode())
        for stamp in self.files:
            h.update(f"{stamp.path}\0{stamp.size}\0{stamp.sha256}\n".encode())
        return h.hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "files": [asdict(stamp) for stamp in self.files]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(str(data["version"]), tuple(FileStamp(**stamp) for stamp in data["files"]))


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` with forward slashes (a string cut: relative_to is slow)."""
    prefix = str(folder).rstrip(os.sep) + os.sep
    text = str(path)
    if text.startswith(prefix):
        return text[len(prefix) :].replace(os.sep, "/")
    return path.relative_to(folder).as_posix()


def fingerprint(
    folder: Path,
    files: Sequence[Path],
    version: str,
    previous: Fingerprint | None = None,
) -> Fingerprint:
    """The corpus fingerprint; hashes from ``previous`` are reused where size and mtime match."""
    known = {stamp.path: stamp for stamp in previous.files} if previous else {}
    stamps = []
    named = sorted((_relative(path, folder), path) for path in files)
    for relative, path in named:
        stat = path.stat()
        old = known.get(relative)
        if old is not None and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
            digest = old.sha256
        else:
            digest = file_sha256(path)
        stamps.append(FileStamp(relative, stat.st_size, stat.st_mtime_ns, digest))
    return Fingerprint(version, tuple(stamps))


# --------------------------------------------------------------- manifests
def _artifacts(directory: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file under ``directory`` except the manifest."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            found[path.relative_to(directory).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": file_sha256(path),
            }
    return found


def verify(directory: Path, expected: Fingerprint | None = None) -> str | None:
    """Why the saved index in ``directory`` must not be used, or None when it is sound.

    Checks the manifest, the fingerprint it was built for, and the size and
    checksum of every file it lists (and that no listed file is missing).
    """
    try:
        manifest = json.loads((directory / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as error:
        return f"no readable manifest ({error})"
    if not isinstance(manifest, dict) or manifest.get("format") != CACHE_FORMAT:
        return "manifest of another format"
    if expected is not None:
        try:
            built_for = Fingerprint.from_json(manifest["fingerprint"])
        except (KeyError, TypeError, ValueError):
            return "manifest without a valid fingerprint"
        if built_for.digest != expected.digest:
            return "built for other articles or settings"
    listed = manifest.get("artifacts")
    if not isinstance(listed, dict) or not listed:
        return "manifest lists no files"
    for name, info in listed.items():
        path = directory / name
        try:
            if path.stat().st_size != info["size"]:
                return f"{name} has the wrong size"
            if file_sha256(path) != info["sha256"]:
                return f"{name} is damaged (checksum mismatch)"
        except OSError:
            return f"{name} is missing"
    return None


def write_atomically(
    root: Path, name: str, fill: Callable[[Path], None], fingerprint: Fingerprint
) -> Path:
    """Let ``fill`` write into a temporary folder, add the manifest, then rename it to ``root/name``.

    The manifest is written last, so a folder without one was never finished.
    """
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=root))
    try:
        fill(tmp)
        manifest = {
            "format": CACHE_FORMAT,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "fingerprint": fingerprint.to_json(),
            "artifacts": _artifacts(tmp),
        }
        with (tmp / MANIFEST).open("w", encoding="utf-8") as handle:
            json.dump(manifest, handle)
            handle.flush()
            os.fsync(handle.fileno())
        final = root / name
        if final.exists():  # a damaged generation, or one another process just wrote
            shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _latest_fingerprint(root: Path) -> Fingerprint | None:
    """The fingerprint of the newest finished generation, to reuse its file hashes."""
    manifests = sorted(root.glob(f"*/{MANIFEST}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in manifests:
        try:
            return Fingerprint.from_json(json.loads(path.read_text("utf-8"))["fingerprint"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def _remove_others(root: Path, keep: str) -> None:
    """Delete older generations and abandoned temporary folders (not the per-file memo)."""
    for entry in root.iterdir():
        if not entry.is_dir() or entry.name in (keep, FILES_DIRNAME, PASSAGES_DIRNAME):
            continue
        if entry.name.startswith(_TMP_PREFIX) and time.time() - entry.stat().st_mtime < 3600:
            continue  # another process may still be writing it
        shutil.rmtree(entry, ignore_errors=True)


def load_or_build(
    folder: Path | str,
    *,
    files: Sequence[Path],
    version: str,
    build: Callable[[], T],
    save: Callable[[T, Path], None],
    load: Callable[[Path], T],
    cache_root: Path | None = None,
) -> tuple[T, CacheStatus]:
    """The index for ``files`` under ``folder``: loaded when a sound one is saved, else built.

    ``version`` must change whenever the tokenizer or any setting that changes
    the index changes (e.g. ``f"{TOKENIZER_VERSION}|k1={k1}|b={b}|eps={epsilon}"``).
    ``build()`` makes the index (show progress there), ``save(index, dir)``
    writes it into a folder that does not exist yet, ``load(dir)`` opens it; a
    ``load`` that raises makes the saved index count as damaged, so it is
    rebuilt. A fresh build is saved and then loaded back, so the caller always
    serves exactly what a restart would load.
    """
    folder = Path(folder)
    root = cache_root or folder / CACHE_DIRNAME
    previous = _latest_fingerprint(root) if root.is_dir() else None
    current = fingerprint(folder, files, version, previous)
    name = current.digest[:32]
    directory = root / name
    status = CacheStatus.BUILT
    if directory.exists():
        problem = verify(directory, current)
        if problem is None:
            try:
                return load(directory / "index"), CacheStatus.LOADED
            except (OSError, ValueError, KeyError) as error:
                problem = f"could not be opened ({error})"
        log.warning("Saved index %s not used: %s; rebuilding", directory, problem)
        status = CacheStatus.REBUILT
    elif previous is not None:
        status = CacheStatus.REBUILT
        log.info("Articles changed since the saved index; rebuilding")
    built: list[T] = [build()]

    def fill(tmp: Path) -> None:
        save(built.pop(), tmp / "index")  # popped: the build's copy is freed once saved

    final = write_atomically(root, name, fill, current)
    # Serve what a restart would load (memory-mapped), not the build's in-memory copy.
    _remove_others(root, keep=final.name)
    return load(final / "index"), status


class FileMemo:
    """Per-article results (JSON-able) keyed by the file's content hash and a version.

    Lets a rebuild re-parse only the articles that changed: ``get`` the stamp's
    payload, or compute and ``put`` it. Writes are atomic; an unreadable entry
    counts as missing. Entries of files no longer in the corpus are pruned by
    ``prune``.
    """

    def __init__(self, root: Path, version: str) -> None:
        self.root = root
        self.tag = hashlib.sha256(version.encode()).hexdigest()[:12]

    @classmethod
    def for_corpus(cls, folder: Path, version: str) -> FileMemo:
        """The memo kept beside the corpus's saved indexes."""
        return cls(folder / CACHE_DIRNAME / FILES_DIRNAME, version)

    def _path(self, stamp: FileStamp) -> Path:
        return self.root / f"{stamp.sha256[:40]}-{self.tag}.json"

    def get(self, stamp: FileStamp) -> Any | None:
        try:
            return json.loads(self._path(stamp).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, stamp: FileStamp, payload: Any) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self._path(stamp)
        fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=self.root)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self, keep: Sequence[FileStamp]) -> None:
        wanted = {self._path(stamp).name for stamp in keep}
        if self.root.is_dir():
            for entry in self.root.glob("*.json"):
                if entry.name not in wanted:
                    entry.unlink(missing_ok=True)


def load_or_build_fast(
    folder: Path | str,
    *,
    files: Sequence[Path],
    texts: Callable[[], Sequence[str]],
    n_passages: int,
    version: str,
    k1: float = 1.5,
    b: float = 0.75,
    epsilon: float = 0.25,
    progress: bool = False,
    workers: int = 1,
) -> tuple[FastBM25, CacheStatus]:
    """The FastBM25 index of a corpus's passages, from ``<folder>/.seedbot-index`` when sound.

    ``texts()`` gives every passage's text in engine order (called only to
    build); ``n_passages`` is how many the engine holds, so an index of another
    passage list is never used. ``version`` names the tokenizer and passage
    splitting; BM25 parameters and the index format are added here.
    ``workers`` > 1 forks tokenizing processes: pass ``os.cpu_count()`` from
    ``seedbot index``, keep 1 inside the running bot (forking a process that
    runs threads is unsafe).
    """
    from retrieval.fastbm25 import FastBM25
    from retrieval.fastbm25.index import FORMAT_VERSION

    def build() -> FastBM25:
        return FastBM25.build_from_texts(
            texts(), k1=k1, b=b, epsilon=epsilon, progress=progress,
            workers=workers,
        )  # fmt: skip

    def load(directory: Path) -> FastBM25:
        index = FastBM25.load(directory, mmap=True)
        if index.n_docs != n_passages:
            raise ValueError(f"index has {index.n_docs} passages, the corpus {n_passages}")
        return index

    full_version = f"{version}|fastbm25={FORMAT_VERSION}|k1={k1}|b={b}|epsilon={epsilon}"
    index, status = load_or_build(
        folder, files=files, version=full_version, build=build, save=FastBM25.save, load=load
    )
    index.warm_up()
    return index, status
