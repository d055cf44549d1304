"""Names that mean the same place, so that a question and a report meet.

Lemmatization is inflection only: "белорусскими" becomes "белорусский", never "Беларусь",
and "КНР" never becomes "Китай". Reports name partners as "Республика Беларусь", "КНР",
"Республика Корея"; people ask about "белорусских партнеров", "китайские города". Each
group below lists lemmas (adjectives, alternative and official names, abbreviations)
of one place; a query lemma from a group brings the whole group into the BM25 query.
"""
from __future__ import annotations

from functools import lru_cache

GROUPS: tuple[tuple[str, ...], ...] = (
    # countries
    ("беларусь", "белоруссия", "белорусский", "рб"),
    ("китай", "кнр", "китайский"),
    ("корея", "кореец", "корейский", "южнокорейский"),
    ("кндр", "северокорейский"),
    ("япония", "японский", "японец"),
    ("сша", "америка", "американский"),
    ("казахстан", "казахстанский", "казахский"),
    ("латвия", "латвийский"),
    ("польша", "польский"),
    ("армения", "армянский"),
    ("германия", "немецкий", "фрг", "германский"),
    ("франция", "французский"),
    ("италия", "итальянский"),
    ("монголия", "монгольский"),
    ("вьетнам", "вьетнамский"),
    ("узбекистан", "узбекский"),
    ("киргизия", "кыргызстан", "киргизский", "кыргызский"),
    ("таджикистан", "таджикский"),
    ("азербайджан", "азербайджанский"),
    ("грузия", "грузинский"),
    ("молдова", "молдавия", "молдавский"),
    ("индия", "индийский"),
    ("тайвань", "тайваньский"),
    ("малайзия", "малайзийский"),
    ("россия", "рф", "российский"),
    # cities and regions seen in municipal reports
    ("минск", "минский"),
    ("гомель", "гомельский"),
    ("гродно", "гродненский"),
    ("могилев", "могилевский"),
    ("брест", "брестский"),
    ("витебск", "витебский"),
    ("томск", "томский", "томич"),
    ("хабаровск", "хабаровский", "хабаровчанин"),
    ("петербург", "санкт", "петербургский", "спб", "ленинград", "питер"),
    ("москва", "московский", "москвич"),
    ("харбин", "харбинский"),
    ("пучон", "пучонский"),
    ("ниигата", "ниигатский"),
    ("сеул", "сеульский"),
    ("пекин", "пекинский"),
    ("шанхай", "шанхайский"),
)


@lru_cache(maxsize=1)
def _by_lemma() -> dict[str, tuple[str, ...]]:
    return {lemma: group for group in GROUPS for lemma in group}


def related(lemma: str) -> tuple[str, ...]:
    """The other names of the place ``lemma`` names (empty if it names no known place)."""
    return tuple(x for x in _by_lemma().get(lemma, ()) if x != lemma)


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
