"""Questions asked the way people ask them, and knowing when there is no answer (issue 10).

Real index of the bundled reports (default embedder, FAISS, the learned ranker).
"""
from __future__ import annotations

import json

import pytest

from muniqa.eval.gold import normalize
from muniqa.qa.api import NO_ANSWER, EmptyQuestionError
from muniqa.ui.answer import answer_html

from .conftest import run_cli

TOMSK_AGREEMENTS = normalize("заключено 14 соглашений о сотрудничестве")


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "?!"])
def test_blank_question_is_a_clear_error_in_the_api(bundled, question):
    with pytest.raises(ValueError) as err:
        bundled.ask(question)
    assert isinstance(err.value, EmptyQuestionError)
    assert "Пустой вопрос" in str(err.value) and "\n" not in str(err.value)


def test_blank_question_exits_2_with_one_russian_line(bundled):
    res = run_cli("ask", "  ", "--index", str(bundled.index_dir))
    assert res.returncode == 2
    assert res.stderr.strip().startswith("Ошибка: Пустой вопрос")
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert res.stdout == ""


def test_gibberish_gets_no_confident_answer(bundled):
    res = run_cli("ask", "xyzzy qwerty", "--json", "--index", str(bundled.index_dir))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["answer_found"] is False
    assert doc["passages"] and not any(p["answers"] for p in doc["passages"])
    text = run_cli("ask", "xyzzy qwerty", "--k", "2", "--index", str(bundled.index_dir))
    assert text.stdout.splitlines()[0] == NO_ANSWER


def test_no_answer_panel_says_so_and_quotes_nothing(bundled):
    answer = bundled.ask("xyzzy qwerty", k=3)
    html = answer_html(answer.question, answer.passages)
    assert NO_ANSWER in html and "mq-quote" not in html and "Ответ по городам" not in html


def test_real_question_is_answered(bundled):
    res = run_cli("ask", "фестиваль ледовых скульптур", "--json", "--index", str(bundled.index_dir))
    doc = json.loads(res.stdout)
    assert doc["answer_found"] is True and doc["passages"][0]["answers"] is True
    assert "ледов" in doc["passages"][0]["text"]


@pytest.mark.parametrize("question", ["Сколько городов-побратимов у Томска?",
                                      "Сколько у Томска городов-партнеров за рубежом?"])
def test_count_questions_reach_the_list_of_tomsk_agreements(bundled, question):
    answer = bundled.ask(question, k=3)
    assert answer.answer_found
    assert any(TOMSK_AGREEMENTS in normalize(p.text) for p in answer.passages), \
        [p.highlight for p in answer.passages]


def test_precedent_question_about_tourists_does_not_lead_with_students(bundled):
    answer = bundled.ask("как другие города привлекают иностранных туристов", k=5)
    first = answer.passages[0]
    assert "студент" not in first.text.lower(), first.text
    assert "турист" in first.text.lower()


def test_which_cities_question_shows_every_city_within_k3(bundled):
    res = run_cli("ask", "Какие города сотрудничают с белорусскими партнерами?", "--k", "3", "--json",
                  "--index", str(bundled.index_dir))
    doc = json.loads(res.stdout)
    assert {"Томск", "Хабаровск"} <= set(doc["by_city"])
    assert doc["answer_found"] is True


def test_belarus_adjective_reaches_cities_through_the_generated_gazetteer():
    from muniqa.qa.gazetteer import related
    names = set(related("белорусский"))
    assert {"беларусь", "белоруссия", "минск", "гомель", "могилев"} <= names
    assert "томск" not in names
