"""Hostile text for property tests and the fuzz benchmarks: Unicode that breaks naive code,
Discord markup and mentions, and sizes from nothing to 10,000 words.

One module so the hypothesis tests (``tests/test_fuzz_rendering.py``) and the seeded fuzz
runs (``bench/fuzz_cli.py``, ``bench/fuzz_discord.py``) try the same things.
"""

from __future__ import annotations

import random
import re
from typing import Final

from hypothesis import strategies as st

# Pieces Discord reads as markup or mentions, and Unicode that trips renderers.
MARKUP: Final = (
    "@everyone",
    "@here",
    "@Everyone",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&234567890123456789>",
    "<#345678901234567890>",
    "<:emoji:456789012345678901>",
    "<a:dance:1>",
    "<t:1700000000:R>",
    "</ask:1>",
    "[click](https://evil.example)",
    "[see ||spoiler|| **bold**](http://evil.example)",
    "https://x.org/a_b_c",
    "```py\nx\n```",
    "`code`",
    "||spoiler||",
    "**bold**",
    "__under__",
    "*it*",
    "~~strike~~",
    "# Heading",
    "## h2",
    "-# small",
    "> quote",
    ">>> all",
    "- item",
    "* item",
    "+ item",
    "1. item",
    "\\",
    "\\*",
    "[",
    "](",
    "](",
    "[[[",
    ")))",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\t",
)
UNICODE: Final = (
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "e" + "\u0301" * 60,
    "👨‍👩‍👧‍👦",
    "🇺🇦",
    "🏳️‍🌈",
    "👍🏽",
    "Что такое НАТО?",
    "مرحبا بالعالم",
    "שלום",
    "中文字符",
    "हिन्दी",
    "ﷺ",
    "𝕏",
    "\U0001f600",
    "…",
    "—",
    "“quoted”",
)
WORDS: Final = (
    "ceasefire",
    "Trump",
    "Putin",
    "Ukraine",
    "talks",
    "the",
    "of",
    "and",
    "who",
    "what",
    "when",
    "proposed",
    "30-day",
    "energy",
    "infrastructure",
    "Witkoff",
    "Dmitriev",
    "NATO",
)
MENTION: Final = re.compile(r"@everyone|@here|<@[!&]?\d+>|<#\d+>|<a?:\w+:\d+>|<t:\d+|</\w+:\d+>")


def piece() -> st.SearchStrategy[str]:
    """One fragment: markup, tricky Unicode, a word, or arbitrary characters (surrogates too)."""
    return st.one_of(
        st.sampled_from(MARKUP),
        st.sampled_from(UNICODE),
        st.sampled_from(WORDS),
        st.text(st.characters(exclude_categories=()), max_size=12),
    )


def hostile_text(max_pieces: int = 40) -> st.SearchStrategy[str]:
    """Fragments joined by spaces or nothing: from empty to a few hundred characters."""
    return st.lists(piece(), max_size=max_pieces).flatmap(
        lambda parts: st.sampled_from([" ", ""]).map(lambda glue: glue.join(parts))
    )


def huge_text() -> st.SearchStrategy[str]:
    """Up to 10,000 words: a fragment repeated, for the sizes where cost shows."""
    return st.tuples(hostile_text(8), st.integers(0, 10_000)).map(
        lambda pair: " ".join([pair[0]] * pair[1])
    )


def seeded_question(rng: random.Random) -> str:
    """One question for the seeded fuzz runs: hostile pieces around real corpus words."""
    kind = rng.random()
    pool = MARKUP + UNICODE + WORDS
    if kind < 0.05:
        return rng.choice(["[" * 1333 + "](" * 1333, "x" * 10_000, "", " " * 50])
    if kind < 0.15:
        return " ".join(rng.choice(pool) for _ in range(rng.randint(200, 2000)))[:10_000]
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 8))]
    for _ in range(rng.randint(0, 6)):
        words.insert(rng.randint(0, len(words)), rng.choice(pool))
    if rng.random() < 0.2:
        words.append("".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 30))))
    return " ".join(words)
