"""Cited passages: the records muniqa returns, and their grouping by city."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from muniqa.index.store import IndexData

import numpy as np

from .citations import citation, paragraphs, where_label
from .confidence import answers
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
    page_end: int | None = None          # last page when the passage runs over a page break
    paragraph_start: int | None = None   # DOCX and HTML: paragraphs, not lines, are cited
    paragraph_end: int | None = None
    ocr: bool = False                    # read by OCR from a scan: may hold recognition errors
    table_header: str = ""               # header row of the table this passage continues
    answers: bool = True                 # scores like an answer (qa.confidence), not just nearby
    chunks: list[int] = field(default_factory=list)  # index passages this card shows (qa.cards)
    chunk_span: tuple[int, int] = (0, 0)  # start and end of passage ``chunk`` (the best part)

    @property
    def where(self) -> str:
        """«с. 12–13», «абзацы 12–15», «строки 3–15», with «OCR» when read from a scan."""
        return where_label(self.page, self.page_end, self.line_start, self.line_end,
                           self.paragraph_start, self.paragraph_end, self.ocr)

    @property
    def citation(self) -> str:
        """Human-readable reference: title, city, year, section, page, paragraphs or lines."""
        return citation(self.title, self.city, self.year, self.year_end, self.section, self.where,
                        self.source)

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("chunk", "highlight_span", "terms", "chunk_span"):
            d.pop(key)
        return d


def make_passages(data: IndexData, hits: list[Hit], query_lemmas: set[str],
                  query_vector: np.ndarray | None = None) -> list[Passage]:
    out = []
    for rank, hit in enumerate(hits, start=1):
        c = data.chunks[hit.chunk]
        doc = data.documents[c.doc_id]
        sims = None
        if query_vector is not None and data.sentences is not None and len(data.sentences):
            sims = data.sentences.group(hit.chunk).astype(np.float32) @ query_vector.astype(np.float32)
        hs, he = best_sentence(c.text, query_lemmas, data.lexical.idf, sims)
        out.append(Passage(
            rank=rank, score=round(hit.score, 4), text=c.text, doc=c.doc_id, title=doc.meta.title,
            city=doc.meta.city, year=doc.meta.year, section=c.section, source=doc.source, page=c.page,
            line_start=c.line_start, line_end=c.line_end, start=c.start, end=c.end,
            highlight=c.text[hs:he], year_end=doc.meta.year_end, topic=doc.meta.topic,
            chunk=hit.chunk, highlight_span=(hs, he), terms=term_spans(c.text, query_lemmas),
            page_end=c.page_end, ocr=c.ocr, table_header=c.table_header, answers=answers(hit.logit),
            chunks=[hit.chunk], chunk_span=(c.start, c.end),
            **paragraphs(doc.unit, c.line_start, c.line_end)))
    return out


def group_by_city(passages: list[Passage]) -> dict[str, list[int]]:
    """City -> ranks of its passages, cities in order of their best passage."""
    groups: dict[str, list[int]] = {}
    for p in passages:
        groups.setdefault(p.city or "город не указан", []).append(p.rank)
    return groups
