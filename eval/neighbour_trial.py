"""Is the passage the peak of its stretch of the document? An out-of-fold trial, as
``proximity_trial``, of how a candidate scores against the passages just before and after it
in its own document. A quarter to a half of the wrong first passages are the answer's
neighbour (README «Quality», seventh session): the topic runs across both, and the answer
should be where the question's match is strongest. Each score — the passage's cosine, its
best sentence's, its exact share of the question's idf mass — is given as its distance above
the better neighbour (0 neighbours: 0), and the better neighbour's cosine and share (how much
the stretch around is about the question). The fresh sets (``proximity_trial.FRESH``) are
scored, never fitted on.

    python -m muniqa.eval.neighbour_trial [--sets dev,...] [--cache FILE]

Measured (README «Quality», eighth session): not kept. The passage's cosine above its
neighbours' in the second stage costs dev2 −0.016 (p < 0.001) and dev3 −0.018; no variant
gains on a fresh set.
"""
from __future__ import annotations

import numpy as np

from muniqa.index.rowdot import row_dots
from muniqa.qa.rerank_features import _cover, _pieces

from .proximity_trial import columns_trial_main
from .query_vector_trial import _embedder

FEATURES = ("d_peak", "s_peak", "cov_peak", "nb_d", "nb_cov")
VARIANTS = {
    "baseline (ranker.json)": (None, None),
    "2nd: d_peak": (None, ["d_peak"]),
    "2nd: d_peak, s_peak": (None, ["d_peak", "s_peak"]),
    "2nd: cov_peak": (None, ["cov_peak"]),
    "2nd: all peaks": (None, ["d_peak", "s_peak", "cov_peak"]),
    "2nd: neighbours' own": (None, ["nb_d", "nb_cov"]),
    "1st: d_peak, s_peak": (["d_peak", "s_peak"], None),
    "1st: all peaks": (["d_peak", "s_peak", "cov_peak"], None),
    "1st + 2nd: all peaks": (["d_peak", "s_peak", "cov_peak"], ["d_peak", "s_peak", "cov_peak"]),
}


def neighbour_columns(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """``FEATURES`` of every candidate (``idf``: each group's weight)."""
    q = _embedder().embed_query(question)
    chunk_doc = np.asarray(data.chunk_doc)
    n = len(chunk_doc)
    ids = cand.astype(np.int64)
    prev, nxt = ids - 1, ids + 1
    has_prev = (prev >= 0) & (chunk_doc[np.maximum(prev, 0)] == chunk_doc[ids])
    has_next = (nxt < n) & (chunk_doc[np.minimum(nxt, n - 1)] == chunk_doc[ids])
    prev, nxt = np.where(has_prev, prev, ids), np.where(has_next, nxt, ids)
    total = sum(idf) or 1.0

    def cov(p: np.ndarray) -> np.ndarray:
        return np.array([_cover(groups, idf, frozenset().union(*_pieces(data.chunks[int(i)].text)), False) / total
                         for i in p.tolist()], np.float32)

    out = np.zeros((len(cand), len(FEATURES)), np.float32)
    for col, f in ((0, lambda p: row_dots(data.vectors[p], q)), (1, lambda p: data.sentences.best(q, p)), (2, cov)):
        own, before, after = f(ids), f(prev), f(nxt)
        best = np.maximum(np.where(has_prev, before, -np.inf), np.where(has_next, after, -np.inf))
        out[:, col] = np.where(np.isfinite(best), own - best, 0.0)
        if col == 0:
            out[:, 3] = np.where(np.isfinite(best), best, own)
        if col == 2:
            out[:, 4] = np.where(np.isfinite(best), best, own)
    return out


def main() -> None:
    columns_trial_main(__doc__, neighbour_columns, FEATURES, VARIANTS)


if __name__ == "__main__":
    main()
