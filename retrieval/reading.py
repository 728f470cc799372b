"""The cross-encoder's reading: the shortlist reordered by how well each text answers.

The model reads each question-text pair whole, which BM25 and MiniLM cannot; it also
picks the first answer's quote among the passage's windows. When it fails, the order
and quotes found before it stand: the model must never fail an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from retrieval.bylines import mentions_author, names_author, with_author
from retrieval.candidates import Candidate, CandidateSearch
from retrieval.cross_encoder import CrossEncoder
from retrieval.excerpts import MAX_EXCERPT_SENTENCES, window_excerpt
from retrieval.models import Excerpt
from retrieval.passage_access import Passages
from retrieval.query import ParsedQuery
from retrieval.query_terms import model_text
from retrieval.settings import EngineSettings

log = logging.getLogger(__name__)

AnswerTest = Callable[[str], bool]  # whether a text holds the kind of answer asked for


class Reader:
    """One corpus's passages as the cross-encoder reads them."""

    def __init__(
        self,
        cross_encoder: CrossEncoder | None,
        passages: Passages,
        search: CandidateSearch,
        settings: EngineSettings,
    ) -> None:
        self.cross_encoder = cross_encoder
        self.passages = passages
        self.search = search
        self.settings = settings

    def read_shortlist(
        self,
        parsed: ParsedQuery,
        shortlist: list[Candidate],
        meaning: np.ndarray | None,
        suits: AnswerTest | None,
    ) -> list[Candidate]:
        """The shortlist in the cross-encoder's order, best answer first (near-ties go to
        the first stage's better score; exact ties keep their order).

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
        quotes = [self.search.excerpt(c, meaning, suits) for c in shortlist]
        quoted = [replace(c, excerpt=q) for c, q in zip(shortlist, quotes, strict=True)]
        of_quotes = self.logits(parsed, [q.text for q in quotes])
        passages = [self.passages.text(c.index) for c in shortlist]
        of_passages = self.logits(parsed, passages)
        if of_quotes is None or of_passages is None:
            return quoted  # the model failed: the order stands
        self._read_credit_lines(parsed, shortlist, quotes, passages, of_quotes, of_passages)
        read = []
        for candidate, excerpt, quote, text, whole in zip(
            quoted, quotes, of_quotes, passages, of_passages, strict=True
        ):
            relevance = max(
                quote + self.bonus(excerpt.text, suits), whole + self.bonus(text, suits)
            )
            read.append(
                replace(
                    candidate,
                    relevance=relevance,
                    logit=max(quote, whole),
                    quote_falls_short=whole > quote,
                )
            )
        # The first stage's score (BM25 with the meaning blend, over the shortlist's best)
        # breaks near-ties between texts the model reads alike (docs/quality.md: a point of
        # hit@1 on the fresh development questions, none lost on SQuAD).
        best = max(max(c.score for c in read), 0.0) or 1.0
        weight = self.settings.cross_encoder_first_stage_weight

        def fused(i: int) -> float:
            return (read[i].relevance or 0.0) + weight * read[i].score / best

        order = sorted(range(len(read)), key=lambda i: (-fused(i), i))
        return [read[i] for i in order]

    def _read_credit_lines(
        self,
        parsed: ParsedQuery,
        shortlist: list[Candidate],
        quotes: list[Excerpt],
        passages: list[str],
        of_quotes: list[float],
        of_passages: list[float],
    ) -> None:
        """For a question about "the author", each credit line read again with its
        article's author named in the question; the better reading counts (in place)."""
        if not self.settings.credit_lines:
            return
        if not mentions_author(model_text(parsed, question_only=True)):
            return
        for i, candidate in enumerate(shortlist):
            author = self.passages[candidate.index].source.author
            if author is None or not names_author(passages[i], author):
                continue
            named = self.logits(parsed, [quotes[i].text, passages[i]], author=author)
            if named is not None:
                of_quotes[i] = max(of_quotes[i], named[0])
                of_passages[i] = max(of_passages[i], named[1])

    def best_quote(
        self, parsed: ParsedQuery, top: Candidate, suits: AnswerTest | None
    ) -> Candidate:
        """The first answer's quote as the cross-encoder reads it best among all its windows.

        The quote chooser weighs the question's words and MiniLM's closeness, which can
        pick the sentences around the answer ("The timing of the call has fuelled
        speculation ...") over the one that gives it ("shipments are expected to resume");
        the model, reading each window with the question, finds it. On ties the chooser's
        quote, then the shorter window, wins. Only the first answer, the one read first,
        is worth the ~50 ms. The windows are read in two batches, the shorter half and
        the longer, so that one-sentence windows are not padded to three sentences'
        length: ~0.3x less reading (0.32 -> 0.23 s for a one-question ``ask`` at 100k
        passages), every labelled set's figures the same (docs/quality.md, tenth session).
        """
        if self.cross_encoder is None or top.excerpt is None:
            return top
        passage = self.passages[top.index]
        count = len(passage.sentences)
        windows = [top.excerpt] + [
            window_excerpt(passage, top.matched, start, start + size)
            for size in range(1, min(MAX_EXCERPT_SENTENCES, count) + 1)
            for start in range(count - size + 1)
        ]
        texts = list(dict.fromkeys(w.text for w in windows))
        by_length = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        half = (len(texts) + 1) // 2
        scores_of: dict[int, float] = {}
        for group in (by_length[:half], by_length[half:]):
            if not group:
                continue
            read = self.judge(parsed, [texts[i] for i in group], suits)
            if read is None:
                return top  # the model failed: the chooser's quote stands
            scores_of.update(zip(group, read, strict=True))
        scores = [scores_of[i] for i in range(len(texts))]
        best = texts[int(np.argmax(scores))]
        return replace(top, excerpt=next(w for w in windows if w.text == best))

    def judge(
        self, parsed: ParsedQuery, texts: list[str], suits: AnswerTest | None
    ) -> list[float] | None:
        """The cross-encoder's score of each text as an answer, plus the answer-type bonus."""
        logits = self.logits(parsed, texts)
        if logits is None:
            return None
        return [logit + self.bonus(text, suits) for logit, text in zip(logits, texts, strict=True)]

    def logits(
        self, parsed: ParsedQuery, texts: list[str], *, author: str | None = None
    ) -> list[float] | None:
        """The cross-encoder's logit for each text as an answer (> 0: it reads one), for a
        message narrowed to its question the better of its readings with and without the
        context (``cross_encoder_reads_question_alone_too``); with ``author``, the
        question's "the author" read as that name; None if the model fails (logged):
        that must never fail the answer."""
        if self.cross_encoder is None:
            return None
        s = self.settings
        try:
            message = model_text(parsed, question_only=s.models_read_question_only)
            alone = model_text(parsed, question_only=True)
            if author is not None:
                message, alone = with_author(message, author), with_author(alone, author)
            logits = self.cross_encoder.scores(message, texts)
            if s.cross_encoder_reads_question_alone_too and parsed.narrowed and alone != message:
                logits = np.maximum(logits, self.cross_encoder.scores(alone, texts))
            return [float(x) for x in logits]
        except Exception:
            log.exception("The cross-encoder failed; keeping the order and quotes as they are")
            return None

    def bonus(self, text: str, suits: AnswerTest | None) -> float:
        """Added to the logit of a text of the kind the question asks for."""
        return self.settings.cross_encoder_answer_type_bonus if suits and suits(text) else 0.0
