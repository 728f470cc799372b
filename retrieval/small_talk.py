"""Hello, thanks and "what are you?": messages that are social, not questions.

In a Discord channel people greet the bot, thank it and ask what it does. Searching the
articles for "thanks!" finds nothing and would answer with "I couldn't find any words to
search for", which reads as a rebuke; these get a short friendly reply instead. Only a
message that is nothing but such words counts: "hi, who is Witkoff?" is a question.
"""

from __future__ import annotations

import re
from typing import Final

from retrieval import messages
from retrieval.chat_noise import DISCORD_MARKUP
from retrieval.text import fold

_NOT_WORD = re.compile(r"[^\w']+")

# Words that may surround the social phrase without changing it ("hey bot", "ok thanks!").
_ADDRESS: Final = frozenset(
    ["bot", "seedbot", "there", "guys", "all", "everyone", "folks", "man", "mate", "friend", "buddy", "ok", "okay", "so", "very", "much", "a", "lot", "again", "and", "oh", "well"]
)  # fmt: skip
GREETINGS: Final = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "heya",
        "hiya",
        "yo",
        "sup",
        "howdy",
        "hola",
        "greetings",
        "gm",
        "morning",
        "evening",
        "good morning",
        "good afternoon",
        "good evening",
        "good day",
        "what's up",
        "whats up",
        "wassup",
    ]
)
THANKS: Final = frozenset(
    [
        "thanks",
        "thank you",
        "thank u",
        "thx",
        "ty",
        "tysm",
        "cheers",
        "thanks a lot",
        "much appreciated",
        "appreciate it",
        "great thanks",
        "nice",
        "cool",
        "awesome",
        "perfect",
        "great",
        "got it",
        "nice one",
    ]
)
ABOUT: Final = frozenset(
    [
        "who are you",
        "what are you",
        "what can you do",
        "what do you do",
        "help",
        "how does this work",
        "how do i use you",
        "how do i use this",
        "what can i ask",
        "what can i ask you",
        "what do you know",
        "what do you know about",
        "how do you work",
        "what is this bot",
        "what's this bot",
        "whats this bot",
        "what is this",
        "what's this",
    ]
)


# "What are the articles about?", "which sources do you have?", "who wrote the articles?":
# questions about the collection itself, answered with its list. Every word must be one of
# these, so "what articles mention Witkoff?" stays a question about the articles' content.
_COLLECTION: Final = frozenset(
    ["article", "articles", "source", "sources", "document", "documents", "docs", "texts", "topics", "stories"]
)  # fmt: skip
_ABOUT_COLLECTION: Final = _COLLECTION | frozenset(
    ["what", "what's", "whats", "which", "who", "when", "where", "are", "is", "were", "was", "the", "these", "those", "your", "ur", "all", "of", "about", "do", "does", "did", "you", "u", "have", "got", "know", "list", "show", "me", "give", "cover", "covered", "in", "there", "available", "loaded", "can", "i", "ask", "on", "use", "wrote", "written", "by", "authors", "author", "published", "from", "come", "dates", "titles", "r", "please", "pls", "plz"]
)  # fmt: skip


# "tldr", "summarise the articles", "give me an overview pls": a summary of everything,
# which a quote cannot give; the list of articles, each with its title or opening
# sentence, is the honest overview. Every word must be one of these or the above, so
# "tldr on the ceasefire" stays a question.
_SUMMARY: Final = frozenset(
    ["tldr", "tl", "dr", "summary", "summarise", "summarize", "summarised", "summarized", "sum", "overview", "gist", "recap"]
)  # fmt: skip
_SUMMARY_WORDS: Final = _SUMMARY | frozenset(
    ["up", "it", "them", "everything", "a", "an", "for", "quick", "short", "brief", "briefly", "main", "key", "points", "give", "can", "could", "you", "u", "me", "us", "the", "of", "so", "far", "what", "whats", "what's", "is", "are"]
)  # fmt: skip
_ABOUT_SUMMARY: Final = _SUMMARY_WORDS | _ABOUT_COLLECTION | _ADDRESS


# "Who wrote the Conversation piece?", "who's the author of the analysis?", "when was the
# article about the July call published?": the list of articles names each one's author,
# outlet and date, which most articles state only in their header, never in a passage. "Who wrote about the
# ceasefire?" asks about content and stays a question.
_DOCUMENT = (
    r"(?:the|this|that|these|those|ur|your)\s+(?:[\w'’-]+\s+){0,8}?"
    r"(?:article|articles|piece|pieces|analysis|story|stories|report|op-ed|column|essay|post|"
    r"text|texts|one|ones)\b"
)
# What may follow the document to say which one: "… about the July call", "… on Sumy".
_WHICH_ONE = r"(?:\s+(?:about|on|regarding|titled|called|named|from|in|with|that)\s+[^?!.]+)?"
_WHO_WROTE: Final = re.compile(
    r"^(?:who|which (?:journalist|writer|author|outlet|site|paper|newspaper))\s+"
    r"(?:wrote|write|writes|authored|penned|published|did)\s+"
    + _DOCUMENT
    + r"|^(?:who\s+(?:is|was|are|were)|who[’']?s)\s+(?:the\s+)?(?:author|authors|writer|writers)"
    r"(?:\s+of\s+" + _DOCUMENT + _WHICH_ONE + r"|\s+here)?\s*[?!.]*$"
)
_WHEN_PUBLISHED: Final = re.compile(
    r"^(?:when|what date|what day|which date|which day)\s+(?:was|were|is|are|did)\s+"
    + _DOCUMENT
    + _WHICH_ONE
    + r"\s+(?:published|posted|written|released|dated|out|come out|came out|go up|went up)\b"
    r"|^(?:what\s+is\s+|what's\s+|whats\s+)?(?:the\s+)?(?:publication|publishing|release)\s+"
    r"date\s+of\s+" + _DOCUMENT
)


def small_talk(question: str) -> str | None:
    """The reason code of a purely social message (greeting, thanks, about) or of a question
    about the collection itself (``messages.SOURCES``), else None."""
    words = _words(question)
    distinct = set(words)
    if len(words) <= 10 and distinct & _COLLECTION and distinct <= _ABOUT_COLLECTION | _ADDRESS:
        return messages.SOURCES
    asked = _asked(words)
    if _WHO_WROTE.match(asked) or _WHEN_PUBLISHED.match(asked):
        return messages.SOURCES
    if len(words) <= 10 and distinct & _SUMMARY and distinct <= _ABOUT_SUMMARY:
        return messages.SOURCES
    while words and words[0] in _ADDRESS:
        words.pop(0)
    while words and words[-1] in _ADDRESS:
        words.pop()
    phrase = " ".join(words)
    if not phrase or len(words) > 6:
        return None
    return _kind(phrase) or (_kind(" ".join(words[1:])) if words[0] in GREETINGS else None)


def asks_author(question: str) -> bool:
    """Whether ``question`` asks who wrote an article ("who wrote the piece on Sumy?")."""
    words = _words(question)
    return bool(_WHO_WROTE.match(_asked(words)))


def _words(question: str) -> list[str]:
    """The message's words, folded, without Discord markup."""
    return [w for w in _NOT_WORD.split(fold(DISCORD_MARKUP.sub(" ", question))) if w]


def _asked(words: list[str]) -> str:
    """The words after any greeting or address ("hey bot, who wrote ..."), joined."""
    start = 0
    while start < len(words) and (words[start] in _ADDRESS or words[start] in GREETINGS):
        start += 1
    return " ".join(words[start:])


def _kind(phrase: str) -> str | None:
    if phrase in ABOUT:
        return messages.ABOUT
    if phrase in THANKS:
        return messages.THANKS
    if phrase in GREETINGS:
        return messages.GREETING
    return None
