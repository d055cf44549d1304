"""Per-document metadata as arrays, so a filter over 50,000 documents and 5 million passages
is a few numpy operations per query instead of a Python loop over every document."""
from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import numpy as np

from muniqa.corpus.document import Document

from .lemmas import fold


class DocTable:
    def __init__(self, documents: Mapping[str, Document]):
        docs = list(documents.values())
        self.n = len(docs)
        self.number = {d.doc_id: i for i, d in enumerate(docs)}
        by_city: dict[str, list[int]] = {}
        by_topic: dict[str, list[int]] = {}
        self.year = np.full(self.n, -1, np.int32)      # -1: no year
        self.year_end = np.full(self.n, -1, np.int32)
        for i, d in enumerate(docs):
            for c in {fold(c) for c in d.meta.cities}:
                by_city.setdefault(c, []).append(i)
            by_topic.setdefault(fold(d.meta.topic), []).append(i)
            if d.meta.year is not None:
                self.year[i] = d.meta.year
                self.year_end[i] = d.meta.year_end or d.meta.year
        self.cities = {c: np.array(v, np.int64) for c, v in by_city.items()}     # folded city -> docs
        self.topics = {t: np.array(v, np.int64) for t, v in by_topic.items()}    # folded topic -> docs
        self.city_names = sorted({c for d in docs for c in d.meta.cities})

    def having(self, groups: dict[str, np.ndarray], keep) -> np.ndarray:
        """Documents of every key for which ``keep(key)`` holds, as a boolean array."""
        out = np.zeros(self.n, dtype=bool)
        for key, docs in groups.items():
            if keep(key):
                out[docs] = True
        return out


class DocumentCatalog:
    """``doc_ids`` and ``doc_table`` of an object with ``documents`` (doc_id -> Document):
    one definition for an index and for the catalog of a sharded one."""

    @property
    def doc_ids(self) -> list[str]:
        return list(self.documents)

    @cached_property
    def doc_table(self) -> DocTable:
        """Per-document metadata as arrays, for filters over millions of passages."""
        return DocTable(self.documents)
