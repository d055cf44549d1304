"""BM25 over lemma tokens, persisted as bm25s's folder of plain arrays and JSON (nothing pickled)."""
from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    def __init__(self, model: bm25s.BM25 | None, n_docs: int):
        self._model = model
        self.n_docs = n_docs

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "LexicalIndex":
        if not token_lists:
            return cls(None, 0)
        model = bm25s.BM25()
        # An empty passage (all stop words) still needs a row: give it a token no query has.
        model.index([toks or ["\u2400"] for toks in token_lists], show_progress=False)
        return cls(model, len(token_lists))

    def save(self, folder: Path) -> None:
        if self._model is not None:
            self._model.save(str(folder))

    @classmethod
    def load(cls, folder: Path, n_docs: int) -> "LexicalIndex":
        if n_docs == 0:
            return cls(None, 0)
        return cls(bm25s.BM25.load(str(folder), mmap=False), n_docs)

    def idf(self, token: str) -> float:
        """Inverse document frequency, for weighting query words when highlighting."""
        if self._model is None or token not in self._model.vocab_dict:
            return 0.0
        df = self._doc_freq().get(token, 0)
        return float(np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)))

    def _doc_freq(self) -> dict[str, int]:
        if not hasattr(self, "_df"):
            indptr = self._model.scores["indptr"]
            counts = np.diff(indptr)
            self._df = {tok: int(counts[i]) for tok, i in self._model.vocab_dict.items() if i < len(counts)}
        return self._df

    def scores(self, query_tokens: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every passage for the query (0 where the mask is False)."""
        if self._model is None:
            return np.zeros(self.n_docs, dtype=np.float32)
        known = [t for t in query_tokens if t in self._model.vocab_dict]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        weights = None if mask is None else mask.astype(np.float32)
        return np.asarray(self._model.get_scores(known, weight_mask=weights), dtype=np.float32)
