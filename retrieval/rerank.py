"""Second-stage ordering of BM25's best passages, with two signals BM25 cannot see.

- Phrases: question terms that stand next to each other ("phone call", "partial
  ceasefire") and do so in the passage too are worth more than scattered matches.
- Answer type: a "when" question wants a passage that states a time, a "how many"
  question one that states a number, and a "who is X" question one that says what X is
  ("special envoy Steve Witkoff", "Dmitriev, a figure close to Putin"), not merely one
  that mentions X most.

Both were kept because the labelled evaluation improved with them (docs/quality.md).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Sequence

from retrieval.bm25 import Pair
from retrieval.text import fold
from retrieval.tokenize import term_of, term_spans, word_spans

PHRASE_WEIGHT = 0.25  # share of the two terms' IDF added per matched adjacent pair
ANSWER_TYPE_WEIGHT = 0.15  # share of the best BM25 score added for the right kind of answer
# A passage that says what X is answers "who is X?" outright, where a date only may answer
# "when": the description counts for more than passages that merely repeat the name.
DESCRIPTION_WEIGHT = 0.5

_WHEN = re.compile(
    r"^(?:(?:on|in|at|by|from|until) )?"  # "On what date ...", "In which year ..."
    r"(when|(?:what|which) (date|day|month|year|time)|since when|how long ago)\b"
)
_HOW_MANY = re.compile(r"^(how (many|much)|what (number|share|percentage|proportion))\b")
_TIME = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"tomorrow|spring|summer|autumn|winter|(1[89]|20)\d\d)\b"
)
# Any mention of time, for the no-answer rule: a passage saying "last week" or "after the
# storm" may answer "when", though only a date or a named time earns the ranking bonus.
_ANY_TIME = re.compile(
    _TIME.pattern + r"|\b(ago|recently|lately|earlier|later|last|next|since|until|till|"
    r"before|after|during|while|once|then|week|weeks|month|months|year|years|decade|"
    r"century|weekend|night|morning|afternoon|evening|dawn|midnight|noon|season|days?|"
    r"hours?|minutes?|o'clock|am|pm|era|period|time|times)\b"
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?|half|twice)\b"
)


_WHO_IS = re.compile(r"^(?:who\s+(?:is|was|are|were)|who[’']?s)\s+(?P<subject>.+)$")
# A title or role standing just before a name: "press secretary Sean Parnell". ``(?=\w\w)``:
# every role has two letters or more, so one-letter words skip the 77 alternatives.
_ROLE = re.compile(
    r"\b(?=\w\w)(envoy|secretary|president|minister|chancellor|spokes(?:man|woman|person)|"
    r"advis[eo]r|aide|head|chief|director|ambassador|general|commander|leader|founder|"
    r"chair(?:man|woman)?|senator|governor|mayor|official|correspondent|professor|author|"
    r"journalist|analyst|editor|ceo|king|queen|prince|pope|judge|lawyer|economist|"
    r"researcher|scientist|captain|coach|owner|manager|representative|negotiator|"
    r"diplomat|premier|dictator|colonel|marshal|deputy|vice|master|officer|council+or|"
    r"inspector|superintendent|sheriff|detective|activist|artist|singer|actor|writer|"
    r"player|explorer|entrepreneur|billionaire|business(?:man|woman)|politician|lawmaker|"
    r"MP|candidate|strategist|historian|banker|investor|philosopher|poet)\b",
    re.IGNORECASE,
)
# An apposition just after a name: "Dmitriev, a figure close to Putin".
_APPOSITION = re.compile(
    r"^(?:\s+[A-Z][\w’'-]*){0,2}[’']?s?,\s+(?:the|a|an|who|whose|one of|now|then)\b"
)


def who_is_subject(question: str) -> frozenset[str]:
    """The terms of X in "who is X?", or none for any other question."""
    folded = fold(question).strip().rstrip("?!. ")
    match = _WHO_IS.match(folded)
    if not match:
        return frozenset()
    terms = (term_of(word) for _, _, word in word_spans(match["subject"]))
    return frozenset(t for t in terms if t)


def describes(text: str, subject: frozenset[str]) -> bool:
    """Whether ``text`` says what the subject is: a role before it or an apposition after."""
    for start, end, term in term_spans(text):
        if term not in subject:
            continue
        before = text[max(0, start - 50) : start].split()[-3:]
        if _ROLE.search(" ".join(before)) or _APPOSITION.match(text[end : end + 60]):
            return True
    return False


def answer_pattern(question: str, *, loose: bool = False) -> re.Pattern[str] | None:
    """What a passage answering this kind of question contains, if the kind is known;
    ``loose``: what it cannot do without (for "when", any mention of time)."""
    folded = fold(question).strip()
    if _WHEN.match(folded):
        return _ANY_TIME if loose else _TIME
    if _HOW_MANY.match(folded):
        return _NUMBER
    return None


def answer_test(question: str) -> Callable[[str], bool] | None:
    """Whether a text is of the kind the question asks for (a date for "when", a number
    for "how many", a description for "who is X"); None when the kind is unknown."""
    wanted = answer_pattern(question)
    subject = who_is_subject(question)
    if wanted is None and not subject:
        return None

    def suits(text: str) -> bool:
        if wanted is not None and wanted.search(fold(text)):
            return True
        return bool(subject) and describes(text, subject)

    return suits


def rerank(
    ranked: Sequence[tuple[int, float]],
    *,
    question: str,
    query_terms: Sequence[str],
    adjacent_pairs: Callable[[Sequence[int], Collection[Pair]], list[set[Pair]]],
    passage_text: Callable[[int], str],
    idf: Callable[[str], float],
    answer_types: bool = True,
) -> list[tuple[int, float]]:
    """``ranked`` reordered by BM25 plus the phrase bonus and, unless the caller adds them
    after other signals (``answer_types=False``), the answer-type bonuses.

    ``adjacent_pairs`` is the index's: which of the query's pairs each passage holds."""
    if not ranked:
        return []
    pairs = {(a, b) for a, b in itertools.pairwise(query_terms) if a != b}
    found = adjacent_pairs([index for index, _ in ranked], pairs) if pairs else []
    rescored = []
    for position, (index, score) in enumerate(ranked):
        bonus = 0.0
        if pairs and found[position]:  # summed in one order, so every run adds alike
            bonus += PHRASE_WEIGHT * sum(idf(a) + idf(b) for a, b in sorted(found[position]))
        rescored.append((index, score + bonus))
    if answer_types:
        return favour_answer_type(rescored, question=question, passage_text=passage_text)
    return sorted(rescored, key=lambda item: (-item[1], item[0]))


def favour_answer_type(
    ranked: Sequence[tuple[int, float]], *, question: str, passage_text: Callable[[int], str]
) -> list[tuple[int, float]]:
    """Passages of the kind the question asks for, lifted by a share of the best score."""
    if not ranked:
        return []
    wanted = answer_pattern(question)
    subject = who_is_subject(question)
    best = max(score for _, score in ranked)
    rescored = []
    for index, score in ranked:
        bonus = 0.0
        if wanted is not None and wanted.search(fold(passage_text(index))):
            bonus += ANSWER_TYPE_WEIGHT * best
        if subject and describes(passage_text(index), subject):
            bonus += DESCRIPTION_WEIGHT * best
        rescored.append((index, score + bonus))
    return sorted(rescored, key=lambda item: (-item[1], item[0]))
