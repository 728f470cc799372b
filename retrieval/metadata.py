"""Recognise the lines of an article that state its metadata rather than its content.

Each detector looks at one line and returns what that line states, or None.
Nothing is guessed: a field the text does not state stays absent.
"""

from __future__ import annotations

import re

from retrieval.text import fold

_MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)\.?"
)
_WEEKDAY = r"((mon|tues|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?\.?,?\s+)?"
# ``\s*+`` (possessive: never gives a space back, which what follows cannot use): with two
# plain ``\s*`` side by side, a run of spaces split n^2 ways before failing.
_DATE_LINE = re.compile(
    rf"""^(published|updated|posted|date)?\s*+:?\s*+{_WEEKDAY}(
        {_MONTHS}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}
      | \d{{1,2}}(st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}
      | \d{{4}}-\d{{2}}-\d{{2}}
    )(\s+(at\s+)?\d{{1,2}}[:.]\d{{2}}(\s*[ap]\.?m\.?)?(\s+[a-z]{{2,4}})?)?\.?$""",
    re.VERBOSE,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_BY_LINE = re.compile(r"^(?:by|written by|words by)\s+(?P<name>[^,|]{3,80}?)\s*(?:[,|].*)?$", re.I)
# "Jennifer Mathers, Senior Lecturer in International Politics, Aberystwyth University"
_NAME_COMMA_ROLE = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]*){1,3}),\s+(?P<role>[^.!?]{3,200})$"
)
_ROLE_WORDS = re.compile(
    r"\b(professor|lecturer|reader|fellow|researcher|editor|correspondent|reporter|journalist|"
    r"director|analyst|student|candidate|chair|dean|scientist|writer|author|columnist|"
    r"university|institute|college|school|centre|center)\b",
    re.I,
)
_REPUBLISHED = re.compile(
    r"\b(?:republished|reprinted|originally\s+(?:published|appeared))\s+(?:from|in|on|at|by)\s+"
    r"(?P<outlet>(?:the\s+)?[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5})",
    re.I,
)
_DATE_PREFIX = re.compile(r"^(published|updated|posted|date)\s*+:?\s*+", re.I)
# Where an outlet's name ends ("The Conversation under a Creative Commons licence"). A match
# starts only at the first of a run of spaces: tried from each space of a long run, the
# ``\s+`` rescanned the rest of the run every time (2 s on 10,000 spaces).
_OUTLET_END = re.compile(r"(?<!\s)\s+(?:under|with|on|in|at|by)\s+")
_SOURCE_LINE = re.compile(
    r"^(?:source|via|originally published at|read more at)\s*:?\s*(?P<rest>.+)$", re.I
)


def date_of(line: str) -> str | None:
    """The date a date-only line states, as written."""
    if len(line) <= 60 and _DATE_LINE.match(fold(line).strip()):
        return _DATE_PREFIX.sub("", line.strip())
    return None


def author_of(line: str) -> str | None:
    """The author named by a byline ("By Jane Doe" or "Jane Doe, Senior Lecturer, ...")."""
    if len(line) > 220:
        return None
    match = _BY_LINE.match(line.strip())
    if match:
        return match.group("name").strip()
    match = _NAME_COMMA_ROLE.match(line.strip())
    if match and _ROLE_WORDS.search(match.group("role")):
        return match.group("name").strip()
    return None


def outlet_of(line: str) -> str | None:
    """The outlet an attribution line names ("republished from The Conversation")."""
    match = _REPUBLISHED.search(line)
    if not match:
        return None
    outlet = _OUTLET_END.split(match.group("outlet"), maxsplit=1)[0]
    return outlet.strip(" .,") or None


def url_of(line: str) -> str | None:
    """The URL an attribution or source line gives."""
    match = _URL.search(line)
    return match.group(0).rstrip(".,;") if match else None


def is_attribution(line: str) -> bool:
    """A line that tells where the article comes from rather than what it says."""
    stripped = line.strip()
    if outlet_of(stripped) and len(stripped) < 300:
        return True
    if _SOURCE_LINE.match(stripped) and url_of(stripped):
        return True
    return bool(_URL.fullmatch(stripped))
