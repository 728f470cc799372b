"""Unicode clean-up shared by the tokenizer, the corpus loader and the query path."""

from __future__ import annotations

import re
import unicodedata

# Characters that look like an apostrophe, a quote or a dash in real-world text.
_APOSTROPHES = "’‘ʼʹ′`´"
_DOUBLE_QUOTES = "“”„‟″«»"
_DASHES = "‐‑‒–—―−"
_FOLD_TABLE = str.maketrans(
    {
        **{c: "'" for c in _APOSTROPHES},
        **{c: '"' for c in _DOUBLE_QUOTES},
        **{c: "-" for c in _DASHES},
    }
)
# The one definition of what is stripped from article and user text alike: control
# characters (Unicode category Cc) but tab and newline, every format character (Cf:
# zero-width, bidi overrides and isolates, soft hyphens, tags), surrogates (Cs: escaped
# bytes of a name that was not UTF-8) and private-use characters (Co: icon-font glyphs).
# Ranges as of Unicode 14 (Python 3.11's ``unicodedata``); tests check them against it.
CONTROL_CHARACTERS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891"
    "\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# ANSI/VT100 sequences: CSI ("\x1b[1;31m"), OSC ("\x1b]0;title\x07") and two-byte escapes.
_TERMINAL_ESCAPE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def fold(text: str) -> str:
    """Compatibility-normalise and case-fold, mapping curly quotes and dashes to ASCII.

    Used for comparing and tokenizing, never for what we quote.
    """
    return unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE).casefold()


def strip_control(text: str) -> str:
    """Remove the ``CONTROL_CHARACTERS`` (NUL bytes included), and whole terminal escape
    sequences: "\x1b[31m" would otherwise leave "[31m" behind. Tabs and newlines stay."""
    if "\x1b" in text:
        text = _TERMINAL_ESCAPE.sub("", text)
    return _CONTROL.sub("", text)


def plain_line(text: str) -> str:
    """``text`` as one clean line: ``strip_control``, then every run of whitespace (newlines,
    tabs, no-break and other Unicode spaces) one plain space, ends trimmed. For a question."""
    return " ".join(strip_control(text).split())


def squash_spaces(text: str) -> str:
    """Collapse runs of spaces (including non-breaking ones) into one plain space."""
    return _SPACES.sub(" ", text).strip()


def clean_line(text: str) -> str:
    """A line of article text as we store and quote it: verbatim but for invisible characters."""
    return strip_control(text).strip()
