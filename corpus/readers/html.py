"""HTML (including Word's "Save as web page") through BeautifulSoup.

Blocks become lines in the conventions clean.py understands: h1-h6 -> "**...**" headings,
paragraphs and list items one per line (items marked "• " or "1. "), table rows
tab-separated (a one-cell row is a layout table and is read as ordinary blocks); scripts,
styles and comments are dropped, entities decoded. The encoding comes from a BOM, valid
UTF-8, the meta charset, or detection, in that order. Each line carries the line of the
HTML file its block starts on, so citations point into the file the user has.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ..document import SourceLine
from ..errors import CorpusError
from .text import decode_bytes, looks_binary

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "nav",
         "object", "select", "button", "textarea", "xml"}
_BLOCK = {"p", "div", "section", "article", "header", "footer", "main", "aside", "figure",
          "figcaption", "address", "center", "form", "fieldset", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "table", "thead", "tbody", "tfoot", "caption", "hr", "body", "html",
          "details", "summary", "legend"}
_HEADINGS = {f"h{i}" for i in range(1, 7)}
_SPACES = re.compile(r"\s+")
_BARE_MARKER = re.compile(r"^(?:•|\d+\.)$")
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


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
        if s and not _BARE_MARKER.match(s):
            self.out.append((self.line, s))


def _walk(node: Tag, lines: _Lines) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, _NOT_TEXT):
                lines.text(str(child), node.sourceline)
            continue
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name in _SKIP:
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


def _row(tr: Tag, lines: _Lines) -> None:
    lines.flush()
    cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
    texts = [t for t in (_text(c) for c in cells) if t]
    if len(texts) > 1:
        lines.emit("\t".join(texts), tr.sourceline)
    else:                               # a layout table: read the cell as ordinary blocks
        for cell in cells:
            _walk(cell, lines)
            lines.flush()


def html_lines(markup: str) -> list[tuple[int, str]]:
    """(line of the HTML file, text) for every block of ``markup``."""
    soup = BeautifulSoup(markup, "html.parser")
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
    try:
        found = html_lines(markup)
    except RecursionError:
        raise CorpusError(path, "HTML nested too deeply to read") from None
    if not found:
        raise CorpusError(path, "the page has no text")
    return [SourceLine(number, text) for number, text in found]
