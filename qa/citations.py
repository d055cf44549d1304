"""Where a passage sits, in the words a reader needs to find it in the file they have.

A PDF is cited by page («с. 12», or «с. 12–13» across a page break), a DOCX or HTML file by
paragraph («абзацы 12–15»: a Word document or a one-line HTML page has no useful line
numbers), a text file by lines. A passage read by OCR says so: its words may be misread.
"""
from __future__ import annotations


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
