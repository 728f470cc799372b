"""Every sentence the engine says to a person, in one place.

Reasons are machine-readable codes (JSON ``reason``); messages are for people.
Front ends add how to list the sources in their own terms (/sources, seedbot sources).
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why an answer holds no quotes; the values are the JSON ``reason`` codes."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_TERMS = "no_terms"
    NO_MATCH = "no_match"
    LOW_CONFIDENCE = "low_confidence"
    NOT_STATED = "not_stated"  # the articles cover the subject but not the detail asked for
    EMPTY_CORPUS = "empty_corpus"
    GREETING = "greeting"  # small talk (retrieval.small_talk): a friendly reply, not a search
    THANKS = "thanks"
    ABOUT = "about"
    SOURCES = "sources"  # "what articles do you have?": answered with the list of articles
    NO_ARTICLE = "no_article"  # the question was limited to an article the corpus lacks


# The names front ends and small_talk used before Reason; each is the Reason itself.
EMPTY = Reason.EMPTY
TOO_LONG = Reason.TOO_LONG
NO_TERMS = Reason.NO_TERMS
NO_MATCH = Reason.NO_MATCH
LOW_CONFIDENCE = Reason.LOW_CONFIDENCE
NOT_STATED = Reason.NOT_STATED
EMPTY_CORPUS = Reason.EMPTY_CORPUS
GREETING = Reason.GREETING
THANKS = Reason.THANKS
ABOUT = Reason.ABOUT
SOURCES = Reason.SOURCES
NO_ARTICLE = Reason.NO_ARTICLE
SMALL_TALK = frozenset({Reason.GREETING, Reason.THANKS, Reason.ABOUT})
SOURCES_SHOWN = 10  # articles listed in the SOURCES reply; the rest are counted
# The SOURCES reply when the question names its article ("who wrote the piece on Sumy?").
SOURCES_NAMED = "The article{plural} you mean, from the list of sources:\n{listing}"
# ... when it asks who wrote them and none names an author: we never guess one.
SOURCES_NO_AUTHOR = (
    "The article{plural} you mean {names} no author, so I can't say who wrote {it}. "
    "From the list of sources:\n{listing}"
)

_MESSAGES: dict[Reason, str] = {
    EMPTY: "Please ask a question: a few words about a person, place or event in the articles.",
    TOO_LONG: (
        "That question is {length:,} characters long. Please ask it in under {limit:,} "
        "characters: a sentence or two is plenty."
    ),
    NO_TERMS: (
        "I couldn't find any words to search for in that. Try a few key words, "
        "such as a name, a place or an event."
    ),
    NO_MATCH: (
        "I found nothing on that in the articles. Check the list of sources to see what they cover."
    ),
    LOW_CONFIDENCE: (
        "I found nothing in the articles that answers that. The closest passages only share "
        "a word or two with your question. Check the list of sources to see what they cover."
    ),
    NOT_STATED: (
        "The articles talk about that, but none of the passages I found gives the {detail} "
        "you asked for. Check the list of sources to see what they cover."
    ),
    GREETING: (
        "Hi! Ask me a question about the articles and I'll answer with quotes from them, "
        "each with the article and paragraph it comes from. Check the list of sources to see "
        "what they cover."
    ),
    THANKS: "You're welcome! Ask me another question any time.",
    ABOUT: (
        "I answer questions about a set of articles. I find the passages that answer yours and "
        "quote them word for word, saying which article, author and paragraph each quote comes "
        "from; if the articles don't cover it, I say so. Ask in plain words, for example "
        '"Who signed the agreement, and when?". Check the list of sources to see what they cover.'
    ),
    SOURCES: "I can quote {count} article{plural}:\n{listing}{more}\nAsk me about any of them.",
    NO_ARTICLE: (
        "I have no article called {article!r}. Check the list of sources for its file name, "
        "or ask without naming an article."
    ),
    EMPTY_CORPUS: "No articles are loaded, so I can't answer yet. Add .txt, .md or .html files to the corpus folder.",
}


def message_for(reason: str, **values: object) -> str:
    """The sentence for ``reason`` (a Reason, or its code), with ``values`` filled in."""
    return _MESSAGES[Reason(reason)].format(**values)
