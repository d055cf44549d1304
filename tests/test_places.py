"""The gazetteer built from GeoNames and ISO 3166: names, adjectives, countries, ambiguity."""
from __future__ import annotations

import json

import pytest

from muniqa.corpus import places
from muniqa.corpus.morph import analyzer
from muniqa.corpus.places_names import norm

NON_RUSSIAN_LETTERS = set("іїєўґђјљњћџІЇЄЎҐЂЈЉЊЋЏ")


@pytest.fixture(scope="module")
def table(muniqa_home):
    return places._table()


def test_gomel_is_a_belarusian_city_with_coordinates(table):
    gomel = places.lookup("гомель")[0]
    assert (gomel.name, gomel.kind, gomel.country, gomel.country_code) == ("Гомель", "city", "Беларусь", "BY")
    assert abs(gomel.lat - 52.43) < 0.2 and abs(gomel.lon - 30.98) < 0.2
    assert gomel.population > 400_000
    assert places.lookup("гомельский")[0] == gomel


@pytest.mark.parametrize("name", ["BY", "Беларусь", "белоруссия", "белорусский", "Республика Беларусь", "рб"])
def test_every_name_of_belarus_finds_the_country(table, name):
    found = places.country(name)
    assert found is not None and found.country_code == "BY" and found.name == "Беларусь"


@pytest.mark.parametrize("lemma,code,name", [("кнр", "CN", "Китай"), ("китайский", "CN", "Китай"),
                                             ("сша", "US", "США"), ("американский", "US", "США"),
                                             ("республика корея", "KR", "Республика Корея"),
                                             ("российский", "RU", "Россия"), ("немецкий", "DE", "Германия")])
def test_country_abbreviations_and_adjectives(table, lemma, code, name):
    first = places.lookup(lemma)[0]
    assert (first.kind, first.country_code, first.name) == ("country", code, name)


def test_tomsk_region_and_city_are_russian(table):
    region = places.lookup("томская область")[0]
    assert (region.kind, region.country_code, region.country) == ("region", "RU", "Россия")
    assert places.lookup("томский область")[0] == region          # word-by-word lemmas as a query has them
    assert places.lookup("томский")[0].name == "Томск"            # the adjective: city first, then region
    assert region in places.lookup("томский")
    for name in ("Томск", "Томская область", "Хабаровск", "Республика Татарстан", "Санкт-Петербург"):
        assert places.is_russian_place(name), name
    for name in ("Гомель", "Харбин", "Россия", "Утверждаю", "Согласовано", "Федеральная", "Министерство", ""):
        assert not places.is_russian_place(name), name


@pytest.mark.parametrize("word", ["утверждаю", "утверждать", "согласовано", "согласовать", "федеральный",
                                  "мир", "орел", "город", "победа", "советский", "красный", "министерство"])
def test_common_words_are_not_places(table, word):
    assert places.lookup(word) == []
    assert places.related_lemmas(word) == ()


def test_ambiguous_names_need_a_capital(table):
    for word in ("орел", "советский", "королев", "мирный"):      # towns, and ordinary words or surnames
        assert places.is_ambiguous(word) and places.lookup(word) == [], word
        assert places.lookup(word, capitalised=True)[0].country_code == "RU", word
    assert not places.is_ambiguous("гомель") and not places.is_ambiguous("томск")
    orel = places.lookup("орел", capitalised=True)
    assert orel and orel[0].name == "Орёл" and orel[0].country_code == "RU"
    assert places.is_russian_place("Орёл") and not places.is_russian_place("орёл")


def test_related_lemmas_join_names_and_adjectives_but_not_a_countrys_cities(table):
    assert {"беларусь", "белоруссия", "республика беларусь"} <= set(places.related_lemmas("белорусский"))
    belarus = set(places.related_lemmas("беларусь"))
    assert "белорусский" in belarus and not {"минск", "гомель", "гомельский"} & belarus
    assert "гомельский" in places.related_lemmas("гомель")
    assert {"китай", "китайский"} <= set(places.related_lemmas("кнр"))
    assert {"ленинград", "петербургский"} <= set(places.related_lemmas("петербург"))


def test_cities_of_a_country_most_populous_first(table):
    cities = places.places_in_country("by")
    assert cities[0].name == "Минск" and "Гомель" in [c.name for c in cities[:5]]
    assert [c.population for c in cities] == sorted((c.population for c in cities), reverse=True)
    assert all(c.kind == "city" and c.country_code == "BY" for c in cities)


def test_generated_table_is_russian_and_checked(table):
    """Display names use Russian letters only; keys are normalised; every adjective is a
    dictionary adjective (the derivation rules can only pick words Russian has)."""
    assert not [p.name for p in table.places if NON_RUSSIAN_LETTERS & set(p.name)]
    assert all(k == norm(k) for k in list(table.names) + list(table.adjectives))
    for adj in table.adjectives:
        assert any(p.tag.POS == "ADJF" for p in analyzer().parse(adj)) and analyzer().word_is_known(adj), adj
    assert len(table.adjectives) > 300 and len(table.places) > 10_000


def test_the_table_is_cached_under_a_version_key(muniqa_home):
    places._table.cache_clear()              # another test module may have loaded it from another data dir
    places._table()
    cache = places._cache_path()
    assert cache.parent == muniqa_home and cache.is_file()
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == places._version_key()
