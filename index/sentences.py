"""Sentence boundaries for Russian text, never crossing a paragraph break.

razdel knows Russian abbreviations ("г.", "т.д.", initials) but joins a heading or a list
item without final punctuation to the next paragraph; splitting at blank lines first fixes
that.
"""
from __future__ import annotations

import re

from razdel import sentenize

_PARAGRAPH = re.compile(r"\n\s*\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, in order, white space excluded."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for brk in _PARAGRAPH.finditer(text + "\n\n"):
        end = min(brk.start(), len(text))
        spans += [(pos + s.start, pos + s.stop) for s in sentenize(text[pos:end])]
        pos = brk.end()
    return spans
