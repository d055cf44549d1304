"""Tables inside a cleaned text: where they are, and how to cut them into passages by rows.

clean.py writes each table row as its own paragraph with cells joined by " | ". A passage cut
in the middle of a row, or a row read without the header that names its columns, tells a user
nothing («25362» of what?), so tables are chunked by whole rows and every chunk after the
first remembers the header row.
"""
from __future__ import annotations

import re
from collections.abc import Callable

_PARAGRAPH = re.compile(r"\n\s*\n")
CELL = " | "
_DATA_CELL = re.compile(r"^\d")


def looks_like_header(row: str) -> bool:
    """A table's first row names its columns («№ п/п | Наименование | Кол-во, шт.») unless a
    cell starts with a figure: then it is a data row («1.1. | Взаимодействие …», «1 |
    Председатель комиссии | …»), as in a table split into one table per section."""
    cells = [c.strip() for c in row.split(CELL)]
    return len(cells) >= 2 and not any(_DATA_CELL.match(c) for c in cells)


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for brk in _PARAGRAPH.finditer(text, start, end):
        out.append((pos, brk.start()))
        pos = brk.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def split_tables(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_table) runs of prose and of table rows (two or more rows) in order."""
    runs: list[list] = []
    for s, e in _paragraphs(text, start, end):
        is_row = CELL in text[s:e]
        if runs and runs[-1][2] == is_row:
            runs[-1][1] = e
        else:
            runs.append([s, e, is_row])
    out = []
    for s, e, is_row in runs:
        if is_row and text.count("\n\n", s, e) == 0:
            is_row = False                 # one row alone is a line with a bar, not a table
        if out and not out[-1][2] and not is_row:
            out[-1] = (out[-1][0], e, False)
        else:
            out.append((s, e, is_row))
    if out:                                # the prose before a table keeps the span's start
        out[0] = (start, out[0][1], out[0][2])
    return out


def row_chunks(text: str, start: int, end: int, size: int,
               count: Callable[[str], int]) -> list[tuple[int, int, str]]:
    """(start, end, header) chunks of whole rows, each at most ``size`` words unless a single
    row is longer. The first chunk holds the header row; later ones name it in ``header``."""
    rows = _paragraphs(text, start, end)
    header = text[rows[0][0]:rows[0][1]]
    out: list[tuple[int, int, str]] = []
    first, words = rows[0][0], 0
    last = None
    for s, e in rows:
        n = count(text[s:e])
        if last is not None and words + n > size and not (first == rows[0][0] and last == rows[0][1]):
            out.append((first, last, header if out else ""))
            first, words = s, 0
        words += n
        last = e
    out.append((first, last, header if out else ""))
    return out
