"""What a search does for the page: the answer, per-city match counts, facets, precedents.

A page keeps its last results in a ``View`` (per browser session). Passage numbers
(``Passage.chunk``) belong to one index version; after an upload or a correction the
index may have been swapped, so actions on a card find the passage again by document
and offsets instead of trusting the stored number.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from muniqa.index.lemmas import lemmas
from muniqa.index.store import IndexData
from muniqa.qa.gazetteer import related
from muniqa.qa.passages import Passage

from .state import SearchState


@dataclass
class View:
    state: SearchState = field(default_factory=SearchState)
    passages: list[Passage] = field(default_factory=list)
    similar: dict[int, list[Passage] | str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def facets(data: IndexData) -> tuple[list[str], list[int], list[str]]:
    """Cities, years and topics present in the index, for the filter choices."""
    cities, years, topics = set(), set(), set()
    for doc in data.documents.values():
        m = doc.meta
        cities.update(m.cities)
        if m.year:
            years.update(range(m.year, (m.year_end or m.year) + 1))
        topics.update(t.strip() for t in m.topic.split(";") if t.strip())
    return sorted(cities), sorted(years), sorted(topics)


def match_counts(data: IndexData, st: SearchState) -> dict[str, int]:
    """Per city: passages holding at least half of the question's words (any form; a place
    counts with its other names), under the year and topic filters but not the city filter.
    Counted over the BM25 postings of those words (numpy), not by visiting every passage."""
    concepts: list[set[str]] = []
    for lem in dict.fromkeys(lemmas(st.question)):
        if not any(lem in c for c in concepts):
            concepts.append({lem, *related(lem)})
    if not concepts:
        return {}
    need = max(1, math.ceil(len(concepts) / 2))
    mask = st.filters(with_cities=False).mask(data)
    n = len(data.chunks)
    held = np.zeros(n, dtype=np.int32)
    for concept in concepts:
        hit = np.zeros(n, dtype=bool)
        for lem in concept:
            hit[data.lexical.postings(lem)] = True
        held += hit
    chosen = held >= need
    if mask is not None:
        chosen &= mask
    per_doc = np.bincount(np.asarray(data.chunk_doc)[chosen], minlength=len(data.documents))
    docs = list(data.documents.values())
    counts: dict[str, int] = {}
    for d in np.flatnonzero(per_doc).tolist():
        for city in docs[d].meta.cities or ["город не указан"]:
            counts[city] = counts.get(city, 0) + int(per_doc[d])
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def run(m, st: SearchState) -> View:
    from dataclasses import replace

    from muniqa.qa.api import EmptyQuestionError
    started = time.perf_counter()
    try:
        answer = m.ask(st.question, k=st.k, filters=st.filters())
    except EmptyQuestionError:          # "???": no words to search; show the prompt to ask
        return View(state=replace(st, question=""))
    counts = match_counts(m.data, st)
    return View(state=st, passages=answer.passages, counts=counts, seconds=time.perf_counter() - started)


def lookup(view: View | None, key: str) -> Passage | None:
    """The passage a card's button names: "3" (result 3) or "s:3:2" (its 2nd precedent)."""
    if view is None:
        return None
    try:
        if key.startswith("s:"):
            _, rank, i = key.split(":")
            found = view.similar.get(int(rank))
            return found[int(i) - 1] if isinstance(found, list) and 0 < int(i) <= len(found) else None
        return next((p for p in view.passages if p.rank == int(key)), None)
    except (ValueError, IndexError):
        return None


def resolve(data: IndexData, p: Passage) -> int | None:
    """The passage's number in ``data`` (the live index), or None if it is gone."""
    # a merged card (qa.cards) is found by its best passage's span
    start, end = p.chunk_span if p.chunk_span != (0, 0) else (p.start, p.end)
    if 0 <= p.chunk < len(data.chunks):
        c = data.chunks[p.chunk]
        if c.doc_id == p.doc and (c.start, c.end) == (start, end):
            return p.chunk
    if hasattr(data.chunks, "find"):
        return data.chunks.find(p.doc, start, end)
    for i, c in enumerate(data.chunks):
        if c.doc_id == p.doc and c.start == start and c.end == end:
            return i
    return None


def precedents(m, p: Passage, k: int = 5) -> list[Passage] | str:
    """Similar passages from other cities' reports (``Muniqa.similar``), or why there are none."""
    for _ in range(2):                       # retry once if the index is swapped in between
        data = m.data
        chunk = resolve(data, p)
        if chunk is None:
            return "Индекс обновился, этого фрагмента в нём больше нет — повторите поиск."
        found = m.similar(chunk, k=k)
        if found.question == data.chunks[chunk].text:
            return found.passages
    return "Индекс обновляется — попробуйте ещё раз через несколько секунд."
