"""Website chrome that is not the article: recognised by rule, never quoted.

Two kinds: lines that are chrome wherever they stand ("2 mins read", "Share this"),
and trailer markers after which nothing belongs to the article any more
("Leave a Reply", "Don't Miss", "Related posts" ...). Of those, the ones that head a
list of the site's other stories ("Don't Miss", "Related posts") are teaser markers:
the headlines under them are quotable asides (``article_parser``), the rest is not.
"""

from __future__ import annotations

import re

from retrieval.text import fold

# Lines that are chrome on their own, wherever they appear (matched on folded text).
_CHROME_LINE = re.compile(
    r"""^(
        \d+\s*(min|mins|minute|minutes)\s*(read|reading)
      | (share|share\s+this|share\s+on\s+\w+|tweet|print|email|advertisement|advertising|sponsored)
      | (skip\s+to\s+(main\s+)?content|back\s+to\s+top|scroll\s+to\s+top)
      | (click\s+here\s+to\s+.*|follow\s+us\s+on\s+.*|sign\s+up\s+for\s+.*newsletter.*)
      | (image|photo|photograph)\s*(credit|:).*
      | (tags?|categories|category|filed\s+under)\s*:.*
      | (previous|next)\s+(article|post|story)
    )[.!:]?$""",
    re.VERBOSE,
)

# Lines that head the page's lists of its other stories.
_TEASER_MARKER = re.compile(
    r"""^(
        don'?t\s+miss(\s+out)?
      | (you\s+(may|might)\s+also\s+like|recommended(\s+for\s+you)?|more\s+from\s+.*|read\s+next)
      | (related|popular|latest|trending|most\s+read)(\s+(posts?|articles?|stories|news|reads))?
    )[.!:]?$""",
    re.VERBOSE,
)

# Lines that start the page's trailer (as the teaser markers do): comment forms, author boxes.
_TRAILER_MARKER = re.compile(
    r"""^(
        leave\s+a\s+(reply|comment)
      | (post\s+a\s+|add\s+a\s+)?comments?(\s*\(\d+\))?
      | your\s+email\s+address\s+will\s+not\s+be\s+published.*
      | (about\s+the\s+author|subscribe(\s+to\s+.*)?|newsletter)
    )[.!:]?$""",
    re.VERBOSE,
)


MAX_CHROME_CHARS = 120  # chrome lines are short; longer lines are never folded and matched


def is_chrome_line(line: str) -> bool:
    """True for a line that is site furniture wherever it stands."""
    return len(line) <= MAX_CHROME_CHARS and bool(_CHROME_LINE.match(fold(line).strip()))


def is_trailer_marker(line: str) -> bool:
    """True for a line after which the rest of the page is not the article."""
    if len(line) > MAX_CHROME_CHARS:
        return False
    folded = fold(line).strip()
    return bool(_TRAILER_MARKER.match(folded) or _TEASER_MARKER.match(folded))


def is_teaser_marker(line: str) -> bool:
    """True for a trailer marker that heads a list of the site's other stories."""
    return len(line) <= MAX_CHROME_CHARS and bool(_TEASER_MARKER.match(fold(line).strip()))
