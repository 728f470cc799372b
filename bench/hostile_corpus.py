"""Hostile articles load in bounded time (issue 16): prints figures, asserts nothing.

    .venv/bin/python -m bench.hostile_corpus

A YAML alias bomb in front matter (7 and 8 levels: 39 MB and 2 GB of text before the
limits), a 5.8 MB one-line article without punctuation, and a corpus of 1,000 links
pointing out of the folder: the time each takes to load, and the largest passage.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from retrieval.corpus import load_corpus, parse_article
from tests.test_corpus_safety import ARTICLE, alias_bomb


def timed(label: str, work: object) -> None:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    print(f"{label:<52} {time.perf_counter() - started:8.3f} s   {result}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for levels in (7, 8):
            bomb = folder / f"bomb{levels}"
            bomb.mkdir()
            (bomb / "bomb.md").write_text(alias_bomb(levels), "utf-8")
            timed(
                f"alias bomb, {levels} levels ({len(alias_bomb(levels))} bytes)",
                lambda bomb=bomb: f"problems: {[p.reason for p in load_corpus(bomb).problems]}",
            )
        words = " ".join(f"word{i % 997}" for i in range(730_000)) + "\n"

        def huge() -> str:
            passages = parse_article(words, "huge.txt").passages
            return f"{len(passages)} passages, largest {max(len(p.text) for p in passages)} chars"

        timed(f"one-line article, {len(words) / 1e6:.1f} MB, no punctuation", huge)
        links = folder / "links"
        links.mkdir()
        (folder / "secret.txt").write_text(ARTICLE, "utf-8")
        (links / "real.txt").write_text(ARTICLE, "utf-8")
        for n in range(1000):
            os.symlink(folder / "secret.txt", links / f"out{n}.txt")
        timed(
            "1,000 links out of the folder, 1 article",
            lambda: (
                f"{len(load_corpus(links).problems)} reported, "
                f"{len(load_corpus(links).sources)} read"
            ),
        )


if __name__ == "__main__":
    main()
