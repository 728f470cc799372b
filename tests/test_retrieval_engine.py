"""Answers over the two seed articles: the right passage first, quoted verbatim, cited."""

import json

import pytest

from retrieval import messages
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.messages import Reason
from retrieval.passage_access import PassageList, passages_of
from retrieval.settings import EngineSettings
from tests.paths import FIRST_ARTICLE, SECOND_ARTICLE, SEEDS

A, B = FIRST_ARTICLE, SECOND_ARTICLE

# (question, file, paragraph) — the passage that answers it must be ranked first.
RIGHT_PASSAGE_FIRST = [
    ("Who proposed a 30-day ceasefire?", A, 5),
    ("How many civilians were killed in the Sumy missile attack?", A, 2),
    ("What share of Russia's refining capacity has Ukraine destroyed?", A, 6),
    ("Which four regions does Russia claim to have annexed?", A, 7),
    ("What concessions does Russia demand from Ukraine?", A, 8),
    ("Who is Trump's special envoy?", A, 10),
    ("Why did Putin pray in church?", A, 13),
    ("Who painted the portrait of Trump that Putin sent?", A, 13),
    ("Where did the first meeting between US and Russian officials take place?", A, 14),
    ("Who is Kirill Dmitriev?", A, 15),
    ("What did Trump call the attack on Sumy?", A, 18),
    ("Who was humiliated in the Oval Office?", A, 19),
    ("What counter proposal did Putin make about energy infrastructure?", A, 5),
    ("Who is Yuri Ushakov?", B, 2),
    ("Why did the US pause arms shipments to Ukraine?", B, 4),
    ("What did Dmitry Peskov say about the pause?", B, 5),
    ("Who is the Pentagon press secretary?", B, 6),
    ("Which country plans to fund Patriot air defence systems for Ukraine?", B, 6),
    ("How many phone calls have Trump and Putin had since January?", B, 7),
]
# Not here since the cross-encoder: "What do analysts call the dialogue between Trump and
# Putin?" (B, 8) now comes 5th; the model prefers "six phone calls ... little has changed".
# A known loss, listed in docs/quality.md, against 7 more first-place answers on the set.


@pytest.mark.parametrize(("question", "file", "paragraph"), RIGHT_PASSAGE_FIRST)
def test_right_passage_comes_first(
    seed_engine: Engine, question: str, file: str, paragraph: int
) -> None:
    answer = seed_engine.answer(question)
    assert answer.answered, answer.message
    top = answer.results[0].passage
    assert (top.source.file, top.paragraph) == (file, paragraph)


def test_thirty_day_ceasefire_is_quoted_verbatim_with_citation(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Who proposed a 30-day ceasefire?")
    first = answer.results[0]
    article = (SEEDS / A).read_text(encoding="utf-8")
    assert first.excerpt.text in article
    assert "30-day general ceasefire" in first.excerpt.text
    assert first.passage.source.file == A
    assert first.passage.source.author == "Jennifer Mathers"
    assert first.passage.paragraph == 5
    marked = {first.excerpt.text[s:e] for s, e in first.excerpt.highlights}
    assert {"30-day", "ceasefire", "proposal"} <= marked


def test_every_excerpt_is_a_verbatim_run_of_one_to_three_sentences(seed_engine: Engine) -> None:
    for question in [q for q, _, _ in RIGHT_PASSAGE_FIRST]:
        for result in seed_engine.answer(question).results:
            assert result.excerpt.text in result.passage.text
            sentences = [s for s in result.passage.sentences if s in result.excerpt.text]
            assert 1 <= len(sentences) <= 3
            assert result.excerpt.cut_before == (
                not result.passage.text.startswith(result.excerpt.text)
            )
            assert result.excerpt.cut_after == (
                not result.passage.text.endswith(result.excerpt.text)
            )


def test_results_are_distinct_and_ranked(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Trump Putin phone call")
    ids = [r.passage.id for r in answer.results]
    assert len(ids) == len(set(ids)) == 3
    assert [r.rank for r in answer.results] == [1, 2, 3]
    assert answer.results[0].score >= answer.results[1].score >= answer.results[2].score


def test_paging_continues_without_repeats(seed_engine: Engine) -> None:
    first = seed_engine.answer("ceasefire", top_k=2)
    second = seed_engine.answer("ceasefire", top_k=2, offset=2)
    assert first.has_more
    assert [r.rank for r in second.results] == [3, 4]
    assert not {r.passage.id for r in first.results} & {r.passage.id for r in second.results}


def test_near_duplicate_passages_are_not_repeated(tmp_path) -> None:
    text = (
        "The envoy met the minister in Geneva to discuss the grain corridor and shipping insurance."
    )
    (tmp_path / "a.txt").write_text(text + "\n")
    (tmp_path / "b.txt").write_text(
        text + "\n\nA different paragraph about the grain harvest in spring.\n"
    )
    answer = Engine.from_folder(tmp_path).answer("envoy grain corridor")
    assert [r.passage.text for r in answer.results].count(text) == 1


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("", messages.EMPTY),
        ("   \n\t ", messages.EMPTY),
        ("\x00\x01\x02", messages.EMPTY),
        ("the of and what is", messages.NO_TERMS),
        ("😀🔥🎉", messages.NO_TERMS),
        ("?!?! ... ***", messages.NO_TERMS),
        ("x" * 10_000, messages.TOO_LONG),
        ("Что такое НАТО?", messages.NO_MATCH),
        ("How do I bake sourdough bread?", messages.NO_MATCH),
    ],
)
def test_bad_input_gets_a_clear_message(seed_engine: Engine, question: str, reason: str) -> None:
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.reason == reason
    assert answer.message and len(answer.message) < 300
    assert answer.results == ()


def test_markdown_mentions_and_control_chars_in_a_real_question(seed_engine: Engine) -> None:
    answer = seed_engine.answer("**Who** is <@123> `Witkoff`?\x00 @everyone")
    assert answer.answered
    assert "\x00" not in answer.question


def test_how_many_or_when_without_a_number_or_date_on_the_topic_is_declined(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(
        "The harbour ferry carries commuters and their bicycles across the wide bay.\n\n"
        "The lighthouse keepers record passing storms in a logbook, two entries a night.\n\n"
        "The town library opened its new reading room in March 1998.\n\n"
        "The old pier was closed to walkers last week, after the storm.\n"
    )
    engine = Engine.from_folder(tmp_path)
    # A number or date in a passage that is not about the question does not count.
    for question in (
        "How many commuters does the ferry carry?",
        "When did the ferry start crossing the bay?",
    ):
        answer = engine.answer(question)
        assert not answer.answered, question
        assert answer.reason == messages.LOW_CONFIDENCE
    for question in (
        "When did the library open its reading room?",
        "How many entries do the lighthouse keepers record?",
        "When was the old pier closed?",  # "last week" is a time, if not a date
    ):
        assert engine.answer(question).answered, question


def test_a_british_spelling_finds_the_american_one(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(
        "The harbour ferry carries commuters and their bicycles across the wide bay.\n\n"
        "This essay is republished under a Creative Commons license.\n\n"
        "The lighthouse keepers record passing storms in a logbook, two entries a night.\n"
    )
    answer = Engine.from_folder(tmp_path).answer("Under what licence is it?")
    assert answer.answered
    first = answer.results[0]
    assert "Creative Commons license" in first.excerpt.text
    # Matched as a word, so highlighted, not only read as related by the cross-encoder.
    assert first.matched_terms
    assert [first.excerpt.text[a:b] for a, b in first.excerpt.highlights] == ["license"]


def test_empty_corpus_declines(tmp_path) -> None:
    answer = Engine.from_folder(tmp_path).answer("Who proposed a ceasefire?")
    assert (answer.answered, answer.reason) == (False, messages.EMPTY_CORPUS)


def test_json_shape(seed_engine: Engine) -> None:
    data = seed_engine.answer("Who is Yuri Ushakov?").to_json()
    assert {"question", "answered", "results"} <= set(data)
    result = data["results"][0]
    assert {"rank", "score", "excerpt", "passage", "paragraph", "source"} <= set(result)
    assert result["source"]["file"] == B
    assert result["source"]["title"].startswith("Putin tells Trump")
    assert data["answered"] and "reason" not in data


def test_reasons_and_verdicts_reach_json_as_their_codes(seed_engine: Engine) -> None:
    declined = seed_engine.answer("What is the capital of France?").to_json(explain=True)
    answered = seed_engine.answer("Who is Yuri Ushakov?").to_json(explain=True)
    text = json.loads(json.dumps([declined, answered]))
    assert text[0]["reason"] in {"low_confidence", "no_match"}
    assert text[0]["explanation"]["no_answer_rule"] in {"decline", "doubtful"}
    assert text[1]["explanation"]["no_answer_rule"] == "answer"
    assert Reason(text[0]["reason"]) is Reason(declined["reason"])


def test_passages_in_memory_are_read_like_the_saved_store(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("First paragraph here.\n\nSecond one. It has two.\n")
    passages = load_corpus(tmp_path).passages
    listed = passages_of(passages)
    assert isinstance(listed, PassageList)
    for i, passage in enumerate(passages):
        assert listed.index_of(passage.id) == i
        assert listed.text(i) == passage.text
        assert listed[i] == passage
    assert listed.index_of("a.txt#p9.1") is None
    assert listed.take_terms() is None


def test_fast_engine_answers_exactly_like_rank_bm25(tmp_path) -> None:
    """The large-corpus engine, forced on the seeds, gives the same answers as BM25Okapi."""
    from retrieval.evaluation import load_questions
    from tests.paths import ROOT

    # Without the cross-encoder, which reorders the same shortlist either way: the test
    # compares the first stages, and reading ~250 questions twice is minutes on a busy machine.
    okapi = Engine.from_folder(SEEDS, EngineSettings(engine="bm25okapi", cross_encoder=False))
    fast = Engine.from_folder(
        SEEDS, EngineSettings(engine="fast", save_index=False, cross_encoder=False)
    )
    assert (okapi.engine_name, fast.engine_name) == ("OkapiScorer", "FastBM25")
    questions = [q.question for q in load_questions(ROOT / "eval" / "seed_questions.jsonl")]
    for question in questions + [q for q, _, _ in RIGHT_PASSAGE_FIRST]:
        a, b = okapi.answer(question, top_k=5), fast.answer(question, top_k=5)
        assert (a.answered, a.reason) == (b.answered, b.reason), question
        assert [r.passage.id for r in a.results] == [r.passage.id for r in b.results], question
        assert [r.excerpt.text for r in a.results] == [r.excerpt.text for r in b.results]


def _harbour_articles(folder) -> None:
    (folder / "a.txt").write_text(
        "The town library opened its new reading room in March 1998, with a hundred seats.\n\n"
        "The library reading room is loved by students and their friends for its quiet.\n"
    )
    (folder / "b.txt").write_text(
        "The harbour ferry started its night service in June 2004, after years of requests.\n\n"
        "The ferry carries commuters and their bicycles across the wide bay.\n"
    )


def test_a_long_message_is_answered_from_the_sentence_that_asks(tmp_path) -> None:
    _harbour_articles(tmp_path)
    # BM25 and the meaning blend: the cross-encoder reads the whole message, as measured best
    engine = Engine.from_folder(tmp_path, EngineSettings(cross_encoder=False))
    message = (
        "My friends and I love the library reading room and its quiet. "
        "When did the ferry start its night service? And is it busy?"
    )
    answer = engine.answer(message)
    assert answer.answered
    assert answer.results[0].passage.id == "b.txt#p1.1"
    assert answer.read_as == "When did the ferry start its night service?"
    assert answer.other_questions == ("And is it busy?",)
    data = answer.to_json(explain=True)
    assert data["read_as"] == answer.read_as
    assert data["explanation"]["question_taken"] == answer.read_as
    assert "librari" in data["explanation"]["context_terms"]
    assert engine.answer("When did the ferry start its night service?").read_as is None


def test_a_question_limited_to_an_article_quotes_only_that_article(tmp_path) -> None:
    _harbour_articles(tmp_path)
    engine = Engine.from_folder(tmp_path)
    question = "When did the library reading room open?"
    assert engine.answer(question).results[0].passage.source.file == "a.txt"
    limited = engine.answer(question, article="b.txt", top_k=5)
    assert {r.passage.source.file for r in limited.results} <= {"b.txt"}
    missing = engine.answer(question, article="c.txt")
    assert (missing.answered, missing.reason) == (False, messages.NO_ARTICLE)
    assert "c.txt" in (missing.message or "")


def test_more_results_end_when_no_further_quote_answers() -> None:
    """Past the quotes the model reads as answers, paging stops instead of showing filler."""
    seed_engine = Engine.from_folder(SEEDS, EngineSettings(follow_on_filter=True))
    question = "Who is Yuri Ushakov?"
    first = seed_engine.answer(question, top_k=3)
    shown = list(first.results)
    offset, answer = 3, first
    while answer.has_more and offset < 30:
        answer = seed_engine.answer(question, top_k=3, offset=offset)
        shown.extend(answer.results)
        offset += 3
    settings = seed_engine.settings
    assert not answer.has_more
    assert len(shown) <= settings.cross_encoder_shortlist
    best = shown[0].score
    assert all(r.score >= max(settings.follow_on_min_relevance, best - settings.follow_on_max_gap)
               for r in shown[1:])  # fmt: skip
