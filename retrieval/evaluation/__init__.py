"""Score the answer engine on a labelled question set: the core of ``seedbot eval FILE``.

Ranking and no-answer thresholds are tuned on numbers, not impressions, so this package
turns a JSONL file of questions with known verbatim answers into hit@k, MRR and
honest-decline rates, a readable table, and floors that CI can enforce. Its parts:
``questions`` reads the file, ``matching`` says whether a result holds an answer,
``scoring`` asks and scores, ``report`` holds and prints the figures, ``floors`` checks them.
"""

from __future__ import annotations

from retrieval.evaluation.floors import LOWER_IS_BETTER, check_floors
from retrieval.evaluation.matching import hit_rank, normalise_for_match
from retrieval.evaluation.questions import (
    KNOWN_CATEGORIES,
    LabelledQuestion,
    QuestionFileError,
    load_questions,
)
from retrieval.evaluation.report import CategoryStats, EvalReport, Miss, format_report
from retrieval.evaluation.scoring import evaluate

__all__ = [
    "KNOWN_CATEGORIES",
    "LOWER_IS_BETTER",
    "CategoryStats",
    "EvalReport",
    "LabelledQuestion",
    "Miss",
    "QuestionFileError",
    "check_floors",
    "evaluate",
    "format_report",
    "hit_rank",
    "load_questions",
    "normalise_for_match",
]
