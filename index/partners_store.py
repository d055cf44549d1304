"""Partnership mentions kept in the index version, one line per document.

``partners.jsonl`` sits beside the passages of a version: a header with the extractor
version, then ``{"doc_id", "key", "mentions": [...]}`` per document. ``key`` is what the
mentions depend on (content hash, city, year), so an update re-extracts only new and
changed documents and copies the rest from the previous version. A version without the
file (written before this existed, or cut off between the swap and this write) is
extracted on first read instead: readers never see wrong rows, only slower ones.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

from muniqa.corpus.atomic import write_text_atomically
from muniqa.corpus.document import Document

from .partners import EXTRACTOR_VERSION, extract
from .partners_model import Mention

FILE = "partners.jsonl"
_cache: dict[str, list[Mention]] = {}
_lock = threading.Lock()


def _key(doc: Document) -> str:
    return f"{doc.sha256}|{doc.meta.city}|{doc.meta.year}"


row_key = _key   # public: what a row's mentions depend on (index/distributed.py builds rows elsewhere)


def read_rows(version: Path | None) -> dict[str, tuple[str, list[Mention]]]:
    """doc id -> (key, mentions) stored in ``version``; empty if absent, damaged or stale."""
    path = version / FILE if version else None
    if path is None or not path.is_file():
        return {}
    out: dict[str, tuple[str, list[Mention]]] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            header = json.loads(fh.readline() or "{}")
            if header.get("extractor") != EXTRACTOR_VERSION:
                return {}
            for line in fh:
                row = json.loads(line)
                out[row["doc_id"]] = (row["key"], [Mention.from_json(m) for m in row["mentions"]])
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return out


def write_rows(version: Path, documents: list[Document],
               previous: dict[str, tuple[str, list[Mention]]] | None = None) -> int:
    """Store the mentions of ``documents`` in ``version``; returns how many were extracted anew."""
    previous = previous or {}
    extracted = 0
    lines = [json.dumps({"extractor": EXTRACTOR_VERSION})]
    for doc in documents:
        old = previous.get(doc.doc_id)
        if old is not None and old[0] == _key(doc):
            mentions = old[1]
        else:
            mentions = extract(doc)
            extracted += 1
        lines.append(json.dumps({"doc_id": doc.doc_id, "key": _key(doc),
                                 "mentions": [m.to_json() for m in mentions]}, ensure_ascii=False))
    write_text_atomically(version / FILE, "\n".join(lines) + "\n")
    return extracted


def mentions(version: Path, documents: dict[str, Document]) -> list[Mention]:
    """All mentions of the index version at ``version`` (extracted now if it has none stored)."""
    key = str(version)
    with _lock:
        if key not in _cache:
            stored = read_rows(version)
            if set(stored) != set(documents) or any(stored[d][0] != _key(doc) for d, doc in documents.items()):
                try:
                    write_rows(version, list(documents.values()), stored)
                    stored = read_rows(version)
                except OSError:                  # a read-only index: keep them in memory
                    stored = {d: (_key(doc), stored[d][1] if d in stored and stored[d][0] == _key(doc)
                                  else extract(doc)) for d, doc in documents.items()}
            _cache.clear()
            _cache[key] = [m for _, ms in stored.values() for m in ms]
        return _cache[key]
