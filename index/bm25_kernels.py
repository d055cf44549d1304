"""The compiled loops of ``bm25_topk`` (numba; this module is imported only when an index is
large enough to prune, because importing numba costs about a second).

Both keep the ``k`` best (score, passage) pairs in a min-heap whose top is the worst kept:
lower score, or on equal scores the higher passage number (the exhaustive order)."""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def _worse(s1, i1, s2, i2):
    return s1 < s2 or (s1 == s2 and i1 > i2)


@njit(cache=True, nogil=True)
def _offer(heap_s, heap_i, size, s, d):
    """Put (s, d) into the heap (full: in place of its worst, which the caller checked is
    worse than (s, d)); returns the new size."""
    k = len(heap_s)
    if size < k:
        j = size
        size += 1
        while j > 0:                                        # sift up
            parent = (j - 1) // 2
            if _worse(s, d, heap_s[parent], heap_i[parent]):
                heap_s[j], heap_i[j] = heap_s[parent], heap_i[parent]
                j = parent
            else:
                break
    else:
        j = 0
        while True:                                         # sift down
            c = 2 * j + 1
            if c >= k:
                break
            if c + 1 < k and _worse(heap_s[c + 1], heap_i[c + 1], heap_s[c], heap_i[c]):
                c += 1
            if _worse(heap_s[c], heap_i[c], s, d):
                heap_s[j], heap_i[j] = heap_s[c], heap_i[c]
                j = c
            else:
                break
    heap_s[j], heap_i[j] = s, d
    return size


@njit(cache=True, nogil=True)
def accumulate(indices, data, starts, ends, mask, use_mask, k, acc, touched):
    """Top ``k`` (ids, float32 scores), unordered, of every passage in the postings, added
    word by word in the given order into ``acc`` (all zeros on entry and again on return:
    only the passages touched are reset, never the whole array)."""
    nt = 0
    for i in range(len(starts)):
        for p in range(starts[i], ends[i]):
            d = indices[p]
            if use_mask and not mask[d]:
                continue
            if acc[d] == 0:                                 # scores are positive: first visit
                touched[nt] = d
                nt += 1
            acc[d] += data[p]
    heap_s = np.zeros(k, dtype=np.float32)
    heap_i = np.zeros(k, dtype=np.int64)
    size = 0
    for x in range(nt):
        d = touched[x]
        s = acc[d]
        acc[d] = 0
        if not s > 0:                                       # (a zero score could come twice)
            continue
        if size == k and not _worse(heap_s[0], heap_i[0], s, d):
            continue
        size = _offer(heap_s, heap_i, size, s, d)
    return heap_i[:size].copy(), heap_s[:size].copy()


@njit(cache=True, nogil=True)
def maxscore(indices, data, starts, ends, bounds, mask, use_mask, k, slack, floor):
    """Top ``k`` (ids, float32 scores, passages scored) of the words whose postings are
    ``indices/data[starts[i]:ends[i]]`` (query order, ascending passage numbers), unordered.
    ``floor``: a score the k-th best is known to exceed (0 if unknown): passages that cannot
    beat it are skipped from the start."""
    m = len(starts)
    order = np.argsort(bounds, kind="mergesort")          # lowest bound first; r: rank in it
    prefix = np.zeros(m)                                   # prefix[r]: bounds of ranks 0..r
    pos = np.empty(m, dtype=np.int64)
    end = np.empty(m, dtype=np.int64)
    cur = np.empty(m, dtype=np.int64)                      # passage at pos[r] (big: none left)
    big = np.int64(1) << 62
    total = 0.0
    for r in range(m):
        t = order[r]
        total += bounds[t]
        prefix[r] = total
        pos[r], end[r] = starts[t], ends[t]
        cur[r] = indices[pos[r]] if pos[r] < end[r] else big
    imp = np.zeros(m, dtype=np.float32)                    # by the query's order
    heap_s = np.zeros(k, dtype=np.float32)                 # min-heap: worst entry at 0
    heap_i = np.zeros(k, dtype=np.int64)
    size = 0
    theta = floor
    ne = 0                                                 # ranks 0..ne-1: only probed
    while ne < m and prefix[ne] * slack <= theta:
        ne += 1
    scored = 0
    while True:
        d = big
        for r in range(ne, m):
            if cur[r] < d:
                d = cur[r]
        if d == big:
            break
        partial = 0.0
        for r in range(ne, m):
            t = order[r]
            if cur[r] == d:
                v = data[pos[r]]
                imp[t] = v
                partial += v
                pos[r] += 1
                cur[r] = indices[pos[r]] if pos[r] < end[r] else big
            else:
                imp[t] = 0.0
        if use_mask and not mask[d]:
            continue
        scored += 1
        dropped = False
        for r in range(ne - 1, -1, -1):
            t = order[r]
            imp[t] = 0.0
            if theta > 0 and (partial + prefix[r]) * slack <= theta:
                dropped = True
                break
            if cur[r] < d:                                 # gallop, then binary search
                p, e = pos[r], end[r]
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
                pos[r] = lo
                cur[r] = indices[lo] if lo < e else big
            if cur[r] == d:
                v = data[pos[r]]
                imp[t] = v
                partial += v
        if dropped:
            continue
        s = np.float32(0.0)
        for t in range(m):                                  # the query's order, as ``scores``
            s += imp[t]
        if not s > 0:
            continue
        if size == k and not s > heap_s[0]:             # a later passage must beat the k-th
            continue
        size = _offer(heap_s, heap_i, size, s, d)
        if size == k and heap_s[0] > theta:
            theta = float(heap_s[0])
            while ne < m and prefix[ne] * slack <= theta:
                ne += 1
    return heap_i[:size].copy(), heap_s[:size].copy(), scored
