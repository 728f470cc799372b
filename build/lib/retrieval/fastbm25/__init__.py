"""BM25Okapi for large corpora: precomputed postings, pruned top-k queries."""

from retrieval.fastbm25.index import FastBM25

__all__ = ["FastBM25"]
