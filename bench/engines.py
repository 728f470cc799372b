"""The engines under test, behind one small interface, so the worker times them alike.

Each engine builds from passage texts (seedbot tokenizes in bulk itself; the
peers get the same terms from ``retrieval.tokenize.tokenize``, whose time is
measured once per corpus and added to theirs), saves, loads, and ranks a
query given as index terms.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np


def _scratch_dir(prefix: str) -> Path:
    """A temporary folder removed when the worker process exits."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path


class BenchEngine(Protocol):
    name: str
    can_save: bool

    def build(self, texts: Sequence[str], tokenized: Sequence[list[str]] | None) -> None: ...

    def save(self, directory: Path) -> None: ...

    def load(self, directory: Path) -> None: ...

    def top(self, terms: Sequence[str], k: int) -> list[int]: ...

    def idf(self, term: str) -> float: ...


class SeedbotEngine:
    """FastBM25 built straight from the texts (bulk tokenization on every core), MaxScore queries."""

    name = "seedbot"
    can_save = True
    needs_tokens = False

    def __init__(self) -> None:
        from retrieval.fastbm25 import FastBM25

        self._cls = FastBM25
        self.index: Any = None
        self._saved = Path()

    def build(self, texts: Sequence[str], tokenized: Sequence[list[str]] | None) -> None:
        """As ``load_or_build_fast`` does: build, save, serve the memory-mapped saved copy."""
        workers = int(os.environ.get("BENCH_WORKERS", os.cpu_count() or 1))
        built = self._cls.build_from_texts(texts, workers=workers)
        self._saved = _scratch_dir("fastbm25-")
        built.save(self._saved)
        del built
        self.index = self._cls.load(self._saved, mmap=True)

    def save(self, directory: Path) -> None:
        shutil.copytree(self._saved, directory, dirs_exist_ok=True)

    def load(self, directory: Path) -> None:
        self.index = self._cls.load(directory, mmap=True)

    def top(self, terms: Sequence[str], k: int) -> list[int]:
        return [doc for doc, _ in self.index.top(terms, k)]

    def idf(self, term: str) -> float:
        return float(self.index.idf(term))


class RankBM25Engine:
    """rank-bm25's BM25Okapi, ranking with ``get_scores`` over every passage."""

    name = "rank-bm25"
    can_save = False
    needs_tokens = True

    def __init__(self) -> None:
        self.bm25: Any = None

    def build(self, texts: Sequence[str], tokenized: Sequence[list[str]] | None) -> None:
        from rank_bm25 import BM25Okapi

        assert tokenized is not None
        self.bm25 = BM25Okapi(tokenized, k1=1.5, b=0.75, epsilon=0.25)

    def save(self, directory: Path) -> None:  # pragma: no cover - rank-bm25 has no format
        raise NotImplementedError

    def load(self, directory: Path) -> None:  # pragma: no cover
        raise NotImplementedError

    def top(self, terms: Sequence[str], k: int) -> list[int]:
        scores = self.bm25.get_scores(list(terms))
        if scores.shape[0] > k:  # every passage tied with the k-th, then ties by lower index
            cut = scores[np.argpartition(-scores, k - 1)[k - 1]]
            best = np.flatnonzero(scores >= cut)
        else:
            best = np.arange(scores.shape[0])
        best = best[scores[best] != 0]
        return [int(i) for i in sorted(best.tolist(), key=lambda i: (-scores[i], i))][:k]

    def idf(self, term: str) -> float:
        return float(self.bm25.idf.get(term, 1.0))


class BM25sEngine:
    """bm25s (numba backend when available), BM25 "robertson" variant, mmap on load."""

    name = "bm25s"
    can_save = True
    needs_tokens = True

    def __init__(self) -> None:
        import bm25s

        self._bm25s = bm25s
        self.model: Any = None
        self.vocab: dict[str, int] = {}

    def build(self, texts: Sequence[str], tokenized: Sequence[list[str]] | None) -> None:
        assert tokenized is not None
        self.model = self._bm25s.BM25(k1=1.5, b=0.75, method="robertson", backend="numba")
        self.model.index(tokenized, show_progress=False)
        self.vocab = self.model.vocab_dict

    def save(self, directory: Path) -> None:
        self.model.save(str(directory))

    def load(self, directory: Path) -> None:
        self.model = self._bm25s.BM25.load(str(directory), mmap=True, show_progress=False)
        self.vocab = self.model.vocab_dict

    def top(self, terms: Sequence[str], k: int) -> list[int]:
        known = [t for t in terms if t in self.vocab]
        if not known:
            return []
        docs, _ = self.model.retrieve(
            [known], k=k, show_progress=False, n_threads=1, backend_selection="numba"
        )
        return [int(d) for d in docs[0]]

    def idf(self, term: str) -> float:
        return 1.0


class TantivyEngine:
    """tantivy over the same terms (whitespace tokenizer), its own BM25, one writer thread."""

    name = "tantivy"
    can_save = True
    needs_tokens = True

    def __init__(self) -> None:
        import tantivy

        self._t = tantivy
        self.index: Any = None
        self.searcher: Any = None
        self.path: Path | None = None

    def _schema(self) -> Any:
        builder = self._t.SchemaBuilder()
        builder.add_text_field(
            "body", stored=False, tokenizer_name="whitespace", index_option="freq"
        )
        builder.add_unsigned_field("idx", stored=True, indexed=False)
        return builder.build()

    def build(self, texts: Sequence[str], tokenized: Sequence[list[str]] | None) -> None:
        assert tokenized is not None
        self.path = _scratch_dir("tantivy-")
        self.index = self._t.Index(self._schema(), path=str(self.path))
        writer = self.index.writer(heap_size=256_000_000, num_threads=1)
        document = self._t.Document
        for i, tokens in enumerate(tokenized):
            writer.add_document(document(body=" ".join(tokens), idx=i))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def save(self, directory: Path) -> None:
        assert self.path is not None
        shutil.copytree(self.path, directory, dirs_exist_ok=True)

    def load(self, directory: Path) -> None:
        self.index = self._t.Index.open(str(directory))
        self.searcher = self.index.searcher()

    def top(self, terms: Sequence[str], k: int) -> list[int]:
        if not terms:
            return []
        query = self.index.parse_query(" ".join(terms), ["body"])
        hits = self.searcher.search(query, k).hits
        return [int(self.searcher.doc(address)["idx"][0]) for _, address in hits]

    def rank_only(self, terms: Sequence[str], k: int) -> int:
        """Ranking without fetching stored ids, tantivy's fair 'ranking alone' figure."""
        query = self.index.parse_query(" ".join(terms), ["body"])
        return len(self.searcher.search(query, k).hits)

    def idf(self, term: str) -> float:
        return 1.0


ENGINES: dict[str, type] = {
    "seedbot": SeedbotEngine,
    "rank-bm25": RankBM25Engine,
    "bm25s": BM25sEngine,
    "tantivy": TantivyEngine,
}


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2), "utf-8")
