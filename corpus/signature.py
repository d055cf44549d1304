"""The signature block of an act: «Министр Е.Н.Зиничев», «Председатель / Х.М. Махмудов»,
«Президент Российской Федерации Б. Ельцин».

Why by hand: it is a fixed form of Russian official documents (a position, the body it heads,
initials and surname) that no sentence splitter or layout reader knows; found, it ends a
paragraph in the cleaner (the reader of a text file glued «Министр В.Л.Мутко Приложение N 1»)
and becomes a passage of its own in the chunker, so «Кто подписал приказ …?» can find it
instead of it being the last line of a long passage about something else.
"""
from __future__ import annotations

import re

_POSITION = (r"(?:(?:Временно\s+)?(?:исполняющ\w+\s+обязанности|И\.\s?о\.|Врио|ВРИО)\s+)?"
             r"(?:(?:Первый|первый)\s+)?(?:(?:Заместитель|заместитель|Статс-секретарь\s*-\s*заместитель)\s+)?"
             r"(?:Министр|министр|Министра|министра|Председатель|председатель|Председателя|председателя|"
             r"Президент|Вице-президент|Губернатор|Глава|главы|Главы|Руководитель|руководителя|Руководителя|"
             r"Директор|директора|Директора|Генеральный\s+директор|Мэр|Начальник|начальника|Начальника|"
             r"Заместитель|Ректор|Префект|Сити-менеджер|Управляющий|Судья(?:-секретарь)?)")
_POSITION_START = re.compile(rf"^(?:{_POSITION})\b")
# «Е.Н.Зиничев», «Х.М. Махмудов», «Б. Ельцин», «Махмудов Х.М.»; a leading «_» or «___» is the line to sign on
_INITIALS = r"[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?"
_SURNAME = r"[А-ЯЁ](?:[а-яё]+|[А-ЯЁ]+)(?:-[А-ЯЁ][а-яё]+)?"      # «Зиничев», «СЕЛИН»
_NAME = rf"(?:{_INITIALS}{_SURNAME}|{_SURNAME}\s{_INITIALS})"
# the name ends the paragraph, or the reader glued the next block to it: an appendix, another signature
_NAME_AT_END = re.compile(rf"(?:^|[\s_]){_NAME}(?=\s*$|\s+(?:Приложение|ПРИЛОЖЕНИЕ|УТВЕРЖДЕН|Утвержден|{_POSITION}))")
_MAX_WORDS = 16            # a position with the body it heads; a longer paragraph is prose
_BLOCK_PARAGRAPHS = 3      # «Председатель» / «Госкомитета …» / «Х.М. Махмудов»
_APPENDIX = re.compile(r"^(?:Приложение|ПРИЛОЖЕНИЕ|УТВЕРЖДЕН[АОЫ]?|Утвержден[аоы]?)(?:\s+(?:N|№)\s*\d+[а-я]?)?\b")


def _short(text: str) -> bool:
    return len(text.split()) <= _MAX_WORDS and not re.search(r"[.;:!?]\s+[а-яё]", text)


def signature_end(paragraph: str) -> int | None:
    """Where the signature in ``paragraph`` ends (after the surname), when the paragraph is a
    position followed by a name, possibly with an appendix mark glued after it; else None."""
    head = paragraph.strip()
    if not _POSITION_START.match(head):
        return None
    m = _NAME_AT_END.search(head)
    if m is None or not _short(head[:m.end()]):
        return None
    return paragraph.find(head) + m.end()


def is_signature_line(text: str) -> bool:
    """A whole line that is a signature (position … name), so the next line starts anew."""
    return signature_end(text) is not None


def starts_appendix(text: str) -> bool:
    """«Приложение N 1», «УТВЕРЖДЕН…»: the start of what follows an act's signature."""
    return bool(_APPENDIX.match(text.strip())) and len(text.split()) <= 12


def _in_table(text: str, paras: list[tuple[int, int]], i: int) -> bool:
    """A row of a table of several rows (a list of approvers): the table is chunked whole. A
    lone row is a signature laid out in a table («Глава администрации города Тулы | Д.В. Миляев»)."""
    def row(j: int) -> bool:
        return 0 <= j < len(paras) and " | " in text[paras[j][0]:paras[j][1]]
    return row(i) and (row(i - 1) or row(i + 1))


def ends_signature(line: str, next_line: str) -> bool:
    """A signature line ends its paragraph when an appendix mark or another signature follows
    (the cleaner would join them: the signature line is padded to the wrap width)."""
    return is_signature_line(line) and (starts_appendix(next_line) or bool(_POSITION_START.match(next_line)))


def signature_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every signature block of a cleaned text (paragraphs apart by a
    blank line): one paragraph «Министр Е.Н.Зиничев», or up to three short ones from a position
    to a name alone («Председатель» / «Х.М. Махмудов»)."""
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text)]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(paras):
        s, e = paras[i]
        if _in_table(text, paras, i):
            i += 1
            continue
        end = signature_end(text[s:e])
        if end is not None:
            spans.append((s, s + end))
            i += 1
            continue
        if _POSITION_START.match(text[s:e]) and _short(text[s:e]) and not text[s:e].rstrip().endswith("."):
            for j in range(i + 1, min(i + _BLOCK_PARAGRAPHS, len(paras))):
                js, je = paras[j]
                tail = _NAME_AT_END.search(text[js:je])
                if tail is not None and _short(text[js:js + tail.end()]):
                    spans.append((s, js + tail.end()))
                    i = j
                    break
                if not _short(text[js:je]):
                    break
        i += 1
    return spans
