"""FastBM25's compiled (numba) kernels, ready from the first question.

Importing numba and loading the cached kernels takes about a second, most of a start
with a saved index; compiling them, when nothing is cached yet (a fresh install), takes
several. ``start_loading`` does either in a daemon thread; until it is done, queries use
the numpy kernel (``numpy_kernel``), which ranks identically, only slower, and every
query asks again (``ready``), so a batch under way switches to the compiled kernel with
its next question. A compile runs in a child process (``python -m
retrieval.fastbm25.compiled``): numba's compiler holds the GIL for seconds, which would
slow the questions answered meanwhile, while a child runs on the other core. Then this
process only loads the cache.

``seedbot index`` waits for such a load (``start_loading``, then ``wait``), so that a fresh
install's first run with its index starts with the compiled kernel too; a batch and the
bot's warm-up wait for a load from the cache (``wait_if_cached``, ~0.5-1 s) rather than
rank their first dozens of questions ~10x slower, but never for a compile; ``compile_ahead``
compiles into the cache at once (the child, installers). An index
used without a loader started (built in a test, say) loads the kernels on its first
query.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from retrieval.fastbm25 import kernel_cache

log = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_kernels: ModuleType | None = None
_compiling = False  # whether the background load compiles first (nothing was cached)
_declined = False  # too few questions for the kernels to pay (``declining``)
_PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where ``retrieval`` is importable


def ready() -> ModuleType | None:
    """The kernels module once it is imported and warmed up, else None."""
    return _kernels


@contextmanager
def declining() -> Iterator[None]:
    """Within: this process answers one question, so it ranks it with the numpy kernel
    (~0.1 s at a million passages) rather than load the compiled kernels (~0.5-1 s of
    start-up, most of it holding the GIL, which slows the index's loading beside it).
    ``start_loading`` loads nothing meanwhile. Enter before the engine is built."""
    global _declined
    _declined = True
    try:
        yield
    finally:
        _declined = False


def declined() -> bool:
    """Whether the process is ``declining`` the compiled kernels."""
    return _declined


def loading() -> bool:
    """Whether a background load is under way."""
    thread = _thread
    return thread is not None and thread.is_alive() and _kernels is None


def load_now() -> ModuleType:
    """The kernels module, imported and warmed up now (compiled and cached if need be)."""
    global _kernels
    from retrieval.fastbm25 import kernels

    kernels.warm_up()
    _kernels = kernels
    return kernels


def compile_ahead() -> bool:
    """Compile the kernels into numba's disk cache now, unless cached; whether they are.

    For ``seedbot index`` and installers: every later process then only loads them.
    """
    kernels = load_now()
    return kernels.HAVE_NUMBA and kernels.CACHE_ROOT is not None


def compile_in_child() -> bool:
    """Compile and cache the kernels in a child process; whether it succeeded."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "retrieval.fastbm25.compiled"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        log.info("Could not compile FastBM25's kernels in a child process: %s", error)
        return False
    if done.returncode != 0:
        log.info("Compiling FastBM25's kernels in a child process failed: %s", done.stderr[-500:])
    return done.returncode == 0


def _load(compile_first: bool) -> None:
    """Compile in a child when nothing is cached, then load here (from the cache)."""
    if compile_first:
        compile_in_child()  # on failure, load_now compiles here instead
    load_now()


def start_loading() -> threading.Thread | None:
    """Load the kernels in a daemon thread, once; None when they are loaded already (or
    declined)."""
    global _thread, _compiling
    with _lock:
        if _kernels is not None or _declined:
            return None
        if _thread is None or not _thread.is_alive():
            # Decided here, not in the thread: a compile writes the cache function by
            # function, so "cached" turns true long before the compile is over.
            _compiling = not kernel_cache.cached()
            _thread = threading.Thread(
                target=_load, args=(_compiling,), name="load FastBM25 kernels", daemon=True
            )
            _thread.start()
        return _thread


def wait() -> None:
    """Wait for a background load (before forking, in tests and benchmarks)."""
    thread = _thread
    if thread is not None:
        thread.join()


def wait_if_cached() -> bool:
    """Wait for a background load when it only reads numba's cache; whether the kernels
    are ready. A compile (nothing cached yet: seconds) is not waited for: queries use
    the numpy kernel meanwhile and switch when it is done."""
    if _kernels is None and loading() and not _compiling:
        wait()
    return _kernels is not None


if __name__ == "__main__":  # what ``compile_in_child`` runs; exit 1 when nothing is cached
    sys.exit(0 if compile_ahead() else 1)
