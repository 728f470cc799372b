"""Hostile folders load safely (issue 16): YAML alias bombs, file names that are not UTF-8,
a huge article without punctuation, links out of the folder, FIFOs and link loops."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from retrieval import passage_store
from retrieval.corpus import load_corpus, parse_article, scan_article_files
from retrieval.fingerprints import fingerprint
from retrieval.front_matter import MAX_ALIASES
from retrieval.index_cache import CacheStatus
from retrieval.passage_store import load_corpus_cached
from retrieval.passages import MAX_PASSAGE_CHARS, MAX_SENTENCE_CHARS

ARTICLE = "The ferry leaves at seven every morning from the pier, the harbour master said.\n"
BAD_NAME = os.fsdecode(b"caf\xe9 notes.txt")  # Latin-1 bytes: not UTF-8


def alias_bomb(levels: int) -> str:
    """The 369-byte front matter of the report: each level repeats the one before 9 times."""
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for level in range(levels):
        name = chr(ord("b") + level)
        lines.append(f"{name}: &{name} [{','.join(f'*{previous}' for _ in range(9))}]")
        previous = name
    return "\n".join([*lines, "title: Bomb", "---", ARTICLE])


def test_a_yaml_alias_bomb_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "bomb.md").write_text(alias_bomb(7), "utf-8")  # 39 MB of JSON, before
    (tmp_path / "good.txt").write_text(ARTICLE, "utf-8")
    corpus = load_corpus(tmp_path)  # how fast: python -m bench.hostile_corpus
    assert [s.file for s in corpus.sources] == ["good.txt"]
    (problem,) = corpus.problems
    assert problem.file == "bomb.md" and "aliases" in problem.reason


def test_front_matter_limits_keep_ordinary_headers(tmp_path: Path) -> None:
    few = "---\nbase: &base [one, two]\ntags: *base\nmore: *base\n---\n" + ARTICLE
    article = parse_article(few, "a.md", markdown=True)
    assert dict(article.source.extra) == {
        "base": "one, two",
        "tags": "one, two",
        "more": "one, two",
    }
    many = "---\nx: &x 1\n" + "".join(f"k{i}: *x\n" for i in range(MAX_ALIASES + 1)) + "---\n"
    (tmp_path / "many.md").write_text(many + ARTICLE, "utf-8")
    deep = "---\nx: " + "[" * 30 + "]" * 30 + "\n---\n"
    (tmp_path / "deep.md").write_text(deep + ARTICLE, "utf-8")
    huge = "---\nnote: " + "x" * 70_000 + "\n---\n"
    (tmp_path / "huge.md").write_text(huge + ARTICLE, "utf-8")
    problems = {p.file: p.reason for p in load_corpus(tmp_path).problems}
    assert "aliases" in problems["many.md"]
    assert "nested" in problems["deep.md"]
    assert "longer than" in problems["huge.md"]


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_a_file_name_that_is_not_utf8_is_read_shown_and_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passage_store, "CACHE_MIN_BYTES", 1_000)  # the 1 MB path, small
    (tmp_path / BAD_NAME).write_text(ARTICLE * 20, "utf-8")
    (tmp_path / "plain.txt").write_text(ARTICLE, "utf-8")
    listing = scan_article_files(tmp_path)
    shown = "caf\ufffd notes.txt"
    assert [file.relative for file in listing] == [shown, "plain.txt"]
    assert fingerprint(tmp_path, listing, "v").digest  # crashed with UnicodeEncodeError
    corpus, status = load_corpus_cached(tmp_path, version="v")
    assert status is CacheStatus.BUILT
    again, status = load_corpus_cached(tmp_path, version="v")
    assert status is CacheStatus.LOADED
    assert [s.file for s in again.sources] == [shown, "plain.txt"]
    first = again.passages[0]
    assert first.id == f"{shown}#p1.1" and first.id == corpus.passages[0].id  # stable
    data = json.dumps(first.source.to_json(), ensure_ascii=False)
    assert data.encode("utf-8")  # valid UTF-8: no surrogate is left to encode
    assert [s.file for s in load_corpus(tmp_path).sources] == [shown, "plain.txt"]


def test_a_huge_article_without_punctuation_is_cut_into_small_passages() -> None:
    words = " ".join(f"word{i % 997}" for i in range(730_000))  # 5.8 MB on one line
    article = parse_article(words + "\n", "huge.txt")  # how fast: bench.hostile_corpus
    texts = [p.text for p in article.passages]
    assert max(map(len, texts)) <= MAX_PASSAGE_CHARS
    assert all(len(s) <= MAX_SENTENCE_CHARS for p in article.passages for s in p.sentences)
    assert " ".join(texts) == words  # verbatim: cut at spaces, nothing lost


def test_a_word_longer_than_a_sentence_is_cut_too() -> None:
    article = parse_article("x" * 5_000 + " and the rest.\n", "long.txt")
    assert all(len(s) <= MAX_SENTENCE_CHARS for p in article.passages for s in p.sentences)
    assert "".join(s for p in article.passages for s in p.sentences).startswith("x" * 5_000)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs symbolic links and FIFOs")
def test_links_out_of_the_folder_are_never_read_and_every_skip_is_reported(
    tmp_path: Path,
) -> None:
    corpus_dir = tmp_path / "articles"
    (corpus_dir / "sub").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("The secret password is swordfish, said the keeper of the keys.\n")
    (corpus_dir / "real.txt").write_text(ARTICLE, "utf-8")
    (corpus_dir / "inside.txt").symlink_to(corpus_dir / "real.txt")  # inside: fine
    (corpus_dir / "out.txt").symlink_to(secret)
    (corpus_dir / "hostname.txt").symlink_to("/etc/hostname")
    (corpus_dir / "dangling.txt").symlink_to(corpus_dir / "gone.txt")
    (corpus_dir / "loop.txt").symlink_to(corpus_dir / "loop.txt")
    (corpus_dir / "folder-link").symlink_to(corpus_dir / "sub", target_is_directory=True)
    os.mkfifo(corpus_dir / "pipe.txt")
    corpus = load_corpus(corpus_dir)
    assert [s.file for s in corpus.sources] == ["inside.txt", "real.txt"]
    assert not any("swordfish" in p.text for p in corpus.passages)
    reasons = {p.file: p.reason for p in corpus.problems}
    assert set(reasons) == {
        "out.txt",
        "hostname.txt",
        "dangling.txt",
        "loop.txt",
        "folder-link",
        "pipe.txt",
    }
    assert "outside the articles folder" in reasons["out.txt"]
    assert "outside the articles folder" in reasons["hostname.txt"]
    assert "dangling" in reasons["dangling.txt"]
    assert "FIFO" in reasons["pipe.txt"]
    assert "folder" in reasons["folder-link"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs symbolic links and FIFOs")
def test_the_saved_store_reports_skipped_entries_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passage_store, "CACHE_MIN_BYTES", 1_000)
    secret = tmp_path / "secret.txt"
    secret.write_text("swordfish " * 10)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "real.txt").write_text(ARTICLE * 20, "utf-8")
    (folder / "out.txt").symlink_to(secret)
    for expected in (CacheStatus.BUILT, CacheStatus.LOADED):
        corpus, status = load_corpus_cached(folder, version="v")
        assert status is expected
        assert [p.file for p in corpus.problems] == ["out.txt"]
        assert [s.file for s in corpus.sources] == ["real.txt"]


def test_a_sub_folder_that_cannot_be_read_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, "utf-8")
    scandir = os.scandir

    def refusing(path: str) -> object:  # what chmod 0 does, for root too
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    corpus = load_corpus(tmp_path)
    assert [s.file for s in corpus.sources] == ["b.txt"]
    assert [(p.file, p.reason) for p in corpus.problems] == [
        ("locked", "is a folder that could not be read (Permission denied)")
    ]


def test_a_link_inside_the_folder_is_fingerprinted_from_a_relative_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrieval.corpus import article_files

    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "real.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "articles" / "link.txt").symlink_to(tmp_path / "articles" / "real.txt")
    monkeypatch.chdir(tmp_path)
    folder = Path("articles")  # relative, while the link resolves to an absolute path
    assert fingerprint(folder, article_files(folder), "v").digest
    assert fingerprint(folder, scan_article_files(folder), "v").digest
