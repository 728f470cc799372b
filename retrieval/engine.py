"""The answer engine: a loaded corpus, its BM25 index, and questions turned into quoted answers.

Pure and thread-safe once built: front ends call ``answer`` from worker threads and
swap in a new Engine to reload, so questions in flight finish on the old one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from retrieval import messages
from retrieval.aliases import load_aliases
from retrieval.bm25 import OkapiScorer, Scorer
from retrieval.corpus import Corpus, article_files, load_corpus, scan_article_files
from retrieval.cross_encoder import MODEL_ID as CROSS_ENCODER_ID
from retrieval.cross_encoder import CrossEncoder
from retrieval.excerpts import MAX_EXCERPT_SENTENCES, choose_excerpt, window_excerpt
from retrieval.index_cache import CACHE_DIRNAME, start_loading_kernels
from retrieval.models import Answer, Excerpt, Passage, Result, Source
from retrieval.passage_store import CACHE_MIN_BYTES, PassageStore, load_corpus_cached
from retrieval.passages import PASSAGES_VERSION
from retrieval.query import ParsedQuery, corrected_text, parse_query
from retrieval.rerank import answer_pattern, answer_test, favour_answer_type, rerank
from retrieval.semantic import MODEL_ID, SentenceEncoder, SentenceVectors
from retrieval.settings import EngineSettings
from retrieval.small_talk import small_talk
from retrieval.spelling import SpellingCorrector, english_forms
from retrieval.text import fold
from retrieval.tokenize import TOKENIZER_VERSION, tokenize

log = logging.getLogger(__name__)

NEAR_DUPLICATE_JACCARD = 0.8
RERANK_DEPTH = 30  # BM25's best passages that the second stage reorders
# The no-answer rule's verdicts (Engine._confidence).
_ANSWER, _DOUBTFUL, _DECLINE = "answer", "doubtful", "decline"
INDEX_VERSION = f"tokenize={TOKENIZER_VERSION}|passages={PASSAGES_VERSION}"


@dataclass(frozen=True)
class _Candidate:
    index: int
    score: float
    matched: frozenset[str]
    coverage: float
    similarity: float = 0.0  # cosine of the passage's best sentence with the question
    relevance: float | None = None  # the cross-encoder's logit (+ answer-type bonus), if read
    logit: float | None = None  # the cross-encoder's logit alone
    quote_falls_short: bool = False  # the model reads the whole passage as the better answer
    excerpt: Excerpt | None = None  # the quote, once chosen


class Engine:
    def __init__(
        self,
        corpus: Corpus,
        settings: EngineSettings | None = None,
        *,
        progress: bool = False,
        workers: int = 1,
    ) -> None:
        """Index ``corpus``; ``progress`` shows a bar and ``workers`` > 1 forks tokenizers
        while a large index is built (only outside a running bot: forking threads is unsafe).
        """
        self.corpus = corpus
        self.settings = settings or EngineSettings()
        self._ids: dict[str, int] | None = None  # built on first lookup when no store does it
        self.index_status: str | None = None  # for the fast engine: loaded, built or rebuilt
        self.scorer: Scorer = self._build_scorer(progress=progress, workers=workers)
        self.engine_name = type(self.scorer).__name__
        self.sentence_vectors = self._sentence_vectors(progress=progress)
        self.cross_encoder = self._cross_encoder()
        self._speller: SpellingCorrector | None = None
        self.aliases = load_aliases(corpus.folder)
        for warning in self.aliases.warnings:
            log.warning("%s", warning)

    @classmethod
    def from_folder(
        cls, folder: Path | str, settings: EngineSettings | None = None, **options: Any
    ) -> Engine:
        """Load and index a folder; large corpora come from their saved passage store.

        The folder is listed once; the store and the index share that listing and
        its fingerprint. For a large corpus, numba loads in the background meanwhile.
        """
        settings = settings or EngineSettings()
        if settings.save_index:
            folder = Path(folder)
            files = scan_article_files(folder) if folder.is_dir() else None
            large = files is not None and sum(f.size for f in files) >= CACHE_MIN_BYTES
            if large and settings.engine != "bm25okapi":
                start_loading_kernels()
            corpus, status = load_corpus_cached(
                folder, version=INDEX_VERSION, files=files, workers=options.get("workers", 1)
            )
            if status:
                log.info("Passages %s from %s", status, folder)
        else:
            corpus = load_corpus(folder)
        return cls(corpus, settings, **options)

    def uses_fast_engine(self) -> bool:
        """rank-bm25 for small corpora; FastBM25 from the measured crossover on."""
        if self.settings.engine == "auto":
            return len(self.corpus.passages) >= self.settings.fast_engine_min_passages
        return self.settings.engine == "fast"

    def _build_scorer(self, *, progress: bool, workers: int) -> Scorer:
        s = self.settings
        if self.uses_fast_engine() and self.corpus.passages:
            return self._fast_scorer(progress=progress, workers=workers)
        tokenized = [tokenize(text) for text in self._all_texts()]
        return OkapiScorer(tokenized, k1=s.k1, b=s.b, epsilon=s.epsilon)

    def _fast_scorer(self, *, progress: bool, workers: int) -> Scorer:
        """FastBM25, loaded from the corpus folder's saved index when it is sound."""
        from retrieval.fastbm25 import FastBM25  # numba loads only when needed
        from retrieval.fastbm25.bulk import TermIds
        from retrieval.index_cache import load_or_build_fast

        s = self.settings

        def texts() -> list[str]:  # only when the index must be built
            return list(self._all_texts())

        def terms() -> TermIds | None:  # tokenized while a store was just built, if it was
            passages = self.corpus.passages
            return passages.take_terms() if isinstance(passages, PassageStore) else None

        if s.save_index:
            try:
                stamps = self.corpus.stamps  # the store's: the files are not listed again
                scorer, status = load_or_build_fast(
                    self.corpus.folder,
                    files=article_files(self.corpus.folder) if stamps is None else (),
                    stamps=stamps,
                    texts=texts,
                    terms=terms,
                    n_passages=len(self.corpus.passages),
                    version=INDEX_VERSION,
                    k1=s.k1,
                    b=s.b,
                    epsilon=s.epsilon,
                    progress=progress,
                    workers=workers,
                )
                self.index_status = status.value
                return scorer
            except OSError as error:
                log.warning(
                    "Cannot save the index beside the articles (%s); building it in memory", error
                )
        self.index_status = "built in memory"
        return FastBM25.build_from_texts(
            texts(), k1=s.k1, b=s.b, epsilon=s.epsilon, progress=progress
        )

    def _sentence_vectors(self, *, progress: bool) -> SentenceVectors | None:
        """Every sentence encoded for meaning-based matching, when enabled and affordable."""
        s = self.settings
        if not s.semantic or not self.corpus.passages:
            return None
        if len(self.corpus.passages) > s.semantic_max_passages:
            log.info(
                "Meaning-based matching is off above %d passages; BM25 ranks alone",
                s.semantic_max_passages,
            )
            return None
        encoder = SentenceEncoder.shared()
        if encoder is None:
            return None
        cache = self.corpus.folder / CACHE_DIRNAME if s.save_index else None
        return SentenceVectors.build(
            [p.sentences for p in self.corpus.passages], encoder, cache, progress=progress
        )

    def _cross_encoder(self) -> CrossEncoder | None:
        """The shortlist's reader, when enabled and the corpus is small enough to afford it."""
        s = self.settings
        if not s.cross_encoder or not self.corpus.passages:
            return None
        if len(self.corpus.passages) > s.cross_encoder_max_passages:
            log.info("The cross-encoder is off above %d passages", s.cross_encoder_max_passages)
            return None
        return CrossEncoder.shared()

    # -- lookups for front ends -------------------------------------------------

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.corpus.sources

    def passage(self, passage_id: str) -> Passage | None:
        passages = self.corpus.passages
        if isinstance(passages, PassageStore):
            index = passages.index_of(passage_id)
        else:
            if self._ids is None:
                self._ids = {passage.id: i for i, passage in enumerate(passages)}
            index = self._ids.get(passage_id)
        return None if index is None else passages[index]

    def _text(self, index: int) -> str:
        """A passage's text, without making a Passage object when a store holds it."""
        passages = self.corpus.passages
        if isinstance(passages, PassageStore):
            return passages.text(index)
        return passages[index].text

    def _all_texts(self) -> Iterator[str]:
        return (self._text(i) for i in range(len(self.corpus.passages)))

    def find_sources(self, text: str, limit: int = 25) -> list[Source]:
        """Sources whose title or file name contains ``text`` (all of them for empty text)."""
        needle = fold(text.strip())
        found = [
            source
            for source in self.corpus.sources
            if needle in fold(source.label) or needle in fold(source.file)
        ]
        return found[:limit]

    # -- answering ----------------------------------------------------------------

    def parse(self, question: str) -> ParsedQuery:
        return parse_query(
            question,
            is_known=lambda term: self.scorer.doc_freq(term) > 0,
            correct=self._correct if self._spelling_enabled() else None,
            aliases=self._alias_terms if self.settings.use_aliases and len(self.aliases) else None,
            chat_noise=self.settings.strip_chat_noise,
        )

    def _alias_terms(self, text: str) -> dict[str, tuple[str, ...]]:
        """Each term of a name in ``text`` -> the terms of that name's aliases."""
        found: dict[str, tuple[str, ...]] = {}
        for name, others in self.aliases.matches(text).items():
            other_terms = [term for other in others for term in tokenize(other)]
            for term in tokenize(name):
                merged = [*found.get(term, ()), *(t for t in other_terms if t != term)]
                found[term] = tuple(dict.fromkeys(merged))
        return found

    def _stands_for(self, parsed: ParsedQuery, term: str) -> tuple[str, ...]:
        """The corpus terms that a question term is searched as.

        Itself when the articles use it; otherwise its aliases that they use, so
        "Kiev" finds "Kyiv". Aliases of a term the articles already use are not
        added: the evaluation showed them diluting the ranking.
        """
        if self.scorer.doc_freq(term):
            return (term,)
        return tuple(t for t in parsed.expansions.get(term, ()) if self.scorer.doc_freq(t))

    def _spelling_enabled(self) -> bool:
        s = self.settings
        return s.spelling_correction and len(self.corpus.passages) <= s.spelling_max_passages

    def _has_term(self, term: str) -> bool:
        return bool(self.scorer.doc_freq(term))

    def _correct(self, word: str) -> str | None:
        """A corpus word for a misspelt one; the index of words is built on first use."""
        if self._speller is None:
            self._speller = SpellingCorrector.from_texts(
                self._all_texts(), other_forms=english_forms(self._has_term)
            )
        return self._speller.correct(word)

    def warm_up(self) -> None:
        """Build what the first question would otherwise wait for (~0.5 s on the seeds):
        the spelling index and the models' first runs, with the first passage as a question."""
        if not self.corpus.passages:
            return
        if self._spelling_enabled():
            self._correct("seedbot")
        self.answer(self.corpus.passages[0].sentences[0])

    def answer(
        self, question: str, *, top_k: int | None = None, offset: int = 0, quick: bool = False
    ) -> Answer:
        """Quotes answering ``question``, or an honest reason why there are none.

        ``quick`` skips the cross-encoder (~7 ms instead of ~0.2 s): the bot asks for it
        when many questions are waiting, where a fast answer serves better than the best.
        """
        top_k = top_k or self.settings.top_k
        parsed = self.parse(question)
        refusal = self._refusal(parsed, question)
        if refusal:
            return refusal
        meaning = self._question_vector(parsed)
        suits = answer_test(parsed.cleaned) if self.settings.rerank else None
        reads = self.cross_encoder is not None and not quick
        shortlist = self.settings.cross_encoder_shortlist if reads else 0
        needed = offset + top_k + 1
        candidates = self._candidates(parsed, needed=max(needed, shortlist), meaning=meaning)
        if not candidates:
            return self._decline(parsed, messages.NO_MATCH, self._explain(parsed, candidates))
        # The no-answer rule judges the order before the cross-encoder's: it was calibrated
        # on it, and a clearly declined question need not wait for the model.
        verdict = self._confidence(parsed, candidates[:top_k])
        read = (
            self._read_shortlist(parsed, candidates[:shortlist], meaning, suits)
            if verdict != _DECLINE
            else []
        )
        if verdict == _DECLINE or not self._model_agrees(verdict, read):
            shares_words = any(c.matched for c in candidates[:top_k])
            reason = messages.LOW_CONFIDENCE if shares_words else messages.NO_MATCH
            explanation = self._explain(parsed, read or candidates, verdict)
            return self._decline(parsed, reason, explanation)
        for position in range(offset, min(offset + top_k, len(read))):
            if read[position].relevance is not None and (
                position == 0 or read[position].quote_falls_short
            ):
                read[position] = self._best_quote(parsed, read[position], suits)
        candidates = (read + candidates[shortlist:])[:needed]
        explanation = self._explain(parsed, candidates, verdict)
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
            explanation=explanation,
        )

    def _result(
        self,
        rank: int,
        candidate: _Candidate,
        meaning: np.ndarray | None,
        suits: Callable[[str], bool] | None,
    ) -> Result:
        return Result(
            rank=rank,
            score=candidate.score if candidate.relevance is None else candidate.relevance,
            passage=self.corpus.passages[candidate.index],
            excerpt=candidate.excerpt or self._excerpt(candidate, meaning, suits),
            matched_terms=tuple(sorted(candidate.matched)),
        )

    def _excerpt(
        self,
        candidate: _Candidate,
        meaning: np.ndarray | None,
        suits: Callable[[str], bool] | None,
    ) -> Excerpt:
        """The quote a passage would be shown by: its sentences that best answer."""
        closeness = None
        if meaning is not None and self.sentence_vectors is not None:
            closeness = self.sentence_vectors.sentence_scores(candidate.index, meaning)
        passage = self.corpus.passages[candidate.index]
        return choose_excerpt(passage, candidate.matched, self.scorer.idf, closeness, suits=suits)

    def _refusal(self, parsed: ParsedQuery, raw: str) -> Answer | None:
        """An Answer that declines before ranking, for input we cannot search."""
        if not self.corpus.passages:
            return self._decline(parsed, messages.EMPTY_CORPUS)
        if not parsed.question:
            return self._decline(parsed, messages.EMPTY)
        if len(raw) > self.settings.max_question_chars:
            text = messages.message_for(
                messages.TOO_LONG, length=len(raw), limit=self.settings.max_question_chars
            )
            return Answer(
                question=parsed.question[:200],
                answered=False,
                reason=messages.TOO_LONG,
                message=text,
            )
        social = small_talk(parsed.question)
        if social == messages.SOURCES:
            return self._sources_answer(parsed)
        if social:
            return self._decline(parsed, social)
        if not parsed.terms:
            return self._decline(parsed, messages.NO_TERMS)
        known = any(self._stands_for(parsed, term) for term in parsed.terms)
        if not known and self.sentence_vectors is None:  # else meaning alone may find it
            return self._decline(parsed, messages.NO_MATCH, self._explain(parsed, []))
        return None

    def _sources_answer(self, parsed: ParsedQuery) -> Answer:
        """The list of articles, for "what are the articles about?" (front ends may show
        their own richer list for ``reason == SOURCES``)."""
        sources = self.corpus.sources
        shown = sources[: messages.SOURCES_SHOWN]
        lines = []
        for number, source in enumerate(shown, 1):
            credit = f" — {', '.join(source.credit)}" if source.credit else ""
            about = f": {source.about}" if source.about else ""
            lines.append(f"{number}. {source.label}{credit}{about}")
        rest = len(sources) - len(shown)
        text = messages.message_for(
            messages.SOURCES,
            count=len(sources),
            plural="" if len(sources) == 1 else "s",
            listing="\n".join(lines),
            more=f"\n… and {rest} more in the list of sources." if rest else "",
        )
        return Answer(
            question=parsed.question,
            answered=False,
            reason=messages.SOURCES,
            message=text,
            query_terms=parsed.terms,
        )

    def _decline(
        self, parsed: ParsedQuery, reason: str, explanation: dict[str, Any] | None = None
    ) -> Answer:
        return Answer(
            question=parsed.question,
            answered=False,
            reason=reason,
            message=messages.message_for(reason),
            query_terms=parsed.terms,
            explanation=explanation or {},
        )

    def _confidence(self, parsed: ParsedQuery, shown: Sequence[_Candidate]) -> str:
        """The no-answer rule: whether the passages shown can answer the question.

        _DECLINE when none holds what the question asks for, none comes close in meaning
        and none covers enough of its terms; _DOUBTFUL when the only doubt is the share of
        terms covered, which paraphrases lower ("walk away" for "abandon"): the
        cross-encoder then decides (``_model_agrees``).
        """
        s = self.settings
        best = max(shown, key=lambda c: c.coverage)
        wanted = answer_pattern(parsed.cleaned, loose=True) if s.rerank else None
        if wanted is not None and not any(
            c.matched and wanted.search(fold(self._text(c.index))) for c in shown
        ):
            return _DECLINE  # asks "how many" or "when"; no passage on it holds a number or a time
        if self.sentence_vectors is not None:
            closest = max(c.similarity for c in shown)
            if closest >= s.semantic_min_similarity:
                return _ANSWER  # says the same in other words
            if closest < s.semantic_unrelated and best.coverage < s.coverage_despite_meaning:
                return _DECLINE  # shares some words, but is about something else
        # A name the articles never use, nor any alias of it ("Kiev" for "Kyiv"), is
        # likely someone or something else: ask for more of the question to be covered.
        unknown_names = [
            t for t in parsed.terms if t in parsed.names and not self._stands_for(parsed, t)
        ]
        if unknown_names:
            return _DECLINE if best.coverage < s.min_coverage_unknown_name else _ANSWER
        return _DOUBTFUL if best.coverage < s.min_coverage else _ANSWER

    def _model_agrees(self, verdict: str, read: Sequence[_Candidate]) -> bool:
        """Whether the cross-encoder's reading of the shortlist upholds answering.

        A doubtful question needs a text the model reads as an answer on its own merits
        (its logit, without the answer-type bonus, at least ``cross_encoder_min_logit``);
        any question needs one above ``cross_encoder_unrelated_logit``, below which the
        model reads every text as unrelated ("What's the capital of Australia?" sharing
        only "capitals" with the articles). Without the model the rule alone decides.
        """
        logits = [c.logit for c in read if c.logit is not None]
        if not logits:
            return verdict == _ANSWER
        s = self.settings
        floor = (
            s.cross_encoder_min_logit if verdict == _DOUBTFUL else s.cross_encoder_unrelated_logit
        )
        return max(logits) >= floor

    def _weight(self, parsed: ParsedQuery, term: str) -> float:
        """How much a question term counts towards coverage."""
        searched = self._stands_for(parsed, term)
        if searched:
            return max(self.scorer.idf(t) for t in searched)
        weight = self.scorer.idf(term)
        if term not in parsed.names:
            weight *= self.settings.unknown_word_weight
        return weight

    def _candidates(
        self, parsed: ParsedQuery, needed: int, meaning: np.ndarray | None = None
    ) -> list[_Candidate]:
        """Ranked passages, near-duplicates removed, each with its query-term coverage."""
        searched = [t for term in parsed.terms for t in self._stands_for(parsed, term)]
        terms = list(dict.fromkeys(searched))
        term_set = set(terms)
        total_weight = sum(self._weight(parsed, term) for term in parsed.terms) or 1.0
        terms_of = cache(self._passage_terms)  # rerank and de-duplication read the same passages
        depth = max(needed * 3, RERANK_DEPTH)
        ranked = self.scorer.top(terms, k=depth)
        similarity = None
        if meaning is not None and self.sentence_vectors is not None:
            similarity = self.sentence_vectors.similarity(meaning)
        if self.settings.rerank:
            ranked = rerank(
                ranked,
                question=parsed.cleaned,
                query_terms=searched,
                passage_terms=terms_of,
                passage_text=self._text,
                idf=self.scorer.idf,
                answer_types=similarity is None,  # else after the blend, on its scale
            )
        if similarity is not None:
            ranked = self._blend(ranked, similarity, depth)
            if self.settings.rerank:
                ranked = favour_answer_type(
                    ranked, question=parsed.cleaned, passage_text=self._text
                )
        chosen: list[_Candidate] = []
        chosen_terms: list[set[str]] = []
        for index, score in ranked:
            passage_terms = set(terms_of(index))
            if any(
                _jaccard(passage_terms, other) >= NEAR_DUPLICATE_JACCARD for other in chosen_terms
            ):
                continue
            matched = frozenset(passage_terms & term_set)
            covered = [t for t in parsed.terms if set(self._stands_for(parsed, t)) & matched]
            coverage = sum(self._weight(parsed, t) for t in covered) / total_weight
            cosine = float(similarity[index]) if similarity is not None else 0.0
            chosen.append(_Candidate(index, score, matched, coverage, cosine))
            chosen_terms.append(passage_terms)
            if len(chosen) >= needed:
                break
        return chosen

    def _read_shortlist(
        self,
        parsed: ParsedQuery,
        shortlist: list[_Candidate],
        meaning: np.ndarray | None,
        suits: Callable[[str], bool] | None,
    ) -> list[_Candidate]:
        """The shortlist in the cross-encoder's order, best answer first (ties keep theirs).

        The model reads each passage twice, as the quote the user would see and whole,
        and the better reading counts: a quote can lose the sentence that makes it an
        answer ("only if the root causes are addressed" after "Putin told Trump ..."),
        and a whole passage can bury a one-line answer among other matters. Reading
        both beat either alone on all three labelled sets (docs/quality.md) for about
        twice the model's time. A text of the kind asked for (a date for "when", the
        description for "who is X") gets a bonus: the model alone prefers "Hollis said
        she would not resign" for "who is Hollis?" to "harbour master Jane Hollis
        signed the rules".
        """
        if self.cross_encoder is None or not shortlist:
            return shortlist
        quotes = [self._excerpt(c, meaning, suits) for c in shortlist]
        quoted = [replace(c, excerpt=q) for c, q in zip(shortlist, quotes, strict=True)]
        of_quotes = self._logits(parsed, [q.text for q in quotes])
        passages = [self._text(c.index) for c in shortlist]
        of_passages = self._logits(parsed, passages)
        if of_quotes is None or of_passages is None:
            return quoted  # the model failed: the order stands
        read = []
        for candidate, excerpt, quote, text, whole in zip(
            quoted, quotes, of_quotes, passages, of_passages, strict=True
        ):
            relevance = max(
                quote + self._bonus(excerpt.text, suits), whole + self._bonus(text, suits)
            )
            read.append(
                replace(
                    candidate,
                    relevance=relevance,
                    logit=max(quote, whole),
                    quote_falls_short=whole > quote,
                )
            )
        order = sorted(range(len(read)), key=lambda i: (-(read[i].relevance or 0.0), i))
        return [read[i] for i in order]

    def _best_quote(
        self, parsed: ParsedQuery, top: _Candidate, suits: Callable[[str], bool] | None
    ) -> _Candidate:
        """The first answer's quote as the cross-encoder reads it best among all its windows.

        The quote chooser weighs the question's words and MiniLM's closeness, which can
        pick the sentences around the answer ("The timing of the call has fuelled
        speculation ...") over the one that gives it ("shipments are expected to resume");
        the model, reading each window with the question, finds it. On ties the chooser's
        quote, then the shorter window, wins. Only the first answer, the one read first,
        is worth the ~50 ms.
        """
        if self.cross_encoder is None or top.excerpt is None:
            return top
        passage = self.corpus.passages[top.index]
        count = len(passage.sentences)
        windows = [top.excerpt] + [
            window_excerpt(passage, top.matched, start, start + size)
            for size in range(1, min(MAX_EXCERPT_SENTENCES, count) + 1)
            for start in range(count - size + 1)
        ]
        texts = list(dict.fromkeys(w.text for w in windows))
        scores = self._judge(parsed, texts, suits)
        if scores is None:
            return top  # the model failed: the chooser's quote stands
        best = texts[int(np.argmax(scores))]
        return replace(top, excerpt=next(w for w in windows if w.text == best))

    def _judge(
        self, parsed: ParsedQuery, texts: list[str], suits: Callable[[str], bool] | None
    ) -> list[float] | None:
        """The cross-encoder's score of each text as an answer, plus the answer-type bonus."""
        logits = self._logits(parsed, texts)
        if logits is None:
            return None
        return [logit + self._bonus(text, suits) for logit, text in zip(logits, texts, strict=True)]

    def _logits(self, parsed: ParsedQuery, texts: list[str]) -> list[float] | None:
        """The cross-encoder's logit for each text as an answer (> 0: it reads one);
        None if the model fails (logged): that must never fail the answer."""
        if self.cross_encoder is None:
            return None
        try:
            return [float(x) for x in self.cross_encoder.scores(_model_text(parsed), texts)]
        except Exception:
            log.exception("The cross-encoder failed; keeping the order and quotes as they are")
            return None

    def _bonus(self, text: str, suits: Callable[[str], bool] | None) -> float:
        """Added to the logit of a text of the kind the question asks for."""
        return self.settings.cross_encoder_answer_type_bonus if suits and suits(text) else 0.0

    def _question_vector(self, parsed: ParsedQuery) -> np.ndarray | None:
        """The question's meaning: chat noise stripped, misspellings corrected."""
        encoder = SentenceEncoder.shared() if self.sentence_vectors is not None else None
        if encoder is None:
            return None
        try:
            vector: np.ndarray = encoder.encode([_model_text(parsed)])[0]
        except Exception:  # the model failing must not fail the answer: BM25 still ranks
            log.exception("Could not encode the question; ranking it with BM25 alone")
            return None
        return vector

    def _blend(
        self, ranked: Sequence[tuple[int, float]], similarity: np.ndarray, depth: int
    ) -> list[tuple[int, float]]:
        """BM25's best and the closest in meaning, by BM25 / best BM25 + weight * cosine.

        Dividing by the best score puts BM25 on the cosine's 0-1 scale whatever the
        corpus; passages BM25 did not return count 0 on its side.
        """
        bm25 = dict(ranked)
        best = max(bm25.values(), default=0.0) or 1.0
        closest = np.argsort(-similarity, kind="stable")[:depth]
        pool = set(bm25) | {int(i) for i in closest}
        weight = self.settings.semantic_weight
        blended = [
            (index, bm25.get(index, 0.0) / best + weight * float(similarity[index]))
            for index in pool
        ]
        return sorted(blended, key=lambda item: (-item[1], item[0]))

    def _passage_terms(self, index: int) -> list[str]:
        """A passage's terms in order: from the index's forward lists when it keeps them."""
        terms_of = getattr(self.scorer, "terms_of", None)
        if terms_of is not None:
            return list(terms_of(index))
        return tokenize(self._text(index))

    def _explain(
        self,
        parsed: ParsedQuery,
        candidates: Sequence[_Candidate],
        verdict: str | None = None,
    ) -> dict[str, Any]:
        """Why the answer is what it is: terms, their weights, and the winner's matches."""
        explanation: dict[str, Any] = {
            "cleaned_question": parsed.cleaned,
            "corrections": dict(parsed.corrections),
            "alias_terms": list(parsed.expansions),
            "terms": [
                {
                    "term": term,
                    "passages_with_term": self.scorer.doc_freq(term),
                    "idf": round(self.scorer.idf(term), 3),
                }
                for term in parsed.terms
            ],
            "engine": type(self.scorer).__name__,
            "names": sorted(parsed.names),
            "min_coverage": self.settings.min_coverage,
            "min_coverage_unknown_name": self.settings.min_coverage_unknown_name,
            "meaning": (
                {
                    "model": MODEL_ID,
                    "weight": self.settings.semantic_weight,
                    "min_similarity": self.settings.semantic_min_similarity,
                }
                if self.sentence_vectors is not None
                else None
            ),
            "cross_encoder": (
                {"model": CROSS_ENCODER_ID, "shortlist": self.settings.cross_encoder_shortlist}
                if self.cross_encoder is not None
                else None
            ),
        }
        if verdict is not None:
            explanation["no_answer_rule"] = verdict
        if candidates:
            best = candidates[0]
            explanation["top"] = {
                "passage_id": self.corpus.passages[best.index].id,
                "score": round(best.score, 4),
                "matched_terms": sorted(best.matched),
                "coverage": round(best.coverage, 3),
                "similarity": round(best.similarity, 3),
                "relevance": None if best.relevance is None else round(best.relevance, 3),
                "logit": None if best.logit is None else round(best.logit, 3),
            }
        return explanation


def _model_text(parsed: ParsedQuery) -> str:
    """The question as the models read it: chat noise stripped, misspellings corrected."""
    return corrected_text(parsed.cleaned, parsed.corrections).strip() or parsed.question


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
