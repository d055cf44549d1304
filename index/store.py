"""The index directory: plain files you can inspect, written as a new version and swapped in.

Layout::

    <index dir>/CURRENT          name of the live version folder (replaced atomically)
    <index dir>/v-<stamp>/       manifest.json, documents.jsonl, chunks.jsonl,
                                 vectors.npy, dense.faiss, bm25/

A writer builds a complete version folder, fsyncs it, then replaces CURRENT with
``os.replace``: a reader (or a crash) sees the old version or the new one, never half.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from muniqa.corpus.document import Document, Metadata

from .bm25 import LexicalIndex
from .chunker import Chunk
from .dense import DenseIndex

FORMAT_VERSION = 1
KEEP_OLD_VERSIONS = 1


class IndexOpenError(Exception):
    """An index that cannot be used as it is; the message says what to do."""


@dataclass
class IndexData:
    """Everything a retriever needs, loaded in memory."""
    path: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    tokens: list[list[str]]
    vectors: np.ndarray
    dense: DenseIndex
    lexical: LexicalIndex
    chunk_doc: np.ndarray = field(init=False)   # document number of each chunk

    def __post_init__(self):
        order = {d: i for i, d in enumerate(self.documents)}
        self.chunk_doc = np.array([order[c.doc_id] for c in self.chunks], dtype=np.int32)

    @property
    def doc_ids(self) -> list[str]:
        return list(self.documents)


def _doc_to_json(doc: Document) -> dict:
    return {"doc_id": doc.doc_id, "source": doc.source, "sha256": doc.sha256, "text": doc.text,
            "meta": asdict(doc.meta), "line_map": doc.line_map, "headings": doc.headings,
            "pages": [[k, v] for k, v in doc.pages.items()], "unit": doc.unit,
            "ocr_pages": doc.ocr_pages}


def _doc_from_json(d: dict) -> Document:
    return Document(doc_id=d["doc_id"], source=d["source"], sha256=d["sha256"], text=d["text"],
                    meta=Metadata(**d["meta"]), line_map=[tuple(x) for x in d["line_map"]],
                    headings=[tuple(x) for x in d["headings"]],
                    pages={int(k): v for k, v in d.get("pages", [])}, unit=d.get("unit", "line"),
                    ocr_pages=d.get("ocr_pages", []))


def live_version(index_dir: Path) -> Path | None:
    current = index_dir / "CURRENT"
    if not current.is_file():
        return None
    return index_dir / current.read_text(encoding="utf-8").strip()


def write_index(index_dir: Path, manifest: dict, documents: list[Document], chunks: list[Chunk],
                tokens: list[list[str]], vectors: np.ndarray, dense_kind: str | None = None) -> Path:
    """Write a complete new version and make it live; returns its folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
    try:
        with open(tmp / "documents.jsonl", "w", encoding="utf-8") as fh:
            for doc in documents:
                fh.write(json.dumps(_doc_to_json(doc), ensure_ascii=False) + "\n")
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk, toks in zip(chunks, tokens):
                fh.write(json.dumps({**chunk.to_dict(), "tokens": toks}, ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", vectors.astype(np.float32))
        dense = DenseIndex.build(vectors, manifest["embedder"]["dim"], dense_kind)
        dense.save(tmp / "dense.faiss")
        LexicalIndex.build(tokens).save(tmp / "bm25")
        manifest = {**manifest, "format": FORMAT_VERSION, "dense_kind": dense.kind,
                    "chunks": len(chunks), "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        _fsync_tree(tmp)
        version = index_dir / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{tmp.name[-6:]}"
        os.rename(tmp, version)
        pointer = index_dir / f".CURRENT.{os.getpid()}"
        pointer.write_text(version.name, encoding="utf-8")
        _fsync_file(pointer)
        os.replace(pointer, index_dir / "CURRENT")
        _fsync_file(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_versions(index_dir, keep=version.name)
    return version


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_file(path)
    _fsync_file(folder)


def _remove_old_versions(index_dir: Path, keep: str) -> None:
    """Drop versions older than the previous one (a reader may still hold that one)."""
    versions = sorted((p for p in index_dir.glob("v-*") if p.name != keep), key=lambda p: p.stat().st_mtime)
    for old in versions[:-KEEP_OLD_VERSIONS] if KEEP_OLD_VERSIONS else versions:
        shutil.rmtree(old, ignore_errors=True)
    for tmp in index_dir.glob(".tmp-*"):
        if time.time() - tmp.stat().st_mtime > 3600:   # left by a crashed writer
            shutil.rmtree(tmp, ignore_errors=True)


def read_manifest(index_dir: Path) -> dict | None:
    version = live_version(index_dir)
    if version is None:
        return None
    try:
        return json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexOpenError(f"index at {index_dir} is damaged (manifest.json: {exc}); "
                             f"rebuild it with: muniqa index --rebuild --index {index_dir}") from None


def check_format(manifest: dict, index_dir: Path) -> None:
    fmt = manifest.get("format")
    if fmt != FORMAT_VERSION:
        raise IndexOpenError(f"index at {index_dir} has format {fmt}, this muniqa reads format "
                             f"{FORMAT_VERSION}; rebuild it with: muniqa index --rebuild --index {index_dir}")


def check_compatible(manifest: dict, index_dir: Path, model_id: str, dim: int) -> None:
    check_format(manifest, index_dir)
    built = manifest.get("embedder", {})
    if built.get("model_id") != model_id or built.get("dim") != dim:
        raise IndexOpenError(f"index at {index_dir} was built with embedder {built.get('model_id')} "
                             f"({built.get('dim')}-d), not {model_id} ({dim}-d); use --embedder "
                             f"{built.get('backend')} or rebuild: muniqa index --rebuild --index {index_dir}")


def load_index(index_dir: Path) -> IndexData:
    """Open the live version; raises ``IndexOpenError`` with advice on any problem."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexOpenError(f"no index at {index_dir}: build one with: muniqa index --index {index_dir}")
    check_format(manifest, index_dir)
    version = live_version(index_dir)
    try:
        documents = {}
        with open(version / "documents.jsonl", encoding="utf-8") as fh:
            for line in fh:
                doc = _doc_from_json(json.loads(line))
                documents[doc.doc_id] = doc
        chunks, tokens = [], []
        with open(version / "chunks.jsonl", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                tokens.append(row.pop("tokens"))
                chunks.append(Chunk(**row))
        vectors = np.load(version / "vectors.npy")
        dense = DenseIndex.load(version / "dense.faiss", manifest.get("dense_kind", "flat"))
        lexical = LexicalIndex.load(version / "bm25", len(chunks))
    except Exception as exc:  # noqa: BLE001 - any failure here means damaged files
        raise IndexOpenError(f"index at {index_dir} is damaged ({type(exc).__name__}: {exc}); "
                             f"rebuild it with: muniqa index --rebuild --index {index_dir}") from None
    if not (len(chunks) == len(vectors) == len(dense) == manifest.get("chunks")):
        raise IndexOpenError(f"index at {index_dir} is damaged (its files disagree on the number of "
                             f"passages); rebuild it with: muniqa index --rebuild --index {index_dir}")
    return IndexData(version, manifest, documents, chunks, tokens, vectors, dense, lexical)
