"""Passages saved beside the index, so a start with unchanged articles skips parsing them.

The texts stay in one memory-mapped UTF-8 file; a ``Passage`` object is made only when
one is read (the few shown in an answer), so a million passages cost a few arrays of
RAM instead of a million Python objects.

Building the store parses the articles in a pool of processes, each sending back the
store's rows for a run of files (``StoreRows``), merged in file order so passage ids and
order are those of ``load_corpus``. Articles unchanged since the previous store (same
content hash) are copied from it instead of being parsed again.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from retrieval.article_files import ArticleFile, FolderListing, scan_article_files
from retrieval.corpus import ArticleError, Corpus, load_corpus, read_article
from retrieval.fastbm25.bulk import ProcessTerms, TermIds, forget_words, task_terms
from retrieval.fingerprints import FileStamp, Fingerprint, stamp_files
from retrieval.index_cache import (
    CACHE_DIRNAME,
    LOAD_ERRORS,
    PASSAGES_DIRNAME,
    CacheStatus,
    ReadOnlyFolder,
    latest_generation,
    load_or_build,
    verify,
)
from retrieval.models import LoadProblem, Passage, Source, parse_passage_id
from retrieval.models import passage_id as _passage_id

log = logging.getLogger(__name__)

SENTENCE_SEPARATOR = "\x1e"  # never in article text: control characters are stripped on load
FILES_PER_TASK = 50  # articles one parsing task handles (~2 MB of text)


class Catalogue(BaseModel):
    """``catalogue.json``: the store's sources, section names and load problems."""

    model_config = ConfigDict(frozen=True)

    sources: list[Source]
    sections: list[str]
    problems: list[LoadProblem]


@dataclass
class StoreRows:
    """The store's rows for a run of consecutive articles, as a parsing worker returns them.

    ``meta`` rows are (source, paragraph, part, section) with source and section
    indexes into this object's own ``sources`` and ``sections`` (-1: no section).
    """

    sources: list[Source]
    problems: list[LoadProblem]
    sections: list[str]
    blobs: list[bytes]  # the passages' UTF-8 texts, sentences joined by SENTENCE_SEPARATOR
    lengths: npt.NDArray[np.int64]  # bytes of each passage
    meta: npt.NDArray[np.int32]
    # The passages' index terms, tokenized while their text is at hand (``with_terms``),
    # in the tokenizing process's vocabulary ...
    process_terms: ProcessTerms | None = None
    # ... and after ``merge``, in one vocabulary, for the index to be built without
    # reading and tokenizing the texts again. None when some rows lack them.
    terms: TermIds | None = None

    @classmethod
    def of(
        cls,
        sources: Sequence[Source],
        passages: Iterable[Passage],
        problems: Sequence[LoadProblem] = (),
        *,
        with_terms: bool = False,
    ) -> StoreRows:
        source_of_file = {source.file: i for i, source in enumerate(sources)}
        sections: dict[str, int] = {}
        texts: list[bytes] = []
        raw: list[str] = []
        rows: list[tuple[int, int, int, int]] = []
        for passage in passages:
            raw.append(SENTENCE_SEPARATOR.join(passage.sentences))
            texts.append(raw[-1].encode("utf-8"))
            section = -1
            if passage.section is not None:
                section = sections.setdefault(passage.section, len(sections))
            source = source_of_file[passage.source.file]
            rows.append((source, passage.paragraph, passage.part, section))
        # The separator is not a word character: the same terms as ``text``.
        process_terms = task_terms(raw) if with_terms else None
        return cls(
            sources=list(sources),
            problems=list(problems),
            sections=list(sections),
            blobs=[b"".join(texts)],
            lengths=np.fromiter(map(len, texts), np.int64, count=len(texts)),
            meta=np.array(rows, dtype=np.int32).reshape(len(rows), 4),
            process_terms=process_terms,
        )

    @classmethod
    def merge(cls, parts: Iterable[StoreRows]) -> StoreRows:
        """Rows of consecutive runs, in order; sections numbered by first use, as ``of`` does."""
        merged = cls([], [], [], [], np.zeros(0, np.int64), np.zeros((0, 4), np.int32))
        section_ids: dict[str, int] = {}
        lengths, metas = [], []
        terms: TermIds | None = TermIds()
        for part in parts:
            if terms is not None and part.process_terms is not None:
                terms.add_from_process(part.process_terms)
            else:
                terms = None
            meta = part.meta.copy()
            meta[:, 0] += len(merged.sources)
            local = meta[:, 3]
            used = local >= 0
            if used.any():
                mapping = np.full(len(part.sections), -1, np.int32)
                unique, first = np.unique(local[used], return_index=True)
                for section in unique[np.argsort(first)].tolist():
                    name = part.sections[section]
                    mapping[section] = section_ids.setdefault(name, len(section_ids))
                meta[:, 3] = np.where(used, mapping[np.maximum(local, 0)], -1)
            merged.sources.extend(part.sources)
            merged.problems.extend(part.problems)
            merged.blobs.extend(part.blobs)
            lengths.append(part.lengths)
            metas.append(meta)
        merged.sections = list(section_ids)
        merged.terms = terms
        if lengths:
            merged.lengths = np.concatenate(lengths)
            merged.meta = np.concatenate(metas)
        return merged

    def save(self, directory: Path) -> None:
        """Write the rows as a store into a new folder (see ``PassageStore.load``)."""
        directory.mkdir(parents=True)
        with (directory / "texts.bin").open("wb") as blob:
            for data in self.blobs:
                blob.write(data)
        offsets = np.zeros(self.lengths.shape[0] + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=offsets[1:])
        np.save(directory / "offsets.npy", offsets)
        np.save(directory / "meta.npy", self.meta.astype(np.int32, copy=False))
        catalogue = {
            # vars(): the fields in order, as asdict gives them, without its deep copy
            "sources": [vars(source) for source in self.sources],
            "sections": self.sections,
            "problems": [vars(problem) for problem in self.problems],
        }
        (directory / "catalogue.json").write_text(
            json.dumps(catalogue, ensure_ascii=False), "utf-8"
        )


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


class PassageStore(Sequence[Passage]):
    """A read-only sequence of passages backed by arrays (see the module docstring)."""

    def __init__(
        self,
        sources: Sequence[Source],
        sections: Sequence[str],
        blob: npt.NDArray[np.uint8],
        offsets: npt.NDArray[np.int64],
        meta: npt.NDArray[np.int32],
    ) -> None:
        self.sources = tuple(sources)
        self._sections = list(sections)
        self._blob = blob
        self._offsets = offsets
        self._meta = meta  # per passage: source, paragraph, part, section (-1: none)
        self._source_of_file = {source.file: i for i, source in enumerate(self.sources)}
        # Passages of one source are contiguous: where each source's run starts.
        self._starts = np.searchsorted(meta[:, 0], np.arange(len(self.sources) + 1))
        self._terms: TermIds | None = None  # the build's tokens, until the index takes them

    def take_terms(self) -> TermIds | None:
        """The passages' terms when this store was just built (once: then they are freed)."""
        terms, self._terms = self._terms, None
        return terms

    def __len__(self) -> int:
        return int(self._offsets.shape[0]) - 1

    @overload
    def __getitem__(self, index: int) -> Passage: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Passage]: ...
    def __getitem__(self, index: int | slice) -> Passage | Sequence[Passage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        source_index, paragraph, part, section = (int(v) for v in self._meta[index])
        source = self.sources[source_index]
        return Passage(
            id=_passage_id(source.file, paragraph, part),
            source=source,
            paragraph=paragraph,
            sentences=tuple(self._raw(index).split(SENTENCE_SEPARATOR)),
            section=self._sections[section] if section >= 0 else None,
        )

    def _raw(self, index: int) -> str:
        start, end = int(self._offsets[index]), int(self._offsets[index + 1])
        return bytes(self._blob[start:end]).decode("utf-8")

    def text(self, index: int) -> str:
        """A passage's text without making its Passage object."""
        return self._raw(index).replace(SENTENCE_SEPARATOR, " ")

    def texts(self) -> Iterator[str]:
        return (self.text(i) for i in range(len(self)))

    def index_of(self, passage_id: str) -> int | None:
        """Where the passage with this id stands, or None."""
        parsed = parse_passage_id(passage_id)
        source = self._source_of_file.get(parsed[0]) if parsed else None
        if parsed is None or source is None:
            return None
        _, paragraph, part = parsed
        start, end = int(self._starts[source]), int(self._starts[source + 1])
        rows = self._meta[start:end]
        hits = np.flatnonzero((rows[:, 1] == paragraph) & (rows[:, 2] == part))
        return start + int(hits[0]) if hits.size else None

    def rows_of(self, first: int, last: int) -> StoreRows:
        """The rows of sources ``first`` to ``last`` (inclusive), to reuse in a new store."""
        start, end = int(self._starts[first]), int(self._starts[last + 1])
        offsets = np.asarray(self._offsets[start : end + 1])
        meta = np.array(self._meta[start:end], dtype=np.int32)
        meta[:, 0] -= first
        return StoreRows(
            sources=list(self.sources[first : last + 1]),
            problems=[],
            sections=self._sections,
            blobs=[bytes(self._blob[int(offsets[0]) : int(offsets[-1])])],
            lengths=np.diff(offsets),
            meta=meta,
        )

    # -- saving and loading -----------------------------------------------------------

    @staticmethod
    def save(corpus: Corpus, directory: Path) -> None:
        """Write ``corpus`` (sources, passages, load problems) into a new folder."""
        StoreRows.of(corpus.sources, corpus.passages, corpus.problems).save(directory)

    @classmethod
    def load(cls, directory: Path, folder: Path) -> Corpus:
        """The saved corpus, its texts memory-mapped; raises ValueError when inconsistent."""
        catalogue = Catalogue.model_validate_json((directory / "catalogue.json").read_bytes())
        # Plain arrays over the mapped files: np.memmap's indexing runs Python code per lookup.
        offsets = np.asarray(np.load(directory / "offsets.npy", mmap_mode="r"))
        meta = np.asarray(np.load(directory / "meta.npy", mmap_mode="r"))
        size = (directory / "texts.bin").stat().st_size
        blob = (
            np.asarray(np.memmap(directory / "texts.bin", dtype=np.uint8, mode="r"))
            if size
            else np.zeros(0, dtype=np.uint8)
        )
        if offsets.shape[0] != meta.shape[0] + 1 or int(offsets[-1]) != size:
            raise ValueError("passage store arrays do not match")
        if meta.ndim != 2 or meta.shape[1] != 4 or meta.dtype != np.int32:
            raise ValueError("passage store meta.npy has the wrong shape")
        if meta.shape[0] and (
            int(meta[:, 0].max()) >= len(catalogue.sources)
            or int(meta[:, 3].max()) >= len(catalogue.sections)
        ):
            raise ValueError("passage store rows point past its catalogue")
        store = cls(catalogue.sources, catalogue.sections, blob, offsets, meta)
        return Corpus(folder, store.sources, store, tuple(catalogue.problems))


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
    locations = {
        file.relative: file.location
        for file in listing
        if Path(file.location) != folder / file.relative
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
