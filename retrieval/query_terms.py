"""A question's search terms against one corpus: parsed, corrected, aliased and weighted.

``retrieval.query`` turns text into terms; this module knows the corpus: which terms
its index holds, what a misspelt word stands for, the other names of a name
(aliases.yaml), and how much each term counts towards coverage.
"""

from __future__ import annotations

import threading
from collections import Counter

from retrieval.aliases import Aliases
from retrieval.bm25 import Scorer
from retrieval.compounds import CompoundHeads, compound_terms
from retrieval.passage_access import Passages
from retrieval.query import ParsedQuery, corrected_text, parse_query
from retrieval.settings import EngineSettings
from retrieval.spelling import (
    SpellingCorrector,
    english_forms,
    left_alone,
    vocabulary_from_texts,
)
from retrieval.tokenize import tokenize


class QueryTerms:
    """Questions parsed against one corpus's index and aliases."""

    def __init__(
        self,
        scorer: Scorer,
        passages: Passages,
        aliases: Aliases,
        settings: EngineSettings,
    ) -> None:
        self.scorer = scorer
        self.passages = passages
        self.aliases = aliases
        self.settings = settings
        self._speller: SpellingCorrector | None = None
        self._speller_lock = threading.Lock()
        self._aside_only: frozenset[str] | None = None
        self._compound_heads: CompoundHeads | None = None
        self._heads_lock = threading.Lock()

    def parse(self, question: str) -> ParsedQuery:
        s = self.settings
        return parse_query(
            question,
            is_known=self.has_term,
            correct=self.correct if self.spelling_enabled() else None,
            aliases=self._expansions if self._expands() else None,
            chat_noise=s.strip_chat_noise,
            focus=s.find_question,
        )

    def has_term(self, term: str) -> bool:
        return self.scorer.doc_freq(term) > 0

    def stands_for(self, parsed: ParsedQuery, term: str) -> tuple[str, ...]:
        """The corpus terms that a question term is searched as.

        Itself when the articles use it; otherwise its aliases that they use, so
        "Kiev" finds "Kyiv". Aliases of a term the articles already use are not
        added: the evaluation showed them diluting the ranking.
        """
        if self.has_term(term):
            return (term,)
        return tuple(t for t in parsed.expansions.get(term, ()) if self.has_term(t))

    def searched(self, parsed: ParsedQuery) -> list[str]:
        """Every corpus term the question is searched as, in order (repeats kept).

        When a message sets the scene around its question, the question's own terms are
        searched ``question_term_repeat`` times, so the scene's count for less (BM25
        adds a term's score once per occurrence in the query).
        """
        repeat = self.settings.question_term_repeat if parsed.context_terms else 1
        return [
            t
            for term in parsed.terms
            for t in self.stands_for(parsed, term) * (1 if term in parsed.context_terms else repeat)
        ]

    def weight(self, parsed: ParsedQuery, term: str) -> float:
        """How much a question term counts towards coverage."""
        searched = self.stands_for(parsed, term)
        if searched:
            return max(self.scorer.idf(t) for t in searched)
        weight = self.scorer.idf(term)
        if term not in parsed.names:
            weight *= self.settings.unknown_word_weight
        return weight

    def unknown_names(self, parsed: ParsedQuery, *, without_asides: bool = False) -> list[str]:
        """Names the question uses that the articles never do, nor any alias of them; with
        ``without_asides``, also those only the articles' asides use (``aside_only``)."""
        names = [t for t in parsed.question_terms if t in parsed.names]
        aside_only = self.aside_only() if without_asides and names else frozenset()
        return [t for t in names if all(term in aside_only for term in self.stands_for(parsed, t))]

    def aside_only(self) -> frozenset[str]:
        """The terms that only asides (credits, teasers: ``Passage.is_aside``) use. Once
        the model has set those aside, a name only they hold is one the articles lack
        ("the EU" of a page whose only "European" is a teaser's). Built on first use."""
        if self._aside_only is None:
            counts: Counter[str] = Counter()
            for index in range(len(self.passages)):
                if self.passages.is_aside(index):
                    counts.update(set(self.scorer.terms_of(index)))
            self._aside_only = frozenset(
                term for term, count in counts.items() if count == self.scorer.doc_freq(term)
            )
        return self._aside_only

    def spelling_enabled(self) -> bool:
        s = self.settings
        return s.spelling_correction and len(self.passages) <= s.spelling_max_passages

    def correct(self, word: str) -> str | None:
        """A corpus word for a misspelt one; the index of words is built on first use,
        not for a word it would leave alone anyway (a common English word the corpus lacks)."""
        if not self.speller_built and left_alone(word):
            return None
        return self.speller().correct(word)

    def speller(self) -> SpellingCorrector:
        """The corpus's spelling index, built once (~1 s at 10k passages) on first use."""
        with self._speller_lock:
            if self._speller is None:
                texts = (self.passages.text(i) for i in range(len(self.passages)))
                self._speller = SpellingCorrector.from_texts(
                    texts, other_forms=english_forms(self.has_term)
                )
            return self._speller

    @property
    def speller_built(self) -> bool:
        return self._speller is not None

    def _expands(self) -> bool:
        s = self.settings
        return s.compound_words or (s.use_aliases and len(self.aliases) > 0)

    def _expansions(self, text: str) -> dict[str, tuple[str, ...]]:
        """Each term of ``text`` -> the other terms it may be searched as: its name's
        aliases, and the corpus's form of its compound (``retrieval.compounds``)."""
        s = self.settings
        found = self._alias_terms(text) if s.use_aliases and len(self.aliases) else {}
        if s.compound_words:
            small = len(self.passages) <= s.compound_heads_max_passages
            heads = self._compounds_ending_in if small else None
            for term, others in compound_terms(text, self.has_term, heads).items():
                found[term] = tuple(dict.fromkeys([*found.get(term, ()), *others]))
        return found

    def _compounds_ending_in(self, term: str) -> tuple[str, ...]:
        """The corpus's closed compounds whose last word has the index term ``term``; the
        table is built on first use from the corpus's word forms (~0.5 s at 10k passages)."""
        with self._heads_lock:
            if self._compound_heads is None:
                words = (
                    self.speller().words()
                    if self.speller_built
                    else vocabulary_from_texts(
                        self.passages.text(i) for i in range(len(self.passages))
                    )
                )
                self._compound_heads = CompoundHeads(words)
        return self._compound_heads(term)

    def _alias_terms(self, text: str) -> dict[str, tuple[str, ...]]:
        """Each term of a name in ``text`` -> the terms of that name's aliases."""
        found: dict[str, tuple[str, ...]] = {}
        for name, others in self.aliases.matches(text).items():
            other_terms = [term for other in others for term in tokenize(other)]
            for term in tokenize(name):
                merged = [*found.get(term, ()), *(t for t in other_terms if t != term)]
                found[term] = tuple(dict.fromkeys(merged))
        return found


def model_text(parsed: ParsedQuery, *, question_only: bool = False) -> str:
    """The question as the models read it: chat noise stripped, misspellings corrected;
    with ``question_only``, the sentence that asks without the rest of the message."""
    text = parsed.asked if question_only and parsed.asked else parsed.cleaned
    return corrected_text(text, parsed.corrections).strip() or parsed.question
