"""PDF through pypdfium2 (Apache/BSD; PyMuPDF would make the install AGPL).

Every line keeps its page so citations can say "с. 12"; running headers and footers are
dropped here because only here are pages known. A page without a text layer (a scan) or with a
garbage one (a broken font map) is read by OCR and its lines are flagged as such. Ruled tables
are read cell by cell (pdftables.py); larger or bold lines become headings (one heading even
when set on two lines); smaller lines at a page's foot that start with a note mark are
footnotes and move to the end of the document, so they never cut a sentence that runs on to
the next page. PDFium's load errors are mapped to one-line reasons a user can act on.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import SourceLine
from ..errors import CorpusError
from .pdfrotated import PageChars
from . import ocr, ocrtables, pdftables
from .pagefurniture import furniture
from .pdflayout import StyledLine, body_size, styled_lines
from .textlayer import is_garbage

_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF: needs a password",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF: unsupported security handler",
    pdfium_c.FPDF_ERR_FORMAT: "corrupt or truncated PDF: PDFium cannot parse it",
    pdfium_c.FPDF_ERR_FILE: "corrupt PDF: PDFium cannot open it",
}
_PDFIUM = threading.Lock()     # PDFium is not thread-safe; the web app may read uploads in threads
_LETTERS = re.compile(r"[^\W\d_]")
_NOTE_MARK = re.compile(r"^\s*(?:\d{1,3}|[*¹²³⁴⁵⁶⁷⁸⁹])\s*\)?\s*\S")
HEADING_RATIO = 1.15           # a line this much larger than the body text is a heading
FOOTNOTE_RATIO = 0.9           # ... this much smaller, at the foot of the page, a footnote
MAX_HEADING_WORDS = 20


@dataclass
class Page:
    lines: list[StyledLine] = field(default_factory=list)
    tables: list[pdftables.PageTable] = field(default_factory=list)
    ocr: bool = False
    height: float = 0.0
    paths: int = 0                   # line and rectangle objects: a ruled table has many


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _ocr_page(page: pdfium.PdfPage, height: float) -> Page:
    """A scanned page: its bordered tables cell by cell (ocrtables.py), else the whole page."""
    image = page.render(scale=ocr.DPI / 72, grayscale=True).to_pil()
    found = ocrtables.read_page(image, 72 / ocr.DPI)
    if found is not None:
        return Page(found[0], found[1], ocr=True, height=height)
    return Page([StyledLine(t) for t in ocr.ocr_image(image)], ocr=True, height=height)


def _read_page(page: pdfium.PdfPage, missing_ocr: list[int], number: int) -> Page:
    height = page.get_height()
    paths = _path_count(page)
    textpage = page.get_textpage()
    try:
        lines = styled_lines(textpage, height)
        text = "\n".join(line.text for line in lines)
        # no words but images (a scan) or drawings (text converted to outlines), or junk
        needs_ocr = is_garbage(text) or (len(_LETTERS.findall(text)) < 10
                                         and (_has_images(page) or paths >= 20))
        if needs_ocr:
            if ocr.unavailable_reason():
                missing_ocr.append(number)
                return Page(height=height)
            return _ocr_page(page, height)
        return Page(lines, height=height, paths=paths)
    finally:
        textpage.close()


def _path_count(page: pdfium.PdfPage) -> int:
    return sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))


def _add_tables(pdf: pdfium.PdfDocument, data: bytes, pages: list[Page]) -> None:
    """Replace the lines inside ruled tables by the tables read cell by cell."""
    candidates = [i for i, p in enumerate(pages) if not p.ocr and p.lines
                  and p.paths >= pdftables.MIN_PATHS]
    for i, grids in pdftables.find_tables(data, candidates).items():
        textpage = pdf[i].get_textpage()
        try:
            chars = PageChars(textpage)
            tables = [pdftables.read_table(textpage, pages[i].height, g, chars) for g in grids]
            tables = [t for t in tables if t.rows]
            if tables:
                pages[i].lines = _lines_between(textpage, pages[i], tables)
                pages[i].tables = tables
        finally:
            textpage.close()


def _lines_between(textpage, page: Page, tables: list[pdftables.PageTable]) -> list[StyledLine]:
    """The page's text outside its tables, band by band. PDFium's running text can put a
    caption, a table's header and its first row on one line, so the page is re-read in the
    horizontal bands above, between and below the tables; each line keeps the band's height
    for ordering, and the style of the line it starts (for headings)."""
    width, height = textpage.page.get_width(), page.height
    style = {line.text.strip()[:40]: line for line in page.lines}
    edges = [0.0] + [y for t in sorted(tables, key=lambda t: t.top) for y in (t.top, t.bottom)] + [height]
    out: list[StyledLine] = []
    for top, bottom in zip(edges[::2], edges[1::2]):
        if bottom - top < 2:
            continue
        raw = textpage.get_text_bounded(0, height - bottom, width, height - top)
        raw = raw.replace("\ufffe", "-\n").replace("\x02", "-\n")
        for k, text in enumerate(t for t in raw.splitlines() if t.strip()):
            like = style.get(text.strip()[:40])
            out.append(StyledLine(text, like.size if like else 0.0, like.bold if like else False,
                                  top + 0.001 * (k + 1)))
    return out


def read_pages(path: str, data: bytes, missing_ocr: list[int] | None = None) -> list[Page]:
    """Every page's lines (OCR'd where needed) and tables, in page order."""
    if b"%PDF" not in data[:1024]:
        raise CorpusError(path, "not a PDF: the file does not start with %PDF (wrong extension?)")
    missing = [] if missing_ocr is None else missing_ocr
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            problem = _LOAD_ERRORS.get(getattr(exc, "err_code", None), f"cannot open the PDF: {exc}")
            raise CorpusError(path, problem) from None
        try:
            if len(pdf) == 0:
                raise CorpusError(path, "corrupt PDF: it has no pages")
            pages = []
            for number in range(len(pdf)):
                try:
                    page = pdf[number]
                    pages.append(_read_page(page, missing, number + 1))
                    page.close()
                except pdfium.PdfiumError as exc:
                    raise CorpusError(path, f"corrupt PDF: cannot read page {number + 1} ({exc})") from None
            _add_tables(pdf, data, pages)
            return pages
        finally:
            pdf.close()


def _bold_is_body(pages: list[Page]) -> bool:
    """A document set mostly in bold: bold tells nothing about headings there."""
    total = sum(len(x.text) for p in pages if not p.ocr for x in p.lines)
    bold = sum(len(x.text) for p in pages if not p.ocr for x in p.lines if x.bold)
    return total > 0 and bold > 0.5 * total


def _is_heading(line: StyledLine, body: float) -> bool:
    words = line.text.split()
    if not words or len(words) > MAX_HEADING_WORDS or not _LETTERS.search(line.text):
        return False
    if line.text.rstrip().endswith((",", ";")) or not body or not line.size:
        return False
    return line.size >= body * HEADING_RATIO or (line.bold and len(words) <= 12)


def _footnote_start(lines: list[StyledLine], body: float, height: float) -> int:
    """Index of the first footnote line of a page (len(lines) when there is none)."""
    for i, line in enumerate(lines):
        if (body and line.size and line.size <= body * FOOTNOTE_RATIO and line.y > 0.6 * height
                and _NOTE_MARK.match(line.text)
                and all(x.size and x.size <= body * FOOTNOTE_RATIO for x in lines[i:])):
            return i
    return len(lines)


def _page_items(page: Page, body: float) -> tuple[list[tuple[float, str]], list[str]]:
    """(y, text) of the running text and table rows in reading order, and the footnote lines."""
    lines = page.lines
    cut = len(lines) if page.ocr else _footnote_start(lines, body, page.height)
    items: list[tuple[float, str]] = []
    heading: list[StyledLine] = []

    def flush() -> None:
        if heading:
            items.append((heading[0].y, "**" + " ".join(h.text.strip() for h in heading).replace("**", "") + "**"))
            heading.clear()

    for line in lines[:cut]:
        if not page.ocr and _is_heading(line, body):
            if heading and (abs(heading[-1].size - line.size) > 0.5 or heading[-1].bold != line.bold):
                flush()
            heading.append(line)
            continue
        flush()
        items.append((line.y, line.text))
    flush()
    for table in page.tables:
        rows = ["\t" + "\t".join(row) + "\t" for row in table.rows]
        at = next((k for k, (y, _) in enumerate(items) if y > table.top), len(items))
        items[at:at] = [(table.top, row) for row in rows]
    return items, [line.text for line in lines[cut:]]


def read(path: str, data: bytes) -> list[SourceLine]:
    missing: list[int] = []
    pages = read_pages(path, data, missing)
    if not any(line.text.strip() for p in pages for line in p.lines) and not any(p.tables for p in pages):
        if missing:
            raise CorpusError(path, f"no text layer (a scan, or a broken font map) and no OCR: "
                                    f"{ocr.unavailable_reason()}")
        raise CorpusError(path, "no text layer, and OCR found no text on its pages")
    body = body_size([p.lines for p in pages if not p.ocr])
    if _bold_is_body(pages):
        for p in pages:
            for line in p.lines:
                line.bold = False
    laid_out = [_page_items(p, body) for p in pages]
    texts = [[text for _, text in items] for items, _ in laid_out]
    drop = furniture(texts)
    out: list[SourceLine] = []
    notes: list[SourceLine] = []
    number = 0
    for page_no, (page, lines, skip, (_, footnotes)) in enumerate(zip(pages, texts, drop, laid_out), start=1):
        for i, line in enumerate(lines):
            number += 1          # numbering counts every extracted line, dropped ones too
            if i not in skip and line.strip():
                out.append(SourceLine(number, line, page_no, page.ocr))
        for note in footnotes:
            number += 1
            if note.strip():
                notes.append(SourceLine(number, note, page_no, kind="footnote"))
    return out + notes
