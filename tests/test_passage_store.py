"""The saved passage store gives back exactly the passages the articles parse into."""

from pathlib import Path

from retrieval import passage_store
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.index_cache import CacheStatus
from retrieval.passage_store import PassageStore, load_corpus_cached
from retrieval.settings import EngineSettings
from tests.paths import SEEDS


def copy_seeds(folder: Path, copies: int) -> None:
    """A corpus of many articles: the seeds, renamed, ``copies`` times over."""
    folder.mkdir(exist_ok=True)
    for n in range(copies):
        for seed in SEEDS.glob("*.txt"):
            (folder / f"{n:03d}-{seed.name}").write_bytes(seed.read_bytes())


def test_round_trip_keeps_every_passage_and_source(tmp_path: Path) -> None:
    corpus = load_corpus(SEEDS)
    PassageStore.save(corpus, tmp_path / "store")
    loaded = PassageStore.load(tmp_path / "store", SEEDS)
    assert loaded.sources == corpus.sources
    assert list(loaded.passages) == list(corpus.passages)
    store = loaded.passages
    assert isinstance(store, PassageStore)
    for index, passage in enumerate(corpus.passages):
        assert store.index_of(passage.id) == index
        assert store.text(index) == passage.text
    assert store.index_of("nope.txt#p1.1") is None
    assert store.index_of(f"{corpus.sources[0].file}#p999.1") is None


def test_large_corpora_load_from_the_store_until_an_article_changes(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(passage_store, "CACHE_MIN_BYTES", 20_000)
    copy_seeds(tmp_path, 3)
    first, status = load_corpus_cached(tmp_path, version="t")
    assert status == "built"
    assert isinstance(first.passages, PassageStore)
    second, status = load_corpus_cached(tmp_path, version="t")
    assert status == "loaded"
    assert list(second.passages) == list(load_corpus(tmp_path).passages)
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe not utf-8")
    third, status = load_corpus_cached(tmp_path, version="t")
    assert status == "rebuilt"
    assert [p.file for p in third.problems] == ["bad.txt"]


def test_small_corpora_are_parsed_without_saving(tmp_path: Path) -> None:
    copy_seeds(tmp_path, 1)
    corpus, status = load_corpus_cached(tmp_path, version="t")
    assert status is CacheStatus.SMALL and not status.saved
    assert not (tmp_path / ".seedbot-index").exists()
    assert len(corpus.passages) == len(load_corpus(SEEDS).passages)


def test_engine_over_the_store_answers_as_over_parsed_articles(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(passage_store, "CACHE_MIN_BYTES", 20_000)
    copy_seeds(tmp_path, 3)
    settings = EngineSettings(engine="fast")
    Engine.from_folder(tmp_path, settings)  # builds and saves the store and the index
    cached = Engine.from_folder(tmp_path, settings)
    assert isinstance(cached.corpus.passages, PassageStore)
    parsed = Engine(load_corpus(tmp_path), EngineSettings(engine="bm25okapi"))
    for question in ("Who proposed a 30-day ceasefire?", "Who is Yuri Ushakov?", "ceasfire energy"):
        a, b = cached.answer(question), parsed.answer(question)
        assert [r.passage for r in a.results] == [r.passage for r in b.results]
        assert [r.excerpt for r in a.results] == [r.excerpt for r in b.results]
    passage = cached.answer("Who is Yuri Ushakov?").results[0].passage
    assert cached.passage(passage.id) == passage


def test_passage_ids_are_built_and_parsed_in_one_place() -> None:
    from retrieval.models import parse_passage_id, passage_id

    assert passage_id("sub/a b.txt", 3, 2) == "sub/a b.txt#p3.2"
    assert parse_passage_id("sub/a b.txt#p3.2") == ("sub/a b.txt", 3, 2)
    assert parse_passage_id("odd#p name.txt#p10.1") == ("odd#p name.txt", 10, 1)
    for forged in ("a.txt", "a.txt#p3", "a.txt#p.1", "#p1.1", "a.txt#p1.x", "a.txt#p١.1", ""):
        assert parse_passage_id(forged) is None, forged
