"""Passages saved beside the index, so a start with unchanged articles skips parsing them.

The texts stay in one memory-mapped UTF-8 file; a ``Passage`` object is made only when
one is read (the few shown in an answer), so a million passages cost a few arrays of
RAM instead of a million Python objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from retrieval.corpus import Corpus, LoadProblem
from retrieval.models import Passage, Source

SENTENCE_SEPARATOR = "\x1e"  # never in article text: control characters are stripped on load
_FILES = ("texts.bin", "offsets.npy", "meta.npy", "catalogue.json")


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
            id=f"{source.file}#p{paragraph}.{part}",
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
        file, _, place = passage_id.rpartition("#p")
        paragraph, _, part = place.partition(".")
        source = self._source_of_file.get(file)
        if source is None or not paragraph.isdigit() or not part.isdigit():
            return None
        start, end = int(self._starts[source]), int(self._starts[source + 1])
        rows = self._meta[start:end]
        hits = np.flatnonzero((rows[:, 1] == int(paragraph)) & (rows[:, 2] == int(part)))
        return start + int(hits[0]) if hits.size else None

    # -- saving and loading -----------------------------------------------------------

    @staticmethod
    def save(corpus: Corpus, directory: Path) -> None:
        """Write ``corpus`` (sources, passages, load problems) into a new folder."""
        directory.mkdir(parents=True)
        sources = list(corpus.sources)
        source_of_file = {source.file: i for i, source in enumerate(sources)}
        sections: dict[str, int] = {}
        offsets = np.zeros(len(corpus.passages) + 1, dtype=np.int64)
        meta = np.zeros((len(corpus.passages), 4), dtype=np.int32)
        with (directory / "texts.bin").open("wb") as blob:
            position = 0
            for i, passage in enumerate(corpus.passages):
                data = SENTENCE_SEPARATOR.join(passage.sentences).encode("utf-8")
                blob.write(data)
                position += len(data)
                offsets[i + 1] = position
                part = int(passage.id.rpartition(".")[2])
                section = -1
                if passage.section is not None:
                    section = sections.setdefault(passage.section, len(sections))
                meta[i] = (source_of_file[passage.source.file], passage.paragraph, part, section)
        np.save(directory / "offsets.npy", offsets)
        np.save(directory / "meta.npy", meta)
        catalogue = {
            "sources": [asdict(source) for source in sources],
            "sections": list(sections),
            "problems": [asdict(problem) for problem in corpus.problems],
        }
        (directory / "catalogue.json").write_text(
            json.dumps(catalogue, ensure_ascii=False), "utf-8"
        )

    @classmethod
    def load(cls, directory: Path, folder: Path) -> Corpus:
        """The saved corpus, its texts memory-mapped; raises ValueError when inconsistent."""
        catalogue: dict[str, Any] = json.loads((directory / "catalogue.json").read_text("utf-8"))
        sources = [
            Source(**{**raw, "extra": tuple(tuple(pair) for pair in raw.get("extra", ()))})
            for raw in catalogue["sources"]
        ]
        offsets = np.load(directory / "offsets.npy", mmap_mode="r")
        meta = np.load(directory / "meta.npy", mmap_mode="r")
        size = (directory / "texts.bin").stat().st_size
        blob = (
            np.memmap(directory / "texts.bin", dtype=np.uint8, mode="r")
            if size
            else np.zeros(0, dtype=np.uint8)
        )
        if offsets.shape[0] != meta.shape[0] + 1 or int(offsets[-1]) != size:
            raise ValueError("passage store arrays do not match")
        store = cls(sources, catalogue["sections"], blob, offsets, meta)
        problems = tuple(LoadProblem(**raw) for raw in catalogue["problems"])
        return Corpus(folder, store.sources, store, problems)


STORE_VERSION = "1"
CACHE_MIN_BYTES = 1_000_000  # smaller corpora parse in well under a second: not worth a file


def load_corpus_cached(folder: Path | str, *, version: str) -> tuple[Corpus, str | None]:
    """The corpus, from its saved passage store when the articles are unchanged.

    Returns the corpus and "loaded", "built" or "rebuilt" (None when nothing was saved:
    a small corpus, or a folder we cannot write to). ``version`` names the parsing.
    """
    from retrieval.corpus import article_files, load_corpus
    from retrieval.index_cache import CACHE_DIRNAME, PASSAGES_DIRNAME, load_or_build

    folder = Path(folder)
    if not folder.is_dir():
        return load_corpus(folder), None
    files = article_files(folder)
    if sum(path.stat().st_size for path in files) < CACHE_MIN_BYTES:
        return load_corpus(folder), None
    try:
        corpus, status = load_or_build(
            folder,
            files=files,
            version=f"{version}|store={STORE_VERSION}",
            build=lambda: load_corpus(folder),
            save=lambda corpus, directory: PassageStore.save(corpus, directory),
            load=lambda directory: PassageStore.load(directory, folder),
            cache_root=folder / CACHE_DIRNAME / PASSAGES_DIRNAME,
        )
    except OSError as error:
        import logging

        logging.getLogger(__name__).warning(
            "Cannot save the passages beside the articles (%s); parsing them on every start", error
        )
        return load_corpus(folder), None
    return corpus, status.value
