"""From a word as a report writes it ("Харбином", "Пучона", "КНР") to a gazetteer place.

The gazetteer (``muniqa.corpus.places``) is keyed by dictionary forms. pymorphy3 knows
the inflection of common Russian toponyms ("Харбином" -> "харбин"); foreign names it has
never seen ("Пучона", "Чхунчхоне", "Тайбея") are tried with their case ending taken
off, and only a form the gazetteer knows is kept, so a guess can never invent a place.
A name the gazetteer lacks is still a place when the text marks it as one ("г. Пучон",
"Фуюань (КНР)"): it is kept with the country's coordinates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from muniqa.corpus import places
from muniqa.corpus.morph import analyzer

_ENDINGS = ("ами", "ями", "ом", "ем", "ой", "ей", "ою", "ах", "ях", "ам", "ям", "ы", "и", "а", "я", "у", "ю", "е")
_REFILL = ("", "а", "ь", "й", "о", "я", "ы", "и")


@dataclass(frozen=True)
class PlaceRef:
    name: str            # as the report spells it, in the nominative ("Шаньтоу", "Чанчжоу")
    kind: str
    country: str
    country_code: str
    lat: float | None
    lon: float | None
    canonical: str = ""  # the gazetteer's name ("Шантоу"): the same place under every spelling

    @property
    def genitive(self) -> str:
        """"Минск" -> "Минска", for "Октябрьский район Минска"."""
        parse = analyzer().parse(self.name.lower())[0]
        form = parse.inflect({"gent"})
        return form.word.capitalize() if form and " " not in self.name else self.name


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е").strip()


@lru_cache(maxsize=50_000)
def forms(word: str) -> tuple[str, ...]:
    """Dictionary forms ``word`` may stand for, most likely first (lowercase, ё→е)."""
    low = _fold(word)
    out = [low]
    if " " not in low:
        parses = analyzer().parse(low)
        geox = [p.normal_form for p in parses if "Geox" in p.tag]
        out += geox + [p.normal_form for p in parses[:3]]
        for end in _ENDINGS if not analyzer().word_is_known(low) else ():   # "Сети" is not "Сето"
            if low.endswith(end) and len(low) - len(end) >= 3:
                stem = low[: -len(end)]
                out += [stem + r for r in _REFILL]
    else:
        head, _, tail = low.partition(" ")
        out += [f"{a} {b}" for a in forms(head)[:4] for b in forms(tail)[:4]]
    return tuple(dict.fromkeys(_fold(x) for x in out))


def _ref(p, word: str = "", form: str = "") -> PlaceRef:
    """The gazetteer's place, named as the report names it: the report's word with its case
    ending replaced by the dictionary form's ("Харбином" + "харбин" -> "Харбин"). Countries
    keep the gazetteer's name ("КНР" -> "Китай")."""
    name = p.name
    if p.kind != "country" and word and form and " " not in form and not word.isupper():
        k = 0
        while k < min(len(word), len(form)) and _fold(word[k]) == form[k]:
            k += 1
        if k >= 3:
            name = word[:k] + form[k:]
    return PlaceRef(name, p.kind, p.country, p.country_code, p.lat, p.lon, p.name)


def country(text: str) -> PlaceRef | None:
    """A country named by ``text`` ("КНР", "Республика Корея", "Бирма/Мьянма"), if any."""
    for part in text.replace("/", ",").split(","):
        part = part.strip()
        if not re.search(r"[А-Яа-яЁё]", part):       # "AD" in a list of systems is not Andorra
            continue
        for form in forms(part):
            p = places.country(form)
            if p is not None:
                return _ref(p)
    return None


def resolve(word: str, hint: PlaceRef | None = None, marked: bool = False) -> PlaceRef | None:
    """The place ``word`` names: the gazetteer's (in the hinted country when given), else,
    when the text marks ``word`` as a place and gives its country, an entry of its own."""
    for form in forms(word):
        found = places.lookup(form, capitalised=True)   # only capitalised words get here
        if not found:
            continue
        if hint is not None:
            same = [p for p in found if p.country_code == hint.country_code]
            if same:
                return _ref(same[0], word, form)
            if len(form) < 4:
                continue
        countries = [p for p in found if p.kind == "country"]
        return _ref(countries[0], word, form) if countries else _ref(found[0], word, form)
    if marked and hint is not None and " " not in word and word[:1].isupper() and not word.isupper():
        name = nominative(word)
        return PlaceRef(name, "city", hint.country, hint.country_code, hint.lat, hint.lon, name)
    return None


def nominative(word: str) -> str:
    """Best guess at the dictionary form of a foreign name pymorphy3 does not know."""
    parses = analyzer().parse(word.lower())
    if parses and "nomn" in parses[0].tag and parses[0].score >= 0.3:
        return word
    low = word.lower()
    for end in ("ом", "ем", "ой", "е", "а", "у"):
        if low.endswith(end) and len(low) - len(end) >= 3:
            return word[: -len(end)]
    return word


def is_russian(ref: PlaceRef) -> bool:
    return ref.country_code == "RU"
