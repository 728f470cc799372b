"""Where numba keeps FastBM25's compiled kernels, so they are compiled once per machine.

numba caches a compiled function next to its source (``__pycache__``), else in the
user's cache folder, or in ``NUMBA_CACHE_DIR`` when that is set. Installed read-only
(a system site-packages, a container with a read-only home), none of these is writable
and numba refuses to cache at all: every process would compile again (seconds). Then
the cache goes to a folder of ours in the temporary directory, and when even that is
read-only the kernels are compiled without a cache rather than not at all.

This module must not import numba: it runs before ``kernels`` does, and ``cached`` is
asked at start whether the kernels must be compiled or only loaded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Final

from retrieval.cache_folders import per_user_temp, user_cache_home, writable

KERNELS_SOURCE: Final = Path(__file__).with_name("kernels.py")
# The kernel every query uses: its cache index tells whether the kernels were compiled.
INDEX_GLOB: Final = "kernels.top_k_maxscore-*.nbi"
FALLBACK_NAME: Final = "seedbot-numba-cache"


def _numba_subpath(source: Path) -> str:
    """The folder numba uses for ``source`` under a cache root (its own naming)."""
    parent = os.path.dirname(os.path.abspath(source))  # as numba spells it: no resolving
    return f"{os.path.basename(parent)}_{hashlib.sha1(parent.encode()).hexdigest()}"


def _user_cache_root() -> Path:
    """numba's user-wide cache root (appdirs' rule on Linux and macOS)."""
    return user_cache_home() / "numba"


def fallback_root() -> Path:
    """Our cache root when numba has none: per user, in the temporary directory."""
    return per_user_temp(FALLBACK_NAME)


def chosen_root(source: Path = KERNELS_SOURCE) -> Path | None:
    """The folder numba will cache ``source``'s kernels in, tried in numba's order, then
    ours; None when nothing is writable."""
    configured = os.environ.get("NUMBA_CACHE_DIR")
    candidates = [Path(configured) / _numba_subpath(source)] if configured else []
    candidates += [
        source.parent / "__pycache__",
        _user_cache_root() / _numba_subpath(source),
        fallback_root() / _numba_subpath(source),
    ]
    return next((folder for folder in candidates if writable(folder)), None)


def cached(source: Path = KERNELS_SOURCE) -> bool:
    """Whether the kernels were compiled and cached already (only loading is left)."""
    folder = chosen_root(source)
    return folder is not None and any(folder.glob(INDEX_GLOB))
