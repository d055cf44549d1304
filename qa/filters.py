"""Metadata filters as data (city, years, topic, documents), turned into a passage mask.

A city given by its beginning ("Хабар", "Томск") matches, as users type it; a name that
matches no city gets a suggestion (``unknown_cities``): "Томская" → «возможно: Томск».
"""
from __future__ import annotations

import difflib
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

    def accepts(self, doc_id: str, meta: Metadata, known: set[str] | None = None) -> bool:
        """``known``: the folded cities of the index; a given city that is one of them matches
        only itself ("Томск" is not "Томская область"), any other matches by its beginning."""
        cities = {fold(c) for c in meta.cities}
        if self.cities and not any(city_matches(c, have, known) for c in self.cities for have in cities):
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
        """Boolean mask over passages, or None when nothing is filtered. The same rules as
        ``accepts``, as numpy over the index's document table: per query it costs the
        distinct cities and topics plus one pass over the passages' document numbers."""
        if not self.active:
            return None
        table = data.doc_table
        known = set(table.cities)
        ok = np.ones(table.n, dtype=bool)
        if self.cities:
            ok &= table.having(table.cities, lambda have: any(city_matches(c, have, known) for c in self.cities))
        if self.exclude_cities:
            gone = {fold(c) for c in self.exclude_cities}
            ok &= ~table.having(table.cities, lambda have: have in gone)
        if self.doc_ids:
            wanted = np.zeros(table.n, dtype=bool)
            wanted[[table.number[d] for d in self.doc_ids if d in table.number]] = True
            ok &= wanted
        if self.topic:
            ok &= table.having(table.topics, lambda topic: fold(self.topic) in topic)
        if self.year_from is not None or self.year_to is not None:
            ok &= table.year >= 0
            if self.year_from is not None:
                ok &= table.year_end >= self.year_from
            if self.year_to is not None:
                ok &= table.year <= self.year_to
        return ok[np.asarray(data.chunk_doc)] if len(ok) else np.zeros(len(data.chunks), dtype=bool)


def city_matches(given: str, city: str, known: set[str] | None = None) -> bool:
    """The same city, or, unless ``given`` names a known city exactly, a city that starts with
    what was given (at least 3 letters): "Хабар" finds Хабаровск, "Томск" only Томск."""
    g, c = fold(given).strip(), fold(city)
    if g == c:
        return True
    return len(g) >= 3 and c.startswith(g) and not (known and g in known)


def unknown_cities(data: IndexData, given: list[str]) -> list[str]:
    """One line per given city that matches no city of the index, with the closest names."""
    known = data.doc_table.city_names
    lines = []
    for name in given:
        folded = {fold(c): c for c in known}
        if any(city_matches(name, c, set(folded)) for c in known):
            continue
        close = difflib.get_close_matches(fold(name), list(folded), n=3, cutoff=0.6)
        close += [c for f, c in folded.items() if len(f) >= 4 and fold(name).startswith(f) and c not in close]
        hint = f"; возможно: {', '.join(dict.fromkeys(folded.get(c, c) for c in close))}" if close else \
            f"; города в индексе: {', '.join(known[:12])}"
        lines.append(f"города «{name}» нет в индексе{hint}")
    return lines


def parse_years(value: str | None) -> tuple[int | None, int | None]:
    """"2024" or "2020-2022" (also with – or —); raises ValueError naming the field."""
    if not value:
        return None, None
    parts = value.replace("–", "-").replace("—", "-").split("-")
    try:
        years = [int(p) for p in parts if p.strip()]
    except ValueError:
        raise ValueError(f"--year: ожидается год или период вида 2020-2022, получено «{value}»") from None
    if len(years) == 1:
        return years[0], years[0]
    if len(years) == 2 and years[0] <= years[1]:
        return years[0], years[1]
    raise ValueError(f"--year: ожидается год или период вида 2020-2022, получено «{value}»")
