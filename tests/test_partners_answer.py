"""The answer panel names partners from the partnership extraction: places only, in the
nominative, with relation types (the cases that a word-list heuristic got wrong)."""
from __future__ import annotations

import re

from muniqa.qa.passages import Passage
from muniqa.ui.answer import answer_html, city_lines

KAZ = "Какие города сотрудничают с казахстанскими партнерами?"
CHINA = "Какие соглашения заключены с китайскими городами?"


def passage(text: str, city: str, rank: int, asked: tuple[str, ...]) -> Passage:
    terms = [(m.start(), m.end()) for w in asked for m in re.finditer(w, text)]
    return Passage(rank=rank, score=0.9, text=text, doc=f"{city}-doc", title="Отчёт", city=city, year=2023,
                   section="Международная деятельность", source="/r.txt", page=None, line_start=1, line_end=4,
                   start=0, end=len(text), highlight=text, terms=terms, chunk=rank)


def test_forum_named_after_a_river_is_not_a_partner_the_city_is():
    p = passage("В 2023 году делегация города Омска приняла участие в форуме «Иртыш — река дружбы» "
                "в г. Павлодаре (Казахстан), где подписано соглашение о сотрудничестве с Павлодаром.",
                "Омск", 1, ("Казахстан",))
    lines, asks_place = city_lines(KAZ, [p])
    assert asks_place and lines[0].names == ["Павлодар"]
    assert lines[0].partners[0].relations == ["agreement"] and lines[0].partners[0].ranks == [1]
    html = answer_html(KAZ, [p])
    assert "Иртыш" not in html.split("mq-note")[0] and ">Павлодар<" in html and "(соглашение)" in html


def test_partner_names_are_nominative_and_never_the_reporting_city():
    p = passage("Организация и проведение мероприятий в рамках реализации соглашений, подписанных на "
                "заседании Комитета по сотрудничеству между городами Хабаровском (РФ) и Харбином (КНР).",
                "Хабаровск", 2, ("КНР",))
    lines, _ = city_lines(CHINA, [p])
    assert lines[0].names == ["Харбин"]
    assert "Харбином" not in lines[0].names and "Хабаровск" not in lines[0].names
