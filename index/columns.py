"""Memory-mapped columns of an index (format 3): strings, lemma lists and passages read on
access, so opening an index of millions of passages costs milliseconds and little memory.

A million passages held as Python objects cost gigabytes (a ``Chunk`` with its text, a list
of lemma strings); the same data as numpy arrays mapped from disk costs only the pages a
query touches. The views below give consumers the interface they had (``chunks[i]`` is a
``Chunk``, ``tokens[i]`` a list of lemmas) while the bytes stay on disk.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .chunk import Chunk

CHUNK_DTYPE = np.dtype([("start", "<i8"), ("end", "<i8"), ("line_start", "<i4"), ("line_end", "<i4"),
                        ("page", "<i4"), ("page_end", "<i4"), ("section", "<i4"), ("header", "<i4"),
                        ("ocr", "u1")])
NO_PAGE = -1


def load_array(path: Path) -> np.ndarray:
    """``np.load`` memory-mapped read-only (arrays a query reads whole or in long runs)."""
    return np.load(path, mmap_mode="r")


class RowFile:
    """Rows of a ``.npy`` file read with ``os.pread`` on access: for arrays a query reads a
    row here and a row there (candidates' vectors, texts, lemma ids). Memory-mapping them
    made the process map far more than it read (the kernel maps whole runs of cached pages
    around each fault: 2,000 random rows of a 460 MB vectors file mapped 400 MB, even with
    ``MADV_RANDOM``); a read maps nothing and costs microseconds per row."""

    def __init__(self, path: Path):
        probe = np.load(path, mmap_mode="r")
        self.shape, self.dtype, self._offset = probe.shape, probe.dtype, probe.offset
        del probe
        self.ndim = len(self.shape)
        self._row = self.dtype.itemsize * int(np.prod(self.shape[1:], dtype=np.int64))
        self._fd = os.open(path, os.O_RDONLY)
        self._path = path

    def __del__(self):
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass

    def __len__(self) -> int:
        return self.shape[0]

    def _read(self, a: int, b: int) -> np.ndarray:
        size = (b - a) * self._row
        raw = os.pread(self._fd, size, self._offset + a * self._row) if size else b""
        if len(raw) != size:
            raise ValueError(f"{self._path}: файл обрезан")
        return np.frombuffer(raw, dtype=self.dtype).reshape((b - a, *self.shape[1:]))

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            i = int(key) + (len(self) if key < 0 else 0)
            if not 0 <= i < len(self):
                raise IndexError(key)
            return self._read(i, i + 1)[0]
        if isinstance(key, slice):
            a, b, step = key.indices(len(self))
            return self._read(a, max(a, b))[::step]
        rows = np.asarray(key)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        out = np.empty((len(rows), *self.shape[1:]), dtype=self.dtype)
        for j, i in enumerate(rows.tolist()):
            out[j] = self._read(i, i + 1)[0]
        return out

    def __array__(self, dtype=None, copy=None):
        whole = self._read(0, len(self))
        return whole if dtype is None else whole.astype(dtype)

    def astype(self, dtype) -> np.ndarray:
        return np.asarray(self, dtype=dtype)


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
        return cls(RowFile(folder / f"{name}.npy"), RowFile(folder / f"{name}_spans.npy"))

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
        return self.blob[int(s):int(e)].tobytes().decode("utf-8")


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
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return [self.word(t) for t in np.asarray(self.ids[a:b]).tolist()]

    def take(self, rows) -> list[list[str]]:
        """The lemma lists of ``rows`` at once (the ranker's candidates): each distinct id
        is decoded once, not once per occurrence."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = np.asarray(self.offsets[rows]), np.asarray(self.offsets[rows + 1])
        parts = [np.asarray(self.ids[a:b]) for a, b in zip(starts.tolist(), ends.tolist())]
        if not parts:
            return []
        flat = np.concatenate(parts)
        uniq, inverse = np.unique(flat, return_inverse=True)
        words = np.array([self.word(t) for t in uniq.tolist()] + [""], dtype=object)[:-1]
        flat_words = words[inverse].tolist()
        bounds = np.concatenate([[0], np.cumsum(ends - starts)]).tolist()
        return [flat_words[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


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
        recs = self.rows[rows]
        hit = rows[(recs["start"] == start) & (recs["end"] == end)]
        return int(hit[0]) if len(hit) else None


def chunk_record(chunk: Chunk, string_id) -> tuple:
    """One ``CHUNK_DTYPE`` row; ``string_id`` maps a heading or header row to its number."""
    return (chunk.start, chunk.end, chunk.line_start, chunk.line_end,
            NO_PAGE if chunk.page is None else chunk.page, NO_PAGE if chunk.page_end is None else chunk.page_end,
            string_id(chunk.section), string_id(chunk.table_header), int(chunk.ocr))
