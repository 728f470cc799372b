"""Where seedbot may keep what it works out once per machine (compiled kernels, optimised
models): the user's cache folder, else a per-user folder in the temporary directory, and
whether a candidate folder can be written at all (a read-only install or home).

This module imports nothing heavy: it is asked at start, before numba or onnxruntime.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def writable(folder: Path) -> bool:
    """Whether ``folder`` exists or can be made, and takes a file (as numba checks it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def user_cache_home() -> Path:
    """The user's cache folder (the XDG rule, as appdirs reads it on Linux and macOS)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base)


def per_user_temp(name: str) -> Path:
    """A folder ``name`` of this user's in the temporary directory."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir(), f"{name}-{uid}")
