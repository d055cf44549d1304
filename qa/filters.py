"""Metadata filters as data (city, years, topic, documents), turned into a passage mask."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from muniqa.corpus.document import Metadata
from muniqa.index.lemmas import fold
from muniqa.index.store import IndexData


@dataclass
class Filters:
    cities: list[str] = field(default_factory=list)          # any of these
    year_from: int | None = None
    year_to: int | None = None
    topic: str | None = None                                 # substring of the topic
    exclude_cities: list[str] = field(default_factory=list)  # for "the same practice elsewhere"
    doc_ids: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.cities or self.year_from or self.year_to or self.topic
                    or self.exclude_cities or self.doc_ids)

    def accepts(self, doc_id: str, meta: Metadata) -> bool:
        cities = {fold(c) for c in meta.cities}
        if self.cities and not cities & {fold(c) for c in self.cities}:
            return False
        if self.exclude_cities and cities & {fold(c) for c in self.exclude_cities}:
            return False
        if self.doc_ids and doc_id not in self.doc_ids:
            return False
        if self.topic and fold(self.topic) not in fold(meta.topic):
            return False
        if self.year_from is not None or self.year_to is not None:
            if meta.year is None:
                return False
            first, last = meta.year, meta.year_end or meta.year
            if self.year_from is not None and last < self.year_from:
                return False
            if self.year_to is not None and first > self.year_to:
                return False
        return True

    def mask(self, data: IndexData) -> np.ndarray | None:
        """Boolean mask over passages, or None when nothing is filtered."""
        if not self.active:
            return None
        ok = np.array([self.accepts(d.doc_id, d.meta) for d in data.documents.values()], dtype=bool)
        return ok[data.chunk_doc] if len(ok) else np.zeros(len(data.chunks), dtype=bool)


def parse_years(value: str | None) -> tuple[int | None, int | None]:
    """"2024" or "2020-2022" (also with – or —); raises ValueError naming the field."""
    if not value:
        return None, None
    parts = value.replace("–", "-").replace("—", "-").split("-")
    try:
        years = [int(p) for p in parts if p.strip()]
    except ValueError:
        raise ValueError(f"--year must be a year or a range like 2020-2022, got {value!r}") from None
    if len(years) == 1:
        return years[0], years[0]
    if len(years) == 2 and years[0] <= years[1]:
        return years[0], years[1]
    raise ValueError(f"--year must be a year or a range like 2020-2022, got {value!r}")
