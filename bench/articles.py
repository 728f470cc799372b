"""A folder of synthetic article files, for timing a build from article text.

    .venv/bin/python -m bench.articles --passages 1000000 --out /tmp/articles-1m
    .venv/bin/python -m bench.articles --files 10000 --out /tmp/big1m

Each file holds 100 of the scale benchmark's passages (``bench.corpus``, seed 7, made in
chunks of 200,000 as ``bench.corpus.ensure_corpus`` does) as paragraphs: a title line
"Synthetic article N", then the paragraphs, separated by blank lines. File N always
holds the same text, so a smaller folder is a prefix of a larger one, and
``--files 10000`` writes the folder of 1,000,000 paragraphs used in ``bench/RESULTS.md``.

The parser cuts a paragraph of more than four sentences (or 120 words) into several
passages, so 100 paragraphs make about 140 passages. ``--passages N`` writes files
until the passages they make reach N (counted with the parser's own sentence splitter and
grouping, ``retrieval.passages.passage_groups``; ``bench.build_folder`` prints the count
actually indexed).

A folder already written with the same arguments is left as it is (a hidden
``.bench-articles.json`` records them; hidden files are not articles).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

from bench.corpus import generate_passages, make_vocabulary
from retrieval.passages import passage_groups

PARAGRAPHS_PER_FILE = 100
CHUNK = 200_000  # passages generated at once, as bench.corpus.ensure_corpus does
MARKER = ".bench-articles.json"


def paragraphs(seed: int) -> Iterator[list[str]]:
    """The benchmark corpus's passages (each a list of sentences), without end."""
    vocab = make_vocabulary(seed)
    start = 0
    while True:
        yield from generate_passages(CHUNK, seed=seed, chunk=start, vocab=vocab)
        start += CHUNK


def article_text(number: int, paragraphs: list[list[str]]) -> str:
    body = "\n\n".join(" ".join(sentences) for sentences in paragraphs)
    return f"Synthetic article {number}\n\n{body}\n"


def write_articles(out: Path, *, passages: int = 0, files: int = 0, seed: int = 7) -> int:
    """Write the folder (unless written already); with ``passages``, returns how many it makes.

    Stops after ``files`` files, or once the files make ``passages`` passages.
    """
    if (passages > 0) == (files > 0):
        raise ValueError("give either passages or files")
    wanted = {"passages": passages, "files": files, "seed": seed}
    marker = out / MARKER
    if marker.exists():
        done = json.loads(marker.read_text("utf-8"))
        if {key: done.get(key) for key in wanted} == wanted:
            return int(done["made"])
    out.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    stream = paragraphs(seed)
    made = number = 0
    while (files and number < files) or (passages and made < passages):
        batch = [next(stream) for _ in range(PARAGRAPHS_PER_FILE)]
        if passages:
            made += len(passage_groups([(" ".join(sentences), None) for sentences in batch]))
        (out / f"article-{number:05d}.txt").write_text(article_text(number, batch), "utf-8")
        number += 1
    for stale in out.glob("article-*.txt"):  # left from an earlier, larger folder
        if int(stale.stem.removeprefix("article-")) >= number:
            stale.unlink()
    marker.write_text(json.dumps({**wanted, "written": number, "made": made}), "utf-8")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--passages", type=int, default=0, help="write files until this many")
    size.add_argument("--files", type=int, default=0, help="write this many files")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    made = write_articles(args.out, passages=args.passages, files=args.files, seed=args.seed)
    count = len(list(args.out.glob("article-*.txt")))
    expected = f", {made:,} passages" if made else ""
    print(f"{args.out}: {count:,} article files{expected}")


if __name__ == "__main__":
    main()
