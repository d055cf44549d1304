"""The document's own city (or federal subject), or nothing.

A document names its place where it names itself: a title line ("ТОМСК", "Москва, Кремль",
"Москва, 2020"), a dateline ("г. Краснодар", "город Москва"), its author ("Администрация
города Тулы", "Администрации Пировского района Красноярского края"). Only words the
gazetteer (``places``) knows as a Russian settlement or region count, so «Утверждаю» or
«Федеральная Служба» can never be a city. Regions count only when no settlement is named
that way, and a mention must be repeated or stand in a dateline: absent beats wrong.

Measured against natasha's NER (``scripts/bench_metadata.py``, 26 readable realdocs-dev
files): these rules 11/11 right, 11 of 11 labelled cities, 4 ms/doc; natasha LOC spans
checked by the gazetteer 10/10 right but 9 of 11 found, ~230 ms/doc plus 3.5 s to load
its models; natasha alone names "Российской Федерации" or "Франция" (0/19). So no NER.
"""
from __future__ import annotations

import re
from collections import Counter

from . import places
from .morph import analyzer

HEAD_CHARS = 4000
HEADER_CHARS = 400      # where a document names its author and title
_WORD = r"[А-ЯЁ][А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*"
# "г. Краснодар", "город Москва", "города Тулы"; in "2014 г. Регистрационный" (г. = года) the
# gazetteer refuses the word.
_DATELINE = re.compile(r"(?i:\b(?:администраци|мэри)[яиею]\s+город\w*(?:\s+округ\w*)?|\bгородско\w+\s+округ\w*|"
                       r"\bмуниципальн\w+\s+образовани\w+(?:\s+город\w*)?|\bг\.\s?о\.|\bг\.|\bгор\.|\bгород\w*|"
                       r"\b(?:администраци|мэри)[яиею]|\bпос\.|\bпос[её]л(?:ок|ка|ке)\b|\bсел[оа]\b)"
                       rf"[ \t«\"]*({_WORD}(?:[ \t]+{_WORD})?)")
# A short line that is only a place, maybe with a year or "Кремль": "МОСКВА", "Москва, 2020".
_PLACE_LINE = re.compile(rf"^[ \t]*({_WORD}(?:[ \t]+{_WORD})?)[ \t]*(?:,[ \t]*Кремль|,?[ \t]*(?:19|20)\d\d[ \t]*(?:г\.?|года)?)?[ \t]*$",
                         re.MULTILINE)
# "Томской области", "Красноярского края", "Республики Башкортостан", "Ханты-Мансийского автономного округа"
_REGION = re.compile(rf"({_WORD})\s+(област[ьиею]|кра[йяюе]|автономн[а-я]+\s+округ[а-я]*)"
                     rf"|(Республик[аиуе])\s+({_WORD})", re.IGNORECASE)


def _nominative(phrase: str) -> list[str]:
    """Candidate nominative names of a (one- or two-word) inflected phrase: "Тулы" -> "тула"."""
    words = phrase.split()
    forms: list[list[str]] = []
    for word in words:
        low = word.lower()
        lemmas = [p.normal_form for p in analyzer().parse(low) if p.tag.POS in ("NOUN", "ADJF", None)]
        forms.append(list(dict.fromkeys([low] + lemmas))[:3])
    out = []
    if len(words) == 2:
        out += [f"{a} {b}" for a in forms[0] for b in forms[1]]
    out += forms[0]
    return out


def _russian_places(phrase: str) -> list[places.Place]:
    """Russian settlements or regions the capitalised ``phrase`` names, first reading first."""
    for candidate in _nominative(phrase):
        found = [p for p in places.lookup(candidate, capitalised=True, adjectives=False)
                 if p.country_code == "RU" and p.kind in ("city", "region")]
        if found:
            return found
    return []


def _region_name(match: re.Match) -> str | None:
    if match.group(3):                              # Республика X
        found = _russian_places(match.group(4))
    else:
        adj = analyzer().parse(match.group(1).lower())[0].normal_form
        kind = match.group(2).lower()
        noun = "область" if kind.startswith("област") else "край" if kind.startswith("кра") else "автономный округ"
        found = [p for p in places.lookup(f"{adj} {noun}") if p.kind == "region"]
    return found[0].name if found and found[0].kind == "region" else None


def detect_city(text: str) -> list[str]:
    """The document's settlement, else its region, as a one-item list; [] when not evident."""
    head = text[:HEAD_CHARS]
    settlements: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for m in _PLACE_LINE.finditer(head[:1500]):
        for p in _russian_places(m.group(1))[:1]:
            (settlements if p.kind == "city" else regions)[p.name] += 3
    for m in _DATELINE.finditer(head):
        for p in _russian_places(m.group(1))[:1]:
            (settlements if p.kind == "city" else regions)[p.name] += 2
    if settlements:
        return [settlements.most_common(1)[0][0]]
    for m in _REGION.finditer(head):
        if name := _region_name(m):                 # a header mention weighs more than one in the body
            regions[name] += 2 if m.start() < HEADER_CHARS else 1
    if regions:
        (name, count), *rest = regions.most_common(2)
        if count >= 2 and (not rest or rest[0][1] < count):
            return [name]
    return []
