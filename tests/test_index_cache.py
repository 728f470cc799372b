"""The saved index is used only when it is sound and built for exactly these articles."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from retrieval import index_cache
from retrieval.fastbm25 import FastBM25
from retrieval.index_cache import CacheStatus, load_or_build, load_or_build_fast


def write_corpus(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    texts = {
        "a.txt": "Ukraine agreed to a ceasefire in March.",
        "b.txt": "Russia fired missiles at Sumy.",
        "sub/c.md": "Energy infrastructure was targeted by drones.",
    }
    paths = []
    for name, text in texts.items():
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


class Calls:
    """A tiny index (the article texts) whose build and load calls are counted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.builds = 0
        self.loads = 0

    def files(self) -> list[Path]:
        return sorted(
            p
            for p in self.folder.rglob("*")
            if p.is_file() and index_cache.CACHE_DIRNAME not in p.parts
        )

    def build(self) -> list[str]:
        self.builds += 1
        return [p.read_text("utf-8") for p in self.files()]

    @staticmethod
    def save(index: list[str], directory: Path) -> None:
        directory.mkdir()
        (directory / "texts.txt").write_text("\n".join(index), "utf-8")

    def load(self, directory: Path) -> list[str]:
        self.loads += 1
        return (directory / "texts.txt").read_text("utf-8").split("\n")

    def run(self, version: str = "v1") -> tuple[list[str], CacheStatus]:
        return load_or_build(
            self.folder,
            files=self.files(),
            version=version,
            build=self.build,
            save=self.save,
            load=self.load,
        )


def generations(folder: Path) -> list[Path]:
    return [p for p in (folder / index_cache.CACHE_DIRNAME).iterdir() if p.is_dir()]


def test_builds_once_then_loads(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    calls = Calls(tmp_path)
    first, status = calls.run()
    assert status is CacheStatus.BUILT and calls.builds == 1
    second, status = calls.run()
    assert status is CacheStatus.LOADED and calls.builds == 1
    assert second == first


def test_touch_alone_does_not_rebuild_but_an_edit_does(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path)
    calls = Calls(tmp_path)
    calls.run()
    os.utime(paths[0], ns=(1, 1))  # new mtime, same content
    assert calls.run()[1] is CacheStatus.LOADED
    stat = paths[1].stat()
    paths[1].write_text("Russia fired missiles at Kyiv!", "utf-8")  # same size
    os.utime(paths[1], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    index, status = calls.run()
    assert status is CacheStatus.REBUILT and calls.builds == 2
    assert "Russia fired missiles at Kyiv!" in index
    assert len(generations(tmp_path)) == 1  # the stale generation was removed


def test_added_file_and_version_change_rebuild(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    calls = Calls(tmp_path)
    calls.run()
    (tmp_path / "d.txt").write_text("New article.", "utf-8")
    assert calls.run()[1] is CacheStatus.REBUILT
    assert calls.run(version="v2")[1] is CacheStatus.REBUILT
    assert calls.builds == 3


def test_damaged_index_is_rebuilt_never_used(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    calls = Calls(tmp_path)
    calls.run()
    saved = generations(tmp_path)[0] / "index" / "texts.txt"
    data = bytearray(saved.read_bytes())
    data[0] ^= 0xFF  # same size, other bytes
    saved.write_bytes(bytes(data))
    index, status = calls.run()
    assert status is CacheStatus.REBUILT
    assert calls.loads == 2  # each build's result, never the damaged one
    assert index[0].startswith("Ukraine")


@pytest.mark.parametrize("damage", ["delete_manifest", "truncate_manifest", "delete_file"])
def test_unfinished_or_missing_files_rebuild(tmp_path: Path, damage: str) -> None:
    write_corpus(tmp_path)
    calls = Calls(tmp_path)
    calls.run()
    generation = generations(tmp_path)[0]
    if damage == "delete_manifest":
        (generation / index_cache.MANIFEST).unlink()
    elif damage == "truncate_manifest":
        (generation / index_cache.MANIFEST).write_text('{"format": 1, "fingerp', "utf-8")
    else:
        (generation / "index" / "texts.txt").unlink()
    assert calls.run()[1] is CacheStatus.REBUILT
    assert calls.run()[1] is CacheStatus.LOADED


def test_failing_load_counts_as_damaged(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    calls = Calls(tmp_path)
    calls.run()

    working = calls.load
    failures: list[Path] = []

    def broken_once(directory: Path) -> list[str]:
        if not failures:
            failures.append(directory)
            raise ValueError("bad header")
        return working(directory)

    calls.load = broken_once  # type: ignore[method-assign]
    assert calls.run()[1] is CacheStatus.REBUILT
    assert calls.builds == 2 and failures


def test_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    fingerprint = index_cache.fingerprint(tmp_path, sorted(tmp_path.glob("*.txt")), "v1")

    def fill(directory: Path) -> None:
        (directory / "half.npy").write_bytes(b"x")
        raise RuntimeError("disk full")

    root = tmp_path / index_cache.CACHE_DIRNAME
    with pytest.raises(RuntimeError):
        index_cache.write_atomically(root, "gen", fill, fingerprint)
    assert list(root.iterdir()) == []


def test_load_or_build_fast(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path)
    texts = [p.read_text("utf-8") for p in paths]
    index, status = load_or_build_fast(
        tmp_path, files=paths, texts=lambda: texts, n_passages=3, version="tok-1", workers=1
    )
    assert status is CacheStatus.BUILT
    again, status = load_or_build_fast(
        tmp_path, files=paths, texts=lambda: texts, n_passages=3, version="tok-1"
    )
    assert status is CacheStatus.LOADED
    assert isinstance(again, FastBM25) and isinstance(again.scores.base, np.memmap)
    assert again.top(["missil"], 3) == index.top(["missil"], 3)
    # An index of another passage list is never used.
    _, status = load_or_build_fast(
        tmp_path, files=paths, texts=lambda: [*texts, "more"], n_passages=4, version="tok-1"
    )
    assert status is CacheStatus.REBUILT


def test_the_saved_format_is_unchanged() -> None:
    """Digests name saved indexes: the same as before the fingerprints moved to their own
    module (a valid UTF-8 name hashes as it always did), so a saved index stays in use."""
    from retrieval.fingerprints import FileStamp, Fingerprint

    stamps = (FileStamp("a.txt", 12, 5, "ab" * 32), FileStamp("sub/é.md", 7, 9, "cd" * 32))
    digest = Fingerprint("tok=1|passages=5", stamps).digest
    assert digest == "e0ac02b0bce9a2967a2410635f25c7b4514116dbdc398daf313002c968b3dcf8"
