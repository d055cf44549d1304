"""The index directory: plain files you can inspect, written as a new version and swapped in.

Layout::

    <index dir>/CURRENT          name of the live version folder (replaced atomically)
    <index dir>/v-<stamp>/       manifest.json, documents.jsonl, chunks.jsonl,
                                 vectors.npy, dense.faiss, bm25/,
                                 sentences.npy, sentence_offsets.npy (see sentvec)

A writer builds a complete version folder, fsyncs it, then replaces CURRENT with
``os.replace``: a reader (or a crash) sees the old version or the new one, never half.
Writers hold ``lock.writer_lock`` from reading the live manifest to the swap (see
``builder``); a write that fails (disk full, read-only folder, no inodes left) removes what
it wrote, raises ``IndexWriteError`` as one line, and leaves the previous version live.
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
from .errors import IndexOpenError, IndexWriteError, describe_os_error, repair_hint
from .sentvec import SentenceVectors
from .versions import fsync_path, parse_manifest, read_current, remove_old_versions

__all__ = ["IndexData", "IndexOpenError", "IndexWriteError", "live_version", "load_index",
           "read_manifest", "write_index", "check_format", "check_compatible"]

FORMAT_VERSION = 2   # 2: sentence vectors beside passage vectors


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
    sentences: SentenceVectors | None = None
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
    """The live version folder; None when there is no index; ``IndexOpenError`` when
    ``CURRENT`` is garbled or names a missing folder."""
    return read_current(index_dir)


def write_index(index_dir: Path, manifest: dict, documents: list[Document], chunks: list[Chunk],
                tokens: list[list[str]], vectors: np.ndarray, dense_kind: str | None = None,
                sentences: SentenceVectors | None = None) -> Path:
    """Write a complete new version and make it live; returns its folder. On any failure
    nothing of it stays behind and ``IndexWriteError`` says which file and why."""
    try:
        previous = read_current(index_dir)
    except IndexOpenError:
        previous = None                  # a garbled CURRENT: this write repairs it
    tmp = version = None
    swapped = False
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
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
        (sentences or SentenceVectors.empty(vectors.shape[1])).save(tmp)
        manifest = {**manifest, "format": FORMAT_VERSION, "dense_kind": dense.kind,
                    "chunks": len(chunks), "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        _fsync_tree(tmp)
        version = index_dir / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{tmp.name[-6:]}"
        os.rename(tmp, version)
        tmp = None
        pointer = index_dir / f".CURRENT.{os.getpid()}"
        try:
            pointer.write_text(version.name, encoding="utf-8")
            fsync_path(pointer)
            os.replace(pointer, index_dir / "CURRENT")
        finally:
            pointer.unlink(missing_ok=True)
        swapped = True
        fsync_path(index_dir)
    except (OSError, RuntimeError, MemoryError) as exc:
        if not swapped:
            _discard(tmp, version)
            raise IndexWriteError(describe_os_error(exc, getattr(exc, "filename", None), index_dir)) from None
    except BaseException:
        if not swapped:
            _discard(tmp, version)       # Ctrl-C: the version never went live, so it goes
        raise
    remove_old_versions(index_dir, keep={version.name} | ({previous.name} if previous else set()))
    return version


def _discard(tmp: Path | None, version: Path | None) -> None:
    for folder in (tmp, version):
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            fsync_path(path)
    fsync_path(folder)


def read_manifest(index_dir: Path) -> dict | None:
    """The live manifest (None when there is no index); one-line ``IndexOpenError`` naming
    the file when it is truncated, not an object, or lacks the embedder."""
    version = live_version(index_dir)
    if version is None:
        return None
    return parse_manifest(version / "manifest.json", index_dir)


def check_format(manifest: dict, index_dir: Path) -> None:
    fmt = manifest.get("format")
    if fmt != FORMAT_VERSION:
        raise IndexOpenError(f"индекс в {index_dir} в формате {fmt}, а эта версия muniqa читает формат "
                             f"{FORMAT_VERSION}; {repair_hint(index_dir)}")


def check_compatible(manifest: dict, index_dir: Path, model_id: str, dim: int) -> None:
    check_format(manifest, index_dir)
    built = manifest.get("embedder", {})
    if built.get("model_id") != model_id or built.get("dim") != dim:
        raise IndexOpenError(f"индекс в {index_dir} построен моделью {built.get('model_id')} "
                             f"({built.get('dim')} изм.), а не {model_id} ({dim} изм.); укажите --embedder "
                             f"{built.get('backend')} или перестройте: muniqa index --rebuild --index {index_dir}")


def load_index(index_dir: Path) -> IndexData:
    """Open the live version; raises ``IndexOpenError`` with advice on any problem."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexOpenError(f"в {index_dir} нет индекса; постройте его: muniqa index ПАПКА_С_ОТЧЁТАМИ --index {index_dir}")
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
        sentences = SentenceVectors.load(version)
    except Exception as exc:  # noqa: BLE001 - any failure here means damaged files
        where = getattr(exc, "filename", None) or version
        raise IndexOpenError(f"индекс в {index_dir} повреждён ({where}: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''}); {repair_hint(index_dir)}") from None
    if not (len(chunks) == len(vectors) == len(dense) == len(sentences) == manifest.get("chunks")):
        raise IndexOpenError(f"индекс в {index_dir} повреждён (в {version} файлы расходятся в числе "
                             f"фрагментов); {repair_hint(index_dir)}")
    return IndexData(version, manifest, documents, chunks, tokens, vectors, dense, lexical, sentences)
