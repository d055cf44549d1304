"""HTML (including Word's "Save as web page") through BeautifulSoup.

Blocks become lines in the conventions clean.py understands: h1-h6 -> "**...**" headings,
paragraphs and list items one per line (items marked "• " or "1. "), table rows
tab-separated with ``rowspan``/``colspan`` cells repeated in every row and column they cover
(a one-cell row is a layout table and is read as ordinary blocks); scripts, styles, comments
and page furniture (navigation, the site footer, «© Администрация …») are dropped, entities
decoded. The encoding comes from a BOM, valid UTF-8, the meta charset, or detection, in that
order. A page is often one long line of markup, so blocks are numbered in reading order and
cited as paragraphs; a file named .html that holds no markup is read as plain text, by lines.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ..document import SourceLine
from ..errors import CorpusError
from ..superscript import raised
from .text import decode_bytes, looks_binary, read_text_lines

UNIT = "paragraph"
_FURNITURE_ATTR = re.compile(r"(?:^|[\s_-])(?:footer|copyright|navbar|nav|menu|breadcrumbs?|sidebar|"
                             r"cookie|share|social)(?:$|[\s_-])", re.I)
_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.I)
_MARKUP = re.compile(r"<(?:[a-zA-Z][\w:-]*|!--|!doctype|/[a-zA-Z])", re.I)

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "nav", "footer",
         "object", "select", "button", "textarea", "xml"}
_BLOCK = {"p", "div", "section", "article", "header", "footer", "main", "aside", "figure",
          "figcaption", "address", "center", "form", "fieldset", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "table", "thead", "tbody", "tfoot", "caption", "hr", "body", "html",
          "details", "summary", "legend"}
_HEADINGS = {f"h{i}" for i in range(1, 7)}
_SPACES = re.compile(r"\s+")
_BARE_MARKER = re.compile(r"^(?:•|\d+\.)$")
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
_RAISED_STYLE = re.compile(r"vertical-align\s*:\s*super", re.I)


def declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return (match.group(1) or match.group(2)).decode("ascii") if match else None


def _text(node: Tag) -> str:
    parts = [s for s in node.find_all(string=True) if not isinstance(s, _NOT_TEXT)
             and not any(p.name in _SKIP for p in s.parents)]
    return _SPACES.sub(" ", " ".join(parts)).strip()


class _Lines:
    """Collects inline text into the current line; a block boundary ends the line."""

    def __init__(self) -> None:
        self.out: list[tuple[int, str]] = []
        self.buffer: list[str] = []
        self.line = 1
        self.spans = {}

    def text(self, s: str, line: int | None) -> None:
        if not self.buffer and s.strip() and line:
            self.line = line
        self.buffer.append(s)

    def emit(self, s: str, line: int | None) -> None:
        self.flush()
        s = s.strip()
        if s:
            self.out.append((line or self.line, s))

    def flush(self) -> None:
        s = _SPACES.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if s and not _BARE_MARKER.match(s) and not _COPYRIGHT.match(s):
            self.out.append((self.line, s))

    spans: dict[int, dict[int, tuple[int, str]]]      # table -> column -> (rows left, text)


def _walk(node: Tag, lines: _Lines) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, _NOT_TEXT):
                lines.text(str(child), node.sourceline)
            continue
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name in _SKIP or _is_furniture(child):
            continue
        if name in _HEADINGS:
            heading = _text(child).replace("**", "")
            lines.emit(f"**{heading}**" if heading else "", child.sourceline)
        elif name == "br":
            lines.flush()
        elif name == "tr":
            _row(child, lines)
        elif name == "li":
            lines.flush()
            lines.text(_marker(child), child.sourceline)
            _walk(child, lines)
            lines.flush()
        elif name == "pre":
            lines.flush()
            for i, piece in enumerate(child.get_text().split("\n")):
                lines.emit(piece, (child.sourceline or lines.line) + i)
        elif name in _BLOCK:
            lines.flush()
            _walk(child, lines)
            lines.flush()
        else:
            _walk(child, lines)


def _marker(li: Tag) -> str:
    parent = li.parent
    if parent is not None and parent.name == "ol":
        items = parent.find_all("li", recursive=False)
        position = next(i for i, item in enumerate(items) if item is li)
        return f"{position + 1}. "
    return "• "


def _is_furniture(tag: Tag) -> bool:
    """Site chrome by its name: class or id "footer", "nav", "menu", "copyright", role=navigation."""
    attrs = tag.attrs or {}
    if attrs.get("role") in ("navigation", "contentinfo", "banner"):
        return True
    names = " ".join(attrs.get("class") or []) + " " + str(attrs.get("id") or "")
    return bool(names.strip()) and bool(_FURNITURE_ATTR.search(names))


def _span(cell: Tag, attr: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attr, "1")).strip() or 1), 100))
    except ValueError:
        return 1


def _grid_row(tr: Tag, lines: _Lines) -> tuple[list[Tag], list[str]]:
    """The row's own cells, and its texts with rowspan/colspan cells filled in."""
    table = tr.find_parent("table")
    pending = lines.spans.setdefault(id(table), {})
    cells = tr.find_all(["td", "th"], recursive=False)
    texts: list[str] = []
    col = 0
    queue = list(cells)
    while queue or any(c >= col for c in pending):
        if col in pending:
            left, text = pending[col]
            texts.append(text)
            if left <= 1:
                del pending[col]
            else:
                pending[col] = (left - 1, text)
            col += 1
            continue
        if not queue:
            break
        cell = queue.pop(0)
        text, cols, rows = _text(cell), _span(cell, "colspan"), _span(cell, "rowspan")
        for k in range(cols):
            texts.append(text)
            if rows > 1:
                pending[col + k] = (rows - 1, text)
        col += cols
    return cells, texts


def _row(tr: Tag, lines: _Lines) -> None:
    lines.flush()
    cells, grid = _grid_row(tr, lines)
    texts = [t for t in grid if t]
    if len(texts) > 1 or (texts and len(grid) > len(cells)):
        lines.emit("\t" + "\t".join(texts) + "\t", tr.sourceline)
    else:                               # a layout table: read the cell as ordinary blocks
        for cell in cells:
            _walk(cell, lines)
            lines.flush()


def _raise_superscripts(soup: BeautifulSoup) -> None:
    """A number in ``<sup>`` or ``vertical-align:super`` («Статья 16<sup>1</sup>») stays raised:
    «Статья 16¹», not «Статья 161» (see ``corpus.superscript``)."""
    for tag in soup.find_all(lambda t: t.name == "sup" or _RAISED_STYLE.search(str(t.get("style") or ""))):
        number = raised(tag.get_text())
        if number:
            tag.string = number


def html_lines(markup: str) -> list[tuple[int, str]]:
    """(line of the HTML file, text) for every block of ``markup``."""
    soup = BeautifulSoup(markup, "html.parser")
    _raise_superscripts(soup)
    lines = _Lines()
    _walk(soup, lines)
    lines.flush()
    return lines.out


def read(path: str, data: bytes) -> list[SourceLine]:
    if not data.strip():
        raise CorpusError(path, "the file is empty")
    if looks_binary(data):
        raise CorpusError(path, "not HTML: the file holds binary data")
    markup = decode_bytes(data, declared_charset(data))
    if markup is None:
        raise CorpusError(path, "not HTML: no character encoding fits its bytes")
    if not _MARKUP.search(markup[:20000]):
        lines = read_text_lines(path, data)
        return [SourceLine(i + 1, t) for i, t in enumerate(lines)], "line"
    try:
        found = html_lines(markup)
    except RecursionError:
        raise CorpusError(path, "HTML nested too deeply to read") from None
    if not found:
        raise CorpusError(path, "the page has no text")
    return [SourceLine(number, text) for number, (_, text) in enumerate(found, start=1)]
