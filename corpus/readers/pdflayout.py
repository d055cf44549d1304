"""The look of each PDF line (font size, bold, height on the page) from PDFium's characters.

Plain text loses what tells a heading from a sentence and a footnote from the running text:
a heading is set larger or bold, a footnote smaller at the foot of the page. PDFium knows each
character's font; asking for every character costs ctypes calls, so a few characters per line
are sampled, which is enough because a line is set in one style.
"""
from __future__ import annotations

import ctypes
import re
import statistics
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

SAMPLES = 5
_BOLD_NAME = re.compile(rb"bold|black|heavy|semibold|demi", re.I)
_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\uffff]")


@dataclass
class StyledLine:
    text: str
    size: float = 0.0            # font size in points (0 when unknown)
    bold: bool = False
    y: float = 0.0               # baseline height from the page top, in points


def _style(textpage, first: int, last: int, height: float) -> tuple[float, bool, float]:
    raw = textpage.raw
    step = max(1, (last - first) // SAMPLES)
    sizes, bolds, y = [], [], None
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    for i in range(first, last, step):
        if pdfium_c.FPDFText_GetUnicode(raw, i) in (32, 160, 13, 10):
            continue
        sizes.append(pdfium_c.FPDFText_GetFontSize(raw, i))
        pdfium_c.FPDFText_GetFontInfo(raw, i, name, 128, flags)
        bolds.append(bool(_BOLD_NAME.search(name.value)) or pdfium_c.FPDFText_GetFontWeight(raw, i) >= 600)
        if y is None and pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy):
            y = height - oy.value
    if not sizes:
        return 0.0, False, y or 0.0
    return statistics.median(sizes), all(bolds), y or 0.0


def styled_lines(textpage, height: float) -> list[StyledLine]:
    """The page's text lines with their style. PDFium joins a line that ends in a hyphen to the
    next and leaves U+FFFE (or \\x02) where the hyphen was; the hyphen and the break are put back
    here so clean.py can tell hyphenation («подраз-деления») from a real hyphen."""
    text = textpage.get_text_range()
    out: list[StyledLine] = []
    pos = 0
    for match in list(_BREAK.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        segment = text[pos:end]
        pieces = re.split(r"(?<=[\ufffe\x02])", segment)
        at = pos
        for piece in pieces:
            if piece:
                size, bold, y = _style(textpage, at, at + len(piece), height)
                clean = _CONTROL.sub("", piece.replace("\ufffe", "-").replace("\x02", "-"))
                out.append(StyledLine(clean, size, bold, y))
            at += len(piece)
        if match is None:
            break
        pos = match.end()
    return out


def body_size(pages: list[list[StyledLine]]) -> float:
    """The size most of the text is set in (weighted by characters)."""
    weight: dict[float, int] = {}
    for lines in pages:
        for line in lines:
            if line.size:
                key = round(line.size * 2) / 2
                weight[key] = weight.get(key, 0) + len(line.text)
    return max(weight, key=weight.get) if weight else 0.0
