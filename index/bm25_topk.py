"""BM25's top n passages without a dense array of every passage's score, skipping the
postings that cannot matter when it pays (MaxScore), and exact scores of given passages.

Why hand-written: the exhaustive way (``LexicalIndex.scores``) zeroes an array of one float32
per passage, adds every query word's postings into it, multiplies it by the filter and then
scans all of it for the best n; at 5 million passages that is most of a query's time, and
bm25s's own top-k scores densely the same way. Two exact ways replace it
(``bm25_kernels``, numba):

- ``accumulate``: every posting added into a scratch array kept between queries, noting the
  passages touched; only those are ranked and reset. No skipping, but no pass over all
  passages either.
- ``maxscore`` (Turtle & Flood 1995): postings walked passage by passage in passage order,
  keeping the n best so far; once the n-th best is at least the sum of the upper bounds
  (``max_impact.npy``: each word's highest score) of the words with the lowest bounds, a
  passage holding only those words cannot enter, so their postings are only probed
  (galloping search) for the passages the other words bring, and a passage whose score so
  far plus the bounds not yet probed cannot beat the n-th best is dropped.

``maxscore`` costs about ten times more per passage it visits than ``accumulate`` per
posting, so ``top_k`` first estimates how much it would skip: the words with the highest
bounds per posting alone (at most ``FIRST_SHARE`` of the postings) are accumulated, the
best few hundred passages of that are scored exactly (``scores_at``), and their n-th best
score is a floor the true n-th best reaches (they are real passages); from the floor
follow the postings MaxScore would still walk. Below ``1 / MAXSCORE_GAIN`` of all postings it runs
MaxScore from that floor, else ``accumulate`` over everything.

Both equal the exhaustive result bit for bit: a passage's score is the float32 sum of its
words' scores in the QUERY's word order (as ``scores`` adds them; adding 0.0 for a word it
lacks changes nothing), ties go to the lower passage number, only passages inside the mask
and with a positive score count. Pruning compares float64 sums of bounds widened by
``SLACK`` against float32 scores (rounding errs at most about 2^-24 per added word), so
rounding never drops a passage that belongs in the list.
"""
from __future__ import annotations

import threading

import numpy as np

SLACK = 1.0 + 1e-4      # float32 sums of up to hundreds of words err far less than this
FIRST_SHARE = 0.1       # postings accumulated to estimate the floor
FLOOR_POOL = 4          # passages (times n) of that estimate scored exactly for the floor
MAXSCORE_GAIN = 4       # maxscore's cost per posting walked / accumulate's per posting (measured at 5M)


def _kernels():
    """``bm25_kernels``, compiled (or read from numba's cache) on first use."""
    from . import bm25_kernels
    return bm25_kernels


class Scratch:
    """One float32 per passage (all zero between queries) and the passages touched, kept by
    a ``LexicalIndex`` so that a query allocates and zeroes nothing of the corpus's size; a
    concurrent query (another thread) gets its own."""

    def __init__(self, n_docs: int):
        self.n_docs = n_docs
        self.lock = threading.Lock()
        self.arrays = None

    def take(self) -> tuple[np.ndarray, np.ndarray, bool]:
        if self.lock.acquire(blocking=False):
            if self.arrays is None:
                self.arrays = (np.zeros(self.n_docs, np.float32), np.empty(self.n_docs, np.int32))
            return (*self.arrays, True)
        return np.zeros(self.n_docs, np.float32), np.empty(self.n_docs, np.int32), False


def top_k(indices: np.ndarray, data: np.ndarray, starts: np.ndarray, ends: np.ndarray,
          bounds: np.ndarray, k: int, mask: np.ndarray | None, scratch: Scratch,
          way: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(passage ids, float32 scores) of the ``k`` best, best first, equal scores by lower id.
    ``way``: None chooses (module docstring); "accumulate" or "maxscore" forces one (tests)."""
    if k <= 0 or len(starts) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    kern = _kernels()
    use = mask is not None
    flags = np.asarray(mask, dtype=np.bool_) if use else np.zeros(0, np.bool_)
    indices, data = np.asarray(indices), np.asarray(data)
    starts, ends = np.asarray(starts, np.int64), np.asarray(ends, np.int64)
    bounds = np.asarray(bounds, np.float64)
    lengths = ends - starts
    # accumulate skips a filtered-out posting at a fraction of the cost of adding it
    budget = lengths.sum() * (0.2 + 0.8 * np.count_nonzero(flags) / len(flags) if use and len(flags) else 1.0)
    acc, touched, owned = scratch.take()
    try:
        floor = 0.0
        first = _first_words(lengths, bounds)
        if way != "accumulate" and 0 < len(first) < len(starts):
            seen, _ = kern.accumulate(indices, data, starts[first], ends[first], flags, use, FLOOR_POOL * int(k),
                                      acc, touched)
            if len(seen) >= k:
                floor = float(np.partition(scores_at(indices, data, starts, ends, seen), len(seen) - k)[len(seen) - k])
        if way == "maxscore" or (way is None and _walked(lengths, bounds, floor) * MAXSCORE_GAIN < budget):
            ids, scores, _ = kern.maxscore(indices, data, starts, ends, bounds, flags, use, int(k), SLACK, floor)
        else:
            ids, scores = kern.accumulate(indices, data, starts, ends, flags, use, int(k), acc, touched)
    finally:
        if owned:
            scratch.lock.release()
    order = np.lexsort((ids, -scores))
    return ids[order], scores[order]


def _first_words(lengths: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The words of the floor's estimate: by bound per posting, best first, while their
    postings stay within ``FIRST_SHARE`` of the query's (at least one word)."""
    order = np.lexsort((lengths, -bounds / np.maximum(lengths, 1)))
    within = np.cumsum(lengths[order]) <= FIRST_SHARE * lengths.sum()
    within[0] = True
    return np.sort(order[within])


def _walked(lengths: np.ndarray, bounds: np.ndarray, floor: float) -> int:
    """Postings MaxScore walks once the n-th best is ``floor``: those of every word but the
    lowest-bound ones whose bounds together stay at or under the floor."""
    order = np.argsort(bounds, kind="stable")
    probed = np.cumsum(bounds[order]) * SLACK <= floor
    return int(lengths[order[~probed]].sum())


def scores_at(indices: np.ndarray, data: np.ndarray, starts: np.ndarray, ends: np.ndarray,
              rows: np.ndarray) -> np.ndarray:
    """Exact float32 scores of passages ``rows``: each word's score found by binary search in
    its postings and added in the query's order, as the exhaustive scoring adds them."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.zeros(len(rows), dtype=np.float32)
    if not len(rows):
        return out
    back = np.argsort(rows, kind="stable")  # sorted keys: nearby probes share cached pages
    rows = rows[back]
    keys = rows.astype(indices.dtype)      # as the postings' dtype: else numpy casts each list
    for a, b in zip(starts.tolist(), ends.tolist()):
        if a == b:
            continue
        seg = indices[a:b]
        p = np.minimum(np.searchsorted(seg, keys), b - a - 1)
        hit = np.asarray(seg[p]) == keys
        out[hit] += data[a + p[hit]]
    result = np.empty_like(out)
    result[back] = out
    return result


def max_impacts(data: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each column's highest value (0 for an empty one): ``max_impact.npy`` from CSC arrays."""
    indptr = np.asarray(indptr, dtype=np.int64)
    out = np.zeros(len(indptr) - 1, dtype=np.float32)
    full = np.flatnonzero(np.diff(indptr) > 0)
    if len(full):
        out[full] = np.maximum.reduceat(np.asarray(data), indptr[full])
    return out
