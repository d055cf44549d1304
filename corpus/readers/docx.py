"""DOCX through python-docx: body paragraphs and tables in document order.

Output follows the conventions clean.py already understands, so DOCX needs no cleaning of
its own: headings become "**...**" lines (clean.py marks them as sections and strips the
asterisks; it keeps the "#" of Markdown headings in the text), list items get
a "• " marker (so they are not glued together), and each table row becomes one
tab-separated line (cleaned into " | " cells). Page headers and footers are furniture and
are skipped. Lines are numbered in reading order; DOCX has no pages to cite.
"""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..document import SourceLine
from ..errors import CorpusError
from ..limits import check_docx

MAX_UNPACKED_MB = 500          # a DOCX that inflates beyond this is a zip bomb, not a report
_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d)", re.I)
_LIST_STYLE = re.compile(r"^(?:list|список)", re.I)
_SPACES = re.compile(r"\s+")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_package(path: str, data: bytes) -> None:
    if data.startswith(_OLE_MAGIC):
        raise CorpusError(path, "not a DOCX: an old Word .doc or a password-protected DOCX "
                                "(save it as DOCX without a password)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise CorpusError(path, "not a DOCX: not a ZIP archive (corrupt or wrong extension)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorpusError(path, f"corrupt DOCX: {exc}") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise CorpusError(path, "not a DOCX: the ZIP archive holds no Word document")
    if unpacked > MAX_UNPACKED_MB * 2**20:
        raise CorpusError(path, f"DOCX unpacks to over {MAX_UNPACKED_MB} MB: refusing it")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_docx(path, zf)             # Word XML and its text within the per-document limits


def heading_line(text: str) -> str:
    """A heading in the form clean.py recognizes and strips cleanly."""
    return f"**{text.replace('**', '')}**"


def _outline_heading(ppr) -> bool | None:
    """A w:pPr's outline level: True for heading levels 0-8, False for 9 (body), None if unset."""
    outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    value = outline.get(qn("w:val")) if outline is not None else None
    return int(value) < 9 if value and value.isdigit() else None


def style_kinds(document) -> dict[str, str]:
    """Paragraph style id -> "heading" or "list", computed once (python-docx's per-paragraph
    style lookup scans every style and made a long report take seconds). A style based on
    a heading style (a renamed "Heading 2") is a heading too."""
    own: dict[str, str] = {}
    based: dict[str, str] = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        sid = style.get(qn("w:styleId")) or ""
        name_el, base_el = style.find(qn("w:name")), style.find(qn("w:basedOn"))
        name = (name_el.get(qn("w:val")) if name_el is not None else "") or ""
        if base_el is not None:
            based[sid] = base_el.get(qn("w:val")) or ""
        if name.lower() == "title" or _HEADING_STYLE.match(name) or _outline_heading(style.find(qn("w:pPr"))):
            own[sid] = "heading"
        elif _LIST_STYLE.match(name):
            own[sid] = "list"
    kinds = {}
    for sid in set(own) | set(based):
        chain, seen = sid, 0
        while chain and chain not in own and seen < 10:
            chain, seen = based.get(chain, ""), seen + 1
        if chain in own:
            kinds[sid] = own[chain]
    return kinds


def _kind(p, kinds: dict[str, str]) -> str:
    ppr = p.find(qn("w:pPr"))
    outline = _outline_heading(ppr)
    if outline is not None:
        return "heading" if outline else ""
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    kind = kinds.get(style.get(qn("w:val")), "") if style is not None else ""
    if not kind and ppr is not None and ppr.find(qn("w:numPr")) is not None:
        kind = "list"
    return kind


def _paragraph_lines(par: Paragraph, kinds: dict[str, str]) -> list[str]:
    pieces = [_SPACES.sub(" ", t).strip() for t in par.text.split("\n")]
    pieces = [p for p in pieces if p]
    if not pieces:
        return []
    kind = _kind(par._p, kinds)
    if kind == "heading":
        return [heading_line(" ".join(pieces))]
    if kind == "list":
        pieces[0] = "• " + pieces[0]
    return pieces


def _cell_text(tc, parent) -> str:
    """All text of a cell, nested tables included, on one line."""
    texts = (Paragraph(p, parent).text for p in tc.iter(qn("w:p")))
    return _SPACES.sub(" ", " ".join(texts)).strip()


def _table_lines(tbl, parent) -> list[str]:
    lines = []
    for tr in tbl.iterchildren(qn("w:tr")):
        cells = [_cell_text(tc, parent) for tc in tr.iterchildren(qn("w:tc"))]
        cells = [c for c in cells if c]
        if cells:
            lines.append("\t".join(cells))
    return lines


def _block_lines(container, parent, kinds: dict[str, str]) -> list[str]:
    """Paragraphs, tables and content controls (w:sdt, e.g. a table of contents) in order."""
    lines: list[str] = []
    for el in container.iterchildren():
        if el.tag == qn("w:p"):
            lines += _paragraph_lines(Paragraph(el, parent), kinds)
        elif el.tag == qn("w:tbl"):
            lines += _table_lines(el, parent)
        elif el.tag == qn("w:sdt"):
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                lines += _block_lines(content, parent, kinds)
    return lines


def read(path: str, data: bytes) -> list[SourceLine]:
    _check_package(path, data)
    try:
        document = open_docx(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a bad package
        raise CorpusError(path, f"corrupt DOCX: {type(exc).__name__}: {exc}".splitlines()[0]) from None
    lines = _block_lines(document.element.body, document, style_kinds(document))
    if not lines:
        raise CorpusError(path, "the document has no text")
    return [SourceLine(i + 1, t) for i, t in enumerate(lines)]
