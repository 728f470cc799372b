"""Passage texts left on disk: a corpus file read through mmap and a line-offset table.

At a million passages, Python objects for every passage would cost more memory
than the whole index, so the benchmark keeps texts on disk and builds a
``Passage`` only for the few results it quotes.
"""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np

from bench.corpus import PASSAGES_PER_ARTICLE
from retrieval.models import Passage, Source


class PassageStore:
    """Random access to the passages of a corpus file (one per line, sentences tab-separated)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("rb")
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        offsets_path = path.with_suffix(".offsets.npy")
        if offsets_path.exists():
            self.offsets = np.load(offsets_path)
        else:
            newlines = np.flatnonzero(np.frombuffer(self._map, dtype=np.uint8) == 10)
            self.offsets = np.concatenate(([0], newlines + 1)).astype(np.int64)
            np.save(offsets_path, self.offsets)

    def __len__(self) -> int:
        return int(self.offsets.shape[0]) - 1

    def sentences(self, index: int) -> list[str]:
        start, end = int(self.offsets[index]), int(self.offsets[index + 1]) - 1
        return self._map[start:end].decode("utf-8").split("\t")

    def passage(self, index: int) -> Passage:
        article = index // PASSAGES_PER_ARTICLE
        paragraph = index % PASSAGES_PER_ARTICLE + 1
        source = Source(file=f"synthetic/{article:07d}.txt", title=f"Article {article}")
        return Passage(
            id=f"{source.file}#p{paragraph}.1",
            source=source,
            paragraph=paragraph,
            sentences=tuple(self.sentences(index)),
        )

    def all_texts(self) -> list[str]:
        """Every passage's text, as the index sees it."""
        with self.path.open(encoding="utf-8") as handle:
            return [line.rstrip("\n").replace("\t", " ") for line in handle]
