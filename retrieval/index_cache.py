"""Build the index once, start fast: a saved index keyed by the corpus content.

A restart with unchanged articles must not pay for tokenizing and indexing a
million passages again, and a changed, damaged or half-written index must
never be used. So:

* the corpus *fingerprint* (``retrieval.fingerprints``) is every article's path,
  size and SHA-256, plus a version string for the tokenizer and settings; its
  digest names the saved index;
* a saved index lives in ``<corpus>/.seedbot-index/<digest>/`` with a
  ``manifest.json`` (``retrieval.manifests``) that records the fingerprint and the
  size and checksum of every file written. Loading checks them all, whole, and
  rebuilds on any mismatch: a damaged file is never used;
* indexes are written to a temporary folder beside the final one and renamed
  into place, so a crash leaves either the old index or the new one, never a
  mix; older generations are removed after a successful build;
* builders take a lock file (``build.lock``) first, so two processes starting on
  one new folder build once: the second waits, then loads what the first saved;
* a folder that cannot be written to is reported as ``ReadOnlyFolder`` before
  anything is built, so the caller builds in memory instead (and can say so).

BM25's IDF is global, so the postings themselves are always rebuilt as a whole.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from retrieval.fingerprints import (
    CACHE_FORMAT,
    FileStamp,
    Fingerprint,
    fingerprint,
)
from retrieval.manifests import MANIFEST, read_manifest, verify, write_manifest

if TYPE_CHECKING:
    from retrieval.article_files import ArticleFile
    from retrieval.fastbm25 import FastBM25
    from retrieval.fastbm25.bulk import TermIds

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux; builders then do not lock
    fcntl = None  # type: ignore[assignment]

__all__ = [  # FileStamp, Fingerprint, CACHE_FORMAT and MANIFEST live in their own modules
    "CACHE_DIRNAME",
    "CACHE_FORMAT",
    "LOAD_ERRORS",
    "LOCK_FILE",
    "MANIFEST",
    "PASSAGES_DIRNAME",
    "CacheStatus",
    "FileStamp",
    "Fingerprint",
    "ReadOnlyFolder",
    "build_lock",
    "latest_generation",
    "load_or_build",
    "load_or_build_fast",
    "start_loading_kernels",
    "wait_for_background_work",
    "write_atomically",
]

log = logging.getLogger(__name__)

CACHE_DIRNAME: Final = ".seedbot-index"
PASSAGES_DIRNAME: Final = "passages"  # the saved passage store (retrieval.passage_store)
LOCK_FILE: Final = "build.lock"
_TMP_PREFIX: Final = "tmp-"
# What ``load`` may raise on a damaged index: it is then rebuilt, never used.
LOAD_ERRORS: Final = (OSError, ValueError, KeyError, TypeError, IndexError)

T = TypeVar("T")
B = TypeVar("B")  # what a build makes and saves; loading gives a T


class CacheStatus(StrEnum):
    """What became of the saved index (or passages), in words a front end can show."""

    LOADED = "loaded"  # a valid saved index was used
    BUILT = "built"  # none existed for this corpus: built and saved
    REBUILT = "rebuilt"  # one existed but was damaged or stale: rebuilt and saved
    SMALL = "not saved: small corpus"  # parsing is quicker than loading a saved copy
    READ_ONLY = "not saved: folder is read-only"
    NOT_SAVED = "not saved: could not write it"  # a full disk, say: see the log
    NO_FOLDER = "not saved: no articles folder"

    @property
    def saved(self) -> bool:
        """Whether a saved copy was used or written."""
        return self in (CacheStatus.LOADED, CacheStatus.BUILT, CacheStatus.REBUILT)


class ReadOnlyFolder(OSError):
    """The index folder cannot be written: build in memory instead, and say why."""


# ------------------------------------------------------ background work
def start_loading_kernels() -> None:
    """Import numba and load FastBM25's compiled kernels in the background (~1 s of start-up).

    Until they are loaded, queries use the numpy kernel (``retrieval.fastbm25.compiled``).
    """
    from retrieval.fastbm25 import compiled

    compiled.start_loading()


def wait_for_background_work() -> None:
    """Wait for the kernels' background load: before forking, in tests, in tools."""
    if "retrieval.fastbm25.compiled" in sys.modules:
        sys.modules["retrieval.fastbm25.compiled"].wait()


# ------------------------------------------------------------- writing
_READ_ONLY_ERRORS: Final = (errno.EACCES, errno.EPERM, errno.EROFS)


def _open_lock_file(path: Path) -> int:
    """The lock file, opened for writing: the first write a build makes."""
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold ``root``'s build lock (waiting for another builder); ``ReadOnlyFolder`` when
    ``root`` cannot be written to."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = _open_lock_file(root / LOCK_FILE)
    except OSError as error:
        if error.errno in _READ_ONLY_ERRORS:
            raise ReadOnlyFolder(error.errno, f"{root} is read-only ({error.strerror})") from error
        raise
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("Another process is building the index in %s; waiting for it", root)
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_atomically(
    root: Path, name: str, fill: Callable[[Path], None], fingerprint: Fingerprint
) -> Path:
    """Let ``fill`` write into a temporary folder, add the manifest, then rename it to ``root/name``.

    The manifest is written last, so a folder without one was never finished. Folders
    and files get the normal mode (the umask decides, as for any file the user makes).
    """
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f"{_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        fill(tmp)
        write_manifest(tmp, fingerprint)
        final = root / name
        if final.exists():  # a damaged generation
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
    dated = []
    for path in root.glob(f"*/{MANIFEST}"):
        with contextlib.suppress(OSError):  # removed by a builder meanwhile
            dated.append((path.stat().st_mtime, path))
    for _, path in sorted(dated, reverse=True):
        manifest = read_manifest(path.parent)
        if not isinstance(manifest, str):
            return path.parent, manifest.fingerprint
    return None


def _remove_others(root: Path, keep: str) -> None:
    """Delete older generations and abandoned temporary folders (under the build lock)."""
    for entry in root.iterdir():
        if not entry.is_dir() or entry.name in (keep, PASSAGES_DIRNAME):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _mark(directory: Path) -> tuple[int, int] | None:
    """Which write of ``directory``'s manifest is there (None: none), to notice a new one."""
    try:
        stat = (directory / MANIFEST).stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def _load_saved(
    directory: Path, expected: Fingerprint, load: Callable[[Path], T]
) -> tuple[T | None, str | None]:
    """The saved index in ``directory`` when sound, else why not."""
    problem = verify(directory, expected)
    if problem is not None:
        return None, problem
    try:
        return load(directory / "index"), None
    except LOAD_ERRORS as error:
        return None, f"could not be opened ({error})"


def load_or_build(
    folder: Path | str,
    *,
    files: Sequence[Path | ArticleFile] = (),
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
    serves exactly what a restart would load. Raises ``ReadOnlyFolder`` (before
    building) when the index must be built but cannot be saved.
    """
    folder = Path(folder)
    root = cache_root or folder / CACHE_DIRNAME
    if stamps is None:
        latest = latest_generation(root)
        current = fingerprint(folder, files, version, latest[1] if latest else None)
    else:
        current = Fingerprint(version, tuple(stamps))
    name = current.digest[:32]
    directory = root / name
    status = CacheStatus.BUILT
    seen = _mark(directory)
    if directory.exists():
        loaded, problem = _load_saved(directory, current, load)
        if loaded is not None:
            return loaded, CacheStatus.LOADED
        log.warning("Saved index %s not used: %s; rebuilding", directory, problem)
        status = CacheStatus.REBUILT
    elif root.is_dir() and any(root.glob(f"*/{MANIFEST}")):
        status = CacheStatus.REBUILT
        log.info("Articles changed since the saved index; rebuilding")
    with build_lock(root):
        if _mark(directory) not in (None, seen):  # another process built it while we waited
            loaded, _ = _load_saved(directory, current, load)
            if loaded is not None:
                log.info("Loaded the index another process just built in %s", directory)
                return loaded, CacheStatus.LOADED
        built: list[B] = [build()]

        def fill(tmp: Path) -> None:
            save(built.pop(), tmp / "index")  # popped: the build's copy is freed once saved

        final = write_atomically(root, name, fill, current)
        _remove_others(root, keep=final.name)
    # Serve what a restart would load (memory-mapped), not the build's in-memory copy.
    return load(final / "index"), status


def load_or_build_fast(
    folder: Path | str,
    *,
    files: Sequence[Path | ArticleFile] = (),
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
    runs threads is unsafe). Raises ``ReadOnlyFolder`` when it must be built and
    cannot be saved.
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
