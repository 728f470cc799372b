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
# C0 and C1 control characters, except tab and newline; also zero-width and bidi controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
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
    """Remove control and invisible formatting characters (NUL bytes included), and whole
    terminal escape sequences: "\x1b[31m" would otherwise leave "[31m" behind."""
    if "\x1b" in text:
        text = _TERMINAL_ESCAPE.sub("", text)
    return _CONTROL.sub("", text)


def squash_spaces(text: str) -> str:
    """Collapse runs of spaces (including non-breaking ones) into one plain space."""
    return _SPACES.sub(" ", text).strip()


def clean_line(text: str) -> str:
    """A line of article text as we store and quote it: verbatim but for invisible characters."""
    return strip_control(text).strip()
