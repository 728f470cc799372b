"""The meaning stage above ``semantic_max_passages``: built by ``seedbot index`` into a
nearest-neighbour index saved with the BM25 index, loaded (never encoded) at start, and
ranking as the in-memory vectors do. The threshold is lowered so a small corpus counts as
large; the model is the real one."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval import semantic
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.index_cache import CACHE_DIRNAME
from retrieval.meaning_index import MeaningIndex
from retrieval.semantic import SentenceEncoder, SentenceVectors
from retrieval.settings import EngineSettings

ARTICLE = """\
The harbour town of Eastwick relies on fishing. Boats leave before dawn and return by noon.

Shipments of grain to the island were halted in May. Officials said the cargo would
resume once the port inspections are complete.

The mayor opened a new library in the old customs house. It holds twelve thousand books.

Regional capitals compete for tourism money every year, and Eastwick rarely wins.

A storm in March flooded the lower streets. The council paid for new sea walls.
"""
PARAPHRASE = "Are they going to restart the food deliveries?"  # no word in common
LARGE = EngineSettings(semantic_max_passages=2)  # five passages: "large"
INDEXING = replace(LARGE, build_meaning_index=True)  # what `seedbot index` asks for


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    (tmp_path / "eastwick.md").write_text("# Eastwick notes\n\n" + ARTICLE, encoding="utf-8")
    return tmp_path


def _meaning_files(folder: Path) -> list[str]:
    return sorted(p.suffix for p in (folder / CACHE_DIRNAME).glob("meaning-*"))


def test_a_large_corpus_without_its_meaning_index_ranks_with_bm25_and_says_how_to_build_it(
    corpus_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="retrieval"):
        engine = Engine(load_corpus(corpus_dir), LARGE)
    assert engine.sentence_vectors is None
    assert "`seedbot index` builds its vectors" in caplog.text
    assert _meaning_files(corpus_dir) == []  # a start never encodes a large corpus
    assert not engine.answer(PARAPHRASE).answered


def test_the_index_built_once_is_loaded_by_every_later_start_without_encoding(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = Engine(load_corpus(corpus_dir), INDEXING)
    assert isinstance(built.sentence_vectors, MeaningIndex)
    assert _meaning_files(corpus_dir) == [".npy", ".npy", ".usearch"]

    def refuses(*args: object, **kwargs: object) -> None:
        raise AssertionError("a start must load the saved index, not encode")

    monkeypatch.setattr(MeaningIndex, "build", refuses)
    later = Engine(load_corpus(corpus_dir), LARGE)
    assert isinstance(later.sentence_vectors, MeaningIndex)
    answer = later.answer(PARAPHRASE)
    assert answer.answered, answer.message
    assert answer.results[0].passage.id == "eastwick.md#p2.1"  # "... would resume"


def test_the_nearest_neighbour_index_ranks_as_the_in_memory_vectors_do(
    corpus_dir: Path,
) -> None:
    small = Engine(load_corpus(corpus_dir))  # under the threshold: exact, in memory
    large = Engine(load_corpus(corpus_dir), INDEXING)
    assert isinstance(small.sentence_vectors, SentenceVectors)
    encoder = SentenceEncoder.shared()
    assert encoder is not None
    for question in (PARAPHRASE, "When do the fishing boats come back?", "who paid for walls"):
        query = encoder.encode([question])[0]
        exact = small.sentence_vectors.closeness(query)
        nearest = large.sentence_vectors.closeness(query)  # type: ignore[union-attr]
        assert nearest.closest(3) == exact.closest(3)
        for passage in range(len(small.passages)):
            assert nearest.of(passage) == pytest.approx(exact.of(passage), abs=2e-3)
        one = frozenset({0, 4})
        assert nearest.closest(1, within=one) == exact.closest(1, within=one)
        quotes = [(r.passage.id, r.excerpt.text) for r in small.answer(question).results]
        assert quotes == [(r.passage.id, r.excerpt.text) for r in large.answer(question).results]


def test_an_edit_encodes_only_the_new_sentences_and_replaces_the_old_index(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Engine(load_corpus(corpus_dir), INDEXING)
    (corpus_dir / "eastwick.md").write_text(
        "# Eastwick notes\n\n" + ARTICLE + "\nThe ferry to the mainland runs twice a day.\n",
        encoding="utf-8",
    )
    encoded: list[str] = []
    real = SentenceEncoder.encode

    def counting(self: SentenceEncoder, texts: list[str], progress: object = None) -> np.ndarray:
        encoded.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(SentenceEncoder, "encode", counting)
    engine = Engine(load_corpus(corpus_dir), INDEXING)
    assert encoded == ["The ferry to the mainland runs twice a day."]
    assert _meaning_files(corpus_dir) == [".npy", ".npy", ".usearch"]  # the old one removed
    answer = engine.answer("How often is there a boat to the continent?")
    assert answer.answered and "twice a day" in answer.results[0].excerpt.text


def test_a_damaged_meaning_index_is_ignored_and_rebuilt(
    corpus_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Engine(load_corpus(corpus_dir), INDEXING)
    (graph,) = (corpus_dir / CACHE_DIRNAME).glob("meaning-*.usearch")
    graph.write_bytes(graph.read_bytes()[:100])
    engine = Engine(load_corpus(corpus_dir), LARGE)
    assert engine.sentence_vectors is None
    assert "damaged meaning index" in caplog.text
    assert engine.answer("Who opened the library?").answered  # BM25 still answers
    rebuilt = Engine(load_corpus(corpus_dir), INDEXING)
    assert isinstance(rebuilt.sentence_vectors, MeaningIndex)
    assert rebuilt.answer(PARAPHRASE).answered


def test_a_read_only_folder_leaves_bm25_ranking_alone(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def cannot_write(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(semantic.np, "save", cannot_write)
    engine = Engine(load_corpus(corpus_dir), INDEXING)
    assert engine.sentence_vectors is None
    assert "Cannot save the meaning index" in caplog.text
    assert engine.answer("Who opened the library?").answered


def test_seedbot_index_builds_the_meaning_index_and_ask_uses_it(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("SEEDBOT_SEMANTIC_MAX_PASSAGES", "2")
    assert main(["--corpus", str(corpus_dir), "ask", "--json", PARAPHRASE]) == 0
    assert json.loads(capsys.readouterr().out)["answered"] is False  # BM25 alone
    assert main(["--corpus", str(corpus_dir), "index", "--no-meaning"]) == 0
    assert "no meaning index: BM25 ranks alone" in capsys.readouterr().out
    assert _meaning_files(corpus_dir) == []
    assert main(["--corpus", str(corpus_dir), "index"]) == 0
    assert "meaning index of 8 sentences built" in capsys.readouterr().out
    assert main(["--corpus", str(corpus_dir), "index"]) == 0
    assert "meaning index of 8 sentences loaded" in capsys.readouterr().out
    assert main(["--corpus", str(corpus_dir), "ask", "--json", PARAPHRASE]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["answered"] is True
    assert "would resume" in reply["results"][0]["excerpt"]
