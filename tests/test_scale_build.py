"""Building the store and index in parallel, and re-parsing only what changed, give exactly
the passages, ids and terms of the plain serial path; damaged saved files are still caught.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from retrieval import fingerprints, index_cache, passage_store
from retrieval.corpus import load_corpus, scan_article_files
from retrieval.fastbm25 import FastBM25, bulk
from retrieval.fingerprints import stamp_files
from retrieval.index_cache import CacheStatus, load_or_build
from retrieval.passage_store import PassageStore, StoreRows, load_corpus_cached, parse_store
from retrieval.tokenize import WORD, tokenize
from tests.paths import SEEDS

TRICKY = [
    "Trump’s ceasefires weren't O’Brien's",
    "'quoted' words, rock'n'roll, a''b, x'''y, 'lead and trail' ''double''",
    "snake_case under_scores, 3.5% of $20bn (EU/US) — done.",
    "Ünïcode naïve café, Kyiv/Київ, 東京 and ʼokina",
    "tab\there\x1esep\x1eparated",
    "",
    "The and of",
    "don't' 'n' '' ' x",
]


def write_corpus(folder: Path, copies: int) -> None:
    """Many articles: the seed articles renamed, a Markdown one, one in a subfolder, one broken."""
    folder.mkdir(exist_ok=True)
    (folder / "sub").mkdir(exist_ok=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    for n in range(copies):
        for seed in seeds:
            (folder / f"{n:03d}-{seed.name}").write_bytes(seed.read_bytes())
    text = seeds[0].read_text("utf-8")
    (folder / "sub" / "notes.md").write_text(
        "# A Markdown article\n\n## A section\n\n" + text, "utf-8"
    )
    (folder / "zz-bad.txt").write_bytes(b"\xff\xfe not utf-8")
    (folder / ".hidden.txt").write_text(text, "utf-8")


def saved_corpus(rows: StoreRows, tmp: Path, folder: Path) -> PassageStore:
    rows.save(tmp)
    store = PassageStore.load(tmp, folder).passages
    assert isinstance(store, PassageStore)
    return store


def test_listing_matches_article_files(tmp_path: Path) -> None:
    write_corpus(tmp_path, 2)
    listed = scan_article_files(tmp_path)
    assert [f.relative for f in listed] == sorted(f.relative for f in listed)
    assert "sub/notes.md" in [f.relative for f in listed]
    assert all(not f.relative.startswith(".") for f in listed)
    for file in listed:
        stat = file.path.stat()
        assert (file.size, file.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    stamps = stamp_files(listed)
    assert stamps == index_cache.fingerprint(tmp_path, [f.path for f in listed], "v").files


@pytest.mark.parametrize("workers", [1, 2])
def test_parallel_parse_gives_the_passages_of_load_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(passage_store, "FILES_PER_TASK", 2)  # many tasks, merged in order
    folder = tmp_path / "corpus"
    write_corpus(folder, 4)
    stamps = stamp_files(scan_article_files(folder))
    rows = parse_store(folder, stamps, version="t", workers=workers)
    terms = rows.terms
    assert terms is not None
    expected = load_corpus(folder)
    store = saved_corpus(rows, tmp_path / "store", folder)
    assert list(store) == list(expected.passages)
    assert store.sources == expected.sources
    assert [p.file for p in rows.problems] == [p.file for p in expected.problems] == ["zz-bad.txt"]
    # The terms tokenized while parsing are tokenize()'s, passage by passage.
    built = FastBM25.build_from_terms(terms)
    assert built.n_docs == len(expected.passages)
    for index, passage in enumerate(expected.passages):
        assert built.terms_of(index) == tokenize(passage.text)


def test_index_from_parse_terms_ranks_as_index_from_texts(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_corpus(folder, 3)
    rows = parse_store(folder, stamp_files(scan_article_files(folder)), version="t", workers=2)
    assert rows.terms is not None
    fused = FastBM25.build_from_terms(rows.terms)
    store = saved_corpus(rows, tmp_path / "store", folder)
    plain = FastBM25.build_from_texts(list(store.texts()))
    assert fused.vocab.keys() == plain.vocab.keys()
    assert np.array_equal(fused.doc_len, plain.doc_len)
    for term in plain.vocab:
        a, b = fused.vocab[term], plain.vocab[term]
        assert np.array_equal(
            fused.doc_ids[fused.indptr[a] : fused.indptr[a + 1]],
            plain.doc_ids[plain.indptr[b] : plain.indptr[b + 1]],
        )
        assert np.array_equal(
            fused.scores[fused.indptr[a] : fused.indptr[a + 1]],
            plain.scores[plain.indptr[b] : plain.indptr[b + 1]],
        )


def test_batch_words_are_the_word_regex_words() -> None:
    texts = TRICKY + [t.upper() for t in TRICKY] + [" ".join(TRICKY)]
    flat = bulk.batch_words(texts)
    expected: list[str] = []
    for text in texts:
        expected += [*WORD.findall(text), "\x01"]
    assert flat == expected
    ids = bulk.TermIds()
    ids.add_texts(texts)
    index = FastBM25.build_from_terms(ids)
    for i, text in enumerate(texts):
        assert index.terms_of(i) == tokenize(text)


def test_task_terms_send_each_process_term_once() -> None:
    """Run after run in one process: the ids index the terms sent so far, in tokenize()'s
    order, and a term goes back only with the first run that uses it."""
    bulk.forget_words()
    runs = [TRICKY, [t.upper() for t in TRICKY], ["The and of", ""], [], TRICKY[::-1]]
    vocabulary: list[str] = []
    try:
        for texts in runs:
            run = bulk.task_terms(texts)
            assert run.vocabulary == os.getpid()
            assert not set(run.new) & set(vocabulary)
            vocabulary += run.new
            expected = [tokenize(text) for text in texts]
            assert [vocabulary[i] for i in run.terms.tolist()] == [t for ts in expected for t in ts]
            assert run.lengths.tolist() == [len(terms) for terms in expected]
        assert vocabulary == list(dict.fromkeys(tokenize(" ".join(TRICKY + runs[1]))))
    finally:
        bulk.forget_words()


def test_terms_merged_from_processes_are_numbered_in_corpus_order() -> None:
    """Runs from two processes, merged in corpus order: the ids of one corpus-wide vocabulary."""
    texts = [*TRICKY, "ceasefire talks", "Talks of a ceasefire", *TRICKY]
    bulk.forget_words()
    a1 = bulk.task_terms(texts[:3])
    a2 = bulk.task_terms(texts[6:9])
    bulk.forget_words()  # another process: its own vocabulary, from empty
    b1 = bulk.task_terms(texts[3:6])
    b2 = bulk.task_terms(texts[9:])
    bulk.forget_words()
    merged = bulk.TermIds()
    for run, process in ((a1, 1), (b1, 2), (a2, 1), (b2, 2)):  # corpus order
        merged.add_from_process(run._replace(vocabulary=process))
    index = FastBM25.build_from_terms(merged)
    for i, text in enumerate(texts):
        assert index.terms_of(i) == tokenize(text)
    expected = list(dict.fromkeys(term for text in texts for term in tokenize(text)))
    assert list(merged.vocab) == expected


def test_only_changed_articles_are_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passage_store, "CACHE_MIN_BYTES", 20_000)
    monkeypatch.setattr(passage_store, "FILES_PER_TASK", 3)
    write_corpus(tmp_path, 4)
    parsed: list[str] = []
    parse_rows = passage_store.parse_rows

    def counting(
        folder: Path, relatives: list[str], locations: dict[str, str] | None = None
    ) -> StoreRows:
        parsed.extend(relatives)
        return parse_rows(folder, relatives, locations)

    monkeypatch.setattr(passage_store, "parse_rows", counting)
    _, status = load_corpus_cached(tmp_path, version="t")
    assert status == "built" and len(parsed) == len(scan_article_files(tmp_path))
    parsed.clear()
    changed = sorted(tmp_path.glob("001-*.txt"))[0]
    changed.write_text(changed.read_text("utf-8").replace("ceasefire", "truce"), "utf-8")
    (tmp_path / "002-new.txt").write_bytes(changed.read_bytes())
    second, status = load_corpus_cached(tmp_path, version="t")
    assert status == "rebuilt"
    assert sorted(parsed) == sorted(["002-new.txt", changed.name, "zz-bad.txt"])
    expected = load_corpus(tmp_path)
    assert list(second.passages) == list(expected.passages)
    assert second.sources == expected.sources
    assert second.problems == expected.problems
    parsed.clear()
    _, status = load_corpus_cached(tmp_path, version="t2")  # other parsing: all again
    assert status == "rebuilt" and len(parsed) == len(scan_article_files(tmp_path))


def test_the_index_reuses_the_store_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passage_store, "CACHE_MIN_BYTES", 20_000)
    write_corpus(tmp_path, 3)
    corpus, _ = load_corpus_cached(tmp_path, version="t")
    assert corpus.stamps == stamp_files(scan_article_files(tmp_path))
    hashed: list[Path] = []
    monkeypatch.setattr(
        fingerprints,
        "file_sha256",
        lambda path: hashed.append(path) or "x",  # type: ignore[func-returns-value]
    )
    load_corpus_cached(tmp_path, version="t")  # unchanged: nothing is hashed again
    assert not [p for p in hashed if index_cache.CACHE_DIRNAME not in p.parts]


class Saved:
    """A saved "index" of one large file, whose build and load are counted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.builds = 0
        (folder / "a.txt").write_text("article", "utf-8")

    def run(self) -> tuple[bytes, CacheStatus]:
        def build() -> bytes:
            self.builds += 1
            return bytes(range(256)) * 4096  # 1 MiB

        def save(data: bytes, directory: Path) -> None:
            directory.mkdir()
            (directory / "big.bin").write_bytes(data)

        return load_or_build(
            self.folder,
            files=[self.folder / "a.txt"],
            version="v",
            build=build,
            save=save,
            load=lambda directory: (directory / "big.bin").read_bytes(),
        )

    def big_file(self) -> Path:
        return next((self.folder / index_cache.CACHE_DIRNAME).glob("*/index/big.bin"))


def damage(path: Path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0xFF
    stat = path.stat()
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("where", [0.0, 0.37, 0.5, 1.0])
def test_damage_anywhere_in_a_large_file_is_caught_on_load(tmp_path: Path, where: float) -> None:
    saved = Saved(tmp_path)
    data, _ = saved.run()
    big = saved.big_file()
    damage(big, min(int(big.stat().st_size * where), big.stat().st_size - 1))
    again, status = saved.run()  # never served: rebuilt at once
    assert status is CacheStatus.REBUILT and saved.builds == 2
    assert again == data
    assert saved.run()[1] is CacheStatus.LOADED


def test_word_ids_are_term_of() -> None:
    from retrieval.tokenize import term_of

    words = [word for text in TRICKY for word in WORD.findall(text)]
    words += ["The", "it's", "IT'S", "'s", "ﬁnance", "İstanbul", "`", "a`b", "Ceasefires", "U2"]
    ids = bulk.TermIds()
    found = [ids._word_ids[word] for word in words + words]  # new, then known
    terms = ids._word_ids.terms
    expected = [term_of(word) for word in words + words]
    assert [terms[i] if i >= 0 else None for i in found] == expected


def test_cheap_parse_checks_match_what_they_replace() -> None:
    """word_count is len(str.split()); _ends_sentence is the old regex search for [...]$."""
    import random
    import re

    from retrieval.article_parser import _ends_sentence
    from retrieval.passages import word_count

    sentence_end = re.compile(r"[.!?…:;\"”’)\]]$")
    alphabet = list('ab .!?…:;"”’)],\n\t\r\x0b\x1c\x1f\x85\xa0\u2003\u2028\u3000\x1e')
    rng = random.Random(1)
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 9))) for _ in range(50_000)]
    texts += [*TRICKY, "Ends.\n", "two  spaces", " lead and trail "]
    for text in texts:
        assert word_count(text) == len(text.split()), repr(text)
        assert _ends_sentence(text) == bool(sentence_end.search(text)), repr(text)
