"""What a researcher sees when asking the bundled reports."""
from __future__ import annotations

import json

from muniqa.corpus.clean import strip_markup
from muniqa.eval.gold import normalize

from .conftest import run_cli

BELARUS = "Какие города сотрудничают с белорусскими партнерами?"


def test_belarus_question_finds_tomsk_and_khabarovsk_partners(bundled):
    answer = bundled.ask(BELARUS, k=8)
    assert {"Томск", "Хабаровск"} <= set(answer.by_city)
    found = normalize(" ".join(p.text for p in answer.passages))
    for partner in ["Октябрьский район г. Минска", "Гомель", "Гродно", "Белкоммунмаш",
                    "Фестивале ледовых скульптур", "Могилев"]:
        assert normalize(partner) in found, partner


def test_answer_groups_ranks_by_city(bundled):
    answer = bundled.ask(BELARUS, k=8)
    ranks = sorted(r for rs in answer.by_city.values() for r in rs)
    assert ranks == list(range(1, len(answer.passages) + 1))
    for city, rs in answer.by_city.items():
        assert all(answer.passages[r - 1].city == city for r in rs)


def _source_lines(path: str, start: int, end: int) -> str:
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    return strip_markup("\n".join(lines[start - 1:end]))


def test_every_passage_is_verbatim_text_of_its_source_at_the_cited_lines(bundled):
    questions = [BELARUS, "Сколько пресс-релизов опубликовали на портале?",
                 "дорожная карта сотрудничества Санкт-Петербурга и Томской области в сфере туризма",
                 "побратимские связи с японскими городами", "ледовые скульптуры"]
    for q in questions:
        for p in bundled.ask(q, k=10).passages:
            doc = bundled.data.documents[p.doc]
            assert doc.text[p.start:p.end] == p.text
            assert p.highlight in p.text
            # same words in the same order as the original file's cited lines (the file
            # differs only in line breaks, hyphenation at line ends, spacing and markup)
            assert normalize(p.text) in normalize(_source_lines(p.source, p.line_start, p.line_end)), \
                (q, p.doc, p.line_start, p.line_end)
            assert p.title and p.city and p.year


def test_city_filter_returns_only_that_city(bundled):
    answer = bundled.ask(BELARUS, k=10, cities=["Хабаровск"])
    assert answer.passages and {p.city for p in answer.passages} == {"Хабаровск"}


def test_year_filter_and_range(bundled):
    only_2011 = bundled.ask("международное сотрудничество", k=10, years=(2011, 2011))
    assert only_2011.passages and {p.year for p in only_2011.passages} == {2011}
    # the 2020-2022 roadmap overlaps 2021 even though its start year is 2020
    span = bundled.ask("сотрудничество в сфере образования", k=20, years=(2021, 2021))
    assert {p.doc for p in span.passages} == {"spb-tomsk-oblast-roadmap-2020-2022",
                                              "khabarovsk-2021-international-tourism"}


def test_filter_that_matches_nothing_returns_nothing(bundled):
    assert bundled.ask(BELARUS, cities=["Владивосток"]).passages == []


def test_query_words_are_highlighted_in_every_inflected_form(bundled):
    answer = bundled.ask("соглашение с белорусским городом", k=3)
    marked = {p.text[s:e].lower() for p in answer.passages for s, e in p.terms}
    assert "соглашения" in marked or "соглашений" in marked
    assert any(w.startswith("беларус") for w in marked)   # via the gazetteer


def test_cli_ask_json_follows_the_contract(bundled):
    res = run_cli("ask", BELARUS, "--json", "--k", "5", "--index", str(bundled.index_dir))
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["question"] == BELARUS
    keys = {"rank", "score", "text", "doc", "title", "city", "year", "section", "source", "page",
            "line_start", "line_end", "start", "end", "highlight"}
    assert all(keys <= set(p) for p in data["passages"])
    assert [p["rank"] for p in data["passages"]] == [1, 2, 3, 4, 5]
    assert set(data["by_city"]) <= {p["city"] for p in data["passages"]}


def test_cli_filters_by_city_and_year(bundled):
    res = run_cli("ask", "туризм", "--json", "--city", "Томск", "--year", "2024",
                  "--index", str(bundled.index_dir))
    data = json.loads(res.stdout)
    assert data["passages"]
    assert all(p["city"] == "Томск" and p["year"] == 2024 for p in data["passages"])


def test_cli_bad_year_is_a_one_line_error(bundled):
    res = run_cli("ask", "туризм", "--year", "двадцатый", "--index", str(bundled.index_dir))
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert "--year" in res.stderr and len(res.stderr.strip().splitlines()) == 1
