"""Place names in one sentence: where they are, what they name, and which to ignore.

A capitalised word (or a two-word or hyphenated name) is a place when the gazetteer knows
one of its dictionary forms ("Харбином" -> "харбин"), or when the text says so: "г. Пучон",
"Фуюань, Хэган (КНР)". Then it is thrown out when the sentence shows it is not a place of
its own: a river or lake ("реки Хан"), a forum's, festival's or organisation's name in
quotes («Иртыш»; "Лагерь мира в Чхунчхоне" keeps Чхунчхон because "в" places it), a
university or clinic named after a region, a person (natasha's NER tags PER), or an
adjective ("Гродненского комитета"). Hand-written because every rule here is about how
Russian reports write place names, which no general NER model is trained to separate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from muniqa.corpus.morph import analyzer
from muniqa.index.lemmas import lemma

from . import partners_geo as geo

_WORD = re.compile(r"[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z]*(?:-[А-ЯЁа-яёA-Za-z]+)*")
_CITY_MARK = re.compile(r"(?:\b(?:г|гг)\.\s*|\bгород(?:а|ом|е|у|ов|ами|ах)?\s+|\bгородам?\s+)$", re.I)
_NOT_PLACE_BEFORE = re.compile(
    r"\b(?:рек[аеиуой]|реч\w*|озер\w*|ручь?[еяюйи]\w*|гор[аыеу]|залив\w*|мор[еяю]|остров\w*|пролив\w*|"
    r"университет\w*|клиник\w*|компани\w*|банк\w*|аэропорт\w*|улиц\w*|ул\.|проспект\w*|площад\w*|"
    r"гостиниц\w*|отел\w*|музе[йяюе]\w*|театр\w*|школ\w*)\s*(?:имени\s+)?[«\"]?$", re.I)
_NAMED_AFTER = re.compile(r"\bимени\s+(?:[А-ЯЁ][\w.-]*\s+){0,2}$")
# continents and macro-regions: where partners are, never partners themselves
NOT_PARTNERS = frozenset({"азия", "европа", "африка", "океания", "сибирь", "арктика", "север", "восток",
                          "запад", "юг", "атр", "снг", "еаэс", "евразия", "антарктида", "скандинавия"})
# a country is named as a partner after a preposition or in a list ("из КНР, Японии и США"),
# not inside an organisation's name ("Народный банк Китая", "Госстрой РБ")
_COUNTRY_CONTEXT = re.compile(r"(?:\b(?:из|с|со|в|во|и|между|для|от|к|ко|на|по)\s+|,\s*|[(–—-]\s*)$", re.I)
_IN_QUOTE_OK = re.compile(r"(?:\b(?:в|во|из|город)\s+)$", re.I)
# a district of a city: "Октябрьский район г. Минска", "Октябрьским районом города Минска"
_DISTRICT = re.compile(r"([А-ЯЁ][а-яё]+)\s+район\w*\s+(?:г\.\s*|город\w*\s+)([А-ЯЁ][а-яё-]+)")


@dataclass
class Found:
    start: int           # offsets in the sentence
    end: int
    name: str            # Russian nominative
    kind: str            # city, district, region, country
    country: str
    country_code: str
    lat: float | None
    lon: float | None
    marked: bool = False  # the text itself says it is a place: "г. Монро", "Шаньтоу (КНР)"
    canonical: str = ""   # gazetteer name: one place whatever the spelling


def _quote_open(sentence: str, pos: int) -> int:
    """Offset of the « that ``pos`` sits inside, or -1."""
    depth, opened = 0, -1
    for i, ch in enumerate(sentence[:pos]):
        if ch == "«":
            depth += 1
            opened = i if depth == 1 else opened
        elif ch == "»" and depth:
            depth -= 1
    return opened if depth else -1


def _rejected(sentence: str, start: int, end: int) -> bool:
    before = sentence[max(0, start - 40):start]
    if _NOT_PLACE_BEFORE.search(before) or _NAMED_AFTER.search(before):
        return True
    opened = _quote_open(sentence, start)
    if opened >= 0 and not _IN_QUOTE_OK.search(sentence[opened + 1:start]):
        return True
    word = sentence[start:end]
    if {word.lower().replace("ё", "е"), lemma(word)} & NOT_PARTNERS:
        return True
    if "-" not in word:
        parses = analyzer().parse(word.lower())
        if parses and parses[0].tag.POS in ("ADJF", "ADJS", "VERB", "PRTF", "INFN") and "Geox" not in parses[0].tag:
            return True
        # an ordinary Russian word ("Так", "Планом", "Сети") is a place only where the text says so
        if analyzer().word_is_known(word.lower()) and not any("Geox" in p.tag for p in parses) \
                and not _city_marked(sentence, start):
            return True
    return False


def _hint(sentence: str, end: int) -> geo.PlaceRef | None:
    """The country in the parenthesis that closes the list the name ends: "Фуюань, Хэган (КНР)"."""
    m = re.compile(r"(?:[\s,–—-]|\bи\b|\bг\.|[А-ЯЁ][\w-]*)*\(([^()]*)\)").match(sentence, end)
    if not m:
        return None
    for part in reversed(re.split(r"[,;–—]", m.group(1))):
        found = geo.country(part.strip())
        if found is not None:
            return found
    return None


def _city_marked(sentence: str, start: int) -> bool:
    return bool(_CITY_MARK.search(sentence[max(0, start - 12):start]))


def find_places(sentence: str) -> list[Found]:
    """Places named in ``sentence`` (foreign and Russian), in order, without the rejected ones."""
    out: list[Found] = []
    taken: list[tuple[int, int]] = []
    for m in _DISTRICT.finditer(sentence):
        city = geo.resolve(m.group(2), _hint(sentence, m.end()))
        if city is not None and not _rejected(sentence, m.start(2), m.end(2)):
            adj = analyzer().parse(m.group(1).lower())[0]
            first = (adj.inflect({"nomn", "masc", "sing"}) or adj).word.capitalize()
            name = f"{first} район {city.genitive}"
            out.append(Found(m.start(), m.end(), name, "district", city.country, city.country_code,
                             city.lat, city.lon, True, name))
            taken.append((m.start(), m.end()))
    for m in _WORD.finditer(sentence):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in taken):
            continue
        word = m.group()
        if len(word) < 3 and word != "РФ":
            continue
        if word.isupper() and len(word) > 1:          # abbreviations name countries only: КНР, США
            found = geo.country(word)
            if found is not None and _COUNTRY_CONTEXT.search(sentence[max(0, s - 12):s]):
                out.append(Found(s, e, found.name, found.kind, found.country, found.country_code,
                                 found.lat, found.lon, True, found.canonical))
                taken.append((s, e))
            continue
        if _rejected(sentence, s, e):
            continue
        hint = _hint(sentence, e)
        nxt = re.match(r"\s+([А-ЯЁ][а-яё]+)", sentence[e:])
        place = None
        if nxt:                                  # "Республика Корея", "Нижний Новгород"
            place = geo.resolve(f"{word} {nxt.group(1)}", hint)
            if place is not None:
                e = e + nxt.end()
        if place is None:
            foreign = not analyzer().word_is_known(word.lower())
            place = geo.resolve(word, hint, marked=_city_marked(sentence, s) or (hint is not None and foreign))
        if place is None:
            continue
        if place.kind == "country" and not _COUNTRY_CONTEXT.search(sentence[max(0, s - 12):s]):
            continue
        marked = _city_marked(sentence, s) or (hint is not None and hint.country_code == place.country_code)
        out.append(Found(s, e, place.name, place.kind, place.country, place.country_code, place.lat, place.lon,
                         marked or place.kind == "country", place.canonical))
        taken.append((s, e))
    return out
