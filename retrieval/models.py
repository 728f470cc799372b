"""Plain data shared by every stage: articles, passages, results and answers.

Frozen dataclasses so that an index built once can be shared between threads
and Discord shards without copying or locking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """One article and the metadata a citation may state.

    A field the article does not state is ``None``: we never invent one.
    """

    file: str  # path relative to the corpus folder, with forward slashes
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # other front-matter fields, in file order
    characters: int = 0  # length of the article body that was indexed
    paragraphs: int = 0
    passages: int = 0
    lead: str | None = None  # the body's first sentence (cut at ~160 characters), verbatim
    # A name made from the article's own text when it states no title: its headline line,
    # else its first words (``retrieval.titles``). Never shown as the article's ``title``.
    derived_title: str | None = None
    # How many of the last paragraphs are its asides: the credits (the byline, the
    # republication notice) and the page's teasers of other stories ("Don't Miss"):
    # quotable, but about the page rather than its subject.
    asides: int = 0

    @property
    def about(self) -> str | None:
        """What a list shows to tell an untitled article by: its first sentence, quoted."""
        return None if self.title or not self.lead else f"“{self.lead}”"

    @property
    def label(self) -> str:
        """The name a person reads: the title, else one made from the text, else the file name."""
        return self.title or self.derived_title or self.file

    @property
    def credit(self) -> tuple[str, ...]:
        """Who and when, for a list of articles: the author (else the outlet) and the date."""
        return tuple(value for value in (self.author or self.outlet, self.date) if value)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file}
        for name in ("title", "author", "outlet", "date", "url", "lead"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if not self.title and self.derived_title:
            data["display_title"] = self.derived_title  # ``title`` stays absent: not stated
        data.update(dict(self.extra))
        return data


@dataclass(frozen=True)
class LoadProblem:
    """A file that was skipped, and why, in words its owner can act on."""

    file: str
    reason: str


def passage_id(file: str, paragraph: int, part: int) -> str:
    """A passage's stable id: "<file>#p<paragraph>.<part>" (the one place it is built)."""
    return f"{file}#p{paragraph}.{part}"


def parse_passage_id(passage_id: str) -> tuple[str, int, int] | None:
    """(file, paragraph, part) of an id made by ``passage_id``; None for anything else."""
    file, marker, place = passage_id.rpartition("#p")
    paragraph, dot, part = place.partition(".")
    if not (marker and dot and file) or not (paragraph.isdecimal() and part.isdecimal()):
        return None
    if not (paragraph.isascii() and part.isascii()):
        return None
    return file, int(paragraph), int(part)


@dataclass(frozen=True)
class Passage:
    """A quotable run of 1-4 sentences from one paragraph of one article."""

    id: str  # stable: ``passage_id(file, paragraph, part)``
    source: Source
    paragraph: int  # 1-based paragraph number in the article body
    sentences: tuple[str, ...]  # verbatim, in order; " ".join gives ``text``
    section: str | None = None  # the heading the paragraph sits under, if any

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def is_aside(self) -> bool:
        """Whether this is one of its article's asides (``Source.asides``)."""
        asides = self.source.asides
        return asides > 0 and self.paragraph > self.source.paragraphs - asides

    @property
    def part(self) -> int:
        """Which passage of its paragraph this is, from 1 (read from the id)."""
        parsed = parse_passage_id(self.id)
        return parsed[2] if parsed else 1


@dataclass(frozen=True)
class Excerpt:
    """The verbatim quote chosen from a passage, and where the query terms are in it."""

    text: str  # verbatim sentences from the passage, no markup
    highlights: tuple[tuple[int, int], ...]  # [start, end) character spans of matched terms
    cut_before: bool  # sentences of the passage precede the quote
    cut_after: bool  # sentences of the passage follow the quote

    def quoted(self) -> str:
        """The quote with an ellipsis where the passage was cut."""
        return ("… " if self.cut_before else "") + self.text + (" …" if self.cut_after else "")


@dataclass(frozen=True)
class Result:
    rank: int  # 1-based, across pages
    score: float  # what it was ranked by: the cross-encoder's, else BM25 (+ meaning)
    passage: Passage
    excerpt: Excerpt
    matched_terms: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "excerpt": self.excerpt.text,
            "passage": self.passage.text,
            "passage_id": self.passage.id,
            "paragraph": self.passage.paragraph,
            "section": self.passage.section,
            "matched_terms": list(self.matched_terms),
            "source": self.passage.source.to_json(),
        }


@dataclass(frozen=True)
class Answer:
    """What the engine says to a question: quotes, or an honest reason there are none."""

    question: str
    answered: bool
    results: tuple[Result, ...] = ()
    reason: str | None = None  # machine-readable why-not, see ``retrieval.messages``
    message: str | None = None  # the human sentence for ``reason``
    query_terms: tuple[str, ...] = ()  # normalised, corrected, stemmed terms that were searched
    has_more: bool = False  # further results exist past this page
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> corpus word searched
    # The sentence answered when the message says more around its question, and the
    # further questions it asks that this answer does not take up.
    read_as: str | None = None
    other_questions: tuple[str, ...] = ()
    explanation: dict[str, Any] = field(default_factory=dict)
    # The articles a question about the articles names ("who wrote the piece on Sumy?").
    articles: tuple[Source, ...] = ()

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "results": [result.to_json() for result in self.results],
            "query_terms": list(self.query_terms),
            "has_more": self.has_more,
        }
        if self.corrections:
            data["corrections"] = dict(self.corrections)
        if self.read_as:
            data["read_as"] = self.read_as
        if self.other_questions:
            data["other_questions"] = list(self.other_questions)
        if self.reason:
            data["reason"] = self.reason
        if self.message:
            data["message"] = self.message
        if self.articles:
            data["articles"] = [source.to_json() for source in self.articles]
        if explain:
            data["explanation"] = self.explanation
        return data
