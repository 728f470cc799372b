"""Chatter: what people say to each other (or to the bot) that asks the articles nothing.

A Q&A channel answers a message only when it asks something; said to the bot, chatter gets a
short friendly reply instead of a search that would find nothing. A message asks something
when it has a question mark, opens with a question word or an auxiliary ("did Putin…",
"whats the…", "is it…"), opens with a request ("tell me", "explain", "gimme", "i need"), or
is a bare run of key words ("sumy death toll"). It is chatter when it does none of these and
is social (thanks, praise, laughter, agreement, greetings, emoji) or a sentence of its own
(an opinion, a remark: "i think it's fake news tbh", "the talks failed again"), and also when
it is a rhetorical or exclamative line ("who cares", "what a mess").

Measured on labelled messages by ``python -m bench.chatter`` (see docs there).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from retrieval.chat_noise import DISCORD_MARKUP
from retrieval.text import fold


class Chatter(StrEnum):
    """What kind of chatter a message is, which decides the friendly reply."""

    THANKS = "thanks"
    PRAISE = "praise"
    LAUGHTER = "laughter"
    GREETING = "greeting"
    FAREWELL = "farewell"
    AGREEMENT = "agreement"
    REACTION = "reaction"
    EMOJI = "emoji"
    CRITICISM = "criticism"
    REMARK = "remark"  # an opinion or a statement: a sentence that asks nothing


_URL = re.compile(r"<?https?://\S+|\bwww\.\S+", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_LETTER = re.compile(r"[^\W\d_]")
_CLAUSE = re.compile(r"[,.;:!\n]+")
_RATING = re.compile(r"\b\d{1,2}\s*/\s*10\b")  # "10/10 answer": praise

# Words a message may open with before it gets to the point ("hey bot, quick q: who…").
_PREFIX: Final = frozenset(
    ["hey", "hi", "hello", "yo", "ok", "okay", "so", "but", "and", "wait", "also", "btw", "um", "umm", "hmm", "oh", "well", "bot", "seedbot", "quick", "q", "question", "please", "pls", "plz", "then", "now", "alright", "right", "sorry", "excuse", "me", "guys", "folks", "all", "everyone"]
)  # fmt: skip
_QUESTION_WORDS: Final = frozenset(
    ["who", "whom", "whose", "what", "when", "where", "why", "how", "which", "who's", "what's", "when's", "where's", "how's", "whats", "whos", "wheres", "hows", "wut", "wat", "hw", "wht", "y"]
)  # fmt: skip
_AUXILIARIES: Final = frozenset(
    ["is", "are", "was", "were", "am", "do", "does", "did", "can", "could", "will", "would", "should", "shall", "has", "have", "had", "may", "might", "must", "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't", "hasn't", "haven't", "r", "any", "anyone", "anybody"]
)  # fmt: skip
_REQUESTS: Final = frozenset(
    ["tell", "show", "give", "gimme", "explain", "eli5", "describe", "summarize", "summarise", "summary", "list", "find", "search", "recommend", "walk", "define", "compare", "quote", "cite", "name", "need", "want", "help", "lookup", "look", "check", "clarify", "elaborate", "tldr", "source", "sources", "remind", "info", "details", "looking"]
)  # fmt: skip
# "i need…", "i want to know…", "i'm looking for…", "i wonder…": asking in the first person.
_FIRST_PERSON_ASK = re.compile(
    r"^(?:i|i'm|im|we)\s+(?:really\s+)?(?:need|want|wanna|would like|'d like|wonder|am wondering|"
    r"was wondering|looking for|am looking for|'m looking for|can't find|cannot find)\b"
)
# Lines shaped like a question that ask nothing: "who cares", "what did anyone expect".
_RHETORICAL = re.compile(
    r"^(?:who cares|who asked|what did (?:anyone|anybody|you|u|we|they|people) expect|"
    r"what else is new|what could (?:possibly )?go wrong|who would have thought|who knew|"
    r"how (?:are|r) (?:you|u|ya)|how's it going|hows it going|what's up|whats up|wassup|sup)\b"
)
_EXCLAMATION = re.compile(
    r"^(?:wow |oh |man |god |damn )?(?:what an? |how (?:cool|sad|nice|great|awesome|funny|weird|"
    r"crazy|ironic|cute|rude|typical|embarrassing)\b)"
)

_THANKS: Final = frozenset(
    ["thanks", "thank", "thx", "thnx", "thanx", "ty", "tysm", "tyvm", "cheers", "appreciate", "appreciated", "grateful", "ta"]
)  # fmt: skip
_PRAISE: Final = frozenset(
    ["good", "great", "nice", "cool", "awesome", "perfect", "amazing", "excellent", "brilliant", "love", "loving", "useful", "helpful", "fast", "quick", "clear", "solid", "smart", "impressive", "wonderful", "fantastic", "neat", "sweet", "goat", "fire", "cooking", "legend", "best", "genius", "superb", "lovely", "beautiful", "handy", "incredible", "works", "working", "job", "bravo", "kudos", "props"]
)  # fmt: skip
_LAUGH = re.compile(
    r"^(?:a?(?:ha){2,}h?|(?:he){2,}|(?:hi){2,}|lo+l+|lo+lz|lmf?a+o+|rofl|roflmao|xd+|kek+w?|lul|"
    r"jaja\w*|haha\w*|ahaha\w*|lmaoo+|ded|dead)$"
)
_GREETINGS: Final = frozenset(
    ["hi", "hello", "hey", "heya", "hiya", "yo", "sup", "howdy", "hola", "greetings", "gm", "morning", "evening", "afternoon", "back", "welcome", "hallo"]
)  # fmt: skip
_FAREWELLS: Final = frozenset(
    ["bye", "goodbye", "cya", "gn", "goodnight", "night", "brb", "gtg", "later", "farewell", "ttyl"]
)  # fmt: skip
_AGREEMENT: Final = frozenset(
    ["yes", "yeah", "yea", "yep", "yup", "ya", "true", "agreed", "agree", "exactly", "right", "sure", "ok", "okay", "k", "kk", "fair", "same", "indeed", "absolutely", "definitely", "correct", "tracks", "totally", "ikr", "facts", "word", "makes", "sense", "no", "nope", "nah", "alright", "understood", "noted", "gotcha", "got", "it", "see"]
)  # fmt: skip
_REACTIONS: Final = frozenset(
    ["wow", "omg", "sad", "crazy", "insane", "wild", "scary", "nuts", "cringe", "unbelievable", "damn", "dang", "jeez", "geez", "yikes", "whoa", "woah", "oof", "ugh", "wtf", "holy", "crap", "shit", "way", "sheesh", "bruh", "huh", "hmm", "oh", "ah", "aha", "ooh", "welp", "rip", "smh", "interesting", "lord", "god", "gosh", "dayum", "omfg"]
)  # fmt: skip
# Words that only address someone or soften: they never make a message a question.
_SOFT: Final = frozenset(
    ["bot", "seedbot", "mate", "guys", "all", "everyone", "folks", "man", "friend", "buddy", "bro", "dude", "fam", "there", "so", "very", "much", "a", "lot", "again", "and", "well", "really", "ngl", "tbh", "honestly", "imo", "lol", "answer", "answers", "response", "reply", "explanation", "summary", "this", "that", "that's", "one", "you", "u", "ur", "your", "is", "was", "the", "too", "for", "just", "such", "super", "pretty", "actually", "today", "now", "done", "work", "enough", "said", "here", "article", "articles", "piece", "read", "stuff", "10", "100"]
)  # fmt: skip
_CRITICISM: Final = frozenset(
    ["bad", "terrible", "awful", "useless", "wrong", "dumb", "stupid", "meh", "worst", "broken", "trash", "garbage", "lame", "boring"]
)  # fmt: skip
_SOCIAL: Final = (
    _THANKS | _PRAISE | _CRITICISM | _GREETINGS | _FAREWELLS | _AGREEMENT | _REACTIONS | _SOFT
)
# What makes a line a sentence of its own rather than a run of key words ("info on
# dmitriev", "Zelensky's reaction to the proposal"): a pronoun, a verb that is not a noun
# (an auxiliary, a past tense), a negation, a spoken adverb.
_SENTENCE_WORDS: Final = frozenset(
    ["i", "i'm", "im", "i'll", "i've", "i'd", "me", "my", "mine", "you", "you're", "we", "we're", "our", "he", "she", "it", "it'", "they", "they're", "them", "this", "that", "these", "those", "his", "her", "their", "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "will", "would", "should", "shall", "can", "could", "may", "might", "must", "do", "does", "did", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "won't", "can't", "not", "never", "nothing", "still", "just", "already", "apparently", "anyway", "again", "actually", "probably", "literally", "gonna", "wanna", "gotta", "seems", "think", "thought", "guess", "feel", "went", "said", "got", "came", "made", "took", "saw", "told", "gave", "left", "knew", "met", "sent", "won", "lost", "began", "became", "ran", "kept", "held", "found", "felt", "read"]
)  # fmt: skip
# Words that alone make a message social (not just soft: "articles" alone is a search).
_GENUINE: Final = _SOCIAL - _SOFT
MAX_KEYWORD_QUERY_WORDS = 7  # a longer run of words is a sentence even without a verb we know


def chatter(message: str) -> Chatter | None:
    """The kind of chatter ``message`` is, or None when it asks something."""
    text = _URL.sub(" ", DISCORD_MARKUP.sub(" ", fold(message)))
    # "that's" reads as "that", "bot's" as "bot": the possessive or "is" changes nothing here.
    words = [word.removesuffix("'s") for word in _TOKEN.findall(text)]
    if not any(_LETTER.search(word) for word in words):
        # Emoji, punctuation or nothing at all; a lone number or year is a search.
        return None if words else Chatter.EMOJI
    if _asks_something(text, words):
        return None
    social = all(word in _SOCIAL or _LAUGH.match(word) or word.isdigit() for word in words) and any(
        word in _GENUINE or _LAUGH.match(word) for word in words
    )
    if _RATING.search(text):
        return Chatter.PRAISE
    sentence = _is_sentence(words)
    if not (
        social
        or sentence
        or _EXCLAMATION.match(_opening(words))
        or _RHETORICAL.match(_opening(words))
    ):
        return None  # a run of key words: "sumy death toll"
    return _kind(words)


def is_chatter(message: str) -> bool:
    """Whether ``message`` asks the articles nothing (see ``chatter``)."""
    return chatter(message) is not None


def _is_sentence(words: list[str]) -> bool:
    if len(words) > MAX_KEYWORD_QUERY_WORDS:
        return True
    for word in words:
        if word in _SENTENCE_WORDS or word in _FAREWELLS or word.endswith("n't"):
            return True
        if len(word) >= 4 and word.endswith("ed") and not word.endswith("eed"):
            return True  # a past tense: "the talks failed again"
    return False


def _opening(words: list[str]) -> str:
    """The message from its first word that is not a greeting, "ok", "lol", "hey bot"."""
    start = 0
    while start < len(words) - 1 and (
        words[start] in _PREFIX
        or words[start] in _REACTIONS
        or words[start] in _GREETINGS
        or (words[start] == "good" and words[start + 1] in _GREETINGS | {"day", "night"})
        or _LAUGH.match(words[start])
    ):
        start += 1
    return " ".join(words[start:])


def _asks_something(text: str, words: list[str]) -> bool:
    opening = _opening(words)
    if _RHETORICAL.match(opening) or _RHETORICAL.match(" ".join(words)):
        return False
    if _EXCLAMATION.match(opening) and "?" not in text:
        return False
    if "?" in text:
        return True
    # Each clause may ask: "thanks, who signed it", "good morning. when did it start".
    for clause in _CLAUSE.split(text):
        opening = _opening([w.removesuffix("'s") for w in _TOKEN.findall(clause)])
        first = opening.split(" ", 1)[0]
        if _EXCLAMATION.match(opening):
            continue
        if first in _QUESTION_WORDS or first in _AUXILIARIES or first in _REQUESTS:
            return True
        if _FIRST_PERSON_ASK.match(opening):
            return True
    return False


def _kind(words: list[str]) -> Chatter:
    present = set(words)
    if present & _THANKS:
        return Chatter.THANKS
    if words[0] in _FAREWELLS or present & {"brb", "gtg", "bye", "goodbye", "gn", "goodnight"}:
        return Chatter.FAREWELL
    if words[0] in _GREETINGS or (words[0] == "good" and present & (_GREETINGS | {"day"})):
        return Chatter.GREETING
    if words[:2] == ["good", "night"]:
        return Chatter.FAREWELL
    if any(_LAUGH.match(word) for word in words):
        return Chatter.LAUGHTER
    if present & _CRITICISM:
        return Chatter.CRITICISM
    if present & _PRAISE:
        return Chatter.PRAISE
    if present <= _AGREEMENT | _SOFT:
        return Chatter.AGREEMENT
    if present <= _REACTIONS | _SOFT | _AGREEMENT:
        return Chatter.REACTION
    return Chatter.REMARK
