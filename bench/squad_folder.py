"""The folder the SQuAD benchmark asks: the articles, and optionally a large folder's web
pages copied beside them, so the same questions are asked among many passages of other text.

The pages are copied, not linked: the corpus loader reads no link to a file outside the
articles folder (a folder must not lend out files it does not hold). They go under
``other/`` with their own sub-folders, so their names never clash with the articles'.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bench.squad_data import SquadArticle, write_articles
from retrieval.corpus import HTML_SUFFIXES

OTHER_DIRNAME = "other"


def copy_pages(source: Path, target: Path, suffixes: tuple[str, ...] = HTML_SUFFIXES) -> int:
    """Copy every page under ``source`` whose name ends in ``suffixes`` into ``target``,
    keeping its sub-folders; returns how many are there. Only web pages by default:
    documentation packages also hold the pages' sources as .txt, the same text twice.
    Hidden files and folders are skipped, as the corpus loader skips them. A page copied
    before (same size and time) is left alone, so the index saved beside it stays valid.
    """
    if not source.is_dir():
        raise SystemExit(f"{source} is not a folder; install the pages first (see docs/squad.md)")
    copied = 0
    for root, folders, files in os.walk(source):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(suffixes):
                continue
            page = Path(root, name)
            copy = target / page.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            if copy.is_symlink():
                copy.unlink()  # an earlier run's link, which the loader now skips
            held = page.stat()
            if not (
                copy.is_file()
                and copy.stat().st_size == held.st_size
                and copy.stat().st_mtime_ns == held.st_mtime_ns
            ):
                shutil.copy2(page, copy)
            copied += 1
    return copied


def build_folder(
    articles: tuple[SquadArticle, ...], folder: Path, large_folder: Path | None = None
) -> int:
    """Write the articles into ``folder`` and copy the large folder's pages beside them;
    returns the number of pages copied. Re-running on the same folder changes nothing,
    so the index saved there is reused."""
    write_articles(articles, folder)
    if large_folder is None:
        return 0
    return copy_pages(large_folder, folder / OTHER_DIRNAME)
