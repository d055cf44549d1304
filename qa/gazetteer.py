"""Names that mean the same place, so that a question and a report meet.

Lemmatization is inflection only: "белорусскими" becomes "белорусский", never "Беларусь",
and "КНР" never becomes "Китай". Reports name partners as "Республика Беларусь", "КНР",
"Гомель"; people ask about "белорусских партнеров", "китайские города". The place table
comes from data (``muniqa.corpus.places``: GeoNames cities and ISO 3166 countries with
their Russian names and adjectives), not a hand list: a query lemma that names a place
brings its other names, and a country also brings its largest cities, since a report that
cooperates with Gomel rarely repeats "Belarus" in the same sentence.
"""
from __future__ import annotations

from functools import lru_cache

from muniqa.corpus import places

CITIES_PER_COUNTRY = 12     # the most populous: the partners municipal reports name


def _single_words(names) -> list[str]:
    return [n for n in names if " " not in n and "-" not in n]


@lru_cache(maxsize=4096)
def related(lemma: str) -> tuple[str, ...]:
    """The other names of the place ``lemma`` names (empty if it names no known place)."""
    found = places.lookup(lemma, capitalised=False)
    if not found:
        return ()
    out = _single_words(places.related_lemmas(lemma))
    for place in found[:1]:
        if place.kind == "country":
            for city in places.places_in_country(place.country_code)[:CITIES_PER_COUNTRY]:
                name = places.norm(city.name)
                out += _single_words([name, *places.related_lemmas(name)])
    return tuple(x for x in dict.fromkeys(out) if x != lemma)


def expand(query_lemmas: list[str]) -> list[str]:
    """Query lemmas plus every other name of each place they mention, without repeats."""
    out = list(dict.fromkeys(query_lemmas))
    seen = set(out)
    for lemma in query_lemmas:
        for other in related(lemma):
            if other not in seen:
                seen.add(other)
                out.append(other)
    return out
