"""Word's automatic numbering, rendered as the reader sees it: «1.», «2.3.», «а)», «•».

In a DOCX the numbers of items and headings are not in the text: each paragraph names a list
(``numId``) and a level (``ilvl``), directly or through its style, and numbering.xml says how
each level is counted and written ("%1.%2." in decimal, Russian letters, Roman numerals...).
python-docx does not render them, and a requirements document without its «4.2.1.» loses
the references people use, so the counters are kept here, in document order.
"""
from __future__ import annotations

from docx.oxml.ns import qn

_RU_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int, alphabet: str) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)."""
    k = len(alphabet)
    return alphabet[(n - 1) % k] * ((n - 1) // k + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz").upper()
    if fmt in ("russianLower",):
        return _letters(n, _RU_LETTERS)
    if fmt == "russianUpper":
        return _letters(n, _RU_LETTERS).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


def _val(el, tag: str, default: str = "") -> str:
    child = el.find(qn(tag)) if el is not None else None
    value = child.get(qn("w:val")) if child is not None else None
    return default if value is None else value


class Numbering:
    """Counts list items as Word does and returns each numbered paragraph's label."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}   # abstract -> lvl -> fmt, text, start
        self.num_abstract: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int | None]] = {}
        self.style_level: dict[tuple[str, str], int] = {}                # (abstract, style) -> lvl
        self.counters: dict[str, list[int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is not None:
            self._load(root)
        self._load_styles(document)

    def _load(self, root) -> None:
        for abstract in root.iterchildren(qn("w:abstractNum")):
            aid = abstract.get(qn("w:abstractNumId"))
            levels = {}
            for lvl in abstract.iterchildren(qn("w:lvl")):
                start = _val(lvl, "w:start", "1")
                if _val(lvl, "w:pStyle"):
                    self.style_level[(aid, _val(lvl, "w:pStyle"))] = int(lvl.get(qn("w:ilvl"), "0"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    _val(lvl, "w:numFmt", "decimal"), _val(lvl, "w:lvlText", ""),
                    int(start) if start.lstrip("-").isdigit() else 1)
            self.levels[aid] = levels
        for num in root.iterchildren(qn("w:num")):
            nid = num.get(qn("w:numId"))
            self.num_abstract[nid] = _val(num, "w:abstractNumId")
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = _val(override, "w:startOverride")
                if start.isdigit():
                    self.overrides.setdefault(nid, {})[int(override.get(qn("w:ilvl"), "0"))] = int(start)

    def _load_styles(self, document) -> None:
        """Style id -> (numId, ilvl) for styles that carry numbering (Heading 1 = «1.»)."""
        own, based = {}, {}
        for style in document.styles.element.iterchildren(qn("w:style")):
            sid = style.get(qn("w:styleId")) or ""
            ppr = style.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None:
                ilvl = _val(numpr, "w:ilvl")
                own[sid] = (_val(numpr, "w:numId"), int(ilvl) if ilvl.isdigit() else None)
            base = style.find(qn("w:basedOn"))
            if base is not None:
                based[sid] = base.get(qn("w:val"))
        for sid in set(own) | set(based):
            chain, hops = sid, 0
            while chain and chain not in own and hops < 10:
                chain, hops = based.get(chain), hops + 1
            if chain in own:
                self.style_num[sid] = own[chain]

    def label(self, p) -> str:
        """The number or bullet Word shows before paragraph ``p`` (a w:p), '' if none."""
        ppr = p.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = _val(ppr, "w:pStyle")
        num_id, ilvl = None, None
        if numpr is not None:
            num_id = _val(numpr, "w:numId") or None
            ilvl_s = _val(numpr, "w:ilvl")
            ilvl = int(ilvl_s) if ilvl_s.isdigit() else None
        if style in self.style_num:
            s_num, s_lvl = self.style_num[style]
            num_id = num_id or s_num
            ilvl = s_lvl if ilvl is None else ilvl
        if not num_id or num_id == "0" or num_id not in self.num_abstract:
            return ""
        abstract = self.num_abstract[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl is None:
            ilvl = self.style_level.get((abstract, style), 0)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, [0] * 10)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in self.overrides.get(num_id, {}).items():
                counters[lvl] = start - 1
        fmt, text, start = levels[ilvl]
        counters[ilvl] = max(counters[ilvl] + 1, start) if counters[ilvl] else start
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0
        if fmt == "bullet":
            return "•"
        out = text
        for lvl in range(9):
            if f"%{lvl + 1}" in out:
                lfmt, _, lstart = levels.get(lvl, ("decimal", "", 1))
                out = out.replace(f"%{lvl + 1}", format_number(counters[lvl] or lstart, lfmt))
        return out.strip()
