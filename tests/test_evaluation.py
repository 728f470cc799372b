"""The evaluation metrics on hand-made answers, and the validity of the seed question set."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from retrieval.evaluation import (
    KNOWN_CATEGORIES,
    LabelledQuestion,
    QuestionFileError,
    check_floors,
    evaluate,
    format_report,
    load_questions,
    normalise_for_match,
)
from retrieval.models import Answer, Excerpt, Passage, Result, Source
from tests.paths import SEEDS

ROOT = Path(__file__).resolve().parents[1]
SEED_QUESTIONS = ROOT / "eval" / "seed_questions.jsonl"
SEED_DIR = SEEDS

SOURCE = Source(file="a.txt")


def result(rank: int, text: str, passage: str | None = None) -> Result:
    sentences = (passage or text,)
    return Result(
        rank=rank,
        score=1.0 / rank,
        passage=Passage(id=f"a.txt#p{rank}.1", source=SOURCE, paragraph=rank, sentences=sentences),
        excerpt=Excerpt(text=text, highlights=(), cut_before=False, cut_after=False),
    )


def answered(question: str, *texts: str) -> Answer:
    results = tuple(result(i, text) for i, text in enumerate(texts, 1))
    return Answer(question=question, answered=True, results=results)


def declined(question: str) -> Answer:
    return Answer(question=question, answered=False, reason="no_match")


def q(qid: str, answers: tuple[str, ...], category: str = "factoid") -> LabelledQuestion:
    return LabelledQuestion(qid, f"question {qid}", bool(answers), answers, category)


QUESTIONS = [
    q("a", ("the answer alpha",)),
    q("b", ("the answer beta",)),
    q("c", ("the answer gamma",), "chat"),
    q("d", ("the answer delta",), "chat"),
    q("e", ("the answer epsilon",)),
    q("u1", (), "unanswerable"),
    q("u2", (), "unanswerable"),
]

ANSWERS = {
    "question a": answered("a", "The answer alpha is here.", "other", "other"),  # rank 1
    "question b": answered("b", "other", "the  answer\nBETA"),  # rank 2, spacing and case
    "question c": answered("c", "x", "y", "z", "the answer gamma"),  # rank 4: outside k=3
    "question d": declined("d"),  # wrong decline
    "question e": answered("e", "x", "y", "the answer epsilon"),  # rank 3
    "question u1": declined("u1"),  # honest decline
    "question u2": answered("u2", "something unrelated"),  # should have declined
}


@pytest.fixture
def report():
    return evaluate(lambda text: ANSWERS[text], QUESTIONS, k=3)


def test_headline_metrics_are_exact(report) -> None:
    assert report.n_answerable == 5
    assert report.n_unanswerable == 2
    assert report.ranks == {"a": 1, "b": 2, "c": None, "d": None, "e": 3, "u1": None, "u2": None}
    assert report.hit_at_1 == pytest.approx(1 / 5)
    assert report.hit_at_k == pytest.approx(3 / 5)
    assert report.mrr == pytest.approx((1 + 1 / 2 + 1 / 3) / 5)
    assert report.honest_decline_rate == pytest.approx(1 / 2)
    assert report.wrong_decline_rate == pytest.approx(1 / 5)


def test_per_category_table(report) -> None:
    assert list(report.categories) == ["factoid", "chat", "unanswerable"]
    factoid = report.categories["factoid"]
    assert (factoid.n, factoid.hit_at_1, factoid.declined) == (3, pytest.approx(1 / 3), 0.0)
    assert factoid.mrr == pytest.approx((1 + 0.5 + 1 / 3) / 3)
    chat = report.categories["chat"]
    assert (chat.hit_at_k, chat.mrr, chat.declined) == (0.0, 0.0, 0.5)
    unanswerable = report.categories["unanswerable"]
    assert unanswerable.hit_at_1 is None
    assert unanswerable.declined == 0.5


def test_misses_say_why(report) -> None:
    whys = {miss.id: miss for miss in report.misses}
    assert set(whys) == {"c", "d", "u2"}
    assert "top 3" in whys["c"].why
    assert whys["c"].got == "x"
    assert whys["d"].why.startswith("declined (no_match)")
    assert whys["d"].got is None
    assert whys["u2"].got == "something unrelated"


def test_a_hit_in_the_passage_but_not_the_excerpt_counts_but_not_as_a_quote_hit() -> None:
    answer = Answer(
        question="x", answered=True, results=(result(1, "short quote", "short quote. The answer."),)
    )
    report = evaluate(lambda _: answer, [q("p", ("the answer",))])
    assert report.hit_at_1 == 1.0
    assert (report.quote_hit_at_1, report.quote_hit_at_k) == (0.0, 0.0)
    assert report.metrics()["quote_hit@3"] == 0.0


def test_a_reply_without_quotes_counts_when_its_text_gives_the_answer() -> None:
    """The list of articles answers "who wrote the piece?" with each one's author."""
    listing = Answer(
        question="who wrote it?",
        answered=False,
        reason="sources",
        message="I can quote 1 article:\n1. Peace talks — Jane Roe, The Outlet",
    )
    declined = Answer(question="x", answered=False, reason="no_match", message="I found nothing.")
    report = evaluate(
        lambda text: listing if text == "question who" else declined,
        [q("who", ("Jane Roe",)), q("else", ("Jane Roe",))],
    )
    assert report.ranks == {"who": 1, "else": None}
    assert report.wrong_decline_rate == 0.5  # only the real decline


def test_quote_hits_count_answers_in_the_quote_itself(report) -> None:
    assert report.quote_hit_at_1 == pytest.approx(1 / 5)
    assert report.quote_hit_at_k == pytest.approx(3 / 5)
    assert "the quote itself holds the answer: hit@1 0.200   hit@3 0.600" in format_report(report)


def test_k_limits_the_ranks_considered() -> None:
    report = evaluate(lambda text: ANSWERS[text], QUESTIONS, k=5)
    assert report.ranks["c"] == 4
    assert report.mrr == pytest.approx((1 + 1 / 2 + 1 / 4 + 1 / 3) / 5)
    assert "hit@5" in report.to_json()


def test_to_json_and_format(report) -> None:
    data = report.to_json()
    json.dumps(data)  # serialisable
    assert data["hit@3"] == pytest.approx(0.6)
    assert data["categories"]["chat"]["declined"] == 0.5
    text = format_report(report, show_misses=True)
    assert "hit@3 0.600" in text
    assert "u2 [unanswerable]" in text
    assert "(declined)" in text
    assert "misses" not in format_report(report, show_misses=False)


def test_check_floors(report) -> None:
    assert check_floors(report, {"hit@3": 0.6, "mrr": 0.3, "wrong_decline_rate": 0.2}) == []
    failures = check_floors(
        report,
        {"hit@1": 0.5, "wrong_decline_rate": 0.1, "chat/hit@3": 0.5, "bogus": 1.0},
    )
    assert failures[0] == "hit@1 0.200 is below the floor 0.500"
    assert failures[1] == "wrong_decline_rate 0.200 is above the ceiling 0.100"
    assert failures[2].startswith("chat/hit@3 0.000 is below")
    assert failures[3].startswith("unknown metric 'bogus'")
    assert check_floors(report, {"unanswerable/declined": 0.6})[0].endswith("floor 0.600")


def test_answer_fn_errors_name_the_question() -> None:
    def broken(_: str) -> Answer:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError) as info:
        evaluate(broken, [q("z9", ("x",))])
    assert any("z9" in note for note in info.value.__notes__)


def test_normalise_for_match_folds_quotes_dashes_and_spaces() -> None:
    assert normalise_for_match("Russia’s “war” – now\u00a0here") == 'russia\'s "war" - now here'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: not valid JSON"),
        ('{"id": "x", "question": "q"}', "line 2: missing field(s) answerable, answers, category"),
        (
            '{"id": "x", "question": "q", "answerable": "yes", "answers": [], "category": "c"}',
            "'answerable' must be true or false",
        ),
        (
            '{"id": "x", "question": "q", "answerable": true, "answers": [], "category": "c"}',
            "needs at least one verbatim answer",
        ),
        (
            '{"id": "q1", "question": "q", "answerable": false, "answers": [], "category": "c"}',
            "id 'q1' already used on line 1",
        ),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_load_questions_names_the_bad_line(tmp_path: Path, line: str, message: str) -> None:
    good = '{"id": "q1", "question": "q", "answerable": false, "answers": [], "category": "c"}'
    path = tmp_path / "questions.jsonl"
    path.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_questions(path)


def test_load_questions_missing_file(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError, match="cannot read"):
        load_questions(tmp_path / "nope.jsonl")


# --- the seed question set itself -------------------------------------------------------


def test_seed_questions_are_valid() -> None:
    questions = load_questions(SEED_QUESTIONS)
    articles = [path.read_text(encoding="utf-8") for path in sorted(SEED_DIR.glob("*.txt"))]
    assert len(questions) >= 80
    assert sum(not question.answerable for question in questions) >= 15
    assert len({question.id for question in questions}) == len(questions)
    counts = Counter(question.category for question in questions)
    assert set(counts) <= set(KNOWN_CATEGORIES), counts
    for question in questions:
        assert question.answerable == (question.category != "unanswerable"), question.id
        for text in question.answers:
            assert any(text in article for article in articles), (question.id, text)
            assert 20 <= len(text) <= 200, (question.id, len(text))


def test_seed_answers_survive_the_corpus_loader() -> None:
    """An answer the loader strips (a byline, a footer) could never be a hit."""
    from retrieval.corpus import load_corpus

    passages = [normalise_for_match(p.text) for p in load_corpus(SEED_DIR).passages]
    for question in load_questions(SEED_QUESTIONS):
        for text in question.answers:
            target = normalise_for_match(text)
            assert any(target in passage for passage in passages), (question.id, text)


@pytest.mark.parametrize("name", ["holdout_questions", "holdout2_questions", "holdout3_questions"])
def test_the_other_question_sets_are_valid(name: str) -> None:
    questions = load_questions(SEED_QUESTIONS.parent / f"{name}.jsonl")
    articles = [
        normalise_for_match(path.read_text(encoding="utf-8")) for path in SEED_DIR.glob("*.txt")
    ]
    assert len({question.id for question in questions}) == len(questions)
    for question in questions:
        assert question.answerable == (question.category != "unanswerable"), question.id
        for text in question.answers:
            target = normalise_for_match(text)
            assert any(target in article for article in articles), (question.id, text)
