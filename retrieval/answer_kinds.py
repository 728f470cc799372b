"""The kind of answer a question asks for, and whether a text holds one of that kind.

A near miss ("When did the library open?" of an article that never says) is answered
by the passage about the library unless something checks that the quote holds a date.
The kinds are found by rules: the models we ship read relevance, not entity types, and
spaCy's English models are not published on PyPI (nothing may be downloaded at run
time). The rules are deliberately loose: a kind counts as held when the text *could*
hold it (any mention of time for "when", any capitalised name other than the
question's own for "who"), so they decline only when the quote plainly lacks it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from retrieval.rerank import answer_pattern, describes, who_is_subject
from retrieval.text import fold
from retrieval.tokenize import term_of, word_spans


class Kind(StrEnum):
    TIME = "time"  # when, what year, how long ago
    NUMBER = "number"  # how many, how much, what share
    PERSON = "person"  # who (did it), whom, whose
    PLACE = "place"  # where, in which country/city
    DESCRIPTION = "description"  # who is X: a role or an apposition


_WHO = re.compile(r"^(?:and |so |but )?(who|whom|whose)\b")
_WHERE = re.compile(
    r"^(?:and |so |but )?(where|(?:in|from|to|at) (?:what|which) "
    r"(?:country|countries|city|cities|town|place|region|state|nation|location|part))\b"
)
_CAPITALISED = re.compile(r"[A-Z][\w’'-]*")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$")
_NUMBER_PATTERN = answer_pattern("how many")  # rerank's pattern for a number


def asked_kind(question: str) -> Kind | None:
    """The kind of answer ``question`` (the sentence that asks) wants, or None."""
    folded = fold(question).strip()
    if who_is_subject(question):
        return Kind.DESCRIPTION
    pattern = answer_pattern(question)
    if pattern is not None:
        return Kind.NUMBER if pattern is _NUMBER_PATTERN else Kind.TIME
    if _WHO.match(folded):
        return Kind.PERSON
    if _WHERE.match(folded):
        return Kind.PLACE
    return None


def holds(kind: Kind, text: str, question: str) -> bool:
    """Whether ``text`` could answer a question of ``kind``: for names, one the question
    itself does not already use ("Who met Putin?" is not answered by "Putin" alone)."""
    if kind in (Kind.TIME, Kind.NUMBER):
        loose = answer_pattern(question, loose=True)
        return loose is None or bool(loose.search(fold(text)))
    if kind is Kind.DESCRIPTION:
        return describes(text, who_is_subject(question))
    own = {term_of(word) for _, _, word in word_spans(question)}
    return any(term_of(word) not in own for word in _names(text))


def _names(text: str) -> list[str]:
    """The capitalised words of ``text`` that are not merely a sentence's first word."""
    words = text.split()
    names = []
    for position, word in enumerate(words):
        if not _CAPITALISED.match(word):
            continue
        opens = position == 0 or bool(_SENTENCE_END.search(words[position - 1]))
        follows = position + 1 < len(words) and bool(_CAPITALISED.match(words[position + 1]))
        if not opens or follows:
            names.append(word.strip("’'\".,;:!?()"))
    return names


class Detail(StrEnum):
    """A precise detail a question demands by its wording ("on what exact date", "what
    percentage", "how much did it cost", "how long did it last"): only a text that
    states one can answer it. Near misses are written this way ("how long did the call
    last?" of an article that dates the call but never times it), and the passage about
    the subject, which the models read as the answer, plainly lacks the figure."""

    DATE = "date"
    PERCENTAGE = "percentage"
    AMOUNT = "amount of money"
    DURATION = "length of time"
    COUNT = "number"


_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
)
_SMALL_NUMBER = (
    r"(?:\d[\d.,]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|hundreds?|thousands?|several|few|many|"
    r"couple of|dozens? of|half an?)"
)
_ASKS: Final = {
    Detail.DATE: re.compile(
        r"\b(?:what|which)\s+(?:exact\s+|precise\s+|specific\s+)?(?:date|day)\b"
        r"|\bexact\s+(?:date|day)\b"
    ),
    Detail.PERCENTAGE: re.compile(
        r"\b(?:what|which)\s+(?:\w+\s+){0,2}?(?:percent|percentage|per cent)\b"
        r"|\bhow many (?:percent|per cent)\b|\bwhat\s+%"
    ),
    Detail.AMOUNT: re.compile(
        r"\bhow much\b(?!\s+(?:of|more|longer|further|time)\b)(?=.*\b(?:cost|costs|costing|pay|"
        r"pays|paying|paid|worth|money|price|priced|spend|spends|spending|spent|charge|charged|"
        r"dollars?|euros?|budget|valued?|sell|sold|buy|bought|earn|earns|earned|owe|owes|"
        r"invest|invested|salary|cash|fine|fined)\b)"
        r"|\bwhat\s+(?:is|was|were|are|'s|will be)?\s*(?:the\s+)?(?:price|cost|value)\b"
        r"|\bhow many (?:dollars|euros|pounds)\b"
    ),
    Detail.DURATION: re.compile(r"\bhow long\b(?!\s+ago\b)"),
    Detail.COUNT: re.compile(r"\bhow many\b"),
}
_STATES: Final = {
    Detail.DATE: re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?!\w)"
        rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
        r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"
        r"|\bthe\s+\d{1,2}(?:st|nd|rd|th)\b"
        r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b"
        r"|\b(?:yesterday|today|tomorrow|tonight|christmas|easter|new year'?s day|thanksgiving)\b"
    ),
    Detail.PERCENTAGE: re.compile(
        r"\d\s*%|\d\s*(?:per\s?cent|percentage points?)\b"
        r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|"
        r"sixty|seventy|eighty|ninety|hundred)\s+(?:per\s?cent|percent)\b"
        r"|\b(?:half|a third|two thirds|a quarter|three quarters|a fifth|a tenth)\b"
    ),
    Detail.AMOUNT: re.compile(
        r"[$€£¥₽₴]|\b(?:usd|eur|gbp|dollars?|euros?|pounds|rubles?|roubles?|hryvnias?|yuan|"
        r"yen|francs?|rupees?|cents?)\b|\b(?:millions?|billions?|trillions?|bn|mn)\b"
        r"|\b\d[\d.,]*\s*[mk]\b"
    ),
    Detail.DURATION: re.compile(
        rf"\b{_SMALL_NUMBER}[\s-]+(?:more\s+|full\s+)?(?:seconds?|minutes?|hours?|days?|"
        r"nights?|weeks?|fortnights?|months?|years?|decades?|centur(?:y|ies)|generations?)\b"
        r"|\b(?:since|until|till|overnight|briefly|lasted|lasting)\b"
        r"|\d[\d.,]*\s*(?:km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|feet|ft|yards?|cm|mm)\b"
    ),
}


# A count: any number, in figures or words, cardinal or ordinal ("the sixth this year"),
# or a share ("How many Victorians are non-religious?": "around 20%"), once the dates,
# years and sums of money are taken out of the text.
_COUNT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|several|"
    r"once|twice|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"\w+teenth|\w+tieth|couple|pair|scores|single|sole|both|none|no one|nobody)\b"
)
_NOT_A_COUNT = re.compile(
    "|".join(
        (
            _STATES[Detail.DATE].pattern,
            r"[$€£¥₽₴]\s*\d[\d.,]*\s*(?:million|billion|trillion|bn|m|k)?",
            r"\b(?:1[5-9]|20)\d\d(?:s|\b)",
        )
    )
)


def _states_count(folded: str) -> bool:
    return bool(_COUNT.search(_NOT_A_COUNT.sub(" ", folded)))


# "how many X": the words that name what is counted, up to the first stopword.
_HOW_MANY_WHAT = re.compile(r"\bhow many\s+(?P<what>.*)")
COUNTED_WORDS = 4  # what a count counts: the words of the question after "how many" ...
COUNT_WINDOW = 4  # ... of which one must be among the words just after a number
# Words that count anything ("how many people died": "35 civilians"), and the units a
# passage abbreviates ("how many kilometers": "2,000 km").
_ANY_COUNTED = frozenset(
    "people ppl persons person individuals folks times others ones total".split()  # noqa: SIM905
)
_UNITS = {
    "km": "kilometers", "kms": "kilometers", "mi": "miles", "kg": "kilograms",
    "kgs": "kilograms", "lb": "pounds", "lbs": "pounds", "ft": "feet", "m": "meters",
    "cm": "centimeters", "mm": "millimeters", "hr": "hours", "hrs": "hours",
    "min": "minutes", "mins": "minutes", "sec": "seconds", "secs": "seconds",
    "yr": "years", "yrs": "years", "mph": "miles", "kph": "kilometers",
}  # fmt: skip


def counted_words(question: str) -> tuple[str, ...]:
    """What "how many X ..." counts: ``X`` and the words after it up to a stopword, or
    nothing for "how many were killed" or a count of anything ("how many people")."""
    match = _HOW_MANY_WHAT.search(fold(question).lower())
    if match is None:
        return ()
    found: list[str] = []
    for _, _, word in list(word_spans(match["what"]))[:COUNTED_WORDS]:
        if word in _ANY_COUNTED:
            return ()
        if term_of(_UNITS.get(word, word)) is None:
            break
        found.append(word)
    return tuple(found)


def counted_terms(question: str) -> frozenset[str]:
    """The index terms of ``counted_words``, units spelt out ("km": "kilometers")."""
    terms = (term_of(_UNITS.get(word, word)) for word in counted_words(question))
    return frozenset(term for term in terms if term is not None)


def counts(counted: frozenset[str], text: str) -> bool:
    """Whether a number in ``text`` counts one of ``counted`` ("two Patriot systems" for
    "how many patriot systems"): the near misses people write ask "how many kids died" of
    a passage that counts the civilians, "how many missiles" of one that counts the dead."""
    folded = _NOT_A_COUNT.sub(" ", fold(text).lower())
    for match in _COUNT.finditer(folded):
        after = list(word_spans(folded[match.end() : match.end() + 80]))[:COUNT_WINDOW]
        for _, _, word in after:
            if term_of(_UNITS.get(word, word)) in counted:
                return True
    return False


def demanded_detail(question: str) -> Detail | None:
    """The precise detail ``question`` (the sentence that asks) demands, or None."""
    folded = fold(question).lower()
    for detail, asks in _ASKS.items():
        if asks.search(folded):
            return detail
    return None


def states(detail: Detail, text: str, counted: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` could state ``detail``: loose, so that it declines only a text
    that plainly lacks it (any day of a month or of the week for a date, any sum of money
    for an amount); for a count of ``counted`` (``counted_terms``), a number of them."""
    folded = fold(text).lower()
    if detail is Detail.COUNT:
        return counts(counted, text) if counted else _states_count(folded)
    return bool(_STATES[detail].search(folded))
