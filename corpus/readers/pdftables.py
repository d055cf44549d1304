"""Tables of text-layer PDFs: pdfplumber finds the grid, PDFium reads each cell.

PDFium's running text reads a table row by row only when the cells line up, and breaks a
number that wraps inside its cell («10 820» / «639,09») onto two lines. pdfplumber's table
finder (MIT) locates ruled tables and their cells; its own text extraction drops spaces in
Russian fonts («ВВП(поППС)за2018г.»), so each cell's text is taken from PDFium inside the
cell's box, its lines joined with spaces, and merged cells (pdfplumber's ``None``) are filled
with the value of the cell that spans them, so every row reads whole with its header.
pdfplumber is slow (pure Python), so it only sees pages that have enough ruling lines.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from ..clean import join_lines
from .pdfrotated import PageChars

MIN_PATHS = 6          # a ruled table has at least this many line or rectangle objects

_SPACES = re.compile(r"\s+")


@dataclass
class PageTable:
    top: float                       # distance from the page top, in points (pdfplumber's frame)
    bottom: float
    rows: list[list[str]]


def _fill_merged(cells: list[list[tuple | None]]) -> list[list[tuple | None]]:
    """Replace each ``None`` by the box of the cell that covers it: left (colspan) or above."""
    out = [list(row) for row in cells]
    for r, row in enumerate(out):
        for c, box in enumerate(row):
            if box is not None:
                continue
            left = next((row[k] for k in range(c - 1, -1, -1) if row[k] is not None), None)
            col_x = next((out[k][c][0] for k in range(len(out)) if k != r and c < len(out[k])
                          and out[k][c] is not None), None)
            if left is not None and col_x is not None and left[2] > col_x + 1:
                row[c] = left
                continue
            above = next((out[k][c] for k in range(r - 1, -1, -1) if c < len(out[k])
                          and out[k][c] is not None), None)
            row_y = next((b[1] for b in row if b is not None), None)
            if above is not None and row_y is not None and above[3] > row_y + 1:
                row[c] = above
    return out


def find_tables(data: bytes, page_numbers: list[int]) -> dict[int, list[list[list[tuple | None]]]]:
    """0-based page number -> its tables, each a grid of cell boxes (x0, top, x1, bottom)."""
    if not page_numbers:
        return {}
    try:
        import pdfplumber
    except ImportError:
        return {}
    found: dict[int, list] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number in page_numbers:
                page = pdf.pages[number]
                grids = []
                for table in page.find_tables():
                    grid = [list(row.cells) for row in table.rows]
                    if len(grid) >= 2 and max(len(r) for r in grid) >= 2:
                        grids.append(_fill_merged(grid))
                if grids:
                    found[number] = grids
                page.close()
    except Exception:  # noqa: BLE001 - a table finder's surprise must not lose the page's text
        return found
    return found


def read_table(textpage, height: float, grid: list[list[tuple | None]],
               chars: PageChars | None = None) -> PageTable:
    """The text of every cell (PDFium, inside the cell's box); empty rows dropped. ``chars``:
    the page's characters, read once for all its tables (only rotated cells need them)."""
    rows: list[list[str]] = []
    chars = chars or PageChars(textpage)
    for row in grid:
        texts = []
        for box in row:
            if box is None:
                texts.append("")
                continue
            x0, top, x1, bottom = box
            rotated = chars.vertical_text(x0, height - bottom, x1, height - top)
            if rotated is not None:
                texts.append(rotated)
                continue
            raw = textpage.get_text_bounded(x0, height - bottom, x1, height - top)
            raw = raw.replace("\ufffe", "-\n").replace("\x02", "-\n")
            texts.append(join_lines([_SPACES.sub(" ", t).strip() for t in raw.splitlines()]))
        if any(texts):
            rows.append(texts)
    tops = [b[1] for row in grid for b in row if b]
    bottoms = [b[3] for row in grid for b in row if b]
    return PageTable(min(tops), max(bottoms), rows)
