"""How a passage is cited, in the words a reader needs to find it in the file they have.

Who and when: metadata may be absent (a document that does not say its city or year keeps it
empty), and a citation must then read «Приказ (2013)» or «Отчёт (Томск)», never «(, 2013–2015)».
Where: a PDF is cited by page («с. 12», or «с. 12–13» across a page break), a DOCX or HTML file
by paragraph («абзацы 12–15»: a Word document or a one-line HTML page has no useful line
numbers), a text file by lines. A passage read by OCR says so: its words may be misread.
Every place that shows a citation (CLI, app cards, exports) calls these.
"""
from __future__ import annotations


def years_text(year: int | None, year_end: int | None = None) -> str:
    """"2013–2015", "2013" or "" (no year known)."""
    if year and year_end and year_end != year:
        return f"{year}–{year_end}"
    return str(year) if year else ""


def place_and_years(city: str, year: int | None, year_end: int | None = None, sep: str = ", ") -> str:
    """"Томск, 2013–2015", "Томск", "2013" or "": only the parts that are known."""
    return sep.join(part for part in ((city or "").strip(), years_text(year, year_end)) if part)


def citation(title: str, city: str, year: int | None, year_end: int | None, section: str,
             where: str, source: str) -> str:
    """Full reference: «Title (Томск, 2024), раздел «…», с. 3; файл …», without empty parts."""
    meta = place_and_years(city, year, year_end)
    head = f"{title} ({meta})" if meta else title
    section_part = f", раздел «{section}»" if section else ""
    return f"{head}{section_part}, {where}; файл {source}"


def _span(one: str, many: str, a: int, b: int | None) -> str:
    return f"{one} {a}" if not b or b == a else f"{many} {a}–{b}"


def where_label(page: int | None, page_end: int | None, line_start: int, line_end: int,
                paragraph_start: int | None = None, paragraph_end: int | None = None,
                ocr: bool = False) -> str:
    if page:
        where = f"с. {page}–{page_end}" if page_end and page_end != page else f"с. {page}"
    elif paragraph_start:
        where = _span("абзац", "абзацы", paragraph_start, paragraph_end)
    else:
        where = _span("строка", "строки", line_start, line_end)
    return f"{where}, распознано OCR" if ocr else where


def paragraphs(unit: str, line_start: int, line_end: int) -> dict:
    """The paragraph fields of a passage of a document whose lines are paragraphs."""
    if unit != "paragraph":
        return {}
    return {"paragraph_start": line_start, "paragraph_end": line_end}
