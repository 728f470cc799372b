"""Whether a result holds an expected answer: the text compared as a reader would.

A quote may pick up curly quotes, dashes, spacing or case on its way from the article;
none of that makes it a different answer, so both sides are folded the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from retrieval.models import Answer

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_SPACES = re.compile(r"\s+")


def normalise_for_match(text: str) -> str:
    """Fold the differences a quote may pick up on its way (quotes, dashes, spaces, case)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip().casefold()


def hit_rank(
    answer: Answer, expected: Sequence[str], k: int, *, quote_only: bool = False
) -> int | None:
    """The 1-based rank of the first of the top ``k`` results holding an expected answer:
    in its passage (shown by *Full passage*), or with ``quote_only`` in the quote itself."""
    targets = [normalise_for_match(text) for text in expected]
    if not answer.answered:
        # A reply that is not quotes may still give the answer: the list of articles
        # names each one's author, for "who wrote the piece?".
        message = normalise_for_match(answer.message or "")
        return 1 if message and any(target in message for target in targets) else None
    for rank, result in enumerate(answer.results[:k], 1):
        haystacks = [normalise_for_match(result.excerpt.text)]
        if not quote_only:
            haystacks.append(normalise_for_match(result.passage.text))
        if any(target in hay for target in targets for hay in haystacks):
            return rank
    return None
