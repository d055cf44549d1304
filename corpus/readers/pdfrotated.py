"""Table cells whose text runs up or down the page (rotated column headers).

PDFium breaks lines only for horizontal text: a rotated header read inside its cell's box
comes out with every line glued to the next («эксплуатациякаждой»). Here the characters of
the box are taken one by one with their angle and position; where they run vertically, a
new line starts where the text column jumps sideways, and the lines are joined the usual
way (spaces, line-end hyphens). Horizontal cells are left to PDFium's own reading.
"""
from __future__ import annotations

import ctypes
import math

import pypdfium2.raw as pdfium_c

from ..clean import join_lines


class PageChars:
    """Every character of a page with its box and angle, read once per page (lazily)."""

    def __init__(self, textpage):
        self.textpage = textpage
        self._chars: list[tuple[str, float, float, float, bool]] | None = None
        self._any_vertical = False

    def chars(self) -> list[tuple[str, float, float, float, bool]]:
        """(char, origin x, origin y, size across the line, vertical) in PDF coordinates, in
        reading order. The origin (on the baseline) places a glyph better than its box: «й»'s
        breve widens its box into the next cell."""
        if self._chars is None:
            tp, out = self.textpage, []
            x, y = ctypes.c_double(), ctypes.c_double()
            for i in range(tp.count_chars()):
                angle = pdfium_c.FPDFText_GetCharAngle(tp.raw, i) % math.pi
                vertical = math.pi / 4 < angle < 3 * math.pi / 4
                left, bottom, right, top = tp.get_charbox(i)
                pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, x, y)
                out.append((tp.get_text_range(i, 1), x.value, y.value,
                            (right - left) if vertical else (top - bottom), vertical))
            self._chars = out
            self._any_vertical = any(c[4] for c in out)
        return self._chars

    def vertical_text(self, left: float, bottom: float, right: float, top: float) -> str | None:
        """The text of the box read as rotated lines; None when most of it is horizontal."""
        chars = self.chars()
        if not self._any_vertical:
            return None                      # the usual page: nothing runs vertically
        inside = [i for i, c in enumerate(chars) if c[0].strip() and left <= c[1] <= right and bottom <= c[2] <= top]
        if not inside or sum(chars[i][4] for i in inside) * 2 <= len(inside):
            return None
        lines: list[str] = []
        current: list[str] = []
        previous = None
        for i in inside:
            char, x, _, size, _ = chars[i]
            if previous is not None:
                if abs(x - chars[previous][1]) > max(size, 1.0) * 0.6:
                    lines.append("".join(current))
                    current = []
                elif any(not c[0].strip() for c in chars[previous + 1:i]):
                    current.append(" ")      # PDFium's space between words has no place of its own
            current.append(char)
            previous = i
        lines.append("".join(current))
        return join_lines([" ".join(line.split()) for line in lines if line.strip()])
