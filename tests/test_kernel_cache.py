"""FastBM25's compiled kernels: cached even when numba's own folders are read-only, and
used from the first query after they are ready, by a batch already under way too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.fastbm25 import FastBM25, compiled, index, kernel_cache, kernels
from tests.paths import ROOT

needs_numba = pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba is not installed")
# A child compiling the kernels took ~100 s on the busy 2-core machine: more than the
# suite's 120 s a test when it compiles twice.
COMPILE_SECONDS = 280


def read_only_install(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of ``retrieval`` whose ``__pycache__`` folders and user cache cannot be made.

    A file stands where each folder would go: that stops root too, which chmod does not.
    """
    tree = tmp_path / "site"
    shutil.copytree(
        ROOT / "retrieval", tree / "retrieval", ignore=shutil.ignore_patterns("__pycache__")
    )
    for package in (tree / "retrieval", tree / "retrieval" / "fastbm25"):
        (package / "__pycache__").write_text("not a folder")
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    (tmp_path / "tmp").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(blocked / "home"),
        "XDG_CACHE_HOME": str(blocked / "cache"),
        "NUMBA_CACHE_DIR": str(blocked / "numba"),
        "TMPDIR": str(tmp_path / "tmp"),
    }
    return tree, env


def run(code: str, tree: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMPILE_SECONDS,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@needs_numba
@pytest.mark.timeout(2 * COMPILE_SECONDS)
def test_a_read_only_install_caches_the_kernels_in_the_temporary_folder(tmp_path: Path) -> None:
    tree, env = read_only_install(tmp_path)
    first = run(
        "from retrieval.fastbm25 import compiled, kernels;"
        "assert compiled.compile_ahead();"
        "print(kernels.CACHE_ROOT)",
        tree,
        env,
    )
    uid = os.getuid()
    assert Path(first).is_relative_to(tmp_path / "tmp" / f"{kernel_cache.FALLBACK_NAME}-{uid}")
    assert list(Path(first).glob(kernel_cache.INDEX_GLOB))
    # The next process finds them: it loads the kernel from the cache, it does not compile.
    second = run(
        "from retrieval.fastbm25 import compiled, kernel_cache;"
        "assert kernel_cache.cached();"
        "k = compiled.load_now();"
        "print(sum(k.top_k_maxscore.stats.cache_hits.values()))",
        tree,
        env,
    )
    assert int(second) >= 1


@needs_numba
@pytest.mark.timeout(2 * COMPILE_SECONDS)
def test_with_no_writable_folder_at_all_the_kernels_compile_uncached(tmp_path: Path) -> None:
    tree, env = read_only_install(tmp_path)
    out = run(
        "import tempfile; tempfile.tempdir = '/proc/seedbot-no-such-folder';"
        "from retrieval.fastbm25 import compiled, kernels;"
        "assert not compiled.compile_ahead();"
        "import numpy as np;"
        "print(kernels.CACHE_ROOT, compiled.ready() is kernels)",
        tree,
        env,
    )
    assert out == "None True"


@pytest.fixture
def fresh_loader(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The loader's state as at a start, with a load that waits for the returned event."""
    monkeypatch.setattr(compiled, "_kernels", None)
    monkeypatch.setattr(compiled, "_thread", None)
    monkeypatch.setattr(compiled, "_declined", False)
    go = threading.Event()

    def slow_load(compile_first: bool) -> None:
        assert go.wait(60)
        compiled.load_now()

    monkeypatch.setattr(compiled, "_load", slow_load)
    return go


@needs_numba
def test_a_batch_switches_to_the_compiled_kernel_as_soon_as_it_is_ready(
    fresh_loader: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[str] = []

    def counting(name: str, kernel: Any) -> Any:
        def wrapped(*args: Any) -> Any:
            used.append(name)
            return kernel(*args)

        return wrapped

    monkeypatch.setattr(index, "top_k_numpy", counting("numpy", index.top_k_numpy))
    monkeypatch.setattr(kernels, "top_k_maxscore", counting("maxscore", kernels.top_k_maxscore))
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(50)]
    fast = FastBM25.build([list(rng.choice(words, size=12)) for _ in range(300)])
    thread = compiled.start_loading()
    assert thread is not None and compiled.loading()
    while_loading = fast.top(["w1", "w2", "w3"], 5)
    fresh_loader.set()
    thread.join(60)
    once_ready = fast.top(["w1", "w2", "w3"], 5)
    assert used[0] == "numpy" and used.count("numpy") == 1  # (the warm-up ran maxscore too)
    assert used[-1] == "maxscore"
    assert once_ready == while_loading  # the same ranking either way


def test_an_uncached_kernel_is_compiled_in_a_child_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[str] = []
    monkeypatch.setattr(compiled, "_kernels", None)
    monkeypatch.setattr(compiled, "_thread", None)
    monkeypatch.setattr(compiled, "_declined", False)
    monkeypatch.setattr(compiled, "compile_in_child", lambda: steps.append("child") or True)
    monkeypatch.setattr(compiled, "load_now", lambda: steps.append("load"))
    for cached in (False, True):
        monkeypatch.setattr(kernel_cache, "cached", lambda cached=cached: cached)
        thread = compiled.start_loading()
        assert thread is not None
        thread.join(60)
    assert steps == ["child", "load", "load"]


@needs_numba
@pytest.mark.parametrize("cached", [True, False])
def test_a_batch_waits_for_a_load_from_the_cache_but_never_for_a_compile(
    fresh_loader: threading.Event, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    monkeypatch.setattr(kernel_cache, "cached", lambda: cached)
    thread = compiled.start_loading()
    assert thread is not None
    threading.Timer(0.2, fresh_loader.set).start()  # the load ends while the batch waits
    try:
        ready = compiled.wait_if_cached()
        assert ready is cached  # compiling: the batch starts at once, with the numpy kernel
        assert compiled.loading() is not cached
    finally:
        fresh_loader.set()
        thread.join(60)
    assert compiled.ready() is kernels


def test_a_process_that_declines_the_kernels_ranks_with_numpy_and_loads_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compiled, "_kernels", None)
    monkeypatch.setattr(compiled, "_thread", None)
    monkeypatch.setattr(compiled, "_declined", False)
    loads: list[str] = []
    monkeypatch.setattr(compiled, "load_now", lambda: loads.append("load"))
    used: list[str] = []
    real = index.top_k_numpy
    monkeypatch.setattr(index, "top_k_numpy", lambda *a: used.append("numpy") or real(*a))
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(50)]
    fast = FastBM25.build([list(rng.choice(words, size=12)) for _ in range(300)])
    with compiled.declining():
        assert compiled.start_loading() is None
        fast.top(["w1", "w2"], 5)
    assert used == ["numpy"]
    assert loads == []
    assert not compiled.declined()  # only within: a later engine in the process loads them
