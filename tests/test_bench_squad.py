"""The SQuAD benchmark's data handling and scoring (bench/squad_*.py), on hand-made data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.squad import Config
from bench.squad_data import Split, SquadArticle, SquadQuestion, parse_squad, select, split_of
from bench.squad_folder import OTHER_DIRNAME, build_folder, copy_pages
from bench.squad_scoring import judge, paragraph_map, summarise
from retrieval.corpus import load_corpus
from retrieval.models import Answer, Excerpt, Passage, Result, Source

ALPHA = (
    "The Glass Bridge over the Irwell river opened in 1894. It was designed by the engineer "
    "Martha Lowe, who also built the town's first tram depot."
)
BETA = (
    "Trams ran on the bridge until 1951. The depot was then turned into a market hall, "
    "which still opens every Saturday."
)


def _raw(paragraphs: list[tuple[str, list[dict[str, object]]]]) -> dict[str, object]:
    return {
        "version": "v2.0",
        "data": [
            {
                "title": "Glass_Bridge_(Irwell)",
                "paragraphs": [{"context": c, "qas": qas} for c, qas in paragraphs],
            }
        ],
    }


def _qa(qid: str, question: str, *answers: str) -> dict[str, object]:
    if not answers:
        return {
            "id": qid,
            "question": question,
            "answers": [],
            "plausible_answers": [{"text": "1894", "answer_start": 0}],
            "is_impossible": True,
        }
    return {
        "id": qid,
        "question": question,
        "answers": [{"text": a, "answer_start": 0} for a in answers],
        "is_impossible": False,
    }


SAMPLE = _raw(
    [
        (
            ALPHA,
            [
                _qa("a1", "When did the bridge open?", "1894", "in 1894", "1894"),
                _qa("a2", "Who designed the bridge?", "Martha Lowe"),
                _qa("a3", "When did the bridge close?"),
            ],
        ),
        (BETA, [_qa("b1", "What did the depot become?", "a market hall")]),
    ]
)


def test_parse_squad_reads_spans_files_and_unanswerable_questions() -> None:
    squad = parse_squad(SAMPLE)
    (article,) = squad.articles
    assert article.file == "Glass_Bridge_Irwell.txt"
    assert article.text().splitlines()[:3] == ["Glass Bridge (Irwell)", "", ALPHA]
    by_id = {q.id: q for q in squad.questions}
    assert by_id["a1"].answers == ("1894", "in 1894")  # repeated crowd answers counted once
    assert by_id["a3"].answers == ()
    assert not by_id["a3"].answerable
    assert (by_id["b1"].file, by_id["b1"].paragraph) == (article.file, 1)


def test_split_keeps_a_paragraphs_questions_together_and_never_changes() -> None:
    squad = parse_squad(SAMPLE)
    splits: dict[int, set[Split]] = {q.paragraph: set() for q in squad.questions}
    for question in squad.questions:
        splits[question.paragraph].add(question.split)
    assert all(len(found) == 1 for found in splits.values())
    # Stable across runs and processes (a hash of the text, not Python's salted hash()),
    # and blind to whitespace differences.
    assert split_of(ALPHA) is split_of("  " + ALPHA.replace(" ", "\n", 3))
    drawn = Counter(split_of(f"Paragraph number {n} of a long article.") for n in range(400))
    assert 150 < drawn[Split.DEV] < 250


def _questions(file: str, answerable: int, unanswerable: int) -> list[SquadQuestion]:
    made = [
        SquadQuestion(f"{file}-{n}", "q?", file, 0, ("x",) if n < answerable else (), Split.DEV)
        for n in range(answerable + unanswerable)
    ]
    return made


def test_a_limited_sample_keeps_each_articles_share_of_unanswerable_questions() -> None:
    questions = _questions("a.txt", 60, 40) + _questions("b.txt", 30, 70)
    holdout = SquadQuestion("h", "q?", "a.txt", 1, (), Split.HOLDOUT)
    sample = select([*questions, holdout], Split.DEV, limit=50)
    strata = Counter((q.file, q.answerable) for q in sample)
    # 7.5 and 17.5 round to 7 and 18: one remainder goes to one stratum, by a fixed order.
    assert strata == {
        ("a.txt", True): 15,
        ("a.txt", False): 10,
        ("b.txt", True): 7,
        ("b.txt", False): 18,
    }
    assert sum(strata.values()) == 50
    assert select([*questions, holdout], Split.DEV, limit=50) == sample
    assert select([*questions, holdout], Split.HOLDOUT) == [holdout]
    assert len(select(questions, None, limit=None)) == 200


def test_paragraphs_are_mapped_through_the_real_corpus_loader(tmp_path: Path) -> None:
    # A long paragraph is cut into several passages; all of them map to its SQuAD index.
    long = " ".join(f"Sentence {n} tells of the bridge's lamp number {n}." for n in range(12))
    other = SquadArticle("Other_article", ("A page about something else entirely, with words.",))
    articles = (SquadArticle("Bridge", (ALPHA, long, BETA)), other)
    build_folder(articles, tmp_path)
    corpus = load_corpus(tmp_path)
    assert not corpus.problems
    mapping = paragraph_map(corpus.passages, articles)
    bridge = {number: index for (file, number), index in mapping.items() if file == "Bridge.txt"}
    assert sorted(bridge.values()) == [0, 1, 2]
    parts = Counter(p.paragraph for p in corpus.passages if p.source.file == "Bridge.txt")
    assert max(parts.values()) > 1  # the long paragraph really was cut
    assert {index for (file, _), index in mapping.items() if file == other.file} == {0}


def _passage(file: str, paragraph: int, *sentences: str) -> Passage:
    return Passage(f"{file}#p{paragraph}.1", Source(file), paragraph, sentences)


def test_a_changed_passage_still_maps_but_one_fitting_two_paragraphs_does_not() -> None:
    article = SquadArticle("Bridge", (ALPHA, BETA, "Trams ran on the bridge until 1951."))
    mended = _passage("Bridge.txt", 1, ALPHA.replace("Irwell river", "Irwell River,"))
    shared = _passage("Bridge.txt", 7, "Trams ran on the bridge until 1951.")
    elsewhere = _passage("page.html", 1, ALPHA)
    mapping = paragraph_map([mended, shared, elsewhere], [article])
    assert mapping == {("Bridge.txt", 1): 0}


def _result(rank: int, passage: Passage, quote: str) -> Result:
    return Result(rank, 1.0, passage, Excerpt(quote, (), False, False))


BRIDGE = "Bridge.txt"
MAPPING = {(BRIDGE, 1): 0, (BRIDGE, 2): 1}
FIRST = _passage(BRIDGE, 1, *ALPHA.split(". ", 1))
SECOND = _passage(BRIDGE, 2, *BETA.split(". ", 1))
DESIGNER = SquadQuestion("q", "Who designed it?", BRIDGE, 0, ("Martha Lowe",), Split.DEV)


def _answer(*results: Result) -> Answer:
    return Answer("q", answered=bool(results), results=results)


def test_a_hit_needs_the_questions_own_paragraph_and_the_span_in_the_quote() -> None:
    # A page of the large folder quoting the same words is not the question's paragraph.
    copy = _passage("other/page.html", 1, ALPHA)
    answer = _answer(
        _result(1, copy, ALPHA),
        _result(2, SECOND, BETA),
        _result(3, FIRST, "It was designed by the engineer  MARTHA lowe, who also"),
    )
    outcome = judge(DESIGNER, answer, MAPPING, seconds=0.5)
    assert (outcome.quote_rank, outcome.passage_rank, outcome.paragraph_rank) == (3, 3, 3)
    assert not outcome.declined
    assert (outcome.first_quote, outcome.first_file) == (ALPHA, "other/page.html")


def test_the_span_in_the_passage_but_not_in_the_quote_counts_only_as_a_passage_hit() -> None:
    answer = _answer(_result(1, FIRST, "The Glass Bridge over the Irwell river opened in 1894."))
    outcome = judge(DESIGNER, answer, MAPPING)
    assert (outcome.quote_rank, outcome.passage_rank, outcome.paragraph_rank) == (None, 1, 1)


def test_declined_and_unanswerable_questions() -> None:
    declined = judge(DESIGNER, Answer("q", answered=False, reason="low_confidence"), MAPPING)
    assert declined.declined
    assert declined.quote_rank is declined.passage_rank is declined.paragraph_rank is None
    trap = SquadQuestion("t", "When did it close?", BRIDGE, 0, (), Split.DEV)
    answered = judge(trap, _answer(_result(1, FIRST, ALPHA)), MAPPING)
    assert not answered.declined
    assert (answered.quote_rank, answered.paragraph_rank) == (None, 1)


def test_summary_rates_mrr_and_empty_groups() -> None:
    trap = SquadQuestion("t", "When did it close?", BRIDGE, 0, (), Split.DEV)
    outcomes = [
        judge(DESIGNER, _answer(_result(1, FIRST, ALPHA)), MAPPING, 0.2),
        judge(DESIGNER, _answer(_result(1, SECOND, BETA), _result(2, FIRST, ALPHA)), MAPPING, 0.4),
        judge(DESIGNER, _answer(_result(1, SECOND, BETA)), MAPPING, 0.6),
        judge(DESIGNER, Answer("q", answered=False), MAPPING, 0.1),
        judge(trap, Answer("q", answered=False), MAPPING, 0.1),
        judge(trap, _answer(_result(1, FIRST, ALPHA)), MAPPING, 0.1),
    ]
    summary = summarise(outcomes, k=3)
    assert (summary["answerable"], summary["unanswerable"]) == (4, 2)
    assert summary["hit@1"] == 0.25
    assert summary["hit@3"] == 0.5
    assert summary["mrr"] == pytest.approx((1 + 0.5) / 4, abs=1e-4)
    assert summary["answerable_declined"] == 0.25
    assert summary["unanswerable_declined"] == 0.5
    assert summary["seconds_p50"] == pytest.approx(0.15)
    # A rank past k does not count towards the MRR over the k shown.
    assert summarise(outcomes[1:2], k=1)["mrr"] == 0.0
    only_traps = summarise(outcomes[4:], k=3)
    assert only_traps["hit@1"] is None
    assert only_traps["unanswerable_declined"] == 0.5


def test_the_large_folder_lends_its_web_pages_only(tmp_path: Path) -> None:
    pages = tmp_path / "docs"
    (pages / "library").mkdir(parents=True)
    (pages / "_sources").mkdir()
    (pages / ".hidden").mkdir()
    (pages / "index.html").write_text("<html><body><p>Index.</p></body></html>")
    (pages / "library" / "os.html").write_text("<html><body><p>os.</p></body></html>")
    (pages / "_sources" / "index.rst.txt").write_text("Index.")
    (pages / ".hidden" / "secret.html").write_text("<p>no</p>")
    folder = tmp_path / "corpus"
    articles = (SquadArticle("Bridge", (ALPHA,)),)
    assert build_folder(articles, folder, pages) == 2
    other = folder / OTHER_DIRNAME
    copied = sorted(p.relative_to(other).as_posix() for p in other.rglob("*") if p.is_file())
    assert copied == ["index.html", "library/os.html"]
    page = other / "library" / "os.html"
    assert not page.is_symlink()  # the corpus loader reads no link out of its folder
    assert page.read_text() == "<html><body><p>os.</p></body></html>"
    before = (folder / "Bridge.txt").stat().st_mtime_ns, page.stat().st_mtime_ns
    assert copy_pages(pages, other) == 2  # a second run changes nothing
    build_folder(articles, folder, pages)
    assert ((folder / "Bridge.txt").stat().st_mtime_ns, page.stat().st_mtime_ns) == before
    assert [s.file for s in load_corpus(folder).sources] == [
        "Bridge.txt",
        "other/index.html",
        "other/library/os.html",
    ]


def test_the_bm25_reference_turns_the_models_and_rerank_off() -> None:
    plain = Config.BM25.settings()
    assert not (plain.semantic or plain.cross_encoder or plain.rerank)
    today = Config.MODELS.settings()
    assert today.semantic and today.cross_encoder and today.rerank
    assert Config.CROSS_ENCODER_ANY_SIZE.settings().cross_encoder_max_passages > 10**9
