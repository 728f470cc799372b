"""Follow-up questions: "why?", "when was that?" or "tell me more" said in reply to an answer.

In a Discord channel people reply to the bot's answer the way they would to a person. Such
a reply leans on the question it answers; searched alone, "why did he go there?" has no
name to find. A reply that leans on the earlier question is searched together with it, and
"tell me more" asks for the earlier answer's next quotes.
"""

from __future__ import annotations

import re
from typing import Final

from retrieval.chat_noise import DISCORD_MARKUP
from retrieval.stopwords import NLTK_ENGLISH
from retrieval.text import fold

_WORD = re.compile(r"[\w']+")
# Words that point back at what was just said.
_POINTERS: Final = frozenset(
    ["he", "she", "it", "they", "him", "her", "them", "his", "hers", "its", "their", "theirs", "that", "this", "those", "these", "there", "then", "he's", "she's", "it's", "they're", "that's"]
)  # fmt: skip
# Words that ask without saying about what: "why?", "how so?", "really?".
_BARE: Final = frozenset(
    ["why", "when", "where", "who", "how", "what", "which", "so", "really", "and", "but", "else", "exactly", "come", "mean", "source", "proof", "sure", "ok", "okay", "huh"]
)  # fmt: skip
_MORE: Final = frozenset(
    ["more", "tell me more", "more please", "more pls", "show me more", "anything else", "what else", "go on", "continue", "keep going", "next", "more results", "any more", "others", "other results"]
)  # fmt: skip
_ABOUT_ANOTHER = re.compile(r"^(?:and|what about|how about|and what about|same for|what of)\b")
MAX_FOLLOW_UP_WORDS = 12  # a longer reply says enough to be searched on its own
MAX_CONTEXT_CHARS = 300  # of the earlier question kept, so a chain of replies stays short


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(DISCORD_MARKUP.sub(" ", text)))


def asks_for_more(reply: str) -> bool:
    """Whether the reply only asks for the earlier answer's next quotes ("tell me more")."""
    return " ".join(_words(reply)) in _MORE


def leans_on_previous(reply: str) -> bool:
    """Whether the reply cannot stand alone: a pointer ("he", "that") in a short reply, a
    bare question word ("why?"), or "what about X?" that swaps one thing of the question."""
    words = _words(reply)
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return False
    if set(words) <= _BARE | NLTK_ENGLISH:
        return True
    if _ABOUT_ANOTHER.match(" ".join(words)):
        return True
    return bool(_POINTERS & set(words))


def with_context(previous: str, reply: str) -> str:
    """The question to search for a reply to an answer of ``previous``: the reply first
    (its question word decides what kind of answer is wanted), the earlier question after
    it in brackets, as the answer's title shows it."""
    if not leans_on_previous(reply):
        return reply
    context = " ".join(previous.split())
    if len(context) > MAX_CONTEXT_CHARS:
        context = context[: MAX_CONTEXT_CHARS - 1].rstrip() + "…"
    return f"{reply.strip()} ({context})"
