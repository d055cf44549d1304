"""BM25 over lemma tokens, persisted as bm25s's folder of plain arrays and JSON (nothing pickled).

Loaded memory-mapped (``mmap=True``): a query reads only the postings of its own words.
Scoring adds each query word's postings into a float32 array exactly as bm25s's
``get_scores`` does (same order, same float32 sums), but as ``scores[rows] += values``: a
word's postings hold each passage once, so this equals ``np.add.at`` and is several times
faster on the million-entry postings of common words.

``top`` and ``scores_of`` give the same numbers without that array. From ``PRUNE_FROM``
passages ``top`` uses ``bm25_topk`` (a scratch array kept between queries, and MaxScore where
it pays, which needs each word's highest score, ``max_impact.npy``, see ``bm25_build``; a
format-3 index written before that file existed works on without it, unpruned, until it is
next written); below, the dense array costs microseconds and numba's import would not.

A saved index is opened without bm25s (``SavedBM25``): its folder is three ``.npy`` arrays
and two JSON files, and importing bm25s pulls in scipy and numba (about a second of every
new process). bm25s is imported only to index in memory (``build``, the evaluation baseline).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from . import bm25_topk
from .bm25_build import MAX_IMPACT

logging.getLogger("bm25s").setLevel(logging.WARNING)
PRUNE_FROM = 100_000       # passages: below this exhaustive scoring is cheaper than numba's import

_ARRAYS = ("data", "indices", "indptr")


class SavedBM25:
    """bm25s's saved folder read as it is: ``scores`` (CSC arrays, memory-mapped) and
    ``vocab_dict``, the two attributes of ``bm25s.BM25`` that muniqa reads."""

    def __init__(self, scores: dict, vocab_dict: dict[str, int], params: dict):
        self.scores, self.vocab_dict, self.params = scores, vocab_dict, params

    @classmethod
    def load(cls, folder: Path) -> "SavedBM25":
        scores = {name: np.load(folder / f"{name}.csc.index.npy", mmap_mode="r") for name in _ARRAYS}
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        scores["num_docs"] = params.get("num_docs", len(scores["indptr"]) - 1)
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        return cls(scores, vocab, params)

    def save(self, folder: str, show_progress: bool = False) -> None:
        """The same files as ``bm25s.BM25.save`` (a shard's slice is saved this way)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(out / f"{name}.csc.index.npy", np.asarray(self.scores[name]))
        (out / "vocab.index.json").write_text(json.dumps(self.vocab_dict, ensure_ascii=False), encoding="utf-8")
        params = dict(self.params, num_docs=int(self.scores["num_docs"]))
        (out / "params.index.json").write_text(json.dumps(params, indent=4), encoding="utf-8")


class LexicalIndex:
    def __init__(self, model, n_docs: int, bounds: np.ndarray | None = None):
        self._model = model
        self.n_docs = n_docs
        self.bounds = bounds      # each word's highest score, or None (then no pruning)
        self.pruning: bool | None = None   # None: by size (``prunes``); True/False: forced (benchmarks)
        self._scratch = bm25_topk.Scratch(n_docs)

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "LexicalIndex":
        """bm25s's own indexing, in memory (the raw-words evaluation baseline; the stored
        index is written by ``bm25_build`` from token ids)."""
        if not token_lists:
            return cls(None, 0)
        import bm25s
        model = bm25s.BM25()
        # An empty passage (all stop words) still needs a row: give it a token no query has.
        model.index([toks or ["\u2400"] for toks in token_lists], show_progress=False)
        return cls(model, len(token_lists))

    def save(self, folder: Path) -> None:
        """bm25s's folder, plus ``max_impact.npy`` when every word's postings are in passage
        order (MaxScore walks them so; a shard's slice of the matrix always is)."""
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)
            s = self._model.scores
            indices, indptr = np.asarray(s["indices"]), np.asarray(s["indptr"])
            falls = np.flatnonzero(np.diff(indices) <= 0) + 1
            if np.isin(falls, indptr).all():
                np.save(folder / MAX_IMPACT, bm25_topk.max_impacts(s["data"], indptr))

    @classmethod
    def load(cls, folder: Path, n_docs: int) -> "LexicalIndex":
        if n_docs == 0:
            return cls(None, 0)
        model = SavedBM25.load(Path(folder))
        bounds = np.load(folder / MAX_IMPACT) if (folder / MAX_IMPACT).exists() else None
        if bounds is not None and len(bounds) != len(model.scores["indptr"]) - 1:
            bounds = None         # not this matrix's: score exhaustively rather than wrongly
        return cls(model, n_docs, bounds)

    def _ids(self, tokens: list[str]) -> list[int]:
        vocab = self._model.vocab_dict
        n = len(self._model.scores["indptr"]) - 1
        return [vocab[t] for t in tokens if t in vocab and vocab[t] < n]

    def doc_freq(self, token: str) -> int:
        ids = self._ids([token]) if self._model is not None else []
        if not ids:
            return 0
        indptr = self._model.scores["indptr"]
        return int(indptr[ids[0] + 1] - indptr[ids[0]])

    def idf(self, token: str) -> float:
        """Inverse document frequency, for weighting query words when highlighting."""
        if self._model is None or token not in self._model.vocab_dict:
            return 0.0
        df = self.doc_freq(token)
        return float(np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)))

    def postings(self, token: str) -> np.ndarray:
        """Numbers of the passages holding ``token``."""
        ids = self._ids([token]) if self._model is not None else []
        if not ids:
            return np.zeros(0, np.int64)
        s = self._model.scores
        return np.asarray(s["indices"][s["indptr"][ids[0]]:s["indptr"][ids[0] + 1]])

    def scores(self, query_tokens: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every passage for the query (0 where the mask is False)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        if self._model is None:
            return out
        s = self._model.scores
        data, indices, indptr = s["data"], s["indices"], s["indptr"]
        for t in self._ids(query_tokens):
            a, b = int(indptr[t]), int(indptr[t + 1])
            out[indices[a:b]] += data[a:b]
        if mask is not None:
            out *= mask.astype(np.float32)
        return out

    def _postings(self, query_tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Word ids of the query (its order, repeats kept) and their postings' bounds."""
        t = np.array(self._ids(query_tokens), dtype=np.int64)
        indptr = self._model.scores["indptr"]
        return t, np.asarray(indptr[t], dtype=np.int64), np.asarray(indptr[t + 1], dtype=np.int64)

    def prunes(self) -> bool:
        """Whether ``top`` uses ``bm25_topk`` (else it scores every passage densely)."""
        return self.n_docs >= PRUNE_FROM if self.pruning is None else self.pruning

    def top(self, query_tokens: list[str], n: int, mask: np.ndarray | None = None,
            pruned: bool | None = None, way: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(passage ids, float32 scores) of the ``n`` best positive scores inside ``mask``, best
        first, equal scores by lower id: exactly ``top_positive(scores(...))``. ``pruned``
        None: ``bm25_topk`` when ``prunes()``; True/False forces it or exhaustive scoring;
        ``way`` forces one of ``bm25_topk``'s ways (tests)."""
        if self._model is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if pruned is None:
            pruned = self.prunes()
        if not pruned:
            from .topn import top_positive
            scores = self.scores(query_tokens, mask)
            ids = top_positive(scores, n, mask).astype(np.int64)
            return ids, scores[ids]
        t, starts, ends = self._postings(query_tokens)
        s = self._model.scores
        if self.bounds is None:           # no bounds (an index written before them): no skipping
            bounds, way = np.zeros(len(t)), "accumulate"
        else:
            bounds = self.bounds[t]
        return bm25_topk.top_k(s["indices"], s["data"], starts, ends, bounds, n, mask, self._scratch, way)

    def scores_of(self, query_tokens: list[str], rows: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """``scores(query_tokens, mask)[rows]`` without scoring the other passages."""
        rows = np.asarray(rows, dtype=np.int64)
        if self._model is None:
            return np.zeros(len(rows), np.float32)
        _, starts, ends = self._postings(query_tokens)
        s = self._model.scores
        out = bm25_topk.scores_at(s["indices"], s["data"], starts, ends, rows)
        if mask is not None:
            out *= np.asarray(mask)[rows].astype(np.float32)
        return out
