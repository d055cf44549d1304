"""PDF through pypdfium2 (Apache/BSD; PyMuPDF would make the install AGPL).

Every line keeps its page so citations can say "с. 12"; running headers and footers are
dropped here because only here are pages known. PDFium's load errors are mapped to one-line
reasons a user can act on (a password, a scan that needs OCR, a damaged file).
"""
from __future__ import annotations

import re
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import SourceLine
from ..errors import CorpusError
from .pagefurniture import furniture

_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF: needs a password",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF: unsupported security handler",
    pdfium_c.FPDF_ERR_FORMAT: "corrupt or truncated PDF: PDFium cannot parse it",
    pdfium_c.FPDF_ERR_FILE: "corrupt PDF: PDFium cannot open it",
}
_PDFIUM = threading.Lock()     # PDFium is not thread-safe; the web app may read uploads in threads
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\uffff]")


def _page_lines(page: pdfium.PdfPage) -> list[str]:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    # PDFium joins a line ending in a hyphen to the next and leaves U+FFFE (or \x02) where
    # the hyphen was, which loses real hyphens ("социально-экономический"). Put the hyphen and
    # the line break back: clean.py decides with morphology which hyphens to keep.
    text = text.replace("\ufffe", "-\n").replace("\x02", "-\n")
    return [_CONTROL.sub("", line) for line in re.split(r"\r\n|\r|\n", text)]


def read_pages(path: str, data: bytes) -> list[list[str]]:
    """The text lines of every page, in page order."""
    if b"%PDF" not in data[:1024]:
        raise CorpusError(path, "not a PDF: the file does not start with %PDF (wrong extension?)")
    with _PDFIUM:
        return _read_pages(path, data)


def _read_pages(path: str, data: bytes) -> list[list[str]]:
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
                pages.append(_page_lines(page))
                page.close()
            except pdfium.PdfiumError as exc:
                raise CorpusError(path, f"corrupt PDF: cannot read page {number + 1} ({exc})") from None
        return pages
    finally:
        pdf.close()


def read(path: str, data: bytes) -> list[SourceLine]:
    pages = read_pages(path, data)
    if not any(line.strip() for lines in pages for line in lines):
        raise CorpusError(path, "no text layer: scanned PDF needs OCR")
    drop = furniture(pages)
    out: list[SourceLine] = []
    number = 0
    for page_no, (lines, skip) in enumerate(zip(pages, drop), start=1):
        for i, line in enumerate(lines):
            number += 1          # numbering counts every extracted line, dropped ones too
            if i not in skip and line.strip():
                out.append(SourceLine(number, line, page_no))
    return out
