"""Index format 3: a version folder of plain memory-mapped files, written block by block.

Layout (see docs/DESIGN.md, "Index format 3")::

    documents.jsonl, document_offsets.npy, document_meta.json    (docstore)
    chunks.npy          CHUNK_DTYPE records: start, end, lines, pages, section, header, ocr
    chunk_doc.npy       int32 document number of each passage
    texts.npy, texts_spans.npy        passage texts: UTF-8 blob + (start, end) byte spans
    strings.npy, strings_spans.npy    section headings and table header rows (deduplicated)
    tokens.npy, token_offsets.npy     lemma ids (int32) per passage
    vocab.npy, vocab_spans.npy        the lemma of each id
    vectors.npy         float32 passage vectors (rescoring candidates, incremental updates)
    dense.faiss         FAISS index (kind in the manifest: flat, ivf, ivf-sq8, ...)
    bm25/               bm25s's folder, loaded with mmap=True
    sentences.npy, sentence_offsets.npy   float16 sentence vectors (sentvec)

``VersionWriter`` takes the parts in passage order, a block at a time, so a corpus of
millions of passages is never held as Python objects (``eval.bench`` streams 5 million).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .bm25 import LexicalIndex
from .bm25_build import write_bm25
from .chunk import Chunk
from .columns import CHUNK_DTYPE, ChunkTable, RowFile, StringColumn, TokenLists, chunk_record, load_array
from .dense import DenseIndex
from .docstore import DocumentStore, write_documents
from .npyfile import NpyAppender
from .sentvec import SentenceVectors


class VersionWriter:
    """Write one format-3 version folder; ``n_chunks`` is known up front."""

    def __init__(self, folder: Path, n_chunks: int, dim: int):
        self.folder, self.n, self.dim = folder, n_chunks, dim
        self.done = 0
        self.vocab: dict[str, int] = {}
        self.strings: dict[str, int] = {"": 0}
        self.doc_index: dict[str, int] = {}
        self._rows = np.lib.format.open_memmap(folder / "chunks.npy", "w+", CHUNK_DTYPE, (n_chunks,))
        self._doc = np.lib.format.open_memmap(folder / "chunk_doc.npy", "w+", np.int32, (n_chunks,))
        self._vec = np.lib.format.open_memmap(folder / "vectors.npy", "w+", np.float32, (n_chunks, dim))
        self._tok = NpyAppender(folder / "tokens.npy", np.int32)
        self._tok_offsets = [np.zeros(1, np.int64)]
        self._tok_total = 0
        self._text = NpyAppender(folder / "texts.npy", np.uint8)
        self._spans = np.lib.format.open_memmap(folder / "texts_spans.npy", "w+", np.int64, (n_chunks, 2))
        self._sent = NpyAppender(folder / "sentences.npy", np.float16, (dim,))
        self._sent_offsets = [np.zeros(1, np.int64)]
        self._sent_total = 0
        self._vec_done = 0

    def documents(self, documents) -> list[str]:
        ids = write_documents(self.folder, documents)
        self.doc_index = {d: i for i, d in enumerate(ids)}
        return ids

    def string_id(self, s: str) -> int:
        sid = self.strings.get(s)
        if sid is None:
            sid = self.strings[s] = len(self.strings)
        return sid

    def add_chunks(self, chunks: list[Chunk], token_lists: list[list[str]]) -> None:
        """Passages as records (texts stored verbatim) with their lemma lists."""
        a, b = self.done, self.done + len(chunks)
        self._rows[a:b] = np.array([chunk_record(c, self.string_id) for c in chunks], dtype=CHUNK_DTYPE)
        self._doc[a:b] = [self.doc_index[c.doc_id] for c in chunks]
        encoded = [c.text.encode("utf-8") for c in chunks]
        sizes = np.array([len(x) for x in encoded], dtype=np.int64)
        ends = self._text.rows + np.cumsum(sizes)
        self._spans[a:b] = np.stack([ends - sizes, ends], axis=1) if len(sizes) else np.zeros((0, 2))
        self._text.append(np.frombuffer(b"".join(encoded), dtype=np.uint8))
        ids = [self.vocab.setdefault(t, len(self.vocab)) for toks in token_lists for t in toks]
        self.add_token_ids(np.array(ids, dtype=np.int32), np.array([len(t) for t in token_lists], np.int64))
        self.done = b

    def add_rows(self, rows: np.ndarray, doc_numbers: np.ndarray, text_spans: np.ndarray) -> None:
        """Passages given as columns already (a streaming build): ``text_spans`` point into
        bytes appended with ``add_text_bytes``; strings through ``string_id``."""
        a, b = self.done, self.done + len(rows)
        self._rows[a:b] = rows
        self._doc[a:b] = doc_numbers
        self._spans[a:b] = text_spans
        self.done = b

    def add_text_bytes(self, blob: bytes) -> int:
        """Append raw text bytes; returns the offset they start at."""
        at = self._text.rows
        self._text.append(np.frombuffer(blob, dtype=np.uint8))
        return at

    def add_token_ids(self, ids: np.ndarray, lengths: np.ndarray) -> None:
        self._tok.append(ids)
        self._tok_offsets.append(self._tok_total + np.cumsum(lengths))
        self._tok_total += int(lengths.sum())

    def add_vectors(self, block: np.ndarray) -> None:
        self._vec[self._vec_done:self._vec_done + len(block)] = block
        self._vec_done += len(block)

    def add_sentences(self, block: np.ndarray, sizes: np.ndarray) -> None:
        """Sentence vectors of consecutive passages (``sizes`` rows each)."""
        self._sent.append(block.astype(np.float16))
        self._sent_offsets.append(self._sent_total + np.cumsum(sizes))
        self._sent_total += int(np.sum(sizes))

    def finish(self, embedder_dim: int, dense_kind: str | None = None, vocab: list[str] | None = None,
               lexical=None, dense=None) -> str:
        """Close the columns, write BM25 and FAISS (or the prebuilt ones given); returns the
        dense kind. ``vocab``: the words of the token ids when they came as ids."""
        if self.done != self.n or self._vec_done != self.n:
            raise RuntimeError(f"{self.folder}: written {self.done} passages, {self._vec_done} vectors of {self.n}")
        for arr in (self._rows, self._doc, self._vec, self._spans):
            arr.flush()
        self._tok.close()
        self._text.close()
        self._sent.close()
        tok_offsets = np.concatenate(self._tok_offsets).astype(np.int64)
        np.save(self.folder / "token_offsets.npy", tok_offsets)
        np.save(self.folder / "sentence_offsets.npy", np.concatenate(self._sent_offsets).astype(np.int64))
        words = vocab if vocab is not None else list(self.vocab)
        StringColumn.write(self.folder, "vocab", words)
        StringColumn.write(self.folder, "strings", list(self.strings))
        if lexical is not None:
            lexical.save(self.folder / "bm25")
        elif self.n:
            ids = load_array(self.folder / "tokens.npy")
            write_bm25(self.folder / "bm25", ids, tok_offsets, words, len(words))
        vectors = load_array(self.folder / "vectors.npy")
        if dense is None:
            dense = DenseIndex.build(vectors, embedder_dim, dense_kind)
        dense.save(self.folder / "dense.faiss")
        del self._rows, self._doc, self._vec, self._spans
        return dense.kind


def write_version(folder: Path, documents, chunks, tokens, vectors: np.ndarray, dim: int,
                  dense_kind: str | None, sentences: SentenceVectors | None, lexical=None, dense=None) -> str:
    """A whole version from in-memory sequences (``store.write_index``); returns the dense kind."""
    chunks = chunks if isinstance(chunks, list) else list(chunks)
    writer = VersionWriter(folder, len(chunks), dim)
    writer.documents(documents)
    step = 50_000
    for a in range(0, len(chunks), step):
        writer.add_chunks(chunks[a:a + step], [list(t) for t in tokens[a:a + step]])
        writer.add_vectors(np.asarray(vectors[a:a + step], dtype=np.float32))
    sent = sentences or SentenceVectors.empty(dim)
    if len(sent):
        writer.add_sentences(np.asarray(sent.vectors), np.diff(np.asarray(sent.offsets)))
    return writer.finish(dim, dense_kind, lexical=lexical, dense=dense)


def open_version(folder: Path, manifest: dict):
    """The parts of a format-3 version, memory-mapped (``store.load_index`` wraps them)."""
    documents = DocumentStore(folder)
    doc_ids = list(documents)
    chunk_doc = load_array(folder / "chunk_doc.npy")
    chunks = ChunkTable(RowFile(folder / "chunks.npy"), chunk_doc, doc_ids,
                        StringColumn.open(folder, "texts"), StringColumn.open(folder, "strings"))
    tokens = TokenLists(RowFile(folder / "tokens.npy"), load_array(folder / "token_offsets.npy"),
                        StringColumn.open(folder, "vocab"))
    vectors = RowFile(folder / "vectors.npy")
    dense = DenseIndex.load(folder / "dense.faiss", manifest.get("dense_kind", "flat"))
    lexical = LexicalIndex.load(folder / "bm25", len(chunks))
    sentences = SentenceVectors(RowFile(folder / "sentences.npy"), load_array(folder / "sentence_offsets.npy"))
    return documents, chunks, tokens, vectors, dense, lexical, sentences, chunk_doc
