"""Cut paragraphs into quotable passages of whole sentences.

A passage is what a citation points at, so it never crosses a paragraph: its id
and paragraph number tell the reader exactly where the quote stands.
"""

from __future__ import annotations

from collections.abc import Sequence

from sentencex import segment

# Bump when the way articles are cut into passages changes: saved indexes are keyed by it.
# 6: huge sentences cut, passages capped in characters, a heading repeating the title is
# no section, untitled articles get a derived title; 7: the footer's byline and
# republication notice are the article's last passages (``Source.credits``); 8: so are
# the page's teasers of other stories ("Don't Miss"), and both are ``Source.asides``
PASSAGES_VERSION = "8"
MAX_SENTENCES = 4
MAX_WORDS = 120  # a passage longer than this is split even under MAX_SENTENCES
# A "sentence" longer than this (a page without punctuation) is cut at a word boundary,
# and a passage never exceeds MAX_PASSAGE_CHARS: what is quoted and rendered stays small.
MAX_SENTENCE_CHARS = 1_000
MAX_PASSAGE_CHARS = 2_000


def cut_long(sentence: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """``sentence`` in pieces of at most ``limit`` characters, cut at the last space before
    the limit (mid-word only when a piece has no space at all); " ".join gives it back."""
    pieces: list[str] = []
    start, end = 0, len(sentence)
    while end - start > limit:
        cut = sentence.rfind(" ", start + limit // 2, start + limit + 1)
        if cut < 0:
            pieces.append(sentence[start : start + limit])
            start += limit
        else:
            pieces.append(sentence[start:cut].rstrip(" "))
            start = cut + 1
        while start < end and sentence[start] == " ":
            start += 1
    if start < end:
        pieces.append(sentence[start:])
    return pieces


def split_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, verbatim, so that " ".join gives it back (spaces squashed);
    a sentence over MAX_SENTENCE_CHARS is cut into pieces (``cut_long``). A line break ends
    a sentence: a paragraph made of lines (a teaser's headline and snippet) keeps them
    apart, each quotable as it stands."""
    sentences = []
    pieces = (piece for line in paragraph.split("\n") for piece in segment("en", line))
    for piece in pieces:
        stripped = piece.strip()
        if len(stripped) > MAX_SENTENCE_CHARS:
            sentences.extend(cut_long(stripped))
        elif stripped:
            sentences.append(stripped)
    return sentences


def word_count(text: str) -> int:
    """``len(text.split())``, without making the words when spaces are the only whitespace.

    Every character ``str.split`` splits at, but the space, is non-printable.
    """
    if text.isprintable() and "  " not in text:
        stripped = text.strip(" ")
        return stripped.count(" ") + 1 if stripped else 0
    return len(text.split())


def group_sentences(sentences: Sequence[str]) -> list[tuple[str, ...]]:
    """Consecutive runs of at most MAX_SENTENCES sentences, about MAX_WORDS words and at
    most MAX_PASSAGE_CHARS characters."""
    lengths = [word_count(sentence) for sentence in sentences]
    chars = [len(sentence) + 1 for sentence in sentences]  # with the joining space
    if (
        len(sentences) <= MAX_SENTENCES
        and sum(lengths) <= MAX_WORDS
        and sum(chars) <= MAX_PASSAGE_CHARS
    ):
        return [tuple(sentences)] if sentences else []  # one group: what the loop gives
    groups: list[tuple[str, ...]] = []
    current: list[str] = []
    words = size = 0
    for sentence, length, width in zip(sentences, lengths, chars, strict=True):
        if current and (
            len(current) >= MAX_SENTENCES
            or words + length > MAX_WORDS
            or size + width > MAX_PASSAGE_CHARS
        ):
            groups.append(tuple(current))
            current, words, size = [], 0, 0
        current.append(sentence)
        words += length
        size += width
    if current:
        groups.append(tuple(current))
    # Avoid a lone short tail: merge it back when the result stays within bounds.
    if len(groups) >= 2 and len(groups[-1]) == 1 and len(groups[-2]) < MAX_SENTENCES:
        tail = groups[-2] + groups[-1]
        tail_words = sum(map(word_count, tail))
        if tail_words <= MAX_WORDS * 1.25 and sum(map(len, tail)) < MAX_PASSAGE_CHARS:
            groups[-2:] = [tail]
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
