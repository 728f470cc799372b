"""Passages saved beside the index, so a start with unchanged articles skips parsing them.

The store's format is ``retrieval.store_format``. Building the store parses the articles in a pool of processes, each sending back the
store's rows for a run of files (``StoreRows``), merged in file order so passage ids and
order are those of ``load_corpus``. Articles unchanged since the previous store (same
content hash) are copied from it instead of being parsed again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from retrieval.article_files import ArticleFile, FolderListing, scan_article_files
from retrieval.corpus import ArticleError, Corpus, load_corpus, read_article
from retrieval.fastbm25.bulk import TermIds, forget_words
from retrieval.fingerprints import FileStamp, Fingerprint, stamp_files
from retrieval.index_cache import (
    CACHE_DIRNAME,
    LOAD_ERRORS,
    PASSAGES_DIRNAME,
    CacheStatus,
    ReadOnlyFolder,
    latest_generation,
    load_or_build,
)
from retrieval.manifests import verify
from retrieval.models import LoadProblem, Passage, Source
from retrieval.store_format import SENTENCE_SEPARATOR, PassageStore, StoreRows

__all__ = [
    "CACHE_MIN_BYTES",
    "SENTENCE_SEPARATOR",
    "PassageStore",
    "StoreRows",
    "load_corpus_cached",
    "parse_rows",
    "parse_store",
]

log = logging.getLogger(__name__)

FILES_PER_TASK = 50  # articles one parsing task handles (~2 MB of text)


def parse_rows(
    folder: Path, relatives: Sequence[str], locations: dict[str, str] | None = None
) -> StoreRows:
    """Parse consecutive article files into store rows (in a worker process, or inline).

    ``locations`` gives the path to open for a relative name that is not simply
    ``folder / relative`` (a link, a file name that is not valid UTF-8).
    """
    sources: list[Source] = []
    passages: list[Passage] = []
    problems: list[LoadProblem] = []
    for relative in relatives:
        location = (locations or {}).get(relative)
        try:
            article = read_article(Path(location) if location else folder / relative, relative)
        except ArticleError as error:
            log.debug("Skipped %s: %s", relative, error)
            problems.append(LoadProblem(relative, str(error)))
            continue
        sources.append(article.source)
        passages.extend(article.passages)
    return StoreRows.of(sources, passages, problems, with_terms=True)


STORE_VERSION = "2"  # 2: sources carry a derived title
CACHE_MIN_BYTES = 1_000_000  # smaller corpora parse in well under a second: not worth a file


def load_corpus_cached(
    folder: Path | str,
    *,
    version: str,
    workers: int = 1,
    files: Sequence[ArticleFile] | None = None,
) -> tuple[Corpus, CacheStatus]:
    """The corpus, from its saved passage store when the articles are unchanged.

    Returns the corpus and what became of the store: ``CacheStatus.LOADED``, ``BUILT``
    or ``REBUILT`` when one was used or saved, else why not (``SMALL``, ``READ_ONLY``,
    ``NOT_SAVED``, ``NO_FOLDER``; ``status.saved`` tells which kind). ``version`` names
    the parsing. ``files`` is the folder's listing (``scan_article_files``) when the
    caller has made it already. A corpus from the store carries its files' fingerprint
    stamps (``Corpus.stamps``), for the index to reuse. ``workers`` > 1 forks that many
    parsing processes when the store is built: only outside a running bot (forking a
    process that runs threads is unsafe).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return load_corpus(folder), CacheStatus.NO_FOLDER
    if files is None:
        files = scan_article_files(folder)
    listing = files if isinstance(files, FolderListing) else FolderListing(tuple(files))
    if sum(file.size for file in listing) < CACHE_MIN_BYTES:
        return load_corpus(folder, listing), CacheStatus.SMALL
    root = folder / CACHE_DIRNAME / PASSAGES_DIRNAME
    full_version = f"{version}|store={STORE_VERSION}"
    base = str(folder)  # the strings first: building 20,000 Paths took ~0.1 s at 10k files
    locations = {
        file.relative: file.location
        for file in listing
        if file.location != os.path.join(base, file.relative)
        and Path(file.location) != folder / file.relative
    }
    try:
        previous = latest_generation(root)
        stamps = stamp_files(listing, previous[1] if previous else None)

        built_terms: list[TermIds] = []

        def build() -> StoreRows:
            started = time.perf_counter()
            rows = parse_store(
                folder,
                stamps,
                previous,
                version=full_version,
                workers=workers,
                locations=locations,
            )
            log.info(
                "Parsed %d articles into %d passages in %.1fs",
                len(stamps),
                len(rows.lengths),
                time.perf_counter() - started,
            )
            if rows.terms is not None:
                built_terms.append(rows.terms)
                rows.terms = None
            return rows

        corpus, status = load_or_build(
            folder,
            stamps=stamps,
            version=full_version,
            build=build,
            save=StoreRows.save,
            load=lambda directory: PassageStore.load(directory, folder),
            cache_root=root,
        )
    except ReadOnlyFolder as error:
        log.warning("Not saving the passages: %s; parsing them on every start", error)
        return load_corpus(folder, listing), CacheStatus.READ_ONLY
    except OSError as error:
        log.warning(
            "Cannot save the passages beside the articles (%s); parsing them on every start", error
        )
        return load_corpus(folder, listing), CacheStatus.NOT_SAVED
    if built_terms and isinstance(corpus.passages, PassageStore):
        corpus.passages._terms = built_terms.pop()
    problems = tuple(sorted((*listing.skipped, *corpus.problems), key=lambda p: p.file))
    return replace(corpus, problems=problems, stamps=stamps), status


def parse_store(
    folder: Path,
    stamps: Sequence[FileStamp],
    previous: tuple[Path, Fingerprint] | None = None,
    *,
    version: str,
    workers: int = 1,
    locations: dict[str, str] | None = None,
) -> StoreRows:
    """The store rows of every article in ``stamps``, in order.

    Articles whose content hash is the same as in the ``previous`` generation (of
    the same ``version``) are copied from its store; the rest are parsed, in
    ``workers`` forked processes when more than one. ``locations``: see ``parse_rows``.
    """
    reusable = _reusable_store(previous, version)
    reused: dict[str, int] = {}  # relative path -> source index in the previous store
    if reusable is not None:
        store, old_hashes = reusable
        for i, source in enumerate(store.sources):
            reused[source.file] = i
        reused = {
            stamp.path: reused[stamp.path]
            for stamp in stamps
            if stamp.path in reused and old_hashes.get(stamp.path) == (stamp.size, stamp.sha256)
        }
    # Runs of consecutive files: copied (a range of old sources) or parsed (a list of paths).
    runs: list[tuple[int, int] | list[str]] = []
    for stamp in stamps:
        old = reused.get(stamp.path)
        last = runs[-1] if runs else None
        if old is None:
            if isinstance(last, list) and len(last) < FILES_PER_TASK:
                last.append(stamp.path)
            else:
                runs.append([stamp.path])
        elif isinstance(last, tuple) and last[1] + 1 == old:
            runs[-1] = (last[0], old)
        else:
            runs.append((old, old))
    parsed = sum(len(run) for run in runs if isinstance(run, list))
    if reused:
        log.info("Re-parsing %d changed articles; %d unchanged ones copied", parsed, len(reused))
    tasks = [run for run in runs if isinstance(run, list)]
    forget_words()  # each tokenizing process's vocabulary starts empty: see ProcessTerms
    if workers <= 1 or len(tasks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results: Iterator[StoreRows] = (parse_rows(folder, run, locations) for run in tasks)
        try:
            return StoreRows.merge(_in_order(runs, results, reusable))
        finally:
            forget_words()
    from retrieval.fastbm25 import compiled

    compiled.wait()  # no thread may run while the pool forks
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        min(workers, len(tasks)), mp_context=context, initializer=forget_words
    ) as pool:
        futures = deque(pool.submit(parse_rows, folder, run, locations) for run in tasks)
        return StoreRows.merge(_in_order(runs, _results(futures), reusable))


def _results(futures: deque[Future[StoreRows]]) -> Iterator[StoreRows]:
    """Each task's rows in order, each future dropped once read (it holds its rows)."""
    while futures:
        yield futures.popleft().result()


def _in_order(
    runs: Sequence[tuple[int, int] | list[str]],
    parsed: Iterator[StoreRows],
    reusable: tuple[PassageStore, dict[str, tuple[int, str]]] | None,
) -> Iterator[StoreRows]:
    for run in runs:
        if isinstance(run, list):
            yield next(parsed)
        elif reusable is not None:
            yield reusable[0].rows_of(*run)


def _reusable_store(
    previous: tuple[Path, Fingerprint] | None, version: str
) -> tuple[PassageStore, dict[str, tuple[int, str]]] | None:
    """The previous generation's store and its files' (size, hash), when sound and of ``version``."""
    if previous is None or previous[1].version != version:
        return None
    directory, fingerprint = previous
    if verify(directory) is not None:
        return None
    try:
        store = PassageStore.load(directory / "index", directory).passages
    except LOAD_ERRORS:
        return None
    if not isinstance(store, PassageStore):
        return None
    return store, {stamp.path: (stamp.size, stamp.sha256) for stamp in fingerprint.files}
