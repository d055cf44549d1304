"""Dense vectors in FAISS, searched by inner product (vectors are L2-normalized: cosine).

Exact search (``IndexFlatIP``) up to ``APPROXIMATE_FROM`` passages: a brute-force scan of
200,000 384-d vectors takes a few milliseconds on two cores, and it is exact. Larger
collections use IVF (inverted lists over k-means cells, ``nprobe`` cells scanned per
query): it trains and builds in minutes on two cores where HNSW takes far longer, and a
filtered search works through FAISS's ID selectors on either. ``muniqa bench`` measures it. The raw vectors are kept beside the FAISS file so that an
incremental update re-embeds only new documents.
"""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

APPROXIMATE_FROM = 200_000
IVF_PROBES = 32


class DenseIndex:
    def __init__(self, index: faiss.Index, kind: str):
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, dim: int, kind: str | None = None) -> "DenseIndex":
        kind = kind or ("ivf" if len(vectors) >= APPROXIMATE_FROM else "flat")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 96
        elif kind == "ivf":
            cells = max(64, min(16384, int(4 * np.sqrt(len(vectors)))))
            index = faiss.index_factory(dim, f"IVF{cells},Flat", faiss.METRIC_INNER_PRODUCT)
            sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), 50 * cells), replace=False)]
            index.train(sample)
            index.nprobe = IVF_PROBES
        else:
            index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(vectors)
        return cls(index, kind)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> "DenseIndex":
        index = faiss.read_index(str(path))
        if kind == "ivf":
            faiss.extract_index_ivf(index).nprobe = IVF_PROBES
        return cls(index, kind)

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
            if self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(96, k))
            elif self.kind == "ivf":
                params = faiss.SearchParametersIVF(sel=selector, nprobe=IVF_PROBES)
            else:
                params = faiss.SearchParameters(sel=selector)
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]
