"""A document's title and topic, only where the text shows them.

Title: the act's subject line ("Об утверждении ...") when the document is an act, else the
first paragraph that reads as a title; never a stamp or form line («Документ подписан ЭП
04.02.2021 12:21», «Утверждаю», «Согласовано», «Приложение № 1 к ...», registry codes),
never garbled text (most words must be Russian dictionary words). ALL-CAPS titles are
shown in sentence case, abbreviations kept.
Topic: a topic's words must be in the title, or frequent enough to be what the text is
about (not one mention in a list of laws).
"""
from __future__ import annotations

import re

from .morph import analyzer

MAX_TITLE = 160
_JUNK = re.compile(r"^\W*(?:документ\s+подписан|подписан[оа]?\s+(?:эп|электронн)|утверждаю|утвержден[аоы]?\b|"
                   r"согласовано|опубликовано|зарегистрирован|приложение|список\s+изменяющих|содержание|"
                   r"оглавление|проект\b|экземпляр|копия\b|сертификат|владелец|действителен|"
                   r"[РВ]\d{6,}|\W*$|"
                   r"(?:заместитель|директор|начальник|глава|руководитель|председатель|министр|губернатор|"
                   r"мэр|президент|разработчик|исполнитель|заказчик)\b(?!\s+(?:о|об)\s))", re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:О|Об|Обо)\s+\S", re.IGNORECASE)
# "... Приказ 31 декабря 2014 года № 380 Об утверждении правил ... Зарегистрирован ...": one run-on paragraph
_INLINE_SUBJECT = re.compile(r"(?:№|N)\s*[\w-]+\s+((?:О|Об|Обо)\s.{10,300}?)(?=\s+(?:Зарегистрирован|В соответствии|"
                             r"Руководствуясь|На основании|В целях)|\n|$)")
# Body text, not a title: starts in lowercase or with a body phrase.
_NOT_A_TITLE = re.compile(r"^(?:[а-яё]|В\s+соответствии|На\s+основании|Руководствуясь|Настоящ)", )
# A specification names itself in a line of its own, often quoted, under the organisation that
# wrote it and a report it is an appendix of: that line, not the organisation, is its title.
_SPEC_TITLE = re.compile(r"^[«\"]?((?:Частное\s+)?(?:Техническое\s+задание|Технические\s+требования)\s+(?:на|по|к)\s[^\n»\"]{10,})[»\"]?$")
_TOC_LINE = re.compile(r"\s\d{1,3}\s*$")
# Each topic is a pattern over lowercase text: phrases, so that "международного договора" in a
# law or "Межрегиональная общественная организация" in a name is no evidence.
TOPICS = {
    "международная деятельность": r"международн\w* (?:деятельност|сотрудничеств|связ|отношени)|побратим"
                                  r"|зарубежн\w* (?:партн|делегац)",
    "туризм": r"\bтуризм|\bтуристическ|\bтуристск",
    "информационная политика": r"информационн\w* политик|\bсми\b|пресс-релиз",
    "внешнеэкономическая деятельность": r"\bвнешнеэкономическ",
    "межрегиональное сотрудничество": r"дорожн\w* карт|межрегиональн\w* сотрудничеств",
}
TOPIC_MIN_COUNT = 3
TOPIC_CHARS_PER_MENTION = 3000      # at least one mention per this many characters of text


def _reads_as_russian(text: str) -> bool:
    words = re.findall(r"[А-Яа-яЁё]{3,}", text)
    if len(words) < 2:
        return False
    known = sum(analyzer().word_is_known(w.lower()) for w in words[:30])
    return known >= 0.75 * min(len(words), 30)


def _sentence_case(text: str) -> str:
    """"ОБ УТВЕРЖДЕНИИ СОСТАВА ФСТЭК" -> "Об утверждении состава ФСТЭК": known words lowered."""
    if not text.isupper():
        return text
    words = text.split(" ")
    out = [w if (len(w) <= 5 and not analyzer().word_is_known(w.lower().strip(".,;:«»\"()")) and i)
           else w.lower() for i, w in enumerate(words)]
    first = out[0]
    out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TITLE else text[:MAX_TITLE - 3].rsplit(" ", 1)[0] + "…"


def _paragraphs(text: str, limit: int = 25) -> list[str]:
    return [p.strip() for p in text[:6000].split("\n\n") if p.strip()][:limit]


def detect_title(text: str, fallback: str) -> str:
    paras = _paragraphs(text)
    for i, para in enumerate(paras[:15]):
        if _SUBJECT.match(para) and _reads_as_russian(para):
            block = [para]                              # an ALL-CAPS subject wrapped over lines
            for nxt in paras[i + 1:i + 6]:
                if not (block[-1].isupper() and nxt.isupper() and len(nxt) < 120):
                    break
                block.append(nxt)
            return _shorten(_sentence_case(" ".join(block)))
    for para in paras[:20]:                              # «Техническое задание на …» under its organisation
        kind = _SPEC_TITLE.match(para)
        if kind and _reads_as_russian(kind.group(1)):
            return _shorten(kind.group(1))
    inline = _INLINE_SUBJECT.search(paras[0]) if paras else None
    if inline and _reads_as_russian(inline.group(1)):
        return _shorten(_sentence_case(inline.group(1)))
    for i, para in enumerate(paras):
        lines = para.split("\n")
        if len(lines) > 1 and lines[0].isupper() and len(lines[0].split()) == 1:
            para = lines[1]                             # "ХАБАРОВСК" over "Международная деятельность ..."
        elif len(lines) > 1 and lines[0].isupper() and len(lines[0].split()) <= 4 \
                and not _JUNK.match(lines[0]) and _reads_as_russian(lines[0]):
            return _sentence_case(lines[0].strip())     # "ЦЕНОВОЙ АНАЛИЗ" over its first body line
        first_line = para.split("\n", 1)[0]
        if _JUNK.match(first_line) or _TOC_LINE.search(first_line) or _NOT_A_TITLE.match(first_line):
            continue
        nxt = paras[i + 1] if i + 1 < len(paras) else ""
        if para.isupper() and len(para.split()) == 2 and nxt[:1].islower() and _reads_as_russian(para + " " + nxt):
            return _shorten(_sentence_case(para) + " " + nxt)   # "ТЕХНИЧЕСКОЕ ЗАДАНИЕ" + "на оказание услуг ..."
        if para.isupper() and len(para.split()) == 2 and _reads_as_russian(para) and not nxt[:1].islower():
            heading = _sentence_case(para)              # "ЦЕНОВОЙ АНАЛИЗ" over a body paragraph
            if not _JUNK.match(heading):
                return heading
        if len(para.split()) >= 3 and _reads_as_russian(para):
            return _shorten(_sentence_case(para))
    return fallback


def detect_topic(text: str, title: str = "") -> str:
    low, title_low = text.lower(), title.lower()
    found = []
    for name, pattern in TOPICS.items():
        count = len(re.findall(pattern, low))
        in_title = bool(re.search(pattern, title_low))
        if in_title or (count >= TOPIC_MIN_COUNT and count * TOPIC_CHARS_PER_MENTION >= len(low)):
            found.append((not in_title, -count, name))
    return "; ".join(name for _, _, name in sorted(found)[:3])
