"""BM25's top n passages without scoring every posting (MaxScore), and exact scores of given
passages without a dense array of every passage's score.

Why hand-written: the exhaustive way (``LexicalIndex.scores``) adds every query word's whole
postings into an array of one float32 per passage and then picks the best n out of it; at 5
million passages that is most of a query's time. bm25s's own top-k does the same dense
scoring first. MaxScore (Turtle & Flood 1995) walks the postings passage by passage in
passage order, keeping the n best so far: once the n-th best score is at least the sum of
the upper bounds (``max_impact.npy``, each word's highest score) of the words with the lowest
bounds, a passage holding only those words cannot enter, so their postings are no longer
walked, only probed (galloping search) for the passages the other words bring; a passage
whose score so far plus the bounds of the words not yet probed cannot beat the n-th best is
dropped before probing them.

The result equals the exhaustive one bit for bit: a passage's score is the float32 sum of
its words' scores in the QUERY's word order (as ``scores`` adds them; adding 0.0 for a word
it lacks changes nothing), the ties go to the lower passage number (passages come in
ascending order, so a later one must score strictly higher than the n-th best to enter),
only passages inside the mask and with a positive score count. The pruning tests compare
float64 sums of bounds, widened by ``SLACK`` for float32 rounding (at most about 2^-24 per
added word), so rounding never drops a passage that belongs in the list.
"""
from __future__ import annotations

import numpy as np

SLACK = 1.0 + 1e-4      # float32 sums of up to hundreds of words err far less than this

_kernel = None


def _compiled():
    """The numba kernel, compiled (or read from numba's cache) on first use: importing numba
    costs a second, which small indexes, scored exhaustively, never pay."""
    global _kernel
    if _kernel is None:
        from numba import njit
        _kernel = njit(cache=True, nogil=True)(_maxscore)
    return _kernel


def _maxscore(indices, data, starts, ends, bounds, mask, use_mask, k, slack):
    """Top ``k`` (ids, float32 scores) of the words whose postings are ``indices/data[starts[i]:
    ends[i]]`` (query order, ascending passage numbers), best first, ties by lower id."""
    m = len(starts)
    order = np.argsort(bounds, kind="mergesort")          # lowest bound first
    prefix = np.zeros(m)                                   # prefix[r]: bounds of order[0..r]
    total = 0.0
    for r in range(m):
        total += bounds[order[r]]
        prefix[r] = total
    pos = starts.copy()
    imp = np.zeros(m, dtype=np.float32)
    heap_s = np.zeros(k, dtype=np.float32)                 # min-heap: worst entry at 0
    heap_i = np.zeros(k, dtype=np.int64)
    size = 0
    theta = 0.0
    ne = 0                                                 # order[0..ne-1]: only probed
    big = np.int64(1) << 62
    while True:
        d = big
        for r in range(ne, m):
            t = order[r]
            if pos[t] < ends[t] and indices[pos[t]] < d:
                d = indices[pos[t]]
        if d == big:
            break
        partial = 0.0
        for r in range(ne, m):
            t = order[r]
            imp[t] = 0.0
            if pos[t] < ends[t] and indices[pos[t]] == d:
                imp[t] = data[pos[t]]
                partial += imp[t]
                pos[t] += 1
        if use_mask and not mask[d]:
            continue
        dropped = False
        for r in range(ne - 1, -1, -1):
            t = order[r]
            imp[t] = 0.0
            if size == k and (partial + prefix[r]) * slack <= theta:
                dropped = True
                break
            p, e = pos[t], ends[t]
            if p < e and indices[p] < d:                   # gallop, then binary search
                step = 1
                while p + step < e and indices[p + step] < d:
                    p += step
                    step *= 2
                lo, hi = p + 1, min(p + step, e)
                while lo < hi:
                    mid = (lo + hi) // 2
                    if indices[mid] < d:
                        lo = mid + 1
                    else:
                        hi = mid
                p = lo
            pos[t] = p
            if p < e and indices[p] == d:
                imp[t] = data[p]
                partial += imp[t]
        if dropped:
            continue
        s = np.float32(0.0)
        for t in range(m):                                  # the query's order, as ``scores``
            s += imp[t]
        if not s > 0:
            continue
        if size < k:
            j = size
            size += 1
            while j > 0:                                    # sift up
                parent = (j - 1) // 2
                if heap_s[parent] >= s:                     # equal: the parent's lower id is better
                    heap_s[j], heap_i[j] = heap_s[parent], heap_i[parent]
                    j = parent
                else:
                    break
            heap_s[j], heap_i[j] = s, d
        elif s > heap_s[0]:
            j = 0
            while True:                                     # sift down
                c = 2 * j + 1
                if c >= k:
                    break
                if c + 1 < k and (heap_s[c + 1] < heap_s[c] or (heap_s[c + 1] == heap_s[c] and heap_i[c + 1] > heap_i[c])):
                    c += 1
                if heap_s[c] < s or (heap_s[c] == s and heap_i[c] > d):
                    heap_s[j], heap_i[j] = heap_s[c], heap_i[c]
                    j = c
                else:
                    break
            heap_s[j], heap_i[j] = s, d
        else:
            continue
        if size == k:
            theta = float(heap_s[0])
            while ne < m and prefix[ne] * slack <= theta:
                ne += 1
    return heap_i[:size].copy(), heap_s[:size].copy()


def top_k(indices: np.ndarray, data: np.ndarray, starts: np.ndarray, ends: np.ndarray,
          bounds: np.ndarray, k: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(passage ids, float32 scores) of the ``k`` best, best first, equal scores by lower id."""
    if k <= 0 or len(starts) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    use = mask is not None
    flags = np.asarray(mask, dtype=np.bool_) if use else np.zeros(0, np.bool_)
    ids, scores = _compiled()(np.asarray(indices), np.asarray(data), np.asarray(starts, np.int64),
                              np.asarray(ends, np.int64), np.asarray(bounds, np.float64), flags, use,
                              int(k), SLACK)
    order = np.lexsort((ids, -scores))
    return ids[order], scores[order]


def scores_at(indices: np.ndarray, data: np.ndarray, starts: np.ndarray, ends: np.ndarray,
              rows: np.ndarray) -> np.ndarray:
    """Exact float32 scores of passages ``rows``: each word's score found by binary search in
    its postings and added in the query's order, as the exhaustive scoring adds them."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.zeros(len(rows), dtype=np.float32)
    if not len(rows):
        return out
    for a, b in zip(starts.tolist(), ends.tolist()):
        if a == b:
            continue
        seg = indices[a:b]
        p = np.minimum(np.searchsorted(seg, rows), b - a - 1)
        hit = np.asarray(seg[p]) == rows
        out[hit] += data[a + p[hit]]
    return out


def max_impacts(data: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each column's highest value (0 for an empty one): ``max_impact.npy`` from CSC arrays."""
    indptr = np.asarray(indptr, dtype=np.int64)
    out = np.zeros(len(indptr) - 1, dtype=np.float32)
    full = np.flatnonzero(np.diff(indptr) > 0)
    if len(full):
        out[full] = np.maximum.reduceat(np.asarray(data), indptr[full])
    return out
