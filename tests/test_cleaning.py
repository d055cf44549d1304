"""Undoing PDF-extraction damage, with every character traceable to its source line."""
from __future__ import annotations

from muniqa.corpus.clean import clean_lines
from muniqa.corpus.document import SourceLine
from muniqa.corpus.loader import bundled_reports_dir, load_document
from muniqa.corpus.readers import read_file


def _clean(text: str):
    return clean_lines([SourceLine(i + 1, t) for i, t in enumerate(text.split("\n"))])


def test_hard_wrapped_lines_and_page_breaks_are_joined():
    res = _clean("В настоящее время между администрацией города и другими странами\n\n\n"
                 "заключено  14  соглашений  о  сотрудничестве.\nСледующий абзац.")
    assert res.text.split("\n\n")[0] == ("В настоящее время между администрацией города и другими "
                                          "странами заключено 14 соглашений о сотрудничестве.")


def test_line_end_hyphenation_is_undone_but_real_hyphens_stay():
    res = _clean("комитет без специализированного подраз-\nделения занимался социально-\n"
                 "экономическими вопросами садово-\nпаркового хозяйства")
    assert "подразделения" in res.text
    assert "социально-экономическими" in res.text
    assert "садово-паркового" in res.text


def test_stray_html_and_markdown_and_tabs_are_removed():
    res = _clean("**ПЛАН МЕРОПРИЯТИЙ**\n1.1.\t<p>Обмен <b>опытом</b> &amp; информацией</p>\t\t2020 г.")
    assert "<" not in res.text and "**" not in res.text and "&amp;" not in res.text
    assert "1.1. | Обмен опытом & информацией | 2020 г." in res.text


def test_abbreviation_at_line_end_does_not_end_a_paragraph():
    res = _clean("г. Рига (Латвия), г. Караганда (Казахстан), г. Далянь (КНР), г. Юрмала (Латвия), г.\n"
                 "Чанчжоу (КНР), г. Белосток (Польша), Октябрьский район г. Минска (Беларусь).")
    assert "\n" not in res.text


def test_headings_are_found_and_lines_are_mapped():
    res = _clean("ХАБАРОВСК\nМеждународная деятельность муниципалитета\n"
                 "Администрация города Хабаровска развивает связи со своими зарубежными\n"
                 "партнерами.\n\nРазвитие туризма\nТуристский центр работает.")
    assert [h for _, h in res.headings] == ["Международная деятельность муниципалитета", "Развитие туризма"]
    offset = res.text.index("партнерами")
    line = max(n for off, n in res.line_map if off <= offset)
    assert line == 4


def test_bundled_report_clean_text_traces_back_to_source_lines():
    path = bundled_reports_dir() / "tomsk-2024-international-tourism.txt"
    doc = load_document(path)
    raw = read_file(path).lines
    offset = doc.text.index("Белкоммунмаш")
    assert "Белкоммунмаш" in raw[doc.line_at(offset) - 1].text
    assert doc.meta.city == "Томск" and doc.meta.year == 2024


def test_text_in_legacy_encodings_is_detected(tmp_path):
    text = ("Администрация города Хабаровска в 2021 году развивала побратимские связи "
            "с городами Японии, Китая и Республики Корея.\n") * 3
    for enc in ("cp1251", "koi8-r", "utf-8-sig"):
        path = tmp_path / f"report-{enc}.txt"
        path.write_bytes(text.encode(enc))
        doc = load_document(path)
        assert "побратимские связи" in doc.text, enc
        assert doc.meta.city == "Хабаровск" and doc.meta.year == 2021
