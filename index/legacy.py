"""Format 2 (everything unpickled from JSON lines) read once and converted to format 3.

An index built before format 3 keeps working without re-embedding: the first open takes
the writer lock, reads the old version into memory (as format 2 always did), writes it as
format 3 with its own vectors, FAISS index and sentence vectors, and swaps it in like any
update. Anything that stops this (a read-only folder, a full disk) is one line saying how
to rebuild instead.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from .bm25 import LexicalIndex
from .chunk import Chunk
from .dense import DenseIndex
from .docstore import doc_from_json
from .errors import IndexOpenError, IndexWriteError, repair_hint
from .sentvec import SentenceVectors
from .versions import parse_manifest, read_current

LEGACY_FORMAT = 2


def load_v2(version: Path, manifest: dict):
    """A format-2 version as in-memory ``IndexData`` (the format-2 loader, unchanged)."""
    from .store import IndexData
    documents = {}
    with open(version / "documents.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = doc_from_json(json.loads(line))
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
    return IndexData(version, manifest, documents, chunks, tokens, vectors, dense, lexical, sentences)


def migrate(index_dir: Path, say=None) -> Path | None:
    """Convert a live format-2 index to format 3 (under the writer lock); returns the new
    version, or None when it is not format 2 (any more)."""
    from .lock import writer_lock
    from .store import write_index
    with writer_lock(index_dir, say):
        version = read_current(index_dir)
        if version is None:
            return None
        manifest = parse_manifest(version / "manifest.json", index_dir)
        if manifest.get("format") != LEGACY_FORMAT:
            return None
        try:
            old = load_v2(version, manifest)
        except Exception as exc:  # noqa: BLE001 - damaged old files: only a rebuild helps
            raise IndexOpenError(f"индекс в {index_dir} в старом формате 2 и повреждён "
                                 f"({type(exc).__name__}); {repair_hint(index_dir)}") from None
        if say:
            say(f"индекс в {index_dir} переводится в формат 3 (без повторной векторизации)")
        keep = {k: v for k, v in manifest.items() if k not in ("format", "dense_kind", "chunks", "written")}
        try:
            new = write_index(index_dir, keep, list(old.documents.values()), old.chunks, old.tokens,
                              old.vectors, old.dense.kind, old.sentences, dense=old.dense)
            if (version / "partners.jsonl").exists():
                shutil.copyfile(version / "partners.jsonl", new / "partners.jsonl")
        except (IndexWriteError, OSError) as exc:
            raise IndexOpenError(f"индекс в {index_dir} в старом формате 2, перевести его в формат 3 "
                                 f"не удалось ({str(exc).splitlines()[0]}); {repair_hint(index_dir)}") from None
        return new
