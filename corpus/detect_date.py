"""The document's own year (or span), or nothing.

Legal texts cite older acts in their first lines ("в соответствии с Федеральным законом от
27 июля 2006 г."), so the first or most frequent year is often wrong. A document states its
own date in fixed places, tried in this order:
1. its act line: a date followed by its number ("18 февраля 2013 г. № 21", "от 08.12.2020
   № 270") or after the act's name or version ("УКАЗ от 27 декабря 1991 года", "Версия 3 от
   01.12.2021", "город Москва 20 февраля 2002 года"), never after a citing word (законом,
   постановления, в редакции ...);
2. its title page: an approval line («__» ______ 2019 г.) or a place with a year ("Москва, 2020");
3. its title: "в 2024 году", "на 2020–2022 годы", "за 2018 г.", a year ending the title;
4. an annual report's first pages: "в 2024 году" repeated more than any other year.
Nothing found means no year: absent beats wrong.
"""
from __future__ import annotations

import re
from collections import Counter

ACT_CHARS = 1500        # act lines and title pages sit at the top
TITLE_CHARS = 1000
REPORT_CHARS = 4000     # an annual report says "в 2024 году" on its first pages
_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_YEAR = r"((?:19|20)\d\d)"
_DATE = re.compile(rf"(?:«?\s*\d{{1,2}}\s*»?\s+(?:{_MONTHS})\s+{_YEAR}|\b\d{{1,2}}\.\d{{1,2}}\.{_YEAR})"
                   r"(?:\s*(?:г\.|года?))?", re.IGNORECASE)
_NUMBER_AFTER = re.compile(r"^[\s,|]*(?:№|N\b)\s*\S", re.IGNORECASE)
_OWN_BEFORE = re.compile(r"(?:\b(?:приказ|указ|постановление|распоряжение|решение|определение|протокол|"
                         r"заявке)\s+от|\bверсия(?:\s+\d+)?(?:\s+от)?|^\s*от|\bМосква[, ]*|"
                         r"\bгород\s+\S+|\bг\.\s*\S+)\s*$", re.IGNORECASE)
_CITING = re.compile(r"(?:\bзакон|кодекс|постановлени(?:ем|я|й)|приказ(?:ом|а|ов)|указ(?:ом|а)|"
                     r"распоряжени(?:ем|я)|решени(?:ем|я)|редакци|ред\.|изменени|утвержденн|"
                     r"утвержден[аоы]?|зарегистрирован|регистрац|опубликован|подписан)", re.IGNORECASE)
_LIST_ITEM = re.compile(r"(?:^|\n)\s*(?:[•\-–—*]|\d+[.)])\s[^\n]*$")
_APPROVAL = re.compile(rf"(?:»|_{{2,}}>?|[—–-]{{2,}}>?)[\s_]*(?:[а-я]+\s+|\d\d\s+)?{_YEAR}\s*(?:г\.?|года)", re.IGNORECASE)
_PLACE_YEAR = re.compile(rf"^[ \t]*[А-ЯЁ][А-ЯЁа-яё-]+,?[ \t]+{_YEAR}[ \t]*(?:г\.?|года)?[ \t]*$", re.MULTILINE)
_SPAN = re.compile(rf"\b{_YEAR}\s*[–—-]\s*{_YEAR}\s*(?:годы|гг\.?|года)")
_TITLE_YEAR = re.compile(rf"(?:\b(?:в|за|на)\s+{_YEAR}\s*(?:год[ауые]?|г\.)|\({_YEAR}\))", re.IGNORECASE)
_IN_YEAR = re.compile(rf"\b[вВ]\s+{_YEAR}\s*(?:году|г\.)")
_TRAILING_YEAR = re.compile(rf"\s{_YEAR}\s*(?:г\.?|года?)?\s*$")


def _act_year(head: str) -> int | None:
    for m in _DATE.finditer(head):
        year = int(next(g for g in m.groups() if g))
        before = head[max(0, m.start() - 60):m.start()]
        clause = re.split(r"[.;\n]\s", before)[-1]       # the words leading to the date
        if _CITING.search(clause) and not re.search(r"версия|заявке", clause, re.IGNORECASE):
            continue
        if _LIST_ITEM.search(before):
            continue                                   # a bullet in a list of cited acts
        if _NUMBER_AFTER.match(head[m.end():m.end() + 25]) or _OWN_BEFORE.search(before):
            return year
    return None


def _title_page_year(head: str) -> int | None:
    found = [(m.start(), int(m.group(1))) for m in _APPROVAL.finditer(head)]
    found += [(m.start(), int(m.group(1))) for m in _PLACE_YEAR.finditer(head)]
    return min(found)[1] if found else None


def _title_years(title_block: str) -> tuple[int | None, int | None]:
    span = _SPAN.search(title_block)
    if span:
        return int(span.group(1)), int(span.group(2))
    m = _TITLE_YEAR.search(title_block)
    if m:
        return int(m.group(1) or m.group(2)), None
    first = title_block.strip().split("\n\n", 1)[0]
    trailing = _TRAILING_YEAR.search(first)
    return (int(trailing.group(1)), None) if trailing else (None, None)


def detect_years(text: str) -> tuple[int | None, int | None]:
    """(year, year_end) of the document itself; (None, None) when it does not say."""
    span = _SPAN.search(text[:TITLE_CHARS])          # a roadmap "на 2020–2022 годы" covers a period
    if span:
        return int(span.group(1)), int(span.group(2))
    first = text.strip().split("\n\n", 1)[0][:400]
    title = _TITLE_YEAR.search(first) or _TRAILING_YEAR.search(first)   # "... в 2024 году", "... тайну 2020"
    if title and not _DATE.search(first[max(0, title.start() - 20):title.end()]):
        return int(next(g for g in title.groups() if g)), None
    head = text[:ACT_CHARS]
    year = _act_year(head) or _title_page_year(head)
    if year:
        return year, None
    titled = _title_years(text[:TITLE_CHARS])
    return titled if titled[0] else (_reported_year(text[:REPORT_CHARS]), None)


def _reported_year(head: str) -> int | None:
    """An annual report's year: "в 2024 году" repeated in its first pages more than any other
    year so (one mention, or a tie, is not enough)."""
    counts = Counter(int(y) for y in _IN_YEAR.findall(head))
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        return ranked[0][0]
    return None
