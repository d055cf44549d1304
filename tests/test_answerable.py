"""Knowing when it does not know: near misses (issue 10, item 3).

The evidence of ``qa.answerable`` on small inline passages, then the whole path on the real
index of the bundled reports: a question about something the reports do not hold gets
«Уверенного ответа не найдено» in the CLI, the JSON and the answer panel, a real one does not.
"""
from __future__ import annotations

import html
import json
import re

from muniqa.qa.answerable import EVIDENCE, evidence, focus
from muniqa.qa.api import NO_ANSWER
from muniqa.qa.retrieve import query_groups
from muniqa.ui.answer import answer_html

from .conftest import run_cli

HEAD = "Томск. Международная деятельность"
META = ("Томск: международная деятельность", 2024, None)


def _ev(question: str, *texts: str) -> list[dict[str, float]]:
    rows = evidence(question, query_groups(question), lambda t: 1.0, 100, list(texts),
                    [HEAD] * len(texts), [META] * len(texts))
    return [dict(zip(EVIDENCE, r)) for r in rows]


def test_a_country_counts_as_present_through_its_cities_and_absent_otherwise():
    with_city, without = _ev("Сотрудничает ли Томск с Беларусью?",
                             "Подписано соглашение с Гомелем о сотрудничестве в культуре.",
                             "Подписано соглашение с Харбином о сотрудничестве в культуре.")
    assert with_city["focus_missing"] == 0.0
    assert without["focus_missing"] > 0.0


def test_the_reports_own_city_need_not_be_repeated_in_the_passage():
    (row,) = _ev("Сколько соглашений заключил Томск?", "Заключено 14 соглашений с зарубежными городами.")
    assert row["focus_missing"] == 0.0 and row["type_missing"] == 0.0 and row["violations"] == 0.0


def test_a_count_question_needs_a_number():
    number, list_items = _ev(
        "Сколько гостиниц в Томске?",
        "В городе работает 45 гостиниц и хостелов.",
        "3. Открыты новые гостиницы; 4. С ноября 2024 года проходят экскурсии.")
    assert number["type_missing"] == 0.0 and number["typed_cov"] > 0
    assert list_items["type_missing"] == 1.0          # list numbering and years are not quantities
    assert list_items["violations"] == 1.0


def test_a_count_answered_by_naming_the_items_is_a_count():
    (row,) = _ev("На скольких языках работает сайт?",
                 "Сайт работает на русском, английском, китайском и японском языках.")
    assert row["type_missing"] == 0.0


def test_a_year_the_document_does_not_cover_is_missing():
    in_doc, other = _ev("Что сделали в 2024 году?", "Проведён фестиваль.", "В 2019 году проведён фестиваль.")
    assert in_doc["year_missing"] == 0.0      # the document's own year
    question = focus("Какие итоги подвели в 2023 году?")
    assert question.years == (2023,)
    (row,) = _ev("Какие итоги подвели в 2023 году?", "Итоги подведены в 2022 году.")
    assert row["year_missing"] == 1.0


def test_who_questions_need_a_name_or_a_body():
    named, unnamed = _ev("Кто возглавлял делегацию Томска?",
                         "Делегацию возглавил заместитель мэра С.В. Сидоренко.",
                         "Делегация Томска посетила Гомель и провела переговоры.")
    assert named["type_missing"] == 0.0
    assert unnamed["type_missing"] == 1.0             # places are not people


def test_proper_names_in_a_question_are_its_focus():
    f = focus("Какой штраф грозит за воспрепятствование проверке Роскомнадзора?")
    assert any("роскомнадзор" in e for e in f.entities)
    assert focus("Сколько стоит экскурсия «Обратно в прошлое»?").asks == "number"
    assert focus("Когда подпишут соглашение?").asks == "date"
    assert focus("Как зовут мэра Хабаровска?").asks == "person"


def test_near_miss_gets_no_confident_answer_but_a_real_question_does(bundled):
    near = json.loads(run_cli("ask", "Сотрудничает ли Томск с Монголией?", "--json",
                              "--index", str(bundled.index_dir)).stdout)
    real = json.loads(run_cli("ask", "Сотрудничает ли Томск с Гомелем?", "--json",
                              "--index", str(bundled.index_dir)).stdout)
    assert near["passages"] and near["answer_found"] is False
    assert not any(p["answers"] for p in near["passages"])
    assert real["answer_found"] is True and real["passages"][0]["answers"] is True
    assert "Гомел" in real["passages"][0]["text"]
    text = run_cli("ask", "Сотрудничает ли Томск с Монголией?", "--k", "2", "--index", str(bundled.index_dir))
    assert text.stdout.splitlines()[0] == NO_ANSWER


def test_the_panel_quotes_only_sentences_of_passages_that_answer(bundled):
    near = bundled.ask("Сотрудничает ли Томск с Монголией?", k=5)
    panel = answer_html(near.question, near.passages)
    assert not near.answer_found
    assert NO_ANSWER in panel and "mq-quote" not in panel and "Ответ по городам" not in panel
    answer = bundled.ask("Сколько подписчиков у мэрии Томска в Телеграме?", k=5)
    assert answer.answer_found
    panel = answer_html(answer.question, answer.passages)
    quotes = [html.unescape(q).rstrip(" …") for q in re.findall(r'<span class="mq-quote">(.*?)</span>', panel)]
    assert quotes
    answering = [" ".join(p.highlight.split()) for p in answer.passages if p.answers]
    assert all(any(a.startswith(q) for a in answering) for q in quotes), (quotes, answering)
