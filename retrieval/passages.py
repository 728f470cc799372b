"""Cut paragraphs into quotable passages of whole sentences.

A passage is what a citation points at, so it never crosses a paragraph: its id
and paragraph number tell the reader exactly where the quote stands.
"""

from __future__ import annotations

from collections.abc import Sequence

from sentencex import segment

from retrieval.models import Passage, Source

# Bump when the way articles are cut into passages changes: saved indexes are keyed by it.
PASSAGES_VERSION = "5"  # 5: terminal escape sequences removed whole
MAX_SENTENCES = 4
MAX_WORDS = 120  # a passage longer than this is split even under MAX_SENTENCES


def split_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, verbatim, so that " ".join gives it back (spaces squashed)."""
    return [stripped for piece in segment("en", paragraph) if (stripped := piece.strip())]


def word_count(text: str) -> int:
    """``len(text.split())``, without making the words when spaces are the only whitespace.

    Every character ``str.split`` splits at, but the space, is non-printable.
    """
    if text.isprintable() and "  " not in text:
        stripped = text.strip(" ")
        return stripped.count(" ") + 1 if stripped else 0
    return len(text.split())


def group_sentences(sentences: Sequence[str]) -> list[tuple[str, ...]]:
    """Consecutive runs of at most MAX_SENTENCES sentences and about MAX_WORDS words."""
    lengths = [word_count(sentence) for sentence in sentences]
    if len(sentences) <= MAX_SENTENCES and sum(lengths) <= MAX_WORDS:
        return [tuple(sentences)] if sentences else []  # one group: what the loop gives
    groups: list[tuple[str, ...]] = []
    current: list[str] = []
    words = 0
    for sentence, length in zip(sentences, lengths, strict=True):
        if current and (len(current) >= MAX_SENTENCES or words + length > MAX_WORDS):
            groups.append(tuple(current))
            current, words = [], 0
        current.append(sentence)
        words += length
    if current:
        groups.append(tuple(current))
    # Avoid a lone short tail: merge it back when the result stays within bounds.
    if len(groups) >= 2 and len(groups[-1]) == 1 and len(groups[-2]) < MAX_SENTENCES:
        tail_words = sum(map(word_count, groups[-2] + groups[-1]))
        if tail_words <= MAX_WORDS * 1.25:
            groups[-2:] = [groups[-2] + groups[-1]]
    return groups


def passage_groups(
    paragraphs: Sequence[tuple[str, str | None]],
) -> list[tuple[int, int, tuple[str, ...], str | None]]:
    """(paragraph number, part, sentences, section) of each passage the paragraphs make."""
    return [
        (number, part, sentences, section)
        for number, (text, section) in enumerate(paragraphs, start=1)
        for part, sentences in enumerate(group_sentences(split_sentences(text)), start=1)
    ]


def make_passages(source: Source, paragraphs: Sequence[tuple[str, str | None]]) -> list[Passage]:
    """Passages for an article's body paragraphs, given as (text, section heading) pairs."""
    return [
        Passage(f"{source.file}#p{number}.{part}", source, number, sentences, section)
        for number, part, sentences, section in passage_groups(paragraphs)
    ]
