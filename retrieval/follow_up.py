"""Follow-up questions: "why?", "when was that?" or "tell me more" said in reply to an answer.

In a Discord channel people reply to the bot's answer the way they would to a person. Such
a reply may lean on the question it answers; searched alone, "why did he go there?" has no
name to find. Whether it leans is read from the reply itself (a pointer such as "he" or
"that", a bare "why?", "what about X?", "and the date?"), never assumed for every reply, and
a reply leans on one question only: the one that answer answered, never the chain before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from retrieval.chat_noise import DISCORD_MARKUP
from retrieval.chatter import is_chatter
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
# "Why?" and "how?" ask for the reason or the manner of what was answered, not its subject.
_ASKS_HOW_OR_WHY = re.compile(r"^(?:and\s+|but\s+|so\s+)?(why|how)\b")
# The question word that opens the answered question, dropped when "why?" replaces it.
_LEADING_QUESTION_WORD = re.compile(
    r"^(?:who|what|which|when|where|why|how(?:\s+many|\s+much)?)(?:'s|\s+(?:is|are|was|were|did|does|do|has|have|had))?\s+",
    re.IGNORECASE,
)
MAX_FOLLOW_UP_WORDS = 12  # a longer reply says enough to be searched on its own
MAX_CONTEXT_CHARS = 300  # of the earlier question kept in the brackets


class Reading(StrEnum):
    """How a reply to an answer is read."""

    NEW = "new"  # it stands alone: searched as it is
    FOLLOW_UP = "follow_up"  # it leans on the answered question: searched with it
    MORE = "more"  # it asks for the answered question's next quotes


@dataclass(frozen=True)
class ReadReply:
    reading: Reading
    question: str  # what the answer's title shows: "why? (Who proposed the ceasefire?)"
    search: str  # what the engine is asked, which may be reworded to ask for the reason


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(DISCORD_MARKUP.sub(" ", text)))


def asks_for_more(reply: str) -> bool:
    """Whether the reply only asks for the earlier answer's next quotes ("tell me more")."""
    return " ".join(_words(reply)) in _MORE


def leans_on_previous(reply: str) -> bool:
    """Whether the reply cannot stand alone: a pointer ("he", "that") in a short reply, a
    bare question word ("why?"), or "what about X?" that swaps one thing of the question."""
    words = _words(reply)
    if not words or len(words) > MAX_FOLLOW_UP_WORDS or is_chatter(reply):
        return False  # "thanks, that helps" points at the answer but asks nothing of it
    if set(words) <= _BARE | NLTK_ENGLISH:
        return True
    if _ABOUT_ANOTHER.match(" ".join(words)):
        return True
    return bool(_POINTERS & set(words))


def topic_of(question: str) -> str:
    """The question a shown question is about: for "why? (Who is X?)" that is "Who is X?",
    so a reply to a follow-up's answer leans on the same one question, not the chain."""
    split = _split(question)
    return split[1] if split else question


def _split(question: str) -> tuple[str, str] | None:
    """``(reply, topic)`` of a question shown as "reply (topic)", else None."""
    text = question.strip()
    if not text.endswith(")"):
        return None
    depth = 0
    for position in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[position], 0)
        if depth == 0:
            reply, topic = text[:position].rstrip(), text[position + 1 : -1].strip()
            if position > 0 and text[position - 1] == " " and topic and leans_on_previous(reply):
                return reply, topic
            return None
    return None


def with_context(previous: str, reply: str) -> str:
    """The question shown for a reply to an answer of ``previous``: the reply first (its
    question word decides what kind of answer is wanted), the answered question's topic
    after it in brackets, one level only."""
    return read_reply(previous, reply).question


def read_reply(previous: str, reply: str) -> ReadReply:
    """How to read ``reply`` to an answer of ``previous`` (see ``Reading``)."""
    reply = " ".join(reply.split())
    if asks_for_more(reply):
        return ReadReply(Reading.MORE, previous, previous)
    if not leans_on_previous(reply):
        return ReadReply(Reading.NEW, reply, reply)
    topic = " ".join(topic_of(previous).split())
    if len(topic) > MAX_CONTEXT_CHARS:
        topic = topic[: MAX_CONTEXT_CHARS - 1].rstrip() + "…"
    shown = f"{reply} ({topic})"
    return ReadReply(Reading.FOLLOW_UP, shown, _search_text(reply, topic) or shown)


def _search_text(reply: str, topic: str) -> str | None:
    """For a bare "why?" / "how?": the answered question asked for its reason or manner
    ("why? (Who proposed the ceasefire?)" searches "why proposed the ceasefire?"), so the
    quotes say why, rather than repeating who."""
    words = _words(reply)
    match = _ASKS_HOW_OR_WHY.match(" ".join(words))
    if match is None or not set(words) <= _BARE | NLTK_ENGLISH:
        return None
    rest = _LEADING_QUESTION_WORD.sub("", topic, count=1)
    return f"{match[1]} {rest}"
