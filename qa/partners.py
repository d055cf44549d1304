"""Partnerships of the indexed documents as rows: filter, group, cite, export.

The rows come from what the index stored at build time (``index.partners_store``); here
they are grouped into one row per city, partner, relation and year, each sentence kept
as a citation pointing at the passage that holds it, and filtered the way people ask:
``country="белорусские"`` or ``"РБ"`` mean Беларусь, like the search's gazetteer does.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

import numpy as np

from muniqa.index.lemmas import fold, lemma
from muniqa.index.partners_geo import country as country_named
from muniqa.index.partners_model import RELATION_LABELS, RELATIONS, Citation, Mention, Partnership
from muniqa.index.partners_store import mentions as stored_mentions
from muniqa.index.store import IndexData

from .gazetteer import related


@dataclass
class PartnerFilter:
    city: str | None = None
    country: str | None = None
    relation: str | None = None
    year: int | None = None

    def __post_init__(self):
        if self.relation and self.relation not in RELATIONS:
            raise ValueError(f"неизвестный тип связи {self.relation!r}: допустимы {', '.join(RELATIONS)}")


def _country_keys(text: str) -> set[str]:
    """Every way ``text`` may name a country: itself, its gazetteer country, and the
    country names of the search gazetteer's group ("белорусский" -> "беларусь")."""
    keys = {fold(text)}
    words = [lemma(w) for w in text.split()]
    for w in words:
        keys.add(w)
        keys.update(related(w))
    for k in list(keys):
        found = country_named(k)
        if found is not None:
            keys.update({fold(found.country), fold(found.country_code)})
    return keys


def _matches(m: Mention, f: PartnerFilter, countries: set[str] | None) -> bool:
    if f.city and fold(f.city) not in {fold(c.strip()) for c in m.city.split(",")} | {fold(m.city)}:
        return False
    if countries is not None and not {fold(m.country), fold(m.country_code)} & countries:
        return False
    if f.relation and m.relation != f.relation:
        return False
    return not (f.year and m.year != f.year)


def _chunk_of(data: IndexData, m: Mention) -> int:
    """The passage holding the whole quote (else its start), by passage number."""
    best = -1
    for i in _doc_chunks(data).get(m.doc_id, []):
        c = data.chunks[i]
        if c.start <= m.start and m.end <= c.end:
            return i
        if best < 0 and c.start <= m.start < c.end:
            best = i
    return best


_chunks_cache: dict[str, dict[str, list[int]]] = {}


def _doc_chunks(data: IndexData) -> dict[str, list[int]]:
    key = str(data.path)                  # one index version: its passages never change
    if key not in _chunks_cache:
        chunk_doc = np.asarray(data.chunk_doc)
        order = np.argsort(chunk_doc, kind="stable")
        bounds = np.searchsorted(chunk_doc[order], np.arange(len(data.documents) + 1))
        out = {d: order[bounds[i]:bounds[i + 1]].tolist() for i, d in enumerate(data.documents)}
        _chunks_cache.clear()
        _chunks_cache[key] = out
    return _chunks_cache[key]


def all_mentions(data: IndexData) -> list[Mention]:
    return stored_mentions(data.path, data.documents)


def partnerships(data: IndexData, filters: PartnerFilter | None = None) -> list[Partnership]:
    """One row per (city, partner, relation, year), cities and partners in alphabetical order."""
    f = filters or PartnerFilter()
    countries = _country_keys(f.country) if f.country else None
    rows: dict[tuple, Partnership] = {}
    mentions = all_mentions(data)
    spelled = Counter(((m.place or m.partner, m.country_code), m.partner) for m in mentions)
    display: dict[tuple[str, str], str] = {}
    for (place, name), _ in spelled.most_common():      # the report's most usual spelling
        display.setdefault(place, name)
    for m in mentions:
        if not _matches(m, f, countries):
            continue
        place = (m.place or m.partner, m.country_code)
        key = (m.city, place, m.relation, m.year)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Partnership(m.city, display[place], m.country, m.relation, m.year, m.lat, m.lon,
                                          m.kind, m.country_code)
        if any(c.doc_id == m.doc_id and c.start == m.start for c in row.citations):
            continue
        pages = [m.page] if m.page else None
        row.citations.append(Citation(m.doc_id, _chunk_of(data, m), m.quote, m.lines, pages, m.start, m.end))
    order = {r: i for i, r in enumerate(RELATIONS)}
    return sorted(rows.values(), key=lambda r: (r.city, r.partner, order[r.relation], r.year or 0))


def to_csv(rows: list[Partnership]) -> str:
    """Semicolon-separated, one line per citation, as spreadsheets in Russian locales expect."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["city", "partner", "country", "relation", "relation_ru", "year", "lat", "lon",
                "doc_id", "lines", "quote"])
    for r in rows:
        for c in r.citations:
            w.writerow([r.city, r.partner, r.country, r.relation, RELATION_LABELS[r.relation], r.year or "",
                        r.lat if r.lat is not None else "", r.lon if r.lon is not None else "", c.doc_id,
                        f"{c.lines[0]}–{c.lines[1]}", " ".join(c.quote.split())])
    return buf.getvalue()
