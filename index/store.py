"""The index directory: plain files you can inspect, written as a new version and swapped in.

Layout::

    <index dir>/CURRENT          name of the live version folder (replaced atomically)
    <index dir>/v-<stamp>/       manifest.json and the memory-mapped files of format 3
                                 (see ``format3``: documents, passage columns, texts, lemma
                                 ids, vectors.npy, dense.faiss, bm25/, sentence vectors)

A writer builds a complete version folder, fsyncs it, then replaces CURRENT with
``os.replace``: a reader (or a crash) sees the old version or the new one, never half.
Writers hold ``lock.writer_lock`` from reading the live manifest to the swap (see
``builder``); a write that fails (disk full, read-only folder, no inodes left) removes what
it wrote, raises ``IndexWriteError`` as one line, and leaves the previous version live.
Opening maps the files instead of reading them (``format3.open_version``): it takes
milliseconds and little memory at any size. A format-2 index is converted once on open
(``legacy``), keeping its vectors: nothing is embedded again.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from muniqa.corpus.document import Document

from .bm25 import LexicalIndex
from .chunk import Chunk
from .dense import DenseIndex
from .doctable import DocumentCatalog
from .format3 import open_version, write_version
from .legacy import LEGACY_FORMAT, migrate
from .errors import IndexOpenError, IndexWriteError, describe_os_error, repair_hint
from .sentvec import SentenceVectors
from .versions import fsync_path, parse_manifest, read_current, remove_old_versions

__all__ = ["IndexData", "IndexOpenError", "IndexWriteError", "live_version", "load_index",
           "read_manifest", "write_index", "check_format", "check_compatible"]

FORMAT_VERSION = 3   # 2: sentence vectors beside passage vectors; 3: memory-mapped columns


@dataclass
class IndexData(DocumentCatalog):
    """Everything a retriever needs. In format 3 ``documents``, ``chunks``, ``tokens`` and
    ``vectors`` are lazy views over memory-mapped files with the interface of the dict and
    lists they replace (``chunks[i]`` is a ``Chunk``, ``tokens[i]`` a list of lemmas)."""
    path: Path
    manifest: dict
    documents: Mapping[str, Document]
    chunks: Sequence[Chunk]
    tokens: Sequence[list[str]]
    vectors: np.ndarray
    dense: DenseIndex
    lexical: LexicalIndex
    sentences: SentenceVectors | None = None
    chunk_doc: np.ndarray | None = None     # document number of each chunk

    def __post_init__(self):
        if self.chunk_doc is None:
            order = {d: i for i, d in enumerate(self.documents)}
            self.chunk_doc = np.array([order[c.doc_id] for c in self.chunks], dtype=np.int32)

    def token_lists(self, rows) -> list[list[str]]:
        """Lemma lists of passages ``rows`` (format 3 decodes them in one pass when it can)."""
        if hasattr(self.tokens, "take"):
            return self.tokens.take(rows)
        return [self.tokens[i] for i in rows]



def live_version(index_dir: Path) -> Path | None:
    """The live version folder; None when there is no index; ``IndexOpenError`` when
    ``CURRENT`` is garbled or names a missing folder."""
    return read_current(index_dir)


def write_index(index_dir: Path, manifest: dict, documents: list[Document], chunks: list[Chunk],
                tokens: list[list[str]], vectors: np.ndarray, dense_kind: str | None = None,
                sentences: SentenceVectors | None = None, lexical: LexicalIndex | None = None,
                dense: DenseIndex | None = None) -> Path:
    """Write a complete new version and make it live; returns its folder. On any failure
    nothing of it stays behind and ``IndexWriteError`` says which file and why.
    ``lexical``/``dense``: prebuilt indexes over exactly these passages (e.g. a shard's
    slice), saved as they are instead of being built here."""
    return write_version_with(index_dir, manifest, lambda tmp: write_version(
        tmp, documents, chunks, tokens, vectors, manifest["embedder"]["dim"], dense_kind, sentences,
        lexical=lexical, dense=dense), len(chunks))


def write_version_with(index_dir: Path, manifest: dict, fill, n_chunks: int) -> Path:
    """Create a version folder, let ``fill(folder)`` write its files (returns the dense
    kind), add the manifest, fsync and swap it in; the crash-safe part of every write."""
    try:
        previous = read_current(index_dir)
    except IndexOpenError:
        previous = None                  # a garbled CURRENT: this write repairs it
    tmp = version = None
    swapped = False
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
        kind = fill(tmp)
        manifest = {**manifest, "format": FORMAT_VERSION, "dense_kind": kind,
                    "chunks": n_chunks, "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
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
    """Open the live version (memory-mapped; a format-2 index is converted first);
    raises ``IndexOpenError`` with advice on any problem."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexOpenError(f"в {index_dir} нет индекса; постройте его: muniqa index ПАПКА_С_ОТЧЁТАМИ --index {index_dir}")
    if manifest.get("format") == LEGACY_FORMAT:
        migrate(index_dir)
        manifest = read_manifest(index_dir)
    check_format(manifest, index_dir)
    version = live_version(index_dir)
    try:
        documents, chunks, tokens, vectors, dense, lexical, sentences, chunk_doc = open_version(version, manifest)
    except Exception as exc:  # noqa: BLE001 - any failure here means damaged files
        where = getattr(exc, "filename", None) or version
        raise IndexOpenError(f"индекс в {index_dir} повреждён ({where}: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''}); {repair_hint(index_dir)}") from None
    if not (len(chunks) == len(vectors) == len(dense) == len(sentences) == len(tokens) == manifest.get("chunks")):
        raise IndexOpenError(f"индекс в {index_dir} повреждён (в {version} файлы расходятся в числе "
                             f"фрагментов); {repair_hint(index_dir)}")
    return IndexData(version, manifest, documents, chunks, tokens, vectors, dense, lexical, sentences, chunk_doc)
