"""Strip the parts of a Discord message that are chat, not question.

"<@123> tldr pls what did putin say lol 😂" should search like "what did putin say":
mentions, emoji, links and filler words are in no article, and left in they dilute the
query and the engine's no-answer judgement. Everything else is kept verbatim.
"""

from __future__ import annotations

import re

# Single filler words, lower-case, that carry no content in a news corpus. Deliberately
# absent: "bot" (bot farms), "thank" ("did Zelensky thank Trump?"), "us"/"US", "k".
CHAT_FILLER = frozenset(
    {
        "tldr", "tl;dr", "tl:dr", "tl/dr",
        "pls", "plz", "plss", "please",
        "lol", "lmao", "lmfao", "rofl", "haha", "hahaha", "xd",
        "yo", "hey", "heya", "hi", "hiya", "hello", "sup",
        "bro", "bruh", "dude", "fam",
        "ok", "okay", "kk",
        "thx", "thanks", "ty", "tysm",
        "smh", "ngl", "tbh", "imo", "imho", "idk", "btw", "fyi", "omg",
    }
)  # fmt: skip

# Multi-word openers that only address the reader; "bot" goes only after a greeting.
_FILLER_PHRASES = (
    "hey bot",
    "hi bot",
    "hello bot",
    "yo bot",
    "thanks bot",
    "thx bot",
    "can you tell me",
    "could you tell me",
    "can u tell me",
    "can you explain",
    "could you explain",
    "does anyone know",
    "does anybody know",
    "anyone know",
    "do you know",
    "i was wondering",
    "quick question",
)

# A word stops at letters, digits, apostrophes and hyphens, so "hi-tech" and "OK'd" survive.
_EDGE_BEFORE = r"(?<![\w'’-])"
_EDGE_AFTER = r"(?![\w'’-])"

DISCORD_MARKUP = re.compile(
    r"<@[!&]?\d+>"  # user and role mentions
    r"|<#\d+>"  # channel mentions
    r"|</[\w -]+:\d+>"  # slash-command mentions
    r"|<a?:\w+:\d+>"  # custom emoji
    r"|<t:-?\d+(?::[tTdDfFR])?>"  # timestamps
    r"|(?<!\w)@(?:everyone|here)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"<https?://[^>\s]+>|\bhttps?://\S+|\bwww\.[^\s/]+\.\S+", re.IGNORECASE)
_SHORTCODE = re.compile(r"(?<![\w:]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?![\w:])", re.IGNORECASE)
_EMOJI_CHARS = (
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, flags, skin tones
    "\u2600-\u27bf"  # miscellaneous symbols and dingbats
    "\u2b00-\u2bff"  # arrows and stars such as ⭐
    "\u2300-\u23ff"  # technical symbols such as ⌛ ⏰
)
# Joiners and selectors only inside or right after an emoji, so other scripts keep theirs.
_EMOJI_JOINERS = "\ufe0e\ufe0f\u200d\u20e3\U000e0020-\U000e007f"
_EMOJI = re.compile(
    f"[{_EMOJI_CHARS}](?:[{_EMOJI_JOINERS}]*[{_EMOJI_CHARS}])*[{_EMOJI_JOINERS}]*"
    "|[\ufe0f]?\u20e3"  # the rest of a keycap such as 1️⃣ (the digit stays)
)
# Letters stretched for effect: "plsss", "lolll", "heyyy", "lmaooo", "hiii".
_STRETCHED = r"pl[sz]+|lo+l+|lma+o+|he+y+|hi+|yo+|bru+h+|ok+a*y*|tha+nks+|ha(?:ha)+h?|xd+"
# Tried in this order: a phrase before its first word ("hey bot" before "hey"), longer
# words before shorter.
_FILLER_ALTERNATIVES = (
    [re.escape(phrase).replace(r"\ ", r"\s+") for phrase in _FILLER_PHRASES]
    + [re.escape(word) for word in sorted(CHAT_FILLER, key=len, reverse=True)]
    + _STRETCHED.split("|")
)


def by_first_letter(alternatives: list[str]) -> str:
    """The alternatives regrouped by first letter (``hey|can|hi`` becomes
    ``(?=[hc])(?:h(?:ey|i)|c(?:an))``), order kept within each letter: the same matches, but a position is tried against the
    alternatives of its own letter only. With 70 alternatives under IGNORECASE, every word
    start entered all 70 (``"a " * 5000`` ~10 ms, 80 ms on the loaded machine). Each
    alternative must start with a plain lower-case letter, which no other letter matches
    in any case (checked in tests/test_regex_safety.py)."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        if not ("a" <= alternative[0] <= "z"):
            raise ValueError(f"{alternative!r} does not start with a lower-case letter")
        groups.setdefault(alternative[0], []).append(alternative[1:])
    letters = "".join(groups)
    return (
        f"(?=[{letters}])(?:" + "|".join(f"{k}(?:{'|'.join(v)})" for k, v in groups.items()) + ")"
    )


_FILLER = re.compile(
    _EDGE_BEFORE + by_first_letter(_FILLER_ALTERNATIVES) + _EDGE_AFTER, re.IGNORECASE
)
_LONE_PUNCTUATION = re.compile(r"(?:(?<=\s)|^)[,;:!.]+(?=\s|$)")
# From the first space of a run only: tried from each, ``\s+`` rescanned the run each time.
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+([,;:!?.])")
_LEADING_JUNK = re.compile(r"^[\s,;:!.\-–—]+")
_TRAILING_JUNK = ",;:-–—"  # stripped with the spaces by _without_trailing_junk
_CONTENT = re.compile(r"[^\W_]")


def _without_trailing_junk(text: str) -> str:
    r"""``text`` without trailing spaces and punctuation: a scan from the end, where the
    regex ``[\s,;:-]+$`` retried every start of a long run (~0.3 s on 10k characters)."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in _TRAILING_JUNK):
        end -= 1
    return text[:end]


def strip_chat_noise(text: str) -> str:
    """The question without mentions, emoji, links or chat filler; "" when nothing is left."""
    text = DISCORD_MARKUP.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _SHORTCODE.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = _FILLER.sub(" ", text)
    text = " ".join(text.split())
    text = _LONE_PUNCTUATION.sub("", text)
    text = " ".join(text.split())
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    text = _without_trailing_junk(_LEADING_JUNK.sub("", text))
    return text if _CONTENT.search(text) else ""
