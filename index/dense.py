"""Dense vectors in FAISS, searched by inner product (vectors are L2-normalized: cosine).

Exact search (``IndexFlatIP``) up to ``APPROXIMATE_FROM`` passages: a brute-force scan of
200,000 384-d vectors takes a few milliseconds on two cores, and it is exact. Larger
collections use IVF (inverted lists over k-means cells, ``nprobe`` cells scanned per
query) with 8-bit scalar-quantised codes (``ivf-sq8``): a quarter of the memory of float
vectors (1.9 GB instead of 7.7 GB at 5 million passages). On real vectors sq8 loses no MRR;
IVF's loss grows with cells per probe (README, Speed: recall@10 0.94 at 13, ~0.77 at the
5M index's 128), which the learned hybrid hides and dense-only search does not. ``ivf-hnsw-sq8`` finds a
vector's cells by HNSW over the centroids instead of a scan of all 4,096 (cheaper adds at
many millions; not the default, not measured). IVF trains and builds in
minutes on two cores where HNSW takes far longer, and a filtered search works through
FAISS's ID selectors (a bitmap of the allowed passages). The raw float32 vectors stay
beside the FAISS file (memory-mapped): the ranker rescores candidates with exact cosines,
and an incremental update re-embeds only new documents. ``MUNIQA_DENSE_KIND`` forces a
kind (flat, sq8, hnsw, ivf, ivf-sq8, ivf-hnsw-sq8) for measurements.
"""
from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np

APPROXIMATE_FROM = 200_000
IVF_PROBES = 32
IVF_KINDS = ("ivf", "ivf-sq8", "ivf-hnsw-sq8")
KINDS = ("flat", "sq8", "hnsw", *IVF_KINDS)
TRAIN_PER_CELL = 30
ADD_BLOCK = 100_000


def default_kind(n: int) -> str:
    if os.environ.get("MUNIQA_DENSE_KIND"):
        return os.environ["MUNIQA_DENSE_KIND"]
    return "flat" if n < APPROXIMATE_FROM else "ivf-sq8"


def _ivf_cells(n: int) -> int:
    return max(64, min(4096, int(4 * np.sqrt(max(n, 1)))))


class DenseIndex:
    def __init__(self, index: faiss.Index, kind: str):
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, dim: int, kind: str | None = None) -> "DenseIndex":
        """``vectors`` may be a memory map: they are added a block at a time."""
        kind = kind or default_kind(len(vectors))
        if kind not in KINDS:
            raise ValueError(f"unknown dense index kind {kind!r}: {', '.join(KINDS)}")
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 96
        elif kind in IVF_KINDS:
            cells = _ivf_cells(len(vectors))
            codes = "Flat" if kind == "ivf" else "SQ8"
            coarse = "_HNSW32" if kind == "ivf-hnsw-sq8" else ""
            index = faiss.index_factory(dim, f"IVF{cells}{coarse},{codes}", faiss.METRIC_INNER_PRODUCT)
            rows = np.sort(np.random.default_rng(0).choice(len(vectors), min(len(vectors), TRAIN_PER_CELL * cells),
                                                           replace=False))
            index.train(np.ascontiguousarray(vectors[rows], dtype=np.float32))
            index.nprobe = IVF_PROBES
        elif kind == "sq8":
            index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
            if len(vectors):
                index.train(np.ascontiguousarray(vectors[:200_000], dtype=np.float32))
        else:
            index = faiss.IndexFlatIP(dim)
        for a in range(0, len(vectors), ADD_BLOCK):
            index.add(np.ascontiguousarray(vectors[a:a + ADD_BLOCK], dtype=np.float32))
        return cls(index, kind)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> "DenseIndex":
        """IVF indexes are memory-mapped (``IO_FLAG_MMAP``): opening takes milliseconds and
        only the inverted lists that queries probe are ever read (32 of 4,096 per query)."""
        mapped = kind in IVF_KINDS
        flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mapped else 0
        index = faiss.read_index(str(path), flags)
        if kind in IVF_KINDS:
            faiss.extract_index_ivf(index).nprobe = IVF_PROBES
        return cls(index, kind)

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
               mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, cosine scores); ``allowed`` (passage ids) or ``mask`` (a boolean
        per passage, cheaper at millions of passages) restricts the search."""
        if mask is not None:
            count = int(np.count_nonzero(mask))
            bits = np.packbits(mask, bitorder="little")      # kept alive until the search ends
            selector = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))
        elif allowed is not None:
            count = len(allowed)
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        else:
            count, selector = len(self), None
        k = min(k, len(self), count)
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        params = None
        if selector is not None:
            if self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(96, k))
            elif self.kind in IVF_KINDS:
                params = faiss.SearchParametersIVF(sel=selector, nprobe=IVF_PROBES)
            else:
                params = faiss.SearchParameters(sel=selector)
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]
