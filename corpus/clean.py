"""Undo PDF-extraction damage while remembering where every character came from.

Reports reach us as text pulled out of PDFs: lines hard-wrapped mid-sentence, words
hyphenated across lines, runs of spaces, blank-line runs where pages broke, tables as
tab-separated rows with stray HTML and Markdown. Generic cleaners either keep the damage
or lose the link to the original lines; citations need both, so this is written by hand:
each source line is scrubbed, then lines are joined into paragraphs by rules that look at
how the previous line ends and the next one starts, and each piece of output records the
source line it came from.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .document import SourceLine
from .signature import ends_signature

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BOLD_ROW = re.compile(r"^\s*(?:<b>|\*\*)(.+?)(?:</b>|\*\*)\s*$", re.S)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_SPACES = re.compile(r"[ \u00a0\u2007\u202f]+")
_LIST_MARKER = re.compile(r"^(?:[-–—•*·]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s)")
_SENTENCE_END = tuple(".!?;:»\")…")
_ABBREVIATION_END = re.compile(r"(?:\b(?:[гсдулпт]|гг|ул|им|пр|обл|руб|тыс|млн|млрд|т\.д|т\.п|ст|рис)|\b[А-ЯЁ])\.$")
# «Статья 1.3. Сфера действия», «Глава 2», «Раздел IV»: legal structure, a section each; so is
# «III. Цели обработки персональных данных, …» (an act's chapters by Roman numeral), however
# long: a chapter title of 16 words wrapped on two lines is still where a new section starts
_ARTICLE = re.compile(r"^(?:(?:Статья|Глава|Раздел|ГЛАВА|РАЗДЕЛ|СТАТЬЯ)\s+(?:\d+(?:\.\d+)*|[IVXLC]+)(?:\.\s|\.?$)"
                      r"|[IVXLC]{1,7}\.\s+[А-ЯЁ])")
_CHAPTER = re.compile(r"^[IVXLC]{1,7}\.\s")
_NOTE_MARK = re.compile(r"^(?:\d{1,3}|[*¹²³⁴⁵⁶⁷⁸⁹])\s*\)?\s*\S")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^(?:стр\.?|страница)\s*\d{1,3}$", re.I)


@dataclass
class CleanResult:
    text: str
    line_map: list[tuple[int, int]] = field(default_factory=list)   # (offset, source line)
    headings: list[tuple[int, str]] = field(default_factory=list)   # (offset, heading)


@dataclass
class _Line:
    number: int
    text: str
    raw_length: int
    is_table: bool = False
    is_heading: bool = False
    is_note: bool = False


def strip_markup(text: str) -> str:
    """Remove stray HTML tags, entities and Markdown emphasis; private-use bullets become •."""
    text = _TAG.sub(" ", text)
    text = html.unescape(text).replace("**", "").replace("__", "")
    return _PRIVATE_USE.sub("•", text)


SOFT_BREAK = "\u00ad-"     # marks a line that ended in a soft hyphen: always hyphenation
_SOFT_MINUS = re.compile(r"(?:(?<=\s)|^)\u00ad(?=\s?\d)")


def fix_hyphens(text: str) -> str:
    """PDF hyphen debris: U+FFFE (PDFium's line-end hyphen) becomes "-" for _join to judge; a
    soft hyphen before a number is a minus sign; one at the line end is hyphenation; any other
    soft hyphen is invisible and goes."""
    if "\ufffe" in text or "\x02" in text:
        text = text.replace("\ufffe", "-").replace("\x02", "-")
    if "\u00ad" in text:
        text = _SOFT_MINUS.sub("-", text)
        soft_end = bool(re.search(r"\u00ad\s*$", text))
        text = text.replace("\u00ad", "")
        if soft_end:
            text = text.rstrip() + SOFT_BREAK
    return text


_BROKEN_HYPHEN = re.compile(r"(?<!\w)([А-Яа-яЁё]{2,})- ([А-Яа-яЁё]{3,})")
_SUSPENDED = {"или", "либо", "и", "а", "ни"}


def _mend_hyphen(m: re.Match) -> str:
    """«информационно- телекоммуникационной», «Санкт- Петербург» inside a line: a line-end hyphen
    that a PDF-to-Word conversion kept with its space. «радио- и телевещание» (a suspended
    hyphen before a conjunction) is left as it is."""
    a, b = m.group(1), m.group(2)
    if b.lower() in _SUSPENDED:
        return m.group(0)
    sep = _join(a + "-", b)
    return a + b if sep == "\x00" else a + "-" + b


def _scrub(line: SourceLine) -> _Line | None:
    raw = fix_hyphens(line.text.replace("\f", " "))
    is_table = "\t" in raw.strip("\t ") or raw.count("\t") >= 2
    heading = _BOLD_ROW.match(raw.strip("\t ")) or _MD_HEADING.match(raw)
    if is_table:
        cells = [_SPACES.sub(" ", strip_markup(c)).strip() for c in raw.split("\t")]
        text = " | ".join(c for c in cells if c)
    else:
        md = _MD_HEADING.match(raw)
        text = _SPACES.sub(" ", strip_markup(md.group(1) if md else raw)).strip()
    text = text.strip()
    if "- " in text:
        text = _BROKEN_HYPHEN.sub(_mend_hyphen, text)
    if not text or _PAGE_NUMBER.match(text):
        return None
    heading = not is_table and (heading or (_ARTICLE.match(text) and (
        len(text) <= 200 or (_CHAPTER.match(text) and len(text) <= 320 and not text.endswith((".", ";", ":"))))))
    return _Line(line.number, text, len(raw.strip()), is_table, bool(heading), line.kind == "footnote")


@lru_cache(maxsize=50000)
def _is_word(fragment: str) -> bool:
    from .morph import is_known_word
    return is_known_word(fragment)


_URLISH = re.compile(r"(?:https?://|www\.|[/@])\S*-$")


def _join(prev: str, nxt: str) -> str:
    """The separator between a paragraph so far and its next line: '', ' ', or drop-hyphen."""
    if prev.endswith("-") and nxt[:1].isalnum():
        if prev.endswith(SOFT_BREAK):
            return "\x00"
        left = re.search(r"(\w+)-$", prev)
        right = re.match(r"\w+", nxt)
        if not left or not right:
            return " "                 # "бюджет -" + "это": a dash ending the line stays a dash
        if _URLISH.search(prev) or not nxt[:1].isalpha():
            return ""                  # "…/adm-" + "portal", "COVID-" + "19": keep the hyphen
        a, b = left.group(1), right.group(0)
        if b[:1].isupper():
            return ""                  # "Санкт-" + "Петербург": a capital never continues a word
        # "подраз-" + "деления" is one word broken at the line end: drop the hyphen.
        # "социально-" + "экономического", "по-" + "прежнему": a real hyphen, keep it.
        if _is_word(a + b) and not _is_word(a):
            return "\x00"
        if _is_word(a) or _is_word(b):
            return ""
        return "\x00"
    if nxt[:1] in ",.;:)" and prev[-1:].isalnum():
        return ""
    return " "


def _broken_word(prev: str, nxt: str) -> bool:
    """«Ненефтегазов» / «ые доходы»: a narrow cell broke a word without a hyphen."""
    left, right = re.search(r"([а-яёА-ЯЁ]+)$", prev), re.match(r"[а-яё]+", nxt)
    if not left or not right:
        return False
    a, b = left.group(1), right.group(0)
    return not _is_word(b) and _is_word(a + b)


def join_lines(lines: list[str]) -> str:
    """Lines of one block (a table cell) joined as running text, hyphenation undone."""
    return _BROKEN_HYPHEN.sub(_mend_hyphen, _join_block(lines))


def _join_block(lines: list[str]) -> str:
    out = ""
    for line in (fix_hyphens(t) for t in lines if t):
        sep = _join(out, line) if out else ""
        if sep == " " and _broken_word(out, line):
            sep = ""
        if sep == "\x00":
            out = out[:-len(SOFT_BREAK)] if out.endswith(SOFT_BREAK) else out[:-1]
        out += (sep if sep != "\x00" else "") + line
    return out.replace(SOFT_BREAK, "-")


def _ends_sentence(text: str) -> bool:
    return text.endswith(_SENTENCE_END) and not _ABBREVIATION_END.search(text)


def _starts_paragraph(prev: _Line, line: _Line, wrap_width: int) -> bool:
    if (prev.is_heading and line.text[:1].islower() and not line.is_table and not line.is_heading
            and _ARTICLE.match(prev.text) and not prev.text.endswith(".")):
        return False                   # «Статья 12. Порядок ведения реестра» / «муниципальных услуг»
    if line.is_table or prev.is_table or line.is_heading or prev.is_heading:
        return True
    if ends_signature(prev.text, line.text):
        return True                    # «Министр В.Л.Мутко» / «Приложение N 1»: never one paragraph
    if line.is_note != prev.is_note or (line.is_note and _NOTE_MARK.match(line.text)):
        return True
    if line.text[:1] in ",.;:)»":
        return False
    if re.search(r"(?:^|\s)\d{1,3}(?: \d{3})*$", prev.text) and re.match(r"\d{3}(?:[,.]\d+)?(?:\s|$)", line.text):
        return False                   # «10 820» / «639,09»: one number wrapped at the line end                   # PDFium breaks a line before a comma after a link
    if line.text[:1].islower() or re.search(r"\w-$", prev.text):
        return False
    if _LIST_MARKER.match(line.text) or _ends_sentence(prev.text):
        return True
    # A line that stops well short of the wrap width was not wrapped: it ended a
    # paragraph (a heading, a title) even without final punctuation.
    return prev.raw_length < 0.6 * wrap_width


def _wrap_width(lines: list[_Line]) -> int:
    """The width the text was hard-wrapped at: most lines of running text come close to it."""
    lengths = sorted(line.raw_length for line in lines if not line.is_table)
    return max(60, lengths[math.ceil(0.95 * (len(lengths) - 1))]) if lengths else 60


def _looks_like_heading(text: str, single_line: bool) -> bool:
    words = text.split()
    if not single_line or not 2 <= len(words) <= 12 or len(text) > 110:
        return False
    if text.endswith((",", ";", ":", "-")) or _LIST_MARKER.match(text):
        return False
    return text[:1].isupper() and text.count(".") <= 1


def clean_lines(lines: list[SourceLine]) -> CleanResult:
    """Join scrubbed lines into paragraphs separated by blank lines; track lines and headings."""
    scrubbed = [s for s in (_scrub(line) for line in lines) if s]
    width = _wrap_width(scrubbed)
    paragraphs: list[list[tuple[str, _Line]]] = []   # pieces: (separator before, line)
    for line in scrubbed:
        if paragraphs:
            prev = paragraphs[-1][-1][1]
            if not _starts_paragraph(prev, line, width):
                paragraphs[-1].append((_join(prev.text, line.text), line))
                continue
        paragraphs.append([("", line)])

    out = CleanResult("")
    parts: list[str] = []
    offset = 0
    for number, pieces in enumerate(paragraphs):
        if parts:
            parts.append("\n\n")
            offset += 2
        start = offset
        first_part = len(parts)
        for i, (sep, line) in enumerate(pieces):
            text = line.text
            if i + 1 < len(pieces) and pieces[i + 1][0] == "\x00":
                text = text[:-len(SOFT_BREAK)] if text.endswith(SOFT_BREAK) else text[:-1]   # hyphenation
            elif text.endswith(SOFT_BREAK):
                text = text[:-len(SOFT_BREAK)] + "-"
            if sep and sep != "\x00":
                parts.append(sep)
                offset += len(sep)
            out.line_map.append((offset, line.number))
            parts.append(text)
            offset += len(text)
        first = pieces[0][1]
        last = number == len(paragraphs) - 1
        if first.is_heading or (not first.is_table and not last and _looks_like_heading(first.text, len(pieces) == 1)):
            title = "".join(parts[first_part:]) if first.is_heading and len(pieces) > 1 else first.text
            out.headings.append((start, title.rstrip(".").strip(" |")))
    out.text = "".join(parts)
    return out
