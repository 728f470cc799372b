"""The answer engine: a question through the stages, to quoted answers or an honest no.

The stages each have their module: query terms (``query_terms``), candidates
(``candidates``), the no-answer verdict (``verdict``), the cross-encoder's reading
(``reading``), explanations (``explanations``) and replies without quotes
(``refusals``); ``building`` builds what they read. This module only orders them.

Pure and thread-safe once built: front ends call ``answer`` from worker threads and
swap in a new Engine to reload, so questions in flight finish on the old one.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
from cachetools import LRUCache, cached

from retrieval.aliases import load_aliases
from retrieval.answer_kinds import (
    Detail,
    counted_terms,
    counted_words,
    demanded_detail,
    states,
)
from retrieval.building import (
    INDEX_VERSION,
    build_cross_encoder,
    build_scorer,
    build_sentence_vectors,
    load_articles,
    uses_fast_engine,
)
from retrieval.bylines import mentions_author, names_author
from retrieval.candidates import Candidate, CandidateSearch
from retrieval.corpus import Corpus
from retrieval.decline import Decision, fitted, gather
from retrieval.excerpts import with_antecedent
from retrieval.explanations import Explainer
from retrieval.follow_ons import answering
from retrieval.messages import Reason
from retrieval.models import Answer, Excerpt, Passage, Result, Source
from retrieval.passage_access import passages_of
from retrieval.query import ParsedQuery
from retrieval.query_terms import QueryTerms, model_text
from retrieval.reading import AnswerTest, Reader
from retrieval.refusals import before_search, decline, unknown_article
from retrieval.rerank import answer_test
from retrieval.settings import EngineSettings
from retrieval.small_talk import asks_author
from retrieval.source_search import find_sources
from retrieval.verdict import Verdict, judge, model_agrees, overruled

__all__ = ["INDEX_VERSION", "Engine", "build_engine"]

log = logging.getLogger(__name__)

# A credit line is an aside, or a passage this short that names its article's author.
CREDIT_LINE_SENTENCES = 2


def build_engine(
    folder: Path | str,
    settings: EngineSettings | None = None,
    *,
    progress: bool = False,
    workers: int = 1,
) -> Engine:
    """Load and index a folder: the one way the bot, the CLI and the tests build an engine.

    ``progress`` shows a bar and ``workers`` > 1 forks tokenizers while a large index is
    built (only outside a running bot: forking threads is unsafe).
    """
    settings = settings or EngineSettings()
    corpus = load_articles(folder, settings, workers=workers)
    return Engine(corpus, settings, progress=progress, workers=workers)


class Engine:
    def __init__(
        self,
        corpus: Corpus,
        settings: EngineSettings | None = None,
        *,
        progress: bool = False,
        workers: int = 1,
    ) -> None:
        """Index ``corpus`` and set up the stages (``build_engine`` loads it from a folder)."""
        self.corpus = corpus
        self.settings = s = settings or EngineSettings()
        self.passages = passages = passages_of(corpus.passages)
        built = build_scorer(corpus, passages, s, progress=progress, workers=workers)
        self.scorer = built.scorer
        self.index_status = built.status
        self.engine_name = type(self.scorer).__name__
        self.sentence_vectors = build_sentence_vectors(
            corpus, passages, s, progress=progress, workers=workers
        )
        self.cross_encoder = build_cross_encoder(len(passages), s)
        # Whether any article has asides (credits, teasers), shown only as the model reads them.
        self.has_asides = any(source.asides for source in corpus.sources)
        self.aliases = load_aliases(corpus.folder)
        for warning in self.aliases.warnings:
            log.warning("%s", warning)
        self.terms = QueryTerms(self.scorer, passages, self.aliases, s)
        self.search = CandidateSearch(self.scorer, passages, self.terms, self.sentence_vectors, s)
        self.reader = Reader(self.cross_encoder, passages, self.search, s)
        # The fitted no-answer decision for this engine's stages (None: the rule decides).
        self.decline_model = (
            fitted(self.sentence_vectors is not None) if s.calibrated_decline else None
        )
        # One article's passages, for questions limited to it (a scan of the corpus each).
        self.article_passages = cached(LRUCache(maxsize=64), lock=threading.Lock())(
            self._article_passages
        )
        self.explainer = Explainer(
            self.scorer,
            passages,
            s,
            has_meaning=self.sentence_vectors is not None,
            has_reader=self.cross_encoder is not None,
            unknown_names=self._unknown_names,
            stands_for=self.terms.stands_for,
        )

    @classmethod
    def from_folder(
        cls, folder: Path | str, settings: EngineSettings | None = None, **options: Any
    ) -> Engine:
        """Kept for the callers written before ``build_engine``, which it is."""
        return build_engine(folder, settings, **options)

    def uses_fast_engine(self) -> bool:
        return uses_fast_engine(self.settings, len(self.passages))

    def wait_for_kernels(self) -> None:
        """Before many questions: let FastBM25's compiled kernels finish loading from numba's
        cache (~0.5-1 s, begun while the index opened) instead of ranking the first dozens
        with the numpy kernel, ~10x slower; a compile (a fresh install) is not waited for."""
        if self.uses_fast_engine():
            from retrieval.fastbm25 import compiled

            compiled.wait_if_cached()

    # -- lookups for front ends -------------------------------------------------

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.corpus.sources

    def passage(self, passage_id: str) -> Passage | None:
        index = self.passages.index_of(passage_id)
        return None if index is None else self.passages[index]

    def find_sources(self, text: str, limit: int = 25) -> list[Source]:
        """The articles ``text`` names by title, author, outlet, file or first words, best
        first (all of them for empty text)."""
        return find_sources(self.sources, text, limit)

    def parse(self, question: str) -> ParsedQuery:
        return self.terms.parse(question)

    def warm_up(self) -> None:
        """Build what the first question would otherwise wait for (~0.5 s on the seeds):
        FastBM25's compiled kernels (when cached), the spelling index and the models' first
        runs, with the first passage as a question."""
        if not len(self.passages):
            return
        self.wait_for_kernels()
        if self.terms.spelling_enabled():
            self.terms.speller()
        self.answer(self.passages[0].sentences[0])

    # -- answering ----------------------------------------------------------------

    def _article_passages(self, file: str) -> frozenset[int]:
        """The indices of the passages of the article ``file`` (a ``Source.file``)."""
        passages = self.passages
        return frozenset(i for i in range(len(passages)) if passages[i].source.file == file)

    def answer(
        self,
        question: str,
        *,
        top_k: int | None = None,
        offset: int = 0,
        quick: bool = False,
        article: str | None = None,
    ) -> Answer:
        """Quotes answering ``question``, or an honest reason why there are none.

        ``quick`` skips the cross-encoder (~7 ms instead of ~0.2 s): the bot asks for it
        when many questions are waiting, where a fast answer serves better than the best.
        ``article`` (a ``Source.file``) limits the search to that article.
        """
        top_k = top_k or self.settings.top_k
        parsed = self.parse(question)
        refusal = self._refusal(parsed, question)
        if refusal:
            return self._byline(parsed, refusal) or refusal
        within = None
        if article is not None:
            if not any(source.file == article for source in self.sources):
                return unknown_article(parsed, article)
            within = self.article_passages(article)
        meaning = self.search.question_vector(parsed)
        suits = answer_test(parsed.asked or parsed.cleaned) if self.settings.rerank else None
        reads = self.cross_encoder is not None and not quick
        shortlist = self.settings.cross_encoder_shortlist if reads else 0
        needed = offset + top_k + 1
        candidates = self.search.find(
            parsed, needed=max(needed, shortlist), meaning=meaning, within=within
        )
        explain = self.explainer.explain
        if not candidates:
            return decline(parsed, Reason.NO_MATCH, explain(parsed, candidates))
        if reads and self.settings.credit_lines:
            candidates, shortlist = self._with_credit_lines(
                parsed, candidates, shortlist, top_k, meaning
            )
        # Asides are shown only as the model reads them: unread, they are set aside now.
        unread_asides = not reads and self.has_asides
        if unread_asides:
            candidates = self._without_asides(candidates, read=[])
        verdict = (
            self._verdict(parsed, candidates[:top_k], without_asides=unread_asides)
            if candidates
            else Verdict.DECLINE
        )
        calibrated = reads and self.decline_model is not None
        read = (
            self.reader.read_shortlist(parsed, candidates[:shortlist], meaning, suits)
            if calibrated or verdict != Verdict.DECLINE  # the fit reads what the rule declines
            else []
        )
        unread = candidates[shortlist:]  # after the shortlist: in the first stage's order
        if read and self.has_asides:
            candidates, read, unread, verdict = self._asides_as_read(
                parsed, candidates, read, unread, verdict, top_k
            )
        decision = self._decide(parsed, candidates[:top_k], read, verdict)
        if not decision.answers:
            shares_words = any(c.matched for c in candidates[:top_k])
            reason = Reason.LOW_CONFIDENCE if shares_words else Reason.NO_MATCH
            return decline(parsed, reason, explain(parsed, read or candidates, verdict, decision))
        shown = answering(read + unread, self.settings)
        shown, missing = self._with_detail(parsed, shown, top_k)
        if missing is not None:
            why = explain(parsed, shown, verdict, decision) | {"missing_detail": missing.value}
            if missing is Detail.COUNT:
                why["counted"] = list(counted_words(model_text(parsed, question_only=True)))
            return decline(parsed, Reason.NOT_STATED, why, detail=missing.value)
        for position in range(offset, min(offset + top_k, len(shown))):
            if shown[position].relevance is not None and (
                position == 0 or shown[position].quote_falls_short
            ):
                shown[position] = self.reader.best_quote(parsed, shown[position], suits)
        candidates = shown[:needed]
        page = candidates[offset : offset + top_k]
        results = tuple(
            self._result(offset + position, candidate, meaning, suits)
            for position, candidate in enumerate(page, start=1)
        )
        return Answer(
            question=parsed.question,
            answered=bool(results) or offset > 0,
            results=results,
            query_terms=parsed.terms,
            has_more=len(candidates) > offset + top_k,
            corrections=dict(parsed.corrections),
            read_as=parsed.asked if parsed.narrowed else None,
            other_questions=parsed.other_questions,
            explanation=explain(parsed, candidates, verdict, decision),
        )

    def _with_detail(
        self, parsed: ParsedQuery, shown: list[Candidate], top_k: int
    ) -> tuple[list[Candidate], Detail | None]:
        """The passages to show for a question that demands a precise detail ("on what
        exact date", "how many"), and the detail when they do not state it (a decline).

        A date, share, sum or length must be in the passage found first: a later one that
        holds some date is, in the development sets' near misses, a date of something
        else. A count may be in any of the first page's passages ("the sixth this year"
        follows the passage about the call), which then show alone, in their order
        (docs/quality.md, eleventh session)."""
        if not self.settings.detail_check or not shown:
            return shown, None
        detail = demanded_detail(parsed.asked or parsed.cleaned)
        if detail is None:
            return shown, None
        text = self.passages.text
        if detail is Detail.COUNT:
            counted = counted_terms(model_text(parsed, question_only=True))
            stating = [c for c in shown if states(detail, text(c.index), counted)]
            first_page = {c.index for c in shown[:top_k]}
            if not any(c.index in first_page for c in stating):
                return shown, detail
            return stating, None
        return shown, (None if states(detail, text(shown[0].index)) else detail)

    def _with_credit_lines(
        self,
        parsed: ParsedQuery,
        candidates: list[Candidate],
        shortlist: int,
        top_k: int,
        meaning: np.ndarray | None,
    ) -> tuple[list[Candidate], int]:
        """For a question about "the author" ("which university is the writer from?"),
        the shortlist and the credit lines of the articles its first page quotes: they
        name the author, which the question does not (``retrieval.bylines``)."""
        if not mentions_author(model_text(parsed, question_only=True)):
            return candidates, shortlist
        have = {c.index for c in candidates[:shortlist]}
        added: list[Candidate] = []
        for file in dict.fromkeys(self.passages[c.index].source.file for c in candidates[:top_k]):
            for index in sorted(self.article_passages(file)):
                passage = self.passages[index]
                short = passage.is_aside or len(passage.sentences) <= CREDIT_LINE_SENTENCES
                if (
                    index not in have
                    and short
                    and names_author(passage.text, passage.source.author)
                ):
                    added.append(self.search.candidate(parsed, index, meaning))
                    have.add(index)
        if not added:
            return candidates, shortlist
        rest = [c for c in candidates[shortlist:] if c.index not in have]
        return [*candidates[:shortlist], *added, *rest], shortlist + len(added)

    def _asides_as_read(
        self,
        parsed: ParsedQuery,
        candidates: list[Candidate],
        read: list[Candidate],
        unread: list[Candidate],
        verdict: Verdict,
        top_k: int,
    ) -> tuple[list[Candidate], list[Candidate], list[Candidate], Verdict]:
        """The candidates, read and unread ones, without the asides the model did not
        read as the answer, and the rule's verdict again without them: it may have judged
        one, or known a name only they use."""
        kept = self._without_asides(candidates, read)
        if len(kept) == len(candidates):
            return candidates, read, unread, verdict
        left = {c.index for c in kept}
        verdict = (
            self._verdict(parsed, kept[:top_k], without_asides=True) if kept else Verdict.DECLINE
        )
        read = [c for c in read if c.index in left]
        unread = [c for c in unread if c.index in left]
        return kept, read, unread, verdict

    def _without_asides(
        self, candidates: list[Candidate], read: list[Candidate]
    ) -> list[Candidate]:
        """``candidates`` less the asides (credits, teasers) that the model did not read as
        the answer (``aside_min_logit``): every aside that is not in ``read``."""
        floor = self.settings.aside_min_logit
        answers = {c.index for c in read if c.logit is not None and c.logit >= floor}
        return [c for c in candidates if c.index in answers or not self.passages.is_aside(c.index)]

    def _byline(self, parsed: ParsedQuery, refusal: Answer) -> Answer | None:
        """The answer to "who wrote the piece on Sumy?" of one article whose credit lines
        name its author: that line, quoted and cited. Otherwise (None) the list of sources
        answers, which names the author an article states only in its header."""
        named = refusal.articles
        if refusal.reason != Reason.SOURCES or len(named) != 1 or not asks_author(parsed.question):
            return None
        author = named[0].author
        if not author:
            return None
        for index in sorted(self.article_passages(named[0].file)):
            text = self.passages.text(index)
            if self.passages.is_aside(index) and author in text:
                start = text.index(author)
                passage = self.passages[index]
                quote = Excerpt(text, ((start, start + len(author)),), False, False)
                return Answer(
                    question=parsed.question,
                    answered=True,
                    results=(Result(rank=1, score=0.0, passage=passage, excerpt=quote),),
                    query_terms=parsed.terms,
                    explanation={"byline_of": named[0].file},
                )
        return None

    def _refusal(self, parsed: ParsedQuery, raw: str) -> Answer | None:
        """An Answer that declines before ranking, for input we cannot search."""
        refusal = before_search(
            parsed,
            raw,
            sources=self.sources,
            n_passages=len(self.passages),
            max_chars=self.settings.max_question_chars,
        )
        if refusal:
            return refusal
        known = any(self.terms.stands_for(parsed, term) for term in parsed.terms)
        if not known and self.sentence_vectors is None:  # else meaning alone may find it
            return decline(parsed, Reason.NO_MATCH, self.explainer.explain(parsed, []))
        return None

    def _verdict(
        self, parsed: ParsedQuery, shown: list[Candidate], *, without_asides: bool = False
    ) -> Verdict:
        """The no-answer rule on the order before the cross-encoder's: it was calibrated
        on it, and a clearly declined question need not wait for the model."""
        return judge(
            parsed,
            shown,
            terms=self.terms,
            passages=self.passages,
            settings=self.settings,
            has_meaning=self.sentence_vectors is not None,
            without_asides=without_asides,
        )

    def _decide(
        self,
        parsed: ParsedQuery,
        shown: list[Candidate],
        read: list[Candidate],
        verdict: Verdict,
    ) -> Decision:
        """The fitted decision on everything found when this engine has one; else, or when
        the model read nothing, the rule's (with the evidence, for ``--explain``)."""
        evidence = gather(parsed, shown, read, verdict, terms=self.terms, passages=self.passages)
        model = self.decline_model
        if evidence is None or model is None:
            return Decision(self._rule_answers(parsed, verdict, read), evidence)
        probability = model.probability(evidence)
        return Decision(probability >= model.threshold, evidence, probability)

    def _rule_answers(self, parsed: ParsedQuery, verdict: Verdict, read: list[Candidate]) -> bool:
        """The hand-set rule: the verdict before reading, then the model's floor (or, for
        an unlikely question, whether the model overrules it)."""
        if verdict == Verdict.UNLIKELY:
            return overruled(parsed, read, passages=self.passages, settings=self.settings)
        if verdict == Verdict.DECLINE:
            return False
        unknown = bool(self._unknown_names(parsed))
        return model_agrees(verdict, read, self.settings, unknown_name=unknown)

    def _unknown_names(self, parsed: ParsedQuery) -> list[str]:
        """The question's names that no passage but an aside uses, nor an alias of them."""
        return self.terms.unknown_names(parsed, without_asides=self.has_asides)

    def _result(
        self,
        rank: int,
        candidate: Candidate,
        meaning: np.ndarray | None,
        suits: AnswerTest | None,
    ) -> Result:
        passage = self.passages[candidate.index]
        excerpt = candidate.excerpt or self.search.excerpt(candidate, meaning, suits, passage)
        if self.settings.quote_antecedents:
            excerpt = with_antecedent(passage, excerpt, candidate.matched)
        return Result(
            rank=rank,
            score=candidate.score if candidate.relevance is None else candidate.relevance,
            passage=passage,
            excerpt=excerpt,
            matched_terms=tuple(sorted(candidate.matched)),
        )
