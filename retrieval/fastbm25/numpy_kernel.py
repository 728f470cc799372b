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

    The passages touched are marked in a mask rather than found with ``np.unique`` over
    the rows' postings: one byte a passage to scan beat hashing the postings 5-19x at
    140k passages and 11-20x at 1.4M (~7 ms instead of ~70-150 ms a question there;
    ``python -m bench.numpy_kernel``).
    """
    touched = np.zeros(acc.shape[0], dtype=np.bool_)
    for r, w in zip(rows.tolist(), weights.tolist(), strict=True):
        lo, hi = int(indptr[r]), int(indptr[r + 1])
        ids = doc_ids[lo:hi]
        acc[ids] += np.float32(w) * scores[lo:hi]
        touched[ids] = True
    cand = np.flatnonzero(touched)  # ascending, as np.unique gave
    if not cand.size:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    vals = acc[cand].copy()
    acc[cand] = 0.0
    if cand.size > k:
        keep = np.argpartition(-vals, k - 1)[:k]
        keep = np.flatnonzero(vals >= vals[keep].min())  # all ties at the cut; caller sorts
        cand, vals = cand[keep], vals[keep]
    return cand.astype(np.int32), vals
