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


def small_talk(question: str) -> str | None:
    """The reason code of a purely social message (greeting, thanks, about), else None."""
    words = [w for w in _NOT_WORD.split(fold(DISCORD_MARKUP.sub(" ", question))) if w]
    while words and words[0] in _ADDRESS:
        words.pop(0)
    while words and words[-1] in _ADDRESS:
        words.pop()
    phrase = " ".join(words)
    if not phrase or len(words) > 6:
        return None
    return _kind(phrase) or (_kind(" ".join(words[1:])) if words[0] in GREETINGS else None)


def _kind(phrase: str) -> str | None:
    if phrase in ABOUT:
        return messages.ABOUT
    if phrase in THANKS:
        return messages.THANKS
    if phrase in GREETINGS:
        return messages.GREETING
    return None
