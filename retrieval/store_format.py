"""The saved passage store's format: rows made while parsing, and the store read back.

The texts stay in one memory-mapped UTF-8 file (``texts.bin``, with ``offsets.npy``); each
passage's source, paragraph, part and section are a row of ``meta.npy``; the sources,
section names and load problems are ``catalogue.json``. A ``Passage`` object is made
only when one is read (the few shown in an answer), so a million passages cost a few
arrays of RAM instead of a million Python objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from retrieval.corpus import Corpus
from retrieval.fastbm25.bulk import ProcessTerms, TermIds, task_terms
from retrieval.models import LoadProblem, Passage, Source, parse_passage_id
from retrieval.models import passage_id as _passage_id

SENTENCE_SEPARATOR = "\x1e"  # never in article text: control characters are stripped on load


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
        self._asides: npt.NDArray[np.bool_] | None = None  # which are credits or teasers

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

    def is_aside(self, index: int) -> bool:
        """``Passage.is_aside`` of the passage, without making its Passage object."""
        if self._asides is None:  # once: each passage's paragraph against its source's
            never = np.iinfo(np.int64).max  # an article without asides
            first_aside = np.array(
                [s.paragraphs - s.asides + 1 if s.asides else never for s in self.sources],
                dtype=np.int64,
            )
            meta = self._meta
            self._asides = meta[:, 1] >= first_aside[meta[:, 0]] if len(meta) else np.zeros(0, bool)
        return bool(self._asides[index])

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
