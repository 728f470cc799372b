"""Names for articles: a title derived from the text when none is stated, and title matching.

An article without a headline would otherwise be named by its file name
(``000_a01b8e9902762f40.txt``) in every citation. Its own words name it better.
"""

from __future__ import annotations

import re
from typing import Final

from retrieval.text import fold

DERIVED_TITLE_CHARS: Final = 60
_NOT_WORD = re.compile(r"[\W_]+")


def title_key(text: str) -> str:
    """``text`` folded for comparing titles: case, spacing, quotes and punctuation ignored."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


def same_title(heading: str, title: str | None) -> bool:
    """Whether ``heading`` repeats ``title`` (so it is no section of its own)."""
    return title is not None and title_key(heading) == title_key(title) != ""


def first_words(text: str, limit: int = DERIVED_TITLE_CHARS) -> str:
    """``text`` cut at the last word boundary within ``limit`` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut.rstrip(",;:–—-") + "…"


def derived_title(headline: str | None, first_paragraph: str | None) -> str | None:
    """A display title for an article that states none: its headline line when it has one
    (a heading before its first paragraph), else its first words."""
    if headline and headline.strip():
        return first_words(headline, 2 * DERIVED_TITLE_CHARS)
    if first_paragraph and first_paragraph.strip():
        return first_words(first_paragraph)
    return None
