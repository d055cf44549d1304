"""Memory-mapped columns of an index (format 3): strings, lemma lists and passages read on
access, so opening an index of millions of passages costs milliseconds and little memory.

A million passages held as Python objects cost gigabytes (a ``Chunk`` with its text, a list
of lemma strings); the same data as numpy arrays mapped from disk costs only the pages a
query touches. The views below give consumers the interface they had (``chunks[i]`` is a
``Chunk``, ``tokens[i]`` a list of lemmas) while the bytes stay on disk.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .chunker import Chunk

CHUNK_DTYPE = np.dtype([("start", "<i8"), ("end", "<i8"), ("line_start", "<i4"), ("line_end", "<i4"),
                        ("page", "<i4"), ("page_end", "<i4"), ("section", "<i4"), ("header", "<i4"),
                        ("ocr", "u1")])
NO_PAGE = -1


def load_array(path: Path) -> np.ndarray:
    """``np.load`` memory-mapped read-only: only the pages a query touches are read."""
    return np.load(path, mmap_mode="r")


def save_array(path: Path, arr: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(arr))


class StringColumn(Sequence):
    """Strings as one UTF-8 blob (``<name>.npy``, uint8) and ``(start, end)`` byte spans
    (``<name>_spans.npy``). Spans, not cumulative offsets, so repeated strings may share bytes."""

    def __init__(self, blob: np.ndarray, spans: np.ndarray):
        self.blob = blob
        self.spans = spans

    @classmethod
    def open(cls, folder: Path, name: str) -> "StringColumn":
        return cls(load_array(folder / f"{name}.npy"), load_array(folder / f"{name}_spans.npy"))

    @staticmethod
    def write(folder: Path, name: str, strings) -> None:
        encoded = [s.encode("utf-8") for s in strings]
        sizes = np.array([len(b) for b in encoded], dtype=np.int64)
        ends = np.cumsum(sizes)
        spans = np.stack([ends - sizes, ends], axis=1) if len(sizes) else np.zeros((0, 2), np.int64)
        save_array(folder / f"{name}.npy", np.frombuffer(b"".join(encoded), dtype=np.uint8))
        save_array(folder / f"{name}_spans.npy", spans.astype(np.int64))

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        s, e = self.spans[i]
        return self.blob[s:e].tobytes().decode("utf-8")


class TokenLists(Sequence):
    """Lemma lists: int32 ids (``tokens.npy``) into a vocabulary, passage i owning ids
    ``offsets[i]:offsets[i+1]`` (``token_offsets.npy``)."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray, vocab: StringColumn):
        self.ids = ids
        self.offsets = offsets
        self.vocab = vocab
        self._words: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def word(self, token_id: int) -> str:
        w = self._words.get(token_id)
        if w is None:
            w = self._words[token_id] = self.vocab[token_id]
        return w

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return [self.word(int(t)) for t in self.ids[self.offsets[i]:self.offsets[i + 1]]]


class ChunkTable(Sequence):
    """Passages as columns: ``chunks[i]`` builds the ``Chunk`` (text decoded from the blob)."""

    def __init__(self, rows: np.ndarray, chunk_doc: np.ndarray, doc_ids: list[str],
                 texts: StringColumn, strings: StringColumn):
        self.rows = rows              # CHUNK_DTYPE records
        self.chunk_doc = chunk_doc    # int32 document number of each passage
        self.doc_ids = doc_ids
        self.texts = texts
        self.strings = strings        # section headings and table header rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        r = self.rows[i]
        page, page_end = int(r["page"]), int(r["page_end"])
        return Chunk(self.doc_ids[int(self.chunk_doc[i])], int(r["start"]), int(r["end"]), self.texts[i],
                     self.strings[int(r["section"])], int(r["line_start"]), int(r["line_end"]),
                     None if page == NO_PAGE else page, None if page_end == NO_PAGE else page_end,
                     bool(r["ocr"]), self.strings[int(r["header"])])

    def find(self, doc_id: str, start: int, end: int) -> int | None:
        """The number of the passage ``doc_id[start:end]`` (numpy over the columns)."""
        try:
            d = self.doc_ids.index(doc_id)
        except ValueError:
            return None
        rows = np.flatnonzero(np.asarray(self.chunk_doc) == d)
        hit = rows[(self.rows["start"][rows] == start) & (self.rows["end"][rows] == end)]
        return int(hit[0]) if len(hit) else None


def chunk_record(chunk: Chunk, string_id) -> tuple:
    """One ``CHUNK_DTYPE`` row; ``string_id`` maps a heading or header row to its number."""
    return (chunk.start, chunk.end, chunk.line_start, chunk.line_end,
            NO_PAGE if chunk.page is None else chunk.page, NO_PAGE if chunk.page_end is None else chunk.page_end,
            string_id(chunk.section), string_id(chunk.table_header), int(chunk.ocr))
