"""Questions about "the author": read against an article's byline with the author's name.

"Which university is the author from?" shares no word with the credit line that answers
it ("Jennifer Mathers, Senior Lecturer in International Politics, Aberystwyth
University"), and the cross-encoder, which does not know that the name is the author,
reads the pair as unrelated (-7.7); with the name in the question it reads an answer
(8.3). So a question that mentions the author has its articles' credit lines (the
passages that name the article's author) read too, each with "the author" replaced by
that article's author. Other passages are read as the question was asked: in "why does
the author think a deal is unlikely" the author is the voice of the whole article.
"""

from __future__ import annotations

import re
from typing import Final

_AUTHOR: Final = re.compile(
    r"\b(?:the|this|that|its|their|an?)\s+(?:(?:article|piece|op-ed|story)(?:['’]s)?\s+)?"
    r"(?:op-ed\s+)?(?:author|writer|columnist|journalist|reporter)(?=\W|$)",
    re.IGNORECASE,
)


# The author as the voice of the article ("why does the author think ...", "according to
# the writer"): the article's body answers, not its credit line.
_VOICE: Final = re.compile(
    r"\s+(?:(?:really|actually|also|then|just)\s+)?(?:think|thinks|thought|say|says|said|argue|"
    r"argues|argued|believe|believes|claim|claims|suggest|suggests|predict|predicts|mean|means|"
    r"call|calls|describe|describes|expect|expects|conclude|concludes|see|sees|view|views|name|"
    r"names|mention|mentions|feel|feels|blame|blames|write|writes|wrote|consider|considers|"
    r"reckon|reckons|make|makes|point|points|warn|warns|seem|seems|find|finds|imply|implies|"
    r"explain|explains|note|notes|reason|reasons|admit|admits|compare|compares)\b",
    re.IGNORECASE,
)
_ACCORDING: Final = re.compile(r"\b(?:according to|in the view of|per)\s*$", re.IGNORECASE)
_WHY: Final = re.compile(r"^\W*why\b", re.IGNORECASE)


def mentions_author(question: str) -> bool:
    """Whether ``question`` asks about the author of an article ("the writer's uni",
    "which university is the author from"), not about what the author argues."""
    if _WHY.match(question):
        return False
    for match in _AUTHOR.finditer(question):
        voice = _VOICE.match(question, match.end())
        if voice is None and not _ACCORDING.search(question, 0, match.start()):
            return True
    return False


def with_author(question: str, author: str) -> str:
    """``question`` with "the author" (or the writer, the journalist ...) as ``author``."""
    return _AUTHOR.sub(author, question)


def names_author(text: str, author: str | None) -> bool:
    """Whether a passage is one of its article's credit lines: it names the author."""
    return author is not None and author != "" and author in text
