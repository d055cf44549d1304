"""Plain records passed from corpus/ to index/: what a file said, cleaned, and where each part came from."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass
class SourceLine:
    """One line of the original file as read (markup still in it) and the page it sits on."""
    number: int          # 1-based line (or, for DOCX/HTML, paragraph) number in the file
    text: str
    page: int | None = None
    ocr: bool = False    # read by OCR from a page image: its words may hold recognition errors
    kind: str = ""       # "footnote" for a note: it never joins the running text


@dataclass
class RawDocument:
    """A file read into lines, before cleaning."""
    source: str                      # path of the file
    lines: list[SourceLine]
    sha256: str
    unit: str = "line"               # what SourceLine.number counts: "line" or "paragraph"


@dataclass
class Metadata:
    title: str = ""
    cities: list[str] = field(default_factory=list)
    year: int | None = None
    year_end: int | None = None      # for documents that cover a span (a 2020-2022 roadmap)
    topic: str = ""
    # where each value came from: field -> "detected" | "sidecar" | "corrected" | "flag" | "filename"
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def city(self) -> str:
        return ", ".join(self.cities)


@dataclass
class Document:
    """A cleaned document: ``text`` is what chunks and citations point into.

    ``line_map`` holds sorted (offset in ``text``, source line number) breakpoints, so any
    character of the clean text can be traced to the original line (and page) it came from.
    ``headings`` holds sorted (offset, heading text) pairs.
    """
    doc_id: str
    source: str
    sha256: str
    text: str
    meta: Metadata
    line_map: list[tuple[int, int]]
    headings: list[tuple[int, str]]
    pages: dict[int, int] = field(default_factory=dict)   # source line number -> page, for PDFs
    unit: str = "line"               # what line numbers count: "line" or "paragraph" (DOCX, HTML)
    ocr_pages: list[int] = field(default_factory=list)    # pages read by OCR

    def line_at(self, offset: int) -> int:
        i = bisect.bisect_right(self.line_map, (offset, float("inf"))) - 1
        return self.line_map[max(i, 0)][1] if self.line_map else 1

    def page_at(self, offset: int) -> int | None:
        return self.pages.get(self.line_at(offset)) if self.pages else None

    def is_ocr(self, first_page: int | None, last_page: int | None) -> bool:
        """True when any page of the range was read by OCR."""
        if not self.ocr_pages or first_page is None:
            return False
        return any(first_page <= p <= (last_page or first_page) for p in self.ocr_pages)

    def section_at(self, offset: int) -> str:
        i = bisect.bisect_right(self.headings, (offset, "\uffff")) - 1
        return self.headings[i][1] if i >= 0 else ""
