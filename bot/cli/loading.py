"""Loading the folder of articles for a command, with its checks said in words.

A missing, unreadable or empty folder fails before anything slow starts; a skipped file
is named on its own line. The engine's imports load only when a command asks for them.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.errors import UsageError
from bot.config import Settings
from bot.terminal import printable

if TYPE_CHECKING:  # the engine's imports load only for the commands that use them
    from retrieval.corpus import Corpus
    from retrieval.engine import Engine

log = logging.getLogger("seedbot")


def check_corpus_folder(folder: Path) -> None:
    """Fail in words before loading: a folder that is missing, not a folder, or unreadable."""
    where = printable(str(folder))
    fix = "pass --corpus DIR or set SEEDBOT_CORPUS_DIR to a folder of .txt, .md or .html articles"
    if not folder.exists():
        raise UsageError(f"the corpus folder {where} does not exist: {fix}")
    if not folder.is_dir():
        raise UsageError(f"{where} is not a folder: {fix}")
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(
            f"cannot read the corpus folder {where} ({reason}): let this user read it, or {fix}"
        ) from error


def check_not_empty(corpus: Corpus) -> None:
    """A folder with no article in it is an error, said as one line."""
    if corpus.sources:
        return
    where = printable(str(corpus.folder))
    if corpus.problems:
        raise UsageError(f"no article in {where} could be read (see the lines above)")
    raise UsageError(f"{where} holds no articles: add .txt, .md or .html files to it")


def report_problems(corpus: Corpus) -> None:
    """Name the files that were skipped, and why, and those that are not articles at all."""
    from retrieval.corpus import describe_ignored, ignored_files

    for problem in corpus.problems:
        print(f"seedbot: skipped {printable(problem.file)}: {problem.reason}", file=sys.stderr)
    ignored = describe_ignored(ignored_files(corpus.folder))
    if ignored:
        print(f"seedbot: {printable(ignored)}", file=sys.stderr)


def load_engine(settings: Settings, *, quiet: bool = False) -> Engine:
    """Load the corpus, saying which files were skipped and why; an empty one is an error."""
    from retrieval.engine import build_engine

    check_corpus_folder(settings.corpus_dir)
    started = time.perf_counter()
    engine = build_engine(settings.corpus_dir, settings.engine_settings())
    report_problems(engine.corpus)
    check_not_empty(engine.corpus)
    log.log(
        logging.DEBUG if quiet else logging.INFO,
        "Loaded %d articles, %d passages from %s in %.2fs",
        len(engine.corpus.sources),
        len(engine.corpus.passages),
        settings.corpus_dir,
        time.perf_counter() - started,
    )
    return engine


def load_articles(settings: Settings) -> Corpus:
    """The articles alone, for commands that list them: no index, no models."""
    from retrieval.engine import INDEX_VERSION
    from retrieval.passage_store import load_corpus_cached

    check_corpus_folder(settings.corpus_dir)
    corpus, _ = load_corpus_cached(settings.corpus_dir, version=INDEX_VERSION)
    report_problems(corpus)
    check_not_empty(corpus)
    return corpus
