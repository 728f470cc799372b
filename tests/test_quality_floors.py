"""Answer quality on the labelled seed questions may not silently regress.

The floors sit just under the figures measured when they were set (docs/quality.md);
raise them when the engine improves. The second set, written blind by someone who never
saw the engine, guards against gains on the first that do not carry over.
"""

from pathlib import Path

import pytest

from retrieval import evaluation
from retrieval.engine import Engine
from tests.paths import ROOT

QUESTIONS = ROOT / "eval" / "seed_questions.jsonl"
FLOORS = {  # measured 0.940 / 0.976 / 0.954, declines 0.909 / 0.000
    "hit@1": 0.92,
    "hit@3": 0.96,
    "mrr": 0.93,
    "quote_hit@1": 0.92,  # the quote itself, not only its passage, holds the answer
    "quote_hit@3": 0.96,
    "honest_decline_rate": 0.86,
    "wrong_decline_rate": 0.03,  # a ceiling
    "factoid/hit@1": 0.95,
    "misspelling/hit@3": 0.95,
    "paraphrase/hit@3": 0.88,
    "chat/hit@3": 0.90,
}
BLIND_QUESTIONS = ROOT / "eval" / "holdout2_questions.jsonl"
BLIND_FLOORS = {  # measured 0.759 / 0.879 / 0.807, declines 0.650 / 0.034
    "hit@1": 0.72,
    "hit@3": 0.84,
    "mrr": 0.77,
    "honest_decline_rate": 0.60,
    "wrong_decline_rate": 0.07,
}
CHROME = ("Leave a Reply", "email address will not be published", "Don’t Miss", "mins read",
          "republished from")  # fmt: skip
TEASERS = ("Armenia delivers", "Ottawa landmine")  # quotable, but only as "Don't Miss" asides


@pytest.fixture(scope="module")
def report(seed_engine: Engine) -> evaluation.EvalReport:
    questions = evaluation.load_questions(Path(QUESTIONS))
    return evaluation.evaluate(lambda q: seed_engine.answer(q, top_k=3), questions)


def test_quality_stays_above_its_floors(report: evaluation.EvalReport) -> None:
    failures = evaluation.check_floors(report, FLOORS)
    assert not failures, "\n" + evaluation.format_report(report, show_misses=True)


def test_quality_on_the_blind_set_stays_above_its_floors(seed_engine: Engine) -> None:
    questions = evaluation.load_questions(Path(BLIND_QUESTIONS))
    blind = evaluation.evaluate(lambda q: seed_engine.answer(q, top_k=3), questions)
    failures = evaluation.check_floors(blind, BLIND_FLOORS)
    assert not failures, "\n" + evaluation.format_report(blind, show_misses=True)


def test_no_site_chrome_is_ever_quoted(seed_engine: Engine) -> None:
    questions = evaluation.load_questions(Path(QUESTIONS))
    probes = [q.question for q in questions] + [
        "leave a reply",
        "don't miss",
        "email address published",
        "Armenia protest note",
        "Ottawa landmine treaty",
    ]
    for question in probes:
        for result in seed_engine.answer(question, top_k=5).results:
            for chrome in CHROME:
                assert chrome not in result.passage.text, (question, result.passage.id)
            if any(teaser in result.passage.text for teaser in TEASERS):
                assert result.passage.is_aside and result.passage.section == "Don't Miss"
