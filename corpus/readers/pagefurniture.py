"""Running headers and footers: lines that repeat at the top or bottom of most pages.

A report's title, "Страница 3 из 40" or an organisation name printed on every page would
otherwise be glued into the middle of sentences that cross a page break and would make every
passage look alike. Only paged formats (PDF) have them, so this runs on pages, not on text.
Lines are compared after replacing digits, so "- 3 -" and "- 4 -" count as the same line.
The first occurrence of a repeated line without digits (the report's title or city, printed
as a running header) is kept: it is often the only place the title appears.
"""
from __future__ import annotations

import re
from collections import Counter

EDGE = 2               # how many lines at the top and at the bottom of a page can be furniture
MIN_PAGES = 3          # fewer pages cannot show a pattern
MIN_SHARE = 0.4        # share of pages a line must repeat on (0.4 catches odd/even page headers)

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def _key(line: str) -> str:
    return _SPACE.sub(" ", _DIGITS.sub("#", line)).strip().lower()


def _edges(lines: list[str]) -> list[int]:
    """Indexes of the first and last ``EDGE`` non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE] + filled[-EDGE:]))


def furniture(pages: list[list[str]]) -> list[set[int]]:
    """For each page, the indexes of its lines that are running headers or footers."""
    if len(pages) < MIN_PAGES:
        return [set() for _ in pages]
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in _edges(lines)})
    needed = max(MIN_PAGES, MIN_SHARE * len(pages))
    repeated = {k for k, n in counts.items() if n >= needed and k}
    kept: set[str] = set()
    out = []
    for lines in pages:
        drop = set()
        for i in _edges(lines):
            key = _key(lines[i])
            if key in repeated:
                if "#" not in key and key not in kept:
                    kept.add(key)
                else:
                    drop.add(i)
        out.append(drop)
    return out
