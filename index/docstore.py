"""Documents of a format-3 index: metadata in memory, texts read from disk when asked for.

Filters and facets need every document's city, year and topic on each query, so those stay
in memory (a few hundred bytes per document). A document's text, line map, headings and
pages are needed only to cite or show it, so they stay in ``documents.jsonl`` (the same
lines as format 2) and are read by byte offset (``document_offsets.npy``) on access, with a
small cache. The file is opened once: a version folder removed by a later update stays
readable through the open handle, so a reader that opened an old version never breaks.
"""
from __future__ import annotations

import dataclasses

import json
import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from threading import Lock

import numpy as np

from muniqa.corpus.document import Document, Metadata

from .columns import load_array, save_array

CACHE = 64      # full documents kept decoded (the UI reads a few at a time)
_HEAVY = ("text", "line_map", "headings", "pages")


def doc_to_json(doc: Document) -> dict:
    return {"doc_id": doc.doc_id, "source": doc.source, "sha256": doc.sha256, "text": doc.text,
            "meta": asdict(doc.meta), "line_map": doc.line_map, "headings": doc.headings,
            "pages": [[k, v] for k, v in doc.pages.items()], "unit": doc.unit,
            "ocr_pages": doc.ocr_pages}


def doc_from_json(d: dict) -> Document:
    return Document(doc_id=d["doc_id"], source=d["source"], sha256=d["sha256"], text=d["text"],
                    meta=Metadata(**d["meta"]), line_map=[tuple(x) for x in d["line_map"]],
                    headings=[tuple(x) for x in d["headings"]],
                    pages={int(k): v for k, v in d.get("pages", [])}, unit=d.get("unit", "line"),
                    ocr_pages=d.get("ocr_pages", []))


class StoredDocument(Document):
    """A ``Document`` whose text, line map, headings and pages load on first use."""

    def __init__(self, store: "DocumentStore", number: int, light: dict):
        self._store, self._number, self._own = store, number, {}
        self.doc_id, self.source, self.sha256 = light["doc_id"], light["source"], light["sha256"]
        self.meta = Metadata(**light["meta"])
        self.unit = light.get("unit", "line")
        self.ocr_pages = light.get("ocr_pages", [])

    def loaded(self) -> Document:
        """A plain ``Document`` with everything read (``dataclasses.replace`` cannot build a
        ``StoredDocument``, so code that derives a changed document starts from this)."""
        return dataclasses.replace(self._store.full(self._number), meta=self.meta, **self._own)

    def _heavy(self, name: str):
        if name in self._own:
            return self._own[name]
        return getattr(self._store.full(self._number), name)


def _heavy_property(name: str) -> property:
    def get(self):
        return self._heavy(name)

    def put(self, value):
        self._own[name] = value
    return property(get, put)


for _name in _HEAVY:
    setattr(StoredDocument, _name, _heavy_property(_name))


class DocumentStore(Mapping):
    """``doc_id -> Document`` in index order, as the format-2 dict was."""

    def __init__(self, folder: Path):
        light = json.loads((folder / "document_meta.json").read_text(encoding="utf-8"))
        self._offsets = np.asarray(load_array(folder / "document_offsets.npy"))
        self._fd = os.open(folder / "documents.jsonl", os.O_RDONLY)
        self._path = folder / "documents.jsonl"
        self._docs = {d["doc_id"]: StoredDocument(self, i, d) for i, d in enumerate(light)}
        self._cache: OrderedDict[int, Document] = OrderedDict()
        self._lock = Lock()

    def __del__(self):
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass

    def full(self, number: int) -> Document:
        with self._lock:
            doc = self._cache.get(number)
            if doc is not None:
                self._cache.move_to_end(number)
                return doc
        start, end = int(self._offsets[number]), int(self._offsets[number + 1])
        raw = os.pread(self._fd, end - start, start)
        doc = doc_from_json(json.loads(raw))
        with self._lock:
            self._cache[number] = doc
            while len(self._cache) > CACHE:
                self._cache.popitem(last=False)
        return doc

    def __getitem__(self, doc_id: str) -> Document:
        return self._docs[doc_id]

    def __iter__(self):
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._docs


def light_record(doc: Document) -> dict:
    return {"doc_id": doc.doc_id, "source": doc.source, "sha256": doc.sha256, "meta": asdict(doc.meta),
            "unit": doc.unit, "ocr_pages": list(doc.ocr_pages)}


def write_documents(folder: Path, documents) -> list[str]:
    """``documents.jsonl`` (full records, one per line), its byte offsets and the light
    metadata; returns the doc ids in order."""
    offsets = [0]
    light = []
    with open(folder / "documents.jsonl", "wb") as fh:
        for doc in documents:
            line = (json.dumps(doc_to_json(doc), ensure_ascii=False) + "\n").encode("utf-8")
            fh.write(line)
            offsets.append(offsets[-1] + len(line))
            light.append(light_record(doc))
    save_array(folder / "document_offsets.npy", np.array(offsets, dtype=np.int64))
    (folder / "document_meta.json").write_text(json.dumps(light, ensure_ascii=False), encoding="utf-8")
    return [d["doc_id"] for d in light]
