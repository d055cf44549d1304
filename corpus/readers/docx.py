"""DOCX through python-docx: body paragraphs and tables in document order.

Output follows the conventions clean.py already understands, so DOCX needs no cleaning of
its own: headings become "**...**" lines (clean.py marks them as sections and strips the
asterisks), list items and numbered headings start with the number Word shows («1.2.», «а)»,
«•»; docxnumbering.py), and each table row becomes one tab-separated line (cleaned into
" | " cells) in which merged cells (gridSpan, vMerge) repeat their value, so every row reads
whole under its header. Footnotes and endnotes follow the body as notes; page headers and
footers are furniture and are skipped. DOCX has no pages or lines: blocks (paragraphs and
table rows) are numbered in reading order and cited as paragraphs.
"""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..clean import join_lines
from ..document import SourceLine
from ..errors import CorpusError
from ..limits import check_docx
from ..superscript import raised
from .docxnumbering import Numbering

UNIT = "paragraph"
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
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorpusError(path, f"corrupt DOCX: {exc}") from None
    with zf:
        names = set(zf.namelist())
        if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
            raise CorpusError(path, "not a DOCX: the ZIP archive holds no Word document")
        if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED_MB * 2**20:    # images included
            raise CorpusError(path, f"DOCX unpacks to over {MAX_UNPACKED_MB} MB: refusing it")
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


def _paragraph_lines(par: Paragraph, kinds: dict[str, str], numbering: Numbering) -> list[str]:
    pieces = [_SPACES.sub(" ", t).strip() for t in par.text.split("\n")]
    pieces = [p for p in pieces if p]
    label = numbering.label(par._p)
    if not pieces:
        return []
    kind = _kind(par._p, kinds)
    if label:
        pieces[0] = f"{label} {pieces[0]}"
    elif kind == "list":
        pieces[0] = "• " + pieces[0]
    if kind == "heading":
        return [heading_line(" ".join(pieces))]
    return pieces


def _cell_text(tc, parent, numbering: Numbering) -> str:
    """All text of a cell, nested tables and item numbers included, on one line."""
    texts = (" ".join(x for x in (numbering.label(p), Paragraph(p, parent).text) if x)
             for p in tc.iter(qn("w:p")))
    lines = [_SPACES.sub(" ", t).strip() for text in texts for t in text.split("\n")]
    return join_lines(lines)       # «Еже-» / «дневно» in a narrow cell reads «Ежедневно»


def _span(tc) -> int:
    pr = tc.find(qn("w:tcPr"))
    span = pr.find(qn("w:gridSpan")) if pr is not None else None
    value = span.get(qn("w:val")) if span is not None else "1"
    return int(value) if value and value.isdigit() else 1


def _continues_above(tc) -> bool:
    """A vMerge cell without val="restart" continues the merged cell above it."""
    pr = tc.find(qn("w:tcPr"))
    merge = pr.find(qn("w:vMerge")) if pr is not None else None
    return merge is not None and merge.get(qn("w:val")) in (None, "continue")


def _table_lines(tbl, parent, numbering: Numbering) -> list[str]:
    """One tab-separated line per row; merged cells repeat their value in every grid column
    they cover (a vertically merged «Итого» names each row it spans)."""
    lines = []
    above: dict[int, str] = {}
    for tr in tbl.iterchildren(qn("w:tr")):
        cells: list[str] = []
        col = 0
        for tc in tr.iterchildren(qn("w:tc")):
            span = _span(tc)
            text = above.get(col, "") if _continues_above(tc) else _cell_text(tc, parent, numbering)
            for k in range(span):
                above[col + k] = text
            cells += [text] * span
            col += span
        filled = [c for c in cells if c]
        if len(set(filled)) == 1:
            filled = filled[:1]             # a caption row spanning the table: once
        else:                               # a value repeated by gridSpan: once per run
            filled = [c for i, c in enumerate(cells) if c and (i == 0 or cells[i - 1] != c
                                                              or not _is_span_repeat(tr, i))]
        if filled:
            lines.append("\t" + "\t".join(filled) + "\t")
    return lines


def _is_span_repeat(tr, index: int) -> bool:
    """True when grid column ``index`` is covered by the same cell as ``index - 1`` (gridSpan)."""
    col = 0
    for tc in tr.iterchildren(qn("w:tc")):
        span = _span(tc)
        if col <= index - 1 and index < col + span:
            return True
        col += span
    return False


def _block_lines(container, parent, kinds: dict[str, str], numbering: Numbering) -> list[list[str]]:
    """Paragraphs, table rows and content controls (w:sdt, e.g. a table of contents) in order;
    each block as its lines (a paragraph with manual line breaks has several)."""
    blocks: list[list[str]] = []
    for el in container.iterchildren():
        if el.tag == qn("w:p"):
            blocks.append(_paragraph_lines(Paragraph(el, parent), kinds, numbering))
        elif el.tag == qn("w:tbl"):
            blocks += [[row] for row in _table_lines(el, parent, numbering)]
        elif el.tag == qn("w:sdt"):
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                blocks += _block_lines(content, parent, kinds, numbering)
    return [b for b in blocks if b]


def read(path: str, data: bytes) -> list[SourceLine]:
    _check_package(path, data)
    try:
        document = open_docx(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a bad package
        raise CorpusError(path, f"corrupt DOCX: {type(exc).__name__}: {exc}".splitlines()[0]) from None
    _mark_note_references(document.element.body)
    blocks = _block_lines(document.element.body, document, style_kinds(document), Numbering(document))
    if not blocks:
        raise CorpusError(path, "the document has no text")
    out = [SourceLine(i + 1, t) for i, block in enumerate(blocks) for t in block]
    for j, note in enumerate(notes(document, data), start=len(blocks) + 1):
        out.append(SourceLine(j, note, kind="footnote"))
    return out


def _mark_note_references(body) -> None:
    """Put each footnote's and endnote's mark in the text where Word shows it: «средств¹»,
    numbered as ``notes`` numbers the notes (python-docx's text drops the reference)."""
    for ref in ("w:footnoteReference", "w:endnoteReference"):
        for k, el in enumerate(body.iter(qn(ref)), start=1):
            mark = el.makeelement(qn("w:t"), {})
            mark.text = raised(str(k))
            el.addnext(mark)


def notes(document, data: bytes) -> list[str]:
    """Footnotes and endnotes, each «N text», in the order they are referenced in the body."""
    from lxml import etree
    body = document.element.body
    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for part, ref, tag in (("word/footnotes.xml", "w:footnoteReference", "w:footnote"),
                               ("word/endnotes.xml", "w:endnoteReference", "w:endnote")):
            if part not in zf.namelist():
                continue
            try:
                root = etree.fromstring(zf.read(part))
            except etree.XMLSyntaxError:
                continue
            texts = {}
            for note in root.iterchildren(qn(tag)):
                words = "".join(t.text or "" for t in note.iter(qn("w:t")))
                texts[note.get(qn("w:id"))] = _SPACES.sub(" ", words).strip()
            for k, el in enumerate(body.iter(qn(ref)), start=1):
                text = texts.get(el.get(qn("w:id")), "")
                if text:
                    out.append(f"{k} {text}")
    return out
