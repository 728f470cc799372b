"""Tokenize a whole corpus at once, giving the same terms as ``retrieval.tokenize.tokenize``.

Tokenizing passage by passage costs 2-3 microseconds of Python per word,
about 170 s per million passages. Much of that is repeated work: a corpus has
far fewer distinct words than words. Here each distinct word is turned into a
term id once (through the same ``term_of``), and every occurrence is then
mapped with C-level ``map`` and numpy: about 2x faster on one core;
``tokenize_parallel`` splits the corpus over forked processes on top of that.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from retrieval.tokenize import WORD, term_of

T = TypeVar("T")
CHUNK = 20_000  # passages per batch: bounds the memory of the word lists


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class TermIds:
    """Term ids of a corpus as it is read: the vocabulary, flat ids and lengths per passage."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._chunks: list[npt.NDArray[np.int32]] = []
        self._lengths: list[npt.NDArray[np.int32]] = []

    def _ids_of(self, new_terms: Iterable[str]) -> None:
        vocab = self.vocab
        for term in sorted(new_terms):  # sorted: the same corpus always gives the same ids
            vocab.setdefault(term, len(vocab))

    def add_tokenized(self, batch: Sequence[Sequence[str]]) -> None:
        """Add already tokenized passages."""
        flat = list(chain.from_iterable(batch))
        self._ids_of(set(flat).difference(self.vocab))
        ids = np.fromiter(map(self.vocab.__getitem__, flat), np.int32, count=len(flat))
        self._chunks.append(ids)
        self._lengths.append(np.fromiter(map(len, batch), np.int32, count=len(batch)))

    def add_texts(self, batch: Sequence[str], word_terms: dict[str, int]) -> None:
        """Tokenize and add passage texts; ``word_terms`` caches word -> term id (-1: none)."""
        words = [WORD.findall(text) for text in batch]
        flat = list(chain.from_iterable(words))
        for word in sorted(set(flat).difference(word_terms)):  # sorted: reproducible ids
            term = term_of(word)
            if term is None:
                word_terms[word] = -1
            else:
                word_terms[word] = self.vocab.setdefault(term, len(self.vocab))
        ids = np.fromiter(map(word_terms.__getitem__, flat), np.int32, count=len(flat))
        keep = ids >= 0
        per_word = np.repeat(
            np.arange(len(batch)), np.fromiter(map(len, words), np.int64, count=len(batch))
        )
        self._chunks.append(ids[keep])
        self._lengths.append(np.bincount(per_word[keep], minlength=len(batch)).astype(np.int32))

    def add_local(
        self,
        local_vocab: Sequence[str],
        terms: npt.NDArray[np.int32],
        lengths: npt.NDArray[np.int32],
    ) -> None:
        """Add passages whose term ids refer to ``local_vocab`` (a worker's vocabulary)."""
        vocab = self.vocab
        mapping = np.fromiter(
            (vocab.setdefault(term, len(vocab)) for term in local_vocab), np.int32, len(local_vocab)
        )
        self._chunks.append(mapping[terms] if terms.size else terms)
        self._lengths.append(lengths)

    @property
    def n_passages(self) -> int:
        return sum(int(lengths.shape[0]) for lengths in self._lengths)

    def add_merged(self, other: TermIds) -> None:
        """Add the passages of another TermIds (a worker's), after these."""
        terms, lengths = other.arrays()
        self.add_local(sorted(other.vocab, key=other.vocab.__getitem__), terms, lengths)

    def arrays(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """(term id of every token in corpus order, number of tokens of each passage)."""
        terms = np.concatenate(self._chunks) if self._chunks else np.empty(0, np.int32)
        lengths = np.concatenate(self._lengths) if self._lengths else np.empty(0, np.int32)
        return terms, lengths


# --- parallel tokenization ---------------------------------------------------
# Workers are forked, so they read the parent's texts without copying them.
_SHARED: dict[str, Any] = {}


def _tokenize_slice(
    bounds: tuple[int, int],
) -> tuple[list[str], npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """In a worker: term ids of one contiguous slice, with the worker's own vocabulary."""
    texts: Sequence[str] = _SHARED["texts"]
    done = _SHARED["done"]
    ids = TermIds()
    word_terms: dict[str, int] = {}
    for lo in range(bounds[0], bounds[1], CHUNK):
        batch = texts[lo : min(lo + CHUNK, bounds[1])]
        ids.add_texts(batch, word_terms)
        with done.get_lock():
            done.value += len(batch)
    terms, lengths = ids.arrays()
    return sorted(ids.vocab, key=ids.vocab.__getitem__), terms, lengths


def tokenize_parallel(
    texts: Sequence[str], workers: int, on_progress: Callable[[int], None]
) -> TermIds:
    """Term ids of ``texts`` using ``workers`` forked processes, merged in corpus order.

    Falls back to one process where fork is unavailable.
    """
    merged = TermIds()
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        word_terms: dict[str, int] = {}
        for batch in batched(texts, CHUNK):
            merged.add_texts(batch, word_terms)
            on_progress(len(batch))
        return merged
    from retrieval.index_cache import wait_for_background_work

    wait_for_background_work()  # no thread may run while the pool forks
    context = multiprocessing.get_context("fork")
    step = -(-len(texts) // workers)
    slices = [(lo, min(lo + step, len(texts))) for lo in range(0, len(texts), step)]
    _SHARED["texts"], _SHARED["done"] = texts, context.Value("q", 0)
    try:
        with context.Pool(len(slices)) as pool:
            pending = pool.map_async(_tokenize_slice, slices)
            reported = 0
            while not pending.ready():
                pending.wait(0.2)
                value = int(_SHARED["done"].value)
                on_progress(value - reported)
                reported = value
            results = pending.get()
    finally:
        _SHARED.clear()
    for local_vocab, terms, lengths in results:
        merged.add_local(local_vocab, terms, lengths)
    return merged
