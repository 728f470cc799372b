"""BM25Okapi for large corpora: precomputed postings, pruned top-k queries.

``FastBM25`` is imported on first use, so that ``retrieval.fastbm25.bulk`` (tokenizing,
used while articles are parsed) does not load numba.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrieval.fastbm25.index import FastBM25

__all__ = ["FastBM25"]


def __getattr__(name: str) -> Any:
    if name == "FastBM25":
        from retrieval.fastbm25.index import FastBM25

        return FastBM25
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
