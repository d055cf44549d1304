"""Cited passages: the records muniqa returns, and their grouping by city."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from muniqa.index.store import IndexData

from .cite import citation
from .highlight import best_sentence, term_spans
from .retrieve import Hit


@dataclass
class Passage:
    """One result. ``text`` is verbatim ``document.text[start:end]`` (see DESIGN.md)."""
    rank: int
    score: float
    text: str
    doc: str
    title: str
    city: str
    year: int | None
    section: str
    source: str
    page: int | None
    line_start: int
    line_end: int
    start: int
    end: int
    highlight: str
    year_end: int | None = None
    topic: str = ""
    chunk: int = -1
    highlight_span: tuple[int, int] = (0, 0)                  # offsets of highlight in text
    terms: list[tuple[int, int]] = field(default_factory=list)  # query words in text

    @property
    def citation(self) -> str:
        """Human-readable reference: title, city, year, section, page or lines."""
        where = f"с. {self.page}" if self.page else f"строки {self.line_start}–{self.line_end}"
        return citation(self.title, self.city, self.year, self.year_end, self.section, where, self.source)

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("chunk", "highlight_span", "terms"):
            d.pop(key)
        return d


def make_passages(data: IndexData, hits: list[Hit], query_lemmas: set[str]) -> list[Passage]:
    out = []
    for rank, hit in enumerate(hits, start=1):
        c = data.chunks[hit.chunk]
        doc = data.documents[c.doc_id]
        hs, he = best_sentence(c.text, query_lemmas, data.lexical.idf)
        out.append(Passage(
            rank=rank, score=round(hit.score, 4), text=c.text, doc=c.doc_id, title=doc.meta.title,
            city=doc.meta.city, year=doc.meta.year, section=c.section, source=doc.source, page=c.page,
            line_start=c.line_start, line_end=c.line_end, start=c.start, end=c.end,
            highlight=c.text[hs:he], year_end=doc.meta.year_end, topic=doc.meta.topic,
            chunk=hit.chunk, highlight_span=(hs, he), terms=term_spans(c.text, query_lemmas)))
    return out


def group_by_city(passages: list[Passage]) -> dict[str, list[int]]:
    """City -> ranks of its passages, cities in order of their best passage."""
    groups: dict[str, list[int]] = {}
    for p in passages:
        groups.setdefault(p.city or "город не указан", []).append(p.rank)
    return groups
