"""Markdown as plain text lines, parsed by markdown-it-py (CommonMark, with GFM tables).

One line per block: a heading (ATX or setext) keeps a leading ``"# "``, a list item's
paragraph or a table row (cells joined by ``" | "``) starts with ``ITEM`` (so that it is
text however short, never a heading), any other paragraph is plain. Code blocks, rules
and raw HTML tags are dropped; link and image text is kept, their addresses are not.
Indented code is off: in articles an indented line is text, not code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Final

from retrieval.text import clean_line

if TYPE_CHECKING:  # markdown-it loads with the first Markdown file (~20 ms of start-up)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Marks a list item or table row: its own paragraph, never taken for a heading however
# short ("- Founded in 1998"). Never in article text (control characters are stripped).
ITEM: Final = "\x1f"
HEADING: Final = "# "
_HTML_TAG = re.compile(r"<[^<>\n]+>")  # no "<" inside: each scan stops at the next one
_HTML_HEADING = re.compile(r"^\s*<h[1-6](?:\s[^>\n]*)?>(?P<text>.*?)</h[1-6]\s*>\s*$", re.I | re.S)


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("code")


def _inline_text(children: Sequence[Token] | None) -> str:
    """An inline token's text: emphasis, links and inline HTML dropped, line breaks as spaces."""
    parts: list[str] = []
    for child in children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children))
    return clean_line("".join(parts))


def _html_lines(content: str) -> str:
    """A raw HTML block's text: tags dropped; a lone ``<h1>``-``<h6>`` stays a heading."""
    heading = _HTML_HEADING.match(content)
    if heading:
        text = clean_line(_HTML_TAG.sub("", heading.group("text")))
        return HEADING + text if text else ""
    pieces = (clean_line(_HTML_TAG.sub("", line)) for line in content.splitlines())
    return " ".join(piece for piece in pieces if piece)


def markdown_lines(text: str) -> list[str]:
    """The blocks of a Markdown text as plain lines, marked as the module docstring says."""
    lines: list[str] = []
    items = 0  # list items open around the current token
    row: list[str] | None = None  # the cells of the table row being read
    heading = False
    for token in _parser().parse(text):
        kind = token.type
        if kind == "list_item_open":
            items += 1
        elif kind == "list_item_close":
            items -= 1
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            cells = " | ".join(cell for cell in row if cell)
            if cells:
                lines.append(ITEM + cells)
            row = None
        elif kind == "inline":
            line = _inline_text(token.children)
            if row is not None:
                row.append(line)
            elif line:
                lines.append(HEADING + line if heading else (ITEM + line if items else line))
        elif kind == "html_block":
            line = _html_lines(token.content)
            if line:
                lines.append(line)
    return lines
