"""FastBM25's compiled (numba) kernels, loaded in the background at start.

Importing numba and loading the cached kernels takes about a second, most of a
start with a saved index. ``start_loading`` does it in a daemon thread; until it
is done, queries use the numpy kernel (``numpy_kernel``), which ranks identically,
only slower. An index used without a loader started (built in a test, say) loads
the kernels on its first query, as before.
"""

from __future__ import annotations

import threading
from types import ModuleType

_lock = threading.Lock()
_thread: threading.Thread | None = None
_kernels: ModuleType | None = None


def ready() -> ModuleType | None:
    """The kernels module once it is imported and warmed up, else None."""
    return _kernels


def loading() -> bool:
    """Whether a background load is under way."""
    thread = _thread
    return thread is not None and thread.is_alive() and _kernels is None


def load_now() -> ModuleType:
    """The kernels module, imported and warmed up now (waits for a load under way)."""
    global _kernels
    from retrieval.fastbm25 import kernels

    kernels.warm_up()
    _kernels = kernels
    return kernels


def start_loading() -> threading.Thread | None:
    """Load the kernels in a daemon thread, once; None when they are loaded already."""
    global _thread
    with _lock:
        if _kernels is not None:
            return None
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=load_now, name="load FastBM25 kernels", daemon=True)
            _thread.start()
        return _thread


def wait() -> None:
    """Wait for a background load (before forking, in tests and benchmarks)."""
    thread = _thread
    if thread is not None:
        thread.join()
