"""Discord markdown and mentions neutralised in linear time, so any text shows literally.

discord.py's ``escape_markdown`` matches masked links with ``\\[.+\\]\\(.+\\)``, which
backtracks: ``"[" * 1333 + "](" * 1333`` took 2.95 s on the event loop. It also escapes a
whole masked link with one backslash, leaving the spoilers and bold inside it live. Every
pattern here is a single character class or anchored at a line start with no nested
repeat, so the cost is linear in the text (``bench/regex_audit.py`` measures it).

What Discord would read as markup gets a backslash (Discord's escape rule: a backslash
before any ASCII punctuation shows that character); what it would read as a mention, an
emoji, a timestamp or a link gets a zero-width space that breaks the token without
changing what the reader sees.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"

# Inline markup: emphasis, strike, spoiler, code, masked links, and the escape itself,
# each with a backslash before it (a table: a regex template costs a call per match).
_INLINE = str.maketrans({char: "\\" + char for char in "\\*_~|`[]"})
# <@1>, <@!1>, <@&2>, <#3>, <:emoji:4>, <a:emoji:5>, <t:6>, </cmd:7>, <id:customize>
_ANGLE_TOKEN = re.compile(r"<(?=[@#:/]|a:|t:|id:)")
_ANGLE_TOKEN_BUT_CHANNELS = re.compile(r"<(?=[@:/]|a:|t:|id:|#(?!\d+>))")
_MASS_MENTION = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
# Autolinks (https://…, steam://…) need the scheme's "://" whole.
_SCHEME = re.compile(r"://")
# Line breaks would end the block quote or the list line the text sits in: they become
# spaces, "\n" too unless the caller keeps lines (each line start is then escaped).
_ODD_BREAKS = re.compile(r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ALL_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Block markup at the start of a line (after up to three spaces): headings, subtext, quotes,
# list items, numbered items. The character that makes it markup is group 2.
_NUMBERED = re.compile(r"^( {0,3}\d{1,9})\.(?= |$)", re.MULTILINE)
_BLOCK = re.compile(r"^( {0,3})(#{1,3}(?= )|-(?=# )|>|[+-](?= |$))", re.MULTILINE)


def neutralise_mentions(text: str, *, keep_channel_links: bool = False) -> str:
    """Break every mention-like token (``<@1>``, ``<#2>``, ``@everyone`` …), keep markdown.

    ``keep_channel_links`` keeps ``<#id>`` whole, for the bot's own sentences that name a
    channel (``/settings``): a channel link pings nobody."""
    angle = _ANGLE_TOKEN_BUT_CHANNELS if keep_channel_links else _ANGLE_TOKEN
    text = angle.sub("<" + ZERO_WIDTH_SPACE, text)
    return _MASS_MENTION.sub("@" + ZERO_WIDTH_SPACE, text)


def escape_markup(text: str, *, keep_lines: bool = False) -> str:
    """``text`` shown literally by Discord: no markdown, link, mention, emoji or heading;
    on one line unless ``keep_lines`` (a title, a citation or a quote must stay one line)."""
    text = (_ODD_BREAKS if keep_lines else _ALL_BREAKS).sub(" ", text)
    text = text.translate(_INLINE)
    text = neutralise_mentions(text)
    text = _SCHEME.sub(r"\\://", text)
    text = _BLOCK.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\.", text)
