"""Damaged and shared saved state (issue 16): the passage store and the FastBM25 index,
truncated, bit-flipped, deleted piecewise, read-only or built by two processes at once,
never crash and never give a wrong answer; each damage is rebuilt or worked around."""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from retrieval import index_cache, passage_store
from retrieval.corpus import Corpus
from retrieval.fastbm25 import FastBM25
from retrieval.index_cache import CACHE_DIRNAME, CacheStatus, load_or_build_fast
from retrieval.manifests import MANIFEST, verify
from retrieval.passage_store import load_corpus_cached
from retrieval.tokenize import tokenize
from tests.paths import SEEDS

QUERIES = (["ceasefir"], ["putin", "trump"], ["energi", "infrastructur"], ["sumi"])


def make_corpus(folder: Path, copies: int = 4) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            (folder / f"{n:02d}-{seed.name}").write_bytes(seed.read_bytes())
    return folder


def load(folder: Path) -> tuple[Corpus, CacheStatus, FastBM25, CacheStatus]:
    corpus, store_status = load_corpus_cached(folder, version="t")
    index, index_status = load_or_build_fast(
        folder,
        stamps=corpus.stamps,
        files=() if corpus.stamps else sorted(folder.glob("*.txt")),
        texts=lambda: [p.text for p in corpus.passages],
        n_passages=len(corpus.passages),
        version="t",
    )
    return corpus, store_status, index, index_status


def answers(corpus: Corpus, index: FastBM25) -> list[list[tuple[str, float]]]:
    """What the saved state answers: the top passages' ids and scores for a few queries."""
    return [
        [(corpus.passages[doc].id, round(score, 4)) for doc, score in index.top(query, 5)]
        for query in QUERIES
    ]


def saved_files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in (folder / CACHE_DIRNAME).rglob("*")
        if path.is_file() and path.name != index_cache.LOCK_FILE
    )


@pytest.fixture
def small_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passage_store, "CACHE_MIN_BYTES", 20_000)


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> list[list[tuple[str, float]]]:
    folder = make_corpus(tmp_path_factory.mktemp("fresh"))
    corpus = passage_store.load_corpus(folder)
    index = FastBM25.build([tokenize(p.text) for p in corpus.passages])
    return answers(corpus, index)


def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate":
        path.write_bytes(bytes(data[: len(data) // 2]))
    elif how == "flip":
        data[len(data) // 2] ^= 0x01  # one bit
        path.write_bytes(bytes(data))
    elif how == "delete":
        path.unlink()
    elif how == "empty":
        path.write_bytes(b"")


@pytest.mark.usefixtures("small_store")
@pytest.mark.parametrize("how", ["truncate", "flip", "delete", "empty"])
def test_every_saved_file_damaged_is_caught_and_rebuilt(
    tmp_path: Path,
    how: str,
    expected: list[list[tuple[str, float]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = make_corpus(tmp_path / "articles")
    corpus, store_status, index, index_status = load(folder)
    assert (store_status, index_status) == (CacheStatus.BUILT, CacheStatus.BUILT)
    assert answers(corpus, index) == expected
    files = saved_files(folder)
    assert len(files) >= 15  # both manifests, the store's 4 files, the index's 10
    for path in files:
        relative = path.relative_to(folder)
        damage(path, how)
        with caplog.at_level(logging.WARNING):
            corpus, store_status, index, index_status = load(folder)
        assert CacheStatus.REBUILT in (store_status, index_status), relative
        assert answers(corpus, index) == expected, relative
        assert any("not used" in r.getMessage() for r in caplog.records), relative
        caplog.clear()
        assert load(folder)[1::2] == (CacheStatus.LOADED, CacheStatus.LOADED), relative


@pytest.mark.usefixtures("small_store")
def test_a_folder_deleted_piecewise_rebuilds(
    tmp_path: Path, expected: list[list[tuple[str, float]]]
) -> None:
    folder = make_corpus(tmp_path / "articles")
    load(folder)
    for generation in sorted((folder / CACHE_DIRNAME).glob("*/index")):
        for path in sorted(generation.iterdir()):
            path.unlink()
            corpus, _, index, _ = load(folder)
            assert answers(corpus, index) == expected
            break
    (folder / CACHE_DIRNAME / passage_store.PASSAGES_DIRNAME).rename(tmp_path / "moved")
    corpus, store_status, index, _ = load(folder)
    assert store_status is CacheStatus.BUILT and answers(corpus, index) == expected


@pytest.mark.usefixtures("small_store")
def test_a_manifest_edited_to_point_elsewhere_is_not_trusted(
    tmp_path: Path, expected: list[list[tuple[str, float]]]
) -> None:
    folder = make_corpus(tmp_path / "articles")
    load(folder)
    for manifest in (folder / CACHE_DIRNAME).rglob(MANIFEST):
        text = manifest.read_text("utf-8")
        first = text.index('"sha256": "') + len('"sha256": "')
        flipped = "0" if text[first] != "0" else "1"
        manifest.write_text(text[:first] + flipped + text[first + 1 :], "utf-8")
    corpus, store_status, index, index_status = load(folder)
    assert (store_status, index_status) == (CacheStatus.REBUILT, CacheStatus.REBUILT)
    assert answers(corpus, index) == expected


def refuse_writes(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` read-only; as root (who writes anyway), refuse the index's first write."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))

    def refused(path: Path) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    if os.geteuid() == 0:
        monkeypatch.setattr(index_cache, "_open_lock_file", refused)


def allow_writes(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.mark.usefixtures("small_store")
def test_a_read_only_folder_is_said_so_and_still_answers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    expected: list[list[tuple[str, float]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = make_corpus(tmp_path / "articles")
    refuse_writes(monkeypatch, folder)
    try:
        with caplog.at_level(logging.WARNING):
            corpus, status = load_corpus_cached(folder, version="t")
        assert status is CacheStatus.READ_ONLY and not status.saved
        assert str(status) == "not saved: folder is read-only"
        assert any("read-only" in r.getMessage() for r in caplog.records)
        with pytest.raises(index_cache.ReadOnlyFolder):
            load(folder)
        index = FastBM25.build([tokenize(p.text) for p in corpus.passages])
        assert answers(corpus, index) == expected
    finally:
        allow_writes(folder)


@pytest.mark.usefixtures("small_store")
def test_a_saved_index_in_a_read_only_folder_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: list[list[tuple[str, float]]]
) -> None:
    folder = make_corpus(tmp_path / "articles")
    load(folder)
    refuse_writes(monkeypatch, folder)
    try:
        corpus, store_status, index, index_status = load(folder)
        assert (store_status, index_status) == (CacheStatus.LOADED, CacheStatus.LOADED)
        assert answers(corpus, index) == expected
    finally:
        allow_writes(folder)


@pytest.mark.usefixtures("small_store")
def test_saved_folders_get_the_normal_mode(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path / "articles")
    old = os.umask(0o022)
    try:
        load(folder)
    finally:
        os.umask(old)
    folders = [p for p in (folder / CACHE_DIRNAME).rglob("*") if p.is_dir()]
    assert folders and {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o755}
    assert {stat.S_IMODE(p.stat().st_mode) for p in saved_files(folder)} == {0o644}


def build_in_another_process(folder: str) -> tuple[str, str, list[list[tuple[str, float]]]]:
    """One builder: a slow parse, so that the other process arrives while it builds."""
    import time

    passage_store.CACHE_MIN_BYTES = 20_000
    parse = passage_store.parse_store

    def slow_parse(*args: object, **kwargs: object) -> passage_store.StoreRows:
        time.sleep(1.0)
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    passage_store.parse_store = slow_parse  # type: ignore[assignment]
    corpus, store_status, index, index_status = load(Path(folder))
    return str(store_status), str(index_status), answers(corpus, index)


@pytest.mark.usefixtures("small_store")
def test_two_processes_building_one_new_folder_end_with_one_valid_index(
    tmp_path: Path, expected: list[list[tuple[str, float]]]
) -> None:
    folder = make_corpus(tmp_path / "articles")
    context = multiprocessing.get_context("spawn")  # no fork of pytest's threads
    with context.Pool(2) as pool:
        results = pool.map(build_in_another_process, [str(folder)] * 2)
    assert sorted(store for store, _, _ in results) == ["built", "loaded"]
    assert all(found == expected for _, _, found in results)
    for root in (folder / CACHE_DIRNAME, folder / CACHE_DIRNAME / passage_store.PASSAGES_DIRNAME):
        generations = [p for p in root.iterdir() if p.is_dir() and p.name != "passages"]
        assert len(generations) == 1 and verify(generations[0]) is None
    _, store_status, _, index_status = load(folder)
    assert (store_status, index_status) == (CacheStatus.LOADED, CacheStatus.LOADED)


def die_while_saving(folder: str) -> None:
    """A builder that stops for good half-way through writing its passage store."""
    import time

    passage_store.CACHE_MIN_BYTES = 20_000
    save = passage_store.StoreRows.save

    def save_then_hang(rows: passage_store.StoreRows, directory: Path) -> None:
        save(rows, directory)
        (directory.parent / "half-written").write_text("", "utf-8")
        time.sleep(600)

    passage_store.StoreRows.save = save_then_hang  # type: ignore[method-assign]
    load(Path(folder))


@pytest.mark.usefixtures("small_store")
def test_a_builder_killed_mid_write_leaves_nothing_that_is_used(
    tmp_path: Path, expected: list[list[tuple[str, float]]]
) -> None:
    import time

    folder = make_corpus(tmp_path / "articles")
    process = multiprocessing.get_context("spawn").Process(
        target=die_while_saving, args=(str(folder),)
    )
    process.start()
    try:
        deadline = time.monotonic() + 100
        while not list((folder / CACHE_DIRNAME).rglob("half-written")):
            assert time.monotonic() < deadline and process.is_alive()
            time.sleep(0.1)
    finally:
        process.kill()  # SIGKILL: no clean-up runs
        process.join()
    assert list((folder / CACHE_DIRNAME).rglob("tmp-*"))  # the half-written generation
    corpus, store_status, index, _ = load(folder)
    assert store_status is CacheStatus.BUILT  # nothing finished was there to load
    assert answers(corpus, index) == expected
    assert not list((folder / CACHE_DIRNAME).rglob("tmp-*"))  # cleared by the next build
