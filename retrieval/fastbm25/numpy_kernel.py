"""FastBM25's top-k in plain numpy: no numba to import, so usable from the first moment.

Used where numba is missing, and while ``retrieval.fastbm25.compiled`` is still loading
the compiled kernels (about a second after start). It sums each passage's score in the
query's term order in float32, as the compiled kernels do, so it ranks identically.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]


def top_k_numpy(
    indptr: npt.NDArray[np.int64],
    doc_ids: IntArray,
    scores: FloatArray,
    rows: npt.NDArray[np.int64],
    weights: FloatArray,
    acc: FloatArray,
    k: int,
) -> tuple[IntArray, FloatArray]:
    """``top_k_exhaustive`` in plain numpy, for machines without numba.

    The candidates come from the query's postings themselves, not from a scan of every
    passage: a passage is in at most ``len(rows)`` of them, so the ``k * len(rows)`` best
    postings (by the passage's summed score) hold every passage of the top k. That reads
    only the postings, where a mask over all passages read 140k bytes (1.4M at a million
    passages) a question: 0.20 ms instead of 0.28 at 140k passages
    (``python -m bench.numpy_kernel``).
    """
    if rows.size == 1:  # one term: its postings are the passages' scores, no sums needed
        lo, hi = int(indptr[rows[0]]), int(indptr[rows[0] + 1])
        return _best(doc_ids[lo:hi], np.float32(weights[0]) * scores[lo:hi], k)
    parts = []
    for n, (r, w) in enumerate(zip(rows.tolist(), weights.tolist(), strict=True)):
        lo, hi = int(indptr[r]), int(indptr[r + 1])
        # numpy converts int32 indices to intp at every fancy index (2-3x the indexing's
        # cost): converted once here, every gather and scatter below reads them as they are.
        ids = doc_ids[lo:hi].astype(np.intp)
        if n == 0:  # acc is all zeros: 0 + x is x, so the first term is set, not added
            acc[ids] = np.float32(w) * scores[lo:hi]
        else:
            acc[ids] += np.float32(w) * scores[lo:hi]
        parts.append(ids)
    posted = np.concatenate(parts)
    if not posted.size:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    summed = acc[posted]
    enough = k * len(parts)
    if posted.size > enough:  # the enough-th best posting bounds the k-th best passage
        cut = np.partition(summed, posted.size - enough)[posted.size - enough]
        cand = np.unique(posted[summed >= cut])
    else:
        cand = np.unique(posted)
    vals = acc[cand].copy()
    acc[posted] = 0.0
    return _best(cand.astype(np.int32), vals, k)


def _best(cand: IntArray, vals: FloatArray, k: int) -> tuple[IntArray, FloatArray]:
    """The k best of ``cand`` by ``vals`` and every tie at the cut, unsorted (the caller sorts)."""
    if cand.size > k:
        keep = np.argpartition(-vals, k - 1)[:k]
        keep = np.flatnonzero(vals >= vals[keep].min())
        cand, vals = cand[keep], vals[keep]
    return cand, vals
