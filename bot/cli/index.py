"""``seedbot index``: build (or check) the saved index, so that the bot starts without building it.

An index that cannot be saved is said plainly, with the reason (a read-only folder) and
the fix, and exits with code 1: every later start would otherwise build it anew.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.loading import check_corpus_folder, check_not_empty, report_problems
from bot.config import Settings

if TYPE_CHECKING:
    from retrieval.engine import Engine
    from retrieval.settings import EngineSettings
from bot.terminal import printable

IN_MEMORY = "built in memory"  # Engine.index_status when the index could not be saved


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Build (or check) the saved index, so that the bot starts without building it: the
    BM25 index, and for a large corpus the meaning stage's (minutes: ~100 sentences/s per core)."""
    from retrieval.engine import INDEX_VERSION, Engine
    from retrieval.fastbm25 import compiled
    from retrieval.index_cache import CACHE_DIRNAME
    from retrieval.passage_store import load_corpus_cached

    folder = settings.corpus_dir
    check_corpus_folder(folder)
    started = time.perf_counter()
    workers = os.cpu_count() or 1
    corpus, passages_status = load_corpus_cached(folder, version=INDEX_VERSION, workers=workers)
    report_problems(corpus)
    check_not_empty(corpus)
    engine_settings = replace(
        settings.engine_settings(),
        engine="fast",
        save_index=True,
        semantic=settings.semantic and not args.no_meaning,
        build_meaning_index=True,
    )
    engine = Engine(corpus, engine_settings, progress=sys.stderr.isatty(), workers=workers)
    compiled.start_loading()  # FastBM25's kernels compiled and cached once (if not yet), so
    compiled.wait()  # that the next start, even a fresh install's first, only loads them
    where = printable(str(folder / CACHE_DIRNAME))
    status = str(getattr(engine.index_status, "value", engine.index_status))
    summary = (
        f"Index of {len(corpus.passages):,} passages from {len(corpus.sources):,} articles "
        f"{status} in {time.perf_counter() - started:.1f}s"
    )
    if status == IN_MEMORY:
        why = (
            f"{printable(str(folder))} is read-only"
            if not _writable(folder)
            else "see the line above"
        )
        print(
            f"{summary}: not saved, cannot write {where} ({why}). Make the folder writable "
            "and run `seedbot index` again; until then every start builds the index anew."
        )
        return 1
    passages = (
        f"passages {passages_status}"
        if passages_status
        else "a small corpus: its passages are read from the files at each start"
    )
    print(f"{summary}, saved in {where} ({passages}; {_meaning(engine, engine_settings)}).")
    return 0


def _meaning(engine: Engine, settings: EngineSettings) -> str:
    """What the meaning stage will be at the next start."""
    from retrieval.meaning_index import MeaningIndex

    if isinstance(engine.sentence_vectors, MeaningIndex):
        meaning = engine.sentence_vectors
        return f"meaning index of {len(meaning.owners):,} sentences {meaning.status}"
    if engine.sentence_vectors is not None:
        return "sentence vectors saved"
    if not settings.semantic:
        return "no meaning index: BM25 ranks alone"
    return "no meaning index: see the line above"


def _writable(folder: Path) -> bool:
    """Whether the index can be saved beside the articles (the folder, or its index folder)."""
    from retrieval.index_cache import CACHE_DIRNAME

    index = folder / CACHE_DIRNAME
    target = index if index.is_dir() else folder
    return os.access(target, os.W_OK | os.X_OK) and not _read_only_mount(target)


def _read_only_mount(path: Path) -> bool:
    """A read-only file system: os.access says "writable" to root there."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False
