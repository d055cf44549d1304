"""Dense vectors in FAISS, searched by inner product (vectors are L2-normalized: cosine).

Exact search (``IndexFlatIP``) up to ``HNSW_FROM`` passages: at bundled-report sizes it is
both the fastest and exact. Larger collections use HNSW, whose query time grows with
log(n) rather than n. The raw vectors are kept beside the FAISS file so that an
incremental update re-embeds only new documents.
"""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_FROM = 200_000


class DenseIndex:
    def __init__(self, index: faiss.Index, kind: str):
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, dim: int, kind: str | None = None) -> "DenseIndex":
        kind = kind or ("hnsw" if len(vectors) >= HNSW_FROM else "flat")
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 96
        else:
            index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, kind)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> "DenseIndex":
        return cls(faiss.read_index(str(path)), kind)

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, cosine scores); ``allowed`` restricts to those passage ids."""
        k = min(k, len(self) if allowed is None else len(allowed))
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersHNSW(sel=selector, efSearch=max(96, k))
                      if self.kind == "hnsw" else faiss.SearchParameters(sel=selector))
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]
