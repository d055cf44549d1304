"""Can the second stage learn which directions of the embedding tell an answer from a passage
that is only about the question? An out-of-fold trial, as ``proximity_trial``, of a learned
diagonal metric over e5's vectors: the cosine is the sum over 384 dimensions of
``question[i] * passage[i]``, each weighing the same; here each product is a feature of its
own (for the passage's vector and for its best sentence's), so the pairwise second stage can
weigh the dimensions that carry "answers" above those that carry "same topic". It costs one
elementwise product per window passage when serving. The fresh sets
(``proximity_trial.FRESH``) are scored, never fitted on.

    python -m muniqa.eval.diagonal_trial [--sets dev,...] [--cache FILE]

The 768 weights are shrunk by C (today's second-stage weights 1,000 times less), against
that second stage refitted by the same code. Measured (README «Quality», eighth session): not
kept. Unshrunk (C = 1 for every weight, a first run) they lose 0.02–0.10 on every set; at
C = 1e-4 nothing moves; at C = 1e-3 the older sets split and both fresh sets lose (passage
dimensions: dev3 −0.017, realdocs2 −0.009).
"""
from __future__ import annotations

import numpy as np

from . import proximity_trial
from .proximity_trial import FRESH, SETS, gather as gather_with, gathered
from .query_vector_trial import _embedder
from .ranker_fit import rerank_pairs
from .significance import paired_test
from .train_ranker import NOT_FOR_RANKING

DIM = 384
FEATURES = tuple(f"qp{i}" for i in range(DIM)) + tuple(f"qs{i}" for i in range(DIM))
QP, QS = list(FEATURES[:DIM]), list(FEATURES[DIM:])


def best_sentence_vectors(data, q: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The vector of each passage's sentence closest to ``q``."""
    sv = data.sentences
    out = np.zeros((len(ids), DIM), np.float32)
    for k, i in enumerate(ids.tolist()):
        rows = np.asarray(sv.vectors[int(sv.offsets[i]):int(sv.offsets[i + 1])], np.float32)
        if len(rows):
            out[k] = rows[int(np.argmax(rows @ q))]
    return out


def diagonal_columns(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """``FEATURES`` of the first ``DEPTH`` candidates (``head``), zero for the rest."""
    q = _embedder().embed_query(question).astype(np.float32)
    out = np.zeros((len(cand), len(FEATURES)), np.float16)
    ids = cand[head].astype(np.int64)
    out[head, :DIM] = np.asarray(data.vectors[ids], np.float32) * q
    out[head, DIM:] = best_sentence_vectors(data, q, ids) * q
    return out


def fit_pairs(windows: list[dict], base_cols: int, c: float, penalty_base: float) -> np.ndarray:
    """``ranker_fit.fit_rerank``'s pairwise fit (its pairs, ``rerank_pairs``), with the first
    ``base_cols`` columns (today's second stage) penalised ``penalty_base`` times less than
    the dimensions, so a small ``c`` shrinks the 768 new weights, not the ones that already
    work. Only the order inside the window is scored, so no scaling to log-odds."""
    from sklearn.linear_model import LogisticRegression
    _, d, labels, weights = rerank_pairs(windows)
    scale = d.astype(np.float64).std(axis=0) + 1e-9
    scale[:base_cols] /= penalty_base
    pair = LogisticRegression(C=c, max_iter=3000, fit_intercept=False).fit(d / scale, labels, sample_weight=weights)
    return pair.coef_[0] / scale


def score(rows: list[dict], second: list[str] | None, c: float, penalty_base: float) -> dict:
    """``proximity_trial.score`` with today's first stage and the second stage fitted by
    ``fit_pairs``; the window's first ``base_cols`` columns are today's."""
    def fit(windows: list[dict]) -> tuple[np.ndarray, float]:
        base_cols = 1 + windows[0]["ev"].shape[1] + windows[0]["nf"].shape[1] - len(second or ())
        return fit_pairs(windows, base_cols, c, penalty_base), 0.0
    return proximity_trial.score(rows, None, second, fit_second=fit)


def main() -> None:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS + FRESH))
    ap.add_argument("--cache")
    args = ap.parse_args()
    NOT_FOR_RANKING.update(FRESH)
    rows = gathered(args.cache, args.sets, lambda sets: gather_with(sets, diagonal_columns, FEATURES))
    base = score(rows, None, 1.0, 1.0)
    print("refitted baseline: " + "; ".join(f"{s.split('/')[-1]} {v.mean():.4f}" for s, v in base.items()), flush=True)
    for name, second in (("passage dims", QP), ("best sentence dims", QS)):
        for c in (1e-4, 1e-3):
            res = score(rows, second, c, 1000.0)
            print(f"{name}, C={c}: " + "; ".join(
                f"{s.split('/')[-1].removesuffix('.jsonl')} {res[s].mean():.4f} ({res[s].mean() - base[s].mean():+.4f}, "
                f"p={paired_test(base[s], res[s]):.3f})" for s in base), flush=True)


if __name__ == "__main__":
    main()
