"""Ruled tables of scanned pages: img2table finds the grid, Tesseract reads each cell.

Tesseract reads a scanned table as loose lines: a row's cells come out on separate lines, or
a wrapped cell's second line lands among the next row's cells, so «8-913-560-50-09» no longer
sits beside the company it belongs to. img2table (MIT, OpenCV) finds the ruling lines of
bordered tables on the page image and gives each cell's box; the table's region is OCR'd once
and its words are placed in cells by their boxes (a merged cell's text is repeated in every
position it spans, as pdftables.py does). The text outside the tables is OCR'd in horizontal
bands cut at the tables' edges, with the tables painted white, so prose keeps the ordinary
OCR path and each line a height to order it by. A page where img2table finds no table is
read exactly as before (one OCR of the whole page).
"""
from __future__ import annotations

import io
import json

from PIL import ImageDraw

from ..clean import join_lines
from . import ocr
from .pdflayout import StyledLine
from .pdftables import PageTable

RULE = 9                # pixels painted white along each cell's border: its ruling line at 300 dpi
_RULE_DEBRIS = {"|", "—", "_", "[", "]"}
MIN_BAND = 20           # pixels: a thinner band between two tables holds no line of text


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _area(box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def find_grids(image) -> list[list[list[tuple[int, int, int, int]]]]:
    """Each bordered table on the page image as rows of cell boxes (x0, top, x1, bottom) in
    pixels. Of overlapping tables (a drawing frame's stamp block around a table) only the
    largest is kept. [] when img2table is not installed or fails. Cached beside the OCR text
    (img2table takes ~4 s a page), so re-reading a scan costs no more than before."""
    try:
        from img2table.document import Image as Img2TableImage  # noqa: F401
    except ImportError:
        return []
    try:
        found = json.loads(ocr.cached(image, "grids|", lambda pt, langs: json.dumps(_detect(image))))
    except _DetectionFailed:
        return []
    return [[[tuple(box) for box in row] for row in grid] for grid in found]


class _DetectionFailed(Exception):
    """img2table failed on this page: nothing is cached, the page is OCR'd whole."""


def _detect(image) -> list:
    from img2table.document import Image as Img2TableImage
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    try:
        found = Img2TableImage(buf.getvalue()).extract_tables(
            ocr=None, implicit_rows=False, implicit_columns=False, borderless_tables=False)
    except Exception as exc:  # noqa: BLE001 - a table finder's surprise must not lose the page's text
        raise _DetectionFailed from exc
    grids = []
    for table in found:
        rows = [[(c.bbox.x1, c.bbox.y1, c.bbox.x2, c.bbox.y2) for c in row]
                for row in table.content.values()]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            grids.append(((table.bbox.x1, table.bbox.y1, table.bbox.x2, table.bbox.y2), rows))
    grids.sort(key=lambda g: -_area(g[0]))
    kept: list = []
    for box, rows in grids:
        if not any(_overlap(box, other) for other, _ in kept):
            kept.append((box, rows))
    return [rows for _, rows in sorted(kept, key=lambda g: g[0][1])]


def _in(box, word) -> bool:
    cx, cy = (word[0] + word[2]) / 2, (word[1] + word[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _cell_text(words, box) -> str:
    """The words whose centre lies in the cell, line by line (top to bottom), lines joined."""
    inside = [w for w in words if _in(box, w)]
    lines: dict[str, list] = {}
    for w in inside:
        lines.setdefault(w[4], []).append(w)
    ordered = sorted(lines.values(), key=lambda ws: min(w[1] for w in ws))
    return join_lines([" ".join(w[5] for w in ws) for ws in ordered])


def _cell_alone(region, box, x0: int, top: int) -> str:
    """A cell the table's OCR left empty, read on its own: Tesseract's page segmentation
    passes over a lone «1» or «№» in a narrow column."""
    crop = region.crop((box[0] - x0 + RULE, box[1] - top + RULE, box[2] - x0 - RULE, box[3] - top - RULE))
    if crop.width < 4 or crop.height < 4 or crop.getextrema()[0] > 128:
        return ""                                  # nothing dark in the cell: it is empty
    lines = [" ".join(t.split()) for t in ocr.ocr_block(crop) if t.strip()]
    return join_lines([t for t in lines if t not in _RULE_DEBRIS])


def read_table(image, grid, scale: float) -> PageTable:
    """The text of every cell, from one OCR of the table's region (a Tesseract run per cell
    took a minute on a 40-row table); a merged cell (one box in several positions) repeats
    its text. ``scale`` converts pixels to the points the rest of the PDF reader uses."""
    x0 = min(b[0] for row in grid for b in row)
    top = min(b[1] for row in grid for b in row)
    x1 = max(b[2] for row in grid for b in row)
    bottom = max(b[3] for row in grid for b in row)
    region = image.crop((x0, top, x1 + 1, bottom + 1))
    draw = ImageDraw.Draw(region)
    for box in {b for row in grid for b in row}:       # ruling lines read as «|», «ь», «1»
        draw.rectangle((box[0] - x0, box[1] - top, box[2] - x0, box[3] - top),
                       outline=255, width=RULE)
    words = [(w[0] + x0, w[1] + top, w[2] + x0, w[3] + top, w[4], w[5])
             for w in ocr.ocr_words(region) if w[5] not in _RULE_DEBRIS]
    texts: dict[tuple, str] = {}
    rows = []
    for row in grid:
        cells = []
        for box in row:
            if box not in texts:
                texts[box] = _cell_text(words, box) or _cell_alone(region, box, x0, top)
            cells.append(texts[box])
        if any(cells):
            rows.append(cells)
    return PageTable(top * scale, bottom * scale, rows)


def read_page(image, scale: float) -> tuple[list[StyledLine], list[PageTable]] | None:
    """(lines outside the tables, tables) of a scanned page image, or None when it has no
    bordered table (the caller then OCRs the whole page as before)."""
    grids = find_grids(image)
    if not grids:
        return None
    tables = [t for t in (read_table(image, g, scale) for g in grids) if t.rows]
    if not tables:
        return None
    masked = image.copy()
    for grid in grids:
        boxes = [b for row in grid for b in row]
        masked.paste(255, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                           max(b[2] for b in boxes) + 1, max(b[3] for b in boxes) + 1))
    edges = [0] + [round(y / scale) for t in tables for y in (t.top, t.bottom)] + [image.height]
    lines: list[StyledLine] = []
    for top, bottom in zip(edges, edges[1:]):      # beside a table too: its area is white
        if bottom - top < MIN_BAND:
            continue
        band = masked.crop((0, top, image.width, bottom))
        texts = [t for t in ocr.ocr_image(band) if t.strip()]
        lines += [StyledLine(t, y=top * scale + 0.001 * (k + 1)) for k, t in enumerate(texts)]
    return lines, tables
