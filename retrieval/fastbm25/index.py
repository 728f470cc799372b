"""FastBM25: BM25Okapi's ranking from precomputed postings, for large corpora.

``rank-bm25`` rescans every passage for every query word, so a query costs
O(passages). Here the BM25 contribution of every (term, passage) pair is
computed once at build time with the engine's own IDF (``okapi_idf``) and
stored row by row in a CSR layout, as bm25s does: ``indptr`` (one row per
term), ``doc_ids`` (int32) and ``scores`` (float32). A query reads only its
own rows, and MaxScore pruning (see ``kernels``) skips most of the postings of
common words, so a query over a million passages takes well under a
millisecond and ranks as BM25Okapi does, up to float32 rounding.

A forward index (each passage's term ids, ``doc_terms``/``doc_offsets``)
gives re-ranking the candidates' terms without tokenizing them again.

Saved indexes are plain ``.npy`` files opened with memory mapping, so a
restart maps them instead of rebuilding, and only the pages queries touch
become resident.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from retrieval.bm25 import okapi_idf
from retrieval.fastbm25 import compiled
from retrieval.fastbm25.bulk import CHUNK, TermIds, batched, tokenize_parallel
from retrieval.fastbm25.numpy_kernel import top_k_numpy

FORMAT_VERSION: Final = 2
META_FILE: Final = "fastbm25.json"
_ARRAYS: Final = (
    "indptr",
    "doc_ids",
    "scores",
    "doc_len",
    "term_idf",
    "term_max",
    "doc_terms",
    "doc_offsets",
)

Strategy = Literal["auto", "maxscore", "exhaustive", "numpy"]


class IndexHeader(BaseModel):
    """``fastbm25.json``: the sizes every array must have, and the BM25 parameters."""

    model_config = ConfigDict(frozen=True)

    format: Literal[2]
    n_docs: int = Field(ge=0)
    n_terms: int = Field(ge=0)
    nnz: int = Field(ge=0)
    n_tokens: int = Field(ge=0)
    k1: float
    b: float
    epsilon: float
    avgdl: float


_VOCABULARY = TypeAdapter(list[str])


class FastBM25:
    """A BM25Okapi index over tokenized passages, answering top-k in O(query postings) or less.

    Implements the engine's ``Scorer`` protocol: ``n_docs``, ``top``, ``doc_freq``, ``idf``.
    Safe to query from several threads at once.
    """

    def __init__(
        self,
        vocab: dict[str, int],
        arrays: dict[str, npt.NDArray[Any]],
        *,
        k1: float,
        b: float,
        epsilon: float,
        avgdl: float,
    ) -> None:
        self.vocab = vocab
        self.indptr: npt.NDArray[np.int64] = arrays["indptr"]
        self.doc_ids: npt.NDArray[np.int32] = arrays["doc_ids"]
        self.scores: npt.NDArray[np.float32] = arrays["scores"]
        self.doc_len: npt.NDArray[np.int32] = arrays["doc_len"]
        self.term_idf: npt.NDArray[np.float64] = arrays["term_idf"]
        self.term_max: npt.NDArray[np.float32] = arrays["term_max"]
        # Forward index: each passage's term ids in order, for re-ranking without re-tokenizing.
        self.doc_terms: npt.NDArray[np.int32] = arrays["doc_terms"]
        self.doc_offsets: npt.NDArray[np.int64] = arrays["doc_offsets"]
        self._term_list: list[str] | None = None
        self.k1, self.b, self.epsilon, self.avgdl = k1, b, epsilon, avgdl
        self.n_docs = int(self.doc_len.shape[0])
        self.strategy: Strategy = "auto"
        self._local = threading.local()

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        tokenized: Iterable[Sequence[str]],
        *,
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
        progress: bool = False,
    ) -> FastBM25:
        """Index already-stemmed passages (one token list per passage)."""
        ids = TermIds()
        total = len(tokenized) if isinstance(tokenized, Sequence) else None
        with _progress(progress, total) as bar:
            for batch in batched(tokenized, CHUNK):
                ids.add_tokenized(batch)
                bar.update(len(batch))
        return cls._from_ids(ids, k1=k1, b=b, epsilon=epsilon)

    @classmethod
    def build_from_texts(
        cls,
        texts: Sequence[str],
        *,
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
        progress: bool = False,
        workers: int = 1,
    ) -> FastBM25:
        """Tokenize (exactly as ``retrieval.tokenize.tokenize``) and index passage texts in bulk.

        ``workers`` > 1 tokenizes in that many forked processes (the costly part).
        """
        with _progress(progress, len(texts)) as bar:
            ids = tokenize_parallel(texts, workers, bar.update)
            bar.set_postfix_str("computing BM25 weights")
        return cls._from_ids(ids, k1=k1, b=b, epsilon=epsilon)

    @classmethod
    def build_from_terms(
        cls, ids: TermIds, *, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
    ) -> FastBM25:
        """Index passages already tokenized into term ids (e.g. while their articles were parsed)."""
        return cls._from_ids(ids, k1=k1, b=b, epsilon=epsilon)

    @classmethod
    def _from_ids(cls, ids: TermIds, *, k1: float, b: float, epsilon: float) -> FastBM25:
        """Term frequencies by sparse COO->CSR (duplicates summed in C), then BM25 per posting."""
        from scipy import sparse  # only to build: a start that loads an index skips ~0.4 s

        terms, doc_len = ids.arrays()
        n_docs = int(doc_len.shape[0])
        docs = np.repeat(np.arange(n_docs, dtype=np.int32), doc_len)
        tf_matrix = sparse.csr_matrix(
            (np.ones(terms.shape[0], dtype=np.float32), (terms, docs)),
            shape=(len(ids.vocab), max(n_docs, 1)),
        )
        del docs
        tf_matrix.sum_duplicates()
        tf_matrix.sort_indices()
        indptr = tf_matrix.indptr.astype(np.int64)
        doc_ids = tf_matrix.indices.astype(np.int32)
        tf = tf_matrix.data
        del tf_matrix
        df = np.diff(indptr)
        avgdl = float(doc_len.mean()) if n_docs else 0.0
        idf = np.asarray(okapi_idf(df, n_docs, epsilon), dtype=np.float64)
        # BM25 in float64, stored as float32, in slices into buffers reused from slice to
        # slice (fresh temporaries cost as much in page faults as the arithmetic), as
        # idf * t * (k1 + 1) / (t + k1 * (1 - b + b * dl / avgdl)), in that order.
        scores = np.empty(doc_ids.shape[0], dtype=np.float32)
        row_of = np.repeat(np.arange(df.shape[0], dtype=np.int32), df)
        step = 4_000_000
        size = min(step, scores.shape[0])
        t_buf, norm_buf, score_buf = (np.empty(size, dtype=np.float64) for _ in range(3))
        for lo in range(0, scores.shape[0], step):
            hi = min(lo + step, scores.shape[0])
            t, norm, score = t_buf[: hi - lo], norm_buf[: hi - lo], score_buf[: hi - lo]
            t[:] = tf[lo:hi]
            if avgdl > 0:
                norm[:] = doc_len[doc_ids[lo:hi]]
                np.multiply(norm, b, out=norm)
                np.divide(norm, avgdl, out=norm)
                np.add(norm, 1.0 - b, out=norm)
                np.multiply(norm, k1, out=norm)
            else:
                norm.fill(k1)
            np.add(norm, t, out=norm)
            np.take(idf, row_of[lo:hi], out=score)
            np.multiply(score, t, out=score)
            np.multiply(score, k1 + 1.0, out=score)
            np.divide(score, norm, out=score)
            scores[lo:hi] = score
        del row_of, tf, t_buf, norm_buf, score_buf
        term_max = np.maximum.reduceat(scores, indptr[:-1]) if df.size else np.empty(0, np.float32)
        arrays = {
            "indptr": indptr,
            "doc_ids": doc_ids,
            "scores": scores,
            "doc_len": doc_len,
            "term_idf": idf,
            "term_max": term_max.astype(np.float32),
            "doc_terms": terms,
            "doc_offsets": np.concatenate(([0], np.cumsum(doc_len, dtype=np.int64))),
        }
        return cls(ids.vocab, arrays, k1=k1, b=b, epsilon=epsilon, avgdl=avgdl)

    # ------------------------------------------------------------------ query
    def doc_freq(self, token: str) -> int:
        """Number of passages containing ``token`` (0 when unknown)."""
        row = self.vocab.get(token)
        if row is None:
            return 0
        return int(self.indptr[row + 1] - self.indptr[row])

    def idf(self, token: str) -> float:
        """The token's IDF; for an unknown token, the IDF it would have if it occurred once."""
        row = self.vocab.get(token)
        if row is not None:
            return float(self.term_idf[row])
        if self.n_docs > 1:
            return float(np.log(self.n_docs - 1 + 0.5) - np.log(1.5))
        return 1.0

    def _rows(self, query: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Known query tokens as (row, how often it occurs in the query), in query order."""
        counts: dict[int, int] = {}
        for token in query:
            row = self.vocab.get(token)
            if row is not None:
                counts[row] = counts.get(row, 0) + 1
        rows = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        return rows, weights

    def _buffer(self) -> npt.NDArray[np.float32]:
        """One zeroed accumulator per thread, for the exhaustive strategies."""
        acc: npt.NDArray[np.float32] | None = getattr(self._local, "acc", None)
        if acc is None:
            acc = np.zeros(self.n_docs, dtype=np.float32)
            self._local.acc = acc
        return acc

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The k best passages containing a query token, best first, ties by lower index.

        Repeated query tokens count as often as they occur, as in rank-bm25.
        """
        if k <= 0 or self.n_docs == 0:
            return []
        rows, weights = self._rows(query)
        if rows.size == 0:
            return []
        strategy = self.strategy
        kernels = compiled.ready()
        if (
            kernels is None
            and strategy != "numpy"
            and (strategy != "auto" or not (compiled.loading() or compiled.declined()))
        ):
            kernels = compiled.load_now()  # nobody is loading them: load them now
        if strategy == "auto":  # numpy while the compiled kernels load: the same ranking
            strategy = "maxscore" if kernels is not None and kernels.HAVE_NUMBA else "numpy"
        if strategy == "maxscore" and kernels is not None:
            bounds = weights.astype(np.float64) * self.term_max[rows]
            ids, vals = kernels.top_k_maxscore(
                self.indptr, self.doc_ids, self.scores, rows, weights, bounds, k
            )
        else:
            kernel = top_k_numpy
            if strategy == "exhaustive" and kernels is not None:
                kernel = kernels.top_k_exhaustive
            ids, vals = kernel(
                self.indptr, self.doc_ids, self.scores, rows, weights, self._buffer(), k
            )
        order = np.lexsort((ids, -vals))[:k]
        return [(int(ids[i]), float(vals[i])) for i in order]

    def terms_of(self, index: int) -> list[str]:
        """Passage ``index``'s terms in order, repeats kept: ``tokenize(text)`` without re-tokenizing.

        Re-ranking reads the terms of ~30 candidates per question; tokenizing them
        again costs more than the ranking itself.
        """
        if self._term_list is None:
            self._term_list = sorted(self.vocab, key=self.vocab.__getitem__)
        lo, hi = int(self.doc_offsets[index]), int(self.doc_offsets[index + 1])
        return list(map(self._term_list.__getitem__, self.doc_terms[lo:hi].tolist()))

    def adjacent_pairs(
        self, indices: Sequence[int], pairs: Collection[tuple[str, str]]
    ) -> list[set[tuple[str, str]]]:
        """For each passage of ``indices``, which of ``pairs`` (a term, the next) it holds
        side by side: the phrases re-ranking rewards.

        Read from the forward index for all the passages at once: making each one's term
        list (``terms_of``) for ~30 candidates a question cost more than ranking them.
        """
        found: list[set[tuple[str, str]]] = [set() for _ in indices]
        width = len(self.vocab)
        codes: dict[int, tuple[str, str]] = {}
        for first, second in pairs:
            a, b = self.vocab.get(first), self.vocab.get(second)
            if a is not None and b is not None:
                codes[a * width + b] = (first, second)
        if not codes or not found:
            return found
        rows = np.asarray(indices, dtype=np.int64)
        starts, ends = self.doc_offsets[rows], self.doc_offsets[rows + 1]
        lengths = ends - starts
        owner = np.repeat(np.arange(rows.size), lengths)  # which passage each position is in
        # Each position's place in doc_terms: its passage's start plus its place in it.
        before = np.repeat(np.cumsum(lengths) - lengths, lengths)
        terms = self.doc_terms[np.arange(owner.size) - before + np.repeat(starts, lengths)]
        terms = terms.astype(np.int64)
        pair_codes = terms[:-1] * width + terms[1:]
        hits = owner[:-1] == owner[1:]  # a pair never spans two passages
        wanted = pair_codes == next(iter(codes))
        for code in list(codes)[1:]:  # a few pairs: cheaper than np.isin's sort
            wanted |= pair_codes == code
        hits &= wanted
        for passage, code in zip(owner[:-1][hits].tolist(), pair_codes[hits].tolist(), strict=True):
            found[passage].add(codes[code])
        return found

    def warm_up(self, *, wait: bool = True) -> None:
        """Load the compiled query kernel (~0.5-1 s once per process), not on the first question.

        Without ``wait`` it loads in the background (``compiled.start_loading``) and
        queries use the numpy kernel until it is ready.
        """
        if not wait:
            compiled.start_loading()
        elif self.n_docs and self.vocab:
            self.top([next(iter(self.vocab))], 1)

    def scores_for(self, query: Sequence[str]) -> npt.NDArray[np.float32]:
        """Every passage's score, like rank-bm25's ``get_scores`` (for tests and evaluation)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        rows, weights = self._rows(query)
        for row, weight in zip(rows.tolist(), weights.tolist(), strict=True):
            lo, hi = int(self.indptr[row]), int(self.indptr[row + 1])
            out[self.doc_ids[lo:hi]] += np.float32(weight) * self.scores[lo:hi]
        return out

    # ------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> None:
        """Write the index as ``.npy`` arrays, the vocabulary and a JSON header."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(path / f"{name}.npy", getattr(self, name), allow_pickle=False)
        tokens = sorted(self.vocab, key=self.vocab.__getitem__)
        (path / "vocab.json").write_text(json.dumps(tokens, ensure_ascii=False), "utf-8")
        header = IndexHeader(
            format=FORMAT_VERSION,
            n_docs=self.n_docs,
            n_terms=len(tokens),
            nnz=int(self.doc_ids.shape[0]),
            n_tokens=int(self.doc_terms.shape[0]),
            k1=self.k1,
            b=self.b,
            epsilon=self.epsilon,
            avgdl=self.avgdl,
        )
        (path / META_FILE).write_text(header.model_dump_json(indent=2), "utf-8")

    @classmethod
    def load(cls, directory: str | Path, mmap: bool = True) -> FastBM25:
        """Open a saved index; with ``mmap`` the postings stay on disk until queries read them.

        Raises ``ValueError`` (or ``OSError``) when the files are not a consistent index.
        """
        path = Path(directory)
        meta = IndexHeader.model_validate_json((path / META_FILE).read_bytes())  # or ValueError
        mode: Any = "r" if mmap else None
        # Plain arrays over the mapped files: np.memmap's indexing runs Python code per lookup.
        arrays = {
            name: np.asarray(np.load(path / f"{name}.npy", mmap_mode=mode)) for name in _ARRAYS
        }
        tokens = _VOCABULARY.validate_json((path / "vocab.json").read_bytes())
        n_terms, nnz, n_docs = meta.n_terms, meta.nnz, meta.n_docs
        expected = {
            "indptr": ((n_terms + 1,), np.int64),
            "doc_ids": ((nnz,), np.int32),
            "scores": ((nnz,), np.float32),
            "doc_len": ((n_docs,), np.int32),
            "term_idf": ((n_terms,), np.float64),
            "term_max": ((n_terms,), np.float32),
            "doc_terms": ((meta.n_tokens,), np.int32),
            "doc_offsets": ((n_docs + 1,), np.int64),
        }
        for name, (shape, dtype) in expected.items():
            if arrays[name].shape != shape or arrays[name].dtype != dtype:
                raise ValueError(f"{name}.npy in {path} does not match its header")
        if len(tokens) != n_terms or int(arrays["indptr"][-1]) != nnz:
            raise ValueError(f"inconsistent index files in {path}")
        vocab = dict(zip(tokens, range(len(tokens)), strict=True))
        index = cls(
            vocab,
            arrays,
            k1=meta.k1,
            b=meta.b,
            epsilon=meta.epsilon,
            avgdl=meta.avgdl,
        )
        index._term_list = tokens
        return index


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _progress(enabled: bool, total: int | None) -> Any:
    """A tqdm bar over passages when asked for, else a silent stand-in."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="indexing", unit="passage", unit_scale=True)
