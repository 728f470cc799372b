"""The meaning stage for large corpora: every sentence's vector in an approximate
nearest-neighbour index (usearch's HNSW graph), built once by ``seedbot index``, saved with it.

Up to ``semantic_max_passages`` passages ``SentenceVectors`` keeps every vector in memory
and compares a question with all of them (one matrix product). Above, that costs memory
and time in proportion to the corpus, and encoding costs minutes (~100 sentences a second
per core), so a start never encodes: ``seedbot index`` does, with its progress bar. The
saved index holds the vectors as float16 and is memory-mapped at start, so opening it
reads nothing the question does not touch; a question asks the graph for its nearest
sentences and scores the passages BM25 found from their stored vectors.

usearch (Unum, Apache-2.0) rather than hnswlib or faiss: maintained, one small wheel, and
its index file opens as a view (``restore(view=True)``) instead of being read whole.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from retrieval.semantic import DIMENSIONS, SentenceEncoder, digests_of, encode_with_progress

log = logging.getLogger(__name__)

PREFIX: Final = "meaning-"  # <cache>/meaning-<key>.usearch, .owners.npy, .digests.npy
# Sentences asked of the graph per passage wanted: passages hold 1-4 sentences, and the
# near-duplicates of one passage's best sentence are often its neighbours.
SENTENCES_PER_PASSAGE: Final = 4
ADD_CHUNK: Final = 8_192  # vectors added to the graph per call (the progress bar's step)
CONNECTIVITY: Final = 16  # usearch's default graph degree: recall ~0.99 at our sizes
EXPANSION_SEARCH: Final = 128  # candidates the search keeps (usearch's default is 64)


@dataclass(frozen=True)
class _Files:
    graph: Path
    owners: Path
    digests: Path

    @classmethod
    def of(cls, cache_dir: Path, key: str) -> _Files:
        stem = f"{PREFIX}{key}"
        return cls(
            cache_dir / f"{stem}.usearch",
            cache_dir / f"{stem}.owners.npy",
            cache_dir / f"{stem}.digests.npy",
        )


class MeaningIndex:
    """Every sentence of a large corpus in a nearest-neighbour graph, and its passage."""

    def __init__(self, index: Any, owners: np.ndarray, n_passages: int, status: str) -> None:
        self._index = index
        self.owners = owners  # (sentences,) int32 passage index, in passage order
        self.n_passages = n_passages
        self.status = status  # "loaded" or "built", for `seedbot index` to say
        self.starts = np.searchsorted(owners, np.arange(n_passages + 1)).astype(np.int64)

    @classmethod
    def load(cls, cache_dir: Path, key: str, n_passages: int) -> MeaningIndex | None:
        """The saved index for this corpus (``key``), when whole; None when absent or damaged."""
        files = _Files.of(cache_dir, key)
        if not files.graph.exists():
            return None
        from usearch.index import Index

        try:
            owners = np.load(files.owners, mmap_mode="r", allow_pickle=False)
            index = Index.restore(str(files.graph), view=True, expansion_search=EXPANSION_SEARCH)
        except (OSError, ValueError, RuntimeError) as error:
            log.warning("Ignoring the damaged meaning index in %s (%s)", cache_dir, error)
            return None
        if (
            index is None
            or index.ndim != DIMENSIONS
            or len(index) != len(owners)
            or owners.dtype != np.int32
            or (len(owners) and (owners[0] < 0 or owners[-1] >= n_passages))
            or np.any(np.diff(owners) < 0)
        ):
            log.warning(
                "Ignoring the damaged meaning index in %s; `seedbot index` rebuilds it", cache_dir
            )
            return None
        return cls(index, np.asarray(owners), n_passages, "loaded")

    @classmethod
    def build(
        cls,
        sentences_of: Callable[[int], Sequence[str]],
        n_passages: int,
        encoder: SentenceEncoder,
        cache_dir: Path,
        key: str,
        *,
        progress: bool = False,
        threads: int = 1,
    ) -> MeaningIndex:
        """Encode every sentence (those an earlier index holds are taken from it), build
        the graph and save it; OSError when ``cache_dir`` cannot be written."""
        from usearch.index import Index

        counts = np.zeros(n_passages, dtype=np.int64)
        sentences: list[str] = []
        for passage in range(n_passages):
            own = sentences_of(passage)
            counts[passage] = len(own)
            sentences.extend(own)
        owners = np.repeat(np.arange(n_passages, dtype=np.int32), counts)
        digests = digests_of(sentences)
        vectors = np.zeros((len(sentences), DIMENSIONS), dtype=np.float32)
        missing = _fill_from_previous(cache_dir, digests, vectors)
        if missing:
            encoded = encode_with_progress(encoder, [sentences[i] for i in missing], progress)
            vectors[missing] = encoded
        index = Index(
            ndim=DIMENSIONS,
            metric="cos",
            dtype="f16",
            connectivity=CONNECTIVITY,
            expansion_search=EXPANSION_SEARCH,
        )
        _add(index, vectors, progress=progress, threads=threads)
        _save(cache_dir, key, index, owners, digests)
        return cls(index, owners, n_passages, "built")

    def closeness(self, query: np.ndarray) -> NearestCloseness:
        return NearestCloseness(self, query)

    def nearest_sentences(self, query: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The ids of the (about) ``count`` sentences closest to ``query``, closest first,
        and their cosines with it."""
        if not len(self.owners):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        matches = self._index.search(query, min(count, len(self.owners)))
        keys = np.asarray(matches.keys, dtype=np.int64)
        return keys, 1.0 - np.asarray(matches.distances, dtype=np.float32)

    def sentence_scores(self, passage: int, query: np.ndarray) -> np.ndarray:
        """The cosine of each sentence of one passage with ``query``, in order."""
        start, end = int(self.starts[passage]), int(self.starts[passage + 1])
        if start == end:
            return np.zeros(0, dtype=np.float32)
        found = self._index.get(np.arange(start, end, dtype=np.uint64), dtype="f32")
        vectors = np.asarray(found, dtype=np.float32).reshape(end - start, DIMENSIONS)
        scores: np.ndarray = vectors @ query
        return scores


class NearestCloseness:
    """One question's closeness to a large corpus's passages, computed where it is needed."""

    def __init__(self, meaning: MeaningIndex, query: np.ndarray) -> None:
        self._meaning = meaning
        self._query = query
        self._known: dict[int, float] = {}

    def of(self, passage: int) -> float:
        """The cosine of the passage's best sentence with the question (-1 for none)."""
        known = self._known.get(passage)
        if known is None:
            scores = self._meaning.sentence_scores(passage, self._query)
            known = self._known[passage] = float(scores.max()) if len(scores) else -1.0
        return known

    def closest(self, count: int, within: frozenset[int] | None = None) -> list[int]:
        """The ``count`` passages closest in meaning (only those ``within``, when given)."""
        if within is not None:  # one article's passages: few enough to score them all
            return sorted(within, key=lambda p: (-self.of(p), p))[:count]
        found, cosines = self._meaning.nearest_sentences(self._query, count * SENTENCES_PER_PASSAGE)
        for passage, cosine in zip(
            self._meaning.owners[found].tolist(), cosines.tolist(), strict=True
        ):
            # A passage's best sentence is the one the graph found first: no lookup needed.
            self._known[passage] = max(cosine, self._known.get(passage, -1.0))
        passages = list(dict.fromkeys(self._meaning.owners[found].tolist()))
        return sorted(passages, key=lambda p: (-self._known[p], p))[:count]


def _fill_from_previous(cache_dir: Path, digests: np.ndarray, vectors: np.ndarray) -> list[int]:
    """Copy the vectors an earlier saved index holds for unchanged sentences; the rest's rows."""
    from usearch.index import Index

    known: dict[bytes, int] = {}
    previous = None
    for graph in sorted(cache_dir.glob(f"{PREFIX}*.usearch")):
        files = _Files.of(cache_dir, graph.name.removeprefix(PREFIX).removesuffix(".usearch"))
        try:
            old_digests = np.load(files.digests, allow_pickle=False)
            previous = Index.restore(str(graph), view=True)
        except (OSError, ValueError, RuntimeError):
            continue
        if previous is not None and len(previous) == len(old_digests):
            known = {d.tobytes(): i for i, d in enumerate(old_digests)}
            break
    missing = []
    reused: list[tuple[int, int]] = []
    for row, digest in enumerate(digests):
        old = known.get(digest.tobytes())
        if old is None:
            missing.append(row)
        else:
            reused.append((row, old))
    if reused and previous is not None:
        rows, keys = zip(*reused, strict=True)
        found = previous.get(np.asarray(keys, dtype=np.uint64), dtype="f32")
        vectors[list(rows)] = np.asarray(found, dtype=np.float32).reshape(len(rows), DIMENSIONS)
    return missing


def _add(index: Any, vectors: np.ndarray, *, progress: bool, threads: int) -> None:
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(vectors), desc="Meaning index", unit="sentence")
    try:
        for start in range(0, len(vectors), ADD_CHUNK):
            chunk = vectors[start : start + ADD_CHUNK]
            keys = np.arange(start, start + len(chunk), dtype=np.uint64)
            index.add(keys, chunk, threads=threads)
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()


def _save(cache_dir: Path, key: str, index: Any, owners: np.ndarray, digests: np.ndarray) -> None:
    """The graph last, each file renamed into place whole: its presence marks a whole save."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    files = _Files.of(cache_dir, key)
    _replace(files.digests, lambda tmp: _save_array(tmp, digests))
    _replace(files.owners, lambda tmp: _save_array(tmp, owners))
    _replace(files.graph, lambda tmp: index.save(str(tmp)))
    keep = {files.graph.name, files.owners.name, files.digests.name}
    for old in cache_dir.glob(f"{PREFIX}*"):
        if old.name not in keep:
            old.unlink(missing_ok=True)


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    tmp.replace(path)


def _save_array(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as handle:  # given a name, np.save would add ".npy" to it
        np.save(handle, array, allow_pickle=False)
