"""The per-query loops of FastBM25, compiled with numba when it is installed.

Two exact top-k strategies over CSR postings (rows sorted by passage index):

* ``top_k_maxscore`` walks the query's rows passage by passage (MaxScore,
  Turtle & Flood 1995). Once k passages are held, a row whose best possible
  contribution, added to those of all weaker rows, cannot beat the k-th score
  stops producing candidates and is only probed (by galloping search) for
  passages that the stronger rows found. Common words then cost almost
  nothing, which is what makes million-passage queries sub-millisecond.
* ``top_k_numpy`` (in ``numpy_kernel``, so that it needs no numba) sums whole rows
  with numpy, for machines without numba and while numba loads.

Both return the same passages: a passage's score is always summed in the
query's term order in float32, so equal passages tie exactly and the lower
index wins, as the Scorer protocol requires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

try:  # numba is optional: the numpy path gives the same ranking, only slower.
    import numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised when numba is absent
    numba = None  # type: ignore[assignment]
    HAVE_NUMBA = False

from retrieval.fastbm25 import kernel_cache
from retrieval.fastbm25.numpy_kernel import FloatArray, IntArray
from retrieval.fastbm25.numpy_kernel import top_k_numpy as top_k_numpy  # re-exported

F = TypeVar("F", bound=Callable[..., Any])

# Upper bounds are inflated by this share so that float32 rounding of a sum can
# never make a pruned passage one that should have been kept.
SAFETY = 1e-5
_NO_DOC = np.iinfo(np.int32).max

Score = float | np.floating[Any]


# Cached where numba can write, or in our fallback folder (``kernel_cache``); with no
# writable folder at all, compiled in every process rather than refused.
CACHE_ROOT = kernel_cache.chosen_root() if HAVE_NUMBA else None
if CACHE_ROOT is not None and CACHE_ROOT.is_relative_to(kernel_cache.fallback_root()):
    setattr(numba.config, "CACHE_DIR", str(kernel_cache.fallback_root()))  # noqa: B010


def _jit(fn: F) -> F:
    """Compile with numba (cached on disk when a folder allows, GIL released) when available."""
    if HAVE_NUMBA:
        compile = numba.njit(cache=CACHE_ROOT is not None, nogil=True)
        return compile(fn)  # type: ignore[return-value]
    return fn  # pragma: no cover


@_jit
def _heap_push(heap_s: FloatArray, heap_d: IntArray, filled: int, s: Score, d: int) -> None:
    """Insert into a min-heap whose root is the worst kept passage (lowest score, then highest index)."""
    pos = filled
    while pos > 0:
        parent = (pos - 1) // 2
        ps = heap_s[parent]
        pd = heap_d[parent]
        if s < ps or (s == ps and d > pd):
            heap_s[pos] = ps
            heap_d[pos] = pd
            pos = parent
        else:
            break
    heap_s[pos] = s
    heap_d[pos] = d


@_jit
def _heap_replace_root(heap_s: FloatArray, heap_d: IntArray, size: int, s: Score, d: int) -> None:
    """Drop the worst kept passage for a better one."""
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size:
            s1 = heap_s[child + 1]
            d1 = heap_d[child + 1]
            if s1 < heap_s[child] or (s1 == heap_s[child] and d1 > heap_d[child]):
                child += 1
        cs = heap_s[child]
        cd = heap_d[child]
        if cs < s or (cs == s and cd > d):
            heap_s[pos] = cs
            heap_d[pos] = cd
            pos = child
        else:
            break
    heap_s[pos] = s
    heap_d[pos] = d


@_jit
def _seek(doc_ids: IntArray, p: int, hi: int, d: int) -> int:
    """The first position in [p, hi) whose passage is >= d (galloping, then binary search)."""
    if p >= hi or doc_ids[p] >= d:
        return p
    step = 1
    while p + step < hi and doc_ids[p + step] < d:
        p += step
        step *= 2
    lo = p + 1
    up = min(p + step, hi)
    while lo < up:
        mid = (lo + up) >> 1
        if doc_ids[mid] < d:
            lo = mid + 1
        else:
            up = mid
    return lo


@_jit
def top_k_maxscore(
    indptr: npt.NDArray[np.int64],
    doc_ids: IntArray,
    scores: FloatArray,
    rows: npt.NDArray[np.int64],
    weights: FloatArray,
    bounds: npt.NDArray[np.float64],
    k: int,
) -> tuple[IntArray, FloatArray]:
    """The k best passages for the query rows, exactly, skipping what cannot enter the top k.

    ``bounds[j]`` is an upper bound of row j's contribution (weight x its best score).
    Returns unsorted (indices, scores).
    """
    m = rows.shape[0]
    order = np.argsort(bounds)  # weakest row first
    start = np.empty(m, np.int64)
    end = np.empty(m, np.int64)
    w = np.empty(m, np.float32)
    cum = np.empty(m, np.float64)  # cum[i]: bound of rows 0..i together
    running = 0.0
    for i in range(m):
        j = order[i]
        start[i] = indptr[rows[j]]
        end[i] = indptr[rows[j] + 1]
        w[i] = weights[j]
        running += bounds[j] * (1.0 + SAFETY)
        cum[i] = running
    pos = start.copy()
    contrib = np.zeros(m, np.float32)  # by query order, so sums are order-independent
    heap_s = np.empty(k, np.float32)
    heap_d = np.empty(k, np.int32)
    filled = 0
    theta = -1.0  # every score is > 0
    first = 0  # rows first..m-1 are "essential": they propose candidates
    while first < m:
        d = _NO_DOC
        for i in range(first, m):
            if pos[i] < end[i]:
                x = doc_ids[pos[i]]
                if x < d:
                    d = x
        if d == _NO_DOC:
            break
        partial = 0.0
        for i in range(first, m):
            p = pos[i]
            if p < end[i] and doc_ids[p] == d:
                c = w[i] * scores[p]
                contrib[order[i]] = c
                partial += c
                pos[i] = p + 1
        alive = True
        for i in range(first - 1, -1, -1):
            if (partial + cum[i]) * (1.0 + SAFETY) < theta:
                alive = False
                break
            p = _seek(doc_ids, pos[i], end[i], d)
            pos[i] = p
            if p < end[i] and doc_ids[p] == d:
                c = w[i] * scores[p]
                contrib[order[i]] = c
                partial += c
                pos[i] = p + 1
        if alive:
            s = np.float32(0.0)
            for j in range(m):
                s += contrib[j]
            if filled < k:
                _heap_push(heap_s, heap_d, filled, s, d)
                filled += 1
            elif s > heap_s[0]:  # later passages lose ties, so strictly better only
                _heap_replace_root(heap_s, heap_d, k, s, d)
            if filled == k:
                theta = heap_s[0]
                while first < m and cum[first] * (1.0 + SAFETY) < theta:
                    first += 1
        for j in range(m):
            contrib[j] = 0.0
    return heap_d[:filled], heap_s[:filled]


@_jit
def top_k_exhaustive(
    indptr: npt.NDArray[np.int64],
    doc_ids: IntArray,
    scores: FloatArray,
    rows: npt.NDArray[np.int64],
    weights: FloatArray,
    acc: FloatArray,
    k: int,
) -> tuple[IntArray, FloatArray]:
    """Sum every posting of the query rows into ``acc``, then keep the k best (for comparison).

    ``acc`` is all zeros on entry and on exit. Returns unsorted (indices, scores).
    """
    total = 0
    for r in rows:
        total += indptr[r + 1] - indptr[r]
    touched = np.empty(total, dtype=np.int32)
    n_touched = 0
    for j in range(rows.shape[0]):
        r = rows[j]
        wj = weights[j]
        for p in range(indptr[r], indptr[r + 1]):
            d = doc_ids[p]
            if acc[d] == 0.0:
                touched[n_touched] = d
                n_touched += 1
            acc[d] += wj * scores[p]
    heap_s = np.empty(k, dtype=np.float32)
    heap_d = np.empty(k, dtype=np.int32)
    filled = 0
    for i in range(n_touched):
        d = touched[i]
        s = acc[d]
        acc[d] = 0.0
        if filled < k:
            _heap_push(heap_s, heap_d, filled, s, d)
            filled += 1
        elif s > heap_s[0] or (s == heap_s[0] and d < heap_d[0]):
            _heap_replace_root(heap_s, heap_d, k, s, d)
    return heap_d[:filled], heap_s[:filled]


def warm_up() -> None:
    """Load the compiled MaxScore kernel (from numba's disk cache) for a saved index's arrays.

    Saved indexes are memory-mapped read-only, and numba compiles (and caches) one
    version per array type, so the arrays here are read-only too. Lets the ~0.5 s
    load overlap other start-up work (``retrieval.index_cache.start_loading_kernels``).
    """
    if not HAVE_NUMBA:
        return  # pragma: no cover
    indptr = np.array([0, 1], dtype=np.int64)
    doc_ids = np.zeros(1, dtype=np.int32)
    scores = np.ones(1, dtype=np.float32)
    for array in (indptr, doc_ids, scores):
        array.setflags(write=False)
    rows = np.zeros(1, dtype=np.int64)
    weights = np.ones(1, dtype=np.float32)
    top_k_maxscore(indptr, doc_ids, scores, rows, weights, weights.astype(np.float64), 1)
