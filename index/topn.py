"""Top-n lists with a deterministic order: best score first, equal scores by lower passage
number. Kept apart (numpy only) so that a shard worker imports it without the lemmatizer."""
from __future__ import annotations

import numpy as np


def best_first(ids: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` best ``scores``, best first, equal scores by lower id: the same
    list whichever way the passages were split (``qa.sharded`` merges shards' lists by it)."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    if len(ids) > n:
        cut = np.partition(scores, len(scores) - n)[len(scores) - n]
        above = np.flatnonzero(scores > cut)
        tied = np.flatnonzero(scores == cut)
        tied = tied[np.argsort(ids[tied], kind="stable")][:n - len(above)]
        pos = np.concatenate([above, tied])
    else:
        pos = np.arange(len(ids))
    return pos[np.lexsort((ids[pos], -scores[pos]))]


def top_positive(scores: np.ndarray, n: int, mask: np.ndarray | None) -> np.ndarray:
    """Passages with the ``n`` best positive scores (inside ``mask``), best first."""
    keep = scores > 0 if mask is None else (scores > 0) & mask
    candidates = np.flatnonzero(keep)
    return candidates[best_first(candidates, scores[candidates], n)]
