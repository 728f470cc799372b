"""The question inside a message: which sentence asks, and which only set the scene.

People write two to four sentences on Discord ("my dad says X. I'm not so sure. Has
Trump actually put pressure on Russia?"): ranked as one bag of words, the scene's words
outvote the question's and lower its coverage. This finds the sentence that asks, by
plain English rules: it ends with a question mark, opens with a question word or an
auxiliary verb ("who", "how many", "is it", "did they"), or makes a request ("tell me",
"explain", "I need", "I'd like to know"). Everything else is context.

When a message asks two things, the main question is the one with the most words of
its own (a follow-on like "and is it permanent?" leans on the one before it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.tokenize import term_of, word_spans

# Sentence ends: . ! ? (runs of them), or a line break, followed by space or the end.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_QUESTION_WORDS = (
    "who|whom|whose|what|whats|what's|when|where|which|why|how|hows|how's|wheres|where's|"
    "whos|who's|whens"
)
_AUXILIARIES = (
    "is|are|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|may|might|"
    "must|isnt|isn't|arent|aren't|wasnt|wasn't|didnt|didn't|doesnt|doesn't|dont|don't"
)
# Words that may stand before the question itself: "so", "ok but", "lol", "hey".
_LEAD_IN = r"(?:(?:so|and|but|ok|okay|also|then|well|hey|hi|lol|hmm|um|uh|btw|anyway|wait|right|yeah|and\s+so)[,\s]+)*"
_ASKS = re.compile(rf"^{_LEAD_IN}(?:{_QUESTION_WORDS})\b", re.IGNORECASE)
# An auxiliary verb, then its subject: "did the US pause", "has Trump put", "is it"; not a
# verb form ("was reading", "were killed", "been following"), which tells, not asks.
_AUXILIARY_ASKS = re.compile(
    rf"^{_LEAD_IN}(?:{_AUXILIARIES})\s+(?!been\b|not\b|just\b|so\b|gonna\b|\w+(?:ing|ed)\b)\w",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"\b(?:tell me|explain|describe|remind me|i need|i want to know|i wanna know|"
    r"i(?:'d| would) like to know|i(?:'m| am) (?:wondering|curious)|i wonder|"
    r"(?:do|does) (?:any(?:one|body) )?(?:you )?know|any idea|can you|could you|"
    r"what about|give me|show me|looking for)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Focus:
    """A message split into what it asks and what surrounds the question."""

    question: str  # the sentence taken as the question (the whole message if none stands out)
    context: tuple[str, ...] = ()  # the other sentences, in order
    other_questions: tuple[str, ...] = ()  # further questions the message asks, not answered

    @property
    def narrowed(self) -> bool:
        """Whether a part of the message was set aside as context."""
        return bool(self.context or self.other_questions)


def sentences_of(text: str) -> list[str]:
    """The message's sentences, as written."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def interrogative(sentence: str) -> bool:
    """Whether a sentence is worded as a question."""
    text = sentence.strip()
    return bool(text.endswith("?") or _ASKS.search(text) or _AUXILIARY_ASKS.search(text))


def requests(sentence: str) -> bool:
    """Whether a sentence asks for information without a question's form ("tell me ...")."""
    return bool(_REQUEST.search(sentence))


def _content_words(sentence: str) -> int:
    return sum(1 for _, _, word in word_spans(sentence) if term_of(word) is not None)


def find_question(text: str) -> Focus:
    """The sentence of ``text`` that asks, and the rest as context.

    A message of one sentence, or one where no sentence asks, is all question.
    """
    sentences = sentences_of(text)
    if len(sentences) < 2:
        return Focus(text)
    asking = [i for i, sentence in enumerate(sentences) if interrogative(sentence)]
    asking = asking or [i for i, sentence in enumerate(sentences) if requests(sentence)]
    if not asking:
        return Focus(text)
    # The main question: the asking sentence with the most words of its own; on a tie
    # the later one, since people set the scene first and ask last. A question outranks
    # a request ("I need the author's name" after "who wrote it?" only says why).
    main = max(asking, key=lambda i: (_content_words(sentences[i]), i))
    if _content_words(sentences[main]) == 0:
        return Focus(text)
    others = tuple(sentences[i] for i in asking if i != main and _content_words(sentences[i]))
    context = tuple(s for i, s in enumerate(sentences) if i != main and s not in others)
    return Focus(sentences[main], context=context, other_questions=others)
