"""Split an index into shards by document, each scoring exactly as the whole index does.

A shard is a complete index in the normal format, but it is NOT indexed again from its own
passages: BM25's idf and average length would then be the shard's, and every score would
differ from the unsharded index. Instead each shard gets its rows of the whole index:

- BM25: bm25s keeps one precomputed score per (token, passage) in a CSC matrix; the shard
  keeps the entries of its passages (renumbered), so a query sums the same float32 numbers
  in the same order;
- FAISS: flat copies the shard's vectors; IVF keeps the trained quantizer and copies the
  shard's entries of every inverted list, so a query probes the same cells;
- sentence vectors, passages, documents: the shard's rows.

The sharded version folder holds ``manifest.json`` (the whole index's, with ``"shards"``),
``shards.json`` (shard folders, their document and passage counts), ``terms.json``
(the whole corpus's document frequencies: the ranker's rare-word coverage and the
highlighting need the global idf), ``shard_of.npy`` (the shard of each passage, in the
unsharded numbering) and ``shard-NN/`` index folders. It is written in a temporary folder
and swapped in through ``CURRENT`` like any version, so a crash leaves the old one live.
"""
from __future__ import annotations

import copy
import heapq
import json
import shutil
from pathlib import Path

import faiss
import numpy as np

from .bm25 import LexicalIndex
from .dense import DenseIndex
from .errors import IndexOpenError
from .shard_write import write_shard
from .store import IndexData, load_index, write_version_with
from .versions import read_current

SHARDS_FILE = "shards.json"
TERMS_FILE = "terms.json"
SHARD_OF_FILE = "shard_of.npy"


def sharded_version(index_dir: Path) -> Path | None:
    """The live version folder when it is a sharded index, else None."""
    try:
        version = read_current(index_dir)
    except IndexOpenError:
        return None
    return version if version is not None and (version / SHARDS_FILE).exists() else None


def refuse_update(index_dir: Path, rebuild: bool = False) -> None:
    """A sharded index is a snapshot of an unsharded one: documents are added to that one,
    then it is split again. ``--rebuild`` (the repair) is allowed: it writes an unsharded
    version from the files the index was built from."""
    if not rebuild and sharded_version(index_dir) is not None:
        raise IndexOpenError(f"индекс в {index_dir} разбит на шарды и не обновляется по частям; "
                             f"соберите его заново (muniqa index --rebuild --index {index_dir}), добавьте "
                             f"документы и разбейте снова (muniqa shard --index {index_dir} --into N)")


def assign_documents(data: IndexData, n: int) -> list[list[str]]:
    """Documents per shard, balanced by passage count (largest document to the lightest
    shard first); a document is never split. Each shard keeps documents in index order."""
    sizes = np.bincount(data.chunk_doc, minlength=len(data.documents))
    order = sorted(range(len(data.documents)), key=lambda d: (-sizes[d], d))
    heap = [(0, s) for s in range(n)]
    members: list[list[int]] = [[] for _ in range(n)]
    for d in order:
        load, s = heapq.heappop(heap)
        members[s].append(d)
        heapq.heappush(heap, (load + int(sizes[d]), s))
    ids = list(data.documents)
    return [[ids[d] for d in sorted(m)] for m in members]


def slice_lexical(lexical: LexicalIndex, rows: np.ndarray) -> LexicalIndex:
    """The BM25 index of passages ``rows`` (ascending) with the whole corpus's scores."""
    model = lexical._model
    if model is None:
        return LexicalIndex(None, len(rows))
    scores = model.scores
    local = np.full(scores["num_docs"], -1, dtype=np.int32)
    local[rows] = np.arange(len(rows), dtype=np.int32)
    indices = np.asarray(scores["indices"])
    keep = local[indices] >= 0
    wide = np.int64 if len(keep) >= 2**31 else np.int32      # halves the transient memory
    kept_before = np.concatenate([np.zeros(1, wide), np.cumsum(keep, dtype=wide)])
    sub = copy.copy(model)
    sub.scores = {"data": np.asarray(scores["data"])[keep],
                  "indices": local[indices[keep]].astype(indices.dtype),
                  "indptr": kept_before[np.asarray(scores["indptr"])].astype(np.asarray(scores["indptr"]).dtype),
                  "num_docs": len(rows)}
    return LexicalIndex(sub, len(rows))


def slice_dense(dense: DenseIndex, vectors: np.ndarray, rows: np.ndarray) -> DenseIndex:
    """The FAISS index of passages ``rows``: IVF keeps the trained cells and each list's
    entries of those passages (in their order), anything else is re-encoded from the
    shard's vectors (the encoding of one vector does not depend on the others)."""
    if dense.kind == "hnsw":
        raise ValueError("индекс HNSW нельзя разбить на шарды без потери точного совпадения; "
                         "постройте индекс с flat или ivf")
    ivf = faiss.try_extract_index_ivf(dense.index)
    if ivf is None:
        sub = faiss.clone_index(dense.index)
        sub.reset()
        if len(rows):
            sub.add(np.ascontiguousarray(vectors[rows], dtype=np.float32))
        return DenseIndex(sub, dense.kind)
    local = np.full(ivf.ntotal, -1, dtype=np.int64)
    local[rows] = np.arange(len(rows))
    empty = _emptied(dense.index)
    sub_ivf = faiss.extract_index_ivf(empty)
    sub_ivf.is_trained = True
    lists, code_size = ivf.invlists, ivf.invlists.code_size
    total = 0
    for cell in range(ivf.nlist):
        size = lists.list_size(cell)
        if size == 0:
            continue
        ids = faiss.rev_swig_ptr(lists.get_ids(cell), size).copy()
        codes = faiss.rev_swig_ptr(lists.get_codes(cell), size * code_size).copy().reshape(size, code_size)
        mine = local[ids] >= 0
        if mine.any():
            new_ids = np.ascontiguousarray(local[ids[mine]], dtype=np.int64)
            new_codes = np.ascontiguousarray(codes[mine])
            sub_ivf.invlists.add_entries(cell, len(new_ids), faiss.swig_ptr(new_ids), faiss.swig_ptr(new_codes))
            total += len(new_ids)
    sub_ivf.ntotal = total
    if empty is not sub_ivf:
        empty.ntotal = total
    sub_ivf.nprobe = ivf.nprobe
    return DenseIndex(empty, dense.kind)


def _emptied(index: faiss.Index) -> faiss.Index:
    """A copy with the same trained state and no entries (an IVFFlat is made afresh around
    a copy of its quantizer instead of copying all its lists first)."""
    if isinstance(index, faiss.IndexIVFFlat):
        fresh = faiss.IndexIVFFlat(index.quantizer, index.d, index.nlist, index.metric_type)
        return faiss.clone_index(fresh)          # the clone owns its own quantizer copy
    sub = faiss.clone_index(index)
    sub.reset()
    return sub


def document_frequencies(lexical: LexicalIndex) -> dict[str, int]:
    """Passages holding each lemma, over the whole index (what ``LexicalIndex.idf`` uses)."""
    model = lexical._model
    if model is None:
        return {}
    counts = np.diff(np.asarray(model.scores["indptr"]))
    return {tok: int(counts[i]) for tok, i in model.vocab_dict.items() if i < len(counts)}


def split_index(source_dir: Path, n: int, target_dir: Path | None = None, say=lambda msg: None) -> Path:
    """Write the live index of ``source_dir`` as ``n`` shards into ``target_dir`` (default:
    in place, as its new version); returns the new version folder."""
    target_dir = Path(target_dir or source_dir)
    if sharded_version(source_dir) is not None:
        raise ValueError(f"индекс в {source_dir} уже разбит на шарды")
    data = load_index(source_dir)
    if n < 1 or n > max(len(data.documents), 1):
        raise ValueError(f"--into: от 1 до {len(data.documents)} шардов (по числу документов), получено {n}")
    members = assign_documents(data, n)
    order = {d: i for i, d in enumerate(data.documents)}
    shard_of = np.zeros(len(data.chunks), dtype=np.int16)
    def fill(tmp: Path) -> str:
        entries = []
        for s, doc_ids in enumerate(members):
            name = f"shard-{s:02d}"
            wanted = np.zeros(len(data.documents), dtype=bool)
            wanted[[order[d] for d in doc_ids]] = True
            rows = np.flatnonzero(wanted[data.chunk_doc])
            shard_of[rows] = s
            say(f"шард {name}: {len(doc_ids)} док., {len(rows)} фрагм.")
            mine = set(doc_ids)
            manifest = {**data.manifest, "documents": [m for m in data.manifest.get("documents", [])
                                                       if m.get("doc_id") in mine],
                        "shard": {"name": name, "index": s, "of": n}}
            write_shard(tmp / name, manifest, data, doc_ids, rows, lexical=slice_lexical(data.lexical, rows),
                        dense=slice_dense(data.dense, data.vectors, rows))
            entries.append({"name": name, "documents": len(doc_ids), "passages": int(len(rows))})
        np.save(tmp / SHARD_OF_FILE, shard_of)
        _write_json(tmp / TERMS_FILE, {"passages": len(data.chunks), "df": document_frequencies(data.lexical)})
        _write_json(tmp / SHARDS_FILE, {"shards": entries, "documents": len(data.documents),
                                        "passages": len(data.chunks), "source": data.path.name,
                                        "document_order": list(data.documents)})
        if (data.path / "partners.jsonl").exists():
            shutil.copy2(data.path / "partners.jsonl", tmp / "partners.jsonl")
        return data.manifest.get("dense_kind", "flat")

    # the crash-safe part (temporary folder, fsync, atomic swap) is every index write's
    return write_version_with(target_dir, {**data.manifest, "shards": n}, fill, len(data.chunks))


def _write_json(path: Path, value: dict) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
