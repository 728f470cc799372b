"""SQuAD 2.0 articles and questions as plain data: read from SQuAD's JSON, split in two
halves that never change, sampled the same way every time, and written as article files.

The data stays in ../shared (CC BY-SA, not ours to ship): nothing here copies it into the
repository; the article files go to a folder the caller names (a temporary one by default).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

# ../shared beside the project root, as the other benchmarks read their data
DEFAULT_DATA = (
    Path(__file__).resolve().parents[1].parent / "shared/data/squad2-dev/dev-v2.0-subset.json"
)
_UNSAFE_IN_NAME = re.compile(r"(?:[^\w.-]|_)+")


class Split(StrEnum):
    """Which half a question is in: tune on ``dev``, report ``holdout`` untouched."""

    DEV = "dev"
    HOLDOUT = "holdout"


@dataclass(frozen=True)
class SquadArticle:
    title: str  # as SQuAD spells it, with underscores ("Sky_(United_Kingdom)")
    paragraphs: tuple[str, ...]  # SQuAD's contexts, in order

    @property
    def file(self) -> str:
        """The article's file name in the corpus folder."""
        return _UNSAFE_IN_NAME.sub("_", self.title).strip("_") + ".txt"

    @property
    def heading(self) -> str:
        """The title a reader would write: SQuAD's underscores as spaces."""
        return self.title.replace("_", " ")

    def text(self) -> str:
        """The article file: its title as the first line, paragraphs between blank lines."""
        return "\n\n".join((self.heading, *self.paragraphs)) + "\n"


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    file: str  # the article's file (SquadArticle.file)
    paragraph: int  # 0-based index of the paragraph it was written on, in SQuAD's order
    answers: tuple[str, ...]  # the crowd's answer spans, distinct; empty when unanswerable
    split: Split

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class SquadSet:
    articles: tuple[SquadArticle, ...]
    questions: tuple[SquadQuestion, ...]


def split_of(context: str) -> Split:
    """The half a paragraph's questions go to, from a hash of its text.

    Whole paragraphs, not single questions, are split: the questions written on one
    paragraph often ask about the same sentence, so a rule tuned on one of them would
    carry over to its siblings in the other half. Both halves span every article.
    """
    digest = hashlib.sha256(" ".join(context.split()).encode()).digest()
    return Split.DEV if digest[0] % 2 == 0 else Split.HOLDOUT


def parse_squad(data: dict[str, Any]) -> SquadSet:
    """Articles and questions from SQuAD 2.0's JSON (``{"data": [{"title", "paragraphs"}]}``)."""
    articles: list[SquadArticle] = []
    questions: list[SquadQuestion] = []
    for raw_article in data["data"]:
        contexts = tuple(p["context"] for p in raw_article["paragraphs"])
        article = SquadArticle(raw_article["title"], contexts)
        articles.append(article)
        for index, paragraph in enumerate(raw_article["paragraphs"]):
            split = split_of(paragraph["context"])
            for qa in paragraph["qas"]:
                spans = (
                    () if qa.get("is_impossible") else _distinct(a["text"] for a in qa["answers"])
                )
                questions.append(
                    SquadQuestion(qa["id"], qa["question"], article.file, index, spans, split)
                )
    files = [article.file for article in articles]
    if len(set(files)) != len(files):
        raise ValueError("two SQuAD articles would share a file name; their titles clash")
    return SquadSet(tuple(articles), tuple(questions))


def load_squad(path: Path) -> SquadSet:
    """Read a SQuAD 2.0 file; a missing one says where the data is expected."""
    if not path.is_file():
        raise SystemExit(
            f"{path} not found: the SQuAD 2.0 subset lives in ../shared/data/squad2-dev/ "
            "beside the project; pass --data FILE to read it from elsewhere"
        )
    return parse_squad(json.loads(path.read_text(encoding="utf-8")))


def select(
    questions: Sequence[SquadQuestion], split: Split | None = None, limit: int | None = None
) -> list[SquadQuestion]:
    """The questions of one half (``None``: both), at most ``limit`` of them as a fixed
    sample stratified by article and answerability, so a short run keeps the mix."""
    chosen = [q for q in questions if split is None or q.split is split]
    if limit is None or limit >= len(chosen):
        return chosen
    strata: dict[tuple[str, bool], list[SquadQuestion]] = defaultdict(list)
    for question in chosen:
        strata[(question.file, question.answerable)].append(question)
    quotas = _quotas({key: len(group) for key, group in strata.items()}, limit)
    keep: set[str] = set()
    for key, group in strata.items():
        ordered = sorted(group, key=lambda q: hashlib.sha256(q.id.encode()).hexdigest())
        keep.update(q.id for q in ordered[: quotas[key]])
    return [q for q in chosen if q.id in keep]


def write_articles(articles: Iterable[SquadArticle], folder: Path) -> None:
    """One file per article in ``folder``; an unchanged file is left as it is, so a saved
    index of the folder stays valid."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in articles:
        path = folder / article.file
        text = article.text()
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def _quotas(sizes: dict[tuple[str, bool], int], limit: int) -> dict[tuple[str, bool], int]:
    """Largest-remainder shares of ``limit`` in proportion to ``sizes``."""
    total = sum(sizes.values())
    exact = {key: limit * size / total for key, size in sizes.items()}
    quotas = {key: int(share) for key, share in exact.items()}
    by_remainder = sorted(sizes, key=lambda key: (quotas[key] - exact[key], key))
    for key in by_remainder[: limit - sum(quotas.values())]:
        quotas[key] += 1
    return quotas


def _distinct(spans: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(span for span in spans if span.strip()))
