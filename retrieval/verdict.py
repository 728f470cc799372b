"""Whether the passages found can answer the question: the no-answer rule, and the model's say.

The rule judges BM25's and the meaning blend's order before the cross-encoder reads
it: it was calibrated on that order, and a clearly declined question need not wait
for the model. A question it doubts only for its coverage goes to the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from retrieval.candidates import Candidate
from retrieval.passage_access import Passages
from retrieval.query import ParsedQuery
from retrieval.query_terms import QueryTerms
from retrieval.rerank import answer_pattern
from retrieval.settings import EngineSettings
from retrieval.text import fold


class Verdict(StrEnum):
    ANSWER = "answer"
    DOUBTFUL = "doubtful"  # only the share of terms covered is in doubt: the model decides
    UNLIKELY = "unlikely"  # no figure in the passages shown: declined unless ``overruled``
    DECLINE = "decline"


def judge(
    parsed: ParsedQuery,
    shown: Sequence[Candidate],
    *,
    terms: QueryTerms,
    passages: Passages,
    settings: EngineSettings,
    has_meaning: bool,
    without_asides: bool = False,
) -> Verdict:
    """The no-answer rule: whether the passages shown can answer the question.

    DECLINE when none comes close in meaning and none covers enough of its terms;
    UNLIKELY when none of the passages shown holds the figure the question asks for
    ("how many", "when"): declined unless the cross-encoder, reading the whole
    shortlist, puts first a passage it reads clearly as an answer that holds one
    (``overruled``); DOUBTFUL when the only doubt is the share of terms covered, which
    paraphrases lower ("walk away" for "abandon"): the cross-encoder then decides
    (``model_agrees``). A name the articles lack is not left to the model (DECLINE): on
    the labelled sets it answered 1 of the 15 such questions declined here, all
    unanswerable; nor is a question far in meaning from every passage shown, where the
    model reads the passage on its subject as an answer ("when is Palm Sunday next
    year?" against the strike on Palm Sunday, logit 4.3; docs/quality.md).
    ``without_asides``: judged once the asides are set aside, so a name only they use
    counts as one the articles lack.
    """
    s = settings
    best = max(shown, key=lambda c: c.coverage)
    unknown = terms.unknown_names(parsed, without_asides=without_asides)
    wanted = answer_pattern(parsed.asked or parsed.cleaned, loose=True) if s.rerank else None
    if wanted is not None and not any(
        c.matched and wanted.search(fold(passages.text(c.index))) for c in shown
    ):
        # Asks "how many" or "when" and no passage on it holds a figure: one may be further
        # down the shortlist, unless a name is unknown.
        return Verdict.DECLINE if unknown else Verdict.UNLIKELY
    if has_meaning:
        closest = max(c.similarity for c in shown)
        if closest >= s.semantic_min_similarity:
            return Verdict.ANSWER  # says the same in other words
        if closest < s.semantic_unrelated and best.coverage < s.coverage_despite_meaning:
            return Verdict.DECLINE  # shares some words, but is about something else
    # A name the articles never use, nor any alias of it ("Kiev" for "Kyiv"), is
    # likely someone or something else: ask for more of the question to be covered.
    if unknown:
        if best.coverage < s.min_coverage_unknown_name:
            return Verdict.DECLINE
        return Verdict.ANSWER
    return Verdict.DOUBTFUL if best.coverage < s.min_coverage else Verdict.ANSWER


def model_agrees(
    verdict: Verdict,
    read: Sequence[Candidate],
    settings: EngineSettings,
    *,
    unknown_name: bool = False,
) -> bool:
    """Whether the cross-encoder's reading of the shortlist upholds answering.

    A doubtful question needs a text the model reads as related on its own merits (its
    logit, without the answer-type bonus, at least ``cross_encoder_doubtful_min_logit``),
    and one that uses a name the articles lack (``unknown_name``: the rule let it by on
    the rest of its words) one it reads as an answer (``cross_encoder_min_logit``); any
    question needs one above
    ``cross_encoder_unrelated_logit``, below which the model reads every text as
    unrelated. "What is the capital of Canada?" shares only "capitals" with the articles:
    its best text reads about -7, on either side of that floor as the batch the model
    reads it in changes. An unlikely question is ``overruled`` or not. Without the model
    the rule alone decides.
    """
    logits = [c.logit for c in read if c.logit is not None]
    if not logits:
        return verdict == Verdict.ANSWER
    floor = settings.cross_encoder_unrelated_logit
    if verdict == Verdict.DOUBTFUL:
        floor = max(floor, settings.cross_encoder_doubtful_min_logit)
    if unknown_name:
        floor = max(floor, settings.cross_encoder_min_logit)
    return max(logits) >= floor


def overruled(
    parsed: ParsedQuery,
    read: Sequence[Candidate],
    *,
    passages: Passages,
    settings: EngineSettings,
) -> bool:
    """Whether the model's reading overrules an UNLIKELY verdict: the first passage after
    reading is one it reads clearly as an answer (``cross_encoder_overrule_logit``) and,
    when the question asks "how many" or "when", holds a number or a time. The model reads
    a passage on the subject as an answer whether or not it gives the figure ("How many
    commuters does the ferry carry?" against "The ferry carries commuters"), so the kind
    asked for is not left to it."""
    if not read:
        return False
    top = read[0]
    if top.logit is None or top.logit < settings.cross_encoder_overrule_logit:
        return False
    wanted = answer_pattern(parsed.asked or parsed.cleaned, loose=True) if settings.rerank else None
    return wanted is None or bool(wanted.search(fold(passages.text(top.index))))
