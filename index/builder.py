"""Bring documents into an index: new and changed ones are chunked and embedded, unchanged
ones (same content hash and metadata) reuse their passages and vectors, identical files are
stored once. The result is written as a new version and swapped in (see ``store``).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from muniqa.corpus.document import Document
from muniqa.corpus.errors import CorpusError

from . import partners_store
from .chunker import Chunk, Chunker, ChunkerSettings
from .embedders import Embedder
from .lemmas import lemmas
from .store import IndexData, check_compatible, load_index, read_manifest, write_index


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)   # (file, same as doc id)
    failed: list[CorpusError] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    seconds: float = 0.0
    written: bool = False
    timings: dict[str, float] = field(default_factory=dict)   # read, chunk, lemmatize, embed, write
    embedded_tokens: int = 0

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate(s) skipped")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        state = "" if self.written else " — nothing changed, index left as it was"
        return (f"{', '.join(parts)}; index holds {self.documents} documents, "
                f"{self.chunks} passages ({self.seconds:.1f} s){state}")


def passage_text(chunk: Chunk, doc: Document) -> str:
    """What is embedded and BM25-indexed: the passage with its city and section heading,
    so a passage about Mogilev in Khabarovsk's report still says it is Khabarovsk's."""
    head = ". ".join(x for x in (doc.meta.city, chunk.section) if x)
    return f"{head}.\n{chunk.text}" if head else chunk.text


def _doc_fingerprint(doc: Document) -> tuple[str, str]:
    return doc.sha256, json.dumps(asdict(doc.meta), sort_keys=True, ensure_ascii=False)


class IndexBuilder:
    def __init__(self, index_dir: Path, embedder: Embedder, settings: ChunkerSettings | None = None,
                 progress: bool = True, on_message: Callable[[str], None] | None = None):
        self.index_dir = index_dir
        self.embedder = embedder
        self.chunker = Chunker(settings)
        self.progress = progress
        self.say = on_message or (lambda msg: None)

    def _existing(self, rebuild: bool) -> IndexData | None:
        manifest = None if rebuild else read_manifest(self.index_dir)
        if manifest is None:
            return None
        check_compatible(manifest, self.index_dir, self.embedder.model_id, self.embedder.dim)
        if manifest.get("chunker") != asdict(self.chunker.settings):
            self.say("chunker settings changed: re-chunking every document")
            return None
        return load_index(self.index_dir)

    def update(self, documents: Iterable[Document | CorpusError], rebuild: bool = False,
               remove: Iterable[str] = ()) -> UpdateReport:
        started = time.perf_counter()
        report = UpdateReport()
        old = self._existing(rebuild)
        kept: dict[str, Document] = dict(old.documents) if old else {}
        by_hash = {d.sha256: d.doc_id for d in kept.values()}
        fresh: dict[str, Document] = {}
        self.timings = report.timings
        for item in _timed(documents, report.timings, "read"):
            if isinstance(item, CorpusError):     # the caller lists report.failed
                report.failed.append(item)
                continue
            doc = item
            same = kept.get(doc.doc_id)
            if same is not None and _doc_fingerprint(same) == _doc_fingerprint(doc):
                report.unchanged.append(doc.doc_id)
                continue
            twin = by_hash.get(doc.sha256)
            if twin is not None and twin != doc.doc_id:
                report.duplicates.append((doc.source, twin))
                self.say(f"skipped {doc.source}: identical to already indexed {twin}")
                continue
            (report.updated if same is not None else report.added).append(doc.doc_id)
            fresh[doc.doc_id] = doc
            by_hash[doc.sha256] = doc.doc_id
        for doc_id in remove:
            if kept.pop(doc_id, None) is not None:
                report.removed.append(doc_id)
        if not fresh and not report.removed and old is not None:
            report.documents, report.chunks = len(kept), len(old.chunks)
            report.seconds = time.perf_counter() - started
            return report
        report.documents, report.chunks = self._write(old, kept, fresh)
        report.embedded_tokens = self.embedded_tokens
        report.written = True
        report.seconds = time.perf_counter() - started
        return report

    def _write(self, old: IndexData | None, kept: dict[str, Document],
               fresh: dict[str, Document]) -> tuple[int, int]:
        """Write the new version; returns (documents, passages) it holds."""
        documents: list[Document] = []
        chunks: list[Chunk] = []
        tokens: list[list[str]] = []
        vectors: list[np.ndarray] = []
        if old is not None:
            reuse = {d for d in kept if d not in fresh}
            rows = [i for i, c in enumerate(old.chunks) if c.doc_id in reuse]
            documents += [old.documents[d] for d in old.documents if d in reuse]
            chunks += [old.chunks[i] for i in rows]
            tokens += [old.tokens[i] for i in rows]
            if rows:
                vectors.append(old.vectors[rows])
        new_chunks: list[Chunk] = []
        new_texts: list[str] = []
        started = time.perf_counter()
        for doc in fresh.values():
            documents.append(doc)
            for chunk in self.chunker.chunk(doc):
                new_chunks.append(chunk)
                new_texts.append(passage_text(chunk, doc))
        self.timings["chunk"] = time.perf_counter() - started
        started = time.perf_counter()
        tokens += [lemmas(t) for t in new_texts]
        self.timings["lemmatize"] = time.perf_counter() - started
        chunks += new_chunks
        started = time.perf_counter()
        self.embedded_tokens = 0
        if new_texts:
            vectors.append(self._embed(new_texts))
        self.timings["embed"] = time.perf_counter() - started
        self.embedded_tokens = sum(self.embedder.count_tokens(t) for t in new_texts)
        matrix = np.vstack(vectors) if vectors else np.zeros((0, self.embedder.dim), np.float32)
        manifest = {
            "embedder": {"backend": self.embedder.backend, "model_id": self.embedder.model_id,
                         "dim": self.embedder.dim},
            "chunker": asdict(self.chunker.settings),
            "documents": [{"doc_id": d.doc_id, "source": d.source, "sha256": d.sha256, **asdict(d.meta)}
                          for d in documents],
        }
        started = time.perf_counter()
        carried = partners_store.read_rows(old.path if old is not None else None)
        version = write_index(self.index_dir, manifest, documents, chunks, tokens, matrix)
        self.timings["write"] = time.perf_counter() - started
        started = time.perf_counter()
        partners_store.write_rows(version, documents, carried)   # partnerships of new/changed docs
        self.timings["partners"] = time.perf_counter() - started
        return len(documents), len(chunks)

    def _embed(self, texts: list[str], batch: int = 16) -> np.ndarray:
        out = np.empty((len(texts), self.embedder.dim), dtype=np.float32)
        with tqdm(total=len(texts), desc="embedding passages", unit="passage",
                  disable=not self.progress, leave=False) as bar:
            for i in range(0, len(texts), batch):
                out[i:i + batch] = self.embedder.embed_passages(texts[i:i + batch])
                bar.update(len(texts[i:i + batch]))
        return out


def _timed(items: Iterable, timings: dict[str, float], key: str):
    """Pass ``items`` through, adding the time spent producing them to ``timings[key]``."""
    it = iter(items)
    timings.setdefault(key, 0.0)
    while True:
        started = time.perf_counter()
        try:
            item = next(it)
        except StopIteration:
            timings[key] += time.perf_counter() - started
            return
        timings[key] += time.perf_counter() - started
        yield item
