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
  ``manifest.json`` that records the fingerprint and the size and XXH3-128
  checksum of every file written. Loading checks every size and every whole
  checksum, and rebuilds on any mismatch: a damaged file is never used. XXH3
  (the xxhash package) reads as fast as memory allows, ~4x SHA-256 here, so a
  million passages' files (850 MB) are checked in about half a second;
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
import mmap
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import xxhash

from retrieval.corpus import ArticleFile

if TYPE_CHECKING:
    from retrieval.fastbm25 import FastBM25
    from retrieval.fastbm25.bulk import TermIds

log = logging.getLogger(__name__)

CACHE_DIRNAME: Final = ".seedbot-index"
MANIFEST: Final = "manifest.json"
FILES_DIRNAME: Final = "files"  # FileMemo entries, shared by every generation
PASSAGES_DIRNAME: Final = "passages"  # the saved passage store (retrieval.passage_store)
CACHE_FORMAT: Final = 2  # 2: XXH3-128 checksums of whole files (1: SHA-256 and samples)
_TMP_PREFIX: Final = "tmp-"

T = TypeVar("T")
B = TypeVar("B")  # what a build makes and saves; loading gives a T


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

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the version and each file's path, size and content hash (not mtimes)."""
        h = hashlib.sha256(f"seedbot-index/{CACHE_FORMAT}\0{self.version}\0".encode())
        for stamp in self.files:
            h.update(f"{stamp.path}\0{stamp.size}\0{stamp.sha256}\n".encode())
        return h.hexdigest()

    def to_json(self) -> dict[str, Any]:
        # vars(): the fields in order, as asdict gives them, without its deep copy (10x slower)
        return {"version": self.version, "files": [vars(stamp) for stamp in self.files]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(str(data["version"]), tuple(FileStamp(**stamp) for stamp in data["files"]))


def file_sha256(path: Path) -> str:
    """An article's content hash (part of the corpus fingerprint, computed once per edit)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_checksum(path: Path) -> str:
    """XXH3-128 of a saved file: made for integrity checks, and fast enough for every start."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return xxhash.xxh3_128().hexdigest()
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return xxhash.xxh3_128(mapped).hexdigest()  # from the page cache, no copies


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
    listed = []
    for path in files:
        stat = path.stat()
        listed.append(
            ArticleFile(_relative(path, folder), str(path), stat.st_size, stat.st_mtime_ns)
        )
    return Fingerprint(version, stamp_files(listed, previous))


def stamp_files(
    files: Sequence[ArticleFile], previous: Fingerprint | None = None
) -> tuple[FileStamp, ...]:
    """Stamps of listed files (``retrieval.corpus.scan_article_files``), without stat-ing again.

    Hashes from ``previous`` are reused where size and mtime match.
    """
    known = {stamp.path: stamp for stamp in previous.files} if previous else {}
    return tuple(
        _stamp(file.relative, file.location, file.size, file.mtime_ns, known.get(file.relative))
        for file in sorted(files, key=lambda file: file.relative)
    )


def _stamp(
    relative: str, path: Path | str, size: int, mtime_ns: int, old: FileStamp | None
) -> FileStamp:
    if old is not None and old.size == size and old.mtime_ns == mtime_ns:
        return FileStamp(relative, size, mtime_ns, old.sha256)
    return FileStamp(relative, size, mtime_ns, file_sha256(Path(path)))


# --------------------------------------------------------------- manifests
def _artifacts(directory: Path) -> dict[str, dict[str, Any]]:
    """Size and checksum of every file but the manifest."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            info = {"size": path.stat().st_size, "xxh3_128": file_checksum(path)}
            found[path.relative_to(directory).as_posix()] = info
    return found


_manifests: dict[tuple[str, int, int], Any] = {}  # the last manifests read, by path and stat


def _read_manifest(directory: Path) -> dict[str, Any] | str:
    """The parsed manifest, or why there is none usable.

    A start reads the same manifest (1.5 MB at 10,000 articles) for the previous
    generation's hashes and to verify it: it is parsed once.
    """
    path = directory / MANIFEST
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        manifest = _manifests.get(key)
        if manifest is None:
            manifest = json.loads(path.read_text("utf-8"))
            if len(_manifests) >= 4:
                _manifests.clear()
            _manifests[key] = manifest
    except (OSError, ValueError) as error:
        return f"no readable manifest ({error})"
    if not isinstance(manifest, dict) or manifest.get("format") != CACHE_FORMAT:
        return "manifest of another format"
    return manifest


def verify(directory: Path, expected: Fingerprint | None = None) -> str | None:
    """Why the saved index in ``directory`` must not be used, or None when it is sound.

    Checks the manifest, the fingerprint it was built for, and the size and whole
    checksum of every file it lists (and that none is missing).
    """
    manifest = _read_manifest(directory)
    if isinstance(manifest, str):
        return manifest
    if expected is not None:
        digest = manifest.get("digest")  # written since; older manifests: worked out
        if not isinstance(digest, str):
            try:
                digest = Fingerprint.from_json(manifest["fingerprint"]).digest
            except (KeyError, TypeError, ValueError):
                return "manifest without a valid fingerprint"
        if digest != expected.digest:
            return "built for other articles or settings"
    return _check_artifacts(directory, manifest.get("artifacts"))


def _check_artifacts(directory: Path, listed: Any) -> str | None:
    if not isinstance(listed, dict) or not listed:
        return "manifest lists no files"
    for name, info in listed.items():
        path = directory / name
        try:
            if path.stat().st_size != info["size"]:
                return f"{name} has the wrong size"
            if file_checksum(path) != info["xxh3_128"]:
                return f"{name} is damaged (checksum mismatch)"
        except OSError:
            return f"{name} is missing"
        except (KeyError, TypeError, ValueError):
            return "manifest of another format"
    return None


_background: list[threading.Thread] = []


def _in_background(name: str, work: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    _background[:] = [other for other in _background if other.is_alive()] + [thread]
    return thread


def start_loading_kernels() -> None:
    """Import numba and load FastBM25's compiled kernels in the background (~1 s of start-up).

    Until they are loaded, queries use the numpy kernel (``retrieval.fastbm25.compiled``).
    """
    from retrieval.fastbm25 import compiled

    compiled.start_loading()


def wait_for_background_work() -> None:
    """Wait for the checks and loads started so far: before forking, in tests, in tools."""
    for thread in list(_background):
        thread.join()
    if "retrieval.fastbm25.compiled" in sys.modules:
        sys.modules["retrieval.fastbm25.compiled"].wait()


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
            "digest": fingerprint.digest,
            "fingerprint": fingerprint.to_json(),
            "artifacts": _artifacts(tmp),
        }
        with (tmp / MANIFEST).open("w", encoding="utf-8") as handle:
            handle.write(json.dumps(manifest))  # dumps: C encoder (dump's is pure Python)
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


def latest_generation(root: Path) -> tuple[Path, Fingerprint] | None:
    """The newest finished generation under ``root`` and its fingerprint (to reuse its hashes)."""
    if not root.is_dir():
        return None
    manifests = sorted(root.glob(f"*/{MANIFEST}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in manifests:
        manifest = _read_manifest(path.parent)
        try:
            if isinstance(manifest, dict):
                return path.parent, Fingerprint.from_json(manifest["fingerprint"])
        except (ValueError, KeyError, TypeError):
            continue
    return None


def _latest_fingerprint(root: Path) -> Fingerprint | None:
    latest = latest_generation(root)
    return latest[1] if latest else None


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
    files: Sequence[Path] = (),
    stamps: Sequence[FileStamp] | None = None,
    version: str,
    build: Callable[[], B],
    save: Callable[[B, Path], None],
    load: Callable[[Path], T],
    cache_root: Path | None = None,
) -> tuple[T, CacheStatus]:
    """The index for ``files`` under ``folder``: loaded when a sound one is saved, else built.

    ``stamps`` (from ``stamp_files``) stand for ``files`` when the caller has them
    already, so that the files are not listed and hashed again.
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
    if stamps is None:
        current = fingerprint(folder, files, version, _latest_fingerprint(root))
    else:
        current = Fingerprint(version, tuple(stamps))
    name = current.digest[:32]
    directory = root / name
    status = CacheStatus.BUILT
    if directory.exists():
        problem = verify(directory, current)
        if problem is None:
            try:
                loaded = load(directory / "index")
            except (OSError, ValueError, KeyError) as error:
                problem = f"could not be opened ({error})"
            else:
                return loaded, CacheStatus.LOADED
        log.warning("Saved index %s not used: %s; rebuilding", directory, problem)
        status = CacheStatus.REBUILT
    elif root.is_dir() and any(root.glob(f"*/{MANIFEST}")):
        status = CacheStatus.REBUILT
        log.info("Articles changed since the saved index; rebuilding")
    built: list[B] = [build()]

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
    files: Sequence[Path] = (),
    stamps: Sequence[FileStamp] | None = None,
    texts: Callable[[], Sequence[str]],
    terms: Callable[[], TermIds | None] | None = None,
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
    build, unless ``terms()`` gives their terms already); ``n_passages`` is how many the engine holds, so an index of another
    passage list is never used. ``stamps`` stand for ``files`` when the caller
    has them (see ``load_or_build``). ``version`` names the tokenizer and passage
    splitting; BM25 parameters and the index format are added here.
    ``workers`` > 1 forks tokenizing processes: pass ``os.cpu_count()`` from
    ``seedbot index``, keep 1 inside the running bot (forking a process that
    runs threads is unsafe).
    """
    from retrieval.fastbm25 import FastBM25
    from retrieval.fastbm25.index import FORMAT_VERSION

    def build() -> FastBM25:
        ids = terms() if terms is not None else None
        if ids is not None and ids.n_passages == n_passages:
            started = time.perf_counter()
            index = FastBM25.build_from_terms(ids, k1=k1, b=b, epsilon=epsilon)
            log.info("Index built from the parse's terms in %.1fs", time.perf_counter() - started)
            return index
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
        folder,
        files=files,
        stamps=stamps,
        version=full_version,
        build=build,
        save=FastBM25.save,
        load=load,
    )
    index.warm_up(wait=False)  # queries use numpy until the compiled kernels are loaded
    return index, status
