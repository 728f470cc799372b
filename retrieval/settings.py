"""Tuning knobs of the answer engine, with the defaults the evaluation was run with."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class EngineSettings:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25  # rank-bm25's floor for common terms, as a share of the mean IDF
    top_k: int = 3
    max_question_chars: int = 1000
    engine: Literal["auto", "bm25okapi", "fast"] = "auto"
    # FastBM25 answers faster from ~10 passages on (bench/RESULTS.md) but loading numba
    # costs ~1 s per process, so rank-bm25 keeps the small corpora it answers in < 1 ms.
    fast_engine_min_passages: int = 1_000
    save_index: bool = True  # keep the fast engine's index in <corpus>/.seedbot-index/
    # No-answer rule, calibrated on eval/seed_questions.jsonl (see docs/quality.md): the
    # best passage must cover this share of the question's IDF-weighted terms ...
    min_coverage: float = 0.25
    # ... and this share when the question names something no article mentions ("Crimea").
    min_coverage_unknown_name: float = 0.5
    # Weight of an unknown common word against a known term of the same IDF: paraphrases
    # bring words the articles lack ("pay" for "fund"), which say less than names do.
    unknown_word_weight: float = 0.25
    # In a message of several sentences, rank and decide on the one that asks; the others
    # are context: searched with the question's terms counted this many times, and
    # counted for no coverage (retrieval.question_focus).
    find_question: bool = True
    question_term_repeat: int = 2
    # Whether the two models read the sentence that asks alone, or the whole message.
    models_read_question_only: bool = False
    # When the question was found among other sentences, the cross-encoder reads each text
    # with the question alone as well as with the whole message, and the better reading
    # counts: the context ("im writing a paper for my poli sci class ...") can drag the
    # right passage's logit from 8 to -5, and sometimes holds what the question refers to
    # ("... a landmine treaty. which countries pulled out of it?"). Either reading alone
    # lost hit@1 on one development set or another; the better of the two lost on none
    # (docs/quality.md, tenth session), for a second reading of long messages only.
    cross_encoder_reads_question_alone_too: bool = True
    strip_chat_noise: bool = True  # mentions, emoji, links, filler (retrieval.chat_noise)
    spelling_correction: bool = True
    # The corrector indexes every word form of the corpus on first use: ~1 s at 10k passages,
    # ~90 s and ~600 MiB at a million. Above this size questions are searched as typed.
    spelling_max_passages: int = 200_000
    use_aliases: bool = True  # <corpus>/aliases.yaml (retrieval.aliases)
    # A question word the corpus lacks is searched as the corpus's form of its compound:
    # "land mine" or "mine" for "landmine", "landmine" for "land mine" (retrieval.compounds).
    compound_words: bool = True
    # The last word alone ("mine") is searched as a compound ("landmine") up to this many
    # passages: its table comes from the spelling index, ~1 s to build at 10k passages.
    compound_heads_max_passages: int = 10_000
    rerank: bool = True  # phrase and answer-type signals over BM25's best (retrieval.rerank)
    # Meaning-based matching (retrieval.semantic): each passage's best sentence's cosine
    # with the question, added to BM25's score divided by the best BM25 score.
    semantic: bool = True
    semantic_weight: float = 3.0  # a cosine of 1 counts this many times the best BM25 score
    # Every sentence is encoded once (~100 sentences/s per core, saved beside the corpus);
    # above this many passages the first start would take minutes, so a start never
    # encodes: `seedbot index` builds a nearest-neighbour index of the sentences
    # (retrieval.meaning_index), and until it has, BM25 ranks alone.
    semantic_max_passages: int = 5_000
    build_meaning_index: bool = False  # set by `seedbot index`: encode a large corpus now
    # The no-answer rule lets a passage through on meaning alone from this cosine on ...
    semantic_min_similarity: float = 0.6
    # ... and declines when no passage shown comes even this close in meaning ("What is
    # the capital of France?" shares only "capital"), unless one covers this share of the
    # question's terms ("Who is the German chancellor?" is answered by a passage that
    # names him, which the model finds far from the question).
    semantic_unrelated: float = 0.25
    coverage_despite_meaning: float = 0.75
    # The cross-encoder (retrieval.cross_encoder) reorders this many of the best passages by
    # how well each answers the question, at ~20-40 ms a passage ...
    cross_encoder: bool = True
    cross_encoder_shortlist: int = 10
    # The order after reading is the relevance plus this many times the first stage's score
    # over the shortlist's best (0-1): a tie-breaker worth up to 1 logit (docs/quality.md).
    cross_encoder_first_stage_weight: float = 1.0
    # Added to the logit of a quote of the kind asked for (answer_test in retrieval.rerank).
    cross_encoder_answer_type_bonus: float = 4.0
    # A question the no-answer rule doubts only for the share of its terms covered is
    # answered when the model's logit for a shortlisted quote or passage reaches this. Set
    # at -1.5 in the eighth session (the doubted answerable questions then read -1.04 and
    # -0.14); on eight development sets in the eleventh, paraphrases read -2.6 to -4.8 and
    # the one unanswerable question between -1.5 and -5 read -1.9 (docs/quality.md).
    cross_encoder_doubtful_min_logit: float = -5.0
    # A question with a name no article uses needs this reading: "What is the capital of
    # Canada?" reads -6.6 to -7.x, and a name the articles lack is a strong sign.
    cross_encoder_min_logit: float = -1.5
    # Any question is declined when the model reads every shortlisted text below this: on
    # the labelled sets the answerable questions' best logit is at least -6.2 (docs/quality.md).
    cross_encoder_unrelated_logit: float = -7.0
    # A question the rule declines only because no passage shown holds the figure it asks
    # for ("how many", "when") is still read, and answered when the model puts first a
    # passage it reads this clearly as an answer that holds one: the rule judges only the
    # first few passages, before reading (docs/quality.md, eighth session).
    cross_encoder_overrule_logit: float = 1.0
    # An article's asides (credits: byline, republication notice; teasers of the site's
    # other stories) are shown only when the model reads one at least this clearly as the
    # answer: their rare words (a university, a licence, another story's subject) match
    # questions that are not about them ("how do I apply to <university>?"). Unread (no
    # model, or past the shortlist), they are never shown.
    aside_min_logit: float = 0.0
    # A question about "the author" also has the credit lines of the articles it finds read,
    # with the author's name for "the author" (retrieval.bylines).
    credit_lines: bool = True
    # A quote that opens by pointing back ("This allows Moscow to ...") is shown with the
    # sentence it points to (retrieval.excerpts.with_antecedent).
    quote_antecedents: bool = True
    # A question whose wording demands a precise detail ("on what exact date", "what
    # percentage", "how much did it cost", "how long did it last") is declined when the
    # passage to be shown first states none (retrieval.answer_kinds.Detail): the near misses
    # people write ask just this of a subject the articles cover (docs/quality.md).
    detail_check: bool = True
    # One calibrated decision (retrieval.decline, weights fitted by bench.decline_fit) over
    # every signal instead of the thresholds above, whenever the cross-encoder reads. Off:
    # on questions it was not fitted on it did no better than the rule (docs/quality.md).
    calibrated_decline: bool = False
    # With ``follow_on_filter``, a quote after the first is shown only when it too reads as
    # an answer, and More results ends after the last such quote.
    follow_on_filter: bool = True
    # With the model,
    # a relevance (logit + answer-type bonus) of at least this, and at most the gap below
    # the first's (the tightest pair that lost no hit@3 or MRR on the four dev sets, while
    # showing 2.2-2.4 quotes instead of 3: docs/quality.md) ...
    follow_on_min_relevance: float = -6.0
    follow_on_max_gap: float = 8.0
    # ... and without it, this share of the first's score (not measured yet: all shown).
    follow_on_min_score_share: float = 0.0
    # The cross-encoder reads a fixed shortlist, so its cost is per question, not per
    # passage: it reads at every corpus size. Among 37,740 passages of other text (SQuAD
    # articles beside Python's docs, docs/squad.md) it lifts hit@1 from 0.775 to 0.882.
    # A smaller limit keeps large corpora to the few-millisecond BM25 budget.
    cross_encoder_max_passages: int = sys.maxsize
