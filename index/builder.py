"""Bring documents into an index: new and changed ones are chunked and embedded, unchanged
ones (same content hash and metadata) reuse their passages and vectors, identical files are
stored once. The result is written as a new version and swapped in (see ``store``).

An update holds the index's writer lock (``lock``) from reading the live version to the
swap, so a second writer waits and then builds on what the first one wrote. A document
over the per-document passage limit is refused like a bad file; ``should_stop`` lets the
app cancel between embedding batches (nothing is written then). Documents removed with
``muniqa remove`` are remembered in the manifest (``removed``: source and content hash), so
the next run over the same folder does not bring them back; naming the file itself, or a
changed file, adds it again.
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
from muniqa.corpus.limits import max_passages

from . import partners_store
from .chunk import PASSAGE_TEXT_VERSION, lexical_text, passage_head, passage_text, sentence_head  # (also re-exported: older imports)
from .chunker import Chunk, Chunker, ChunkerSettings
from .embedders import Embedder
from .errors import Cancelled, IndexOpenError
from .legacy import LEGACY_FORMAT, migrate
from .lemmas import lemmas
from .lock import writer_lock
from .shard_split import refuse_update
from .sentvec import SentenceVectors, sentence_texts
from .abbrev import LEXICAL_TOKENS_VERSION, abbrev_tokens, find_definitions, stored_definitions
from .embed_reuse import VectorReuse, seed_replaced
from .store import IndexData, check_compatible, load_index, read_manifest, write_index
from .versions import clean_leftovers


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)   # (file, same as doc id)
    still_removed: list[str] = field(default_factory=list)   # skipped: removed earlier by the user
    failed: list[CorpusError] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    seconds: float = 0.0
    written: bool = False
    timings: dict[str, float] = field(default_factory=dict)   # read, chunk, lemmatize, embed, write
    embedded_tokens: int = 0

    def summary(self) -> str:
        parts = [f"добавлено {len(self.added)}", f"обновлено {len(self.updated)}",
                 f"без изменений {len(self.unchanged)}"]
        if self.removed:
            parts.append(f"удалено {len(self.removed)}")
        if self.still_removed:
            parts.append(f"пропущено удалённых ранее {len(self.still_removed)}")
        if self.duplicates:
            parts.append(f"пропущено дубликатов {len(self.duplicates)}")
        if self.failed:
            parts.append(f"с ошибками {len(self.failed)}")
        state = "" if self.written else " — ничего не изменилось, индекс прежний"
        return (f"{', '.join(parts)}; в индексе документов: {self.documents}, "
                f"фрагментов: {self.chunks} ({self.seconds:.1f} с){state}")


def texts_of(chunk: Chunk, doc: Document) -> tuple[str, list[str]]:
    """The passage text and the sentence texts embedded for ``chunk``."""
    return passage_text(chunk, doc), sentence_texts(chunk.text, sentence_head(chunk, doc))


def _doc_fingerprint(doc: Document) -> tuple[str, str]:
    return doc.sha256, json.dumps(asdict(doc.meta), sort_keys=True, ensure_ascii=False)


def _where(source: str) -> str:
    """A source path in one spelling (relative and absolute name the same file)."""
    return str(Path(source).resolve())


def _tombstone(doc: Document) -> dict:
    return {"doc_id": doc.doc_id, "source": doc.source, "sha256": doc.sha256}


class IndexBuilder:
    def __init__(self, index_dir: Path, embedder: Embedder, settings: ChunkerSettings | None = None,
                 progress: bool = True, on_message: Callable[[str], None] | None = None,
                 on_progress: Callable[[int, int], None] | None = None,
                 should_stop: Callable[[], bool] | None = None, encoder=None):
        self.index_dir = index_dir
        self.encoder = encoder   # None: in this process; else e.g. distributed.RayEncoder (chunks, lemmas, embed)
        self.embedder = embedder
        self.chunker = Chunker(settings)
        self.progress = progress
        self.say = on_message or (lambda msg: None)
        self.on_progress = on_progress or (lambda done, total: None)
        self.should_stop = should_stop or (lambda: False)
        self.timings: dict[str, float] = {}
        self._chunked: dict[str, list[Chunk]] = {}
        self._removed: list[dict] = []
        self._chunk_seconds = 0.0
        self.reuse_vectors = True     # each distinct text embedded once (embed_reuse)
        self.reuse: VectorReuse | None = None
        self._stale_text = False      # the live index embedded passages under another passage_text
        self._stale_tokens = False    # ... or made its BM25 tokens under another LEXICAL_TOKENS_VERSION

    def _check_stop(self) -> None:
        if self.should_stop():
            raise Cancelled("индексация отменена; индекс прежний")

    def _previous_manifest(self) -> dict:
        """The live manifest, or {} when there is none or it cannot be read (a write repairs it);
        what it remembers is kept across --rebuild."""
        try:
            return read_manifest(self.index_dir) or {}
        except IndexOpenError:
            return {}

    @staticmethod
    def _tombstones(manifest: dict) -> list[dict]:
        """Removals remembered by the manifest."""
        removed = manifest.get("removed", [])
        return [r for r in removed if isinstance(r, dict) and "source" in r] if isinstance(removed, list) else []

    @staticmethod
    def _recorded_ids(manifest: dict) -> dict[str, str]:
        """Each recorded source's document id, so re-reading a file keeps its id: ``muniqa
        index`` without paths reads the recorded files one by one, which would otherwise lose
        the folder part of ``a/report``."""
        documents = manifest.get("documents", [])
        return {_where(d["source"]): d["doc_id"] for d in documents
                if isinstance(d, dict) and "source" in d and "doc_id" in d} if isinstance(documents, list) else {}

    def _existing(self, rebuild: bool) -> IndexData | None:
        manifest = None if rebuild else read_manifest(self.index_dir)
        if manifest is None:
            return None
        if manifest.get("format") == LEGACY_FORMAT and migrate(self.index_dir, self.say):
            manifest = read_manifest(self.index_dir)
        check_compatible(manifest, self.index_dir, self.embedder.model_id, self.embedder.dim)
        if manifest.get("chunker") != asdict(self.chunker.settings):
            self.say("настройки нарезки изменились: все документы нарезаются заново")
            return None
        self._stale_text = manifest.get("passage_text", 1) != PASSAGE_TEXT_VERSION
        self._stale_tokens = manifest.get("lexical_tokens", 1) != LEXICAL_TOKENS_VERSION
        if self._stale_tokens and not self._stale_text:
            self.say("слова фрагментов для поиска изменились (сокращения документов): "
                     "все документы индексируются заново, векторы сохраняются")
        if self._stale_text:
            self.say("текст фрагментов для поиска изменился (заголовок документа, шапки таблиц): "
                     "все документы индексируются заново")
        return load_index(self.index_dir)

    def update(self, documents: Iterable[Document | CorpusError], rebuild: bool = False,
               remove: Iterable[str] = (), readd: Iterable[str] = ()) -> UpdateReport:
        """Apply ``documents`` and removals under the writer lock. ``readd``: sources the user
        named explicitly, which come back even if removed earlier."""
        with writer_lock(self.index_dir, self.say):
            for name in clean_leftovers(self.index_dir):
                self.say(f"удалены остатки прерванной записи: {name}")
            refuse_update(self.index_dir, rebuild)       # a sharded index: rebuild, then shard again
            return self._update(documents, rebuild, remove, {_where(r) for r in readd})

    def _update(self, documents: Iterable[Document | CorpusError], rebuild: bool,
                remove: Iterable[str], readd: set[str]) -> UpdateReport:
        started = time.perf_counter()
        report = UpdateReport()
        self._chunked, self._chunk_seconds = {}, 0.0
        self._stale_text = self._stale_tokens = False
        previous = self._previous_manifest()
        tombstones = {(_where(t["source"]), t.get("sha256")): t for t in self._tombstones(previous)}
        known_ids, taken = self._recorded_ids(previous), set()
        old = self._existing(rebuild)
        kept: dict[str, Document] = dict(old.documents) if old else {}
        by_hash = {d.sha256: d.doc_id for d in kept.values()}
        fresh: dict[str, Document] = {}
        self.timings = report.timings
        limit = max_passages()
        for item in _timed(documents, report.timings, "read"):
            self._check_stop()
            if isinstance(item, CorpusError):     # the caller lists report.failed
                report.failed.append(item)
                continue
            doc = item
            where = _where(doc.source)
            if known_ids.get(where, doc.doc_id) not in taken:
                doc.doc_id = known_ids.get(where, doc.doc_id)
            taken.add(doc.doc_id)
            if where in readd:
                tombstones = {k: t for k, t in tombstones.items() if k[0] != where}
            elif (where, doc.sha256) in tombstones:
                report.still_removed.append(doc.doc_id)
                self.say(f"пропущен {doc.source}: удалён ранее командой muniqa remove "
                         f"(чтобы вернуть, укажите сам файл: muniqa index {doc.source})")
                continue
            else:                                 # a changed file under a removed name comes back
                tombstones = {k: t for k, t in tombstones.items() if k[0] != where}
            same = kept.get(doc.doc_id)
            if same is not None and _doc_fingerprint(same) == _doc_fingerprint(doc):
                report.unchanged.append(doc.doc_id)
                continue
            twin = by_hash.get(doc.sha256)
            if twin is not None and twin != doc.doc_id:
                report.duplicates.append((doc.source, twin))
                self.say(f"пропущен {doc.source}: такой же файл уже в индексе ({twin})")
                continue
            t0 = time.perf_counter()
            pieces = (self.encoder and self.encoder.chunks(doc)) or self.chunker.chunk(doc)
            self._chunk_seconds += time.perf_counter() - t0
            if len(pieces) > limit:
                report.failed.append(CorpusError(doc.source, f"документ слишком большой: {len(pieces)} "
                                                 f"фрагментов, предел {limit} на документ "
                                                 f"(поднять: MUNIQA_MAX_PASSAGES)"))
                continue
            self._chunked[doc.doc_id] = pieces
            (report.updated if same is not None else report.added).append(doc.doc_id)
            fresh[doc.doc_id] = doc
            by_hash[doc.sha256] = doc.doc_id
        for doc_id in remove:
            gone = kept.pop(doc_id, None)
            if gone is not None:
                report.removed.append(doc_id)
                tombstones[(_where(gone.source), gone.sha256)] = _tombstone(gone)
        self._removed = list(tombstones.values())
        if self._stale_text or self._stale_tokens:   # kept documents are cut and embedded again, none is lost
            for doc_id, doc in kept.items():
                if doc_id not in fresh:
                    fresh[doc_id] = doc
                    self._chunked[doc_id] = self.chunker.chunk(doc)
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
        sentence_groups: list[np.ndarray] = []
        self.reuse = VectorReuse(self.embedder.dim) if self.reuse_vectors else None
        if old is not None:
            if (self.reuse is not None and not self._stale_text
                    and old.manifest.get("embedder", {}).get("backend") == self.embedder.backend):
                seed_replaced(self.reuse, old, [d for d in fresh if d in old.documents], texts_of)
            reuse = {d for d in kept if d not in fresh}
            numbers = [i for i, d in enumerate(old.documents) if d in reuse]
            rows = np.flatnonzero(np.isin(np.asarray(old.chunk_doc), numbers)).tolist()
            documents += [old.documents[d] for d in old.documents if d in reuse]
            chunks += [old.chunks[i] for i in rows]
            tokens += [old.tokens[i] for i in rows]
            if rows:
                vectors.append(old.vectors[rows])
            sentence_groups += old.sentences.take(rows)
        new_chunks: list[Chunk] = []
        new_texts: list[str] = []
        new_lexical: list[str] = []
        new_sentences: list[list[str]] = []
        started = time.perf_counter()
        for doc in fresh.values():
            documents.append(doc)
            for chunk in self._chunked.get(doc.doc_id) or self.chunker.chunk(doc):
                new_chunks.append(chunk)
                passage, sentences = texts_of(chunk, doc)
                new_texts.append(passage)
                new_lexical.append(lexical_text(chunk, doc))
                new_sentences.append(sentences)
        self.timings["chunk"] = self._chunk_seconds + time.perf_counter() - started
        started = time.perf_counter()
        new_tokens = self.encoder.lemmas(new_lexical) if self.encoder else [lemmas(t) for t in new_lexical]
        defined = {d: find_definitions(doc.text) for d, doc in fresh.items()}
        tokens += abbrev_tokens(new_tokens, [c.doc_id for c in new_chunks], defined)
        self.timings["lemmatize"] = time.perf_counter() - started
        chunks += new_chunks
        started = time.perf_counter()
        self.embedded_tokens = 0
        if new_texts:
            vectors.append(self.reuse.embed(new_texts, self._embed, exact=True) if self.reuse is not None
                           else self._embed(new_texts))
            sentence_groups += self._embed_sentences(new_sentences)
        self.timings["embed"] = time.perf_counter() - started
        self.embedded_tokens = sum(self.embedder.count_tokens(t) for t in new_texts)
        matrix = np.vstack(vectors) if vectors else np.zeros((0, self.embedder.dim), np.float32)
        manifest = {
            "embedder": {"backend": self.embedder.backend, "model_id": self.embedder.model_id,
                         "dim": self.embedder.dim},
            "chunker": asdict(self.chunker.settings),
            "passage_text": PASSAGE_TEXT_VERSION,
            "lexical_tokens": LEXICAL_TOKENS_VERSION,
            "documents": [{"doc_id": d.doc_id, "source": d.source, "sha256": d.sha256, **asdict(d.meta)}
                          for d in documents],
            "removed": self._removed,
            "abbreviations": stored_definitions(old.manifest if old is not None else None, defined,
                                                [d.doc_id for d in documents]),
        }
        self._check_stop()
        started = time.perf_counter()
        carried = partners_store.read_rows(old.path if old is not None else None)
        if self.encoder is not None:     # mentions extracted where the documents were read
            carried = {**carried, **self.encoder.partner_rows(documents)}
        version = write_index(self.index_dir, manifest, documents, chunks, tokens, matrix,
                              sentences=SentenceVectors.from_groups(sentence_groups, self.embedder.dim))
        self.timings["write"] = time.perf_counter() - started
        started = time.perf_counter()
        partners_store.write_rows(version, documents, carried)   # partnerships of new/changed docs
        self.timings["partners"] = time.perf_counter() - started
        return len(documents), len(chunks)

    def _embed_sentences(self, groups: list[list[str]]) -> list[np.ndarray]:
        """Every passage's sentences embedded (sorted by length, so batches pad little); with
        ``reuse``, a sentence text already embedded (as a sentence or a passage) is not again."""
        flat = [t for g in groups for t in g]
        out = self.reuse.embed(flat, self._embed_sorted, exact=False) if self.reuse is not None else self._embed_sorted(flat)
        bounds = np.cumsum([0] + [len(g) for g in groups])
        return [out[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def _embed_sorted(self, flat: list[str]) -> np.ndarray:
        order = sorted(range(len(flat)), key=lambda i: len(flat[i]))
        out = np.empty((len(flat), self.embedder.dim), dtype=np.float32)
        out[order] = self._embed([flat[i] for i in order], batch=32, desc="векторизация предложений")
        return out

    def _embed(self, texts: list[str], batch: int = 16, desc: str = "векторизация фрагментов") -> np.ndarray:
        if self.encoder is not None:
            return self.encoder.embed(texts, desc, self.on_progress, self._check_stop)
        out = np.empty((len(texts), self.embedder.dim), dtype=np.float32)
        self.on_progress(0, len(texts))
        with tqdm(total=len(texts), desc=desc, unit="фрагм.",
                  disable=not self.progress, leave=False) as bar:
            for i in range(0, len(texts), batch):
                self._check_stop()
                out[i:i + batch] = self.embedder.embed_passages(texts[i:i + batch])
                bar.update(len(texts[i:i + batch]))
                self.on_progress(min(i + batch, len(texts)), len(texts))
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
