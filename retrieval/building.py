"""Building what the engine answers from: the articles, the BM25 index and the two models.

``retrieval.engine.build_engine`` puts these together for the bot, the CLI and the
tests; each function here builds one part, so a test or a benchmark can build one alone.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from retrieval import semantic
from retrieval.bm25 import OkapiScorer, Scorer
from retrieval.corpus import Corpus, load_corpus, scan_article_files
from retrieval.cross_encoder import CrossEncoder
from retrieval.index_cache import CACHE_DIRNAME, start_loading_kernels
from retrieval.meaning_index import MeaningIndex
from retrieval.passage_access import Passages
from retrieval.passage_store import CACHE_MIN_BYTES, load_corpus_cached
from retrieval.passages import PASSAGES_VERSION
from retrieval.semantic import PassageMeaning, SentenceEncoder, SentenceVectors
from retrieval.settings import EngineSettings
from retrieval.tokenize import TOKENIZER_VERSION, tokenize

log = logging.getLogger(__name__)

INDEX_VERSION = f"tokenize={TOKENIZER_VERSION}|passages={PASSAGES_VERSION}"


@dataclass(frozen=True)
class BuiltScorer:
    scorer: Scorer
    status: str | None  # for the fast engine: loaded, built, rebuilt or built in memory


def load_articles(folder: Path | str, settings: EngineSettings, *, workers: int = 1) -> Corpus:
    """The folder's articles; large corpora come from their saved passage store.

    The folder is listed once; the store and the index share that listing and its
    fingerprint. For a large corpus, numba loads in the background meanwhile.
    """
    if not settings.save_index:
        return load_corpus(folder)
    folder = Path(folder)
    files = scan_article_files(folder) if folder.is_dir() else None
    large = files is not None and sum(f.size for f in files) >= CACHE_MIN_BYTES
    if large and settings.engine != "bm25okapi":
        start_loading_kernels()
    corpus, status = load_corpus_cached(folder, version=INDEX_VERSION, files=files, workers=workers)
    if status.saved:
        log.info("Passages %s from %s", status, folder)
    return corpus


def uses_fast_engine(settings: EngineSettings, n_passages: int) -> bool:
    """rank-bm25 for small corpora; FastBM25 from the measured crossover on."""
    if settings.engine == "auto":
        return n_passages >= settings.fast_engine_min_passages
    return settings.engine == "fast"


def build_scorer(
    corpus: Corpus, passages: Passages, settings: EngineSettings, *, progress: bool, workers: int
) -> BuiltScorer:
    """The BM25 index: rank-bm25 in memory, or FastBM25 saved beside the articles."""
    s = settings
    if uses_fast_engine(s, len(passages)) and len(passages):
        return _fast_scorer(corpus, passages, s, progress=progress, workers=workers)
    tokenized = [tokenize(passages.text(i)) for i in range(len(passages))]
    return BuiltScorer(OkapiScorer(tokenized, k1=s.k1, b=s.b, epsilon=s.epsilon), None)


def _fast_scorer(
    corpus: Corpus, passages: Passages, s: EngineSettings, *, progress: bool, workers: int
) -> BuiltScorer:
    """FastBM25, loaded from the corpus folder's saved index when it is sound."""
    from retrieval.fastbm25 import FastBM25  # numba loads only when needed
    from retrieval.index_cache import load_or_build_fast

    def texts() -> list[str]:  # only when the index must be built
        return [passages.text(i) for i in range(len(passages))]

    if s.save_index:
        try:
            stamps = corpus.stamps  # the store's: the files are not listed again
            scorer, status = load_or_build_fast(
                corpus.folder,
                files=scan_article_files(corpus.folder) if stamps is None else (),
                stamps=stamps,
                texts=texts,
                terms=passages.take_terms,
                n_passages=len(passages),
                version=INDEX_VERSION,
                k1=s.k1,
                b=s.b,
                epsilon=s.epsilon,
                progress=progress,
                workers=workers,
            )
            return BuiltScorer(scorer, status.value)
        except OSError as error:
            log.warning(
                "Cannot save the index beside the articles (%s); building it in memory", error
            )
    scorer = FastBM25.build_from_texts(
        texts(), k1=s.k1, b=s.b, epsilon=s.epsilon, progress=progress
    )
    return BuiltScorer(scorer, "built in memory")


def build_sentence_vectors(
    corpus: Corpus,
    passages: Passages,
    settings: EngineSettings,
    *,
    progress: bool,
    workers: int = 1,
) -> PassageMeaning | None:
    """Every sentence encoded for meaning-based matching, when enabled: in memory up to
    ``semantic_max_passages``, else the nearest-neighbour index ``seedbot index`` saved."""
    s = settings
    if not s.semantic or not len(passages):
        return None
    if len(passages) > s.semantic_max_passages:
        return _meaning_index(corpus, passages, s, progress=progress, workers=workers)
    encoder = SentenceEncoder.shared()
    if encoder is None:
        return None
    cache = corpus.folder / CACHE_DIRNAME if s.save_index else None
    return SentenceVectors.build(
        [passages[i].sentences for i in range(len(passages))], encoder, cache, progress=progress
    )


def _meaning_index(
    corpus: Corpus, passages: Passages, s: EngineSettings, *, progress: bool, workers: int
) -> MeaningIndex | None:
    """The saved index of a large corpus's sentences; built only when ``build_meaning_index``."""
    off = "Meaning-based matching is off above %d passages until %s; BM25 ranks alone"
    if not s.save_index:
        log.info(off, s.semantic_max_passages, "the index is saved")
        return None
    cache = corpus.folder / CACHE_DIRNAME
    key = meaning_key(corpus, passages)
    saved = MeaningIndex.load(cache, key, len(passages))
    if saved is not None or not s.build_meaning_index:
        if saved is None:
            log.info(off, s.semantic_max_passages, "`seedbot index` builds its vectors")
        return saved
    try:  # a reader of its own with a thread per core: this is the only work in hand
        encoder = SentenceEncoder.dedicated(threads=max(1, workers))
    except (ImportError, OSError, ValueError, RuntimeError) as error:
        log.warning("Meaning-based matching is off: %s. BM25 ranks alone.", error)
        return None
    try:
        return MeaningIndex.build(
            lambda i: passages[i].sentences,
            len(passages),
            encoder,
            cache,
            key,
            progress=progress,
            threads=max(1, workers),
        )
    except OSError as error:
        log.warning("Cannot save the meaning index in %s (%s); BM25 ranks alone", cache, error)
        return None


def meaning_key(corpus: Corpus, passages: Passages) -> str:
    """What the saved meaning index was built from: the article files' fingerprints when
    the passage store gave them (no sentence is read), else every sentence."""
    h = hashlib.sha256(f"{INDEX_VERSION}\0{semantic.MODEL_SHA256}\0{len(passages)}\0".encode())
    if corpus.stamps is not None:
        for stamp in corpus.stamps:
            h.update(f"{stamp.path}\0{stamp.sha256}\0".encode("utf-8", "surrogatepass"))
    else:
        for i in range(len(passages)):
            for sentence in passages[i].sentences:
                h.update(sentence.encode("utf-8", "surrogatepass") + b"\0")
            h.update(b"\1")
    return h.hexdigest()[:32]


def build_cross_encoder(n_passages: int, settings: EngineSettings) -> CrossEncoder | None:
    """The shortlist's reader, when enabled (and the corpus within ``cross_encoder_max_passages``)."""
    s = settings
    if not s.cross_encoder or not n_passages:
        return None
    if n_passages > s.cross_encoder_max_passages:
        log.info("The cross-encoder is off above %d passages", s.cross_encoder_max_passages)
        return None
    return CrossEncoder.shared()
