"""Metadata rules on the header lines municipal documents use (the real files are in
test_metadata_realdocs.py; these are the forms those files do not happen to contain)."""
from __future__ import annotations

import pytest

from muniqa.corpus.metadata import detect_city, detect_metadata, detect_title, detect_years


@pytest.mark.parametrize("head,city", [
    ("АДМИНИСТРАЦИЯ ГОРОДА НОВОСИБИРСКА\n\nПОСТАНОВЛЕНИЕ", "Новосибирск"),
    ("Администрация Города Томска\n\nОтчёт о работе за 2023 год", "Томск"),
    ("Мэрия города Новосибирска\n\nРАСПОРЯЖЕНИЕ", "Новосибирск"),
    ("ПРИКАЗ от 08.12.2020 № 270 г. Краснодар", "Краснодар"),
    ("Дума городского округа Тольятти\n\nРЕШЕНИЕ", "Тольятти"),
    ("ТОМСК\n\nМеждународная деятельность", "Томск"),
    ("Администрация Томской области\n\nДоклад о деятельности Администрации Томской области", "Томская область"),
    ("Город Орёл\n\nОтчёт главы", "Орёл"),
])
def test_a_named_russian_place_is_found(muniqa_home, head, city):
    assert detect_city(head + "\n\nТекст отчёта о работе.") == [city]


@pytest.mark.parametrize("head", [
    "Согласовано Утверждаю\n\nДиректор",
    "ФЕДЕРАЛЬНАЯ СЛУЖБА ПО ТЕХНИЧЕСКОМУ И ЭКСПОРТНОМУ КОНТРОЛЮ\n\nПРИКАЗ",
    "Министерство Российской Федерации по делам гражданской обороны\n\nПРИКАЗ",
    "Зарегистрирован Минюстом России 13 февраля 2014 г. Регистрационный N 31305",
    "Администрация Президента Российской Федерации\n\nСправка",
    "Государство Место ВВП за 2018 г. Китай 1 25362 США 2 20494",
    "Документ подписан ЭП 04.02.2021 12:21\n\nПобеда и мир",
])
def test_words_that_are_not_russian_places_give_no_city(muniqa_home, head):
    assert detect_city(head) == []


def test_year_is_the_documents_own_not_a_cited_acts():
    text = ("ПРИКАЗ\n\nот 24 декабря 2013 г. N 1112\n\nВ соответствии с Федеральным законом от "
            "27 июля 2006 г. N 152-ФЗ и постановлением Правительства от 21 марта 2012 г. N 211")
    assert detect_years(text) == (2013, None)
    assert detect_years("План мероприятий на 2020–2022 годы\n\nтекст") == (2020, 2022)
    assert detect_years("Что удалось сделать в 2011 году\n\nтекст") == (2011, None)
    assert detect_years("УТВЕРЖДАЮ\nДиректор\n«____» ____________ 2019 года\n\nЦЕНОВОЙ АНАЛИЗ") == (2019, None)
    assert detect_years("Документ подписан ЭП 04.02.2021 12:21\n\nв соответствии с законом от 2006") == (None, None)
    assert detect_years("Отчёт\n\nВ 1998, 2003 и 2010 годах было построено") == (None, None)


def test_titles_skip_stamps_and_form_lines():
    text = ("Документ подписан ЭП 04.02.2021 12:21\n\nУТВЕРЖДАЮ\n\nСогласовано\n\n"
            "Приложение № 1 к постановлению\n\nОтчёт о реализации муниципальной программы «Безопасный город»\n\nТекст.")
    assert detect_title(text, "file") == "Отчёт о реализации муниципальной программы «Безопасный город»"
    assert detect_title("ПРИКАЗ\n\nОБ УТВЕРЖДЕНИИ ПОРЯДКА\n\nРАБОТЫ С ОБРАЩЕНИЯМИ\n\nтекст", "f") == \
        "Об утверждении порядка работы с обращениями"
    assert detect_title("KGbI©;_ahiZkghklv ljm^Z \\ kljhbl_evkl\\_™\n\nN_^_jZevguc aZdhg", "scan") == "scan"


def test_a_financial_report_gets_no_tourism_topic():
    report = ("Отчёт о финансово-хозяйственной деятельности учреждения за 2022 год\n\n"
              + "Доходы учреждения составили 10 млн рублей, расходы на оплату труда 6 млн рублей. " * 40
              + "Учреждение участвовало в международной выставке.")
    meta = detect_metadata(report, "f")
    assert meta.topic == "" and meta.year == 2022 and meta.cities == []
    tourism = "Развитие туризма в городе\n\n" + "Туристический поток вырос, туристские маршруты. " * 5
    assert "туризм" in detect_metadata(tourism, "f").topic


def test_a_region_mentioned_once_in_passing_is_not_the_documents_place(muniqa_home):
    body = ("ПРИКАЗ\n\nОб утверждении порядка работы с обращениями граждан\n\n" + "Текст приказа. " * 40
            + "Опыт Московской области учтён.")
    assert detect_city(body) == []
    header = "Департамент финансов Томской области\n\nПРИКАЗ\n\n" + "Текст приказа. " * 40
    assert detect_city(header) == ["Томская область"]


def test_an_annual_reports_year_is_the_one_it_keeps_repeating():
    report = ("Международная деятельность муниципалитета\n\nВ рамках Плана в 2024 году реализованы "
              "мероприятия, соглашение действует с 2019 года. В 2024 году открыт музей.")
    assert detect_years(report) == (2024, None)
    intro = "Отчёт о работе управления\n\n" + "Управление работало по плану. " * 50   # past the title block
    assert detect_years(intro + "В 2023 году начато, в 2024 году продолжено.") == (None, None)   # a tie
    assert detect_years(intro + "В 2023 году начато, в 2024 году продолжено, в 2024 году сдано.") == (2024, None)
