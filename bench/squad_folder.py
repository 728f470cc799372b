"""The folder the SQuAD benchmark asks: the articles, and optionally a large folder's web
pages linked beside them, so the same questions are asked among many passages of other text.

The pages are linked, not copied (the corpus loader follows links to files), under
``other/`` with their own sub-folders, so their names never clash with the articles'.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.squad_data import SquadArticle, write_articles
from retrieval.corpus import HTML_SUFFIXES

OTHER_DIRNAME = "other"


def link_pages(source: Path, target: Path, suffixes: tuple[str, ...] = HTML_SUFFIXES) -> int:
    """Link every page under ``source`` whose name ends in ``suffixes`` into ``target``,
    keeping its sub-folders; returns how many are linked. Only web pages by default:
    documentation packages also hold the pages' sources as .txt, the same text twice.
    Hidden files and folders are skipped, as the corpus loader skips them.
    """
    if not source.is_dir():
        raise SystemExit(f"{source} is not a folder; install the pages first (see docs/squad.md)")
    linked = 0
    for root, folders, files in os.walk(source):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(suffixes):
                continue
            page = Path(root, name)
            link = target / page.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            if link.is_symlink() and Path(os.readlink(link)) == page.resolve():
                linked += 1
                continue
            link.unlink(missing_ok=True)
            link.symlink_to(page.resolve())
            linked += 1
    return linked


def build_folder(
    articles: tuple[SquadArticle, ...], folder: Path, large_folder: Path | None = None
) -> int:
    """Write the articles into ``folder`` and link the large folder's pages beside them;
    returns the number of pages linked. Re-running on the same folder changes nothing,
    so the index saved there is reused."""
    write_articles(articles, folder)
    if large_folder is None:
        return 0
    return link_pages(large_folder, folder / OTHER_DIRNAME)
